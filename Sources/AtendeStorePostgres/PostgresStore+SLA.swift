public import AtendeDomain
public import AtendeStore
internal import Foundation
internal import PostgresNIO

extension PostgresStore: SLAStore {
  /// A constant key for `pg_advisory_xact_lock`: SLA configuration writes of every
  /// server run one at a time, so counts and names are checked against settled data.
  static let slaLock: Int64 = 0x534C_4143_4647  // "SLACFG"

  public func putCalendar(_ calendar: BusinessCalendar, expectedVersion: Int64) async throws -> BusinessCalendar {
    let now = self.now()
    return try await transaction(signalsEvents: false) { connection in
      try await connection.query("SELECT pg_advisory_xact_lock(\(Self.slaLock))", logger: logger)
      var current: BusinessCalendar?
      if calendar.id != 0 {
        let stored = try await fetchCalendar(connection, id: calendar.id)
        try Versioning.check(expectedVersion, current: stored.version, what: "calendar \(stored.name)")
        current = stored
      } else if try await count(connection, "sla_calendar") >= SLARules.maxCalendars {
        throw DomainError.tooMany("calendars", limit: SLARules.maxCalendars, field: "calendar")
      }
      var next = SLARules.prepared(calendar, current: current, now: now)
      let nameKey = SLAStorage.nameKey(next.name)
      let takenBy = try await connection.query(
        "SELECT id FROM sla_calendar WHERE name_key = \(nameKey) AND id <> \(next.id)", logger: logger
      ).collect().first?.makeRandomAccess().value("id", as: Int64.self)
      try SLARules.validate(next, nameTakenBy: takenBy)
      let hours = try SLAStorage.encode(next.hours)
      let holidays = try SLAStorage.encode(next.holidays)
      if current == nil {
        let rows = try await connection.query(
          """
          INSERT INTO sla_calendar (name, name_key, time_zone, hours, holidays, version, created_at, updated_at)
          VALUES (\(next.name), \(nameKey), \(next.timeZone), \(hours), \(holidays), \(next.version),
            \(next.createdAt.micros), \(next.updatedAt.micros))
          RETURNING id
          """, logger: logger
        ).collect()
        next.id = try rows[0].makeRandomAccess().value("id")
      } else {
        try await connection.query(
          """
          UPDATE sla_calendar SET name = \(next.name), name_key = \(nameKey), time_zone = \(next.timeZone),
            hours = \(hours), holidays = \(holidays), version = \(next.version), updated_at = \(next.updatedAt.micros)
          WHERE id = \(next.id)
          """, logger: logger)
      }
      return next
    }
  }

  public func calendar(id: Int64) async throws -> BusinessCalendar {
    try await read { connection in try await fetchCalendar(connection, id: id) }
  }

  public func calendars() async throws -> [BusinessCalendar] {
    try await read { connection in
      try await connection.query("SELECT * FROM sla_calendar ORDER BY name_key, id", logger: logger).collect().map {
        try Self.calendar($0.makeRandomAccess())
      }
    }
  }

