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
    var ticketUses: [(ReferenceKind, Int64, Int64)] = []
    for key in keys where !snapshot.contains(key) {
      switch key {
      case .openTickets(let kind, let id, let client): ticketUses.append((kind, id, client))
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
    for (kind, id, client) in ticketUses {
      let open = [TicketStatus.new, .pending, .inProgress].map { Int64($0.rawValue) }
      let limit = Int64(ReferenceSnapshot.openTicketsLoaded)
      let query: PostgresQuery
      switch kind {
      case .contract:
        query = """
          SELECT id, protocol, client_id FROM ticket
          WHERE client_id = \(client) AND contract_id = \(id) AND status = ANY(\(open)) ORDER BY id LIMIT \(limit)
          """
      case .login:
        query = """
          SELECT id, protocol, client_id FROM ticket
          WHERE client_id = \(client) AND login_id = \(id) AND status = ANY(\(open)) ORDER BY id LIMIT \(limit)
          """
      default:
        snapshot.setOpenTickets([], using: kind, id: id, client: client)
        continue
      }
      var uses: [TicketUse] = []
      for row in try await connection.query(query, logger: logger).collect() {
        let row = row.makeRandomAccess()
        uses.append(
          TicketUse(
            ticketID: try row.value("id"), protocolNumber: try row.value("protocol"),
            clientID: try row.value("client_id")))
      }
      snapshot.setOpenTickets(uses, using: kind, id: id, client: client)
    }
  }

  /// Advisory-lock keys (the two-integer form) for contracts and logins, by kind.
  static func ownershipLockSpace(_ kind: ReferenceKind) -> Int32 {
    kind == .login ? 0x4154_4C47 : 0x4154_4354  // "ATLG", "ATCT"
  }

  /// Takes the advisory lock of contract or login `id` until the transaction ends: shared
  /// by a ticket saved with it, exclusive by an upsert moving it to another client.
  func lockOwnership(_ connection: PostgresConnection, _ kind: ReferenceKind, id: Int64, exclusive: Bool)
    async throws
  {
    let (space, key) = (Self.ownershipLockSpace(kind), Int32(truncatingIfNeeded: id))
    let query: PostgresQuery =
      exclusive
      ? "SELECT pg_advisory_xact_lock(\(space), \(key))" : "SELECT pg_advisory_xact_lock_shared(\(space), \(key))"
    try await connection.query(query, logger: logger)
  }

  /// Rule 7 against a reference upsert running at the same time: takes a shared lock on
  /// the contract and login `ticket` points to (an upsert moving one of them to another
  /// client holds it exclusively from before it looks for open tickets until it
  /// commits), then reads their owners again. Either the upsert waits for this
  /// transaction and then finds the ticket, or it committed first and is seen here.
  func confirmOwnership(_ connection: PostgresConnection, of ticket: Ticket) async throws {
    guard let clientID = ticket.clientID, ticket.contractID != nil || ticket.loginID != nil else { return }
    var violations = Violations()
    for (kind, id) in [(ReferenceKind.contract, ticket.contractID), (.login, ticket.loginID)] {
      guard let id else { continue }
      try await lockOwnership(connection, kind, id: id, exclusive: false)
      let query: PostgresQuery =
        kind == .contract
        ? "SELECT client_id FROM contract WHERE id = \(id)" : "SELECT client_id FROM login WHERE id = \(id)"
      let owner = try await connection.query(query, logger: logger).collect().first?.makeRandomAccess()
        .value("client_id", as: Int64.self)
      if owner != clientID {
        let name = kind == .contract ? "contract" : "login"
        violations.invalid(
          "ticket.\(name)_id", "NOT_OF_CLIENT",
          "\(name) \(id) does not belong to client \(clientID) (it was just moved)")
      }
    }
    try violations.throwIfAny("ticket")
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
        case .branch: snapshot.insert(try Rows.branch(row))
        }
      }
    }
  }
}
