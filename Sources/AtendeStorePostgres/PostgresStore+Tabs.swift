public import AtendeDomain
public import AtendeStore
public import Foundation
internal import PostgresNIO

extension PostgresStore {
  // MARK: Messages

  public func addTicketMessage(
    _ message: TicketMessage, status: TicketStatus?, expectedVersion: Int64?, actor: String
  ) async throws -> (TicketMessage, Ticket) {
    let now = self.now()
    return try await transaction { connection in
      let ticket = try await fetchTicket(connection, id: message.ticketID, lock: true)
      if let expectedVersion {
        try Versioning.check(expectedVersion, current: ticket.version, what: "ticket \(ticket.protocolNumber)")
      }
      var (stored, outcome) = try await applying(connection, keys: ReferenceSnapshot.keys(of: ticket)) { lookup in
        try TabRules.addMessage(message, to: ticket, status: status, actor: actor, now: now, lookup: lookup)
      }
      try await saveTicket(connection, outcome.ticket, previousVersion: ticket.version)
      stored.id = try await connection.query(
        """
        INSERT INTO ticket_message (ticket_id, author_kind, author_id, author_name, visibility, text, status_change,
          created_at)
        VALUES (\(stored.ticketID), \(Int64(stored.authorKind.rawValue)), \(stored.authorID), \(stored.authorName),
          \(Int64(stored.visibility.rawValue)), \(stored.text), \(stored.statusChange.map { Int64($0.rawValue) }),
          \(stored.createdAt.micros))
        RETURNING id
        """, logger: logger
      ).collect()[0].makeRandomAccess().value("id")
      // The conversation is searchable with the ticket.
      try await connection.query(
        "UPDATE ticket SET messages_text = messages_text || ' ' || \(stored.text) WHERE id = \(ticket.id)",
        logger: logger)
      for var entry in outcome.entries {
        if entry.kind == HistoryKind.message { entry.newValue = String(stored.id) }
        try await insertHistory(connection, table: "ticket_history", owner: ("ticket_id", ticket.id), entry)
      }
      try await record(
        connection, TicketChangeEvent(kind: .messageAdded, ticket: outcome.ticket, actor: actor, at: stored.createdAt))
      if ticket.status != .solved && outcome.ticket.status == .solved {
        try await solveChildren(connection, of: outcome.ticket, message: stored.text, actor: actor, now: now)
      }
      return (stored, outcome.ticket)
    }
  }

  public func listTicketMessages(ticketID: Int64, newestFirst: Bool, publicOnly: Bool, page: PageRequest) async throws
    -> Page<TicketMessage>
  {
    let filter = PageToken.fingerprint("messages|\(ticketID)|\(newestFirst)|\(publicOnly)")
    let token = try PageToken.decode(page.token, filter: filter, keys: 1)
    var sql = SQL()
    sql.append("SELECT * FROM ticket_message WHERE ticket_id = \(try sql.bind(ticketID))")
    if publicOnly { sql.append(" AND visibility = \(try sql.bind(Int64(Visibility.public.rawValue)))") }
    if let after = token?.after.first.flatMap({ Int64($0) }) {
      sql.append(newestFirst ? " AND id < \(try sql.bind(after))" : " AND id > \(try sql.bind(after))")
    }
    sql.append(" ORDER BY id \(newestFirst ? "DESC" : "ASC") LIMIT \(try sql.bind(Int64(page.size + 1)))")
    let statement = sql.query
    let messages = try await read { connection in
      _ = try await fetchTicket(connection, id: ticketID)
      return try await connection.query(statement, logger: logger).collect().map {
        try Rows.message($0.makeRandomAccess())
      }
    }
    return Page.cut(messages, size: page.size, filter: filter) { [String($0.id)] }
  }

  // MARK: Contacts

  public func addTicketContact(_ contact: TicketContact, actor: String) async throws -> TicketContact {
    let now = self.now()
    return try await transaction { connection in
      let ticket = try await fetchTicket(connection, id: contact.ticketID, lock: true)
      var stored = try TabChanges.newContact(contact, on: ticket, now: now)
      stored.id = try await connection.query(
        """
        INSERT INTO ticket_contact (ticket_id, name, phone, email, note, created_at, updated_at, version)
        VALUES (\(stored.ticketID), \(stored.name), \(stored.phone), \(stored.email), \(stored.note), \(now.micros),
          \(now.micros), \(stored.version))
        RETURNING id
        """, logger: logger
      ).collect()[0].makeRandomAccess().value("id")
      let touched = TicketWorkflow.touched(ticket, now: now)
      try await saveTicket(connection, touched, previousVersion: ticket.version)
      try await insertHistory(
        connection, table: "ticket_history", owner: ("ticket_id", ticket.id),
        TabChanges.contactAdded(stored, actor: actor, now: now))
      try await record(connection, TicketChangeEvent(kind: .contactChanged, ticket: touched, actor: actor, at: now))
      return stored
    }
  }

