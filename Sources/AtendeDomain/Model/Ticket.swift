public import Foundation

/// Who a ticket is about.
public enum TicketKind: Int, Hashable, Sendable, CaseIterable, Codable {
  case client = 1
  case structure = 2

  public var name: String { self == .client ? "CLIENT" : "STRUCTURE" }
}

/// Where a ticket is in its workflow.
public enum TicketStatus: Int, Hashable, Sendable, CaseIterable, Codable {
  case new = 1
  case pending = 2
  case inProgress = 3
  case solved = 4
  case canceled = 5

  /// Whether the ticket is still open (not solved, not canceled).
  public var isOpen: Bool { self != .solved && self != .canceled }

  public var name: String {
    switch self {
    case .new: "NEW"
    case .pending: "PENDING"
    case .inProgress: "IN_PROGRESS"
    case .solved: "SOLVED"
    case .canceled: "CANCELED"
    }
  }
}

/// Where a ticket's location came from.
public enum LocationOrigin: Int, Hashable, Sendable, CaseIterable, Codable {
  case client = 1
  case login = 2
  case contract = 3
  case structure = 4
  case manual = 5

  public var name: String {
    switch self {
    case .client: "CLIENT"
    case .login: "LOGIN"
    case .contract: "CONTRACT"
    case .structure: "STRUCTURE"
    case .manual: "MANUAL"
    }
  }
}

/// A ticket's location and where it came from.
public struct Location: Hashable, Sendable, Codable {
  public var address: Address
  public var origin: LocationOrigin

  public init(address: Address, origin: LocationOrigin) {
    self.address = address
    self.origin = origin
  }
}

/// A ticket (atendimento).
public struct Ticket: Hashable, Sendable, Identifiable, Codable {
  public var id: Int64
  public var protocolNumber: String
  public var kind: TicketKind
  public var clientID: Int64?
  public var structureID: Int64?
  public var contractID: Int64?
  public var loginID: Int64?
  public var subjectID: Int64?
  public var title: String
  public var departmentID: Int64
  public var priority: Priority
  public var description: String
  public var status: TicketStatus
  public var complementaryStatusID: Int64?
  public var channelID: Int64?
  public var assigneeID: Int64?
  public var location: Location?
  public var createdAt: Date
  public var updatedAt: Date
  public var closedAt: Date?
  public var openedBy: String
  public var version: Int64
  public var firstResponseAt: Date?
  public var interactionCount: Int
  /// The branch (filial) the ticket belongs to; nil = none.
  public var branchID: Int64?
  /// Free tags, normalised (``TagRules/normalize(_:)``), sorted, without duplicates.
  public var tags: [String]

  public init(
    id: Int64 = 0, protocolNumber: String = "", kind: TicketKind, clientID: Int64? = nil, structureID: Int64? = nil,
    contractID: Int64? = nil, loginID: Int64? = nil, subjectID: Int64? = nil, title: String, departmentID: Int64,
    priority: Priority, description: String, status: TicketStatus = .new, complementaryStatusID: Int64? = nil,
    channelID: Int64? = nil, assigneeID: Int64? = nil, location: Location? = nil, createdAt: Date, updatedAt: Date,
    closedAt: Date? = nil, openedBy: String, version: Int64 = 1, firstResponseAt: Date? = nil,
    interactionCount: Int = 0, branchID: Int64? = nil, tags: [String] = []
  ) {
    self.id = id
    self.protocolNumber = protocolNumber
    self.kind = kind
    self.clientID = clientID
    self.structureID = structureID
    self.contractID = contractID
    self.loginID = loginID
    self.subjectID = subjectID
    self.title = title
    self.departmentID = departmentID
    self.priority = priority
    self.description = description
    self.status = status
    self.complementaryStatusID = complementaryStatusID
    self.channelID = channelID
    self.assigneeID = assigneeID
    self.location = location
    self.createdAt = createdAt
    self.updatedAt = updatedAt
    self.closedAt = closedAt
    self.openedBy = openedBy
    self.version = version
    self.firstResponseAt = firstResponseAt
    self.interactionCount = interactionCount
    self.branchID = branchID
    self.tags = tags
  }
}

