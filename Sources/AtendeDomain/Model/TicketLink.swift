public import Foundation

/// How two tickets are linked.
public enum TicketLinkKind: Int, Hashable, Sendable, CaseIterable {
  /// The ticket is a duplicate of the other.
  case duplicateOf = 1
  /// The two are related (either way).
  case related = 2
  /// The ticket is the other's parent (a mass incident and one of its tickets).
  case parentOf = 3
  /// The ticket was caused by the other.
  case causedBy = 4

  public var name: String {
    switch self {
    case .duplicateOf: "DUPLICATE_OF"
    case .related: "RELATED"
    case .parentOf: "PARENT_OF"
    case .causedBy: "CAUSED_BY"
    }
  }

  /// The link as the other ticket's history tells it.
  public var inverseName: String {
    switch self {
    case .duplicateOf: "HAS_DUPLICATE"
    case .related: "RELATED"
    case .parentOf: "CHILD_OF"
    case .causedBy: "CAUSED"
    }
  }
}

/// A link between two tickets.
public struct TicketLink: Hashable, Sendable, Identifiable {
  public var id: Int64
  public var ticketID: Int64
  public var kind: TicketLinkKind
  public var otherTicketID: Int64
  public var createdBy: String
  public var createdAt: Date

  public init(
    id: Int64 = 0, ticketID: Int64, kind: TicketLinkKind, otherTicketID: Int64, createdBy: String = "",
    createdAt: Date = Date(timeIntervalSince1970: 0)
  ) {
    self.id = id
    self.ticketID = ticketID
    self.kind = kind
    self.otherTicketID = otherTicketID
    self.createdBy = createdBy
    self.createdAt = createdAt
  }
}
