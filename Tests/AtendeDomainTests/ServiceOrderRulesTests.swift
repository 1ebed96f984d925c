import AtendeDomain
import Foundation
import Testing

@Suite("Service order rules")
struct ServiceOrderRulesTests {
  let world = InMemoryReferences.world()

  func ticket(subject: Int64? = 50, contract: Int64? = nil) throws -> Ticket {
    var fields = validFields()
    fields.subjectID = subject
    fields.contractID = contract
    return try TicketRules.open(fields, actor: "t", now: now, lookup: world)
  }

  func open(_ ticket: Ticket, technician: Int64? = nil, department: Int64 = 0) throws -> ServiceOrder {
    try ServiceOrderRules.open(
      ServiceOrder(ticketID: 1, departmentID: department, technicianID: technician, description: "Trocar conector"),
      priority: nil, ticket: ticket, now: now, lookup: world)
  }

  @Test("an order takes the ticket's subject, department and priority by default")
  func defaults() throws {
    let order = try open(try ticket())
    #expect(order.status == .open)
    #expect(order.subjectID == 50)
    #expect(order.departmentID == 10)
    #expect(order.priority == .normal)
    #expect(!order.requiresSignature)
  }

  @Test("rule 4 for orders: the contract and login the order's subject requires must be on the ticket")
  func subjectFlagsApply() throws {
    let plain = try ticket()  // no contract, no login
    for (subject, fields) in [
      (Int64(51), ["ticket.contract_id"]), (Int64(52), ["ticket.contract_id", "ticket.login_id"]),
    ] {
      let error = #expect(throws: DomainError.self) {
        try ServiceOrderRules.open(
          ServiceOrder(ticketID: 1, subjectID: subject, description: "Visita"), priority: nil, ticket: plain, now: now,
          lookup: world)
      }
      #expect(error?.kind == .failedPrecondition)
      #expect(error?.violations.map(\.field) == fields)
      #expect(error?.violations.allSatisfy { $0.reason == "REQUIRED_BY_SUBJECT" } == true)
    }
    var equipped = plain
    equipped.contractID = 100
    equipped.loginID = 200
    let order = try ServiceOrderRules.open(
      ServiceOrder(ticketID: 1, subjectID: 52, description: "Visita"), priority: nil, ticket: equipped, now: now,
      lookup: world)
    #expect(order.subjectID == 52)
  }

  @Test("rule 5: an order whose subject needs a signature needs the ticket's contract")
  func signatureNeedsContract() throws {
    // Subject 54 requires a signature; the ticket is opened with the contract (rule 5 on the ticket too).
    let withContract = try ticket(subject: 54, contract: 100)
    let order = try open(withContract)
    #expect(order.requiresSignature)
    var noContract = withContract
    noContract.contractID = nil
    let error = #expect(throws: DomainError.self) { try open(noContract) }
    #expect(error?.violations.first?.reason == "REQUIRED_BY_SUBJECT")
  }

  @Test("the technician must be an active employee of the order's department")
  func technician() throws {
    let base = try ticket()
    #expect(try open(base, technician: 40).technicianID == 40)
    let other = #expect(throws: DomainError.self) { try open(base, technician: 40, department: 12) }
    #expect(other?.violations.first?.reason == "NOT_IN_DEPARTMENT")
    let inactive = #expect(throws: DomainError.self) { try open(base, technician: 41) }
    #expect(inactive?.violations.first?.reason == "INACTIVE")
    let order = try open(base)
    let missing = #expect(throws: DomainError.self) {
      try ServiceOrderRules.assign(order, technician: 999, ticket: base, now: now, lookup: world)
    }
    #expect(missing?.kind == .invalidArgument)
  }

  @Test("statuses move only along the allowed paths, with their requirements")
  func statuses() throws {
    let base = try ticket(subject: 54, contract: 100)
    var order = try open(base)
    #expect(throws: DomainError.self) {
      try ServiceOrderRules.changeStatus(order, to: .finished, ticket: base, now: now)
    }
    #expect(throws: DomainError.self) {
      try ServiceOrderRules.changeStatus(order, to: .assumed, ticket: base, now: now)
    }  // no technician
    #expect(throws: DomainError.self) {
      try ServiceOrderRules.changeStatus(order, to: .scheduled, ticket: base, now: now)
    }  // no time
    order = try ServiceOrderRules.assign(order, technician: 40, ticket: base, now: now, lookup: world)
    order = try ServiceOrderRules.schedule(order, at: now.addingTimeInterval(86_400), ticket: base, now: now)
    #expect(order.status == .scheduled)
    for status in [ServiceOrderStatus.enRoute, .inExecution] {
      order = try ServiceOrderRules.changeStatus(order, to: status, ticket: base, now: now)
    }
    let unsigned = #expect(throws: DomainError.self) {
      try ServiceOrderRules.changeStatus(order, to: .finished, ticket: base, now: now)
    }
    #expect(unsigned?.violations.first?.reason == "SIGNATURE_REQUIRED")
    order = try ServiceOrderRules.sign(order, by: "Ana Paula", ticket: base, now: now)
    #expect(throws: DomainError.self) { try ServiceOrderRules.sign(order, by: "again", ticket: base, now: now) }
    order = try ServiceOrderRules.changeStatus(order, to: .finished, ticket: base, now: now)
    #expect(order.status == .finished)
    #expect(ServiceOrderStatus.finished.next.isEmpty)
    #expect(throws: DomainError.self) {
      try ServiceOrderRules.schedule(order, at: now.addingTimeInterval(3600), ticket: base, now: now)
    }
  }

  @Test("a visit is scheduled in the future; nothing happens to orders of a canceled ticket")
  func scheduleAndCanceled() throws {
    let base = try ticket()
    let order = try open(base)
    #expect(throws: DomainError.self) {
      try ServiceOrderRules.schedule(order, at: now.addingTimeInterval(-60), ticket: base, now: now)
    }
    let canceled = try TicketWorkflow.cancel(base, reason: "x", actor: "t", now: now).ticket
    let error = #expect(throws: DomainError.self) { try open(canceled) }
    #expect(error?.violations.first?.reason == "TICKET_CANCELED")
    #expect(throws: DomainError.self) {
      try ServiceOrderRules.changeStatus(order, to: .analysis, ticket: canceled, now: now)
    }
  }
}
