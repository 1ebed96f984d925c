import AtendeDomain
import Foundation
import Testing

@Suite("SLA escalation rules")
struct EscalationRulesTests {
  let world = InMemoryReferences.world()
  let now = Date(timeIntervalSince1970: 1_800_000_000)

  func clock(_ state: SLAClockState, elapsedMinutes: Double, targetMinutes: Double = 480) -> SLATargetStatus {
    SLATargetStatus(
      target: targetMinutes * 60, state: state, dueAt: nil, elapsed: elapsedMinutes * 60,
      breached: elapsedMinutes > targetMinutes, completedAt: nil)
  }

  func sla(policy: Int64? = 7, first: SLATargetStatus? = nil, resolution: SLATargetStatus? = nil) -> TicketSLA {
    TicketSLA(policyID: policy, policyName: "p", calendarID: 1, firstResponse: first, resolution: resolution)
  }

  @Test("a rule is due once its clock has counted the target plus the offset, running or paused")
  func due() {
    let before = EscalationRule(id: 1, name: "before", target: .resolution, offsetMinutes: -60)
    #expect(!EscalationRules.isDue(before, sla: sla(resolution: clock(.running, elapsedMinutes: 419))))
    #expect(EscalationRules.isDue(before, sla: sla(resolution: clock(.running, elapsedMinutes: 420))))
    #expect(EscalationRules.isDue(before, sla: sla(resolution: clock(.paused, elapsedMinutes: 430))))
    #expect(!EscalationRules.isDue(before, sla: sla(resolution: clock(.completed, elapsedMinutes: 500))))
    #expect(!EscalationRules.isDue(before, sla: sla(resolution: clock(.canceled, elapsedMinutes: 500))))
    // The other clock, or none, does not count.
    #expect(!EscalationRules.isDue(before, sla: sla(first: clock(.running, elapsedMinutes: 900))))
    let after = EscalationRule(id: 2, name: "after", target: .firstResponse, offsetMinutes: 30)
    #expect(!EscalationRules.isDue(after, sla: sla(first: clock(.running, elapsedMinutes: 89, targetMinutes: 60))))
    #expect(EscalationRules.isDue(after, sla: sla(first: clock(.running, elapsedMinutes: 90, targetMinutes: 60))))
    // Only the rule's policy; the subject's own hours have none.
    var scoped = before
    scoped.policyID = 8
    #expect(!EscalationRules.isDue(scoped, sla: sla(resolution: clock(.running, elapsedMinutes: 600))))
    scoped.policyID = 7
    #expect(EscalationRules.isDue(scoped, sla: sla(resolution: clock(.running, elapsedMinutes: 600))))
    #expect(!EscalationRules.isDue(scoped, sla: sla(policy: nil, resolution: clock(.running, elapsedMinutes: 600))))
    var inactive = before
    inactive.active = false
    #expect(!EscalationRules.isDue(inactive, sla: sla(resolution: clock(.running, elapsedMinutes: 600))))
  }

  func ticket(priority: Priority = .normal, department: Int64 = 10, assignee: Int64? = nil) -> Ticket {
    Ticket(
      id: 5, protocolNumber: "2026000000005", kind: .client, clientID: 1, title: "t", departmentID: department,
      priority: priority, description: "d", status: .inProgress, assigneeID: assignee, createdAt: now,
      updatedAt: now, openedBy: "t", version: 3)
  }

  @Test("acting raises the priority, reassigns, assigns, and records each change after an ESCALATED entry")
  func apply() throws {
    let rule = EscalationRule(
      id: 9, name: "Quase estourando", target: .resolution, offsetMinutes: -30, raisePriorityTo: .critical,
      reassignDepartmentID: 12, assignEmployeeID: 40)
    let (outcome, fields) = try EscalationRules.apply(rule, to: ticket(), now: now, lookup: world)
    #expect(outcome.ticket.priority == .critical)
    #expect(outcome.ticket.departmentID == 12)
    #expect(outcome.ticket.assigneeID == 40)
    #expect(outcome.ticket.version == 4 && outcome.ticket.updatedAt == now)
    #expect(outcome.entries.map(\.kind) == ["ESCALATED", "FIELD_CHANGED", "FIELD_CHANGED", "ASSIGNED"])
    #expect(outcome.entries.allSatisfy { $0.actor == EscalationRules.actor })
    #expect(outcome.entries[0].field == "sla.resolution" && outcome.entries[0].newValue == "9")
    #expect(outcome.entries[0].note == "rule Quase estourando (30 business minutes before the breach)")
    #expect(outcome.entries[1].oldValue == "NORMAL" && outcome.entries[1].newValue == "CRITICAL")
    #expect(fields == ["priority", "department_id", "assignee_id"])
  }

  @Test("a priority is never lowered; what is already so, or inactive, is left and said so")
  func leavesWhatCannotChange() throws {
    let rule = EscalationRule(
      id: 9, name: "r", target: .resolution, raisePriorityTo: .high, reassignDepartmentID: 11, assignEmployeeID: 40)
    let (outcome, fields) = try EscalationRules.apply(
      rule, to: ticket(priority: .critical, assignee: 40), now: now, lookup: world)
    #expect(outcome.ticket.priority == .critical)
    #expect(outcome.ticket.departmentID == 10)
    #expect(outcome.entries.map(\.kind) == ["ESCALATED"])
    #expect(outcome.entries[0].note.contains("department 11 is missing or inactive: not reassigned"))
    #expect(fields.isEmpty)
    #expect(outcome.ticket.version == 4)  // the escalation itself is a change
  }

  @Test("a rule's problems are named by field")
  func validation() {
    let bad = EscalationRule(
      name: "", policyID: 3, target: .resolution, offsetMinutes: 600_000, reassignDepartmentID: 11,
      assignEmployeeID: 99)
    let error = #expect(throws: DomainError.self) {
      try EscalationRules.validate(bad, policyExists: false, lookup: world, nameTakenBy: nil)
    }
    #expect(
      (error?.violations ?? []).map { "\($0.field) \($0.reason)" } == [
        "rule.name REQUIRED", "rule.policy_id NOT_FOUND", "rule.offset_minutes OUT_OF_RANGE",
        "rule.reassign_department_id INACTIVE", "rule.assign_employee_id NOT_FOUND",
      ])
    #expect(EscalationRules.describe(0) == "at the breach")
    #expect(EscalationRules.describe(45) == "45 business minutes after the breach")
  }
}
