public import AtendeDomain
internal import Foundation
internal import GRDB

extension SQLiteStore {
  /// The most records one upsert call may carry.
  public static let maxUpsertBatch = 1000
  /// The most departments one employee may be in.
  public static let maxDepartmentsPerEmployee = 64

  public func upsert(_ batch: ReferenceBatch, actor: String) async throws -> UpsertCounts {
    let audit = Audit(actor: actor, at: now())
    return try await writer.write { db in
      switch batch {
      case .clients(let records):
        try Self.upsert(db, records, field: "clients", audit: audit, validate: Self.validateNamed(\.name)) { client in
          try db.execute(
            sql: """
              INSERT INTO client (id, name, document, active, address, latitude, longitude) VALUES (?, ?, ?, ?, ?, ?, ?)
              ON CONFLICT(id) DO UPDATE SET name = excluded.name, document = excluded.document,
                active = excluded.active, address = excluded.address, latitude = excluded.latitude,
                longitude = excluded.longitude
              """,
            arguments: [client.id, client.name, client.document, client.active] + Self.addressArguments(client.address))
        }
      case .contracts(let records):
        try Self.upsert(
          db, records, field: "contracts", audit: audit, validate: Self.validateOwned(\.clientID, table: "client")
        ) {
          contract in
          try db.execute(
            sql: """
              INSERT INTO contract (id, client_id, description, active, address, latitude, longitude)
              VALUES (?, ?, ?, ?, ?, ?, ?)
              ON CONFLICT(id) DO UPDATE SET client_id = excluded.client_id, description = excluded.description,
                active = excluded.active, address = excluded.address, latitude = excluded.latitude,
                longitude = excluded.longitude
              """,
            arguments: [contract.id, contract.clientID, contract.description, contract.active]
              + Self.addressArguments(contract.address))
        }
      case .logins(let records):
        try Self.upsert(db, records, field: "logins", audit: audit, validate: Self.validateLogin) { login in
          try db.execute(
            sql: """
              INSERT INTO login (id, client_id, contract_id, username, active, address, latitude, longitude)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?)
              ON CONFLICT(id) DO UPDATE SET client_id = excluded.client_id, contract_id = excluded.contract_id,
                username = excluded.username, active = excluded.active, address = excluded.address,
                latitude = excluded.latitude, longitude = excluded.longitude
              """,
            arguments: [login.id, login.clientID, login.contractID, login.username, login.active]
              + Self.addressArguments(login.address))
        }
      case .structures(let records):
        try Self.upsert(db, records, field: "structures", audit: audit, validate: Self.validateNamed(\.name)) {
          structure in
          try db.execute(
            sql: """
              INSERT INTO structure (id, name, active, address, latitude, longitude) VALUES (?, ?, ?, ?, ?, ?)
              ON CONFLICT(id) DO UPDATE SET name = excluded.name, active = excluded.active,
                address = excluded.address, latitude = excluded.latitude, longitude = excluded.longitude
              """,
            arguments: [structure.id, structure.name, structure.active] + Self.addressArguments(structure.address))
        }
      case .departments(let records):
        try Self.upsert(db, records, field: "departments", audit: audit, validate: Self.validateNamed(\.name)) {
          department in
          try db.execute(
            sql: """
              INSERT INTO department (id, name, active) VALUES (?, ?, ?)
              ON CONFLICT(id) DO UPDATE SET name = excluded.name, active = excluded.active
              """, arguments: [department.id, department.name, department.active])
        }
      case .employees(let records):
        try Self.upsert(db, records, field: "employees", audit: audit, validate: Self.validateEmployee) { employee in
          try db.execute(
            sql: """
              INSERT INTO employee (id, name, active) VALUES (?, ?, ?)
              ON CONFLICT(id) DO UPDATE SET name = excluded.name, active = excluded.active
              """, arguments: [employee.id, employee.name, employee.active])
          try db.cachedStatement(sql: "DELETE FROM employee_department WHERE employee_id = ?")
            .execute(arguments: [employee.id])
          let insert = try db.cachedStatement(
            sql: "INSERT INTO employee_department (employee_id, department_id) VALUES (?, ?)")
          for departmentID in Set(employee.departmentIDs) {
            try insert.execute(arguments: [employee.id, departmentID])
          }
        }
      case .channels(let records):
        try Self.upsert(db, records, field: "channels", audit: audit, validate: Self.validateNamed(\.name)) { channel in
          try db.execute(
            sql: """
              INSERT INTO channel (id, name, active) VALUES (?, ?, ?)
              ON CONFLICT(id) DO UPDATE SET name = excluded.name, active = excluded.active
              """, arguments: [channel.id, channel.name, channel.active])
        }
      case .complementaryStatuses(let records):
        try Self.upsert(
          db, records, field: "complementary_statuses", audit: audit,
          validate: Self.validateNamed(\.description, field: "description")
        ) {
          status in
          try db.execute(
            sql: """
              INSERT INTO complementary_status (id, description, active) VALUES (?, ?, ?)
              ON CONFLICT(id) DO UPDATE SET description = excluded.description, active = excluded.active
              """, arguments: [status.id, status.description, status.active])
        }
      }
    }
  }

