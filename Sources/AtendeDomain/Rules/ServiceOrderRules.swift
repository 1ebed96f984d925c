public import Foundation

/// The rules of service orders (docs/DOMAIN.md, "What hangs off a ticket", and rule 5).
public enum ServiceOrderRules {
  public static let maxDescriptionLength = 5_000

  /// A new order for `ticket`: defaults from the ticket and the subject, checked.
  /// `order.subjectID`, `departmentID` (0) and `priority` (nil) may be left to defaults.
  public static func open(
    _ order: ServiceOrder, priority: Priority?, ticket: Ticket, now: Date, lookup: some ReferenceLookup
  ) throws -> ServiceOrder {
    try TicketWorkflow.requireEditable(ticket)
    var order = order
    var violations = Violations()
    order.subjectID = order.subjectID ?? ticket.subjectID
    let subject = try order.subjectID.flatMap { try lookup.subject($0) }
    if let subjectID = order.subjectID {
      if let subject {
        if !subject.active {
          violations.precondition("order.subject_id", "INACTIVE", "subject \(subject.name) is inactive")
        }
      } else {
        violations.invalid("order.subject_id", "NOT_FOUND", "subject \(subjectID) does not exist")
      }
    }
    if order.departmentID == 0 { order.departmentID = subject?.defaultDepartmentID ?? ticket.departmentID }
    if let department = try lookup.department(order.departmentID) {
      if !department.active {
        violations.precondition("order.department_id", "INACTIVE", "department \(department.name) is inactive")
      }
    } else {
      violations.invalid("order.department_id", "NOT_FOUND", "department \(order.departmentID) does not exist")
    }
    order.priority = priority ?? ticket.priority
    order.description = order.description.trimmingCharacters(in: .whitespacesAndNewlines)
    if order.description.isEmpty {
      violations.invalid("order.description", "REQUIRED", "description is required")
    } else if order.description.count > maxDescriptionLength {
      violations.invalid(
        "order.description", "TOO_LONG", "description must be at most \(maxDescriptionLength) characters")
    }
    order.requiresSignature = subject?.serviceOrderRequiresSignature ?? false
    // Rule 5: an order that needs the customer's signature needs the ticket's contract.
    // Rule 4 holds for orders too: the contract and login the order's subject requires
    // are the ticket's (an order has none of its own).
    if order.requiresSignature && ticket.contractID == nil {
      violations.precondition(
        "ticket.contract_id", "REQUIRED_BY_SUBJECT",
        "the order must be signed by the customer: the ticket needs a contract")
    } else if subject?.contractRequired == true && ticket.contractID == nil {
      violations.precondition(
        "ticket.contract_id", "REQUIRED_BY_SUBJECT",
        "the order's subject \(subject?.name ?? "") requires a contract: the ticket has none")
    }
    if subject?.loginRequired == true && ticket.loginID == nil {
      violations.precondition(
        "ticket.login_id", "REQUIRED_BY_SUBJECT",
        "the order's subject \(subject?.name ?? "") requires a login: the ticket has none")
    }
    if let technicianID = order.technicianID {
      try checkTechnician(technicianID, department: order.departmentID, lookup: lookup, into: &violations)
    }
    try violations.throwIfAny("cannot open the service order")
    order.status = .open
    order.signedAt = nil
    order.signedBy = ""
    order.createdAt = now
    order.updatedAt = now
    order.version = 1
    return order
  }

