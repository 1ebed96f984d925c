public import AtendeDomain
internal import Foundation
internal import GRDB

extension SQLiteStore {
  public func createSubject(_ subject: Subject, actor: String) async throws -> Subject {
    let now = self.now()
    return try await write { db in
      var subject = SubjectRules.new(subject, now: now)
      try Self.validate(subject, db: db, checkDepartment: true)
      try db.execute(
        sql: """
          INSERT INTO subject (name, active, default_priority, default_department_id, contract_required,
            login_required, channel_required, complementary_status_required, service_order_requires_signature,
            first_response_sla_hours, solution_sla_hours, version, created_at, updated_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          """,
        arguments: [
          subject.name, subject.active, subject.defaultPriority?.rawValue, subject.defaultDepartmentID,
          subject.contractRequired, subject.loginRequired, subject.channelRequired,
          subject.complementaryStatusRequired, subject.serviceOrderRequiresSignature, subject.firstResponseSLAHours,
          subject.solutionSLAHours, subject.version, now.micros, now.micros,
        ])
      subject.id = db.lastInsertedRowID
      try self.insertHistory(
        db, table: "subject_history", owner: ("subject_id", subject.id),
        HistoryEntry(at: now, actor: actor, kind: HistoryKind.created, newValue: subject.name))
      return subject
    }
  }

  public func subject(id: Int64) async throws -> Subject {
    try await read { db in
      guard let subject = try DatabaseLookup(db: db).subject(id) else { throw DomainError.notFound("subject \(id)") }
      return subject
    }
  }

  public func updateSubject(id: Int64, expectedVersion: Int64, changes: SubjectChanges, actor: String) async throws
    -> Subject
  {
    let now = self.now()
    return try await write { db in
      guard let current = try DatabaseLookup(db: db).subject(id) else { throw DomainError.notFound("subject \(id)") }
      try Self.requireVersion(expectedVersion, current: current.version, what: "subject \(current.name)")
      var next = SubjectRules.applying(changes, to: current)
      let entries = SubjectRules.history(from: current, to: next, actor: actor, at: now)
      guard !entries.isEmpty else { return current }
      try Self.validate(next, db: db, checkDepartment: next.defaultDepartmentID != current.defaultDepartmentID)
      next.version += 1
      next.updatedAt = now
      try db.execute(
        sql: """
          UPDATE subject SET name = ?, active = ?, default_priority = ?, default_department_id = ?,
            contract_required = ?, login_required = ?, channel_required = ?, complementary_status_required = ?,
            service_order_requires_signature = ?, first_response_sla_hours = ?, solution_sla_hours = ?,
            version = ?, updated_at = ?
          WHERE id = ?
          """,
        arguments: [
          next.name, next.active, next.defaultPriority?.rawValue, next.defaultDepartmentID, next.contractRequired,
          next.loginRequired, next.channelRequired, next.complementaryStatusRequired,
          next.serviceOrderRequiresSignature, next.firstResponseSLAHours, next.solutionSLAHours, next.version,
          now.micros, id,
        ])
      for entry in entries {
        try self.insertHistory(db, table: "subject_history", owner: ("subject_id", id), entry)
      }
      return next
    }
  }

  public func listSubjects(query: String, activeOnly: Bool, page: PageRequest) async throws -> Page<Subject> {
    let filter = PageToken.fingerprint("subjects|\(query)|\(activeOnly)")
    let token = try PageToken.decode(page.token, filter: filter, keys: 2)
    return try await read { db in
      var conditions: [String] = []
      var arguments: [(any DatabaseValueConvertible)?] = []
      if !query.isEmpty {
        conditions.append("name LIKE ? ESCAPE '\\'")
        arguments.append("%\(escapeLike(query))%")
      }
      if activeOnly { conditions.append("active") }
      if let token {
        conditions.append("(name COLLATE NOCASE > ? OR (name COLLATE NOCASE = ? AND id > ?))")
        arguments += [token.after[0], token.after[0], Int64(token.after[1]) ?? 0]
      }
      let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
      arguments.append(page.size + 1)
      let rows = try Row.fetchAll(
        db, sql: "SELECT * FROM subject \(whereClause) ORDER BY name COLLATE NOCASE, id LIMIT ?",
        arguments: StatementArguments(arguments))
      return Self.page(rows.map(Rows.subject), size: page.size, filter: filter) { [$0.name, String($0.id)] }
    }
  }

  public func subjectHistory(id: Int64, kind: String, page: PageRequest) async throws -> Page<HistoryEntry> {
    _ = try await subject(id: id)
    return try await history(table: "subject_history", owner: ("subject_id", id), kind: kind, page: page)
  }

  private static func validate(_ subject: Subject, db: Database, checkDepartment: Bool) throws {
    let nameTakenBy =
      subject.name.isEmpty
      ? nil
      : try Int64.fetchOne(
        db, sql: "SELECT id FROM subject WHERE unicode_lower(name) = ? AND id != ?",
        arguments: [subject.name.lowercased(), subject.id])
    try SubjectRules.validate(
      subject, checkDepartment: checkDepartment, lookup: DatabaseLookup(db: db), nameTakenBy: nameTakenBy)
  }
}
