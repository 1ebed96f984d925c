public import AtendeDomain
public import Foundation
internal import GRDB

extension SQLiteStore {
  /// Open tickets by dimension now, and response, solution and SLA figures over the
  /// tickets created in `[from, to)`, over the tickets in `scope`.
  public func ticketMetrics(from: Date, to: Date, scope requested: TicketScope) async throws -> TicketMetrics {
    let scope = requested.narrowed(by: self.scope)
    let now = self.now()
    return try await read { db in
      var metrics = TicketMetrics(from: from, to: to)
      // Integers only, so they can be written into the SQL.
      let department = scope.sqlCondition(table: "ticket").map { " AND \($0)" } ?? ""
      let openStatuses = TicketStatus.allCases.filter(\.isOpen).map { String($0.rawValue) }
      let open = "ticket.status IN (\(openStatuses.joined(separator: ", ")))"

      /// Open tickets per value of `column`, named from `table` (by a join) or by `name`.
      func counts(
        _ column: String, names table: String? = nil, name: (Int64) -> String = { _ in "" }
      ) throws -> [TicketMetrics.Count] {
        let join = table.map { " LEFT JOIN \($0) n ON n.id = ticket.\(column)" } ?? ""
        return try Row.fetchAll(
          db,
          sql: """
            SELECT COALESCE(ticket.\(column), 0) AS value, \(table == nil ? "''" : "COALESCE(n.name, '')") AS name,
              COUNT(*) AS count
            FROM ticket\(join) WHERE \(open)\(department) GROUP BY value ORDER BY count DESC, value
            """
        ).map { row in
          let value: Int64 = row["value"]
          return TicketMetrics.Count(id: value, name: table == nil ? name(value) : row["name"], count: row["count"])
        }
      }
      metrics.openByStatus = try counts("status") { TicketStatus(rawValue: Int($0))?.name ?? "" }
      metrics.openByPriority = try counts("priority") { Priority(rawValue: Int($0)).map { "\($0)".uppercased() } ?? "" }
      metrics.openByDepartment = try counts("department_id", names: "department")
      metrics.openByAssignee = try counts("assignee_id", names: "employee")
      metrics.openByChannel = try counts("channel_id", names: "channel")
      metrics.openByBranch = try counts("branch_id", names: "branch")

      // Tickets created in the period (canceled ones do not count).
      let rows = try Row.fetchAll(
        db,
        sql: """
          SELECT subject_id, created_at, first_response_at, closed_at, status FROM ticket
          WHERE created_at >= ? AND created_at < ? AND status != \(TicketStatus.canceled.rawValue)\(department)
          """, arguments: [from.micros, to.micros])
      let tickets = rows.map { row in
        TicketMetrics.PeriodTicket(
          subjectID: row["subject_id"], createdAt: row.date("created_at"),
          firstResponseAt: row.optionalDate("first_response_at"), closedAt: row.optionalDate("closed_at"),
          status: TicketStatus(rawValue: row["status"]) ?? .new)
      }
      let subjects = try Row.fetchAll(
        db,
        sql: """
          SELECT * FROM subject WHERE first_response_sla_hours IS NOT NULL OR solution_sla_hours IS NOT NULL
          ORDER BY name COLLATE NOCASE
          """
      ).map(Rows.subject)
      metrics.addPeriodFigures(tickets, subjects: subjects, now: now)
      return metrics
    }
  }

  public func ticketActivity(from: Date, to: Date, scope requested: TicketScope) async throws
    -> [TicketTrends.TicketFacts]
  {
    let scope = requested.narrowed(by: self.scope).sqlCondition(table: "ticket").map { " AND \($0)" } ?? ""
    return try await read { db in
      let rows = try Row.fetchAll(
        db,
        sql: """
          SELECT created_at, first_response_at, closed_at, status, channel_id, department_id, subject_id, branch_id
          FROM ticket
          WHERE ((created_at >= ? AND created_at < ?) OR (closed_at >= ? AND closed_at < ?))
            AND status != \(TicketStatus.canceled.rawValue)\(scope)
          LIMIT ?
          """, arguments: [from.micros, to.micros, from.micros, to.micros, maxActivityTickets + 1])
      guard rows.count <= maxActivityTickets else { throw DomainError.tooManyForTrends }
      return rows.map { row in
        let solved = (row["status"] as Int) == TicketStatus.solved.rawValue
        return TicketTrends.TicketFacts(
          createdAt: row.date("created_at"), firstResponseAt: row.optionalDate("first_response_at"),
          solvedAt: solved ? row.optionalDate("closed_at") : nil, channelID: row["channel_id"],
          departmentID: row["department_id"], subjectID: row["subject_id"], branchID: row["branch_id"])
      }
    }
  }
}