  public func putPolicy(_ policy: SLAPolicy, expectedVersion: Int64) async throws -> SLAPolicy {
    let now = self.now()
    return try await transaction(signalsEvents: false) { connection in
      try await connection.query("SELECT pg_advisory_xact_lock(\(Self.slaLock))", logger: logger)
      var current: SLAPolicy?
      if policy.id != 0 {
        let stored = try await fetchPolicy(connection, id: policy.id)
        try Versioning.check(expectedVersion, current: stored.version, what: "policy \(stored.name)")
        current = stored
      } else if try await count(connection, "sla_policy") >= SLARules.maxPolicies {
        throw DomainError.tooMany("policies", limit: SLARules.maxPolicies, field: "policy")
      }
      var next = SLARules.prepared(policy, current: current, now: now)
      let nameKey = SLAStorage.nameKey(next.name)
      let takenBy = try await connection.query(
        "SELECT id FROM sla_policy WHERE name_key = \(nameKey) AND id <> \(next.id)", logger: logger
      ).collect().first?.makeRandomAccess().value("id", as: Int64.self)
      let calendarExists = try await !connection.query(
        "SELECT 1 FROM sla_calendar WHERE id = \(next.calendarID) FOR SHARE", logger: logger
      ).collect().isEmpty
      var subjectExists = true
      if let subjectID = next.subjectID {
        subjectExists = try await !connection.query(
          "SELECT 1 FROM subject WHERE id = \(subjectID) FOR SHARE", logger: logger
        ).collect().isEmpty
      }
      try SLARules.validate(next, calendarExists: calendarExists, subjectExists: subjectExists, nameTakenBy: takenBy)
      let priority = next.priority.map { Int64($0.rawValue) }
      let firstResponse = next.firstResponseMinutes.map(Int64.init)
      let resolution = next.resolutionMinutes.map(Int64.init)
      if current == nil {
        let rows = try await connection.query(
          """
          INSERT INTO sla_policy (name, name_key, calendar_id, subject_id, priority, first_response_minutes,
            resolution_minutes, active, version, created_at, updated_at)
          VALUES (\(next.name), \(nameKey), \(next.calendarID), \(next.subjectID), \(priority), \(firstResponse),
            \(resolution), \(next.active), \(next.version), \(next.createdAt.micros), \(next.updatedAt.micros))
          RETURNING id
          """, logger: logger
        ).collect()
        next.id = try rows[0].makeRandomAccess().value("id")
      } else {
        try await connection.query(
          """
          UPDATE sla_policy SET name = \(next.name), name_key = \(nameKey), calendar_id = \(next.calendarID),
            subject_id = \(next.subjectID), priority = \(priority), first_response_minutes = \(firstResponse),
            resolution_minutes = \(resolution), active = \(next.active), version = \(next.version),
            updated_at = \(next.updatedAt.micros)
          WHERE id = \(next.id)
          """, logger: logger)
      }
      return next
    }
  }

  public func policy(id: Int64) async throws -> SLAPolicy {
    try await read { connection in try await fetchPolicy(connection, id: id) }
  }

  public func policies() async throws -> [SLAPolicy] {
    try await read { connection in
      try await connection.query("SELECT * FROM sla_policy ORDER BY name_key, id", logger: logger).collect().map {
        try Self.policy($0.makeRandomAccess())
      }
    }
  }

  public func ticketSLAs(_ tickets: [Ticket]) async throws -> [Int64: TicketSLA] {
    guard !tickets.isEmpty else { return [:] }
    let now = self.now()
    return try await read { connection in try await slas(connection, of: tickets, now: now) }
  }

  /// The SLA of each of `tickets` at `now`, read on `connection`.
  private func slas(_ connection: PostgresConnection, of tickets: [Ticket], now: Date) async throws
    -> [Int64: TicketSLA]
  {
    let policies = try await connection.query("SELECT * FROM sla_policy WHERE active", logger: logger).collect()
      .map { try Self.policy($0.makeRandomAccess()) }
    let subjectIDs = Array(Set(tickets.compactMap(\.subjectID)))
    var subjects: [Int64: Subject] = [:]
    if !subjectIDs.isEmpty {
      for row in try await connection.query("SELECT * FROM subject WHERE id = ANY(\(subjectIDs))", logger: logger)
        .collect()
      {
        let subject = try Rows.subject(row.makeRandomAccess())
        subjects[subject.id] = subject
      }
    }
    // Only the tickets a target applies to need their history and calendars.
    let measured = SLAStorage.measured(tickets, policies: policies, subjects: subjects)
    guard !measured.isEmpty else { return [:] }
    var calendars: [BusinessCalendar] = []
    if !policies.isEmpty {
      calendars = try await connection.query("SELECT * FROM sla_calendar", logger: logger).collect().map {
        try Self.calendar($0.makeRandomAccess())
      }
    }
    var entries: [Int64: [(at: Date, status: String)]] = [:]
    let ids = measured.map(\.id)
    for row in try await connection.query(
      """
      SELECT ticket_id, at, new_value FROM ticket_history
      WHERE ticket_id = ANY(\(ids)) AND field = 'status' ORDER BY ticket_id, id
      """, logger: logger
    ).collect() {
      let columns = row.makeRandomAccess()
      entries[try columns.value("ticket_id", as: Int64.self), default: []].append(
        (at: try columns.date("at"), status: try columns.value("new_value", as: String.self)))
    }
    return SLAStorage.evaluate(
      measured, policies: policies, calendars: calendars, subjects: subjects, statusEntries: entries, now: now)
  }

  // MARK: Escalations

