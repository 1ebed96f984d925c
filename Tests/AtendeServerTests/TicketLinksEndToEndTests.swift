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

  @Test(arguments: Engine.available) func mergingADuplicate(engine: Engine) async throws {
    try await withTicketServer(engine) { tickets, _ in
      let links = TicketLinkService.Client(tickets.client)
      let messages = TicketMessageService.Client(tickets.client)
      let contacts = TicketContactService.Client(tickets.client)
      let files = TicketFileService.Client(tickets.client)
      let target = try await tickets.createTicket(.init(ticket: ticket(title: "Sem internet desde ontem")))
      let source = try await tickets.createTicket(.init(ticket: ticket(title: "Internet caiu (de novo)")))
      let other = try await tickets.createTicket(.init(ticket: ticket(client: Demo.bomPreco, title: "Outra loja")))
      _ = try await messages.addTicketMessage(
        .init(
          message: TicketMessage(
            ticketId: source.id, authorKind: .employee, authorId: Demo.carla, visibility: .public,
            text: "Roteador reiniciado remotamente")))
      _ = try await contacts.addTicketContact(
        .init(contact: TicketContact(ticketId: source.id, name: "Ana", phone: "+55 49 99999-0000")))
      _ = try await FilesEndToEndTests.upload(files, ticket: source.id, name: "onu.jpg", content: [1, 2, 3])
      func current(_ id: Int64) async throws -> Ticket { try await tickets.getTicket(.init(key: .id(id))) }
      let sourceNow = try await current(source.id)

      func refused(_ request: MergeTicketsRequest) async -> RPCError? {
        await #expect(throws: RPCError.self) { try await links.mergeTickets(request) }
      }
      let missing = await refused(.init(sourceId: source.id, targetId: source.id))
      #expect(
        missing?.violationSummary == [
          "target_id SAME_TICKET", "source_expected_version REQUIRED", "target_expected_version REQUIRED",
        ])
      let stale = await refused(
        .init(
          sourceId: source.id, sourceExpectedVersion: 1, targetId: target.id, targetExpectedVersion: target.version))
      #expect(stale?.code == .aborted)
      let otherCustomer = await refused(
        .init(
          sourceId: other.id, sourceExpectedVersion: other.version, targetId: target.id,
          targetExpectedVersion: target.version))
      #expect(otherCustomer?.violationSummary == ["target_id NOT_SAME_CUSTOMER"])

      let merged = try await links.mergeTickets(
        .init(
          sourceId: source.id, sourceExpectedVersion: sourceNow.version, targetId: target.id,
          targetExpectedVersion: target.version), options: asAttendant)
      #expect(merged.source?.status == .solved)
      #expect(merged.target?.version == target.version + 1)
      #expect(merged.target?.interactionCount == sourceNow.interactionCount)
      #expect(merged.target?.firstResponseAt == sourceNow.firstResponseAt)
      // Messages, contacts and files are the target's now, and its search finds the conversation.
      #expect(
        try await messages.listTicketMessages(.init(ticketId: target.id)).messages.map(\.text) == [
          "Roteador reiniciado remotamente"
        ])
      #expect(try await messages.listTicketMessages(.init(ticketId: source.id)).messages.isEmpty)
      #expect(try await contacts.listTicketContacts(.init(ticketId: target.id)).contacts.map(\.name) == ["Ana"])
      #expect(try await files.listTicketFiles(.init(ticketId: target.id)).files.map(\.name) == ["onu.jpg"])
      #expect(try await files.listTicketFiles(.init(ticketId: source.id)).files.isEmpty)
      let found = try await tickets.listTickets(.init(query: "reiniciado")).tickets.map(\.id)
      #expect(found == [target.id])
      // The source points at the target, and both histories tell it.
      #expect(
        try await links.listTicketLinks(.init(ticketId: source.id)).links.map { "\($0.kind) \($0.otherTicketId)" } == [
          "duplicateOf \(target.id)"
        ])
      let sourceHistory = try await tickets.listTicketHistory(.init(id: source.id)).entries
      #expect(sourceHistory.contains { $0.kind == "MERGED" && $0.newValue == target.protocol })
      #expect(sourceHistory.contains { $0.kind == "INTERACTION" && $0.note == "Merged into \(target.protocol)" })
      let targetHistory = try await tickets.listTicketHistory(.init(id: target.id)).entries
      #expect(
        targetHistory.last?.kind == "MERGED" && targetHistory.last?.newValue == source.protocol
          && targetHistory.last?.note == "1 message, 1 file, 1 contact")

      // A solved ticket merges no more.
      let again = await refused(
        .init(
          sourceId: source.id, sourceExpectedVersion: merged.source!.version, targetId: target.id,
          targetExpectedVersion: merged.target!.version))
      #expect(again?.violationSummary == ["source_id TICKET_SOLVED"])
    }
  }
}