  public func updateTicketContact(
    id: Int64, with contact: TicketContact, fields: Set<String>, expectedVersion: Int64?, actor: String
  ) async throws -> TicketContact {
    let now = self.now()
    return try await transaction { connection in
      let current = try await fetchContact(connection, id: id, lock: true)
      let ticket = try await fetchTicket(connection, id: current.ticketID, lock: true)
      if let expectedVersion { try Versioning.check(expectedVersion, current: current.version, what: "contact \(id)") }
      guard
        let (next, entry) = try TabChanges.updatedContact(
          current, with: contact, fields: fields, on: ticket, actor: actor, now: now)
      else { return current }
      try await connection.query(
        """
        UPDATE ticket_contact SET name = \(next.name), phone = \(next.phone), email = \(next.email),
          note = \(next.note), updated_at = \(now.micros), version = \(next.version)
        WHERE id = \(id)
        """, logger: logger)
      let touched = TicketWorkflow.touched(ticket, now: now)
      try await saveTicket(connection, touched, previousVersion: ticket.version)
      try await insertHistory(connection, table: "ticket_history", owner: ("ticket_id", ticket.id), entry)
      try await record(connection, TicketChangeEvent(kind: .contactChanged, ticket: touched, actor: actor, at: now))
      return next
    }
  }

  @discardableResult
  public func removeTicketContact(id: Int64, expectedVersion: Int64?, actor: String) async throws -> Int64 {
    let now = self.now()
    return try await transaction { connection in
      let current = try await fetchContact(connection, id: id, lock: true)
      let ticket = try await fetchTicket(connection, id: current.ticketID, lock: true)
      if let expectedVersion { try Versioning.check(expectedVersion, current: current.version, what: "contact \(id)") }
      let entry = try TabChanges.removedContact(current, on: ticket, actor: actor, now: now)
      try await connection.query("DELETE FROM ticket_contact WHERE id = \(id)", logger: logger)
      let touched = TicketWorkflow.touched(ticket, now: now)
      try await saveTicket(connection, touched, previousVersion: ticket.version)
      try await insertHistory(connection, table: "ticket_history", owner: ("ticket_id", ticket.id), entry)
      try await record(connection, TicketChangeEvent(kind: .contactChanged, ticket: touched, actor: actor, at: now))
      return current.ticketID
    }
  }

  public func listTicketContacts(ticketID: Int64) async throws -> [TicketContact] {
    try await read { connection in
      _ = try await fetchTicket(connection, id: ticketID)
      return try await connection.query(
        "SELECT * FROM ticket_contact WHERE ticket_id = \(ticketID) ORDER BY id", logger: logger
      ).collect().map { try Rows.contact($0.makeRandomAccess()) }
    }
  }

  public func ticketContact(id: Int64) async throws -> TicketContact {
    try await read { connection in
      let contact = try await fetchContact(connection, id: id)
      _ = try await fetchTicket(connection, id: contact.ticketID, hidden: "contact \(id)")
      return contact
    }
  }

  /// Contact `id`; with `lock`, locked until the transaction ends (a change locks the
  /// contact, then its ticket), so that two changes of one contact do not interleave.
  private func fetchContact(_ connection: PostgresConnection, id: Int64, lock: Bool = false) async throws
    -> TicketContact
  {
    let query: PostgresQuery =
      lock
      ? "SELECT * FROM ticket_contact WHERE id = \(id) FOR UPDATE" : "SELECT * FROM ticket_contact WHERE id = \(id)"
    guard let row = try await connection.query(query, logger: logger).collect().first else {
      throw DomainError.notFound("contact \(id)")
    }
    return try Rows.contact(row.makeRandomAccess())
  }

  // MARK: Files (descriptions; the content is in a FileStorage)

  public func editableTicket(id: Int64) async throws -> Ticket {
    let ticket = try await ticket(id: id)
    try TicketWorkflow.requireEditable(ticket)
    return ticket
  }

