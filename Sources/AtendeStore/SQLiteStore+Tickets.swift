public import AtendeDomain
internal import Foundation
internal import GRDB

extension SQLiteStore {
  static let insertTicketSQL = """
    INSERT INTO ticket (\(Columns.ticket.joined(separator: ", ")))
    VALUES (\(Columns.ticket.map { _ in "?" }.joined(separator: ", ")))
    """
  static let updateTicketSQL =
    "UPDATE ticket SET \(Columns.ticket.map { "\($0) = ?" }.joined(separator: ", ")) WHERE id = ? AND version = ?"

  public func createTicket(_ fields: TicketFields, actor: String) async throws -> Ticket {
    let now = self.now()
    let year = calendar.component(.year, from: now)
    return try await write { db in
      var ticket = try TicketRules.open(fields, actor: actor, now: now, lookup: DatabaseLookup(db: db))
      // The yearly sequence is taken in the same transaction as the insert: SQLite
      // serialises writers, so numbers are unique and have no gaps.
      let sequence = try Int64.fetchOne(
        db.cachedStatement(
          sql: """
            INSERT INTO protocol_sequence (year, last_value) VALUES (?, 1)
            ON CONFLICT(year) DO UPDATE SET last_value = last_value + 1
            RETURNING last_value
            """), arguments: [year])!
      ticket.protocolNumber = TicketRules.protocolNumber(year: year, sequence: sequence)
      try db.cachedStatement(sql: Self.insertTicketSQL).execute(arguments: Rows.ticketArguments(ticket))
      ticket.id = db.lastInsertedRowID
      try self.insertHistory(
        db, table: "ticket_history", owner: ("ticket_id", ticket.id),
        HistoryEntry(at: now, actor: actor, kind: HistoryKind.created, newValue: ticket.protocolNumber))
      try self.record(db, TicketChangeEvent(kind: .created, ticket: ticket, actor: actor, at: ticket.updatedAt))
      return ticket
    }
  }

  public func ticket(id: Int64) async throws -> Ticket {
    try await read { db in try self.fetchTicket(db, id: id) }
  }

  public func ticket(protocolNumber: String) async throws -> Ticket {
    try await read { db in
      guard let row = try Row.fetchOne(db, sql: "SELECT * FROM ticket WHERE protocol = ?", arguments: [protocolNumber])
      else { throw DomainError.notFound("ticket with protocol \(protocolNumber)") }
      let ticket = Rows.ticket(row)
      if !scope.allows(ticket) {
        throw DomainError.notFound("ticket with protocol \(protocolNumber)")
      }
      return ticket
    }
  }

  /// The ticket `id`, as this view of the store sees it: NOT_FOUND when it does not exist
  /// or belongs to a department the view does not reach (`hidden` names what the error
  /// says is missing, by default the ticket).
  func fetchTicket(_ db: Database, id: Int64, hidden: @autoclosure () -> String? = nil) throws -> Ticket {
    guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM ticket WHERE id = ?"), arguments: [id])
    else {
      throw DomainError.notFound(hidden() ?? "ticket \(id)")
    }
    let ticket = Rows.ticket(row)
    if !scope.allows(ticket) {
      throw DomainError.notFound(hidden() ?? "ticket \(id)")
    }
    return ticket
  }

  /// Loads the ticket, checks the version, applies `change`, saves the result, its
  /// history entries and its event (`kind`, by `actor`) — one transaction.
  private func modifyTicket(
    id: Int64, expectedVersion: Int64, event kind: TicketChangeEvent.Kind, actor: String, fields: [String] = [],
    afterSave: (@Sendable (Database, _ before: Ticket, _ after: Ticket) throws -> Void)? = nil,
    _ change: @escaping @Sendable (Ticket, Database) throws -> (Ticket, [HistoryEntry])
  ) async throws -> Ticket {
    try await write { db in
      let current = try self.fetchTicket(db, id: id)
      try Self.requireVersion(expectedVersion, current: current.version, what: "ticket \(current.protocolNumber)")
      let (next, entries) = try change(current, db)
      guard next != current else { return current }
      var arguments = Rows.ticketArguments(next)
      arguments += [id, current.version]
      try db.cachedStatement(sql: Self.updateTicketSQL).execute(arguments: arguments)
      guard db.changesCount == 1 else {
        throw DomainError.staleVersion("ticket \(current.protocolNumber)", expected: expectedVersion, current: -1)
      }
      for entry in entries {
        try self.insertHistory(db, table: "ticket_history", owner: ("ticket_id", id), entry)
      }
      try self.record(db, TicketChangeEvent(kind: kind, ticket: next, actor: actor, at: next.updatedAt, fields: fields))
      try afterSave?(db, current, next)
      return next
    }
  }

