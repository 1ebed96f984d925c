import AtendeAPI
import AtendeStoreTestSupport
import Testing

@Suite("Tabs end to end: messages and contacts")
struct TabsEndToEndTests {
  @Test(
    "messages: the first moves a NEW ticket to IN_PROGRESS; listing oldest or newest first, public only; search finds them",
    arguments: Engine.available)
  func messages(engine: Engine) async throws {
    try await withTicketServer(engine) { tickets, _ in
      let messages = TicketMessageService.Client(tickets.client)
      let created = try await tickets.createTicket(CreateTicketRequest(ticket: ticket(title: "Roteador reiniciando")))
      let first = try await messages.addTicketMessage(
        AddTicketMessageRequest(
          message: TicketMessage(
            ticketId: created.id, authorKind: .employee, authorId: Demo.carla, visibility: .public,
            text: "Vamos verificar o sinal da ONU")),
        options: asAttendant)
      #expect(first.ticket?.status == .inProgress)
      #expect(first.message?.statusChange == .inProgress)
      #expect(first.message?.authorName == "Carla Mendes")
      #expect(first.ticket?.version == created.version + 1)
      _ = try await messages.addTicketMessage(
        AddTicketMessageRequest(
          message: TicketMessage(
            ticketId: created.id, authorKind: .employee, authorId: Demo.carla, visibility: .internal,
            text: "Nota interna: trocar cabo"),
          status: .pending))
      _ = try await messages.addTicketMessage(
        AddTicketMessageRequest(
          message: TicketMessage(
            ticketId: created.id, authorKind: .customer, authorName: "Ana", visibility: .public, text: "Obrigada")))

      let oldest = try await messages.listTicketMessages(ListTicketMessagesRequest(ticketId: created.id))
      #expect(
        oldest.messages.map(\.text) == ["Vamos verificar o sinal da ONU", "Nota interna: trocar cabo", "Obrigada"])
      let newest = try await messages.listTicketMessages(
        ListTicketMessagesRequest(ticketId: created.id, newestFirst: true, pageSize: 2))
      #expect(newest.messages.map(\.text) == ["Obrigada", "Nota interna: trocar cabo"])
      let rest = try await messages.listTicketMessages(
        ListTicketMessagesRequest(ticketId: created.id, newestFirst: true, pageSize: 2, pageToken: newest.nextPageToken)
      )
      #expect(rest.messages.map(\.text) == ["Vamos verificar o sinal da ONU"])
      let publicOnly = try await messages.listTicketMessages(
        ListTicketMessagesRequest(ticketId: created.id, publicOnly: true))
      #expect(publicOnly.messages.count == 2)

      let found = try await tickets.listTickets(ListTicketsRequest(query: "trocar cabo"))
      #expect(found.tickets.map(\.id) == [created.id])
      let current = try await tickets.getTicket(GetTicketRequest(key: .id(created.id)))
      #expect(current.status == .pending)
      #expect(current.interactionCount == 3)
      let kinds = try await tickets.listTicketHistory(ListHistoryRequest(id: created.id, kind: "MESSAGE")).entries
      #expect(kinds.count == 3)
      #expect(kinds.first?.actor == adminActingFor("atendente"))
    }
  }

  @Test(
    "contacts: add, update, remove, list; phone and e-mail validated; every change in the history",
    arguments: Engine.available)
  func contacts(engine: Engine) async throws {
    try await withTicketServer(engine) { tickets, _ in
      let contacts = TicketContactService.Client(tickets.client)
      let created = try await tickets.createTicket(CreateTicketRequest(ticket: ticket()))
      let bad = await #expect(throws: RPCError.self) {
        try await contacts.addTicketContact(
          AddTicketContactRequest(contact: TicketContact(ticketId: created.id, name: "Ana", phone: "12", email: "ana@"))
        )
      }
      #expect(bad?.code == .invalidArgument)
      #expect(Set(bad?.fieldViolations.map(\.field) ?? []) == ["contact.phone", "contact.email"])
      let ana = try await contacts.addTicketContact(
        AddTicketContactRequest(contact: TicketContact(ticketId: created.id, name: "Ana", phone: "(49) 3322-1100")))
      let updated = try await contacts.updateTicketContact(
        UpdateTicketContactRequest(
          contact: TicketContact(id: ana.id, email: "ana@example.com"), updateMask: .init(paths: ["email"])))
      #expect(updated.phone == "(49) 3322-1100")
      #expect(updated.email == "ana@example.com")
      let bruno = try await contacts.addTicketContact(
        AddTicketContactRequest(contact: TicketContact(ticketId: created.id, name: "Bruno", email: "bruno@example.com"))
      )
      _ = try await contacts.removeTicketContact(RemoveTicketContactRequest(id: bruno.id))
      let listed = try await contacts.listTicketContacts(ListTicketContactsRequest(ticketId: created.id))
      #expect(listed.contacts.map(\.name) == ["Ana"])
      let history = try await tickets.listTicketHistory(ListHistoryRequest(id: created.id)).entries.map(\.kind)
      #expect(history == ["CREATED", "CONTACT_ADDED", "CONTACT_UPDATED", "CONTACT_ADDED", "CONTACT_REMOVED"])
      let missing = await #expect(throws: RPCError.self) {
        try await contacts.removeTicketContact(RemoveTicketContactRequest(id: bruno.id))
      }
      #expect(missing?.code == .notFound)
    }
  }

  @Test(
    "contacts carry a version: an update or removal based on an older one is ABORTED and changes nothing",
    arguments: Engine.available)
  func contactVersions(engine: Engine) async throws {
    try await withTicketServer(engine) { tickets, _ in
      let contacts = TicketContactService.Client(tickets.client)
      let created = try await tickets.createTicket(CreateTicketRequest(ticket: ticket()))
      let ana = try await contacts.addTicketContact(
        AddTicketContactRequest(contact: TicketContact(ticketId: created.id, name: "Ana", phone: "4933221100")))
      #expect(ana.version == 1)
      // Two attendants read version 1; the first change wins...
      let first = try await contacts.updateTicketContact(
        UpdateTicketContactRequest(
          contact: TicketContact(id: ana.id, note: "ligar à tarde"), updateMask: .init(paths: ["note"]),
          expectedVersion: 1))
      #expect(first.version == 2)
      // ...the second, based on version 1, is refused: nothing is lost.
      let stale = await #expect(throws: RPCError.self) {
        try await contacts.updateTicketContact(
          UpdateTicketContactRequest(
            contact: TicketContact(id: ana.id, note: "ligar de manhã"), updateMask: .init(paths: ["note"]),
            expectedVersion: 1))
      }
      #expect(stale?.code == .aborted)
      #expect(stale?.reason == "STALE_VERSION")
      let staleRemoval = await #expect(throws: RPCError.self) {
        try await contacts.removeTicketContact(RemoveTicketContactRequest(id: ana.id, expectedVersion: 1))
      }
      #expect(staleRemoval?.code == .aborted)
      let negative = await #expect(throws: RPCError.self) {
        try await contacts.removeTicketContact(RemoveTicketContactRequest(id: ana.id, expectedVersion: -1))
      }
      #expect(negative?.fieldViolations.map(\.field) == ["expected_version"])
      let listed = try await contacts.listTicketContacts(ListTicketContactsRequest(ticketId: created.id)).contacts
      #expect(listed.map(\.note) == ["ligar à tarde"])
      #expect(listed.map(\.version) == [2])
      // An unchanged update keeps the version; without expected_version the last change wins.
      let same = try await contacts.updateTicketContact(
        UpdateTicketContactRequest(
          contact: TicketContact(id: ana.id, note: "ligar à tarde"), updateMask: .init(paths: ["note"]),
          expectedVersion: 2))
      #expect(same.version == 2)
      let unchecked = try await contacts.updateTicketContact(
        UpdateTicketContactRequest(
          contact: TicketContact(id: ana.id, name: "Ana Paula"), updateMask: .init(paths: ["name"])))
      #expect(unchecked.version == 3)
      _ = try await contacts.removeTicketContact(RemoveTicketContactRequest(id: ana.id, expectedVersion: 3))
      let history = try await tickets.listTicketHistory(ListHistoryRequest(id: created.id)).entries.map(\.kind)
      #expect(history == ["CREATED", "CONTACT_ADDED", "CONTACT_UPDATED", "CONTACT_UPDATED", "CONTACT_REMOVED"])
    }
  }

  @Test("nothing at all changes on a CANCELED ticket: no message, no contact", arguments: Engine.available)
  func canceledTicket(engine: Engine) async throws {
    try await withTicketServer(engine) { tickets, _ in
      let messages = TicketMessageService.Client(tickets.client)
      let contacts = TicketContactService.Client(tickets.client)
      let created = try await tickets.createTicket(CreateTicketRequest(ticket: ticket()))
      let ana = try await contacts.addTicketContact(
        AddTicketContactRequest(contact: TicketContact(ticketId: created.id, name: "Ana", phone: "4933221100")))
      let current = try await tickets.getTicket(GetTicketRequest(key: .id(created.id)))
      _ = try await tickets.cancelTicket(
        CancelTicketRequest(id: created.id, expectedVersion: current.version, reason: "duplicado"))
      let attempts: [@Sendable () async throws -> Void] = [
        {
          _ = try await messages.addTicketMessage(
            AddTicketMessageRequest(
              message: TicketMessage(
                ticketId: created.id, authorKind: .employee, authorId: Demo.carla, visibility: .public, text: "oi")))
        },
        {
          _ = try await contacts.addTicketContact(
            AddTicketContactRequest(contact: TicketContact(ticketId: created.id, name: "Bia", phone: "4933221100")))
        },
        {
          _ = try await contacts.updateTicketContact(
            UpdateTicketContactRequest(
              contact: TicketContact(id: ana.id, name: "Ana Paula"), updateMask: .init(paths: ["name"])))
        },
        { _ = try await contacts.removeTicketContact(RemoveTicketContactRequest(id: ana.id)) },
      ]
      for attempt in attempts {
        let error = await #expect(throws: RPCError.self) { try await attempt() }
        #expect(error?.code == .failedPrecondition)
        #expect(error?.fieldViolations.first?.reason == "TICKET_CANCELED")
      }
    }
  }
}
