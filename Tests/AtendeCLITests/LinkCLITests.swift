import AtendeTesting
import Foundation
import Testing

@Suite("CLI: ticket links and mass incidents")
struct LinkCLITests {
  @Test("link by protocol, list from either side, solve the outage and its tickets, unlink; bad kind refused")
  func links() async throws {
    try await withAtendeTestServer(transport: .tcp) { server in
      let outage = try #require(
        try await openSupportTicket(server, title: "Rompimento de fibra")["protocol"] as? String)
      let ana = try #require(try await openSupportTicket(server, title: "Sem internet (Ana)")["protocol"] as? String)
      let bruno = try #require(
        try await openSupportTicket(server, title: "Sem internet (Bruno)")["protocol"] as? String)

      let parent = try await atende(["ticket", "link", outage, "parent-of", ana], server: server)
      #expect(parent.status == 0, "\(parent.errors)")
      #expect(parent.output.contains("Linked \(outage) parent-of \(ana)"))
      let json = try await atende(["ticket", "link", outage, "parent-of", bruno, "--json"], server: server)
      let link = try jsonObject(json.output)
      #expect(link["kind"] as? String == "TICKET_LINK_KIND_PARENT_OF")
      let related = try await atende(["ticket", "link", ana, "related", bruno, "--json"], server: server)
      let relatedID = String(int(try jsonObject(related.output)["id"]) ?? 0)

      let fromAna = try await atende(["ticket", "links", ana], server: server)
      #expect(fromAna.output.contains("child-of"))
      #expect(fromAna.output.contains(outage))
      #expect(fromAna.output.contains("related"))
      #expect(try await atende(["ticket", "links", outage, "--json"], server: server).jsonLines().count == 2)

      let solved = try await atende(
        ["ticket", "status", outage, "solved", "--message", "Fibra reparada"], server: server)
      #expect(solved.status == 0, "\(solved.errors)")
      for child in [ana, bruno] {
        let shown = try jsonObject(try await atende(["ticket", "show", child, "--json"], server: server).output)
        #expect(shown["status"] as? String == "TICKET_STATUS_SOLVED")
      }

      let unlinked = try await atende(["ticket", "unlink", relatedID], server: server)
      #expect(unlinked.status == 0, "\(unlinked.errors)")
      #expect(!(try await atende(["ticket", "links", ana], server: server).output.contains("related")))

      let bogus = try await atende(["ticket", "link", ana, "cousin-of", bruno], server: server)
      #expect(bogus.status == 64)
      let itself = try await atende(["ticket", "link", outage, "related", outage], server: server)
      #expect(itself.status == 3)
      #expect(itself.errors.contains("SAME_TICKET"))
    }
  }

  @Test("merge a duplicate into the ticket that stays; the duplicate is solved and linked")
  func merge() async throws {
    try await withAtendeTestServer(transport: .tcp) { server in
      let stays = try #require(try await openSupportTicket(server, title: "Sem internet")["protocol"] as? String)
      let duplicate = try #require(
        try await openSupportTicket(server, title: "Sem internet (2)")["protocol"] as? String)
      let message = try await atende(
        ["message", "add", duplicate, "Cliente ligou de novo", "--employee", "1"], server: server)
      #expect(message.status == 0, "\(message.errors)")
      let merged = try await atende(["ticket", "merge", duplicate, "--into", stays], server: server)
      #expect(merged.status == 0, "\(merged.errors)")
      #expect(merged.output.contains("Merged \(duplicate) into \(stays)"))
      let shown = try jsonObject(try await atende(["ticket", "show", duplicate, "--json"], server: server).output)
      #expect(shown["status"] as? String == "TICKET_STATUS_SOLVED")
      let conversation = try await atende(["message", "list", stays], server: server)
      #expect(conversation.output.contains("Cliente ligou de novo"))
      #expect(try await atende(["ticket", "links", duplicate], server: server).output.contains("duplicate-of"))
      let again = try await atende(["ticket", "merge", duplicate, "--into", stays], server: server)
      #expect(again.status == 3)
      #expect(again.errors.contains("TICKET_SOLVED"))
    }
  }
}
