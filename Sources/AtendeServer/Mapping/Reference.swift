internal import AtendeAPI
internal import AtendeDomain
internal import AtendeStore

// Conversions between the wire's reference messages and the domain's records.

/// A reference record with its wire message.
protocol WireReference: ReferenceEntity {
  associatedtype Wire: Sendable
  init(wire: Wire)
  var wire: Wire { get }
}

extension AtendeDomain.Client: WireReference {
  init(wire: AtendeAPI.Client) {
    self.init(
      id: wire.id, name: wire.name, document: wire.document, active: wire.active,
      address: AtendeDomain.Address(wire.address))
  }

  var wire: AtendeAPI.Client {
    AtendeAPI.Client(id: id, name: name, document: document, active: active, address: address.wire)
  }
}

extension AtendeDomain.Contract: WireReference {
  init(wire: AtendeAPI.Contract) {
    self.init(
      id: wire.id, clientID: wire.clientId, description: wire.description, active: wire.active,
      address: AtendeDomain.Address(wire.address))
  }

  var wire: AtendeAPI.Contract {
    AtendeAPI.Contract(id: id, clientId: clientID, description: description, active: active, address: address.wire)
  }
}

extension AtendeDomain.Login: WireReference {
  init(wire: AtendeAPI.Login) {
    self.init(
      id: wire.id, clientID: wire.clientId, contractID: optionalID(wire.contractId), username: wire.username,
      active: wire.active, address: AtendeDomain.Address(wire.address))
  }

  var wire: AtendeAPI.Login {
    AtendeAPI.Login(
      id: id, clientId: clientID, contractId: contractID ?? 0, username: username, active: active,
      address: address.wire)
  }
}

extension AtendeDomain.Structure: WireReference {
  init(wire: AtendeAPI.Structure) {
    self.init(id: wire.id, name: wire.name, active: wire.active, address: AtendeDomain.Address(wire.address))
  }

  var wire: AtendeAPI.Structure { AtendeAPI.Structure(id: id, name: name, active: active, address: address.wire) }
}

extension AtendeDomain.Department: WireReference {
  init(wire: AtendeAPI.Department) { self.init(id: wire.id, name: wire.name, active: wire.active) }
  var wire: AtendeAPI.Department { AtendeAPI.Department(id: id, name: name, active: active) }
}

extension AtendeDomain.Employee: WireReference {
  init(wire: AtendeAPI.Employee) {
    self.init(id: wire.id, name: wire.name, active: wire.active, departmentIDs: wire.departmentIds)
  }

  var wire: AtendeAPI.Employee {
    AtendeAPI.Employee(id: id, name: name, active: active, departmentIds: departmentIDs)
  }
}

extension AtendeDomain.Channel: WireReference {
  init(wire: AtendeAPI.Channel) { self.init(id: wire.id, name: wire.name, active: wire.active) }
  var wire: AtendeAPI.Channel { AtendeAPI.Channel(id: id, name: name, active: active) }
}

extension AtendeDomain.ComplementaryStatus: WireReference {
  init(wire: AtendeAPI.ComplementaryStatus) {
    self.init(id: wire.id, description: wire.description, active: wire.active)
  }

  var wire: AtendeAPI.ComplementaryStatus {
    AtendeAPI.ComplementaryStatus(id: id, description: description, active: active)
  }
}

extension AtendeDomain.Branch: WireReference {
  init(wire: AtendeAPI.Branch) { self.init(id: wire.id, name: wire.name, active: wire.active) }
  var wire: AtendeAPI.Branch { AtendeAPI.Branch(id: id, name: name, active: active) }
}

extension ReferenceKind {
  /// The kind's name in messages, e.g. "complementary status".
  var label: String {
    switch self {
    case .client: "client"
    case .contract: "contract"
    case .login: "login"
    case .structure: "structure"
    case .department: "department"
    case .employee: "employee"
    case .channel: "channel"
    case .branch: "branch"
    case .complementaryStatus: "complementary status"
    }
  }
}

extension StoreReferenceFilter {
  /// The store's filter for a wire filter (absent = no filter; ids 0 = unset), without
  /// its ticket id (the service resolves it to the ticket's client: rule 7).
  init(_ wire: AtendeAPI.ReferenceFilter?) throws {
    let wire = wire ?? AtendeAPI.ReferenceFilter()
    self.init(
      query: try searchText(wire.query, field: "filter.query"), activeOnly: wire.activeOnly,
      clientID: optionalID(wire.clientId), contractID: optionalID(wire.contractId),
      departmentID: optionalID(wire.departmentId))
  }
}

extension UpsertResult {
  init(_ counts: UpsertCounts) {
    self.init(
      created: UInt32(clamping: counts.created), updated: UInt32(clamping: counts.updated),
      unchanged: UInt32(clamping: counts.unchanged))
  }
}
