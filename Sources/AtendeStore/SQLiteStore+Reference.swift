public import AtendeDomain
internal import Foundation
internal import GRDB

extension SQLiteStore {
  /// The most records one upsert call may carry.
  public static let maxUpsertBatch = ReferenceRules.maxBatch
  /// The most departments one employee may be in.
  public static let maxDepartmentsPerEmployee = ReferenceRules.maxDepartmentsPerEmployee

  public func upsert(_ batch: ReferenceBatch, actor: String) async throws -> UpsertCounts {
    let now = self.now()
    return try await write { db in
      let plan = try ReferenceRules.plan(batch, actor: actor, now: now, lookup: DatabaseLookup(db: db))
      try Self.write(db, plan.writes)
      for entry in plan.history {
        try self.insertHistory(db, table: "reference_history", owner: nil, entry)
      }
      return plan.counts
    }
  }

  /// Inserts or replaces every record of `batch` by id.
  private static func write(_ db: Database, _ batch: ReferenceBatch) throws {
    switch batch {
    case .clients(let records):
      for client in records {
        try db.cachedStatement(
          sql: """
            INSERT INTO client (id, name, document, active, address, latitude, longitude) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET name = excluded.name, document = excluded.document,
              active = excluded.active, address = excluded.address, latitude = excluded.latitude,
              longitude = excluded.longitude
            """
        ).execute(
          arguments: [client.id, client.name, client.document, client.active] + addressArguments(client.address))
      }
    case .contracts(let records):
      for contract in records {
        try db.cachedStatement(
          sql: """
            INSERT INTO contract (id, client_id, description, active, address, latitude, longitude)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET client_id = excluded.client_id, description = excluded.description,
              active = excluded.active, address = excluded.address, latitude = excluded.latitude,
              longitude = excluded.longitude
            """
        ).execute(
          arguments: [contract.id, contract.clientID, contract.description, contract.active]
            + addressArguments(contract.address))
      }
    case .logins(let records):
      for login in records {
        try db.cachedStatement(
          sql: """
            INSERT INTO login (id, client_id, contract_id, username, active, address, latitude, longitude)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET client_id = excluded.client_id, contract_id = excluded.contract_id,
              username = excluded.username, active = excluded.active, address = excluded.address,
              latitude = excluded.latitude, longitude = excluded.longitude
            """
        ).execute(
          arguments: [login.id, login.clientID, login.contractID, login.username, login.active]
            + addressArguments(login.address))
      }
    case .structures(let records):
      for structure in records {
        try db.cachedStatement(
          sql: """
            INSERT INTO structure (id, name, active, address, latitude, longitude) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET name = excluded.name, active = excluded.active,
              address = excluded.address, latitude = excluded.latitude, longitude = excluded.longitude
            """
        ).execute(arguments: [structure.id, structure.name, structure.active] + addressArguments(structure.address))
      }
    case .departments(let records):
      for department in records {
        try db.cachedStatement(
          sql: """
            INSERT INTO department (id, name, active) VALUES (?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET name = excluded.name, active = excluded.active
            """
        ).execute(arguments: [department.id, department.name, department.active])
      }
    case .employees(let records):
      for employee in records {
        try db.cachedStatement(
          sql: """
            INSERT INTO employee (id, name, active) VALUES (?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET name = excluded.name, active = excluded.active
            """
        ).execute(arguments: [employee.id, employee.name, employee.active])
        try db.cachedStatement(sql: "DELETE FROM employee_department WHERE employee_id = ?")
          .execute(arguments: [employee.id])
        let insert = try db.cachedStatement(
          sql: "INSERT INTO employee_department (employee_id, department_id) VALUES (?, ?)")
        for departmentID in employee.departmentIDs {
          try insert.execute(arguments: [employee.id, departmentID])
        }
      }
    case .channels(let records):
      for channel in records {
        try db.cachedStatement(
          sql: """
            INSERT INTO channel (id, name, active) VALUES (?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET name = excluded.name, active = excluded.active
            """
        ).execute(arguments: [channel.id, channel.name, channel.active])
      }
    case .complementaryStatuses(let records):
      for status in records {
        try db.cachedStatement(
          sql: """
            INSERT INTO complementary_status (id, description, active) VALUES (?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET description = excluded.description, active = excluded.active
            """
        ).execute(arguments: [status.id, status.description, status.active])
      }
    case .branches(let records):
      for branch in records {
        try db.cachedStatement(
          sql: """
            INSERT INTO branch (id, name, active) VALUES (?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET name = excluded.name, active = excluded.active
            """
        ).execute(arguments: [branch.id, branch.name, branch.active])
      }
    }
  }

