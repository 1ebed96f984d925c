import AtendeDomain
import AtendeStore
import Foundation
import Testing

/// What every store must do with tickets, the same on SQLite and PostgreSQL.
@Suite("Ticket store contract")
struct TicketStoreContractTests {
  @Test("protocol numbers are unique and gapless under parallel creation", arguments: Engine.available)
  func protocolNumbersUnderConcurrency(engine: Engine) async throws {
    try await withStore(engine, onDisk: true) { store in
      _ = try await loadReferences(store)
      let protocols = try await withThrowingTaskGroup(of: String.self) { group in
        for index in 0..<60 {
          group.addTask { try await store.createTicket(fields(title: "t\(index)"), actor: "a").protocolNumber }
        }
        return try await group.reduce(into: [String]()) { $0.append($1) }
      }
      #expect(Set(protocols).count == 60)
      let year = protocols[0].prefix(4)
      let sequences = protocols.map { Int($0.dropFirst(4))! }.sorted()
      #expect(sequences == Array(1...60))
      #expect(protocols.allSatisfy { $0.count == 13 && $0.hasPrefix(year) && $0.allSatisfy(\.isNumber) })
    }
  }

  @Test(
    "two updates based on the same version: one wins, the other is ABORTED, nothing is lost",
    arguments: Engine.available)
  func optimisticConcurrency(engine: Engine) async throws {
    try await withStore(engine, onDisk: true) { store in
      _ = try await loadReferences(store)
      let ticket = try await store.createTicket(fields(), actor: "a")
      let results = await withTaskGroup(of: Result<Ticket, any Error>.self) { group in
        for title in ["Versão A", "Versão B"] {
          group.addTask {
            do {
              return .success(
                try await store.updateTicket(
                  id: ticket.id, expectedVersion: ticket.version, fields: TicketFields(title: title), mask: [.title],
                  actor: title))
            } catch {
              return .failure(error)
            }
          }
        }
        return await group.reduce(into: [Result<Ticket, any Error>]()) { $0.append($1) }
      }
      let winners = results.compactMap { try? $0.get() }
      #expect(winners.count == 1)
      let loser = results.compactMap { result -> DomainError? in
        if case .failure(let error) = result { return error as? DomainError }
        return nil
      }
      #expect(loser.map(\.kind) == [.aborted])
      let stored = try await store.ticket(id: ticket.id)
      #expect(stored.title == winners[0].title)
      #expect(stored.version == ticket.version + 1)
      let history = try await store.ticketHistory(id: ticket.id, kind: HistoryKind.fieldChanged, page: PageRequest())
      #expect(history.items.count == 1)
      #expect(history.items[0].newValue == winners[0].title)
    }
  }

