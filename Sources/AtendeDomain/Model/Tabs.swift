public import Foundation

/// Who wrote a message.
public enum AuthorKind: Int, Hashable, Sendable {
  case employee = 1
  case customer = 2
}

/// Who may see a message.
public enum Visibility: Int, Hashable, Sendable {
  /// The customer sees it.
  case `public` = 1
  /// Staff only.
  case `internal` = 2
}

/// A message of a ticket's conversation.
public struct TicketMessage: Hashable, Sendable, Identifiable {
  public var id: Int64
  public var ticketID: Int64
  public var authorKind: AuthorKind
  /// The employee, for employee messages.
  public var authorID: Int64?
  public var authorName: String
  public var visibility: Visibility
  public var text: String
  /// The status the message moved the ticket to.
  public var statusChange: TicketStatus?
  public var createdAt: Date

  public init(
    id: Int64 = 0, ticketID: Int64, authorKind: AuthorKind, authorID: Int64? = nil, authorName: String = "",
    visibility: Visibility, text: String, statusChange: TicketStatus? = nil,
    createdAt: Date = Date(timeIntervalSince1970: 0)
  ) {
    self.id = id
    self.ticketID = ticketID
    self.authorKind = authorKind
    self.authorID = authorID
    self.authorName = authorName
    self.visibility = visibility
    self.text = text
    self.statusChange = statusChange
    self.createdAt = createdAt
  }
}

/// A person to talk to about a ticket.
public struct TicketContact: Hashable, Sendable, Identifiable {
  public var id: Int64
  public var ticketID: Int64
  public var name: String
  public var phone: String
  public var email: String
  public var note: String
  public var createdAt: Date
  public var updatedAt: Date
  /// 1 when added, then one more on every update: what an update or a removal may name as
  /// its expected version.
  public var version: Int64

  public init(
    id: Int64 = 0, ticketID: Int64, name: String, phone: String = "", email: String = "", note: String = "",
    createdAt: Date = Date(timeIntervalSince1970: 0), updatedAt: Date = Date(timeIntervalSince1970: 0),
    version: Int64 = 1
  ) {
    self.id = id
    self.ticketID = ticketID
    self.name = name
    self.phone = phone
    self.email = email
    self.note = note
    self.createdAt = createdAt
    self.updatedAt = updatedAt
    self.version = version
  }
}

/// An attachment of a ticket. Its content lives in the file storage under its SHA-256.
public struct TicketFile: Hashable, Sendable, Identifiable {
  public var id: Int64
  public var ticketID: Int64
  public var name: String
  public var contentType: String
  public var size: Int64
  /// Lower-case hex SHA-256 of the content.
  public var sha256: String
  public var description: String
  public var uploadedBy: String
  public var uploadedAt: Date

  public init(
    id: Int64 = 0, ticketID: Int64, name: String, contentType: String = "application/octet-stream", size: Int64 = 0,
    sha256: String = "", description: String = "", uploadedBy: String = "",
    uploadedAt: Date = Date(timeIntervalSince1970: 0)
  ) {
    self.id = id
    self.ticketID = ticketID
    self.name = name
    self.contentType = contentType
    self.size = size
    self.sha256 = sha256
    self.description = description
    self.uploadedBy = uploadedBy
    self.uploadedAt = uploadedAt
  }
}

extension HistoryKind {
  public static let fileAdded = "FILE_ADDED"
  public static let fileRemoved = "FILE_REMOVED"
  public static let message = "MESSAGE"
  public static let contactAdded = "CONTACT_ADDED"
  public static let contactUpdated = "CONTACT_UPDATED"
  public static let contactRemoved = "CONTACT_REMOVED"
}
