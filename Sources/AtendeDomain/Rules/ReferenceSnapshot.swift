/// Reference data read ahead of applying a rule, for stores whose reads are asynchronous:
/// the store loads what a rule depends on (for example ``ReferenceRules/dependencies(of:)``
/// or ``ReferenceSnapshot/keys(of:)``), then runs the rule on this snapshot.
///
/// Nothing that was not loaded is guessed at: reading it throws
/// ``ReferenceSnapshot/NotLoaded`` with its key. Rules are pure functions of what they
/// read, so a store may load that key and run the rule again.
public struct ReferenceSnapshot: ReferenceLookup, Sendable {
  /// Something a rule reads.
  public enum Key: Hashable, Sendable {
    case record(ReferenceKind, Int64)
    case subject(Int64)
    /// A client's active contracts.
    case activeContracts(client: Int64)
    /// A client's active logins.
    case activeLogins(client: Int64)
    case parameters
    /// The open tickets of a client using a contract or login (at most
    /// ``ReferenceSnapshot/openTicketsLoaded`` of them).
    case openTickets(ReferenceKind, id: Int64, client: Int64)
  }

  /// How many open tickets a store loads for an ``Key/openTickets(_:id:client:)`` key:
  /// more than any rule asks for.
  public static let openTicketsLoaded = 50

  /// A read outside what the snapshot loaded.
  public struct NotLoaded: Error, CustomStringConvertible {
    public var key: Key
    public var description: String { "\(key) was not loaded for this rule" }
  }

  private var records: [ReferenceKind: [Int64: any ReferenceEntity]] = [:]
  private var subjects: [Int64: Subject] = [:]
  private var contracts: [Int64: [Contract]] = [:]
  private var logins: [Int64: [Login]] = [:]
  private var generalParameters: GeneralParameters?
  private var ticketUses: [Key: [TicketUse]] = [:]
  private var loaded: Set<Key> = []

  public init() {}

  /// Whether `key` was loaded (found or not).
  public func contains(_ key: Key) -> Bool { loaded.contains(key) }

  /// Marks `ids` of `kind` as loaded: those not inserted do not exist.
  public mutating func markLoaded(_ kind: ReferenceKind, ids: some Sequence<Int64>) {
    for id in ids { loaded.insert(.record(kind, id)) }
  }

  /// Marks `key` as loaded: absent when nothing was stored for it.
  public mutating func markLoaded(_ key: Key) {
    loaded.insert(key)
  }

  /// Adds a stored record (and marks it loaded).
  public mutating func insert<Entity: ReferenceEntity>(_ record: Entity) {
    records[Entity.kind, default: [:]][record.id] = record
    loaded.insert(.record(Entity.kind, record.id))
  }

  /// Adds a stored subject (and marks it loaded).
  public mutating func insert(_ subject: Subject) {
    subjects[subject.id] = subject
    loaded.insert(.subject(subject.id))
  }

  /// Sets a client's active contracts.
  public mutating func setActiveContracts(_ contracts: [Contract], ofClient clientID: Int64) {
    self.contracts[clientID] = contracts
    loaded.insert(.activeContracts(client: clientID))
  }

  /// Sets a client's active logins.
  public mutating func setActiveLogins(_ logins: [Login], ofClient clientID: Int64) {
    self.logins[clientID] = logins
    loaded.insert(.activeLogins(client: clientID))
  }

  /// Sets the open tickets of `client` using contract or login `id` (at most
  /// ``openTicketsLoaded``, by id).
  public mutating func setOpenTickets(_ uses: [TicketUse], using kind: ReferenceKind, id: Int64, client: Int64) {
    let key = Key.openTickets(kind, id: id, client: client)
    ticketUses[key] = uses
    loaded.insert(key)
  }

  /// Sets the general parameters.
  public mutating func setParameters(_ parameters: GeneralParameters) {
    generalParameters = parameters
    loaded.insert(.parameters)
  }

  private func require(_ key: Key) throws {
    guard loaded.contains(key) else { throw NotLoaded(key: key) }
  }

