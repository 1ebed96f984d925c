public import AtendeDomain
public import AtendeStore
public import Foundation
internal import PostgresNIO

extension PostgresStore {
  public func openServiceOrder(_ order: ServiceOrder, priority: Priority?, actor: String) async throws -> ServiceOrder {
    let now = self.now()
    return try await transaction { connection in
      let ticket = try await fetchTicket(connection, id: order.ticketID, lock: true)
      var keys = ReferenceSnapshot.keys(of: ticket)
      if let id = order.subjectID { keys.insert(.subject(id)) }
      keys.insert(.record(.department, order.departmentID))
      if let id = order.technicianID { keys.insert(.record(.employee, id)) }
      var opened = try await applying(connection, keys: keys) { lookup in
        try ServiceOrderRules.open(order, priority: priority, ticket: ticket, now: now, lookup: lookup)
      }
      var sql = SQL()
      let values = try sql.bind(order: opened)
      sql.append(
        "INSERT INTO service_order (\(Columns.serviceOrder.joined(separator: ", "))) "
          + "VALUES (\(values.joined(separator: ", "))) RETURNING id")
      opened.id = try await connection.query(sql.query, logger: logger).collect()[0].makeRandomAccess().value("id")
      try await recordOrderChange(
        connection, ticket: ticket, actor: actor, now: now,
        entries: [TabChanges.orderOpened(opened, actor: actor, now: now)])
      return opened
    }
  }

  public func serviceOrder(id: Int64) async throws -> ServiceOrder {
    try await read { connection in
      let order = try await fetchServiceOrder(connection, id: id, lock: false)
      _ = try await fetchTicket(connection, id: order.ticketID, hidden: "service order \(id)")
      return order
    }
  }

  private func fetchServiceOrder(_ connection: PostgresConnection, id: Int64, lock: Bool) async throws -> ServiceOrder {
    let query: PostgresQuery =
      lock ? "SELECT * FROM service_order WHERE id = \(id) FOR UPDATE" : "SELECT * FROM service_order WHERE id = \(id)"
    guard let row = try await connection.query(query, logger: logger).collect().first else {
      throw DomainError.notFound("service order \(id)")
    }
    return try Rows.serviceOrder(row.makeRandomAccess())
  }

  public func changeServiceOrder(
    id: Int64, expectedVersion: Int64, actor: String, note: String,
    _ change: @escaping @Sendable (ServiceOrder, Ticket, any ReferenceLookup, Date) throws -> ServiceOrder
  ) async throws -> ServiceOrder {
    let now = self.now()
    return try await transaction { connection in
      let current = try await fetchServiceOrder(connection, id: id, lock: true)
      try Versioning.check(expectedVersion, current: current.version, what: "service order \(id)")
      let ticket = try await fetchTicket(connection, id: current.ticketID, lock: true)
      var keys = ReferenceSnapshot.keys(of: ticket)
      if let technician = current.technicianID { keys.insert(.record(.employee, technician)) }
      var next = try await applying(connection, keys: keys) { lookup in try change(current, ticket, lookup, now) }
      // Times at the store's precision, so the order returned is the order read back.
      next.scheduledAt = next.scheduledAt.map { Date(micros: $0.micros) }
      // One change of the order is one change of its ticket, with an entry per field.
      let entries = TabChanges.orderChanged(from: current, to: next, note: note, actor: actor, now: now)
      guard !entries.isEmpty else { return current }
      var sql = SQL()
      let values = try sql.bind(order: next)
      let assignments = zip(Columns.serviceOrder, values).map { "\($0) = \($1)" }.joined(separator: ", ")
      sql.append("UPDATE service_order SET \(assignments) WHERE id = \(try sql.bind(id))")
      try await connection.query(sql.query, logger: logger)
      try await recordOrderChange(connection, ticket: ticket, actor: actor, now: now, entries: entries)
      return next
    }
  }

