public import AtendeDomain
internal import Foundation
internal import GRDB

extension SQLiteStore {
  // MARK: Messages

  public func addTicketMessage(
    _ message: TicketMessage, status: TicketStatus?, expectedVersion: Int64?, actor: String
  ) async throws -> (TicketMessage, Ticket) {
    let now = self.now()
    return try await write { db in
      let ticket = try self.fetchTicket(db, id: message.ticketID)
      if let expectedVersion {
        try Self.requireVersion(expectedVersion, current: ticket.version, what: "ticket \(ticket.protocolNumber)")
      }
      var (stored, outcome) = try TabRules.addMessage(
        message, to: ticket, status: status, actor: actor, now: now, lookup: DatabaseLookup(db: db))
      try Self.saveTicket(db, outcome.ticket, previousVersion: ticket.version)
      try db.cachedStatement(
        sql: """
          INSERT INTO ticket_message (ticket_id, author_kind, author_id, author_name, visibility, text, status_change,
            created_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?)
          """
      ).execute(arguments: [
        stored.ticketID, stored.authorKind.rawValue, stored.authorID, stored.authorName, stored.visibility.rawValue,
        stored.text, stored.statusChange?.rawValue, stored.createdAt.micros,
      ])
      stored.id = db.lastInsertedRowID
      for var entry in outcome.entries {
        if entry.kind == HistoryKind.message { entry.newValue = String(stored.id) }
        try self.insertHistory(db, table: "ticket_history", owner: ("ticket_id", ticket.id), entry)
      }
      try self.record(
        db, TicketChangeEvent(kind: .messageAdded, ticket: outcome.ticket, actor: actor, at: stored.createdAt))
      if ticket.status != .solved && outcome.ticket.status == .solved {
        try self.solveChildren(db, of: outcome.ticket, message: stored.text, actor: actor, now: now)
      }
      return (stored, outcome.ticket)
    }
  }

