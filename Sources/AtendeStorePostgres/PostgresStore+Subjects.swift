public import AtendeDomain
public import AtendeStore
internal import Foundation
internal import PostgresNIO

extension PostgresStore: SubjectStore {
  public func createSubject(_ subject: Subject, actor: String) async throws -> Subject {
    let now = self.now()
    var subject = SubjectRules.new(subject, now: now)
    return try await transaction { connection in
      try await validate(connection, subject, checkDepartment: true)
      let rows = try await uniqueName(subject.name) {
        try await connection.query(
          """
          INSERT INTO subject (name, active, default_priority, default_department_id, contract_required,
            login_required, channel_required, complementary_status_required, service_order_requires_signature,
            first_response_sla_hours, solution_sla_hours, version, created_at, updated_at)
          VALUES (\(subject.name), \(subject.active), \(subject.defaultPriority.map { Int64($0.rawValue) }),
            \(subject.defaultDepartmentID), \(subject.contractRequired), \(subject.loginRequired),
            \(subject.channelRequired), \(subject.complementaryStatusRequired),
            \(subject.serviceOrderRequiresSignature), \(subject.firstResponseSLAHours.map(Int64.init)),
            \(subject.solutionSLAHours.map(Int64.init)), \(subject.version), \(now.micros), \(now.micros))
          RETURNING id
          """, logger: logger
        ).collect()
      }
      subject.id = try rows[0].makeRandomAccess().value("id")
      try await insertHistory(
        connection, table: "subject_history", owner: ("subject_id", subject.id),
        HistoryEntry(at: now, actor: actor, kind: HistoryKind.created, newValue: subject.name))
      return subject
    }
  }

  public func subject(id: Int64) async throws -> Subject {
    try await read { connection in try await fetchSubject(connection, id: id, lock: false) }
  }

  func fetchSubject(_ connection: PostgresConnection, id: Int64, lock: Bool) async throws -> Subject {
    let query: PostgresQuery =
      lock ? "SELECT * FROM subject WHERE id = \(id) FOR UPDATE" : "SELECT * FROM subject WHERE id = \(id)"
    guard let row = try await connection.query(query, logger: logger).collect().first else {
      throw DomainError.notFound("subject \(id)")
    }
    return try Rows.subject(row.makeRandomAccess())
  }

  public func updateSubject(id: Int64, expectedVersion: Int64, changes: SubjectChanges, actor: String) async throws
    -> Subject
  {
    let now = self.now()
    return try await transaction { connection in
      // The row stays locked until commit: a concurrent update waits, then sees the new
      // version and fails its check.
      let current = try await fetchSubject(connection, id: id, lock: true)
      try Versioning.check(expectedVersion, current: current.version, what: "subject \(current.name)")
      var next = SubjectRules.applying(changes, to: current)
      let entries = SubjectRules.history(from: current, to: next, actor: actor, at: now)
      guard !entries.isEmpty else { return current }
      try await validate(connection, next, checkDepartment: next.defaultDepartmentID != current.defaultDepartmentID)
      next.version += 1
      next.updatedAt = now
      let updated = next
      try await uniqueName(next.name) {
        try await connection.query(
          """
          UPDATE subject SET name = \(updated.name), active = \(updated.active),
            default_priority = \(updated.defaultPriority.map { Int64($0.rawValue) }),
            default_department_id = \(updated.defaultDepartmentID), contract_required = \(updated.contractRequired),
            login_required = \(updated.loginRequired), channel_required = \(updated.channelRequired),
            complementary_status_required = \(updated.complementaryStatusRequired),
            service_order_requires_signature = \(updated.serviceOrderRequiresSignature),
            first_response_sla_hours = \(updated.firstResponseSLAHours.map(Int64.init)),
            solution_sla_hours = \(updated.solutionSLAHours.map(Int64.init)), version = \(updated.version),
            updated_at = \(now.micros)
          WHERE id = \(id)
          """, logger: logger)
      }
      for entry in entries {
        try await insertHistory(connection, table: "subject_history", owner: ("subject_id", id), entry)
      }
      return next
    }
  }

