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
    return try await read { db in
      let policies = try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM sla_policy WHERE active")).map(
        Self.policy)
      let subjectIDs = Set(tickets.compactMap(\.subjectID))
      var subjects: [Int64: Subject] = [:]
      let lookup = DatabaseLookup(db: db)
      for id in subjectIDs { subjects[id] = try lookup.subject(id) }
      // Only the tickets a target applies to need their history and calendars.
      let measured = SLAStorage.measured(tickets, policies: policies, subjects: subjects)
      guard !measured.isEmpty else { return [:] }
      var calendars: [BusinessCalendar] = []
      if !policies.isEmpty {
        calendars = try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM sla_calendar")).map(Self.calendar)
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
