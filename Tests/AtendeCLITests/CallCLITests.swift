import AtendeAPI
import AtendeTesting
import Foundation
import Testing

@Suite("CLI: call")
struct CallCLITests {
  @Test("call reaches every method reflection lists: each answers or fails with the server's own error")
  func everyMethod() async throws {
    try await withAtendeTestServer(transport: .tcp) { server in
      let listed = try await ServerReflection.Client(server.client).listServices(ListServicesRequest()).services
      let info = try await Diagnostics.Client(server.client).getServerInfo(GetServerInfoRequest())
      #expect(listed == info.services.map(\.name).sorted())
      var called = 0
      for service in info.services {
        for method in service.methods {
          let result = try await atende(
            ["call", "\(service.name)/\(method.name)", "--data", "{}", "--count", "1", "--timeout", "3"], server: server
          )
          called += 1
          // Either an answer (JSON lines) or an error the server sent ("error: CODE: ..."),
          // never one of the tool's own (a request it could not build, a response it could
          // not read).
          if result.status == 0 {
            for line in result.lines { _ = try jsonObject(line) }
          } else {
            #expect(
              result.errors.hasPrefix("error: ") && !result.errors.contains("request")
                && !result.errors.contains("could not be read"),
              "\(service.name)/\(method.name): \(result.errors)")
          }
        }
      }
      #expect(called == info.services.reduce(0) { $0 + $1.methods.count })
    }
  }

  @Test("ticket show --json, edited, goes back through call UpdateTicket; call reads what the typed client writes")
  func editRoundTrip() async throws {
    try await withAtendeTestServer(transport: .tcp) { server in
      let opened = try await openSupportTicket(server)
      let number = try #require(opened["protocol"] as? String)
      // Waiting for the customer, the ticket's SLA clocks (its subject's hours) stand
      // still, so that two reads print the same.
      let waiting = try await atende(
        ["ticket", "status", number, "pending", "--message", "Aguardando o cliente"], server: server)
      #expect(waiting.status == 0, "\(waiting.errors)")
      let shown = try await atende(["ticket", "show", number, "--json"], server: server)
      #expect(shown.status == 0, "\(shown.errors)")
      var ticket = try jsonObject(shown.output)
      #expect(
        ((ticket["sla"] as? [String: Any])?["resolution"] as? [String: Any])?["state"] as? String
          == "SLA_CLOCK_STATE_PAUSED")
      // The dynamic codec and the generated one agree, field for field.
      let fetched = try await atende(
        [
          "call", "atende.tickets.v1.TicketService/GetTicket", "--data", "{\"protocol\": \"\(number)\"}",
          "--emit-defaults",
        ], server: server)
      #expect(fetched.status == 0, "\(fetched.errors)")
      #expect(NSDictionary(dictionary: try jsonObject(fetched.output)) == NSDictionary(dictionary: ticket))

      ticket["title"] = "Sem sinal desde ontem (editado)"
      let request: [String: Any] = ["ticket": ticket, "updateMask": "title", "expectedVersion": ticket["version"]!]
      let data = String(decoding: try JSONSerialization.data(withJSONObject: request), as: UTF8.self)
      let updated = try await atende(
        ["call", "atende.tickets.v1.TicketService/UpdateTicket", "--data", data], server: server)
      #expect(updated.status == 0, "\(updated.errors)")
      #expect(try jsonObject(updated.output)["title"] as? String == "Sem sinal desde ontem (editado)")
      let after = try await atende(["ticket", "show", number, "--json"], server: server)
      #expect(try jsonObject(after.output)["title"] as? String == "Sem sinal desde ontem (editado)")

      // The same request again is refused: its version is stale.
      let stale = try await atende(
        ["call", "atende.tickets.v1.TicketService/UpdateTicket", "--data", data], server: server)
      #expect(stale.status == 5, "\(stale.errors)")
    }
  }

  @Test("streams: JSON lines in and out; bad requests are refused naming the line and the field")
  func streams() async throws {
    try await withAtendeTestServer(transport: .tcp) { server in
      let chat = try await atende(
        ["call", "atende.diagnostics.v1.Diagnostics/EchoChat", "--data", "{\"text\":\"a\"}\n{\"text\":\"b\"}"],
        server: server)
      #expect(chat.status == 0, "\(chat.errors)")
      #expect(try chat.jsonLines().map { $0["text"] as? String } == ["a", "b"])
      let expand = try await atende(
        ["call", "atende.diagnostics.v1.Diagnostics/EchoExpand", "--data", #"{"text":"x","repeat":3}"#], server: server)
      #expect(try expand.jsonLines().count == 3)
      let collect = try await atende(
        ["call", "atende.diagnostics.v1.Diagnostics/EchoCollect", "--data", "{\"text\":\"a\"}\n{\"text\":\"b\"}"],
        server: server)
      #expect(try jsonObject(collect.output)["text"] as? String == "ab")

      let unknownField = try await atende(
        ["call", "atende.diagnostics.v1.Diagnostics/EchoChat", "--data", "{\"text\":\"a\"}\n{\"colour\":1}"],
        server: server)
      #expect(unknownField.status == 3)
      #expect(unknownField.errors.contains("request line 2: colour"))
      let badEnum = try await atende(
        ["call", "atende.tickets.v1.TicketService/ListTickets", "--data", #"{"statuses": ["OPENISH"]}"#],
        server: server)
      #expect(badEnum.status == 3)
      #expect(badEnum.errors.contains("OPENISH"), "\(badEnum.errors)")
      let fromInput = try await atende(
        ["call", "atende.diagnostics.v1.Diagnostics/EchoChat", "--data", "-"], server: server,
        input: "{\"text\":\"x\"}\n{\"text\":\"y\"}\n")
      #expect(try fromInput.jsonLines().map { $0["text"] as? String } == ["x", "y"])
      let zero = try await atende(["call", "atende.diagnostics.v1.Diagnostics/Echo", "--count", "0"], server: server)
      #expect(zero.status == 64)
      let unknownMethod = try await atende(["call", "atende.tickets.v1.TicketService/Nope"], server: server)
      #expect(unknownMethod.status == 4)
    }
  }
}