  /// Loads what ``SubjectRules/validate(_:checkDepartment:lookup:nameTakenBy:)`` reads,
  /// then applies it.
  private func validate(_ connection: PostgresConnection, _ subject: Subject, checkDepartment: Bool) async throws {
    var keys: [ReferenceKind: Set<Int64>] = [:]
    if checkDepartment, let departmentID = subject.defaultDepartmentID { keys[.department] = [departmentID] }
    let snapshot = try await loadSnapshot(connection, keys)
    var nameTakenBy: Int64?
    if !subject.name.isEmpty {
      nameTakenBy = try await connection.query(
        "SELECT id FROM subject WHERE lower(name) = lower(\(subject.name)) AND id <> \(subject.id)", logger: logger
      ).collect().first?.makeRandomAccess().value("id", as: Int64.self)
    }
    try SubjectRules.validate(subject, checkDepartment: checkDepartment, lookup: snapshot, nameTakenBy: nameTakenBy)
  }

  /// Runs `write`, turning a violation of the unique name index (another server created
  /// the name since the check) into the rules' ALREADY_EXISTS.
  @discardableResult
  private func uniqueName<Result>(_ name: String, _ write: () async throws -> Result) async throws -> Result {
    do {
      return try await write()
    } catch let error as PSQLError where error.sqlState == PostgresError.Code.uniqueViolation.raw {
      throw DomainError(
        .alreadyExists, "a subject named \(name) exists already",
        violations: [.init(field: "subject.name", reason: "ALREADY_EXISTS", description: "the name is taken")])
    }
  }

  public func listSubjects(query: String, activeOnly: Bool, page: PageRequest) async throws -> Page<Subject> {
    let filter = PageToken.fingerprint("subjects|\(query)|\(activeOnly)")
    let token = try PageToken.decode(page.token, filter: filter, keys: 2)
    var sql = SQL()
    var conditions: [String] = []
    if !query.isEmpty { conditions.append("name ILIKE \(try sql.bind("%\(escapeLike(query))%"))") }
    if activeOnly { conditions.append("active") }
    // Case-insensitive order, as the SQLite store's NOCASE.
    let sortKey = "lower(name) COLLATE \"C\""
    if let token {
      let name = try sql.bind(token.after[0])
      let id = try sql.bind(Int64(token.after[1]) ?? 0)
      conditions.append("(\(sortKey) > lower(\(name)) OR (\(sortKey) = lower(\(name)) AND id > \(id)))")
    }
    let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
    sql.append(
      "SELECT * FROM subject \(whereClause) ORDER BY \(sortKey), id LIMIT \(try sql.bind(Int64(page.size + 1)))")
    let statement = sql.query
    let subjects = try await read { connection in
      try await connection.query(statement, logger: logger).collect().map { try Rows.subject($0.makeRandomAccess()) }
    }
    return Page.cut(subjects, size: page.size, filter: filter) { [$0.name, String($0.id)] }
  }

  public func subjectHistory(id: Int64, kind: String, page: PageRequest) async throws -> Page<HistoryEntry> {
    _ = try await subject(id: id)
    return try await history(table: "subject_history", owner: ("subject_id", id), kind: kind, page: page)
  }

  // MARK: General parameters

  public func parameters() async throws -> GeneralParameters {
    try await read { connection in try await fetchParameters(connection, lock: false) }
  }

  func fetchParameters(_ connection: PostgresConnection, lock: Bool) async throws -> GeneralParameters {
    let query: PostgresQuery =
      lock
      ? "SELECT * FROM general_parameters WHERE id = 1 FOR UPDATE" : "SELECT * FROM general_parameters WHERE id = 1"
    guard let row = try await connection.query(query, logger: logger).collect().first else {
      return GeneralParameters()
    }
    return try Rows.parameters(row.makeRandomAccess())
  }

  public func updateParameters(expectedVersion: Int64, subjectRequired: Bool?, actor: String) async throws
    -> GeneralParameters
  {
    let now = self.now()
    return try await transaction { connection in
      let current = try await fetchParameters(connection, lock: true)
      guard
        let (next, entry) = try ParameterRules.update(
          current, expectedVersion: expectedVersion, subjectRequired: subjectRequired, actor: actor, now: now)
      else { return current }
      try await connection.query(
        """
        UPDATE general_parameters SET subject_required = \(next.subjectRequired), version = \(next.version),
          updated_at = \(now.micros), updated_by = \(actor)
        WHERE id = 1
        """, logger: logger)
      try await insertHistory(connection, table: "parameter_history", owner: nil, entry)
      return next
    }
  }

  public func parameterHistory(kind: String, page: PageRequest) async throws -> Page<HistoryEntry> {
    try await history(table: "parameter_history", owner: nil, kind: kind, page: page)
  }
}