  public func putEscalationRule(_ rule: EscalationRule, expectedVersion: Int64) async throws -> EscalationRule {
    let now = self.now()
    return try await transaction(signalsEvents: false) { connection in
      try await connection.query("SELECT pg_advisory_xact_lock(\(Self.slaLock))", logger: logger)
      var current: EscalationRule?
      if rule.id != 0 {
        let stored = try await fetchRule(connection, id: rule.id)
        try Versioning.check(expectedVersion, current: stored.version, what: "escalation rule \(stored.name)")
        current = stored
      } else if try await count(connection, "escalation_rule") >= EscalationRules.maxRules {
        throw DomainError.tooMany("escalation rules", limit: EscalationRules.maxRules, field: "rule")
      }
      var next = EscalationRules.prepared(rule, current: current, now: now)
      let nameKey = SLAStorage.nameKey(next.name)
      let takenBy = try await connection.query(
        "SELECT id FROM escalation_rule WHERE name_key = \(nameKey) AND id <> \(next.id)", logger: logger
      ).collect().first?.makeRandomAccess().value("id", as: Int64.self)
      var policyExists = true
      if let policyID = next.policyID {
        policyExists = try await !connection.query(
          "SELECT 1 FROM sla_policy WHERE id = \(policyID) FOR SHARE", logger: logger
        ).collect().isEmpty
      }
      var keys: Set<ReferenceSnapshot.Key> = []
      if let id = next.reassignDepartmentID { keys.insert(.record(.department, id)) }
      if let id = next.assignEmployeeID { keys.insert(.record(.employee, id)) }
      let checked = next
      try await applying(connection, keys: keys) { lookup in
        try EscalationRules.validate(checked, policyExists: policyExists, lookup: lookup, nameTakenBy: takenBy)
      }
      let priority = next.raisePriorityTo.map { Int64($0.rawValue) }
      let target = Int64(next.target.rawValue)
      let offset = Int64(next.offsetMinutes)
      if current == nil {
        let rows = try await connection.query(
          """
          INSERT INTO escalation_rule (name, name_key, active, policy_id, target, offset_minutes, raise_priority_to,
            reassign_department_id, assign_employee_id, version, created_at, updated_at)
          VALUES (\(next.name), \(nameKey), \(next.active), \(next.policyID), \(target), \(offset), \(priority),
            \(next.reassignDepartmentID), \(next.assignEmployeeID), \(next.version), \(next.createdAt.micros),
            \(next.updatedAt.micros))
          RETURNING id
          """, logger: logger
        ).collect()
        next.id = try rows[0].makeRandomAccess().value("id")
      } else {
        try await connection.query(
          """
          UPDATE escalation_rule SET name = \(next.name), name_key = \(nameKey), active = \(next.active),
            policy_id = \(next.policyID), target = \(target), offset_minutes = \(offset), raise_priority_to = \(priority),
            reassign_department_id = \(next.reassignDepartmentID), assign_employee_id = \(next.assignEmployeeID),
            version = \(next.version), updated_at = \(next.updatedAt.micros)
          WHERE id = \(next.id)
          """, logger: logger)
      }
      return next
    }
  }

  public func escalationRule(id: Int64) async throws -> EscalationRule {
    try await read { connection in try await fetchRule(connection, id: id) }
  }

  public func escalationRules() async throws -> [EscalationRule] {
    try await read { connection in
      try await connection.query("SELECT * FROM escalation_rule ORDER BY name_key, id", logger: logger).collect()
        .map { try Self.rule($0.makeRandomAccess()) }
    }
  }

  public func escalationFirings(ticketIDs: [Int64]) async throws -> [Int64: Set<Int64>] {
    guard !ticketIDs.isEmpty else { return [:] }
    return try await read { connection in
      var firings: [Int64: Set<Int64>] = [:]
      for row in try await connection.query(
        "SELECT ticket_id, rule_id FROM escalation_firing WHERE ticket_id = ANY(\(ticketIDs))", logger: logger
      ).collect() {
        let columns = row.makeRandomAccess()
        firings[try columns.value("ticket_id", as: Int64.self), default: []].insert(
          try columns.value("rule_id", as: Int64.self))
      }
      return firings
    }
  }