  public func referenceHistory(kind: String, page: PageRequest) async throws -> Page<HistoryEntry> {
    try await history(table: "reference_history", owner: nil, kind: kind, page: page)
  }

  private static func addressArguments(_ address: Address) -> StatementArguments {
    [address.text, address.coordinates?.latitude, address.coordinates?.longitude]
  }

  // MARK: Reading

  public func reference<Entity: ReferenceEntity>(_ type: Entity.Type, id: Int64) async throws -> Entity? {
    try await read { db in try Self.fetchReference(db, type, id: id) }
  }

  static func fetchReference<Entity: ReferenceEntity>(_ db: Database, _ type: Entity.Type, id: Int64) throws -> Entity?
  {
    try DatabaseLookup(db: db).reference(type, id: id)
  }

  public func listReferences<Entity: ReferenceEntity>(
    _ type: Entity.Type, filter: ReferenceFilter, page: PageRequest
  ) async throws -> Page<Entity> {
    let fingerprint = PageToken.fingerprint(
      "\(Entity.kind)|\(filter.query)|\(filter.activeOnly)|\(filter.clientID ?? 0)|\(filter.contractID ?? 0)|"
        + "\(filter.departmentID ?? 0)")
    let token = try PageToken.decode(page.token, filter: fingerprint, keys: 2)
    return try await read { db in
      let (table, nameColumn, searchColumns) = Entity.kind.table
      var conditions: [String] = []
      var arguments: [(any DatabaseValueConvertible)?] = []
      if !filter.query.isEmpty {
        let pattern = "%\(escapeLike(filter.query))%"
        conditions.append("(" + searchColumns.map { "x.\($0) LIKE ? ESCAPE '\\'" }.joined(separator: " OR ") + ")")
        arguments += searchColumns.map { _ in pattern }
      }
      if filter.activeOnly { conditions.append("x.active") }
      if Entity.kind == .contract || Entity.kind == .login {
        if let clientID = filter.clientID {
          conditions.append("x.client_id = ?")
          arguments.append(clientID)
        }
      }
      if Entity.kind == .login, let contractID = filter.contractID {
        conditions.append("x.contract_id = ?")
        arguments.append(contractID)
      }
      if Entity.kind == .employee, let departmentID = filter.departmentID {
        conditions.append("x.id IN (SELECT employee_id FROM employee_department WHERE department_id = ?)")
        arguments.append(departmentID)
      }
      if let token {
        conditions.append("(x.\(nameColumn) > ? OR (x.\(nameColumn) = ? AND x.id > ?))")
        arguments += [token.after[0], token.after[0], Int64(token.after[1]) ?? 0]
      }
      let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
      arguments.append(page.size + 1)
      let select =
        Entity.kind == .employee
        ? Rows.employeeSelect.replacingOccurrences(of: "employee e", with: "employee x")
          .replacingOccurrences(of: "e.", with: "x.") + " \(whereClause) GROUP BY x.id"
        : "SELECT x.* FROM \(table) x \(whereClause)"
      let rows = try Row.fetchAll(
        db, sql: "\(select) ORDER BY x.\(nameColumn), x.id LIMIT ?", arguments: StatementArguments(arguments))
      let items: [Entity] = rows.compactMap { row in
        let value: Any =
          switch Entity.kind {
          case .client: Rows.client(row)
          case .contract: Rows.contract(row)
          case .login: Rows.login(row)
          case .structure: Rows.structure(row)
          case .department: Rows.department(row)
          case .employee: Rows.employee(row)
          case .channel: Rows.channel(row)
          case .complementaryStatus: Rows.complementaryStatus(row)
          case .branch: Rows.branch(row)
          }
        return value as? Entity
      }
      return Self.page(items, size: page.size, filter: fingerprint) { item in
        [item.sortName, String(item.id)]
      }
    }
  }

}
