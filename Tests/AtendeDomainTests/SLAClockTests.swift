import AtendeDomain
import Foundation
import Testing

/// A support desk in São Paulo: Monday to Friday, 08:00–12:00 and 13:00–18:00;
/// Christmas 2026 (a Friday) off.
private let desk = BusinessCalendar(
  id: 1, name: "Suporte SP", timeZone: "America/Sao_Paulo",
  hours: (1...5).flatMap {
    [
      WorkingPeriod(weekday: $0, startMinute: 8 * 60, endMinute: 12 * 60),
      WorkingPeriod(weekday: $0, startMinute: 13 * 60, endMinute: 18 * 60),
    ]
  },
  holidays: [Holiday(date: "2026-12-25", name: "Natal")])

/// `text` ("2026-12-07 09:30") as a local time in `zone`.
private func at(_ text: String, zone: String = "America/Sao_Paulo") -> Date {
  let formatter = DateFormatter()
  formatter.locale = Locale(identifier: "en_US_POSIX")
  formatter.timeZone = TimeZone(identifier: zone)
  formatter.dateFormat = "yyyy-MM-dd HH:mm"
  return formatter.date(from: text)!
}

private let hour: TimeInterval = 3600

@Suite("Business time on a calendar")
struct BusinessTimeTests {
  let time = BusinessTime(desk)

  @Test("working seconds skip nights, lunch, weekends and holidays")
  func seconds() {
    // 2026-12-07 is a Monday.
    #expect(time.seconds(from: at("2026-12-07 09:00"), to: at("2026-12-07 10:30")) == 1.5 * hour)
    #expect(time.seconds(from: at("2026-12-07 11:00"), to: at("2026-12-07 14:00")) == 2 * hour)
    #expect(time.seconds(from: at("2026-12-07 07:00"), to: at("2026-12-07 20:00")) == 9 * hour)
    // Friday 17:00 to Monday 09:00: one hour on Friday, one on Monday.
    #expect(time.seconds(from: at("2026-12-11 17:00"), to: at("2026-12-14 09:00")) == 2 * hour)
    // Thursday 24 to Monday 28: Christmas is off.
    #expect(time.seconds(from: at("2026-12-24 17:00"), to: at("2026-12-28 09:00")) == 2 * hour)
    #expect(time.seconds(from: at("2026-12-12 10:00"), to: at("2026-12-13 10:00")) == 0)
    #expect(time.seconds(from: at("2026-12-07 10:00"), to: at("2026-12-07 09:00")) == 0)
    // A full week is 45 working hours.
    #expect(time.seconds(from: at("2026-12-07 00:00"), to: at("2026-12-14 00:00")) == 45 * hour)
  }

  @Test("adding working time lands inside working hours")
  func adding() {
    #expect(time.date(adding: 2 * hour, to: at("2026-12-07 11:00")) == at("2026-12-07 14:00"))
    #expect(time.date(adding: 3 * hour, to: at("2026-12-11 17:00")) == at("2026-12-14 10:00"))
    #expect(time.date(adding: hour, to: at("2026-12-12 10:00")) == at("2026-12-14 09:00"))
    #expect(time.date(adding: 2 * hour, to: at("2026-12-24 17:00")) == at("2026-12-28 09:00"))
    #expect(time.date(adding: 0, to: at("2026-12-12 10:00")) == at("2026-12-12 10:00"))
    // Exactly the end of a period.
    #expect(time.date(adding: 4 * hour, to: at("2026-12-07 08:00")) == at("2026-12-07 12:00"))
  }

