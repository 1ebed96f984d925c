import AtendeAPI
import AtendeStoreTestSupport
import Foundation
import Testing

@Suite("Ticket links and mass incidents through the API")
struct TicketLinksEndToEndTests {
  @Test(arguments: Engine.available) func linksAndTheirRules(engine: Engine) async throws {
    try await withTicketServer(engine) { tickets, _ in
      let links = TicketLinkService.Client(tickets.client)
      let a = try await tickets.createTicket(.init(ticket: ticket(title: "Sem internet (Ana)")))
      let b = try await tickets.createTicket(.init(ticket: ticket(title: "Sem internet (outra)")))
      let c = try await tickets.createTicket(.init(ticket: ticket(title: "Lentidão")))

      let duplicate = try await links.linkTickets(
        .init(link: TicketLink(ticketId: a.id, kind: .duplicateOf, otherTicketId: b.id), expectedVersion: a.version),
        options: asAttendant)
      #expect(duplicate.id > 0 && duplicate.kind == .duplicateOf && duplicate.createdAt != nil)
      #expect(duplicate.createdBy == adminActingFor("atendente"))
      // Both tickets changed: a version more, a LINKED entry each.
      #expect(try await tickets.getTicket(.init(key: .id(a.id))).version == a.version + 1)
      #expect(try await tickets.getTicket(.init(key: .id(b.id))).version == b.version + 1)
      let historyA = try await tickets.listTicketHistory(.init(id: a.id)).entries.last
      #expect(historyA?.kind == "LINKED" && historyA?.newValue == "DUPLICATE_OF \(b.protocol)")
      let historyB = try await tickets.listTicketHistory(.init(id: b.id)).entries.last
      #expect(historyB?.kind == "LINKED" && historyB?.newValue == "HAS_DUPLICATE \(a.protocol)")

      func refused(_ link: TicketLink, expectedVersion: Int64 = 0) async -> RPCError? {
        await #expect(throws: RPCError.self) {
          try await links.linkTickets(.init(link: link, expectedVersion: expectedVersion))
        }
      }
      let again = await refused(TicketLink(ticketId: a.id, kind: .duplicateOf, otherTicketId: b.id))
      #expect(again?.code == .alreadyExists)
      let twice = await refused(TicketLink(ticketId: a.id, kind: .duplicateOf, otherTicketId: c.id))
      #expect(twice?.violationSummary == ["link.ticket_id ALREADY_DUPLICATE"])
      let itself = await refused(TicketLink(ticketId: a.id, kind: .related, otherTicketId: a.id))
      #expect(itself?.violationSummary == ["link.other_ticket_id SAME_TICKET"])
      let kindless = await refused(TicketLink(ticketId: a.id, otherTicketId: c.id))
      #expect(kindless?.violationSummary == ["link.kind REQUIRED"])
      let stale = await refused(TicketLink(ticketId: a.id, kind: .related, otherTicketId: c.id), expectedVersion: 1)
      #expect(stale?.code == .aborted)
      let unknown = await refused(TicketLink(ticketId: a.id, kind: .related, otherTicketId: 99_999))
      #expect(unknown?.code == .notFound)

      // RELATED is one link either way.
      let related = try await links.linkTickets(
        .init(link: TicketLink(ticketId: c.id, kind: .related, otherTicketId: a.id)))
      #expect(related.ticketId == a.id && related.otherTicketId == c.id)
      let mirrored = await refused(TicketLink(ticketId: a.id, kind: .related, otherTicketId: c.id))
      #expect(mirrored?.code == .alreadyExists)

      // Both sides list a link; pages of one.
      var seen: [TicketLink] = []
      var token = ""
      repeat {
        let page = try await links.listTicketLinks(.init(ticketId: a.id, pageSize: 1, pageToken: token))
        #expect(page.links.count <= 1)
        seen += page.links
        token = page.nextPageToken
      } while !token.isEmpty
      #expect(seen.map(\.id) == [duplicate.id, related.id])
      #expect(try await links.listTicketLinks(.init(ticketId: c.id)).links.map(\.id) == [related.id])

      // A canceled ticket takes no link; a solved one is reopened first.
      let cVersion = try await tickets.getTicket(.init(key: .id(c.id))).version
      let canceled = try await tickets.cancelTicket(.init(id: c.id, expectedVersion: cVersion, reason: "engano"))
      let toCanceled = await refused(TicketLink(ticketId: b.id, kind: .causedBy, otherTicketId: canceled.id))
      #expect(toCanceled?.violationSummary == ["link.other_ticket_id TICKET_CANCELED"])
      let unlinkCanceled = await #expect(throws: RPCError.self) { try await links.unlinkTickets(.init(id: related.id)) }
      #expect(unlinkCanceled?.violationSummary == ["id TICKET_CANCELED"])

      try await links.unlinkTickets(.init(id: duplicate.id))
      #expect(try await links.listTicketLinks(.init(ticketId: b.id)).links.isEmpty)
      #expect(try await tickets.listTicketHistory(.init(id: b.id)).entries.last?.kind == "UNLINKED")
      let gone = await #expect(throws: RPCError.self) { try await links.unlinkTickets(.init(id: duplicate.id)) }
      #expect(gone?.code == .notFound)
    }
  }

  @Test(arguments: Engine.available) func solvingAnOutageSolvesItsTickets(engine: Engine) async throws {
    try await withTicketServer(engine) { tickets, _ in
      let links = TicketLinkService.Client(tickets.client)
      let messages = TicketMessageService.Client(tickets.client)
      let outage = try await tickets.createTicket(.init(ticket: ticket(title: "Rompimento de fibra no Centro")))
      var children: [Ticket] = []
      for name in ["Ana", "Bruno", "Carla", "Diego"] {
        children.append(try await tickets.createTicket(.init(ticket: ticket(title: "Sem internet (\(name))"))))
      }
      for child in children {
        _ = try await links.linkTickets(
          .init(link: TicketLink(ticketId: outage.id, kind: .parentOf, otherTicketId: child.id)))
      }
      // Bruno's ticket is being worked on, Carla's waits for her, Diego's is solved already.
      func current(_ ticket: Ticket) async throws -> Ticket { try await tickets.getTicket(.init(key: .id(ticket.id))) }
      _ = try await tickets.changeTicketStatus(
        .init(
          id: children[1].id, expectedVersion: try await current(children[1]).version, status: .inProgress,
          message: "Verificando"))
      _ = try await tickets.changeTicketStatus(
        .init(
          id: children[2].id, expectedVersion: try await current(children[2]).version, status: .pending,
          message: "Aguardando"))
      let diego = try await tickets.changeTicketStatus(
        .init(
          id: children[3].id, expectedVersion: try await current(children[3]).version, status: .solved,
          message: "Era o cabo"))

      // One parent per child; no ticket its own ancestor.
      let secondParent = await #expect(throws: RPCError.self) {
        try await links.linkTickets(
          .init(link: TicketLink(ticketId: children[1].id, kind: .parentOf, otherTicketId: children[0].id)))
      }
      #expect(secondParent?.violationSummary == ["link.other_ticket_id HAS_PARENT"])
      let cycle = await #expect(throws: RPCError.self) {
        try await links.linkTickets(
          .init(link: TicketLink(ticketId: children[0].id, kind: .parentOf, otherTicketId: outage.id)))
      }
      #expect(cycle?.violationSummary == ["link.other_ticket_id CYCLE"])

      let solved = try await tickets.changeTicketStatus(
        .init(
          id: outage.id, expectedVersion: try await current(outage).version, status: .solved, message: "Fibra reparada")
      )
      #expect(solved.status == .solved)
      for child in children.prefix(3) {
        let now = try await current(child)
        #expect(now.status == .solved && now.closedAt != nil)
        let history = try await tickets.listTicketHistory(.init(id: child.id)).entries
        #expect(history.suffix(2).map(\.kind) == ["INTERACTION", "STATUS_CHANGED"])
        #expect(history.suffix(2).first?.note == "Solved with incident \(outage.protocol): Fibra reparada")
      }
      // Diego's, solved before, is left as it was.
      #expect(try await current(children[3]) == diego)

      // The same through a message that solves a second outage.
      let second = try await tickets.createTicket(.init(ticket: ticket(title: "Queda de energia no POP")))
      let eva = try await tickets.createTicket(.init(ticket: ticket(title: "Sem internet (Eva)")))
      _ = try await links.linkTickets(
        .init(link: TicketLink(ticketId: second.id, kind: .parentOf, otherTicketId: eva.id)))
      _ = try await messages.addTicketMessage(
        .init(
          message: TicketMessage(
            ticketId: second.id, authorKind: .employee, authorId: Demo.carla, visibility: .public,
            text: "Energia restabelecida"),
          status: .solved))
      let evaNow = try await current(eva)
      #expect(evaNow.status == .solved)
      #expect(
        try await tickets.listTicketHistory(.init(id: eva.id)).entries.contains {
          $0.note == "Solved with incident \(second.protocol): Energia restabelecida"
        })
    }
  }
}
