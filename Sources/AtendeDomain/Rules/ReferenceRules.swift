public import Foundation

/// A batch of reference records of one kind, as an upsert receives it.
public enum ReferenceBatch: Sendable, Hashable {
  case clients([Client])
  case contracts([Contract])
  case logins([Login])
  case structures([Structure])
  case departments([Department])
  case employees([Employee])
  case channels([Channel])
  case complementaryStatuses([ComplementaryStatus])
  case branches([Branch])

  /// The kind of record in the batch.
  public var kind: ReferenceKind {
    switch self {
    case .clients: .client
    case .contracts: .contract
    case .logins: .login
    case .structures: .structure
    case .departments: .department
    case .employees: .employee
    case .channels: .channel
    case .complementaryStatuses: .complementaryStatus
    case .branches: .branch
    }
  }

  /// The number of records.
  public var count: Int {
    switch self {
    case .clients(let records): records.count
    case .contracts(let records): records.count
    case .logins(let records): records.count
    case .structures(let records): records.count
    case .departments(let records): records.count
    case .employees(let records): records.count
    case .channels(let records): records.count
    case .complementaryStatuses(let records): records.count
    case .branches(let records): records.count
    }
  }
}

/// How an upsert went.
public struct UpsertCounts: Hashable, Sendable {
  public var created = 0
  public var updated = 0
  public var unchanged = 0

  public init(created: Int = 0, updated: Int = 0, unchanged: Int = 0) {
    self.created = created
    self.updated = updated
    self.unchanged = unchanged
  }
}

/// What a store writes for an upsert: the records that are new or differ from the stored
/// ones (in id order), each with its reference history entry, and the counts to answer.
public struct ReferenceUpsertPlan: Sendable, Hashable {
  /// The records to write, as they read back once stored (an employee's departments
  /// sorted, without duplicates).
  public var writes: ReferenceBatch
  /// One entry per record in ``writes``, in the same order.
  public var history: [HistoryEntry]
  public var counts: UpsertCounts
}

/// The rules of reference-data upserts, the same for every store: each record is
/// validated against the data stored (every problem reported together, with its path in
/// the request), then compared with the stored record so that unchanged ones are neither
/// written nor audited. The last record wins when an id appears twice in one batch.
public enum ReferenceRules {
  /// The most records one upsert call may carry.
  public static let maxBatch = 1000
  /// The most departments one employee may be in.
  public static let maxDepartmentsPerEmployee = 64

  /// The records a store must read to plan `batch` (with ``plan(_:actor:now:lookup:)``):
  /// the stored versions of the batch's records and the records they point to.
  public static func dependencies(of batch: ReferenceBatch) -> [ReferenceKind: Set<Int64>] {
    var keys: [ReferenceKind: Set<Int64>] = [:]
    guard batch.count <= maxBatch else { return keys }
    func own<Entity: ReferenceEntity>(_ records: [Entity]) {
      keys[Entity.kind, default: []].formUnion(records.map(\.id))
    }
    switch batch {
    case .clients(let records): own(records)
    case .contracts(let records):
      own(records)
      keys[.client, default: []].formUnion(records.map(\.clientID))
    case .logins(let records):
      own(records)
      keys[.client, default: []].formUnion(records.map(\.clientID))
      keys[.contract, default: []].formUnion(records.compactMap(\.contractID))
    case .structures(let records): own(records)
    case .departments(let records): own(records)
    case .employees(let records):
      own(records)
      for employee in records where employee.departmentIDs.count <= maxDepartmentsPerEmployee {
        keys[.department, default: []].formUnion(employee.departmentIDs)
      }
    case .channels(let records): own(records)
    case .complementaryStatuses(let records): own(records)
    case .branches(let records): own(records)
    }
    return keys
  }

