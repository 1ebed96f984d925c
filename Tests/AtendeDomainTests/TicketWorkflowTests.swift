import AtendeDomain
import Foundation
import Testing

@Suite("Ticket workflow (DOMAIN.md rule 10)")
struct TicketWorkflowTests {
  let world = InMemoryReferences.world()

  func newTicket() throws -> Ticket {
    try TicketRules.open(validFields(), actor: "t", now: now, lookup: world)
  }

  @Test("PENDING and IN_PROGRESS need an interaction; a message is one")
  func interactionRequired() throws {
    let ticket = try newTicket()
    let error = #expect(throws: DomainError.self) {
      try TicketWorkflow.changeStatus(ticket, to: .inProgress, message: "", actor: "t", now: now)
    }
    #expect(error?.kind == .failedPrecondition)
    #expect(error?.violations.first?.reason == "INTERACTION_REQUIRED")
    let outcome = try TicketWorkflow.changeStatus(
      ticket, to: .pending, message: "Aguardando retorno", actor: "t", now: now)
    #expect(outcome.ticket.status == .pending)
    #expect(outcome.ticket.interactionCount == 1)
    #expect(outcome.ticket.firstResponseAt == now)
    #expect(outcome.entries.map(\.kind) == [HistoryKind.interaction, HistoryKind.statusChanged])
    // Once there was an interaction, moving between PENDING and IN_PROGRESS needs no message.
    let moved = try TicketWorkflow.changeStatus(outcome.ticket, to: .inProgress, message: "", actor: "t", now: now)
    #expect(moved.ticket.status == .inProgress)
  }

  @Test("SOLVED sets closed_at; reopening is explicit, needs a reason, clears closed_at")
  func solveAndReopen() throws {
    let answered = try TicketWorkflow.changeStatus(
      try newTicket(), to: .inProgress, message: "Verificando", actor: "t", now: now
    ).ticket
    let solved = try TicketWorkflow.changeStatus(answered, to: .solved, message: "", actor: "t", now: now).ticket
    #expect(solved.closedAt == now)
    #expect(throws: DomainError.self) {
      try TicketWorkflow.changeStatus(solved, to: .inProgress, message: "x", actor: "t", now: now)
    }
    #expect(throws: DomainError.self) { try TicketWorkflow.reopen(solved, reason: " ", actor: "t", now: now) }
    let reopened = try TicketWorkflow.reopen(solved, reason: "voltou a cair", actor: "t", now: now)
    #expect(reopened.ticket.status == .inProgress)
    #expect(reopened.ticket.closedAt == nil)
    #expect(reopened.entries.first?.note == "voltou a cair")
    #expect(throws: DomainError.self) { try TicketWorkflow.reopen(reopened.ticket, reason: "x", actor: "t", now: now) }
  }

  @Test("a ticket solved without any interaction reopens as NEW: IN_PROGRESS would need one (rule 10)")
  func reopenWithoutInteraction() throws {
    let solved = try TicketWorkflow.changeStatus(try newTicket(), to: .solved, message: "", actor: "t", now: now).ticket
    #expect(solved.interactionCount == 0)
    let reopened = try TicketWorkflow.reopen(solved, reason: "engano", actor: "t", now: now)
    #expect(reopened.ticket.status == .new)
    #expect(reopened.ticket.closedAt == nil)
    #expect(reopened.entries.map(\.newValue) == ["NEW"])
    // From NEW, the first message moves it to IN_PROGRESS as on any new ticket.
    let pending = #expect(throws: DomainError.self) {
      try TicketWorkflow.changeStatus(reopened.ticket, to: .pending, message: "", actor: "t", now: now)
    }
    #expect(pending?.violations.first?.reason == "INTERACTION_REQUIRED")
  }

  @Test("reopening a CANCELED ticket says it is canceled (TICKET_CANCELED), not that it is unsolved")
  func reopenCanceled() throws {
    let canceled = try TicketWorkflow.cancel(try newTicket(), reason: "duplicado", actor: "t", now: now).ticket
    let error = #expect(throws: DomainError.self) {
      try TicketWorkflow.reopen(canceled, reason: "voltou", actor: "t", now: now)
    }
    #expect(error?.kind == .failedPrecondition)
    #expect(error?.violations.map(\.reason) == ["TICKET_CANCELED"])
  }

  @Test("CANCELED is final: no edit, status change, assignment or second cancel")
  func canceledIsFinal() throws {
    let canceled = try TicketWorkflow.cancel(try newTicket(), reason: "duplicado", actor: "t", now: now).ticket
    #expect(canceled.status == .canceled)
    for attempt in [
      { _ = try TicketWorkflow.changeStatus(canceled, to: .inProgress, message: "x", actor: "t", now: now) },
      { _ = try TicketWorkflow.cancel(canceled, reason: "again", actor: "t", now: now) },
      { _ = try TicketWorkflow.assign(canceled, to: 40, actor: "t", now: now, lookup: world) },
      {
        _ = try TicketRules.update(
          canceled, with: TicketFields(title: "new"), mask: [.title], actor: "t", now: now, lookup: world)
      },
    ] as [() throws -> Void] {
      let error = #expect(throws: DomainError.self) { try attempt() }
      #expect(error?.kind == .failedPrecondition)
      #expect(error?.violations.first?.reason == "TICKET_CANCELED")
    }
  }

  @Test("no way back to NEW; CANCELED only through cancel; same status without a message is refused")
  func invalidTransitions() throws {
    let ticket = try newTicket()
    for status in [TicketStatus.new, .canceled] {
      let error = #expect(throws: DomainError.self) {
        try TicketWorkflow.changeStatus(ticket, to: status, message: "x", actor: "t", now: now)
      }
      #expect(error?.kind == .invalidArgument)
    }
    let pending = try TicketWorkflow.changeStatus(ticket, to: .pending, message: "x", actor: "t", now: now).ticket
    #expect(throws: DomainError.self) {
      try TicketWorkflow.changeStatus(pending, to: .pending, message: "", actor: "t", now: now)
    }
  }

  @Test("assignment needs an existing, active employee")
  func assignment() throws {
    let ticket = try newTicket()
    #expect(try TicketWorkflow.assign(ticket, to: 40, actor: "t", now: now, lookup: world).ticket.assigneeID == 40)
    let missing = #expect(throws: DomainError.self) {
      try TicketWorkflow.assign(ticket, to: 999, actor: "t", now: now, lookup: world)
    }
    #expect(missing?.kind == .invalidArgument)
    let inactive = #expect(throws: DomainError.self) {
      try TicketWorkflow.assign(ticket, to: 41, actor: "t", now: now, lookup: world)
    }
    #expect(inactive?.kind == .failedPrecondition)
  }
}