  public func listTicketMessages(ticketID: Int64, newestFirst: Bool, publicOnly: Bool, page: PageRequest) async throws
    -> Page<TicketMessage>
  {
    let filter = PageToken.fingerprint("messages|\(ticketID)|\(newestFirst)|\(publicOnly)")
    let token = try PageToken.decode(page.token, filter: filter, keys: 1)
    return try await read { db in
      _ = try self.fetchTicket(db, id: ticketID)
      var sql = "SELECT * FROM ticket_message WHERE ticket_id = ?"
      var arguments: [(any DatabaseValueConvertible)?] = [ticketID]
      if publicOnly {
        sql += " AND visibility = ?"
        arguments.append(Visibility.public.rawValue)
      }
      if let after = token?.after.first.flatMap({ Int64($0) }) {
        sql += newestFirst ? " AND id < ?" : " AND id > ?"
        arguments.append(after)
      }
      sql += " ORDER BY id \(newestFirst ? "DESC" : "ASC") LIMIT ?"
      arguments.append(page.size + 1)
      let rows = try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments))
      return Self.page(rows.map(Rows.message), size: page.size, filter: filter) { [String($0.id)] }
    }
  }

  /// Saves a changed ticket whose version was checked in this transaction.
  static func saveTicket(_ db: Database, _ ticket: Ticket, previousVersion: Int64) throws {
    var arguments = Rows.ticketArguments(ticket)
    arguments += [ticket.id, previousVersion]
    try db.cachedStatement(sql: updateTicketSQL).execute(arguments: arguments)
  }

  // MARK: Contacts

  public func addTicketContact(_ contact: TicketContact, actor: String) async throws -> TicketContact {
    let now = self.now()
    return try await write { db in
      let ticket = try self.fetchTicket(db, id: contact.ticketID)
      var stored = try TabChanges.newContact(contact, on: ticket, now: now)
      try db.execute(
        sql: """
          INSERT INTO ticket_contact (ticket_id, name, phone, email, note, created_at, updated_at, version)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?)
          """,
        arguments: [
          stored.ticketID, stored.name, stored.phone, stored.email, stored.note, now.micros, now.micros, stored.version,
        ])
      stored.id = db.lastInsertedRowID
      let touched = try Self.touchTicket(db, ticket, now: now)
      try self.insertHistory(
        db, table: "ticket_history", owner: ("ticket_id", ticket.id),
        TabChanges.contactAdded(stored, actor: actor, now: now))
      try self.record(db, TicketChangeEvent(kind: .contactChanged, ticket: touched, actor: actor, at: now))
      return stored
    }
  }

  public func updateTicketContact(
    id: Int64, with contact: TicketContact, fields: Set<String>, expectedVersion: Int64?, actor: String
  ) async throws -> TicketContact {
    let now = self.now()
    return try await write { db in
      let current = try Self.fetchContact(db, id: id)
      let ticket = try self.fetchTicket(db, id: current.ticketID)
      if let expectedVersion {
        try Self.requireVersion(expectedVersion, current: current.version, what: "contact \(id)")
      }
      guard
        let (next, entry) = try TabChanges.updatedContact(
          current, with: contact, fields: fields, on: ticket, actor: actor, now: now)
      else { return current }
      try db.execute(
        sql: """
          UPDATE ticket_contact SET name = ?, phone = ?, email = ?, note = ?, updated_at = ?, version = ? WHERE id = ?
          """,
        arguments: [next.name, next.phone, next.email, next.note, now.micros, next.version, id])
      let touched = try Self.touchTicket(db, ticket, now: now)
      try self.insertHistory(db, table: "ticket_history", owner: ("ticket_id", ticket.id), entry)
      try self.record(db, TicketChangeEvent(kind: .contactChanged, ticket: touched, actor: actor, at: now))
      return next
    }
  }

  @discardableResult
  public func removeTicketContact(id: Int64, expectedVersion: Int64?, actor: String) async throws -> Int64 {
    let now = self.now()
    return try await write { db in
      let current = try Self.fetchContact(db, id: id)
      let ticket = try self.fetchTicket(db, id: current.ticketID)
      if let expectedVersion {
        try Self.requireVersion(expectedVersion, current: current.version, what: "contact \(id)")
      }
      let entry = try TabChanges.removedContact(current, on: ticket, actor: actor, now: now)
      try db.execute(sql: "DELETE FROM ticket_contact WHERE id = ?", arguments: [id])
      let touched = try Self.touchTicket(db, ticket, now: now)
      try self.insertHistory(db, table: "ticket_history", owner: ("ticket_id", ticket.id), entry)
      try self.record(db, TicketChangeEvent(kind: .contactChanged, ticket: touched, actor: actor, at: now))
      return current.ticketID
    }
  }

  public func listTicketContacts(ticketID: Int64) async throws -> [TicketContact] {
    try await read { db in
      _ = try self.fetchTicket(db, id: ticketID)
      return try Row.fetchAll(
        db, sql: "SELECT * FROM ticket_contact WHERE ticket_id = ? ORDER BY id", arguments: [ticketID]
      )
      .map(Rows.contact)
    }
  }

  public func ticketContact(id: Int64) async throws -> TicketContact {
    try await read { db in
      let contact = try Self.fetchContact(db, id: id)
      _ = try self.fetchTicket(db, id: contact.ticketID, hidden: "contact \(id)")
      return contact
    }
  }

  private static func fetchContact(_ db: Database, id: Int64) throws -> TicketContact {
    guard let row = try Row.fetchOne(db, sql: "SELECT * FROM ticket_contact WHERE id = ?", arguments: [id]) else {
      throw DomainError.notFound("contact \(id)")
    }
    return Rows.contact(row)
  }

  /// A change on a tab is a change of the ticket: its version and update time move.
  /// Returns the ticket as saved.
  @discardableResult
  static func touchTicket(_ db: Database, _ ticket: Ticket, now: Date) throws -> Ticket {
    let next = TicketWorkflow.touched(ticket, now: now)
    try saveTicket(db, next, previousVersion: ticket.version)
    return next
  }

}

extension Rows {
  static func message(_ row: Row) -> TicketMessage {
    TicketMessage(
      id: row["id"], ticketID: row["ticket_id"], authorKind: AuthorKind(rawValue: row["author_kind"]) ?? .employee,
      authorID: row["author_id"], authorName: row["author_name"],
      visibility: Visibility(rawValue: row["visibility"]) ?? .internal, text: row["text"],
      statusChange: (row["status_change"] as Int?).flatMap(TicketStatus.init(rawValue:)),
      createdAt: row.date("created_at"))
  }

  static func contact(_ row: Row) -> TicketContact {
    TicketContact(
      id: row["id"], ticketID: row["ticket_id"], name: row["name"], phone: row["phone"], email: row["email"],
      note: row["note"], createdAt: row.date("created_at"), updatedAt: row.date("updated_at"),
      version: row["version"])
  }
}