  /// Who upserts, and when: what the reference history records.
  struct Audit {
    let actor: String
    let at: Date
  }

  public func referenceHistory(kind: String, page: PageRequest) async throws -> Page<HistoryEntry> {
    try await history(table: "reference_history", owner: nil, kind: kind, page: page)
  }

  /// Validates every record (all problems reported together), then writes the ones
  /// that differ from what is stored, each with a reference history entry.
  private static func upsert<Entity: ReferenceEntity>(
    _ db: Database, _ records: [Entity], field: String, audit: Audit,
    validate: (Database, Entity, String, inout Violations) throws -> Void,
    write: (Entity) throws -> Void
  ) throws -> UpsertCounts {
    var violations = Violations()
    if records.count > maxUpsertBatch {
      violations.invalid(field, "TOO_MANY", "at most \(maxUpsertBatch) records per call")
      try violations.throwIfAny("cannot upsert \(field)")
    }
    // The last record wins when an id appears twice in one batch.
    let batch = Dictionary(records.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
    for (index, record) in records.enumerated() {
      let path = "\(field)[\(index)]"
      if record.id <= 0 { violations.invalid("\(path).id", "INVALID", "id must be positive") }
      try validate(db, record, path, &violations)
    }
    try violations.throwIfAny("cannot upsert \(field)")
    var counts = UpsertCounts()
    for record in batch.values.sorted(by: { $0.id < $1.id }) {
      let existing = try fetchReference(db, Entity.self, id: record.id)
      if existing == normalized(record) {
        counts.unchanged += 1
        continue
      }
      try write(record)
      if existing == nil { counts.created += 1 } else { counts.updated += 1 }
      try db.execute(
        sql: "INSERT INTO reference_history (at, actor, kind, field, new_value) VALUES (?, ?, ?, ?, ?)",
        arguments: [audit.at.micros, audit.actor, existing == nil ? "CREATED" : "UPDATED", field, String(record.id)])
    }
    counts.unchanged += records.count - batch.count  // duplicates in the batch
    return counts
  }

  /// The record as it reads back once stored: an employee's departments sorted, without
  /// duplicates (so that an unchanged employee sent in another order counts as unchanged).
  private static func normalized<Entity: ReferenceEntity>(_ record: Entity) -> Entity {
    guard var employee = record as? Employee else { return record }
    employee.departmentIDs = Set(employee.departmentIDs).sorted()
    return employee as? Entity ?? record
  }

  private static func validateNamed<Entity: ReferenceEntity>(
    _ name: KeyPath<Entity, String>, field: String = "name"
  ) -> (Database, Entity, String, inout Violations) throws -> Void {
    { _, record, path, violations in
      if record[keyPath: name].trimmingCharacters(in: .whitespaces).isEmpty {
        violations.invalid("\(path).\(field)", "REQUIRED", "\(field) is required")
      }
    }
  }

  private static func validateOwned<Entity: ReferenceEntity>(
    _ owner: KeyPath<Entity, Int64>, table: String
  ) -> (Database, Entity, String, inout Violations) throws -> Void {
    { db, record, path, violations in
      let id = record[keyPath: owner]
      if try !exists(db, table: table, id: id) {
        violations.invalid("\(path).\(table)_id", "NOT_FOUND", "\(table) \(id) does not exist")
      }
    }
  }

  private static func validateLogin(
    _ db: Database, _ login: Login, _ path: String, _ violations: inout Violations
  ) throws {
    if login.username.isEmpty { violations.invalid("\(path).username", "REQUIRED", "username is required") }
    if try !exists(db, table: "client", id: login.clientID) {
      violations.invalid("\(path).client_id", "NOT_FOUND", "client \(login.clientID) does not exist")
    }
    if let contractID = login.contractID {
      if let contract = try fetchReference(db, Contract.self, id: contractID) {
        if contract.clientID != login.clientID {
          violations.invalid(
            "\(path).contract_id", "NOT_OF_CLIENT", "contract \(contractID) does not belong to client \(login.clientID)"
          )
        }
      } else {
        violations.invalid("\(path).contract_id", "NOT_FOUND", "contract \(contractID) does not exist")
      }
    }
  }

  private static func validateEmployee(
    _ db: Database, _ employee: Employee, _ path: String, _ violations: inout Violations
  ) throws {
    if employee.name.trimmingCharacters(in: .whitespaces).isEmpty {
      violations.invalid("\(path).name", "REQUIRED", "name is required")
    }
    guard employee.departmentIDs.count <= maxDepartmentsPerEmployee else {
      violations.invalid(
        "\(path).department_ids", "TOO_MANY",
        "at most \(maxDepartmentsPerEmployee) departments per employee, not \(employee.departmentIDs.count)")
      return
    }
    for (index, departmentID) in employee.departmentIDs.enumerated()
    where try !exists(db, table: "department", id: departmentID) {
      violations.invalid("\(path).department_ids[\(index)]", "NOT_FOUND", "department \(departmentID) does not exist")
    }
  }

  private static func exists(_ db: Database, table: String, id: Int64) throws -> Bool {
    try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM \(table) WHERE id = ?)"), arguments: [id])
      ?? false
  }

