public import Foundation

/// The rules of links between tickets, and of mass incidents (a parent's solution solves
/// its open children).
public enum TicketLinkRules {
  /// The most children a parent has: solving it solves them in one transaction.
  public static let maxChildren = 500
  /// The deepest chain of parents.
  public static let maxDepth = 10

  /// What the store knows about the tickets' existing links, for ``link(_:ticket:other:facts:actor:now:)``.
  public struct Facts: Sendable {
    /// The same link exists already.
    public var exists = false
    /// The ticket this one is a duplicate of, if any.
    public var duplicateOf: Int64?
    /// The other ticket's parent, if any (for PARENT_OF).
    public var parentOfOther: Int64?
    /// How many children the ticket has (for PARENT_OF).
    public var children = 0
    /// The ticket's ancestors, nearest first (for PARENT_OF: the other must not be one).
    public var ancestors: [Int64] = []

    public init() {}
  }

  /// A link as it is stored: RELATED with the lower id first.
  public static func normalized(_ link: TicketLink) -> TicketLink {
    guard link.kind == .related, link.otherTicketID < link.ticketID else { return link }
    var swapped = link
    swapped.ticketID = link.otherTicketID
    swapped.otherTicketID = link.ticketID
    return swapped
  }

  /// The request's own problems: a kind and two different tickets.
  public static func validate(_ link: TicketLink?) throws(DomainError) {
    var violations = Violations()
    guard let link else {
      throw DomainError(
        .invalidArgument, "link is required",
        violations: [.init(field: "link", reason: "REQUIRED", description: "link is required")])
    }
    if link.ticketID <= 0 { violations.invalid("link.ticket_id", "REQUIRED", "ticket_id is required") }
    if link.otherTicketID <= 0 { violations.invalid("link.other_ticket_id", "REQUIRED", "other_ticket_id is required") }
    if link.ticketID > 0 && link.ticketID == link.otherTicketID {
      violations.invalid("link.other_ticket_id", "SAME_TICKET", "a ticket cannot be linked to itself")
    }
    try violations.throwIfAny("invalid link")
  }

  /// Links `ticket` to `other`: both versions bumped and a LINKED entry in each history.
  /// `ticket` must be open, `other` not canceled; a ticket duplicates one ticket at most;
  /// a child has one parent, a parent at most ``maxChildren`` children, and no ticket is
  /// its own ancestor.
  public static func link(
    _ link: TicketLink, ticket: Ticket, other: Ticket, facts: Facts, actor: String, now: Date
  ) throws(DomainError) -> (link: TicketLink, ticket: TicketWorkflow.Outcome, other: TicketWorkflow.Outcome) {
    try requireOpen(ticket, field: "link.ticket_id")
    try requireNotCanceled(other, field: "link.other_ticket_id")
    if facts.exists {
      throw DomainError(
        .alreadyExists, "the tickets are linked already",
        violations: [.init(field: "link", reason: "ALREADY_EXISTS", description: "the tickets are linked already")])
    }
    switch link.kind {
    case .duplicateOf:
      if let existing = facts.duplicateOf {
        throw precondition(
          "link.ticket_id", "ALREADY_DUPLICATE", "the ticket is a duplicate of ticket \(existing) already")
      }
    case .parentOf:
      if let parent = facts.parentOfOther {
        throw precondition(
          "link.other_ticket_id", "HAS_PARENT", "the other ticket has a parent already (ticket \(parent))")
      }
      if facts.children >= maxChildren {
        throw precondition("link.ticket_id", "TOO_MANY_CHILDREN", "a parent has at most \(maxChildren) children")
      }
      if facts.ancestors.contains(other.id) {
        throw precondition("link.other_ticket_id", "CYCLE", "the other ticket is an ancestor of this one")
      }
      if facts.ancestors.count >= maxDepth {
        throw precondition("link.ticket_id", "TOO_DEEP", "parents nest at most \(maxDepth) levels")
      }
    case .related, .causedBy:
      break
    }
    var stored = normalized(link)
    stored.createdBy = actor
    stored.createdAt = now
    return (
      stored,
      touched(ticket, entry: HistoryKind.linked, "\(link.kind.name) \(other.protocolNumber)", actor: actor, now: now),
      touched(
        other, entry: HistoryKind.linked, "\(link.kind.inverseName) \(ticket.protocolNumber)", actor: actor, now: now)
    )
  }

  /// Removes `link` between `ticket` (its ticket_id side) and `other`: neither may be
  /// canceled; both histories record it.
  public static func unlink(
    _ link: TicketLink, ticket: Ticket, other: Ticket, actor: String, now: Date
  ) throws(DomainError) -> (ticket: TicketWorkflow.Outcome, other: TicketWorkflow.Outcome) {
    try requireNotCanceled(ticket, field: "id")
    try requireNotCanceled(other, field: "id")
    return (
      touched(ticket, entry: HistoryKind.unlinked, "\(link.kind.name) \(other.protocolNumber)", actor: actor, now: now),
      touched(
        other, entry: HistoryKind.unlinked, "\(link.kind.inverseName) \(ticket.protocolNumber)", actor: actor, now: now)
    )
  }

