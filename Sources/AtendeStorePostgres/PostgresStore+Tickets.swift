public import AtendeDomain
public import AtendeStore
internal import Foundation
internal import PostgresNIO
internal import Synchronization

extension PostgresStore {
  public func createTicket(_ fields: TicketFields, actor: String) async throws -> Ticket {
    let now = self.now()
    let year = calendar.component(.year, from: now)
    let sequence = try await protocolSequence(year: year)
    return try await transaction { connection in
      var ticket = try await applying(connection, keys: ReferenceSnapshot.keys(of: fields)) { lookup in
        try TicketRules.open(fields, actor: actor, now: now, lookup: lookup)
      }
      try await confirmOwnership(connection, of: ticket)
      // A PostgreSQL sequence per year: unique across servers without a lock held to
      // commit; a create that fails after this point leaves a gap in the numbers.
      let number = try await connection.query("SELECT nextval(\(sequence)::regclass) AS value", logger: logger)
        .collect()[0].makeRandomAccess().value("value", as: Int64.self)
      ticket.protocolNumber = TicketRules.protocolNumber(year: year, sequence: number)
      var sql = SQL()
      let values = try sql.bind(ticket: ticket)
      sql.append(
        "INSERT INTO ticket (\(Columns.ticket.joined(separator: ", "))) VALUES (\(values.joined(separator: ", "))) "
          + "RETURNING id")
      ticket.id = try await connection.query(sql.query, logger: logger).collect()[0].makeRandomAccess().value("id")
      try await insertHistory(
        connection, table: "ticket_history", owner: ("ticket_id", ticket.id),
        HistoryEntry(at: now, actor: actor, kind: HistoryKind.created, newValue: ticket.protocolNumber))
      try await record(
        connection, TicketChangeEvent(kind: .created, ticket: ticket, actor: actor, at: ticket.updatedAt))
      return ticket
    }
  }

  /// The name of `year`'s protocol sequence, created when this process first needs it.
  private func protocolSequence(year: Int) async throws -> String {
    let name = "ticket_protocol_\(year)"
    guard !protocolYears.withLock({ $0.contains(year) }) else { return name }
    do {
      try await read { connection in
        try await connection.query(PostgresQuery(unsafeSQL: "CREATE SEQUENCE IF NOT EXISTS \(name)"), logger: logger)
      }
    } catch {
      // Two servers creating it at once: one of them may fail; it exists either way.
      let exists = try await read { connection in
        try await connection.query("SELECT to_regclass(\(name)) IS NOT NULL AS found", logger: logger).collect()[0]
          .makeRandomAccess().value("found", as: Bool.self)
      }
      guard exists else { throw error }
    }
    protocolYears.withLock { _ = $0.insert(year) }
    return name
  }

  public func ticket(id: Int64) async throws -> Ticket {
    try await read { connection in try await fetchTicket(connection, id: id) }
  }

  public func ticket(protocolNumber: String) async throws -> Ticket {
    try await read { connection in
      guard
        let row = try await connection.query(
          "SELECT * FROM ticket WHERE protocol = \(protocolNumber)", logger: logger
        ).collect().first
      else { throw DomainError.notFound("ticket with protocol \(protocolNumber)") }
      let ticket = try Rows.ticket(row.makeRandomAccess())
      if !scope.allows(ticket) {
        throw DomainError.notFound("ticket with protocol \(protocolNumber)")
      }
      return ticket
    }
  }

  /// The ticket `id`, as this view of the store sees it: NOT_FOUND when it does not exist
  /// or belongs to a department the view does not reach (`hidden` names what the error
  /// says is missing, by default the ticket). `lock` holds the row until commit.
  func fetchTicket(
    _ connection: PostgresConnection, id: Int64, lock: Bool = false, hidden: @autoclosure () -> String? = nil
  ) async throws -> Ticket {
    let query: PostgresQuery =
      lock ? "SELECT * FROM ticket WHERE id = \(id) FOR UPDATE" : "SELECT * FROM ticket WHERE id = \(id)"
    guard let row = try await connection.query(query, logger: logger).collect().first else {
      throw DomainError.notFound(hidden() ?? "ticket \(id)")
    }
    let ticket = try Rows.ticket(row.makeRandomAccess())
    if !scope.allows(ticket) {
      throw DomainError.notFound(hidden() ?? "ticket \(id)")
    }
    return ticket
  }

  /// Saves `ticket` over the stored row of `previousVersion` (checked, and locked, in
  /// this transaction).
  func saveTicket(_ connection: PostgresConnection, _ ticket: Ticket, previousVersion: Int64) async throws {
    var sql = SQL()
    let values = try sql.bind(ticket: ticket)
    let assignments = zip(Columns.ticket, values).map { "\($0) = \($1)" }.joined(separator: ", ")
    sql.append(
      "UPDATE ticket SET \(assignments) WHERE id = \(try sql.bind(ticket.id)) AND version = \(try sql.bind(previousVersion))"
    )
    try await connection.query(sql.query, logger: logger)
  }