  private func record<Entity: ReferenceEntity>(_ type: Entity.Type, _ id: Int64) throws -> Entity? {
    try require(.record(Entity.kind, id))
    return records[Entity.kind]?[id] as? Entity
  }

  public func client(_ id: Int64) throws -> Client? { try record(Client.self, id) }
  public func contract(_ id: Int64) throws -> Contract? { try record(Contract.self, id) }
  public func login(_ id: Int64) throws -> Login? { try record(Login.self, id) }
  public func structure(_ id: Int64) throws -> Structure? { try record(Structure.self, id) }
  public func department(_ id: Int64) throws -> Department? { try record(Department.self, id) }
  public func employee(_ id: Int64) throws -> Employee? { try record(Employee.self, id) }
  public func channel(_ id: Int64) throws -> Channel? { try record(Channel.self, id) }
  public func complementaryStatus(_ id: Int64) throws -> ComplementaryStatus? {
    try record(ComplementaryStatus.self, id)
  }
  public func branch(_ id: Int64) throws -> Branch? { try record(Branch.self, id) }
  public func subject(_ id: Int64) throws -> Subject? {
    try require(.subject(id))
    return subjects[id]
  }
  public func activeContracts(ofClient clientID: Int64) throws -> [Contract] {
    try require(.activeContracts(client: clientID))
    return contracts[clientID] ?? []
  }
  public func activeLogins(ofClient clientID: Int64) throws -> [Login] {
    try require(.activeLogins(client: clientID))
    return logins[clientID] ?? []
  }
  public func parameters() throws -> GeneralParameters {
    try require(.parameters)
    return generalParameters ?? GeneralParameters()
  }
  public func openTickets(using kind: ReferenceKind, id: Int64, ofClient clientID: Int64, limit: Int) throws
    -> [TicketUse]
  {
    let key = Key.openTickets(kind, id: id, client: clientID)
    try require(key)
    return Array((ticketUses[key] ?? []).prefix(min(limit, Self.openTicketsLoaded)))
  }

  /// What the ticket rules most likely read about `ticket`: the records it points to,
  /// its client's active contracts and logins, and the parameters. A store loads these
  /// in one round before running a rule; whatever else the rule reads it loads on demand.
  public static func keys(of ticket: Ticket) -> Set<Key> {
    var keys: Set<Key> = [.parameters, .record(.department, ticket.departmentID)]
    if let id = ticket.clientID {
      keys.formUnion([.record(.client, id), .activeContracts(client: id), .activeLogins(client: id)])
    }
    if let id = ticket.contractID { keys.insert(.record(.contract, id)) }
    if let id = ticket.loginID { keys.insert(.record(.login, id)) }
    if let id = ticket.structureID { keys.insert(.record(.structure, id)) }
    if let id = ticket.subjectID { keys.insert(.subject(id)) }
    if let id = ticket.channelID { keys.insert(.record(.channel, id)) }
    if let id = ticket.complementaryStatusID { keys.insert(.record(.complementaryStatus, id)) }
    if let id = ticket.assigneeID { keys.insert(.record(.employee, id)) }
    if let id = ticket.branchID { keys.insert(.record(.branch, id)) }
    return keys
  }

  /// What the ticket rules most likely read about `fields` (see ``keys(of:)``).
  public static func keys(of fields: TicketFields) -> Set<Key> {
    var keys: Set<Key> = [.parameters]
    if let id = fields.departmentID { keys.insert(.record(.department, id)) }
    if let id = fields.clientID {
      keys.formUnion([.record(.client, id), .activeContracts(client: id), .activeLogins(client: id)])
    }
    if let id = fields.contractID { keys.insert(.record(.contract, id)) }
    if let id = fields.loginID { keys.insert(.record(.login, id)) }
    if let id = fields.structureID { keys.insert(.record(.structure, id)) }
    if let id = fields.subjectID { keys.insert(.subject(id)) }
    if let id = fields.channelID { keys.insert(.record(.channel, id)) }
    if let id = fields.complementaryStatusID { keys.insert(.record(.complementaryStatus, id)) }
    if let id = fields.branchID { keys.insert(.record(.branch, id)) }
    return keys
  }
}