  /// Validates `batch` against the stored data in `lookup` and decides what to write.
  /// Throws ``DomainError`` (INVALID_ARGUMENT with every violation) when a record is
  /// invalid; then nothing may be written.
  public static func plan(
    _ batch: ReferenceBatch, actor: String, now: Date, lookup: some ReferenceLookup
  ) throws -> ReferenceUpsertPlan {
    switch batch {
    case .clients(let records):
      return try plan(records, field: "clients", actor: actor, now: now, lookup: lookup, wrap: ReferenceBatch.clients) {
        record, path, violations in
        requireText(record.name, "\(path).name", "name", &violations)
      }
    case .contracts(let records):
      let winners = lastByID(records)
      return try plan(
        records, field: "contracts", actor: actor, now: now, lookup: lookup, wrap: ReferenceBatch.contracts
      ) {
        record, path, violations in
        if try lookup.client(record.clientID) == nil {
          violations.invalid("\(path).client_id", "NOT_FOUND", "client \(record.clientID) does not exist")
        }
        // Only the record written (the last with its id) moves anything.
        if winners[record.id] == record {
          try checkMove(record, path: path, lookup: lookup, violations: &violations)
        }
      }
    case .logins(let records):
      let winners = lastByID(records)
      return try plan(records, field: "logins", actor: actor, now: now, lookup: lookup, wrap: ReferenceBatch.logins) {
        login, path, violations in
        if login.username.isEmpty { violations.invalid("\(path).username", "REQUIRED", "username is required") }
        if try lookup.client(login.clientID) == nil {
          violations.invalid("\(path).client_id", "NOT_FOUND", "client \(login.clientID) does not exist")
        }
        if let contractID = login.contractID {
          if let contract = try lookup.contract(contractID) {
            if contract.clientID != login.clientID {
              violations.invalid(
                "\(path).contract_id", "NOT_OF_CLIENT",
                "contract \(contractID) does not belong to client \(login.clientID)")
            }
          } else {
            violations.invalid("\(path).contract_id", "NOT_FOUND", "contract \(contractID) does not exist")
          }
        }
        if winners[login.id] == login {
          try checkMove(login, path: path, lookup: lookup, violations: &violations)
        }
      }
    case .structures(let records):
      return try plan(
        records, field: "structures", actor: actor, now: now, lookup: lookup, wrap: ReferenceBatch.structures
      ) { record, path, violations in
        requireText(record.name, "\(path).name", "name", &violations)
      }
    case .departments(let records):
      return try plan(
        records, field: "departments", actor: actor, now: now, lookup: lookup, wrap: ReferenceBatch.departments
      ) { record, path, violations in
        requireText(record.name, "\(path).name", "name", &violations)
      }
    case .employees(let records):
      return try plan(
        records, field: "employees", actor: actor, now: now, lookup: lookup, wrap: ReferenceBatch.employees,
        normalize: normalized
      ) { employee, path, violations in
        requireText(employee.name, "\(path).name", "name", &violations)
        guard employee.departmentIDs.count <= maxDepartmentsPerEmployee else {
          violations.invalid(
            "\(path).department_ids", "TOO_MANY",
            "at most \(maxDepartmentsPerEmployee) departments per employee, not \(employee.departmentIDs.count)")
          return
        }
        for (index, departmentID) in employee.departmentIDs.enumerated()
        where try lookup.department(departmentID) == nil {
          violations.invalid(
            "\(path).department_ids[\(index)]", "NOT_FOUND", "department \(departmentID) does not exist")
        }
      }
    case .channels(let records):
      return try plan(records, field: "channels", actor: actor, now: now, lookup: lookup, wrap: ReferenceBatch.channels)
      {
        record, path, violations in
        requireText(record.name, "\(path).name", "name", &violations)
      }
    case .complementaryStatuses(let records):
      return try plan(
        records, field: "complementary_statuses", actor: actor, now: now, lookup: lookup,
        wrap: ReferenceBatch.complementaryStatuses
      ) { record, path, violations in
        requireText(record.description, "\(path).description", "description", &violations)
      }
    case .branches(let records):
      return try plan(records, field: "branches", actor: actor, now: now, lookup: lookup, wrap: ReferenceBatch.branches)
      {
        record, path, violations in
        requireText(record.name, "\(path).name", "name", &violations)
      }
    }
  }

  private static func plan<Entity: ReferenceEntity>(
    _ records: [Entity], field: String, actor: String, now: Date, lookup: some ReferenceLookup,
    wrap: ([Entity]) -> ReferenceBatch, normalize: (Entity) -> Entity = { $0 },
    validate: (Entity, String, inout Violations) throws -> Void
  ) throws -> ReferenceUpsertPlan {
    var violations = Violations()
    if records.count > maxBatch {
      violations.invalid(field, "TOO_MANY", "at most \(maxBatch) records per call")
      try violations.throwIfAny("cannot upsert \(field)")
    }
    for (index, record) in records.enumerated() {
      let path = "\(field)[\(index)]"
      if record.id <= 0 { violations.invalid("\(path).id", "INVALID", "id must be positive") }
      try validate(record, path, &violations)
    }
    try violations.throwIfAny("cannot upsert \(field)")
    let batch = Dictionary(records.map { ($0.id, normalize($0)) }, uniquingKeysWith: { _, last in last })
    var counts = UpsertCounts()
    var writes: [Entity] = []
    var history: [HistoryEntry] = []
    for record in batch.values.sorted(by: { $0.id < $1.id }) {
      let existing = try lookup.reference(Entity.self, id: record.id)
      if existing == record {
        counts.unchanged += 1
        continue
      }
      writes.append(record)
      if existing == nil { counts.created += 1 } else { counts.updated += 1 }
      history.append(
        HistoryEntry(
          at: now, actor: actor, kind: existing == nil ? HistoryKind.created : HistoryKind.updated, field: field,
          newValue: String(record.id)))
    }
    counts.unchanged += records.count - batch.count  // duplicates in the batch
    return ReferenceUpsertPlan(writes: wrap(writes), history: history, counts: counts)
  }

