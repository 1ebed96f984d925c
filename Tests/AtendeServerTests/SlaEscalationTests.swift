import AtendeAPI
import AtendeServer
import AtendeStore
import AtendeStoreTestSupport
import Foundation
import Logging
import Synchronization
import Testing

private let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

/// Every hour of every day, in UTC: business time is wall time, so the figures are plain.
private let aroundTheClock = BusinessCalendar(
  name: "24x7", timeZone: "UTC",
  hours: (1...7).map { WorkingPeriod(weekday: Weekday(rawValue: Int32($0)), startMinute: 0, endMinute: 1440) })

private let hour: TimeInterval = 3600

@Suite("SLA escalations: rules through the API, passes over the open tickets")
struct SlaEscalationTests {
  /// A calendar, a policy for subject 1 (so that raising the priority keeps it) with a
  /// 1-hour first response and 8-hour resolution, and three rules.
  static func configure(_ sla: SlaService.Client, subject: Int64) async throws -> (
    policy: SlaPolicy, rules: [EscalationRule]
  ) {
    let calendar = try await sla.putCalendar(.init(calendar: aroundTheClock))
    let policy = try await sla.putPolicy(
      .init(
        policy: SlaPolicy(
          name: "Sem conexão", calendarId: calendar.id, subjectId: subject, firstResponseMinutes: 60,
          resolutionMinutes: 480, active: true)))
    var rules: [EscalationRule] = []
    for rule in [
      EscalationRule(name: "Sem resposta", active: true, target: .firstResponse),
      EscalationRule(
        name: "Quase estourando", active: true, policyId: policy.id, target: .resolution, offsetMinutes: -60,
        raisePriorityTo: .critical),
      EscalationRule(
        name: "Estourado", active: true, policyId: policy.id, target: .resolution, reassignDepartmentId: 2,
        assignEmployeeId: 3),
    ] {
      rules.append(try await sla.putEscalationRule(.init(rule: rule)))
    }
    return (policy, rules)
  }

  @Test(arguments: Engine.available) func rulesActOnceEachAtTheirTime(engine: Engine) async throws {
    let clock = ManualClock()
    try await withTicketServer(engine, now: { clock.now }) { tickets, store in
      let sla = SlaService.Client(tickets.client)
      let subject = try await Demo.subject("Sem conexão", store)
      let (_, rules) = try await Self.configure(sla, subject: subject)
      #expect(
        try await sla.listEscalationRules(.init()).rules.map(\.name) == [
          "Estourado", "Quase estourando", "Sem resposta",
        ])
      let escalator = SLAEscalator(store: store, interval: .seconds(60), logger: quiet)
      let opened = try await tickets.createTicket(.init(ticket: ticket(subject: subject)))
      let waiting = try await tickets.createTicket(.init(ticket: ticket(subject: subject, title: "Aguardando")))
      _ = try await tickets.changeTicketStatus(
        .init(id: waiting.id, expectedVersion: waiting.version, status: .pending, message: "Reinicie o roteador"))

      var pass = try await escalator.runOnce()
      #expect(pass.examined == 2 && pass.escalations.isEmpty)

      // 1 h without a response: the first-response rule, on the open ticket only (the other
      // was answered).
      clock.advance(by: hour)
      pass = try await escalator.runOnce()
      #expect(pass.escalations.map(\.ruleID) == [rules[0].id])
      #expect(pass.escalations.map(\.ticketID) == [opened.id])
      var current = try await tickets.getTicket(.init(key: .id(opened.id)))
      #expect(current.priority == .high)
      #expect(current.version == opened.version + 1)

      // 7 h: an hour before the breach, the priority goes to CRITICAL. The paused ticket
      // has counted a few seconds and waits.
      clock.advance(by: 6 * hour)
      pass = try await escalator.runOnce()
      #expect(pass.escalations.map(\.ruleID) == [rules[1].id])
      current = try await tickets.getTicket(.init(key: .id(opened.id)))
      #expect(current.priority == .critical)
      #expect(current.sla?.policyName == "Sem conexão")  // the policy is the subject's: kept

      // 8 h: breached, moved to SAC and to Elisa.
      clock.advance(by: hour)
      pass = try await escalator.runOnce()
      #expect(pass.escalations.map(\.ruleID) == [rules[2].id])
      current = try await tickets.getTicket(.init(key: .id(opened.id)))
      #expect(current.departmentId == 2 && current.assigneeId == 3)
      #expect(current.sla?.resolution?.remaining?.seconds == 0)  // due now

      // Nothing acts twice.
      clock.advance(by: 24 * hour)
      pass = try await escalator.runOnce()
      #expect(pass.escalations.isEmpty)
      #expect(pass.examined == 2)
      #expect(try await tickets.getTicket(.init(key: .id(opened.id))).sla?.resolution?.breached == true)

      let history = try await tickets.listTicketHistory(.init(id: opened.id)).entries
      let escalated = history.filter { $0.kind == "ESCALATED" }
      #expect(escalated.map(\.field) == ["sla.first_response", "sla.resolution", "sla.resolution"])
      #expect(escalated.map(\.newValue) == rules.map { String($0.id) })
      #expect(escalated.allSatisfy { $0.actor == "sla-escalation" })
      #expect(escalated[1].note == "rule Quase estourando (60 business minutes before the breach)")
      #expect(
        history.contains {
          $0.kind == "FIELD_CHANGED" && $0.field == "priority" && $0.oldValue == "HIGH" && $0.newValue == "CRITICAL"
        })
      #expect(history.contains { $0.kind == "ASSIGNED" && $0.newValue == "3" && $0.actor == "sla-escalation" })

