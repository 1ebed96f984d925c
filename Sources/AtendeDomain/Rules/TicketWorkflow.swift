public import Foundation

/// The workflow of docs/DOMAIN.md rule 10: statuses, interactions, solving, reopening,
/// canceling, and the finality of CANCELED.
public enum TicketWorkflow {
  /// Fails unless `ticket` may still be edited: nothing changes on a CANCELED ticket,
  /// and a SOLVED one must be reopened first.
  public static func requireEditable(_ ticket: Ticket) throws(DomainError) {
    switch ticket.status {
    case .canceled:
      throw DomainError(
        .failedPrecondition, "ticket \(ticket.protocolNumber) is canceled: no further change is accepted",
        violations: [
          .init(
            field: "ticket.status", reason: "TICKET_CANCELED", description: "the ticket is canceled",
            isPrecondition: true)
        ])
    case .solved:
      throw DomainError(
        .failedPrecondition, "ticket \(ticket.protocolNumber) is solved: reopen it before changing it",
        violations: [
          .init(
            field: "ticket.status", reason: "TICKET_SOLVED", description: "the ticket is solved", isPrecondition: true)
        ])
    default:
      break
    }
  }

  /// The result of a workflow action: the new ticket and what to record.
  public struct Outcome: Sendable {
    public var ticket: Ticket
    public var entries: [HistoryEntry]
  }

  /// Moves `ticket` to PENDING, IN_PROGRESS or SOLVED. A non-empty `message` is an
  /// interaction. PENDING and IN_PROGRESS need at least one interaction.
  public static func changeStatus(
    _ ticket: Ticket, to status: TicketStatus, message: String, actor: String, now: Date
  ) throws(DomainError) -> Outcome {
    try requireEditable(ticket)
    let message = message.trimmingCharacters(in: .whitespacesAndNewlines)
    switch status {
    case .new:
      throw invalid("status", "NOT_ALLOWED", "a ticket cannot go back to NEW")
    case .canceled:
      throw invalid("status", "USE_CANCEL", "use CancelTicket to cancel a ticket")
    case .pending, .inProgress, .solved:
      break
    }
    if status == ticket.status && message.isEmpty {
      throw invalid("status", "UNCHANGED", "the ticket is already \(status.name)")
    }
    var next = ticket
    var entries: [HistoryEntry] = []
    if !message.isEmpty {
      next.interactionCount += 1
      if next.firstResponseAt == nil { next.firstResponseAt = now }
      entries.append(HistoryEntry(at: now, actor: actor, kind: HistoryKind.interaction, note: message))
    }
    if (status == .pending || status == .inProgress) && next.interactionCount == 0 {
      throw DomainError(
        .failedPrecondition, "\(status.name) needs at least one interaction: send a message with the change",
        violations: [
          .init(
            field: "message", reason: "INTERACTION_REQUIRED",
            description: "\(status.name) needs at least one interaction", isPrecondition: true)
        ])
    }
    if status != ticket.status {
      next.status = status
      if status == .solved { next.closedAt = now }
      entries.append(
        HistoryEntry(
          at: now, actor: actor, kind: HistoryKind.statusChanged, field: "status", oldValue: ticket.status.name,
          newValue: status.name))
    }
    next.version += 1
    next.updatedAt = now
    return Outcome(ticket: next, entries: entries)
  }

  /// Reopens a SOLVED ticket, closed_at cleared: back to IN_PROGRESS when it had an
  /// interaction, to NEW when it was solved without one (rule 10: IN_PROGRESS needs an
  /// interaction). The reason is required. A CANCELED ticket is final (TICKET_CANCELED).
  public static func reopen(_ ticket: Ticket, reason: String, actor: String, now: Date) throws(DomainError) -> Outcome {
    let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
    if ticket.status == .canceled { try requireEditable(ticket) }
    guard ticket.status == .solved else {
      throw DomainError(
        .failedPrecondition,
        "only a SOLVED ticket can be reopened; ticket \(ticket.protocolNumber) is \(ticket.status.name)",
        violations: [
          .init(
            field: "ticket.status", reason: "NOT_SOLVED", description: "the ticket is \(ticket.status.name)",
            isPrecondition: true)
        ])
    }
    guard !reason.isEmpty else { throw invalid("reason", "REQUIRED", "a reason is required to reopen a ticket") }
    var next = ticket
    next.status = ticket.interactionCount > 0 ? .inProgress : .new
    next.closedAt = nil
    next.version += 1
    next.updatedAt = now
    return Outcome(
      ticket: next,
      entries: [
        HistoryEntry(
          at: now, actor: actor, kind: HistoryKind.reopened, field: "status", oldValue: ticket.status.name,
          newValue: next.status.name, note: reason)
      ])
  }

  /// Cancels an open ticket for good. The reason is required.
  public static func cancel(_ ticket: Ticket, reason: String, actor: String, now: Date) throws(DomainError) -> Outcome {
    try requireEditable(ticket)
    let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !reason.isEmpty else { throw invalid("reason", "REQUIRED", "a reason is required to cancel a ticket") }
    var next = ticket
    next.status = .canceled
    next.version += 1
    next.updatedAt = now
    return Outcome(
      ticket: next,
      entries: [
        HistoryEntry(
          at: now, actor: actor, kind: HistoryKind.canceled, field: "status", oldValue: ticket.status.name,
          newValue: next.status.name, note: reason)
      ])
  }

  /// Puts `assigneeID` (an active employee; nil = nobody) in charge of the ticket.
  public static func assign(
    _ ticket: Ticket, to assigneeID: Int64?, actor: String, now: Date, lookup: some ReferenceLookup
  ) throws -> Outcome {
    try requireEditable(ticket)
    if let assigneeID {
      guard let employee = try lookup.employee(assigneeID) else {
        throw invalid("assignee_id", "NOT_FOUND", "employee \(assigneeID) does not exist")
      }
      guard employee.active else {
        throw DomainError(
          .failedPrecondition, "employee \(employee.name) is inactive",
          violations: [
            .init(
              field: "assignee_id", reason: "INACTIVE", description: "employee \(employee.name) is inactive",
              isPrecondition: true)
          ])
      }
    }
    guard assigneeID != ticket.assigneeID else {
      throw invalid("assignee_id", "UNCHANGED", "the ticket is already assigned to that employee")
    }
    var next = ticket
    next.assigneeID = assigneeID
    next.version += 1
    next.updatedAt = now
    return Outcome(
      ticket: next,
      entries: [
        HistoryEntry(
          at: now, actor: actor, kind: HistoryKind.assigned, field: "assignee_id",
          oldValue: ticket.assigneeID.map(String.init) ?? "", newValue: assigneeID.map(String.init) ?? "")
      ])
  }

  private static func invalid(_ field: String, _ reason: String, _ description: String) -> DomainError {
    DomainError(
      .invalidArgument, description, violations: [.init(field: field, reason: reason, description: description)])
  }
}