  public func updateTicket(
    id: Int64, expectedVersion: Int64, fields: TicketFields, mask: Set<TicketField>, actor: String
  ) async throws -> Ticket {
    let now = self.now()
    return try await modifyTicket(
      id: id, expectedVersion: expectedVersion, event: .changed, actor: actor, fields: mask.map(\.rawValue).sorted()
    ) { ticket, db in
      let outcome = try TicketRules.edit(
        ticket, with: fields, mask: mask, actor: actor, now: now, lookup: DatabaseLookup(db: db))
      return (outcome.ticket, outcome.entries)
    }
  }

  public func changeTicketStatus(
    id: Int64, expectedVersion: Int64, to status: TicketStatus, message: String, actor: String
  ) async throws -> Ticket {
    let now = self.now()
    return try await modifyTicket(
      id: id, expectedVersion: expectedVersion, event: .statusChanged, actor: actor,
      afterSave: { db, before, after in
        if before.status != .solved && after.status == .solved {
          try self.solveChildren(db, of: after, message: message, actor: actor, now: now)
        }
      }
    ) { ticket, _ in
      let outcome = try TicketWorkflow.changeStatus(ticket, to: status, message: message, actor: actor, now: now)
      return (outcome.ticket, outcome.entries)
    }
  }

  public func assignTicket(id: Int64, expectedVersion: Int64, assigneeID: Int64?, actor: String) async throws -> Ticket
  {
    let now = self.now()
    return try await modifyTicket(id: id, expectedVersion: expectedVersion, event: .assigned, actor: actor) {
      ticket, db in
      let outcome = try TicketWorkflow.assign(
        ticket, to: assigneeID, actor: actor, now: now, lookup: DatabaseLookup(db: db))
      return (outcome.ticket, outcome.entries)
    }
  }

  public func reopenTicket(id: Int64, expectedVersion: Int64, reason: String, actor: String) async throws -> Ticket {
    let now = self.now()
    return try await modifyTicket(id: id, expectedVersion: expectedVersion, event: .statusChanged, actor: actor) {
      ticket, _ in
      let outcome = try TicketWorkflow.reopen(ticket, reason: reason, actor: actor, now: now)
      return (outcome.ticket, outcome.entries)
    }
  }

  public func cancelTicket(id: Int64, expectedVersion: Int64, reason: String, actor: String) async throws -> Ticket {
    let now = self.now()
    return try await modifyTicket(id: id, expectedVersion: expectedVersion, event: .statusChanged, actor: actor) {
      ticket, _ in
      let outcome = try TicketWorkflow.cancel(ticket, reason: reason, actor: actor, now: now)
      return (outcome.ticket, outcome.entries)
    }
  }

  public func ticketHistory(id: Int64, kind: String, page: PageRequest) async throws -> Page<HistoryEntry> {
    _ = try await ticket(id: id)
    return try await history(table: "ticket_history", owner: ("ticket_id", id), kind: kind, page: page)
  }

  // MARK: Listing and search

