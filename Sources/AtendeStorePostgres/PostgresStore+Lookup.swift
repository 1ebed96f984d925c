internal import AtendeDomain
internal import AtendeStore
internal import PostgresNIO

extension PostgresStore {
  /// Runs `rule` on reference data read in this transaction: `keys` are loaded first (one
  /// query per kind); whatever else the rule reads is loaded when it asks
  /// (``ReferenceSnapshot/NotLoaded``) and the rule runs again. Rules are pure, so a rerun
  /// decides the same with more data.
  func applying<Result>(
    _ connection: PostgresConnection, keys: Set<ReferenceSnapshot.Key>,
    _ rule: (ReferenceSnapshot) throws -> Result
  ) async throws -> Result {
    var snapshot = ReferenceSnapshot()
    try await load(connection, keys, into: &snapshot)
    // Each round loads at least one new key; a rule reads a bounded set of records.
    for _ in 0..<64 {
      do {
        return try rule(snapshot)
      } catch let missing as ReferenceSnapshot.NotLoaded {
        try await load(connection, [missing.key], into: &snapshot)
      }
    }
    throw PostgresStoreError.ruleReadsTooMuch
  }

  /// Loads `keys` (those not loaded yet) into `snapshot`.
  func load(
    _ connection: PostgresConnection, _ keys: Set<ReferenceSnapshot.Key>, into snapshot: inout ReferenceSnapshot
  ) async throws {
    var records: [ReferenceKind: Set<Int64>] = [:]
    var subjects: [Int64] = []
    var contractOwners: [Int64] = []
    var loginOwners: [Int64] = []
    for key in keys where !snapshot.contains(key) {
      switch key {
      case .record(let kind, let id): records[kind, default: []].insert(id)
      case .subject(let id): subjects.append(id)
      case .activeContracts(let client): contractOwners.append(client)
      case .activeLogins(let client): loginOwners.append(client)
      case .parameters:
        guard
          let row = try await connection.query("SELECT * FROM general_parameters WHERE id = 1", logger: logger)
            .collect().first
        else {
          snapshot.setParameters(GeneralParameters())
          continue
        }
        snapshot.setParameters(try Rows.parameters(row.makeRandomAccess()))
      }
    }
    try await loadRecords(connection, records, into: &snapshot)
    if !subjects.isEmpty {
      for row in try await connection.query("SELECT * FROM subject WHERE id = ANY(\(subjects))", logger: logger)
        .collect()
      {
        snapshot.insert(try Rows.subject(row.makeRandomAccess()))
      }
      for id in subjects { snapshot.markLoaded(.subject(id)) }
    }
    if !contractOwners.isEmpty {
      var byClient: [Int64: [Contract]] = [:]
      for row in try await connection.query(
        "SELECT * FROM contract x WHERE client_id = ANY(\(contractOwners)) AND active ORDER BY id", logger: logger
      ).collect() {
        let contract = try Rows.contract(row.makeRandomAccess())
        byClient[contract.clientID, default: []].append(contract)
      }
      for client in contractOwners { snapshot.setActiveContracts(byClient[client] ?? [], ofClient: client) }
    }
    if !loginOwners.isEmpty {
      var byClient: [Int64: [Login]] = [:]
      for row in try await connection.query(
        "SELECT * FROM login x WHERE client_id = ANY(\(loginOwners)) AND active ORDER BY id", logger: logger
      ).collect() {
        let login = try Rows.login(row.makeRandomAccess())
        byClient[login.clientID, default: []].append(login)
      }
      for client in loginOwners { snapshot.setActiveLogins(byClient[client] ?? [], ofClient: client) }
    }
  }

  /// Loads reference records by kind and id (one query per kind) into `snapshot`.
  func loadRecords(
    _ connection: PostgresConnection, _ keys: [ReferenceKind: Set<Int64>], into snapshot: inout ReferenceSnapshot
  ) async throws {
    for (kind, ids) in keys where !ids.isEmpty {
      let sorted = ids.sorted()
      snapshot.markLoaded(kind, ids: sorted)
      let select = kind == .employee ? Rows.employeeSelect : "SELECT * FROM \(kind.table.name) x"
      var sql = SQL()
      sql.append("\(select) WHERE x.id = ANY(\(try sql.bind(sorted)))")
      for row in try await connection.query(sql.query, logger: logger).collect() {
        let row = row.makeRandomAccess()
        switch kind {
        case .client: snapshot.insert(try Rows.client(row))
        case .contract: snapshot.insert(try Rows.contract(row))
        case .login: snapshot.insert(try Rows.login(row))
        case .structure: snapshot.insert(try Rows.structure(row))
        case .department: snapshot.insert(try Rows.department(row))
        case .employee: snapshot.insert(try Rows.employee(row))
        case .channel: snapshot.insert(try Rows.channel(row))
        case .complementaryStatus: snapshot.insert(try Rows.complementaryStatus(row))
        }
      }
    }
  }
}
