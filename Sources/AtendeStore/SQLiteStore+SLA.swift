public import AtendeDomain
internal import Foundation
internal import GRDB

extension SQLiteStore {
  public func putCalendar(_ calendar: BusinessCalendar, expectedVersion: Int64) async throws -> BusinessCalendar {
    let now = self.now()
    return try await write { db in
      var current: BusinessCalendar?
      if calendar.id != 0 {
        current = try Self.fetchCalendar(db, id: calendar.id)
        try Self.requireVersion(expectedVersion, current: current!.version, what: "calendar \(current!.name)")
      } else if try Int.fetchOne(db, sql: "SELECT count(*) FROM sla_calendar")! >= SLARules.maxCalendars {
        throw DomainError.tooMany("calendars", limit: SLARules.maxCalendars, field: "calendar")
      }
      var next = SLARules.prepared(calendar, current: current, now: now)
      let nameKey = SLAStorage.nameKey(next.name)
      let takenBy = try Int64.fetchOne(
        db, sql: "SELECT id FROM sla_calendar WHERE name_key = ? AND id != ?", arguments: [nameKey, next.id])
      try SLARules.validate(next, nameTakenBy: takenBy)
      let arguments: StatementArguments = [
        next.name, nameKey, next.timeZone, try SLAStorage.encode(next.hours), try SLAStorage.encode(next.holidays),
        next.version, next.createdAt.micros, next.updatedAt.micros,
      ]
      if current == nil {
        try db.execute(
          sql: """
            INSERT INTO sla_calendar (name, name_key, time_zone, hours, holidays, version, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: arguments)
        next.id = db.lastInsertedRowID
      } else {
        try db.execute(
          sql: """
            UPDATE sla_calendar SET name = ?, name_key = ?, time_zone = ?, hours = ?, holidays = ?, version = ?,
              created_at = ?, updated_at = ?
            WHERE id = ?
            """, arguments: arguments + [next.id])
      }
      return next
    }
  }

  public func calendar(id: Int64) async throws -> BusinessCalendar {
    try await read { db in try Self.fetchCalendar(db, id: id) }
  }

  public func calendars() async throws -> [BusinessCalendar] {
    try await read { db in
      try Row.fetchAll(db, sql: "SELECT * FROM sla_calendar ORDER BY name_key, id").map(Self.calendar)
    }
  }

  public func putPolicy(_ policy: SLAPolicy, expectedVersion: Int64) async throws -> SLAPolicy {
    let now = self.now()
    return try await write { db in
      var current: SLAPolicy?
      if policy.id != 0 {
        current = try Self.fetchPolicy(db, id: policy.id)
        try Self.requireVersion(expectedVersion, current: current!.version, what: "policy \(current!.name)")
      } else if try Int.fetchOne(db, sql: "SELECT count(*) FROM sla_policy")! >= SLARules.maxPolicies {
        throw DomainError.tooMany("policies", limit: SLARules.maxPolicies, field: "policy")
      }
      var next = SLARules.prepared(policy, current: current, now: now)
      let nameKey = SLAStorage.nameKey(next.name)
      let takenBy = try Int64.fetchOne(
        db, sql: "SELECT id FROM sla_policy WHERE name_key = ? AND id != ?", arguments: [nameKey, next.id])
      let calendarExists = try Bool.fetchOne(
        db, sql: "SELECT EXISTS (SELECT 1 FROM sla_calendar WHERE id = ?)", arguments: [next.calendarID])!
      let subjectExists = try next.subjectID.map { try DatabaseLookup(db: db).subject($0) != nil } ?? true
      try SLARules.validate(
        next, calendarExists: calendarExists, subjectExists: subjectExists, nameTakenBy: takenBy)
      let arguments: StatementArguments = [
        next.name, nameKey, next.calendarID, next.subjectID, next.priority?.rawValue, next.firstResponseMinutes,
        next.resolutionMinutes, next.active, next.version, next.createdAt.micros, next.updatedAt.micros,
      ]
      if current == nil {
        try db.execute(
          sql: """
            INSERT INTO sla_policy (name, name_key, calendar_id, subject_id, priority, first_response_minutes,
              resolution_minutes, active, version, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: arguments)
        next.id = db.lastInsertedRowID
      } else {
        try db.execute(
          sql: """
            UPDATE sla_policy SET name = ?, name_key = ?, calendar_id = ?, subject_id = ?, priority = ?,
              first_response_minutes = ?, resolution_minutes = ?, active = ?, version = ?, created_at = ?,
              updated_at = ?
            WHERE id = ?
            """, arguments: arguments + [next.id])
      }
      return next
    }
  }

  public func policy(id: Int64) async throws -> SLAPolicy {
    try await read { db in try Self.fetchPolicy(db, id: id) }
  }

  public func policies() async throws -> [SLAPolicy] {
    try await read { db in
      try Row.fetchAll(db, sql: "SELECT * FROM sla_policy ORDER BY name_key, id").map(Self.policy)
    }
  }

  public func ticketSLAs(_ tickets: [Ticket]) async throws -> [Int64: TicketSLA] {
    guard !tickets.isEmpty else { return [:] }
    let now = self.now()
    return try await read { db in try Self.slas(db, of: tickets, now: now) }
  }

  /// The SLA of each of `tickets` at `now`, read in the transaction of `db`.
  private static func slas(_ db: Database, of tickets: [Ticket], now: Date) throws -> [Int64: TicketSLA] {
    let policies = try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM sla_policy WHERE active")).map(policy)
    var subjects: [Int64: Subject] = [:]
    let lookup = DatabaseLookup(db: db)
    for id in Set(tickets.compactMap(\.subjectID)) { subjects[id] = try lookup.subject(id) }
    // Only the tickets a target applies to need their history and calendars.
    let measured = SLAStorage.measured(tickets, policies: policies, subjects: subjects)
    guard !measured.isEmpty else { return [:] }
    var calendars: [BusinessCalendar] = []
    if !policies.isEmpty {
      calendars = try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM sla_calendar")).map(calendar)
    }
    var entries: [Int64: [(at: Date, status: String)]] = [:]
    let statement = try db.cachedStatement(
      sql: "SELECT at, new_value FROM ticket_history WHERE ticket_id = ? AND field = 'status' ORDER BY id")
    for ticket in measured {
      let rows = try Row.fetchAll(statement, arguments: [ticket.id])
      entries[ticket.id] = rows.map { (at: $0.date("at"), status: $0["new_value"]) }
    }
    return SLAStorage.evaluate(
      measured, policies: policies, calendars: calendars, subjects: subjects, statusEntries: entries, now: now)
  }

  // MARK: Escalations

  public func putEscalationRule(_ rule: EscalationRule, expectedVersion: Int64) async throws -> EscalationRule {
    let now = self.now()
    return try await write { db in
      var current: EscalationRule?
      if rule.id != 0 {
        current = try Self.fetchRule(db, id: rule.id)
        try Self.requireVersion(expectedVersion, current: current!.version, what: "escalation rule \(current!.name)")
      } else if try Int.fetchOne(db, sql: "SELECT count(*) FROM escalation_rule")! >= EscalationRules.maxRules {
        throw DomainError.tooMany("escalation rules", limit: EscalationRules.maxRules, field: "rule")
      }
      var next = EscalationRules.prepared(rule, current: current, now: now)
      let nameKey = SLAStorage.nameKey(next.name)
      let takenBy = try Int64.fetchOne(
        db, sql: "SELECT id FROM escalation_rule WHERE name_key = ? AND id != ?", arguments: [nameKey, next.id])
      let policyExists =
        try next.policyID.map {
          try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM sla_policy WHERE id = ?)", arguments: [$0])!
        } ?? true
      try EscalationRules.validate(
        next, policyExists: policyExists, lookup: DatabaseLookup(db: db), nameTakenBy: takenBy)
      let arguments: StatementArguments = [
        next.name, nameKey, next.active, next.policyID, next.target.rawValue, next.offsetMinutes,
        next.raisePriorityTo?.rawValue, next.reassignDepartmentID, next.assignEmployeeID, next.version,
        next.createdAt.micros, next.updatedAt.micros,
      ]
      if current == nil {
        try db.execute(
          sql: """
            INSERT INTO escalation_rule (name, name_key, active, policy_id, target, offset_minutes, raise_priority_to,
              reassign_department_id, assign_employee_id, version, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: arguments)
        next.id = db.lastInsertedRowID
      } else {
        try db.execute(
          sql: """
            UPDATE escalation_rule SET name = ?, name_key = ?, active = ?, policy_id = ?, target = ?, offset_minutes = ?,
              raise_priority_to = ?, reassign_department_id = ?, assign_employee_id = ?, version = ?, created_at = ?,
              updated_at = ?
            WHERE id = ?
            """, arguments: arguments + [next.id])
      }
      return next
    }
  }

  public func escalationRule(id: Int64) async throws -> EscalationRule {
    try await read { db in try Self.fetchRule(db, id: id) }
  }

  public func escalationRules() async throws -> [EscalationRule] {
    try await read { db in
      try Row.fetchAll(db, sql: "SELECT * FROM escalation_rule ORDER BY name_key, id").map(Self.rule)
    }
  }

  public func escalationFirings(ticketIDs: [Int64]) async throws -> [Int64: Set<Int64>] {
    guard !ticketIDs.isEmpty else { return [:] }
    return try await read { db in
      var firings: [Int64: Set<Int64>] = [:]
      let statement = try db.cachedStatement(sql: "SELECT rule_id FROM escalation_firing WHERE ticket_id = ?")
      for id in ticketIDs {
        let rules = try Int64.fetchAll(statement, arguments: [id])
        if !rules.isEmpty { firings[id] = Set(rules) }
      }
      return firings
    }
  }

  public func escalate(ticketID: Int64, rule: EscalationRule) async throws -> Ticket? {
    let now = self.now()
    return try await write { db in
      let current = try self.fetchTicket(db, id: ticketID)
      guard current.status.isOpen, let sla = try Self.slas(db, of: [current], now: now)[current.id],
        EscalationRules.isDue(rule, sla: sla)
      else { return nil }
      try db.execute(
        sql: "INSERT OR IGNORE INTO escalation_firing (ticket_id, rule_id, at) VALUES (?, ?, ?)",
        arguments: [ticketID, rule.id, now.micros])
      guard db.changesCount == 1 else { return nil }
      let (outcome, fields) = try EscalationRules.apply(rule, to: current, now: now, lookup: DatabaseLookup(db: db))
      var arguments = Rows.ticketArguments(outcome.ticket)
      arguments += [ticketID, current.version]
      try db.cachedStatement(sql: Self.updateTicketSQL).execute(arguments: arguments)
      for entry in outcome.entries {
        try self.insertHistory(db, table: "ticket_history", owner: ("ticket_id", ticketID), entry)
      }
      try self.record(
        db,
        TicketChangeEvent(
          kind: .escalated, ticket: outcome.ticket, actor: EscalationRules.actor, at: now, fields: fields))
      return outcome.ticket
    }
  }

  private static func fetchRule(_ db: Database, id: Int64) throws -> EscalationRule {
    guard let row = try Row.fetchOne(db, sql: "SELECT * FROM escalation_rule WHERE id = ?", arguments: [id]) else {
      throw DomainError.notFound("escalation rule \(id)")
    }
    return rule(row)
  }

  private static func rule(_ row: Row) -> EscalationRule {
    EscalationRule(
      id: row["id"], name: row["name"], active: row["active"], policyID: row["policy_id"],
      target: SLATargetKind(rawValue: row["target"]) ?? .resolution, offsetMinutes: row["offset_minutes"],
      raisePriorityTo: (row["raise_priority_to"] as Int?).flatMap(Priority.init(rawValue:)),
      reassignDepartmentID: row["reassign_department_id"], assignEmployeeID: row["assign_employee_id"],
      version: row["version"], createdAt: row.date("created_at"), updatedAt: row.date("updated_at"))
  }

  private static func fetchCalendar(_ db: Database, id: Int64) throws -> BusinessCalendar {
    guard let row = try Row.fetchOne(db, sql: "SELECT * FROM sla_calendar WHERE id = ?", arguments: [id]) else {
      throw DomainError.notFound("calendar \(id)")
    }
    return try calendar(row)
  }

  private static func fetchPolicy(_ db: Database, id: Int64) throws -> SLAPolicy {
    guard let row = try Row.fetchOne(db, sql: "SELECT * FROM sla_policy WHERE id = ?", arguments: [id]) else {
      throw DomainError.notFound("policy \(id)")
    }
    return policy(row)
  }

  private static func calendar(_ row: Row) throws -> BusinessCalendar {
    BusinessCalendar(
      id: row["id"], name: row["name"], timeZone: row["time_zone"],
      hours: try SLAStorage.decode([WorkingPeriod].self, from: row["hours"]),
      holidays: try SLAStorage.decode([Holiday].self, from: row["holidays"]), version: row["version"],
      createdAt: row.date("created_at"), updatedAt: row.date("updated_at"))
  }

  private static func policy(_ row: Row) -> SLAPolicy {
    SLAPolicy(
      id: row["id"], name: row["name"], calendarID: row["calendar_id"], subjectID: row["subject_id"],
      priority: (row["priority"] as Int?).flatMap(Priority.init(rawValue:)),
      firstResponseMinutes: row["first_response_minutes"], resolutionMinutes: row["resolution_minutes"],
      active: row["active"], version: row["version"], createdAt: row.date("created_at"),
      updatedAt: row.date("updated_at"))
  }
}