/// The fields of a ticket a caller may set (on creation, or through an update mask).
/// nil / empty = not set.
public struct TicketFields: Hashable, Sendable {
  public var kind: TicketKind?
  public var clientID: Int64?
  public var structureID: Int64?
  public var contractID: Int64?
  public var loginID: Int64?
  public var subjectID: Int64?
  public var title: String
  public var departmentID: Int64?
  public var priority: Priority?
  public var description: String
  public var complementaryStatusID: Int64?
  public var channelID: Int64?
  /// A location set by hand (becomes MANUAL); nil = derived.
  public var manualLocation: Address?
  public var branchID: Int64?
  /// The tags as sent (normalised by the rules).
  public var tags: [String]

  public init(
    kind: TicketKind? = nil, clientID: Int64? = nil, structureID: Int64? = nil, contractID: Int64? = nil,
    loginID: Int64? = nil, subjectID: Int64? = nil, title: String = "", departmentID: Int64? = nil,
    priority: Priority? = nil, description: String = "", complementaryStatusID: Int64? = nil, channelID: Int64? = nil,
    manualLocation: Address? = nil, branchID: Int64? = nil, tags: [String] = []
  ) {
    self.kind = kind
    self.clientID = clientID
    self.structureID = structureID
    self.contractID = contractID
    self.loginID = loginID
    self.subjectID = subjectID
    self.title = title
    self.departmentID = departmentID
    self.priority = priority
    self.description = description
    self.complementaryStatusID = complementaryStatusID
    self.channelID = channelID
    self.manualLocation = manualLocation
    self.branchID = branchID
    self.tags = tags
  }
}

/// A field of a ticket a caller may change, by its proto name.
public enum TicketField: String, Hashable, Sendable, CaseIterable {
  case kind
  case clientID = "client_id"
  case structureID = "structure_id"
  case contractID = "contract_id"
  case loginID = "login_id"
  case subjectID = "subject_id"
  case title
  case departmentID = "department_id"
  case priority
  case description
  case complementaryStatusID = "complementary_status_id"
  case channelID = "channel_id"
  case location
  case branchID = "branch_id"
  case tags
}

/// Reads the reference data, subjects and parameters the rules need. Implemented by
/// the store inside the transaction that applies the change.
public protocol ReferenceLookup {
  func client(_ id: Int64) throws -> Client?
  func contract(_ id: Int64) throws -> Contract?
  func login(_ id: Int64) throws -> Login?
  func structure(_ id: Int64) throws -> Structure?
  func department(_ id: Int64) throws -> Department?
  func employee(_ id: Int64) throws -> Employee?
  func channel(_ id: Int64) throws -> Channel?
  func complementaryStatus(_ id: Int64) throws -> ComplementaryStatus?
  func branch(_ id: Int64) throws -> Branch?
  func subject(_ id: Int64) throws -> Subject?
  /// The client's active contracts.
  func activeContracts(ofClient clientID: Int64) throws -> [Contract]
  /// The client's active logins.
  func activeLogins(ofClient clientID: Int64) throws -> [Login]
  func parameters() throws -> GeneralParameters
  /// Open tickets (neither solved nor canceled) of client `clientID` whose contract
  /// (`kind` `.contract`) or login (`.login`) is `id`, by id, at most `limit` of them
  /// (what a reference upsert moving that record to another client must not leave behind).
  func openTickets(using kind: ReferenceKind, id: Int64, ofClient clientID: Int64, limit: Int) throws -> [TicketUse]
}

/// An open ticket using a contract or login: enough to name it in an error.
public struct TicketUse: Hashable, Sendable {
  public var ticketID: Int64
  public var protocolNumber: String
  public var clientID: Int64?

  public init(ticketID: Int64, protocolNumber: String, clientID: Int64?) {
    self.ticketID = ticketID
    self.protocolNumber = protocolNumber
    self.clientID = clientID
  }
}
