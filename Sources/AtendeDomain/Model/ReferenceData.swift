/// A postal address with optional coordinates.
public struct Address: Hashable, Sendable, Codable {
  /// The address as one line.
  public var text: String
  /// Latitude and longitude in degrees, when known.
  public var coordinates: Coordinates?

  public init(text: String = "", coordinates: Coordinates? = nil) {
    self.text = text
    self.coordinates = coordinates
  }

  /// Neither text nor coordinates.
  public var isEmpty: Bool { text.isEmpty && coordinates == nil }
}

/// A point on Earth.
public struct Coordinates: Hashable, Sendable, Codable {
  public var latitude: Double
  public var longitude: Double

  public init(latitude: Double, longitude: Double) {
    self.latitude = latitude
    self.longitude = longitude
  }
}

/// A customer (kept by another system; synchronised here).
public struct Client: Hashable, Sendable, Identifiable {
  public var id: Int64
  public var name: String
  /// CPF or CNPJ, digits only.
  public var document: String
  public var active: Bool
  public var address: Address

  public init(id: Int64, name: String, document: String = "", active: Bool = true, address: Address = Address()) {
    self.id = id
    self.name = name
    self.document = document
    self.active = active
    self.address = address
  }
}

/// A client's contract.
public struct Contract: Hashable, Sendable, Identifiable {
  public var id: Int64
  public var clientID: Int64
  public var description: String
  public var active: Bool
  public var address: Address

  public init(id: Int64, clientID: Int64, description: String = "", active: Bool = true, address: Address = Address()) {
    self.id = id
    self.clientID = clientID
    self.description = description
    self.active = active
    self.address = address
  }
}

/// A client's access login.
public struct Login: Hashable, Sendable, Identifiable {
  public var id: Int64
  public var clientID: Int64
  public var contractID: Int64?
  public var username: String
  public var active: Bool
  public var address: Address

  public init(
    id: Int64, clientID: Int64, contractID: Int64? = nil, username: String, active: Bool = true,
    address: Address = Address()
  ) {
    self.id = id
    self.clientID = clientID
    self.contractID = contractID
    self.username = username
    self.active = active
    self.address = address
  }
}

/// The provider's own infrastructure (POP, tower, cabinet).
public struct Structure: Hashable, Sendable, Identifiable {
  public var id: Int64
  public var name: String
  public var active: Bool
  public var address: Address

  public init(id: Int64, name: String, active: Bool = true, address: Address = Address()) {
    self.id = id
    self.name = name
    self.active = active
    self.address = address
  }
}

/// A department of the provider.
public struct Department: Hashable, Sendable, Identifiable {
  public var id: Int64
  public var name: String
  public var active: Bool

  public init(id: Int64, name: String, active: Bool = true) {
    self.id = id
    self.name = name
    self.active = active
  }
}

/// An employee.
public struct Employee: Hashable, Sendable, Identifiable {
  public var id: Int64
  public var name: String
  public var active: Bool
  public var departmentIDs: [Int64]

  public init(id: Int64, name: String, active: Bool = true, departmentIDs: [Int64] = []) {
    self.id = id
    self.name = name
    self.active = active
    self.departmentIDs = departmentIDs
  }
}

/// A contact channel.
public struct Channel: Hashable, Sendable, Identifiable {
  public var id: Int64
  public var name: String
  public var active: Bool

  public init(id: Int64, name: String, active: Bool = true) {
    self.id = id
    self.name = name
    self.active = active
  }
}

/// A branch (filial) of the provider: providers on IXC often run several, each with its
/// own customers and teams. Tickets carry one, and identities can be restricted to some.
public struct Branch: Hashable, Sendable, Identifiable {
  public var id: Int64
  public var name: String
  public var active: Bool

  public init(id: Int64, name: String, active: Bool = true) {
    self.id = id
    self.name = name
    self.active = active
  }
}

/// A configurable finer status.
public struct ComplementaryStatus: Hashable, Sendable, Identifiable {
  public var id: Int64
  public var description: String
  public var active: Bool

  public init(id: Int64, description: String, active: Bool = true) {
    self.id = id
    self.description = description
    self.active = active
  }
}

/// The kinds of reference data.
public enum ReferenceKind: String, Sendable, Hashable, CaseIterable {
  case client, contract, login, structure, department, employee, channel, complementaryStatus, branch
}

/// A reference record type.
public protocol ReferenceEntity: Sendable, Hashable, Identifiable where ID == Int64 {
  static var kind: ReferenceKind { get }
}

extension Client: ReferenceEntity { public static var kind: ReferenceKind { .client } }
extension Contract: ReferenceEntity { public static var kind: ReferenceKind { .contract } }
extension Login: ReferenceEntity { public static var kind: ReferenceKind { .login } }
extension Structure: ReferenceEntity { public static var kind: ReferenceKind { .structure } }
extension Department: ReferenceEntity { public static var kind: ReferenceKind { .department } }
extension Employee: ReferenceEntity { public static var kind: ReferenceKind { .employee } }
extension Channel: ReferenceEntity { public static var kind: ReferenceKind { .channel } }
extension ComplementaryStatus: ReferenceEntity { public static var kind: ReferenceKind { .complementaryStatus } }
extension Branch: ReferenceEntity { public static var kind: ReferenceKind { .branch } }

/// A reference record that belongs to a client (a contract, a login).
public protocol ClientOwned {
  var clientID: Int64 { get }
}

extension Contract: ClientOwned {}
extension Login: ClientOwned {}
