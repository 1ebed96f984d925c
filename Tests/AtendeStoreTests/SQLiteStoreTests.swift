import AtendeDomain
import Foundation
import GRDB
import Testing

@testable import AtendeStore

@Suite("SQLite store")
struct SQLiteStoreTests {
  @Test("an empty file is created and migrated to the latest schema")
  func migrateEmpty() async throws {
    try await withTemporaryDirectory { directory in
      let store = try SQLiteStore(path: directory + "/sub/dir/atende.sqlite")
      #expect(try await store.appliedMigrations() == SQLiteStore.migrationNames.sorted())
      #expect(
        try await store.parameters()
          == GeneralParameters(subjectRequired: false, version: 1, updatedAt: Date(micros: 0), updatedBy: "system"))
    }
  }

  @Test("a database at the previous schema is migrated and keeps its data")
  func migratePrevious() async throws {
    try await withTemporaryDirectory { directory in
      let path = directory + "/atende.sqlite"
      do {
        let old = try SQLiteStore(
          writer: DatabasePool(path: path, configuration: SQLiteStore.configuration()), now: Date.init,
          migrateUpTo: SQLiteStore.migrationNames[0])
        #expect(try await old.appliedMigrations() == [SQLiteStore.migrationNames[0]])
        // Written as that schema stood (today's upsert also writes the reference history).
        try await old.writer.write { db in
          try db.execute(sql: "INSERT INTO client (id, name, document, active) VALUES (1, 'Ana', '', 1)")
          try db.execute(sql: "INSERT INTO department (id, name, active) VALUES (10, 'Suporte', 1)")
        }
        _ = try await old.createSubject(Subject(name: "Geral", defaultPriority: .low), actor: "old")
      }
      let store = try SQLiteStore(path: path)
      #expect(try await store.appliedMigrations() == SQLiteStore.migrationNames.sorted())
      #expect(try await store.reference(Client.self, id: 1)?.name == "Ana")
      let subject = try #require(
        try await store.listSubjects(query: "", activeOnly: false, page: PageRequest()).items.first)
      var ticketFields = fields()
      ticketFields.subjectID = subject.id
      ticketFields.priority = nil
      let ticket = try await store.createTicket(ticketFields, actor: "new")
      #expect(ticket.priority == .low)
    }
  }

  @Test("tickets created before the v3 search index are found by search after migrating")
  func searchIndexMigration() async throws {
    try await withTemporaryDirectory { directory in
      let path = directory + "/atende.sqlite"
      let created: Ticket
      do {
        let old = try SQLiteStore(
          writer: DatabasePool(path: path, configuration: SQLiteStore.configuration()), now: Date.init,
          migrateUpTo: "v2-tickets")
        try await loadReferencesAsOfV1(old)
        created = try await old.createTicket(fields(title: "Fibra rompida antiga"), actor: "old")
      }
      let store = try SQLiteStore(path: path)
      var query = TicketQuery()
      query.text = "rompida"
      #expect(try await store.listTickets(query, page: PageRequest()).items.map(\.id) == [created.id])
    }
  }

  @Test("data survives closing and reopening the database")
  func survivesRestart() async throws {
    try await withTemporaryDirectory { directory in
      let path = directory + "/atende.sqlite"
      let created: Ticket
      do {
        let store = try SQLiteStore(path: path)
        _ = try await loadReferences(store)
        created = try await store.createTicket(fields(), actor: "maria")
      }
      let reopened = try SQLiteStore(path: path)
      #expect(try await reopened.ticket(id: created.id) == created)
      #expect(try await reopened.ticket(protocolNumber: created.protocolNumber) == created)
    }
  }

  @Test("protocol numbers are unique and gapless under parallel creation")
  func protocolNumbersUnderConcurrency() async throws {
    try await withTemporaryDirectory { directory in
      let store = try SQLiteStore(path: directory + "/atende.sqlite")
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

  @Test("two updates based on the same version: one wins, the other is ABORTED, nothing is lost")
  func optimisticConcurrency() async throws {
    try await withTemporaryDirectory { directory in
      let store = try SQLiteStore(path: directory + "/atende.sqlite")
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

  @Test("a rejected change writes nothing: no version bump, no history")
  func rejectedChangeWritesNothing() async throws {
    let store = try SQLiteStore.inMemory()
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

  @Test(
    "paging while tickets are created returns every earlier ticket exactly once",
    arguments: [
      TicketQuery.Order.createdDescending, .createdAscending, .priorityDescending,
    ])
  func paginationUnderInserts(order: TicketQuery.Order) async throws {
    let clock = SteppingClock()
    let store = try SQLiteStore.inMemory(now: clock.now)
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

  @Test("filters, full-text search with prefixes and accents, and the protocol number")
  func search() async throws {
    let store = try SQLiteStore.inMemory()
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

  @Test("a page token is bound to its filters; page sizes are capped")
  func pageTokens() async throws {
    let store = try SQLiteStore.inMemory()
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

  @Test("history records every change with actor and old and new values")
  func history() async throws {
    let store = try SQLiteStore.inMemory()
    _ = try await loadReferences(store)
    var ticket = try await store.createTicket(fields(), actor: "maria")
    ticket = try await store.updateTicket(
      id: ticket.id, expectedVersion: ticket.version, fields: TicketFields(clientID: 2), mask: [.clientID],
      actor: "joão")
    ticket = try await store.assignTicket(id: ticket.id, expectedVersion: ticket.version, assigneeID: 40, actor: "joão")
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

  @Test("a service order is read by id with its current version; an unknown id is not found")
  func serviceOrderByID() async throws {
    // Whole microseconds, as stored, so that what a change returns equals what is read back.
    let clock = SteppingClock()
    let store = try SQLiteStore.inMemory(now: clock.now)
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

/// `loadReferences`' records, written as the v1 schema stood (today's upsert also writes
/// the reference history, which v1 has not).
private func loadReferencesAsOfV1(_ store: SQLiteStore) async throws {
  try await store.writer.write { db in
    try db.execute(
      sql: """
        INSERT INTO department (id, name, active) VALUES (10, 'Suporte Técnico', 1), (11, 'SAC', 1);
        INSERT INTO channel (id, name, active) VALUES (20, 'Telefone', 1), (21, 'Fax', 0);
        INSERT INTO employee (id, name, active) VALUES (40, 'Carla', 1);
        INSERT INTO employee_department (employee_id, department_id) VALUES (40, 10);
        INSERT INTO client (id, name, document, active) VALUES (1, 'Ana', '', 1), (2, 'Bruno', '', 1);
        INSERT INTO contract (id, client_id, description, active) VALUES (100, 1, '', 1), (101, 2, '', 1), (102, 2, '', 1);
        INSERT INTO login (id, client_id, username, active) VALUES (200, 1, 'ana', 1), (201, 2, 'b1', 1), (202, 2, 'b2', 1);
        INSERT INTO structure (id, name, active) VALUES (1, 'POP Centro', 1);
        """)
  }
  _ = try await store.createSubject(Subject(name: "Geral", defaultPriority: .normal), actor: "setup")
}