  public func addTicketFile(_ file: TicketFile, expectedVersion: Int64?, actor: String) async throws
    -> (TicketFile, Ticket)
  {
    let now = self.now()
    return try await transaction { connection in
      let ticket = try await fetchTicket(connection, id: file.ticketID, lock: true)
      if let expectedVersion {
        try Versioning.check(expectedVersion, current: ticket.version, what: "ticket \(ticket.protocolNumber)")
      }
      var stored = try TabChanges.newFile(file, on: ticket, actor: actor, now: now)
      stored.id = try await connection.query(
        """
        INSERT INTO ticket_file (ticket_id, name, content_type, size, sha256, description, uploaded_by, uploaded_at)
        VALUES (\(stored.ticketID), \(stored.name), \(stored.contentType), \(stored.size), \(stored.sha256),
          \(stored.description), \(actor), \(now.micros))
        RETURNING id
        """, logger: logger
      ).collect()[0].makeRandomAccess().value("id")
      let next = TicketWorkflow.touched(ticket, now: now)
      try await saveTicket(connection, next, previousVersion: ticket.version)
      try await insertHistory(
        connection, table: "ticket_history", owner: ("ticket_id", ticket.id),
        TabChanges.fileAdded(stored, actor: actor, now: now))
      try await record(connection, TicketChangeEvent(kind: .fileAdded, ticket: next, actor: actor, at: now))
      return (stored, next)
    }
  }

  public func ticketFile(id: Int64) async throws -> TicketFile {
    try await read { connection in
      let file = try await fetchFile(connection, id: id)
      _ = try await fetchTicket(connection, id: file.ticketID, hidden: "file \(id)")
      return file
    }
  }

  public func listTicketFiles(ticketID: Int64) async throws -> [TicketFile] {
    try await read { connection in
      _ = try await fetchTicket(connection, id: ticketID)
      return try await connection.query(
        "SELECT * FROM ticket_file WHERE ticket_id = \(ticketID) ORDER BY id", logger: logger
      ).collect().map { try Rows.file($0.makeRandomAccess()) }
    }
  }

  public func removeTicketFile(id: Int64, reason: String, expectedVersion: Int64?, actor: String) async throws
    -> (file: TicketFile, ticket: Ticket, contentStillUsed: Bool)
  {
    let now = self.now()
    return try await transaction { connection in
      let file = try await fetchFile(connection, id: id, lock: true)
      let ticket = try await fetchTicket(connection, id: file.ticketID, lock: true)
      if let expectedVersion {
        try Versioning.check(expectedVersion, current: ticket.version, what: "ticket \(ticket.protocolNumber)")
      }
      let entry = try TabChanges.removedFile(file, on: ticket, reason: reason, actor: actor, now: now)
      try await connection.query("DELETE FROM ticket_file WHERE id = \(id)", logger: logger)
      let next = TicketWorkflow.touched(ticket, now: now)
      try await saveTicket(connection, next, previousVersion: ticket.version)
      try await insertHistory(connection, table: "ticket_history", owner: ("ticket_id", ticket.id), entry)
      let stillUsed = try await contentUsed(connection, sha256: file.sha256)
      try await record(connection, TicketChangeEvent(kind: .fileRemoved, ticket: next, actor: actor, at: now))
      return (file, next, stillUsed)
    }
  }

  public func isFileContentUsed(sha256: String) async throws -> Bool {
    try await read { connection in try await contentUsed(connection, sha256: sha256) }
  }

  private func contentUsed(_ connection: PostgresConnection, sha256: String) async throws -> Bool {
    try await connection.query(
      "SELECT EXISTS (SELECT 1 FROM ticket_file WHERE sha256 = \(sha256)) AS used", logger: logger
    ).collect()[0].makeRandomAccess().value("used", as: Bool.self)
  }

  /// File `id`; with `lock`, locked until the transaction ends (a removal locks the file,
  /// then its ticket), so that two removals of one file do not both record it.
  private func fetchFile(_ connection: PostgresConnection, id: Int64, lock: Bool = false) async throws -> TicketFile {
    let query: PostgresQuery =
      lock ? "SELECT * FROM ticket_file WHERE id = \(id) FOR UPDATE" : "SELECT * FROM ticket_file WHERE id = \(id)"
    guard let row = try await connection.query(query, logger: logger).collect().first else {
      throw DomainError.notFound("file \(id)")
    }
    return try Rows.file(row.makeRandomAccess())
  }
}
