import AtendeAPI
import AtendeTesting
import Testing

@Suite("CLI: diagnostics")
struct DiagnosticsCLITests {
  @Test("health prints SERVING and exits 0")
  func health() async throws {
    try await withAtendeTestServer(transport: .tcp) { server in
      let result = try await atende(["health"], server: server)
      #expect(result.status == 0, "\(result.errors)")
      #expect(result.output.contains("SERVING"))
    }
  }

  @Test("an unreachable server exits 6 with a message")
  func unreachable() async throws {
    try await withAtendeTestServer(transport: .tcp) { server in
      let result = try await atende(["health", "--server", "127.0.0.1:1", "--timeout", "2"], server: server)
      #expect(result.status == 6)
      #expect(result.errors.contains("error:"))
    }
  }

  @Test("several comma-separated servers: calls go to one that answers; a malformed list is refused")
  func severalServers() async throws {
    try await withAtendeTestServer(transport: .tcp) { server in
      let address = try #require(server.address)
      // The first server of the list is down: the calls go to the second.
      for _ in 0..<3 {
        let result = try await atende(["ticket", "list", "--server", "127.0.0.1:1, \(address)"], server: server)
        #expect(result.status == 0, "\(result.errors)")
      }
      let malformed = try await atende(["health", "--server", "\(address),nowhere"], server: server)
      #expect(malformed.status != 0)
      #expect(malformed.errors.contains("comma-separated"))
    }
  }

  @Test("info lists each method with the scope it requires")
  func info() async throws {
    try await withAtendeTestServer(transport: .tcp) { server in
      let result = try await atende(["info"], server: server)
      #expect(result.status == 0, "\(result.errors)")
      let lines = result.lines.map { $0.split(separator: " ").map(String.init) }
      #expect(lines.contains(["CreateTicket", "unary", "tickets.write"]))
      #expect(lines.contains(["WatchTickets", "serverStreaming", "tickets.read"]))
      #expect(lines.contains(["Check", "unary", "public"]))
      #expect(lines.contains(["WhoAmI", "unary", "authenticated"]))
    }
  }
}

@Suite("CLI: describe")
struct DescribeCLITests {
  @Test("describe lists every service the server hosts with its methods; each method is described with its messages")
  func everyMethod() async throws {
    try await withAtendeTestServer(transport: .tcp) { server in
      let info = try await Diagnostics.Client(server.client).getServerInfo(GetServerInfoRequest())
      let listing = try await atende(["describe"], server: server)
      #expect(listing.status == 0, "\(listing.errors)")
      let expected = info.services.flatMap { service in
        [service.name] + service.methods.map { "  \(service.name)/\($0.name)" }
      }
      #expect(listing.lines.sorted() == expected.sorted())
      for service in info.services {
        for method in service.methods {
          let described = try await atende(["describe", "\(service.name)/\(method.name)"], server: server)
          #expect(described.status == 0, "\(service.name)/\(method.name): \(described.errors)")
          #expect(described.output.contains("rpc \(method.name)("), "\(described.output)")
          #expect(described.output.contains("requires \(method.requiredScope)"), "\(described.output)")
          #expect(described.output.contains("\nmessage "), "\(described.output)")
        }
      }
    }
  }

  @Test("a service, a message with its comments, an enum; an unknown name exits 4")
  func symbols() async throws {
    try await withAtendeTestServer(transport: .tcp) { server in
      let service = try await atende(["describe", "atende.tickets.v1.TicketService"], server: server)
      #expect(service.output.contains("service atende.tickets.v1.TicketService {"))
      #expect(
        service.output.contains("rpc GetTicket(atende.tickets.v1.GetTicketRequest) returns (atende.tickets.v1.Ticket);")
      )
      let message = try await atende(["describe", "atende.tickets.v1.Ticket"], server: server)
      #expect(message.output.contains("message atende.tickets.v1.Ticket {"))
      #expect(message.output.contains("  int64 client_id = 4;"))
      #expect(message.output.contains("// The customer; required when kind is CLIENT"))
      let enumeration = try await atende(["describe", "atende.tickets.v1.TicketStatus"], server: server)
      #expect(enumeration.output.contains("TICKET_STATUS_IN_PROGRESS = "))
      let streaming = try await atende(["describe", "atende.diagnostics.v1.Diagnostics/EchoChat"], server: server)
      #expect(streaming.output.contains("(stream atende.diagnostics.v1.EchoRequest) returns (stream "))
      let unknown = try await atende(["describe", "atende.tickets.v1.Nope"], server: server)
      #expect(unknown.status == 4)
    }
  }
}