  public func escalate(ticketID: Int64, rule: EscalationRule) async throws -> Ticket? {
    let now = self.now()
    return try await transaction { connection in
      // The ticket's row stays locked until commit: another server escalating it waits,
      // then finds the firing recorded.
      let current = try await fetchTicket(connection, id: ticketID, lock: true)
      guard current.status.isOpen, let sla = try await slas(connection, of: [current], now: now)[current.id],
        EscalationRules.isDue(rule, sla: sla)
      else { return nil }
      let inserted = try await connection.query(
        """
        INSERT INTO escalation_firing (ticket_id, rule_id, at) VALUES (\(ticketID), \(rule.id), \(now.micros))
        ON CONFLICT DO NOTHING RETURNING ticket_id
        """, logger: logger
      ).collect()
      guard !inserted.isEmpty else { return nil }
      var keys = ReferenceSnapshot.keys(of: current)
      if let id = rule.reassignDepartmentID { keys.insert(.record(.department, id)) }
      if let id = rule.assignEmployeeID { keys.insert(.record(.employee, id)) }
      let (outcome, fields) = try await applying(connection, keys: keys) { lookup in
        try EscalationRules.apply(rule, to: current, now: now, lookup: lookup)
      }
      try await saveTicket(connection, outcome.ticket, previousVersion: current.version)
      for entry in outcome.entries {
        try await insertHistory(connection, table: "ticket_history", owner: ("ticket_id", ticketID), entry)
      }
      try await record(
        connection,
        TicketChangeEvent(
          kind: .escalated, ticket: outcome.ticket, actor: EscalationRules.actor, at: now, fields: fields))
      return outcome.ticket
    }
  }

  private func fetchRule(_ connection: PostgresConnection, id: Int64) async throws -> EscalationRule {
    guard
      let row = try await connection.query("SELECT * FROM escalation_rule WHERE id = \(id)", logger: logger)
        .collect().first
    else { throw DomainError.notFound("escalation rule \(id)") }
    return try Self.rule(row.makeRandomAccess())
  }

  private static func rule(_ row: PostgresRandomAccessRow) throws -> EscalationRule {
    EscalationRule(
      id: try row.value("id"), name: try row.value("name"), active: try row.value("active"),
      policyID: try row.value("policy_id"),
      target: SLATargetKind(rawValue: Int(try row.value("target", as: Int64.self))) ?? .resolution,
      offsetMinutes: Int(try row.value("offset_minutes", as: Int64.self)),
      raisePriorityTo: try row.value("raise_priority_to", as: Int64?.self).flatMap { Priority(rawValue: Int($0)) },
      reassignDepartmentID: try row.value("reassign_department_id"),
      assignEmployeeID: try row.value("assign_employee_id"), version: try row.value("version"),
      createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"))
  }

  private func count(_ connection: PostgresConnection, _ table: String) async throws -> Int {
    let rows = try await connection.query(
      PostgresQuery(unsafeSQL: "SELECT count(*) AS n FROM \(table)"), logger: logger
    )
    .collect()
    return Int(try rows[0].makeRandomAccess().value("n", as: Int64.self))
  }

  private func fetchCalendar(_ connection: PostgresConnection, id: Int64) async throws -> BusinessCalendar {
    guard
      let row = try await connection.query("SELECT * FROM sla_calendar WHERE id = \(id)", logger: logger)
        .collect().first
    else { throw DomainError.notFound("calendar \(id)") }
    return try Self.calendar(row.makeRandomAccess())
  }

  private func fetchPolicy(_ connection: PostgresConnection, id: Int64) async throws -> SLAPolicy {
    guard
      let row = try await connection.query("SELECT * FROM sla_policy WHERE id = \(id)", logger: logger)
        .collect().first
    else { throw DomainError.notFound("policy \(id)") }
    return try Self.policy(row.makeRandomAccess())
  }

  private static func calendar(_ row: PostgresRandomAccessRow) throws -> BusinessCalendar {
    BusinessCalendar(
      id: try row.value("id"), name: try row.value("name"), timeZone: try row.value("time_zone"),
      hours: try SLAStorage.decode([WorkingPeriod].self, from: try row.value("hours")),
      holidays: try SLAStorage.decode([Holiday].self, from: try row.value("holidays")),
      version: try row.value("version"), createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"))
  }

  private static func policy(_ row: PostgresRandomAccessRow) throws -> SLAPolicy {
    SLAPolicy(
      id: try row.value("id"), name: try row.value("name"), calendarID: try row.value("calendar_id"),
      subjectID: try row.value("subject_id"),
      priority: try row.value("priority", as: Int64?.self).flatMap { Priority(rawValue: Int($0)) },
      firstResponseMinutes: try row.value("first_response_minutes", as: Int64?.self).map { Int($0) },
      resolutionMinutes: try row.value("resolution_minutes", as: Int64?.self).map { Int($0) },
      active: try row.value("active"), version: try row.value("version"), createdAt: try row.date("created_at"),
      updatedAt: try row.date("updated_at"))
  }
}