  /// Loads and locks the ticket, checks the version, applies `change` (with the reference
  /// data it reads), saves the result, its history entries and its event (`kind`, by
  /// `actor`) — one transaction.
  private func modifyTicket(
    id: Int64, expectedVersion: Int64, event kind: TicketChangeEvent.Kind, actor: String, fields: [String] = [],
    afterSave: ((PostgresConnection, _ before: Ticket, _ after: Ticket) async throws -> Void)? = nil,
    _ change: @escaping @Sendable (Ticket, ReferenceSnapshot) throws -> (Ticket, [HistoryEntry])
  ) async throws -> Ticket {
    try await transaction { connection in
      let current = try await fetchTicket(connection, id: id, lock: true)
      try Versioning.check(expectedVersion, current: current.version, what: "ticket \(current.protocolNumber)")
      let (next, entries) = try await applying(connection, keys: ReferenceSnapshot.keys(of: current)) { lookup in
        try change(current, lookup)
      }
      guard next != current else { return current }
      if next.clientID != current.clientID || next.contractID != current.contractID || next.loginID != current.loginID {
        try await confirmOwnership(connection, of: next)
      }
      try await saveTicket(connection, next, previousVersion: current.version)
      for entry in entries {
        try await insertHistory(connection, table: "ticket_history", owner: ("ticket_id", id), entry)
      }
      try await record(
        connection, TicketChangeEvent(kind: kind, ticket: next, actor: actor, at: next.updatedAt, fields: fields))
      try await afterSave?(connection, current, next)
      return next
    }
  }

  public func updateTicket(
    id: Int64, expectedVersion: Int64, fields: TicketFields, mask: Set<TicketField>, actor: String
  ) async throws -> Ticket {
    let now = self.now()
    return try await modifyTicket(
      id: id, expectedVersion: expectedVersion, event: .changed, actor: actor, fields: mask.map(\.rawValue).sorted()
    ) { ticket, lookup in
      let outcome = try TicketRules.edit(
        ticket, with: fields, mask: mask, actor: actor, now: now, lookup: lookup)
      return (outcome.ticket, outcome.entries)
    }
  }