  public func listTickets(_ requested: TicketQuery, page: PageRequest) async throws -> Page<Ticket> {
    var restricted = requested
    restricted.scope = requested.scope.narrowed(by: scope)
    let query = restricted
    let fts = Self.ftsQuery(query.text)
    if query.order == .relevance && fts == nil {
      throw DomainError(
        .invalidArgument, "RELEVANCE order needs a text query",
        violations: [.init(field: "query", reason: "REQUIRED", description: "RELEVANCE order needs a text query")])
    }
    let order = Self.orderColumns(query.order)
    let filter = PageToken.fingerprint(query.fingerprintText)
    let token = try PageToken.decode(page.token, filter: filter, keys: order.count)
    return try await read { db in
      var conditions: [String] = []
      var arguments: [(any DatabaseValueConvertible)?] = []
      func add(_ sql: String, _ values: (any DatabaseValueConvertible)?...) {
        conditions.append(sql)
        arguments.append(contentsOf: values)
      }
      func anyOf(_ column: String, _ values: [Int]) {
        guard !values.isEmpty else { return }
        add("t.\(column) IN (\(values.map { _ in "?" }.joined(separator: ", ")))")
        arguments.append(contentsOf: values.sorted().map { $0 as (any DatabaseValueConvertible)? })
      }
      anyOf("status", query.statuses.map(\.rawValue))
      anyOf("priority", query.priorities.map(\.rawValue))
      if let value = query.clientID { add("t.client_id = ?", value) }
      if let value = query.structureID { add("t.structure_id = ?", value) }
      if let value = query.departmentID { add("t.department_id = ?", value) }
      if let condition = query.scope.sqlCondition(table: "t") { add(condition) }
      if let value = query.branchID { add("t.branch_id = ?", value) }
      for tag in query.tags.sorted() {
        add("t.id IN (SELECT ticket_id FROM ticket_tag WHERE tag = ?)", tag)
      }
      if let value = query.assigneeID { add("t.assignee_id = ?", value) }
      if let value = query.subjectID { add("t.subject_id = ?", value) }
      if let value = query.channelID { add("t.channel_id = ?", value) }
      if let value = query.createdFrom { add("t.created_at >= ?", value.micros) }
      if let value = query.createdBefore { add("t.created_at < ?", value.micros) }
      if let value = query.updatedFrom { add("t.updated_at >= ?", value.micros) }
      if let value = query.updatedBefore { add("t.updated_at < ?", value.micros) }

      var from = "ticket t"
      var rankSelect = ""
      var matchArguments: [(any DatabaseValueConvertible)?] = []
      var order = order
      if let fts {
        switch query.order {
        case .relevance:
          // bm25 weights: title counts most, then protocol and tags, then messages, then description.
          from = """
            ticket t JOIN (SELECT rowid, bm25(ticket_search, 10.0, 1.0, 5.0, 2.0, 5.0) AS rank FROM ticket_search
            WHERE ticket_search MATCH ?) f ON f.rowid = t.id
            """
          rankSelect = ", f.rank AS rank"
          matchArguments.append(fts)
        case .createdDescending, .createdAscending:
          // Walk the full-text index in id (= creation) order and stop at the page
          // size, instead of collecting every match and sorting it.
          from = "ticket_search f JOIN ticket t ON t.id = f.rowid"
          conditions.insert("ticket_search MATCH ?", at: 0)
          arguments.insert(fts, at: 0)
          order = order.map { column in
            var column = column
            if column.column == "id" { column.expression = "f.rowid" }
            return column
          }
        case .updatedDescending, .priorityDescending:
          add("t.id IN (SELECT rowid FROM ticket_search WHERE ticket_search MATCH ?)", fts)
        }
      }
      if let token {
        let (sql, values) = Self.keysetCondition(order, after: token.after)
        conditions.append(sql)
        arguments.append(contentsOf: values)
      }
      let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
      let orderBy = order.map { "\($0.expression) \($0.descending ? "DESC" : "ASC")" }.joined(separator: ", ")
      let sql = "SELECT t.*\(rankSelect) FROM \(from) \(whereClause) ORDER BY \(orderBy) LIMIT ?"
      let rows = try Row.fetchAll(
        db, sql: sql, arguments: StatementArguments(matchArguments + arguments + [page.size + 1]))
      let pairs = rows.map { row in (Rows.ticket(row), order.map { Self.keyText(row, $0) }) }
      let result = Self.page(pairs, size: page.size, filter: filter) { $0.1 }
      return Page(items: result.items.map(\.0), nextPageToken: result.nextPageToken)
    }
  }