  public func listServiceOrders(_ requested: ServiceOrderFilter, page: PageRequest) async throws
    -> Page<ServiceOrder>
  {
    var filter = requested
    filter.ticketScope = filter.ticketScope.narrowed(by: scope)
    let fingerprint = PageToken.fingerprint(filter.fingerprintText)
    let token = try PageToken.decode(page.token, filter: fingerprint, keys: 1)
    var sql = SQL()
    var conditions: [String] = []
    if let value = filter.ticketID { conditions.append("ticket_id = \(try sql.bind(value))") }
    if !filter.statuses.isEmpty {
      conditions.append("status = ANY(\(try sql.bind(filter.statuses.map { Int64($0.rawValue) }.sorted())))")
    }
    if let value = filter.departmentID { conditions.append("department_id = \(try sql.bind(value))") }
    if let value = filter.technicianID { conditions.append("technician_id = \(try sql.bind(value))") }
    if let condition = filter.ticketScope.sqlCondition(table: "t") {
      conditions.append("ticket_id IN (SELECT t.id FROM ticket t WHERE \(condition))")
    }
    if let after = token?.after.first.flatMap({ Int64($0) }) { conditions.append("id < \(try sql.bind(after))") }
    let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
    sql.append(
      "SELECT * FROM service_order \(whereClause) ORDER BY id DESC LIMIT \(try sql.bind(Int64(page.size + 1)))")
    let statement = sql.query
    let orders = try await read { connection in
      try await connection.query(statement, logger: logger).collect().map {
        try Rows.serviceOrder($0.makeRandomAccess())
      }
    }
    return Page.cut(orders, size: page.size, filter: fingerprint) { [String($0.id)] }
  }

  /// A change of an order is a change of its ticket: version, update time, history, event.
  private func recordOrderChange(
    _ connection: PostgresConnection, ticket: Ticket, actor: String, now: Date, entries: [HistoryEntry]
  ) async throws {
    let touched = TicketWorkflow.touched(ticket, now: now)
    try await saveTicket(connection, touched, previousVersion: ticket.version)
    for entry in entries {
      try await insertHistory(connection, table: "ticket_history", owner: ("ticket_id", ticket.id), entry)
    }
    try await record(connection, TicketChangeEvent(kind: .serviceOrderChanged, ticket: touched, actor: actor, at: now))
  }

  // MARK: Metrics

