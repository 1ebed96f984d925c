public import Foundation

/// How urgent a ticket is.
public enum Priority: Int, Hashable, Sendable, CaseIterable, Comparable, Codable {
  case low = 1
  case normal = 2
  case high = 3
  case critical = 4

  public static func < (lhs: Priority, rhs: Priority) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A ticket subject and the rules it imposes on its tickets.
public struct Subject: Hashable, Sendable, Identifiable {
  public var id: Int64
  public var name: String
  public var active: Bool
  public var defaultPriority: Priority?
  public var defaultDepartmentID: Int64?
  public var contractRequired: Bool
  public var loginRequired: Bool
  public var channelRequired: Bool
  public var complementaryStatusRequired: Bool
  public var serviceOrderRequiresSignature: Bool
  public var firstResponseSLAHours: Int?
  public var solutionSLAHours: Int?
  public var version: Int64
  public var createdAt: Date
  public var updatedAt: Date

  public init(
    id: Int64 = 0, name: String, active: Bool = true, defaultPriority: Priority? = nil,
    defaultDepartmentID: Int64? = nil, contractRequired: Bool = false, loginRequired: Bool = false,
    channelRequired: Bool = false, complementaryStatusRequired: Bool = false,
    serviceOrderRequiresSignature: Bool = false, firstResponseSLAHours: Int? = nil, solutionSLAHours: Int? = nil,
    version: Int64 = 0, createdAt: Date = Date(timeIntervalSince1970: 0),
    updatedAt: Date = Date(timeIntervalSince1970: 0)
  ) {
    self.id = id
    self.name = name
    self.active = active
    self.defaultPriority = defaultPriority
    self.defaultDepartmentID = defaultDepartmentID
    self.contractRequired = contractRequired
    self.loginRequired = loginRequired
    self.channelRequired = channelRequired
    self.complementaryStatusRequired = complementaryStatusRequired
    self.serviceOrderRequiresSignature = serviceOrderRequiresSignature
    self.firstResponseSLAHours = firstResponseSLAHours
    self.solutionSLAHours = solutionSLAHours
    self.version = version
    self.createdAt = createdAt
    self.updatedAt = updatedAt
  }

  /// Whether tickets of this subject need a contract (rules 4 and 5).
  public var requiresContract: Bool { contractRequired || serviceOrderRequiresSignature }
}

/// The general parameters of the support module.
public struct GeneralParameters: Hashable, Sendable {
  /// Tickets must have a subject.
  public var subjectRequired: Bool
  public var version: Int64
  public var updatedAt: Date
  public var updatedBy: String

  public init(
    subjectRequired: Bool = false, version: Int64 = 1, updatedAt: Date = Date(timeIntervalSince1970: 0),
    updatedBy: String = ""
  ) {
    self.subjectRequired = subjectRequired
    self.version = version
    self.updatedAt = updatedAt
    self.updatedBy = updatedBy
  }
}

/// One recorded change.
public struct HistoryEntry: Hashable, Sendable, Identifiable {
  public var id: Int64
  public var at: Date
  public var actor: String
  public var kind: String
  public var field: String
  public var oldValue: String
  public var newValue: String
  public var note: String

  public init(
    id: Int64 = 0, at: Date, actor: String, kind: String, field: String = "", oldValue: String = "",
    newValue: String = "", note: String = ""
  ) {
    self.id = id
    self.at = at
    self.actor = actor
    self.kind = kind
    self.field = field
    self.oldValue = oldValue
    self.newValue = newValue
    self.note = note
  }
}

/// Kinds of history entries.
public enum HistoryKind {
  public static let created = "CREATED"
  /// A reference record replaced by an upsert.
  public static let updated = "UPDATED"
  public static let fieldChanged = "FIELD_CHANGED"
  public static let statusChanged = "STATUS_CHANGED"
  public static let assigned = "ASSIGNED"
  /// An SLA escalation rule acted (field: the clock; new value: the rule's id).
  public static let escalated = "ESCALATED"
  /// A link to another ticket was made or removed (field `links`).
  public static let linked = "LINKED"
  public static let unlinked = "UNLINKED"
  /// A ticket was merged into another (field `merged_into` on the source, `merged_from`
  /// on the target; new value the other's protocol).
  public static let merged = "MERGED"
  public static let reopened = "REOPENED"
  public static let canceled = "CANCELED"
  public static let interaction = "INTERACTION"
}