  /// What a store must load, after the records of ``dependencies(of:)``, for the
  /// contracts and logins of `batch` that move to another client: the open tickets of
  /// their current client that use them.
  public static func moves(in batch: ReferenceBatch, lookup: some ReferenceLookup) throws -> Set<ReferenceSnapshot.Key>
  {
    guard batch.count <= maxBatch else { return [] }
    var keys: Set<ReferenceSnapshot.Key> = []
    func check<Entity: ReferenceEntity & ClientOwned>(_ records: [Entity]) throws {
      for record in records {
        if let stored = try lookup.reference(Entity.self, id: record.id), stored.clientID != record.clientID {
          keys.insert(.openTickets(Entity.kind, id: record.id, client: stored.clientID))
        }
      }
    }
    switch batch {
    case .contracts(let records): try check(records)
    case .logins(let records): try check(records)
    default: break
    }
    return keys
  }

  /// Each id's last record in `records` (the one an upsert writes).
  private static func lastByID<Entity: ReferenceEntity>(_ records: [Entity]) -> [Int64: Entity] {
    Dictionary(records.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
  }

  /// The most tickets a refused move names.
  static let ticketsNamed = 5

  /// Rule 7 holds after the upsert: a contract or login that moves to another client must
  /// not be in use by an open ticket of its old client (FAILED_PRECONDITION `IN_USE` on
  /// the record's `client_id`, naming the tickets). Solved and canceled tickets keep the
  /// record they had, as history.
  private static func checkMove<Entity: ReferenceEntity & ClientOwned>(
    _ record: Entity, path: String, lookup: some ReferenceLookup, violations: inout Violations
  ) throws {
    guard let stored = try lookup.reference(Entity.self, id: record.id), stored.clientID != record.clientID else {
      return
    }
    let users = try lookup.openTickets(
      using: Entity.kind, id: record.id, ofClient: stored.clientID, limit: ticketsNamed + 1)
    guard !users.isEmpty else { return }
    let named = users.prefix(ticketsNamed).map(\.protocolNumber).joined(separator: ", ")
    let more = users.count > ticketsNamed ? " and more" : ""
    let label = Entity.kind == .contract ? "contract" : "login"
    violations.precondition(
      "\(path).client_id", "IN_USE",
      "\(label) \(record.id) is used by open tickets of client \(stored.clientID) (\(named)\(more)): "
        + "solve them or change their \(label) before moving it to client \(record.clientID)")
  }

  private static func requireText(
    _ value: String, _ path: String, _ field: String, _ violations: inout Violations
  ) {
    if value.trimmingCharacters(in: .whitespaces).isEmpty {
      violations.invalid(path, "REQUIRED", "\(field) is required")
    }
  }

  /// The employee as it reads back once stored: departments sorted, without duplicates
  /// (so that an unchanged employee sent in another order counts as unchanged).
  private static func normalized(_ employee: Employee) -> Employee {
    var employee = employee
    employee.departmentIDs = Set(employee.departmentIDs).sorted()
    return employee
  }
}

extension ReferenceLookup {
  /// The record of type `Entity` with `id`, or nil.
  public func reference<Entity: ReferenceEntity>(_ type: Entity.Type, id: Int64) throws -> Entity? {
    let value: Any? =
      switch Entity.kind {
      case .client: try client(id)
      case .contract: try contract(id)
      case .login: try login(id)
      case .structure: try structure(id)
      case .department: try department(id)
      case .employee: try employee(id)
      case .channel: try channel(id)
      case .complementaryStatus: try complementaryStatus(id)
      case .branch: try branch(id)
      }
    return value as? Entity
  }
}
