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
    return try await read { connection in
      let policies = try await connection.query("SELECT * FROM sla_policy WHERE active", logger: logger).collect()
        .map { try Self.policy($0.makeRandomAccess()) }
      let subjectIDs = Array(Set(tickets.compactMap(\.subjectID)))
      var subjects: [Int64: Subject] = [:]
      if !subjectIDs.isEmpty {
        for row in try await connection.query(
          "SELECT * FROM subject WHERE id = ANY(\(subjectIDs))", logger: logger
        ).collect() {
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
