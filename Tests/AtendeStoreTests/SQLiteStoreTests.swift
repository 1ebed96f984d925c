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
      let created: Int64
      do {
        let old = try SQLiteStore(
          writer: DatabasePool(path: path, configuration: SQLiteStore.configuration()), now: Date.init,
          migrateUpTo: "v2-tickets")
        try await loadReferencesAsOfV1(old)
        // Written as that schema stood (today's create also records an event).
        created = try await insertOldTicket(old)
      }
      let store = try SQLiteStore(path: path)
      var query = TicketQuery()
      query.text = "rompida"
      #expect(try await store.listTickets(query, page: PageRequest()).items.map(\.id) == [created])
    }
  }

  @Test("tickets from before branches and tags have none, stay searchable, and can be tagged after migrating")
  func branchesTagsMigration() async throws {
    try await withTemporaryDirectory { directory in
      let path = directory + "/atende.sqlite"
      let created: Int64
      do {
        let old = try SQLiteStore(
          writer: DatabasePool(path: path, configuration: SQLiteStore.configuration()), now: Date.init,
          migrateUpTo: "v12-ticket-links")
        _ = try await loadReferences(old)
        created = try await insertOldTicket(old)
      }
      let store = try SQLiteStore(path: path)
      let ticket = try await store.ticket(id: created)
      #expect(ticket.tags.isEmpty && ticket.branchID == nil)
      var query = TicketQuery()
      query.text = "rompida"
      #expect(try await store.listTickets(query, page: PageRequest()).items.map(\.id) == [created])
      // The rebuilt index still follows new messages and tag changes.
      _ = try await store.addTicketMessage(
        TicketMessage(ticketID: created, authorKind: .employee, authorID: 40, visibility: .public, text: "Poste caído"),
        status: nil, expectedVersion: nil, actor: "carla")
      query.text = "poste"
      #expect(try await store.listTickets(query, page: PageRequest()).items.map(\.id) == [created])
      var change = TicketFields()
      change.tags = ["Queda Massiva"]
      _ = try await store.updateTicket(
        id: created, expectedVersion: try await store.ticket(id: created).version, fields: change, mask: [.tags],
        actor: "carla")
      query.text = "massiva"
      #expect(try await store.listTickets(query, page: PageRequest()).items.map(\.id) == [created])
      #expect(try await store.ticketTags(prefix: "", limit: 10) == [TagCount(tag: "queda-massiva", tickets: 1)])
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

/// A ticket "Fibra rompida antiga" of client 1, department 10, written with the columns
/// every schema since v2 has (as an old server wrote it, without today's extra rows).
private func insertOldTicket(_ store: SQLiteStore) async throws -> Int64 {
  try await store.writer.write { db in
    try db.execute(
      sql: """
        INSERT INTO ticket (protocol, kind, client_id, title, department_id, priority, description, status,
          created_at, updated_at, opened_by, version)
        VALUES ('2026000000001', 1, 1, 'Fibra rompida antiga', 10, 2, 'Sem sinal', 1, 0, 0, 'old', 1)
        """)
    return db.lastInsertedRowID
  }
}