  @Test("local days follow daylight saving: the day it starts has 23 hours")
  func daylightSaving() {
    let always = BusinessTime(
      BusinessCalendar(
        name: "NY", timeZone: "America/New_York",
        hours: (1...7).map { WorkingPeriod(weekday: $0, startMinute: 0, endMinute: 1440) },
        holidays: [Holiday(date: "2026-01-01")]))
    // 2026-03-08: clocks go from 02:00 to 03:00 in New York.
    let sunday = always.seconds(
      from: at("2026-03-08 00:00", zone: "America/New_York"), to: at("2026-03-09 00:00", zone: "America/New_York"))
    #expect(sunday == 23 * hour)
    let office = BusinessTime(
      BusinessCalendar(
        name: "NY office", timeZone: "America/New_York",
        hours: (1...7).map { WorkingPeriod(weekday: $0, startMinute: 9 * 60, endMinute: 17 * 60) }))
    // 09:00–17:00 local is 8 hours on either side of the change (EST, then EDT).
    #expect(
      office.seconds(
        from: at("2026-03-07 00:00", zone: "America/New_York"), to: at("2026-03-10 00:00", zone: "America/New_York"))
        == 24 * hour)
    #expect(
      office.date(adding: 9 * hour, to: at("2026-03-07 16:00", zone: "America/New_York"))
        == at("2026-03-08 17:00", zone: "America/New_York"))
  }

  @Test("sparse working time is walked week by week; beyond the horizon there is no due time")
  func noWorkingTime() {
    var closed = desk
    closed.hours = [WorkingPeriod(weekday: 1, startMinute: 0, endMinute: 60)]
    closed.holidays = []
    // Only Mondays 00:00–01:00: 10 hours take 10 weeks.
    let time = BusinessTime(closed)
    #expect(time.date(adding: 10 * hour, to: at("2026-12-07 02:00")) == at("2027-02-15 01:00"))
    #expect(time.date(adding: 1_000_000 * hour, to: at("2026-12-07 02:00")) == nil)
  }
}

@Suite("SLA clocks")
struct SLAClockTests {
  let time = BusinessTime(desk)

  func clock(_ target: TimeInterval, _ timeline: [(String, TicketStatus)], stopAt: String? = nil, now: String)
    -> SLATargetStatus
  {
    SLAClock.evaluate(
      target: target, timeline: timeline.map { StatusChange(at: at($0.0), status: $0.1) },
      stopAt: stopAt.map { at($0) },
      time: time, now: at(now))
  }

  /// Opened Monday 09:00, answered at 10:00, waiting for the customer from 11:00 to
  /// Tuesday 09:00; an 8-hour resolution target.
  let pausedOvernight: [(String, TicketStatus)] = [
    ("2026-12-07 09:00", .new), ("2026-12-07 10:00", .inProgress), ("2026-12-07 11:00", .pending),
    ("2026-12-08 09:00", .inProgress),
  ]

  @Test("the clock pauses while PENDING and resumes after, keeping the time counted")
  func pauseAndResume() {
    let beforePause = clock(8 * hour, pausedOvernight, now: "2026-12-07 10:30")
    #expect(beforePause.state == .running)
    #expect(beforePause.elapsed == 1.5 * hour)
    #expect(beforePause.dueAt == at("2026-12-07 18:00"))

    let paused = clock(8 * hour, pausedOvernight, now: "2026-12-07 16:00")
    #expect(paused.state == .paused)
    #expect(paused.elapsed == 2 * hour)
    #expect(paused.remaining == 6 * hour)
    #expect(paused.dueAt == nil)
    #expect(!paused.breached)

    let resumed = clock(8 * hour, pausedOvernight, now: "2026-12-08 10:00")
    #expect(resumed.state == .running)
    #expect(resumed.elapsed == 3 * hour)
    #expect(resumed.remaining == 5 * hour)
    // Tuesday 10:00 + 5 business hours: 10–12 and 13–16.
    #expect(resumed.dueAt == at("2026-12-08 16:00"))
  }

  @Test("a clock past its target is breached, due at the moment it crossed")
  func breach() {
    let late = clock(4 * hour, pausedOvernight, now: "2026-12-08 15:00")
    #expect(late.state == .running)
    #expect(late.breached)
    // 2 hours on Monday, then Tuesday 09:00–11:00 reaches 4.
    #expect(late.dueAt == at("2026-12-08 11:00"))
    #expect(late.elapsed == 7 * hour)
    #expect(late.remaining == -3 * hour)
  }

  @Test("solving completes the clock; reopening resumes it from the time counted")
  func solveAndReopen() {
    var timeline = pausedOvernight + [("2026-12-08 11:00", .solved)]
    let solved = clock(8 * hour, timeline, now: "2026-12-09 10:00")
    #expect(solved.state == .completed)
    #expect(solved.completedAt == at("2026-12-08 11:00"))
    #expect(solved.elapsed == 4 * hour)
    #expect(!solved.breached)
    #expect(solved.dueAt == nil)

    timeline.append(("2026-12-10 09:00", .inProgress))
    let reopened = clock(8 * hour, timeline, now: "2026-12-10 12:00")
    #expect(reopened.state == .running)
    #expect(reopened.elapsed == 7 * hour)
    #expect(reopened.dueAt == at("2026-12-10 14:00"))
    timeline.append(("2026-12-10 16:00", .solved))
    let late = clock(8 * hour, timeline, now: "2026-12-11 09:00")
    #expect(late.state == .completed && late.breached)
    #expect(late.elapsed == 10 * hour)
    #expect(late.dueAt == at("2026-12-10 14:00"))
  }

