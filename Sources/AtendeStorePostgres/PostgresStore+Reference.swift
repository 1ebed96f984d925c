public import AtendeDomain
public import AtendeStore
internal import Foundation
internal import PostgresNIO

extension PostgresStore: ReferenceDataStore {
  /// Reference upserts of every server run one at a time (as SQLite's single writer
  /// does): a login's check of its contract's client cannot interleave with a contract
  /// moving to another client.
  static let referenceLock: Int64 = 0x4154_454E_4452  // "ATENDR"

  public func upsert(_ batch: ReferenceBatch, actor: String) async throws -> UpsertCounts {
    let now = self.now()
    return try await transaction { connection in
      try await connection.query("SELECT pg_advisory_xact_lock(\(Self.referenceLock))", logger: logger)
      var snapshot = try await loadSnapshot(connection, ReferenceRules.dependencies(of: batch))
      // Contracts and logins moving to another client: locked (see confirmOwnership)
      // before their open tickets are read.
      let moves = try ReferenceRules.moves(in: batch, lookup: snapshot)
      let locks = moves.compactMap { key -> (ReferenceKind, Int64)? in
        guard case .openTickets(let kind, let id, _) = key else { return nil }
        return (kind, id)
      }
      for (kind, id) in locks.sorted(by: { $0.1 < $1.1 }) {  // in one order: upserts never deadlock
        try await lockOwnership(connection, kind, id: id, exclusive: true)
      }
      try await load(connection, moves, into: &snapshot)
      let plan = try ReferenceRules.plan(batch, actor: actor, now: now, lookup: snapshot)
      try await write(connection, plan.writes)
      for entry in plan.history {
        try await insertHistory(connection, table: "reference_history", owner: nil, entry)
      }
      return plan.counts
    }
  }

  /// The stored records with the given ids, by kind, as a rule's lookup.
  func loadSnapshot(_ connection: PostgresConnection, _ keys: [ReferenceKind: Set<Int64>]) async throws
    -> ReferenceSnapshot
  {
    var snapshot = ReferenceSnapshot()
    try await loadRecords(connection, keys, into: &snapshot)
    return snapshot
  }

  /// Inserts or replaces every record of `batch` by id.
  private func write(_ connection: PostgresConnection, _ batch: ReferenceBatch) async throws {
    switch batch {
    case .clients(let records):
      for client in records {
        try await connection.query(
          """
          INSERT INTO client (id, name, document, active, address, latitude, longitude)
          VALUES (\(client.id), \(client.name), \(client.document), \(client.active), \(client.address.text),
            \(client.address.coordinates?.latitude), \(client.address.coordinates?.longitude))
          ON CONFLICT (id) DO UPDATE SET name = excluded.name, document = excluded.document,
            active = excluded.active, address = excluded.address, latitude = excluded.latitude,
            longitude = excluded.longitude
          """, logger: logger)
      }
    case .contracts(let records):
      for contract in records {
        try await connection.query(
          """
          INSERT INTO contract (id, client_id, description, active, address, latitude, longitude)
          VALUES (\(contract.id), \(contract.clientID), \(contract.description), \(contract.active),
            \(contract.address.text), \(contract.address.coordinates?.latitude),
            \(contract.address.coordinates?.longitude))
          ON CONFLICT (id) DO UPDATE SET client_id = excluded.client_id, description = excluded.description,
            active = excluded.active, address = excluded.address, latitude = excluded.latitude,
            longitude = excluded.longitude
          """, logger: logger)
      }
    case .logins(let records):
      for login in records {
        try await connection.query(
          """
          INSERT INTO login (id, client_id, contract_id, username, active, address, latitude, longitude)
          VALUES (\(login.id), \(login.clientID), \(login.contractID), \(login.username), \(login.active),
            \(login.address.text), \(login.address.coordinates?.latitude), \(login.address.coordinates?.longitude))
          ON CONFLICT (id) DO UPDATE SET client_id = excluded.client_id, contract_id = excluded.contract_id,
            username = excluded.username, active = excluded.active, address = excluded.address,
            latitude = excluded.latitude, longitude = excluded.longitude
          """, logger: logger)
      }
    case .structures(let records):
      for structure in records {
        try await connection.query(
          """
          INSERT INTO structure (id, name, active, address, latitude, longitude)
          VALUES (\(structure.id), \(structure.name), \(structure.active), \(structure.address.text),
            \(structure.address.coordinates?.latitude), \(structure.address.coordinates?.longitude))
          ON CONFLICT (id) DO UPDATE SET name = excluded.name, active = excluded.active,
            address = excluded.address, latitude = excluded.latitude, longitude = excluded.longitude
          """, logger: logger)
      }
    case .departments(let records):
      for department in records {
        try await connection.query(
          """
          INSERT INTO department (id, name, active) VALUES (\(department.id), \(department.name), \(department.active))
          ON CONFLICT (id) DO UPDATE SET name = excluded.name, active = excluded.active
          """, logger: logger)
      }
    case .employees(let records):
      for employee in records {
        try await connection.query(
          """
          INSERT INTO employee (id, name, active) VALUES (\(employee.id), \(employee.name), \(employee.active))
          ON CONFLICT (id) DO UPDATE SET name = excluded.name, active = excluded.active
          """, logger: logger)
        try await connection.query(
          "DELETE FROM employee_department WHERE employee_id = \(employee.id)", logger: logger)
        try await connection.query(
          """
          INSERT INTO employee_department (employee_id, department_id)
          SELECT \(employee.id), unnest(\(employee.departmentIDs)::BIGINT[])
          """, logger: logger)
      }
    case .channels(let records):
      for channel in records {
        try await connection.query(
          """
          INSERT INTO channel (id, name, active) VALUES (\(channel.id), \(channel.name), \(channel.active))
          ON CONFLICT (id) DO UPDATE SET name = excluded.name, active = excluded.active
          """, logger: logger)
      }
    case .complementaryStatuses(let records):
      for status in records {
        try await connection.query(
          """
          INSERT INTO complementary_status (id, description, active)
          VALUES (\(status.id), \(status.description), \(status.active))
          ON CONFLICT (id) DO UPDATE SET description = excluded.description, active = excluded.active
          """, logger: logger)
      }
    case .branches(let records):
      for branch in records {
        try await connection.query(
          """
          INSERT INTO branch (id, name, active) VALUES (\(branch.id), \(branch.name), \(branch.active))
          ON CONFLICT (id) DO UPDATE SET name = excluded.name, active = excluded.active
          """, logger: logger)
      }
    }
  }

