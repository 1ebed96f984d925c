public import Foundation

/// The rules of SLA escalations: which rules are valid, when one is due on a ticket, and
/// what it does to it.
public enum EscalationRules {
  /// The most rules a server keeps.
  public static let maxRules = 200
  /// The actor the history records for an escalation.
  public static let actor = "sla-escalation"

  /// `rule` as it is stored: name trimmed; version and times from `current`.
  public static func prepared(_ rule: EscalationRule, current: EscalationRule?, now: Date) -> EscalationRule {
    var next = rule
    next.name = rule.name.trimmingCharacters(in: .whitespacesAndNewlines)
    next.version = (current?.version ?? 0) + 1
    next.createdAt = current?.createdAt ?? now
    next.updatedAt = now
    return next
  }

  /// Checks a prepared rule: `lookup` reads its department and employee, `policyExists`
  /// says whether its policy (if any) exists, `nameTakenBy` is another rule's id with
  /// the same name regardless of case.
  public static func validate(
    _ rule: EscalationRule, policyExists: Bool, lookup: some ReferenceLookup, nameTakenBy: Int64?
  ) throws {
    var violations = Violations()
    if rule.name.isEmpty {
      violations.invalid("rule.name", "REQUIRED", "name is required")
    } else if rule.name.count > SLARules.maxNameLength {
      violations.invalid("rule.name", "TOO_LONG", "name must be at most \(SLARules.maxNameLength) characters")
    }
    if let policyID = rule.policyID, !policyExists {
      violations.invalid("rule.policy_id", "NOT_FOUND", "policy \(policyID) does not exist")
    }
    if abs(rule.offsetMinutes) > SLARules.maxTargetMinutes {
      violations.invalid(
        "rule.offset_minutes", "OUT_OF_RANGE",
        "offset_minutes must be -\(SLARules.maxTargetMinutes) … \(SLARules.maxTargetMinutes)")
    }
    if let departmentID = rule.reassignDepartmentID {
      if let department = try lookup.department(departmentID) {
        if !department.active {
          violations.precondition(
            "rule.reassign_department_id", "INACTIVE", "department \(department.name) is inactive")
        }
      } else {
        violations.invalid("rule.reassign_department_id", "NOT_FOUND", "department \(departmentID) does not exist")
      }
    }
    if let employeeID = rule.assignEmployeeID {
      if let employee = try lookup.employee(employeeID) {
        if !employee.active {
          violations.precondition("rule.assign_employee_id", "INACTIVE", "employee \(employee.name) is inactive")
        }
      } else {
        violations.invalid("rule.assign_employee_id", "NOT_FOUND", "employee \(employeeID) does not exist")
      }
    }
    if !rule.name.isEmpty, let other = nameTakenBy {
      throw DomainError(
        .alreadyExists, "an escalation rule named \(rule.name) exists already (id \(other))",
        violations: [.init(field: "rule.name", reason: "ALREADY_EXISTS", description: "the name is taken")])
    }
    try violations.throwIfAny("invalid escalation rule")
  }

  /// Whether `rule` is due on a ticket whose SLA is `sla`: the rule is active, matches
  /// the ticket's policy, and the watched clock, still running or paused, has counted at
  /// least its target plus the rule's offset.
  public static func isDue(_ rule: EscalationRule, sla: TicketSLA) -> Bool {
    guard rule.active else { return false }
    if let policyID = rule.policyID, policyID != sla.policyID { return false }
    let clock = rule.target == .firstResponse ? sla.firstResponse : sla.resolution
    guard let clock, clock.state == .running || clock.state == .paused else { return false }
    return clock.elapsed >= clock.target + TimeInterval(rule.offsetMinutes * 60)
  }

  /// What `rule` does to `ticket` at `now`: its priority raised, its department or
  /// assignee changed (each only when it differs and the department or employee is still
  /// active: one that is not is skipped and said so in the ESCALATED entry), the version
  /// bumped, and the history entries (ESCALATED first); with the fields changed for the
  /// event.
  public static func apply(_ rule: EscalationRule, to ticket: Ticket, now: Date, lookup: some ReferenceLookup)
    throws -> (outcome: TicketWorkflow.Outcome, fields: [String])
  {
    var next = ticket
    var entries: [HistoryEntry] = []
    var notes = ["rule \(rule.name) (\(describe(rule.offsetMinutes)))"]
    func changed(_ field: TicketField) {
      entries.append(
        HistoryEntry(
          at: now, actor: actor, kind: HistoryKind.fieldChanged, field: field.rawValue,
          oldValue: TicketRules.value(of: field, in: ticket), newValue: TicketRules.value(of: field, in: next)))
    }
    if let priority = rule.raisePriorityTo, priority > ticket.priority {
      next.priority = priority
      changed(.priority)
    }
    if let departmentID = rule.reassignDepartmentID, departmentID != ticket.departmentID {
      if let department = try lookup.department(departmentID), department.active {
        next.departmentID = departmentID
        changed(.departmentID)
      } else {
        notes.append("department \(departmentID) is missing or inactive: not reassigned")
      }
    }
    if let employeeID = rule.assignEmployeeID, employeeID != ticket.assigneeID {
      if let employee = try lookup.employee(employeeID), employee.active {
        next.assigneeID = employeeID
        entries.append(
          HistoryEntry(
            at: now, actor: actor, kind: HistoryKind.assigned, field: "assignee_id",
            oldValue: ticket.assigneeID.map(String.init) ?? "", newValue: String(employeeID)))
      } else {
        notes.append("employee \(employeeID) is missing or inactive: not assigned")
      }
    }
    let fields =
      entries.compactMap { $0.kind == HistoryKind.fieldChanged ? $0.field : nil }
      + (next.assigneeID != ticket.assigneeID ? ["assignee_id"] : [])
    entries.insert(
      HistoryEntry(
        at: now, actor: actor, kind: HistoryKind.escalated, field: rule.target.field, newValue: String(rule.id),
        note: notes.joined(separator: "; ")),
      at: 0)
    next.version += 1
    next.updatedAt = now
    return (TicketWorkflow.Outcome(ticket: next, entries: entries), fields)
  }

  /// An offset for people: `30 business minutes before the breach`, `at the breach`.
  public static func describe(_ offsetMinutes: Int) -> String {
    switch offsetMinutes {
    case 0: "at the breach"
    case ..<0: "\(-offsetMinutes) business minutes before the breach"
    default: "\(offsetMinutes) business minutes after the breach"
    }
  }
}
