public import AtendeDomain
internal import Foundation
internal import GRDB

extension SQLiteStore {
  static let maxSubjectNameLength = 120

  public func createSubject(_ subject: Subject, actor: String) async throws -> Subject {
    let now = self.now()
    return try await writer.write { db in
      var subject = subject
      subject.id = 0  // assigned below; a caller's id must not exempt a row from the name check
      subject.name = subject.name.trimmingCharacters(in: .whitespacesAndNewlines)
      subject.version = 1
      subject.createdAt = now
      subject.updatedAt = now
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
    try await writer.read { db in
      guard let subject = try DatabaseLookup(db: db).subject(id) else { throw DomainError.notFound("subject \(id)") }
      return subject
    }
  }

  public func updateSubject(id: Int64, expectedVersion: Int64, changes: SubjectChanges, actor: String) async throws
    -> Subject
  {
    let now = self.now()
    return try await writer.write { db in
      guard let current = try DatabaseLookup(db: db).subject(id) else { throw DomainError.notFound("subject \(id)") }
      try Self.requireVersion(expectedVersion, current: current.version, what: "subject \(current.name)")
      var next = current
      if let name = changes.name { next.name = name.trimmingCharacters(in: .whitespacesAndNewlines) }
      if let value = changes.active { next.active = value }
      if let value = changes.defaultPriority { next.defaultPriority = value }
      if let value = changes.defaultDepartmentID { next.defaultDepartmentID = value }
      if let value = changes.contractRequired { next.contractRequired = value }
      if let value = changes.loginRequired { next.loginRequired = value }
      if let value = changes.channelRequired { next.channelRequired = value }
      if let value = changes.complementaryStatusRequired { next.complementaryStatusRequired = value }
      if let value = changes.serviceOrderRequiresSignature { next.serviceOrderRequiresSignature = value }
      if let value = changes.firstResponseSLAHours { next.firstResponseSLAHours = value }
      if let value = changes.solutionSLAHours { next.solutionSLAHours = value }
      let diffs = Self.differences(current, next)
      guard !diffs.isEmpty else { return current }
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
      for (field, old, new) in diffs {
        try self.insertHistory(
          db, table: "subject_history", owner: ("subject_id", id),
          HistoryEntry(
            at: now, actor: actor, kind: HistoryKind.fieldChanged, field: field, oldValue: old, newValue: new))
      }
      return next
    }
  }

  public func listSubjects(query: String, activeOnly: Bool, page: PageRequest) async throws -> Page<Subject> {
    let filter = PageToken.fingerprint("subjects|\(query)|\(activeOnly)")
    let token = try PageToken.decode(page.token, filter: filter, keys: 2)
    return try await writer.read { db in
      var conditions: [String] = []
      var arguments: [(any DatabaseValueConvertible)?] = []
      if !query.isEmpty {
        conditions.append("name LIKE ? ESCAPE '\\'")
        arguments.append("%\(Self.escapeLike(query))%")
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
    var violations = Violations()
    if subject.name.isEmpty {
      violations.invalid("subject.name", "REQUIRED", "name is required")
    } else if subject.name.count > maxSubjectNameLength {
      violations.invalid("subject.name", "TOO_LONG", "name must be at most \(maxSubjectNameLength) characters")
    }
    for (field, hours) in [
      ("first_response_sla_hours", subject.firstResponseSLAHours), ("solution_sla_hours", subject.solutionSLAHours),
    ] {
      if let hours, hours < 0 || hours > 24 * 365 {
        violations.invalid("subject.\(field)", "OUT_OF_RANGE", "\(field) must be between 0 and 8760 hours")
      }
    }
    if checkDepartment, let departmentID = subject.defaultDepartmentID {
      if let department = try DatabaseLookup(db: db).department(departmentID) {
        if !department.active {
          violations.precondition(
            "subject.default_department_id", "INACTIVE", "department \(department.name) is inactive")
        }
      } else {
        violations.invalid(
          "subject.default_department_id", "NOT_FOUND", "department \(departmentID) does not exist")
      }
    }
    if !subject.name.isEmpty,
      let other = try Int64.fetchOne(
        db, sql: "SELECT id FROM subject WHERE name = ? COLLATE NOCASE AND id != ?",
        arguments: [subject.name, subject.id]
      )
    {
      throw DomainError(
        .alreadyExists, "a subject named \(subject.name) exists already (id \(other))",
        violations: [.init(field: "subject.name", reason: "ALREADY_EXISTS", description: "the name is taken")])
    }
    try violations.throwIfAny("invalid subject")
  }

  private static func differences(_ old: Subject, _ new: Subject) -> [(String, String, String)] {
    func text<T>(_ value: T?) -> String { value.map { "\($0)" } ?? "" }
    let pairs: [(String, String, String)] = [
      ("name", old.name, new.name),
      ("active", "\(old.active)", "\(new.active)"),
      ("default_priority", text(old.defaultPriority).uppercased(), text(new.defaultPriority).uppercased()),
      ("default_department_id", text(old.defaultDepartmentID), text(new.defaultDepartmentID)),
      ("contract_required", "\(old.contractRequired)", "\(new.contractRequired)"),
      ("login_required", "\(old.loginRequired)", "\(new.loginRequired)"),
      ("channel_required", "\(old.channelRequired)", "\(new.channelRequired)"),
      ("complementary_status_required", "\(old.complementaryStatusRequired)", "\(new.complementaryStatusRequired)"),
      (
        "service_order_requires_signature", "\(old.serviceOrderRequiresSignature)",
        "\(new.serviceOrderRequiresSignature)"
      ),
      ("first_response_sla_hours", text(old.firstResponseSLAHours), text(new.firstResponseSLAHours)),
      ("solution_sla_hours", text(old.solutionSLAHours), text(new.solutionSLAHours)),
    ]
    return pairs.filter { $0.1 != $0.2 }
  }

  static func escapeLike(_ text: String) -> String {
    text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
      .replacingOccurrences(of: "_", with: "\\_")
  }
}