  /// Moves the order along its status set.
  public static func changeStatus(
    _ order: ServiceOrder, to status: ServiceOrderStatus, ticket: Ticket, now: Date
  ) throws -> ServiceOrder {
    try TicketWorkflow.requireEditable(ticket)
    guard order.status.next.contains(status) else {
      throw precondition(
        "status", "NOT_ALLOWED",
        "a service order cannot go from \(order.status.name) to \(status.name); allowed: \(order.status.next.map(\.name).sorted().joined(separator: ", "))"
      )
    }
    if [.assumed, .enRoute, .inExecution].contains(status) && order.technicianID == nil {
      throw precondition("technician_id", "REQUIRED", "\(status.name) needs a technician")
    }
    if status == .scheduled && order.scheduledAt == nil {
      throw precondition("scheduled_at", "REQUIRED", "SCHEDULED needs a visit time: use ScheduleServiceOrder")
    }
    if status == .finished && order.requiresSignature && order.signedAt == nil {
      throw precondition("signed_at", "SIGNATURE_REQUIRED", "the customer must sign the order before it is finished")
    }
    var next = order
    next.status = status
    return bumped(next, now: now)
  }

  /// Puts a technician of the order's department in charge.
  public static func assign(
    _ order: ServiceOrder, technician: Int64, ticket: Ticket, now: Date, lookup: some ReferenceLookup
  ) throws -> ServiceOrder {
    try TicketWorkflow.requireEditable(ticket)
    try requireUnfinished(order)
    var violations = Violations()
    try checkTechnician(technician, department: order.departmentID, lookup: lookup, into: &violations)
    try violations.throwIfAny("cannot assign the technician")
    var next = order
    next.technicianID = technician
    return bumped(next, now: now)
  }

  /// Sets the visit time (in the future); an order not yet under way becomes SCHEDULED.
  public static func schedule(_ order: ServiceOrder, at date: Date, ticket: Ticket, now: Date) throws -> ServiceOrder {
    try TicketWorkflow.requireEditable(ticket)
    try requireUnfinished(order)
    guard date > now else {
      throw DomainError(
        .invalidArgument, "the visit must be in the future",
        violations: [
          .init(field: "scheduled_at", reason: "IN_THE_PAST", description: "the visit must be in the future")
        ])
    }
    var next = order
    next.scheduledAt = date
    if [.open, .analysis, .forwarded, .assumed, .awaitingReschedule].contains(order.status) {
      next.status = .scheduled
    }
    return bumped(next, now: now)
  }

  /// Records the customer's signature of an order that requires one.
  public static func sign(_ order: ServiceOrder, by name: String, ticket: Ticket, now: Date) throws -> ServiceOrder {
    try TicketWorkflow.requireEditable(ticket)
    guard order.requiresSignature else {
      throw precondition("signed_by", "NOT_REQUIRED", "this order does not take a signature")
    }
    guard order.signedAt == nil else {
      throw precondition("signed_by", "ALREADY_SIGNED", "the order is signed already")
    }
    let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !name.isEmpty else {
      throw DomainError(
        .invalidArgument, "signed_by is required",
        violations: [.init(field: "signed_by", reason: "REQUIRED", description: "who signed")])
    }
    var next = order
    next.signedAt = now
    next.signedBy = name
    return bumped(next, now: now)
  }

  private static func checkTechnician(
    _ id: Int64, department: Int64, lookup: some ReferenceLookup, into violations: inout Violations
  ) throws {
    guard let employee = try lookup.employee(id) else {
      violations.invalid("technician_id", "NOT_FOUND", "employee \(id) does not exist")
      return
    }
    if !employee.active {
      violations.precondition("technician_id", "INACTIVE", "employee \(employee.name) is inactive")
    } else if !employee.departmentIDs.contains(department) {
      violations.precondition(
        "technician_id", "NOT_IN_DEPARTMENT", "\(employee.name) does not work in the order's department \(department)")
    }
  }

  private static func requireUnfinished(_ order: ServiceOrder) throws(DomainError) {
    if order.status == .finished { throw precondition("status", "FINISHED", "the service order is finished") }
  }

  private static func bumped(_ order: ServiceOrder, now: Date) -> ServiceOrder {
    var next = order
    next.version += 1
    next.updatedAt = now
    return next
  }

  private static func precondition(_ field: String, _ reason: String, _ description: String) -> DomainError {
    DomainError(
      .failedPrecondition, description,
      violations: [.init(field: field, reason: reason, description: description, isPrecondition: true)])
  }
}