  @Test("a rejected change writes nothing: no version bump, no history", arguments: Engine.available)
  func rejectedChangeWritesNothing(engine: Engine) async throws {
    try await withStore(engine) { store in
      _ = try await loadReferences(store)
      let ticket = try await store.createTicket(fields(), actor: "a")
      await #expect(throws: DomainError.self) {
        try await store.updateTicket(
          id: ticket.id, expectedVersion: ticket.version, fields: TicketFields(channelID: 21), mask: [.channelID],
          actor: "a")
      }
      #expect(try await store.ticket(id: ticket.id) == ticket)
      #expect(
        try await store.ticketHistory(id: ticket.id, kind: "", page: PageRequest()).items.map(\.kind) == [
          HistoryKind.created
        ])
    }
  }

  @Test(
    "paging while tickets are created returns every earlier ticket exactly once",
    arguments: Engine.available, [TicketQuery.Order.createdDescending, .createdAscending, .priorityDescending])
  func paginationUnderInserts(engine: Engine, order: TicketQuery.Order) async throws {
    let clock = SteppingClock()
    try await withStore(engine, now: clock.now) { store in
      _ = try await loadReferences(store)
      var existing: Set<Int64> = []
      for index in 0..<75 {
        var ticketFields = fields(title: "ticket \(index)")
        ticketFields.priority = Priority.allCases[index % 4]
        existing.insert(try await store.createTicket(ticketFields, actor: "a").id)
      }
      var query = TicketQuery()
      query.order = order
      var seen: [Int64] = []
      var token = ""
      repeat {
        let page = try await store.listTickets(query, page: PageRequest(size: 7, token: token))
        #expect(page.items.count <= 7)
        seen += page.items.map(\.id)
        token = page.nextPageToken
        // Others keep creating tickets between pages.
        for _ in 0..<3 { _ = try await store.createTicket(fields(title: "new"), actor: "b") }
      } while !token.isEmpty
      #expect(seen.count == Set(seen).count)  // no duplicates
      #expect(existing.isSubset(of: Set(seen)))  // nothing missed
    }
  }

  @Test("filters, full-text search with prefixes and accents, and the protocol number", arguments: Engine.available)
  func search(engine: Engine) async throws {
    try await withStore(engine) { store in
      _ = try await loadReferences(store)
      let fiber = try await store.createTicket(
        fields(title: "Fibra rompida na rua", description: "Poste caiu e rompeu a fibra óptica"), actor: "a")
      let slow = try await store.createTicket(
        fields(title: "Internet lenta", description: "Conexão cai à noite", clientID: 2), actor: "a")
      _ = try await store.changeTicketStatus(
        id: slow.id, expectedVersion: slow.version, to: .pending, message: "Ligamos", actor: "a")

      func ids(_ configure: (inout TicketQuery) -> Void) async throws -> [Int64] {
        var query = TicketQuery()
        configure(&query)
        return try await store.listTickets(query, page: PageRequest()).items.map(\.id)
      }
      #expect(try await ids { $0.text = "fibr romp" } == [fiber.id])
      #expect(try await ids { $0.text = "conexao" } == [slow.id])  // accent-insensitive
      #expect(try await ids { $0.text = fiber.protocolNumber } == [fiber.id])
      #expect(try await ids { $0.statuses = [.pending] } == [slow.id])
      #expect(try await ids { $0.statuses = [.pending, .new] }.sorted() == [fiber.id, slow.id])
      #expect(try await ids { $0.clientID = 1 } == [fiber.id])
      #expect(try await ids { $0.createdFrom = slow.createdAt } == [slow.id])
      #expect(
        try await ids {
          $0.text = "fibra"
          $0.order = .relevance
        } == [fiber.id])
      await #expect(throws: DomainError.self) { try await ids { $0.order = .relevance } }
    }
  }

  @Test("a page token is bound to its filters; page sizes are capped", arguments: Engine.available)
  func pageTokens(engine: Engine) async throws {
    try await withStore(engine) { store in
      _ = try await loadReferences(store)
      for index in 0..<3 { _ = try await store.createTicket(fields(title: "t\(index)"), actor: "a") }
      let first = try await store.listTickets(TicketQuery(), page: PageRequest(size: 1))
      var other = TicketQuery()
      other.clientID = 1
      let error = await #expect(throws: DomainError.self) {
        try await store.listTickets(other, page: PageRequest(size: 1, token: first.nextPageToken))
      }
      #expect(error?.violations.first?.field == "page_token")
      await #expect(throws: DomainError.self) {
        try await store.listTickets(TicketQuery(), page: PageRequest(size: 1, token: "garbage"))
      }
      #expect(PageRequest(size: 100_000).size == PageRequest.maxSize)
      #expect(PageRequest(size: 0).size == PageRequest.defaultSize)
    }
  }

  @Test("history records every change with actor and old and new values", arguments: Engine.available)
  func history(engine: Engine) async throws {
    try await withStore(engine) { store in
      _ = try await loadReferences(store)
      var ticket = try await store.createTicket(fields(), actor: "maria")
      ticket = try await store.updateTicket(
        id: ticket.id, expectedVersion: ticket.version, fields: TicketFields(clientID: 2), mask: [.clientID],
        actor: "joão")
      ticket = try await store.assignTicket(
        id: ticket.id, expectedVersion: ticket.version, assigneeID: 40, actor: "joão")
      ticket = try await store.changeTicketStatus(
        id: ticket.id, expectedVersion: ticket.version, to: .solved, message: "", actor: "ana")
      ticket = try await store.reopenTicket(
        id: ticket.id, expectedVersion: ticket.version, reason: "voltou", actor: "ana")
      ticket = try await store.cancelTicket(
        id: ticket.id, expectedVersion: ticket.version, reason: "duplicado", actor: "ana")
      let entries = try await store.ticketHistory(id: ticket.id, kind: "", page: PageRequest()).items
      #expect(
        entries.map(\.kind) == [
          HistoryKind.created, HistoryKind.fieldChanged, HistoryKind.assigned, HistoryKind.statusChanged,
          HistoryKind.reopened, HistoryKind.canceled,
        ])
      #expect(entries[1].field == "client_id")
      #expect(entries[1].oldValue == "1")
      #expect(entries[1].newValue == "2")
      #expect(entries[1].actor == "joão")
      #expect(ticket.version == 6)
    }
  }

  @Test(
    "a service order is read by id with its current version; an unknown id is not found", arguments: Engine.available)
  func serviceOrderByID(engine: Engine) async throws {
    // Whole microseconds, as stored, so that what a change returns equals what is read back.
    let clock = SteppingClock()
    try await withStore(engine, now: clock.now) { store in
      _ = try await loadReferences(store)
      let ticket = try await store.createTicket(fields(), actor: "a")
      let opened = try await store.openServiceOrder(
        ServiceOrder(ticketID: ticket.id, departmentID: 10, description: "Trocar ONU"), priority: nil, actor: "a")
      #expect(try await store.serviceOrder(id: opened.id) == opened)
      let assigned = try await store.changeServiceOrder(
        id: opened.id, expectedVersion: opened.version, actor: "a", note: ""
      ) { order, ticket, lookup, now in
        try ServiceOrderRules.assign(order, technician: 40, ticket: ticket, now: now, lookup: lookup)
      }
      let stored = try await store.serviceOrder(id: opened.id)
      #expect(stored == assigned)
      #expect(stored.version == opened.version + 1)
      #expect(stored.technicianID == 40)
      let missing = await #expect(throws: DomainError.self) { try await store.serviceOrder(id: opened.id + 1) }
      #expect(missing?.kind == .notFound)
    }
  }
}