  public func changeTicketStatus(
    id: Int64, expectedVersion: Int64, to status: TicketStatus, message: String, actor: String
  ) async throws -> Ticket {
    let now = self.now()
    return try await modifyTicket(
      id: id, expectedVersion: expectedVersion, event: .statusChanged, actor: actor,
      afterSave: { connection, before, after in
        if before.status != .solved && after.status == .solved {
          try await self.solveChildren(connection, of: after, message: message, actor: actor, now: now)
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
      ticket, lookup in
      let outcome = try TicketWorkflow.assign(ticket, to: assigneeID, actor: actor, now: now, lookup: lookup)
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

  public func ticketTags(prefix: String, limit: Int) async throws -> [TagCount] {
    let scope = self.scope.sqlCondition(table: "t").map { " AND \($0)" } ?? ""
    var sql = SQL()
    sql.append(
      """
      SELECT g.tag, COUNT(*) FROM ticket t, unnest(t.tags) AS g(tag)
      WHERE t.tags <> '{}' AND starts_with(g.tag, \(try sql.bind(prefix)))\(scope)
      GROUP BY g.tag ORDER BY COUNT(*) DESC, g.tag LIMIT \(try sql.bind(Int64(limit)))
      """)
    let statement = sql.query
    return try await read { connection in
      try await connection.query(statement, logger: logger).collect().map { row in
        let (tag, tickets) = try row.decode((String, Int64).self)
        return TagCount(tag: tag, tickets: Int(tickets))
      }
    }
  }

  public func listTickets(_ requested: TicketQuery, page: PageRequest) async throws -> Page<Ticket> {
    var query = requested
    query.scope = requested.scope.narrowed(by: scope)
    let text = TicketSearch.words(query.text)
    if query.order == .relevance && text.isEmpty {
      throw DomainError(
        .invalidArgument, "RELEVANCE order needs a text query",
        violations: [.init(field: "query", reason: "REQUIRED", description: "RELEVANCE order needs a text query")])
    }
    let order = TicketSearch.order(query.order)
    let filter = PageToken.fingerprint(query.fingerprintText)
    let token = try PageToken.decode(page.token, filter: filter, keys: order.count)

    var sql = SQL()
    var conditions: [String] = []
    func anyOf(_ column: String, _ values: [Int]) throws {
      guard !values.isEmpty else { return }
      conditions.append("t.\(column) = ANY(\(try sql.bind(values.sorted().map(Int64.init))))")
    }
    try anyOf("status", query.statuses.map(\.rawValue))
    try anyOf("priority", query.priorities.map(\.rawValue))
    if let value = query.clientID { conditions.append("t.client_id = \(try sql.bind(value))") }
    if let value = query.structureID { conditions.append("t.structure_id = \(try sql.bind(value))") }
    if let value = query.departmentID { conditions.append("t.department_id = \(try sql.bind(value))") }
    if let condition = query.scope.sqlCondition(table: "t") { conditions.append(condition) }
    if let value = query.branchID { conditions.append("t.branch_id = \(try sql.bind(value))") }
    if !query.tags.isEmpty { conditions.append("t.tags @> \(try sql.bind(query.tags.sorted()))") }
    if let value = query.assigneeID { conditions.append("t.assignee_id = \(try sql.bind(value))") }
    if let value = query.subjectID { conditions.append("t.subject_id = \(try sql.bind(value))") }
    if let value = query.channelID { conditions.append("t.channel_id = \(try sql.bind(value))") }
    if let value = query.createdFrom { conditions.append("t.created_at >= \(try sql.bind(value.micros))") }
    if let value = query.createdBefore { conditions.append("t.created_at < \(try sql.bind(value.micros))") }
    if let value = query.updatedFrom { conditions.append("t.updated_at >= \(try sql.bind(value.micros))") }
    if let value = query.updatedBefore { conditions.append("t.updated_at < \(try sql.bind(value.micros))") }
    var rank = ""
    if !text.isEmpty {
      let tsquery = "to_tsquery('atende_search', \(try sql.bind(TicketSearch.tsquery(text))))"
      conditions.append("t.search @@ \(tsquery)")
      // Negated, so that better matches sort first in ascending order (as bm25 does).
      rank = ", -ts_rank('{0.1, 0.2, 0.5, 1.0}', t.search, \(tsquery))::float8 AS rank"
    }
    // The rank is an output column: filter and sort on it one level up.
    var outer: [String] = []
    if let token {
      outer.append(try TicketSearch.keyset(order, after: token.after, sql: &sql))
    }
    let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
    let outerWhere = outer.isEmpty ? "" : "WHERE " + outer.joined(separator: " AND ")
    let orderBy = order.map { "\($0.column) \($0.descending ? "DESC" : "ASC")" }.joined(separator: ", ")
    sql.append(
      "SELECT * FROM (SELECT t.*\(rank) FROM ticket t \(whereClause)) t \(outerWhere) ORDER BY \(orderBy) "
        + "LIMIT \(try sql.bind(Int64(page.size + 1)))")
    let statement = sql.query
    let pairs = try await read { connection in
      try await connection.query(statement, logger: logger).collect().map { row in
        let row = row.makeRandomAccess()
        return (try Rows.ticket(row), try order.map { try TicketSearch.keyText(row, $0) })
      }
    }
    let result = Page.cut(pairs, size: page.size, filter: filter) { $0.1 }
    return Page(items: result.items.map(\.0), nextPageToken: result.nextPageToken)
  }
}

/// How ticket lists sort and search on PostgreSQL.
enum TicketSearch {
  struct OrderColumn {
    var column: String
    var descending: Bool
    var isReal = false
  }

  static func order(_ order: TicketQuery.Order) -> [OrderColumn] {
    switch order {
    // Ids are assigned in creation order, so creation order is id order.
    case .createdDescending: [.init(column: "id", descending: true)]
    case .createdAscending: [.init(column: "id", descending: false)]
    case .updatedDescending: [.init(column: "updated_at", descending: true), .init(column: "id", descending: true)]
    case .priorityDescending: [.init(column: "priority", descending: true), .init(column: "id", descending: true)]
    case .relevance:
      [.init(column: "rank", descending: false, isReal: true), .init(column: "id", descending: false)]
    }
  }

  static func keyText(_ row: PostgresRandomAccessRow, _ column: OrderColumn) throws -> String {
    column.isReal
      ? String(try row.value(column.column, as: Double.self))
      : String(try row.value(column.column, as: Int64.self))
  }

  /// `(a, b) after (x, y)` in the given directions, as nested OR/AND.
  static func keyset(_ columns: [OrderColumn], after values: [String], sql: inout SQL) throws -> String {
    var condition = ""
    for index in columns.indices.reversed() {
      let column = columns[index]
      let value =
        column.isReal
        ? try sql.bind(Double(values[index]) ?? 0) : try sql.bind(Int64(values[index]) ?? 0)
      let op = column.descending ? "<" : ">"
      condition =
        condition.isEmpty
        ? "\(column.column) \(op) \(value)"
        : "(\(column.column) \(op) \(value) OR (\(column.column) = \(value) AND \(condition)))"
    }
    return condition
  }

  /// The words of a text query (letters and digits), each once regardless of case.
  static func words(_ text: String) -> [String] {
    var seen = Set<String>()
    return text.split { !$0.isLetter && !$0.isNumber }.map(String.init).filter { seen.insert($0.lowercased()).inserted }
  }

  /// Every word must match, as a prefix. Words hold only letters and digits, so they
  /// need no quoting in tsquery syntax.
  static func tsquery(_ words: [String]) -> String {
    words.map { "\($0):*" }.joined(separator: " & ")
  }
}
