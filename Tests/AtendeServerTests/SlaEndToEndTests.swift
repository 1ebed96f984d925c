import AtendeAPI
import AtendeStoreTestSupport
import Foundation
import Testing

/// `text` ("2026-12-07 09:30") as a local time in São Paulo.
private func saoPaulo(_ text: String) -> Date {
  let formatter = DateFormatter()
  formatter.locale = Locale(identifier: "en_US_POSIX")
  formatter.timeZone = TimeZone(identifier: "America/Sao_Paulo")
  formatter.dateFormat = "yyyy-MM-dd HH:mm"
  return formatter.date(from: text)!
}

private func minutes(_ duration: Google_Protobuf_Duration?) -> Double? {
  duration.map { (Double($0.seconds) + Double($0.nanos) / 1e9) / 60 }
}

/// Monday to Friday, 08:00–12:00 and 13:00–18:00 in São Paulo.
private let desk = BusinessCalendar(
  name: "Suporte SP", timeZone: "America/Sao_Paulo",
  hours: [WorkingPeriod](
    (1...5).flatMap { day in
      [
        WorkingPeriod(weekday: Weekday(rawValue: Int32(day)), startMinute: 480, endMinute: 720),
        WorkingPeriod(weekday: Weekday(rawValue: Int32(day)), startMinute: 780, endMinute: 1080),
      ]
    }), holidays: [Holiday(date: "2026-12-25", name: "Natal")])

@Suite("SLA calendars, policies and ticket clocks through the API")
struct SlaEndToEndTests {
  @Test(arguments: Engine.available) func calendarsAndPolicies(engine: Engine) async throws {
    try await withTicketServer(engine) { tickets, _ in
      let sla = SlaService.Client(tickets.client)
      let created = try await sla.putCalendar(.init(calendar: desk), options: asTester)
      #expect(created.id > 0 && created.version == 1)
      #expect(created.hours == desk.hours && created.holidays == desk.holidays)
      #expect(created.createdAt != nil && created.createdAt == created.updatedAt)
      #expect(try await sla.getCalendar(.init(id: created.id)) == created)
      #expect(try await sla.listCalendars(.init()).calendars == [created])

      var changed = created
      changed.holidays.append(Holiday(date: "2027-01-01", name: "Ano novo"))
      let stale = await #expect(throws: RPCError.self) {
        try await sla.putCalendar(.init(calendar: changed, expectedVersion: 7))
      }
      #expect(stale?.code == .aborted)
      let replaced = try await sla.putCalendar(.init(calendar: changed, expectedVersion: 1))
      #expect(replaced.version == 2 && replaced.holidays.count == 2 && replaced.createdAt == created.createdAt)

      var twin = desk
      twin.name = "SUPORTE sp"
      let taken = await #expect(throws: RPCError.self) { try await sla.putCalendar(.init(calendar: twin)) }
      #expect(taken?.code == .alreadyExists)

      var bad = desk
      bad.name = "Ruim"
      bad.timeZone = "America/Atlantis"
      bad.hours[1].startMinute = 600
      bad.holidays = [Holiday(date: "2026-02-29")]
      let invalid = await #expect(throws: RPCError.self) { try await sla.putCalendar(.init(calendar: bad)) }
      #expect(invalid?.code == .invalidArgument)
      #expect(
        invalid?.violationSummary == [
          "calendar.time_zone UNKNOWN", "calendar.hours[1] OVERLAPPING", "calendar.holidays[0].date INVALID",
        ])
      let missing = await #expect(throws: RPCError.self) { try await sla.getCalendar(.init(id: 999)) }
      #expect(missing?.code == .notFound)

