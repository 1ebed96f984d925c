import AtendeDomain
import AtendeStore
import AtendeStorePostgres
import Foundation
import Logging
import Testing

/// `atende-server migrate-data`'s copy: a SQLite file into PostgreSQL.
@Suite("Moving up from SQLite to PostgreSQL", .enabled(if: Engine.postgresURL != nil))
struct DataMigrationTests {
  @Test("every table is copied with its ids and checked; numbering goes on after it; a re-run copies nothing")
  func migrate() async throws {
    try await withTemporaryDirectory { directory in
      let clock = SteppingClock()
      let sqlite = try SQLiteStore(path: directory + "/atende.sqlite", now: clock.now)
      let subject = try await loadReferences(sqlite)
      var changes = SubjectChanges()
      changes.solutionSLAHours = .some(8)
      _ = try await sqlite.updateSubject(id: subject.id, expectedVersion: 1, changes: changes, actor: "maria")
      try await sqlite.insertAPIToken(
        APITokenRecord(
          id: "tok1", name: "billing", secretDigest: "d1", scopes: ["tickets.read", "admin"], departments: [10, 11],
          branches: [1], createdAt: clock.now(), expiresAt: nil))
      _ = try await sqlite.upsert(.branches([Branch(id: 1, name: "Matriz"), Branch(id: 2, name: "Filial Norte")]))
      var withSubject = fields(title: "Sem sinal")
      withSubject.subjectID = subject.id
      withSubject.branchID = 2
      withSubject.tags = ["queda-massiva", "fibra"]
      let first = try await sqlite.createTicket(withSubject, actor: "a")
      let second = try await sqlite.createTicket(fields(title: "Lentidão", clientID: 2), actor: "a")
      _ = try await sqlite.addTicketMessage(
        TicketMessage(
          ticketID: first.id, authorKind: .employee, authorID: 40, visibility: .public, text: "Roteador reiniciado"),
        status: nil, expectedVersion: nil, actor: "carla")
      _ = try await sqlite.addTicketContact(
        TicketContact(ticketID: first.id, name: "Ana", phone: "49 99999-0000"), actor: "a")
      _ = try await sqlite.addTicketFile(
        TicketFile(
          ticketID: second.id, name: "foto.jpg", contentType: "image/jpeg", size: 3,
          sha256: String(repeating: "a", count: 64)),
        expectedVersion: nil,
        actor: "a")
      _ = try await sqlite.openServiceOrder(
        ServiceOrder(ticketID: second.id, departmentID: 10, description: "Visita"), priority: nil, actor: "a")
      _ = try await sqlite.updateParameters(expectedVersion: 1, subjectRequired: true, actor: "maria")
      _ = try await sqlite.cancelTicket(
        id: second.id, expectedVersion: try await sqlite.ticket(id: second.id).version, reason: "duplicado", actor: "a")

      try await withPostgresDatabase { url in
        try await PostgresStore.withStore(url: url, logger: Logger(label: "test")) { postgres in
          let report = try await postgres.importData(from: sqlite)
          #expect(report.tables.map(\.name) == SQLiteStore.exportedTables.map(\.name))
          #expect(report.tables.allSatisfy { $0.rows == $0.copied })
          #expect(report.tables.first { $0.name == "ticket" }?.rows == 2)
          #expect(report.tables.first { $0.name == "api_token" }?.rows == 1)

          // What each store answers is the same.
          for id in [first.id, second.id] {
            #expect(try await postgres.ticket(id: id) == (try await sqlite.ticket(id: id)))
            #expect(
              try await postgres.ticketHistory(id: id, kind: "", page: PageRequest()).items
                == (try await sqlite.ticketHistory(id: id, kind: "", page: PageRequest()).items))
          }
          #expect(try await postgres.subject(id: subject.id) == (try await sqlite.subject(id: subject.id)))
          #expect(try await postgres.parameters() == (try await sqlite.parameters()))
          #expect(try await postgres.apiTokens() == (try await sqlite.apiTokens()))
          #expect(
            try await postgres.listTicketContacts(ticketID: first.id)
              == (try await sqlite.listTicketContacts(ticketID: first.id)))
          #expect(
            try await postgres.listTicketFiles(ticketID: second.id)
              == (try await sqlite.listTicketFiles(ticketID: second.id)))
          #expect(
            try await postgres.listServiceOrders(ServiceOrderFilter(), page: PageRequest()).items
              == (try await sqlite.listServiceOrders(ServiceOrderFilter(), page: PageRequest()).items))
          #expect(
            try await postgres.reference(Employee.self, id: 40) == (try await sqlite.reference(Employee.self, id: 40)))
          // The conversation is searchable after the copy.
          var search = TicketQuery()
          search.text = "roteador"
          #expect(try await postgres.listTickets(search, page: PageRequest()).items.map(\.id) == [first.id])
          // Branches and tags too: filters, tag counts and search.
          #expect(try await postgres.reference(Branch.self, id: 2) == (try await sqlite.reference(Branch.self, id: 2)))
          var byTag = TicketQuery()
          byTag.tags = ["fibra"]
          byTag.branchID = 2
          #expect(try await postgres.listTickets(byTag, page: PageRequest()).items.map(\.id) == [first.id])
          #expect(
            try await postgres.ticketTags(prefix: "", limit: 10) == (try await sqlite.ticketTags(prefix: "", limit: 10))
          )
          search.text = "massiva"
          #expect(try await postgres.listTickets(search, page: PageRequest()).items.map(\.id) == [first.id])

          // A second run finds everything in place.
          let again = try await postgres.importData(from: sqlite)
          #expect(again.tables.allSatisfy { $0.copied == 0 })

          // Ids and protocol numbers go on after the copied ones.
          var another = fields(title: "Novo")
          another.subjectID = subject.id
          let next = try await postgres.createTicket(another, actor: "a")
          #expect(next.id == second.id + 1)
          #expect(next.protocolNumber.dropFirst(4) == "000000003")
          let nextSubject = try await postgres.createSubject(Subject(name: "Outro"), actor: "a")
          #expect(nextSubject.id == subject.id + 1)

          // A database holding other rows is reported, naming the table.
          let error = await #expect(throws: DataMigrationError.self) { try await postgres.importData(from: sqlite) }
          #expect(error?.description.contains("table subject differs") == true)
        }
      }
    }
  }

  @Test("attachment contents move into the database, each checked against its SHA-256; a re-run copies none")
  func contents() async throws {
    try await withTemporaryDirectory { directory in
      let sqlite = try SQLiteStore(path: directory + "/atende.sqlite")
      _ = try await loadReferences(sqlite)
      let files = try FileStorage(directory: directory + "/atende.sqlite.files")
      let ticket = try await sqlite.createTicket(fields(title: "Com fotos"), actor: "a")
      var stored: [(String, [UInt8])] = []
      for size in [0, 1000, 600_000] {
        let content = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 17 &+ size) }
        let upload = try files.beginUpload()
        try await upload.append(content)
        let sha256 = try #require(try await upload.commit(expectedSHA256: ""))
        await upload.release()
        _ = try await sqlite.addTicketFile(
          TicketFile(
            ticketID: ticket.id, name: "f\(size).jpg", contentType: "image/jpeg", size: Int64(size), sha256: sha256),
          expectedVersion: nil, actor: "a")
        stored.append((sha256, content))
      }
      try await withPostgresDatabase { url in
        try await PostgresStore.withStore(url: url, logger: Logger(label: "test")) { postgres in
          _ = try await postgres.importData(from: sqlite)
          let first = try await postgres.importFileContents(of: sqlite, from: files)
          #expect(first.total == 3 && first.copied == 3)
          for (sha256, content) in stored {
            var read: [UInt8] = []
            try await postgres.fileContents.read(sha256: sha256) { read += $0 }
            #expect(read == content)
          }
          let again = try await postgres.importFileContents(of: sqlite, from: files)
          #expect(again.total == 3 && again.copied == 0)
        }
      }
      // A content whose bytes no longer match its name is refused, naming it.
      let (sha256, content) = stored[1]
      try Data(content.reversed()).write(
        to: URL(fileURLWithPath: files.directory + "/" + sha256.prefix(2) + "/" + sha256))
      try await withPostgresDatabase { url in
        try await PostgresStore.withStore(url: url, logger: Logger(label: "test")) { postgres in
          _ = try await postgres.importData(from: sqlite)
          let error = await #expect(throws: DataMigrationError.self) {
            try await postgres.importFileContents(of: sqlite, from: files)
          }
          #expect(error?.description.contains(sha256) == true)
          #expect(try await !postgres.fileContents.contains(sha256: sha256))
        }
      }
    }
  }
}