  public func referenceHistory(kind: String, page: PageRequest) async throws -> Page<HistoryEntry> {
    try await history(table: "reference_history", owner: nil, kind: kind, page: page)
  }

  public func reference<Entity: ReferenceEntity>(_ type: Entity.Type, id: Int64) async throws -> Entity? {
    let select = Entity.kind == .employee ? Rows.employeeSelect : "SELECT * FROM \(Entity.kind.table.name) x"
    var sql = SQL()
    sql.append("\(select) WHERE x.id = \(try sql.bind(id))")
    let query = sql.query
    return try await read { connection in
      try await connection.query(query, logger: logger).collect().first.flatMap {
        try Rows.reference(type, $0.makeRandomAccess())
      }
    }
  }

  public func listReferences<Entity: ReferenceEntity>(
    _ type: Entity.Type, filter: ReferenceFilter, page: PageRequest
  ) async throws -> Page<Entity> {
    let fingerprint = PageToken.fingerprint(
      "\(Entity.kind)|\(filter.query)|\(filter.activeOnly)|\(filter.clientID ?? 0)|\(filter.contractID ?? 0)|"
        + "\(filter.departmentID ?? 0)")
    let token = try PageToken.decode(page.token, filter: fingerprint, keys: 2)
    let (table, sortColumn, searchColumns) = Entity.kind.table
    var sql = SQL()
    var conditions: [String] = []
    if !filter.query.isEmpty {
      let pattern = try sql.bind("%\(escapeLike(filter.query))%")
      conditions.append("(" + searchColumns.map { "x.\($0) ILIKE \(pattern)" }.joined(separator: " OR ") + ")")
    }
    if filter.activeOnly { conditions.append("x.active") }
    if Entity.kind == .contract || Entity.kind == .login, let clientID = filter.clientID {
      conditions.append("x.client_id = \(try sql.bind(clientID))")
    }
    if Entity.kind == .login, let contractID = filter.contractID {
      conditions.append("x.contract_id = \(try sql.bind(contractID))")
    }
    if Entity.kind == .employee, let departmentID = filter.departmentID {
      conditions.append(
        "x.id IN (SELECT employee_id FROM employee_department WHERE department_id = \(try sql.bind(departmentID)))")
    }
    // Byte order, as the SQLite store sorts, whatever the database's collation.
    let sortKey = "x.\(sortColumn) COLLATE \"C\""
    if let token {
      let name = try sql.bind(token.after[0])
      let id = try sql.bind(Int64(token.after[1]) ?? 0)
      conditions.append("(\(sortKey) > \(name) OR (\(sortKey) = \(name) AND x.id > \(id)))")
    }
    let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
    let select = Entity.kind == .employee ? Rows.employeeSelect : "SELECT x.* FROM \(table) x"
    sql.append("\(select) \(whereClause) ORDER BY \(sortKey), x.id LIMIT \(try sql.bind(Int64(page.size + 1)))")
    let query = sql.query
    let items = try await read { connection in
      try await connection.query(query, logger: logger).collect().compactMap {
        try Rows.reference(type, $0.makeRandomAccess())
      }
    }
    return Page.cut(items, size: page.size, filter: fingerprint) { item in
      [item.sortName, String(item.id)]
    }
  }

}