  private static func addressArguments(_ address: Address) -> StatementArguments {
    [address.text, address.coordinates?.latitude, address.coordinates?.longitude]
  }

  // MARK: Reading

  public func reference<Entity: ReferenceEntity>(_ type: Entity.Type, id: Int64) async throws -> Entity? {
    try await writer.read { db in try Self.fetchReference(db, type, id: id) }
  }

  static func fetchReference<Entity: ReferenceEntity>(_ db: Database, _ type: Entity.Type, id: Int64) throws -> Entity?
  {
    let lookup = DatabaseLookup(db: db)
    let value: Any? =
      switch Entity.kind {
      case .client: try lookup.client(id)
      case .contract: try lookup.contract(id)
      case .login: try lookup.login(id)
      case .structure: try lookup.structure(id)
      case .department: try lookup.department(id)
      case .employee: try lookup.employee(id)
      case .channel: try lookup.channel(id)
      case .complementaryStatus: try lookup.complementaryStatus(id)
      }
    return value as? Entity
  }

  public func listReferences<Entity: ReferenceEntity>(
    _ type: Entity.Type, filter: ReferenceFilter, page: PageRequest
  ) async throws -> Page<Entity> {
    let fingerprint = PageToken.fingerprint(
      "\(Entity.kind)|\(filter.query)|\(filter.activeOnly)|\(filter.clientID ?? 0)|\(filter.contractID ?? 0)|"
        + "\(filter.ticketID ?? 0)|\(filter.departmentID ?? 0)")
    let token = try PageToken.decode(page.token, filter: fingerprint, keys: 2)
    return try await writer.read { db in
      let (table, nameColumn, searchColumns): (String, String, [String]) =
        switch Entity.kind {
        case .client: ("client", "name", ["name", "document"])
        case .contract: ("contract", "description", ["description"])
        case .login: ("login", "username", ["username"])
        case .structure: ("structure", "name", ["name"])
        case .department: ("department", "name", ["name"])
        case .employee: ("employee", "name", ["name"])
        case .channel: ("channel", "name", ["name"])
        case .complementaryStatus: ("complementary_status", "description", ["description"])
        }
      var conditions: [String] = []
      var arguments: [(any DatabaseValueConvertible)?] = []
      if !filter.query.isEmpty {
        let pattern = "%\(Self.escapeLike(filter.query))%"
        conditions.append("(" + searchColumns.map { "x.\($0) LIKE ? ESCAPE '\\'" }.joined(separator: " OR ") + ")")
        arguments += searchColumns.map { _ in pattern }
      }
      if filter.activeOnly { conditions.append("x.active") }
      if Entity.kind == .contract || Entity.kind == .login {
        if let clientID = filter.clientID {
          conditions.append("x.client_id = ?")
          arguments.append(clientID)
        }
        if let ticketID = filter.ticketID {
          // Rule 7: only the records of the ticket's client.
          let ticket = try self.fetchTicket(db, id: ticketID)
          conditions.append("x.client_id = ?")
          arguments.append(ticket.clientID ?? -1)
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
          }
        return value as? Entity
      }
      return Self.page(items, size: page.size, filter: fingerprint) { item in
        [Self.sortName(item), String(item.id)]
      }
    }
  }

  private static func sortName(_ item: some ReferenceEntity) -> String {
    switch item {
    case let value as Client: value.name
    case let value as Contract: value.description
    case let value as Login: value.username
    case let value as Structure: value.name
    case let value as Department: value.name
    case let value as Employee: value.name
    case let value as Channel: value.name
    case let value as ComplementaryStatus: value.description
    default: ""
    }
  }
}