  @Test("the first-response clock stops at the first response")
  func firstResponse() {
    let answered = clock(2 * hour, pausedOvernight, stopAt: "2026-12-07 10:00", now: "2026-12-08 10:00")
    #expect(answered.state == .completed)
    #expect(answered.elapsed == hour)
    #expect(answered.completedAt == at("2026-12-07 10:00"))
    #expect(!answered.breached)
    // Friday 17:00 to Monday 08:30 counts an hour and a half.
    let waiting = clock(2 * hour, [("2026-12-11 17:00", .new)], now: "2026-12-14 08:30")
    #expect(waiting.state == .running)
    #expect(waiting.elapsed == 1.5 * hour)
    #expect(waiting.dueAt == at("2026-12-14 09:00"))
  }

  @Test("canceling stops the clock")
  func canceled() {
    let canceled = clock(
      8 * hour, [("2026-12-07 09:00", .new), ("2026-12-07 10:00", .canceled)], now: "2026-12-09 10:00")
    #expect(canceled.state == .canceled)
    #expect(canceled.elapsed == hour)
    #expect(canceled.dueAt == nil && !canceled.breached)
  }

  @Test("the timeline comes from the status history, names read back")
  func timeline() {
    let created = at("2026-12-07 09:00")
    let timeline = SLAClock.timeline(
      createdAt: created,
      statusEntries: [
        (at("2026-12-07 10:00"), "PENDING"), (at("2026-12-07 11:00"), "SOLVED"), (at("2026-12-07 12:00"), "BOGUS"),
        (at("2026-12-07 13:00"), "IN_PROGRESS"),
      ])
    #expect(timeline.map(\.status) == [.new, .pending, .solved, .inProgress])
    #expect(timeline.first?.at == created)
  }

  func ticket(subjectID: Int64? = nil, priority: Priority = .normal) -> Ticket {
    Ticket(
      kind: .client, subjectID: subjectID, title: "t", departmentID: 1, priority: priority, description: "d",
      createdAt: at("2026-12-07 09:00"), updatedAt: at("2026-12-07 09:00"), openedBy: "t")
  }

  @Test("the closest active policy applies: subject and priority, subject, priority, any")
  func policyChoice() {
    let any = SLAPolicy(id: 1, name: "any", calendarID: 1, resolutionMinutes: 600)
    let high = SLAPolicy(id: 2, name: "high", calendarID: 1, priority: .high, resolutionMinutes: 300)
    let outage = SLAPolicy(id: 3, name: "outage", calendarID: 1, subjectID: 7, resolutionMinutes: 240)
    let outageHigh = SLAPolicy(
      id: 4, name: "outage high", calendarID: 1, subjectID: 7, priority: .high, resolutionMinutes: 120)
    var inactive = SLAPolicy(id: 0, name: "off", calendarID: 1, subjectID: 7, priority: .high, resolutionMinutes: 1)
    inactive.active = false
    let all = [inactive, any, high, outage, outageHigh]
    #expect(SLAClock.policy(for: ticket(), among: all)?.id == 1)
    #expect(SLAClock.policy(for: ticket(priority: .high), among: all)?.id == 2)
    #expect(SLAClock.policy(for: ticket(subjectID: 7), among: all)?.id == 3)
    #expect(SLAClock.policy(for: ticket(subjectID: 7, priority: .high), among: all)?.id == 4)
    #expect(SLAClock.policy(for: ticket(subjectID: 8, priority: .low), among: all)?.id == 1)
    let twin = SLAPolicy(id: 9, name: "twin", calendarID: 1, subjectID: 7, resolutionMinutes: 1)
    #expect(SLAClock.policy(for: ticket(subjectID: 7), among: [twin, outage])?.id == 3)
    #expect(SLAClock.policy(for: ticket(), among: [high, outage]) == nil)
  }

  @Test("without a policy a subject's own hours count around the clock; without either, no SLA")
  func subjectHours() {
    let subject = Subject(id: 7, name: "Sem conexão", firstResponseSLAHours: 4, solutionSLAHours: 0)
    let timeline = [StatusChange(at: at("2026-12-12 09:00"), status: .new)]
    let sla = SLAClock.evaluate(
      ticket(subjectID: 7), subject: subject, policies: [], calendars: [:], timeline: timeline,
      now: at("2026-12-12 12:00"))
    #expect(sla?.policyID == nil && sla?.policyName == "Sem conexão")
    #expect(sla?.firstResponse?.elapsed == 3 * hour)  // a Saturday counts
    #expect(sla?.firstResponse?.dueAt == at("2026-12-12 13:00"))
    #expect(sla?.resolution == nil)
    #expect(
      SLAClock.evaluate(
        ticket(), subject: Subject(name: "x"), policies: [], calendars: [:], timeline: timeline, now: Date()) == nil)