  public func ticketMetrics(from: Date, to: Date, scope requested: TicketScope) async throws -> TicketMetrics {
    let scope = requested.narrowed(by: self.scope)
    let now = self.now()
    return try await read { connection in
      var metrics = TicketMetrics(from: from, to: to)
      // Integers only, so they can be written into the SQL.
      let department =
        scope.sqlCondition(table: "ticket").map { " AND \($0)" }
        ?? ""
      let openStatuses = TicketStatus.allCases.filter(\.isOpen).map { String($0.rawValue) }
      let open = "ticket.status IN (\(openStatuses.joined(separator: ", ")))"

      /// Open tickets per value of `column`, named from `table` (by a join) or by `name`.
      func counts(
        _ column: String, names table: String? = nil, name: (Int64) -> String = { _ in "" }
      ) async throws -> [TicketMetrics.Count] {
        let join = table.map { " LEFT JOIN \($0) n ON n.id = ticket.\(column)" } ?? ""
        let rows = try await connection.query(
          PostgresQuery(
            unsafeSQL: """
              SELECT COALESCE(ticket.\(column), 0) AS value, \(table == nil ? "''" : "COALESCE(MIN(n.name), '')") AS name,
                COUNT(*) AS count
              FROM ticket\(join) WHERE \(open)\(department) GROUP BY 1 ORDER BY count DESC, value
              """), logger: logger
        ).collect()
        return try rows.map { row in
          let row = row.makeRandomAccess()
          let value = try row.value("value", as: Int64.self)
          return TicketMetrics.Count(
            id: value, name: table == nil ? name(value) : try row.value("name", as: String.self),
            count: Int(try row.value("count", as: Int64.self)))
        }
      }
      metrics.openByStatus = try await counts("status") { TicketStatus(rawValue: Int($0))?.name ?? "" }
      metrics.openByPriority = try await counts("priority") {
        Priority(rawValue: Int($0)).map { "\($0)".uppercased() } ?? ""
      }
      metrics.openByDepartment = try await counts("department_id", names: "department")
      metrics.openByAssignee = try await counts("assignee_id", names: "employee")
      metrics.openByChannel = try await counts("channel_id", names: "channel")
      metrics.openByBranch = try await counts("branch_id", names: "branch")

      // Tickets created in the period (canceled ones do not count).
      let rows = try await connection.query(
        PostgresQuery(
          unsafeSQL: """
            SELECT subject_id, created_at, first_response_at, closed_at, status FROM ticket
            WHERE created_at >= $1 AND created_at < $2 AND status <> \(TicketStatus.canceled.rawValue)\(department)
            """,
          binds: try {
            var binds = PostgresBindings()
            try binds.append(from.micros)
            try binds.append(to.micros)
            return binds
          }()), logger: logger
      ).collect()
      let tickets = try rows.map { row in
        let row = row.makeRandomAccess()
        return TicketMetrics.PeriodTicket(
          subjectID: try row.value("subject_id"), createdAt: try row.date("created_at"),
          firstResponseAt: try row.optionalDate("first_response_at"), closedAt: try row.optionalDate("closed_at"),
          status: TicketStatus(rawValue: Int(try row.value("status", as: Int64.self))) ?? .new)
      }
      let subjects = try await connection.query(
        """
        SELECT * FROM subject WHERE first_response_sla_hours IS NOT NULL OR solution_sla_hours IS NOT NULL
        ORDER BY lower(name) COLLATE "C"
        """, logger: logger
      ).collect().map { try Rows.subject($0.makeRandomAccess()) }
      metrics.addPeriodFigures(tickets, subjects: subjects, now: now)
      return metrics
    }
  }

  public func ticketActivity(from: Date, to: Date, scope requested: TicketScope) async throws
    -> [TicketTrends.TicketFacts]
  {
    // Integers only, so they can be written into the SQL.
    let scope = requested.narrowed(by: self.scope).sqlCondition(table: "ticket").map { " AND \($0)" } ?? ""
    var sql = SQL()
    let (start, end) = (try sql.bind(from.micros), try sql.bind(to.micros))
    sql.append(
      """
      SELECT created_at, first_response_at, closed_at, status, channel_id, department_id, subject_id, branch_id
      FROM ticket
      WHERE ((created_at >= \(start) AND created_at < \(end)) OR (closed_at >= \(start) AND closed_at < \(end)))
        AND status != \(TicketStatus.canceled.rawValue)\(scope)
      LIMIT \(try sql.bind(Int64(maxActivityTickets + 1)))
      """)
    let statement = sql.query
    return try await read { connection in
      let rows = try await connection.query(statement, logger: logger).collect()
      guard rows.count <= maxActivityTickets else { throw DomainError.tooManyForTrends }
      return try rows.map { row in
        let columns = row.makeRandomAccess()
        let solved = try columns.value("status", as: Int64.self) == Int64(TicketStatus.solved.rawValue)
        return TicketTrends.TicketFacts(
          createdAt: try columns.date("created_at"), firstResponseAt: try columns.optionalDate("first_response_at"),
          solvedAt: solved ? try columns.optionalDate("closed_at") : nil,
          channelID: try columns.value("channel_id", as: Int64?.self),
          departmentID: try columns.value("department_id", as: Int64.self),
          subjectID: try columns.value("subject_id", as: Int64?.self),
          branchID: try columns.value("branch_id", as: Int64?.self))
      }
    }
  }
}