      // Every escalation is an ESCALATED event (the notification).
      let events = try await escalatedEvents(in: store)
      #expect(events.map(\.ticketID) == [opened.id, opened.id, opened.id])
      #expect(events[1].fields == ["priority"])
      #expect(events[2].fields == ["department_id", "assignee_id"])

      // The paused ticket, solved, is left alone however late.
      let paused = try await tickets.getTicket(.init(key: .id(waiting.id)))
      #expect(paused.sla?.resolution?.state == .paused)
      #expect(try await tickets.listTicketHistory(.init(id: waiting.id)).entries.allSatisfy { $0.kind != "ESCALATED" })
    }
  }

  @Test(arguments: Engine.available) func severalServersEscalateOnce(engine: Engine) async throws {
    let clock = ManualClock()
    try await withTicketServer(engine, now: { clock.now }) { tickets, store in
      let sla = SlaService.Client(tickets.client)
      let subject = try await Demo.subject("Sem conexão", store)
      let (_, rules) = try await Self.configure(sla, subject: subject)
      var opened: [Ticket] = []
      for index in 0..<6 {
        opened.append(try await tickets.createTicket(.init(ticket: ticket(subject: subject, title: "Queda \(index)"))))
      }
      clock.advance(by: 9 * hour)
      // Four escalators, as four servers would, pass at once.
      let passes = try await withThrowingTaskGroup(of: SLAEscalator.Pass.self) { group in
        for _ in 0..<4 {
          group.addTask { try await SLAEscalator(store: store, interval: .seconds(60), logger: quiet).runOnce() }
        }
        return try await group.reduce(into: []) { $0.append($1) }
      }
      let all = passes.flatMap(\.escalations)
      #expect(all.count == opened.count * rules.count)
      #expect(Set(all.map { "\($0.ticketID)-\($0.ruleID)" }).count == all.count)
      #expect(passes.allSatisfy { $0.failures == 0 })
      for ticket in opened {
        let history = try await tickets.listTicketHistory(.init(id: ticket.id)).entries
        #expect(history.filter { $0.kind == "ESCALATED" }.count == rules.count)
      }
    }
  }

  @Test("the service passes on its schedule until cancelled") func schedule() async throws {
    let clock = ManualClock()
    try await withTicketServer(.sqlite, now: { clock.now }) { tickets, store in
      let sla = SlaService.Client(tickets.client)
      let subject = try await Demo.subject("Sem conexão", store)
      _ = try await Self.configure(sla, subject: subject)
      let opened = try await tickets.createTicket(.init(ticket: ticket(subject: subject)))
      // Each wait moves the clock by the interval (30 min); the tenth ends the service.
      let waits = Mutex(0)
      let escalator = SLAEscalator(store: store, interval: .seconds(1800), logger: quiet) { interval in
        let count = waits.withLock { count in
          count += 1
          return count
        }
        #expect(interval == .seconds(1800))
        if count == 10 { throw CancellationError() }
        clock.advance(by: 1800)
      }
      try await escalator.run()
      // 9 waits of 30 minutes: 4 h 30, past the first-response target only.
      let history = try await tickets.listTicketHistory(.init(id: opened.id)).entries
      #expect(history.filter { $0.kind == "ESCALATED" }.map(\.field) == ["sla.first_response"])
      #expect(waits.withLock { $0 } == 10)
    }
  }

  @Test(arguments: Engine.available) func rulesThroughTheAPI(engine: Engine) async throws {
    try await withTicketServer(engine) { tickets, _ in
      let sla = SlaService.Client(tickets.client)
      let rule = try await sla.putEscalationRule(
        .init(rule: EscalationRule(name: "Estourado", active: true, target: .resolution, raisePriorityTo: .high)))
      #expect(rule.id > 0 && rule.version == 1)
      #expect(try await sla.getEscalationRule(.init(id: rule.id)) == rule)
      var changed = rule
      changed.offsetMinutes = 30
      let stale = await #expect(throws: RPCError.self) {
        try await sla.putEscalationRule(.init(rule: changed, expectedVersion: 9))
      }
      #expect(stale?.code == .aborted)
      #expect(try await sla.putEscalationRule(.init(rule: changed, expectedVersion: 1)).offsetMinutes == 30)

      let noTarget = await #expect(throws: RPCError.self) {
        try await sla.putEscalationRule(.init(rule: EscalationRule(name: "Sem alvo")))
      }
      #expect(noTarget?.violationSummary == ["rule.target REQUIRED"])
      let bad = await #expect(throws: RPCError.self) {
        try await sla.putEscalationRule(
          .init(
            rule: EscalationRule(
              name: "Ruim", policyId: 77, target: .resolution, reassignDepartmentId: 4, assignEmployeeId: 4)))
      }
      #expect(
        bad?.violationSummary == [
          "rule.policy_id NOT_FOUND", "rule.reassign_department_id INACTIVE", "rule.assign_employee_id INACTIVE",
        ])
      let taken = await #expect(throws: RPCError.self) {
        try await sla.putEscalationRule(.init(rule: EscalationRule(name: "ESTOURADO", target: .firstResponse)))
      }
      #expect(taken?.code == .alreadyExists)
    }
  }
}