    let policy = SLAPolicy(id: 3, name: "desk", calendarID: 1, subjectID: 7, firstResponseMinutes: 60)
    let onDesk = SLAClock.evaluate(
      ticket(subjectID: 7), subject: subject, policies: [policy], calendars: [1: desk], timeline: timeline,
      now: at("2026-12-12 12:00"))
    #expect(onDesk?.policyID == 3 && onDesk?.calendarID == 1)
    #expect(onDesk?.firstResponse?.elapsed == 0)
    #expect(onDesk?.firstResponse?.dueAt == at("2026-12-14 09:00"))
  }
}

@Suite("SLA calendar and policy rules")
struct SLARulesTests {
  @Test("a calendar's problems are named by field")
  func calendarViolations() {
    let bad = BusinessCalendar(
      name: " ", timeZone: "Mars/Olympus",
      hours: [
        WorkingPeriod(weekday: 1, startMinute: 480, endMinute: 720),
        WorkingPeriod(weekday: 1, startMinute: 600, endMinute: 900),
        WorkingPeriod(weekday: 8, startMinute: 0, endMinute: 60),
        WorkingPeriod(weekday: 2, startMinute: 600, endMinute: 600),
        WorkingPeriod(weekday: 3, startMinute: -1, endMinute: 1441),
      ],
      holidays: [Holiday(date: "2026-02-30"), Holiday(date: "2026-12-25"), Holiday(date: "2026-12-25")])
    let error = #expect(throws: DomainError.self) {
      try SLARules.validate(SLARules.prepared(bad, current: nil, now: Date()), nameTakenBy: nil)
    }
    #expect(error?.kind == .invalidArgument)
    let found = Set((error?.violations ?? []).map { "\($0.field) \($0.reason)" })
    #expect(
      found == [
        "calendar.name REQUIRED", "calendar.time_zone UNKNOWN", "calendar.hours[1] OVERLAPPING",
        "calendar.hours[2].weekday INVALID", "calendar.hours[3].end_minute BEFORE_START",
        "calendar.hours[4].start_minute OUT_OF_RANGE", "calendar.hours[4].end_minute OUT_OF_RANGE",
        "calendar.holidays[0].date INVALID", "calendar.holidays[2].date DUPLICATE",
      ])
    #expect(throws: Never.self) { try SLARules.validate(desk, nameTakenBy: nil) }
    let taken = #expect(throws: DomainError.self) { try SLARules.validate(desk, nameTakenBy: 4) }
    #expect(taken?.kind == .alreadyExists)
  }

  @Test("a policy needs a calendar that exists and a target within a year")
  func policyViolations() {
    let bad = SLAPolicy(name: "p", calendarID: 5, subjectID: 9, firstResponseMinutes: 0, resolutionMinutes: 600_000)
    let error = #expect(throws: DomainError.self) {
      try SLARules.validate(bad, calendarExists: false, subjectExists: false, nameTakenBy: nil)
    }
    #expect(
      (error?.violations ?? []).map { "\($0.field) \($0.reason)" } == [
        "policy.calendar_id NOT_FOUND", "policy.subject_id NOT_FOUND", "policy.first_response_minutes OUT_OF_RANGE",
        "policy.resolution_minutes OUT_OF_RANGE",
      ])
    let empty = #expect(throws: DomainError.self) {
      try SLARules.validate(
        SLAPolicy(name: "p", calendarID: 0), calendarExists: false, subjectExists: true, nameTakenBy: nil)
    }
    #expect(
      (empty?.violations ?? []).map { "\($0.field) \($0.reason)" } == [
        "policy.calendar_id REQUIRED", "policy.first_response_minutes REQUIRED",
      ])
  }

  @Test("holiday dates must exist")
  func dayKeys() {
    #expect(SLARules.dayKey("2028-02-29") == 20_280_229)
    #expect(SLARules.dayKey("2026-02-29") == nil)
    #expect(SLARules.dayKey("2100-02-29") == nil)
    #expect(SLARules.dayKey("2026-1-05") == nil)
    #expect(SLARules.dayKey("2026-13-01") == nil)
  }
}
