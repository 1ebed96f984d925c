public import AtendeDomain
internal import Foundation
internal import GRDB

extension SQLiteStore {
  public func editableTicket(id: Int64) async throws -> Ticket {
    let ticket = try await ticket(id: id)
    try TicketWorkflow.requireEditable(ticket)
    return ticket
  }

  public func addTicketFile(_ file: TicketFile, expectedVersion: Int64?, actor: String) async throws
    -> (TicketFile, Ticket)
  {
    let now = self.now()
    return try await write { db in
      let ticket = try self.fetchTicket(db, id: file.ticketID)
      if let expectedVersion {
        try Self.requireVersion(expectedVersion, current: ticket.version, what: "ticket \(ticket.protocolNumber)")
      }
      var stored = try TabChanges.newFile(file, on: ticket, actor: actor, now: now)
      try db.execute(
        sql: """
          INSERT INTO ticket_file (ticket_id, name, content_type, size, sha256, description, uploaded_by, uploaded_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?)
          """,
        arguments: [
          stored.ticketID, stored.name, stored.contentType, stored.size, stored.sha256, stored.description, actor,
          now.micros,
        ])
      stored.id = db.lastInsertedRowID
      let next = try Self.touchTicket(db, ticket, now: now)
      try self.insertHistory(
        db, table: "ticket_history", owner: ("ticket_id", ticket.id),
        TabChanges.fileAdded(stored, actor: actor, now: now))
      try self.record(db, TicketChangeEvent(kind: .fileAdded, ticket: next, actor: actor, at: now))
      return (stored, next)
    }
  }

  public func ticketFile(id: Int64) async throws -> TicketFile {
    try await read { db in
      let file = try Self.fetchFile(db, id: id)
      _ = try self.fetchTicket(db, id: file.ticketID, hidden: "file \(id)")
      return file
    }
  }

  public func listTicketFiles(ticketID: Int64) async throws -> [TicketFile] {
    try await read { db in
      _ = try self.fetchTicket(db, id: ticketID)
      return try Row.fetchAll(
        db, sql: "SELECT * FROM ticket_file WHERE ticket_id = ? ORDER BY id", arguments: [ticketID]
      )
      .map(Rows.file)
    }
  }

  public func removeTicketFile(id: Int64, reason: String, expectedVersion: Int64?, actor: String) async throws
    -> (file: TicketFile, ticket: Ticket, contentStillUsed: Bool)
  {
    let now = self.now()
    return try await write { db in
      let file = try Self.fetchFile(db, id: id)
      let ticket = try self.fetchTicket(db, id: file.ticketID)
      if let expectedVersion {
        try Self.requireVersion(expectedVersion, current: ticket.version, what: "ticket \(ticket.protocolNumber)")
      }
      let entry = try TabChanges.removedFile(file, on: ticket, reason: reason, actor: actor, now: now)
      try db.execute(sql: "DELETE FROM ticket_file WHERE id = ?", arguments: [id])
      let next = try Self.touchTicket(db, ticket, now: now)
      try self.insertHistory(db, table: "ticket_history", owner: ("ticket_id", ticket.id), entry)
      try self.record(db, TicketChangeEvent(kind: .fileRemoved, ticket: next, actor: actor, at: now))
      let stillUsed = try Self.contentUsed(db, sha256: file.sha256)
      return (file, next, stillUsed)
    }
  }

  public func isFileContentUsed(sha256: String) async throws -> Bool {
    try await read { db in try Self.contentUsed(db, sha256: sha256) }
  }

  private static func contentUsed(_ db: Database, sha256: String) throws -> Bool {
    try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM ticket_file WHERE sha256 = ?)", arguments: [sha256])
      ?? false
  }

  private static func fetchFile(_ db: Database, id: Int64) throws -> TicketFile {
    guard let row = try Row.fetchOne(db, sql: "SELECT * FROM ticket_file WHERE id = ?", arguments: [id]) else {
      throw DomainError.notFound("file \(id)")
    }
    return Rows.file(row)
  }
}

extension Rows {
  static func file(_ row: Row) -> TicketFile {
    TicketFile(
      id: row["id"], ticketID: row["ticket_id"], name: row["name"], contentType: row["content_type"], size: row["size"],
      sha256: row["sha256"], description: row["description"], uploadedBy: row["uploaded_by"],
      uploadedAt: row.date("uploaded_at"))
  }
}