      let policy = try await sla.putPolicy(
        .init(
          policy: SlaPolicy(
            name: "Alta prioridade", calendarId: created.id, priority: .high, firstResponseMinutes: 60,
            resolutionMinutes: 480, active: true)))
      #expect(policy.id > 0 && policy.version == 1 && policy.priority == .high)
      #expect(try await sla.getPolicy(.init(id: policy.id)) == policy)
      #expect(try await sla.listPolicies(.init()).policies == [policy])
      let orphan = await #expect(throws: RPCError.self) {
        try await sla.putPolicy(
          .init(policy: SlaPolicy(name: "Sem calendário", calendarId: 999, subjectId: 998, resolutionMinutes: 60)))
      }
      #expect(orphan?.violationSummary == ["policy.calendar_id NOT_FOUND", "policy.subject_id NOT_FOUND"])
      let targetless = await #expect(throws: RPCError.self) {
        try await sla.putPolicy(.init(policy: SlaPolicy(name: "Vazia", calendarId: created.id)))
      }
      #expect(targetless?.violationSummary == ["policy.first_response_minutes REQUIRED"])
    }
  }

  /// The figures of the closing note: an 8-hour resolution target paused overnight
  /// while the ticket waits for the customer.
  @Test(arguments: Engine.available) func clockPausesWhilePending(engine: Engine) async throws {
    let clock = ManualClock(saoPaulo("2026-12-07 09:00"))  // a Monday
    try await withTicketServer(engine, now: { clock.now }) { tickets, _ in
      let sla = SlaService.Client(tickets.client)
      let calendar = try await sla.putCalendar(.init(calendar: desk))
      var policy = try await sla.putPolicy(
        .init(
          policy: SlaPolicy(
            name: "Alta prioridade", calendarId: calendar.id, priority: .high, firstResponseMinutes: 60,
            resolutionMinutes: 480, active: true)))
      let opened = try await tickets.createTicket(.init(ticket: ticket(priority: .high)))
      #expect(opened.sla == nil)  // only reads carry the clocks

      func read() async throws -> Ticket { try await tickets.getTicket(.init(key: .id(opened.id))) }
      var current = try await read()
      #expect(current.sla?.policyId == policy.id && current.sla?.policyName == "Alta prioridade")
      #expect(current.sla?.calendarId == calendar.id)
      #expect(current.sla?.firstResponse?.state == .running)
      #expect(current.sla?.firstResponse?.dueAt?.date == saoPaulo("2026-12-07 10:00"))
      #expect(current.sla?.resolution?.dueAt?.date == saoPaulo("2026-12-07 18:00"))
      #expect(minutes(current.sla?.resolution?.target) == 480)

      // 09:30: the attendant answers and waits for the customer.
      clock.advance(to: saoPaulo("2026-12-07 09:30"))
      var version = try await tickets.changeTicketStatus(
        .init(id: opened.id, expectedVersion: 1, status: .pending, message: "Reinicie o roteador e nos avise")
      ).version
      // Tuesday 09:00: still waiting. The night and the wait count nothing.
      clock.advance(to: saoPaulo("2026-12-08 09:00"))
      current = try await read()
      #expect(current.sla?.firstResponse?.state == .completed)
      #expect(current.sla?.firstResponse?.completedAt?.date == saoPaulo("2026-12-07 09:30"))
      #expect(minutes(current.sla?.firstResponse?.elapsed) == 30)
      #expect(current.sla?.firstResponse?.breached == false)
      #expect(current.sla?.resolution?.state == .paused)
      #expect(minutes(current.sla?.resolution?.elapsed) == 30)
      #expect(minutes(current.sla?.resolution?.remaining) == 450)
      #expect(current.sla?.resolution?.dueAt == nil)

      // The customer answers; the clock resumes.
      version = try await tickets.changeTicketStatus(
        .init(id: opened.id, expectedVersion: version, status: .inProgress)
      ).version
      clock.advance(to: saoPaulo("2026-12-08 10:00"))
      current = try await read()
      #expect(current.sla?.resolution?.state == .running)
      #expect(minutes(current.sla?.resolution?.elapsed) == 90)
      #expect(minutes(current.sla?.resolution?.remaining) == 390)
      // 6 h 30 of business time after Tuesday 10:00: 10–12 and 13–17:30.
      #expect(current.sla?.resolution?.dueAt?.date == saoPaulo("2026-12-08 17:30"))
      let listed = try await tickets.listTickets(.init(pageSize: 50)).tickets.first { $0.id == opened.id }
      #expect(listed?.sla == current.sla)

      // Solved at 11:00, in time.
      clock.advance(to: saoPaulo("2026-12-08 11:00"))
      version = try await tickets.changeTicketStatus(
        .init(id: opened.id, expectedVersion: version, status: .solved, message: "Conexão normalizada")
      ).version
      clock.advance(to: saoPaulo("2026-12-09 09:00"))
      current = try await read()
      #expect(current.sla?.resolution?.state == .completed)
      #expect(current.sla?.resolution?.completedAt?.date == saoPaulo("2026-12-08 11:00"))
      #expect(minutes(current.sla?.resolution?.elapsed) == 150)
      #expect(current.sla?.resolution?.breached == false)

      // Reopened Wednesday 09:00 and left open: breached Wednesday at 15:30.
      version = try await tickets.reopenTicket(
        .init(id: opened.id, expectedVersion: version, reason: "Voltou a cair")
      ).version
      clock.advance(to: saoPaulo("2026-12-10 09:00"))
      current = try await read()
      #expect(current.sla?.resolution?.state == .running)
      #expect(current.sla?.resolution?.breached == true)
      // Wednesday 09:00 to 18:00 (lunch aside) and Thursday 08:00 to 09:00 add 9 hours.
      #expect(minutes(current.sla?.resolution?.elapsed) == 690)
      #expect(current.sla?.resolution?.dueAt?.date == saoPaulo("2026-12-09 15:30"))

      // A policy edit applies to the ticket's whole life at its next read.
      policy.resolutionMinutes = 24 * 60
      policy = try await sla.putPolicy(.init(policy: policy, expectedVersion: policy.version))
      current = try await read()
      #expect(current.sla?.resolution?.breached == false)
      #expect(minutes(current.sla?.resolution?.remaining) == 750)  // 24 h - 11 h 30

      // A ticket no policy matches has no SLA.
      let low = try await tickets.createTicket(.init(ticket: ticket(priority: .low)))
      #expect(try await tickets.getTicket(.init(key: .id(low.id))).sla == nil)
    }
  }
}
