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
