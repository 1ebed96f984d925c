import AtendeDomain
import Foundation
import Testing

@Suite("Messages and contacts rules")
struct TabRulesTests {
  let world = InMemoryReferences.world()

  func newTicket() throws -> Ticket {
    try TicketRules.open(validFields(), actor: "t", now: now, lookup: world)
  }

  func employeeMessage(_ text: String = "Técnico a caminho", visibility: Visibility = .public) -> TicketMessage {
    TicketMessage(ticketID: 1, authorKind: .employee, authorID: 40, visibility: visibility, text: text)
  }

  @Test("rule 10: the first message on a NEW ticket moves it to IN_PROGRESS and counts as the first response")
  func firstMessage() throws {
    let (message, outcome) = try TabRules.addMessage(
      employeeMessage(), to: try newTicket(), status: nil, actor: "t", now: now, lookup: world)
    #expect(outcome.ticket.status == .inProgress)
    #expect(message.statusChange == .inProgress)
    #expect(message.authorName == "Carla")
    #expect(outcome.ticket.interactionCount == 1)
    #expect(outcome.ticket.firstResponseAt == now)
    #expect(outcome.entries.map(\.kind) == [HistoryKind.message, HistoryKind.statusChanged])
  }

  @Test("rule 10: unless the message sets another status; later messages leave the status alone")
  func messageWithStatus() throws {
    let (_, pending) = try TabRules.addMessage(
      employeeMessage(), to: try newTicket(), status: .pending, actor: "t", now: now, lookup: world)
    #expect(pending.ticket.status == .pending)
    let (second, after) = try TabRules.addMessage(
      employeeMessage("Outro"), to: pending.ticket, status: nil, actor: "t", now: now, lookup: world)
    #expect(after.ticket.status == .pending)
    #expect(second.statusChange == nil)
    #expect(after.ticket.interactionCount == 2)
  }

  @Test("a customer's message is public, does not count as the first response, and has no author id")
  func customerMessage() throws {
    let message = TicketMessage(
      ticketID: 1, authorKind: .customer, authorID: 40, authorName: "Ana", visibility: .public, text: "Ainda sem sinal")
    let (stored, outcome) = try TabRules.addMessage(
      message, to: try newTicket(), status: nil, actor: "portal", now: now, lookup: world)
    #expect(stored.authorID == nil)
    #expect(outcome.ticket.firstResponseAt == nil)
    var internalMessage = message
    internalMessage.visibility = .internal
    #expect(throws: DomainError.self) {
      try TabRules.addMessage(
        internalMessage, to: try newTicket(), status: nil, actor: "portal", now: now, lookup: self.world)
    }
  }

  @Test("invalid messages: empty or too long text, unknown or inactive employee, NEW or CANCELED status")
  func invalidMessages() throws {
    let ticket = try newTicket()
    let cases: [(TicketMessage, TicketStatus?, String)] = [
      (employeeMessage("  "), nil, "message.text"),
      (employeeMessage(String(repeating: "x", count: TabRules.maxMessageLength + 1)), nil, "message.text"),
      (
        TicketMessage(ticketID: 1, authorKind: .employee, authorID: 999, visibility: .public, text: "x"), nil,
        "message.author_id"
      ),
      (
        TicketMessage(ticketID: 1, authorKind: .employee, authorID: 41, visibility: .public, text: "x"), nil,
        "message.author_id"
      ),
      (TicketMessage(ticketID: 1, authorKind: .employee, visibility: .public, text: "x"), nil, "message.author_id"),
      (employeeMessage(), .canceled, "status"),
      (employeeMessage(), .new, "status"),
    ]
    for (message, status, field) in cases {
      let error = #expect(throws: DomainError.self) {
        try TabRules.addMessage(message, to: ticket, status: status, actor: "t", now: now, lookup: world)
      }
      #expect(error?.violations.first?.field == field)
    }
  }

  @Test("nothing can be added to a CANCELED ticket")
  func canceled() throws {
    let canceled = try TicketWorkflow.cancel(try newTicket(), reason: "x", actor: "t", now: now).ticket
    let error = #expect(throws: DomainError.self) {
      try TabRules.addMessage(employeeMessage(), to: canceled, status: nil, actor: "t", now: now, lookup: world)
    }
    #expect(error?.violations.first?.reason == "TICKET_CANCELED")
  }

  @Test(
    "phone numbers",
    arguments: [
      ("(49) 3322-1100", true), ("+55 49 99988-7766", true), ("4933221100", true), ("123", false),
      ("49 3322 11OO", false), ("+55+49999887766", false), ("1234567890123456", false),
    ])
  func phones(phone: String, valid: Bool) {
    #expect(TabRules.isValidPhone(phone) == valid)
  }

  @Test(
    "e-mail addresses",
    arguments: [
      ("ana@example.com", true), ("a.b+c@mail.provedor.com.br", true), ("ana@example", false), ("@example.com", false),
      ("ana example@x.com", false), ("ana@@x.com", false), ("ana@x..com", false), ("ana@x.c", false),
    ])
  func emails(email: String, valid: Bool) {
    #expect(TabRules.isValidEmail(email) == valid)
  }

  @Test("a contact needs a name and a phone or an e-mail; all problems are reported together")
  func contacts() throws {
    let error = #expect(throws: DomainError.self) {
      try TabRules.validate(
        TicketContact(ticketID: 1, name: " ", phone: "12", email: "x@", note: String(repeating: "n", count: 501)))
    }
    #expect(
      Set(error?.violations.map(\.field) ?? []) == ["contact.name", "contact.phone", "contact.email", "contact.note"])
    #expect(throws: DomainError.self) { try TabRules.validate(TicketContact(ticketID: 1, name: "Ana")) }
    let valid = try TabRules.validate(TicketContact(ticketID: 1, name: " Ana ", email: "ana@example.com"))
    #expect(valid.name == "Ana")
  }
}
