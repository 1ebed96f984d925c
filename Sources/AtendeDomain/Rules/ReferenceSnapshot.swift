/// Reference data read ahead of applying a rule, for stores whose reads are asynchronous:
/// the store loads the records a rule depends on (for example
/// ``ReferenceRules/dependencies(of:)``), then the rule runs on this snapshot.
///
/// A record of a kind and id that was not loaded is not guessed at: asking for it throws
/// ``ReferenceSnapshot/NotLoaded``, which means the rule's dependencies were incomplete.
public struct ReferenceSnapshot: ReferenceLookup, Sendable {
  /// A read outside what the snapshot loaded.
  public struct NotLoaded: Error, CustomStringConvertible {
    public var description: String
  }

  private var records: [ReferenceKind: [Int64: any ReferenceEntity]] = [:]
  private var loaded: [ReferenceKind: Set<Int64>] = [:]

  public init() {}

  /// Marks `ids` of `kind` as loaded: those not inserted do not exist.
  public mutating func markLoaded(_ kind: ReferenceKind, ids: some Sequence<Int64>) {
    loaded[kind, default: []].formUnion(ids)
  }

  /// Adds a stored record (and marks it loaded).
  public mutating func insert<Entity: ReferenceEntity>(_ record: Entity) {
    records[Entity.kind, default: [:]][record.id] = record
    loaded[Entity.kind, default: []].insert(record.id)
  }

  private func record<Entity: ReferenceEntity>(_ type: Entity.Type, _ id: Int64) throws -> Entity? {
    guard loaded[Entity.kind]?.contains(id) == true else {
      throw NotLoaded(description: "\(Entity.kind) \(id) was not loaded for this rule")
    }
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
  public func subject(_ id: Int64) throws -> Subject? {
    throw NotLoaded(description: "subjects are not part of a reference snapshot")
  }
  public func activeContracts(ofClient clientID: Int64) throws -> [Contract] {
    throw NotLoaded(description: "a client's contracts are not part of a reference snapshot")
  }
  public func activeLogins(ofClient clientID: Int64) throws -> [Login] {
    throw NotLoaded(description: "a client's logins are not part of a reference snapshot")
  }
  public func parameters() throws -> GeneralParameters {
    throw NotLoaded(description: "the general parameters are not part of a reference snapshot")
  }
}
