import AtendeDomain
public import Foundation
internal import GRDB

extension SQLiteStore {
  /// Open tickets by dimension now, and response, solution and SLA figures over the
  /// tickets created in `[from, to)`, over the tickets of `departments` (nil = all).
  public func ticketMetrics(from: Date, to: Date, departments: Set<Int64>?) async throws -> TicketMetrics {
    let departments = allowedDepartments.map { allowed in departments?.intersection(allowed) ?? allowed } ?? departments
    let now = self.now()
    return try await writer.read { db in
      var metrics = TicketMetrics(from: from, to: to)
      // Integers only, so they can be written into the SQL.
      let department =
        departments.map { " AND ticket.department_id IN (\($0.sorted().map(String.init).joined(separator: ", ")))" }
        ?? ""
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

      // Tickets created in the period (canceled ones do not count).
      let rows = try Row.fetchAll(
        db,
        sql: """
          SELECT subject_id, created_at, first_response_at, closed_at, status FROM ticket
          WHERE created_at >= ? AND created_at < ? AND status != \(TicketStatus.canceled.rawValue)\(department)
          """, arguments: [from.micros, to.micros])
      var firstResponses: [TimeInterval] = []
      var solutions: [TimeInterval] = []
      var bySubject: [Int64: [Row]] = [:]
      for row in rows {
        let created = row.date("created_at")
        if let answered = row.optionalDate("first_response_at") {
          firstResponses.append(answered.timeIntervalSince(created))
        }
        if (row["status"] as Int) == TicketStatus.solved.rawValue, let closed = row.optionalDate("closed_at") {
          solutions.append(closed.timeIntervalSince(created))
        }
        if let subject = row["subject_id"] as Int64? { bySubject[subject, default: []].append(row) }
      }
      metrics.timeToFirstResponse = TicketMetrics.Durations(firstResponses)
      metrics.timeToSolution = TicketMetrics.Durations(solutions)

      let subjects = try Row.fetchAll(
        db,
        sql: """
          SELECT * FROM subject WHERE first_response_sla_hours IS NOT NULL OR solution_sla_hours IS NOT NULL
          ORDER BY name COLLATE NOCASE
          """
      ).map(Rows.subject)
      for subject in subjects {
        let tickets = bySubject[subject.id] ?? []
        func breached(_ target: Int?, _ column: String) -> Int {
          guard let target else { return 0 }
          let limit = TimeInterval(target) * 3600
          return tickets.filter { row in
            let created = row.date("created_at")
            let done = row.optionalDate(column)
            let solvedOrAnswered =
              column == "closed_at" ? (row["status"] as Int) == TicketStatus.solved.rawValue : done != nil
            let end = solvedOrAnswered ? (done ?? now) : now
            return end.timeIntervalSince(created) > limit
          }.count
        }
        metrics.sla.append(
          TicketMetrics.SubjectSLA(
            subjectID: subject.id, subjectName: subject.name, firstResponseTargetHours: subject.firstResponseSLAHours,
            solutionTargetHours: subject.solutionSLAHours, tickets: tickets.count,
            firstResponseBreaches: breached(subject.firstResponseSLAHours, "first_response_at"),
            solutionBreaches: breached(subject.solutionSLAHours, "closed_at")))
      }
      return metrics
    }
  }
}