  public func ticketTags(prefix: String, limit: Int) async throws -> [TagCount] {
    let scope = self.scope.sqlCondition(table: "t").map { " AND \($0)" } ?? ""
    return try await read { db in
      // Every valid tag sorts below prefix + U+10FFFF, byte by byte.
      try Row.fetchAll(
        db,
        sql: """
          SELECT g.tag AS tag, COUNT(*) AS tickets FROM ticket_tag g JOIN ticket t ON t.id = g.ticket_id
          WHERE g.tag >= ? AND g.tag < ?\(scope) GROUP BY g.tag ORDER BY tickets DESC, g.tag LIMIT ?
          """, arguments: [prefix, prefix + "\u{10FFFF}", limit]
      ).map { TagCount(tag: $0["tag"], tickets: $0["tickets"]) }
    }
  }

  struct OrderColumn {
    var expression: String
    var column: String
    var descending: Bool
    var isReal = false
  }

  static func orderColumns(_ order: TicketQuery.Order) -> [OrderColumn] {
    switch order {
    // Ids are assigned in creation order, so creation order is id order.
    case .createdDescending:
      [.init(expression: "t.id", column: "id", descending: true)]
    case .createdAscending:
      [.init(expression: "t.id", column: "id", descending: false)]
    case .updatedDescending:
      [
        .init(expression: "t.updated_at", column: "updated_at", descending: true),
        .init(expression: "t.id", column: "id", descending: true),
      ]
    case .priorityDescending:
      [
        .init(expression: "t.priority", column: "priority", descending: true),
        .init(expression: "t.id", column: "id", descending: true),
      ]
    case .relevance:
      [
        .init(expression: "f.rank", column: "rank", descending: false, isReal: true),
        .init(expression: "t.id", column: "id", descending: false),
      ]
    }
  }

  static func keyText(_ row: Row, _ column: OrderColumn) -> String {
    if column.isReal { return String((row[column.column] as Double?) ?? 0) }
    return String((row[column.column] as Int64?) ?? 0)
  }

  /// `(a, b, c) after (x, y, z)` in the given directions, as nested OR/AND.
  static func keysetCondition(
    _ columns: [OrderColumn], after values: [String]
  ) -> (String, [(any DatabaseValueConvertible)?]) {
    var sql = ""
    var arguments: [(any DatabaseValueConvertible)?] = []
    for index in columns.indices.reversed() {
      let column = columns[index]
      let value: any DatabaseValueConvertible =
        column.isReal ? (Double(values[index]) ?? 0) : (Int64(values[index]) ?? 0)
      let op = column.descending ? "<" : ">"
      if sql.isEmpty {
        sql = "\(column.expression) \(op) ?"
        arguments = [value]
      } else {
        sql = "(\(column.expression) \(op) ? OR (\(column.expression) = ? AND \(sql)))"
        arguments = [value, value] + arguments
      }
    }
    return (sql, arguments)
  }

  /// An FTS5 query from free text: every word must match, as a prefix (each word once).
  /// nil when the text has no words.
  static func ftsQuery(_ text: String) -> String? {
    var seen = Set<String>()
    let words = text.split { !$0.isLetter && !$0.isNumber }.map(String.init).filter {
      seen.insert($0.lowercased()).inserted
    }
    guard !words.isEmpty else { return nil }
    return words.map { "\"\($0)\"*" }.joined(separator: " ")
  }
}

extension TicketQuery {
  /// The filters and order as canonical text (sets sorted), for page-token fingerprints.
  package var fingerprintText: String {
    func id(_ value: Int64?) -> String { value.map(String.init) ?? "" }
    func date(_ value: Date?) -> String { value.map { String($0.micros) } ?? "" }
    return [
      statuses.map(\.rawValue).sorted().map(String.init).joined(separator: ","),
      priorities.map(\.rawValue).sorted().map(String.init).joined(separator: ","),
      id(clientID), id(structureID), id(departmentID), id(assigneeID), id(subjectID), id(channelID),
      date(createdFrom), date(createdBefore), date(updatedFrom), date(updatedBefore), text, order.rawValue,
      scope.fingerprintText, id(branchID), tags.sorted().joined(separator: ","),
    ].joined(separator: "|")
  }
}
