public import Foundation

/// A change of a ticket as the event log records it: written in the same transaction as
/// the change, numbered in commit order, delivered to watchers on every server.
public struct TicketChangeEvent: Hashable, Sendable {
  /// What happened to the ticket.
  public enum Kind: String, Hashable, Sendable, CaseIterable, Codable {
    case created, changed, statusChanged, assigned, messageAdded, contactChanged, fileAdded, fileRemoved,
      serviceOrderChanged, escalated
  }

  /// The event's place in the log: increasing, in commit order; 0 until recorded.
  public var sequence: Int64
  public var kind: Kind
  /// The ticket after the change.
  public var ticket: Ticket
  /// Who made the change.
  public var actor: String
  public var at: Date
  /// For ``Kind/changed``: the fields that changed (as in the update mask).
  public var fields: [String]

  public init(
    sequence: Int64 = 0, kind: Kind, ticket: Ticket, actor: String, at: Date, fields: [String] = []
  ) {
    self.sequence = sequence
    self.kind = kind
    self.ticket = ticket
    self.actor = actor
    self.at = at
    self.fields = fields
  }
}