  /// Solves `child` because its parent `parent` was solved: one interaction naming the
  /// parent and carrying its message. nil when the child is not open.
  public static func solveChild(
    _ child: Ticket, parent: Ticket, message: String, actor: String, now: Date
  ) throws(DomainError) -> TicketWorkflow.Outcome? {
    guard child.status.isOpen else { return nil }
    let trimmed = message.trimmingCharacters(in: .whitespacesAndNewlines)
    let text = "Solved with incident \(parent.protocolNumber)" + (trimmed.isEmpty ? "." : ": \(trimmed)")
    return try TicketWorkflow.changeStatus(child, to: .solved, message: text, actor: actor, now: now)
  }

  /// What moves in a merge.
  public struct MergeCounts: Hashable, Sendable {
    public var messages: Int
    public var files: Int
    public var contacts: Int

    public init(messages: Int, files: Int, contacts: Int) {
      self.messages = messages
      self.files = files
      self.contacts = contacts
    }

    var text: String {
      func count(_ value: Int, _ noun: String) -> String { "\(value) \(noun)\(value == 1 ? "" : "s")" }
      return [count(messages, "message"), count(files, "file"), count(contacts, "contact")].joined(separator: ", ")
    }
  }

  /// Merges `source` (a duplicate) into `target`: both open, of the same customer (or
  /// structure), the source no parent (`sourceChildren` 0). The target receives the
  /// source's interactions and earliest first response and must satisfy every rule
  /// after; the source is solved with an interaction naming the target. Each history
  /// records a MERGED entry.
  public static func merge(
    _ source: Ticket, into target: Ticket, moved: MergeCounts, sourceChildren: Int, actor: String, now: Date,
    lookup: some ReferenceLookup
  ) throws -> (source: TicketWorkflow.Outcome, target: TicketWorkflow.Outcome) {
    try requireOpen(source, field: "source_id")
    try requireOpen(target, field: "target_id")
    if source.kind != target.kind || source.clientID != target.clientID || source.structureID != target.structureID {
      throw precondition("target_id", "NOT_SAME_CUSTOMER", "only tickets of the same customer or structure merge")
    }
    if sourceChildren > 0 {
      throw precondition(
        "source_id", "HAS_CHILDREN",
        "the source is the parent of \(sourceChildren) tickets: link them to the target first")
    }
    var next = target
    next.interactionCount += source.interactionCount
    if let first = source.firstResponseAt, next.firstResponseAt.map({ first < $0 }) ?? true {
      next.firstResponseAt = first
    }
    next.version += 1
    next.updatedAt = now
    var violations = Violations()
    try TicketRules.check(next, changed: [], lookup: lookup, into: &violations)
    try violations.throwIfAny("cannot merge into ticket \(target.protocolNumber)")
    var solved = try TicketWorkflow.changeStatus(
      source, to: .solved, message: "Merged into \(target.protocolNumber)", actor: actor, now: now)
    solved.entries.insert(
      HistoryEntry(
        at: now, actor: actor, kind: HistoryKind.merged, field: "merged_into", newValue: target.protocolNumber,
        note: moved.text),
      at: 0)
    let received = TicketWorkflow.Outcome(
      ticket: next,
      entries: [
        HistoryEntry(
          at: now, actor: actor, kind: HistoryKind.merged, field: "merged_from", newValue: source.protocolNumber,
          note: moved.text)
      ])
    return (solved, received)
  }

  private static func touched(_ ticket: Ticket, entry kind: String, _ value: String, actor: String, now: Date)
    -> TicketWorkflow.Outcome
  {
    var next = ticket
    next.version += 1
    next.updatedAt = now
    return TicketWorkflow.Outcome(
      ticket: next, entries: [HistoryEntry(at: now, actor: actor, kind: kind, field: "links", newValue: value)])
  }

  private static func requireOpen(_ ticket: Ticket, field: String) throws(DomainError) {
    do {
      try TicketWorkflow.requireEditable(ticket)
    } catch {
      throw DomainError(
        error.kind, error.message,
        violations: error.violations.map {
          .init(field: field, reason: $0.reason, description: $0.description, isPrecondition: true)
        })
    }
  }

  private static func requireNotCanceled(_ ticket: Ticket, field: String) throws(DomainError) {
    if ticket.status == .canceled { try requireOpen(ticket, field: field) }
  }

  private static func precondition(_ field: String, _ reason: String, _ description: String) -> DomainError {
    DomainError(
      .failedPrecondition, description,
      violations: [.init(field: field, reason: reason, description: description, isPrecondition: true)])
  }
}
