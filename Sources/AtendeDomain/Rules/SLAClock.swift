public import Foundation

/// A ticket's SLA clocks, computed from its status history whenever they are read: they
/// count business time while the ticket is NEW or IN_PROGRESS, pause while it is PENDING
/// (waiting for the customer), stop when it is solved or canceled and resume when it is
/// reopened, adding to the time already counted. The targets and the calendar are those
/// of the policy that matches the ticket now, so a policy or calendar edit, or a new
/// subject or priority, applies to the whole life of the ticket at its next read.
public enum SLAClock {
  /// The active policy that matches `ticket` most closely: subject and priority, then
  /// subject, then priority, then any; the lowest id among equals.
  public static func policy(for ticket: Ticket, among policies: [SLAPolicy]) -> SLAPolicy? {
    var best: (policy: SLAPolicy, score: Int)?
    for policy in policies where policy.active {
      if let subjectID = policy.subjectID, subjectID != ticket.subjectID { continue }
      if let priority = policy.priority, priority != ticket.priority { continue }
      let score = (policy.subjectID != nil ? 2 : 0) + (policy.priority != nil ? 1 : 0)
      if let current = best, current.score > score || (current.score == score && current.policy.id < policy.id) {
        continue
      }
      best = (policy, score)
    }
    return best?.policy
  }

  /// The SLA of `ticket` at `now`: its policy's targets on the policy's calendar, else
  /// its subject's own SLA hours around the clock, else nil (no target applies).
  /// `timeline` is the ticket's status history (``timeline(createdAt:statusEntries:)``).
  public static func evaluate(
    _ ticket: Ticket, subject: Subject?, policies: [SLAPolicy], calendars: [Int64: BusinessCalendar],
    timeline: [StatusChange], now: Date
  ) -> TicketSLA? {
    if let policy = policy(for: ticket, among: policies), let calendar = calendars[policy.calendarID] {
      let time = BusinessTime(calendar)
      return TicketSLA(
        policyID: policy.id, policyName: policy.name, calendarID: calendar.id,
        firstResponse: policy.firstResponseMinutes.map {
          evaluate(
            target: TimeInterval($0 * 60), timeline: timeline, stopAt: ticket.firstResponseAt, time: time, now: now)
        },
        resolution: policy.resolutionMinutes.map {
          evaluate(target: TimeInterval($0 * 60), timeline: timeline, stopAt: nil, time: time, now: now)
        })
    }
    guard let subject else { return nil }
    let firstResponseHours = subject.firstResponseSLAHours.flatMap { $0 > 0 ? $0 : nil }
    let solutionHours = subject.solutionSLAHours.flatMap { $0 > 0 ? $0 : nil }
    guard firstResponseHours != nil || solutionHours != nil else { return nil }
    let time = BusinessTime(.aroundTheClock)
    return TicketSLA(
      policyID: nil, policyName: subject.name, calendarID: nil,
      firstResponse: firstResponseHours.map {
        evaluate(
          target: TimeInterval($0 * 3600), timeline: timeline, stopAt: ticket.firstResponseAt, time: time, now: now)
      },
      resolution: solutionHours.map {
        evaluate(target: TimeInterval($0 * 3600), timeline: timeline, stopAt: nil, time: time, now: now)
      })
  }

  /// One clock: `target` business seconds counted over the running stretches of
  /// `timeline` up to `now`, or up to `stopAt` (the first response) when it came first.
  public static func evaluate(
    target: TimeInterval, timeline: [StatusChange], stopAt: Date?, time: BusinessTime, now: Date
  ) -> SLATargetStatus {
    let end = min(now, stopAt ?? now)
    var elapsed: TimeInterval = 0
    var crossedAt: Date?
    for (index, change) in timeline.enumerated() where change.at < end {
      guard change.status == .new || change.status == .inProgress else { continue }
      let stretchEnd = min(index + 1 < timeline.count ? timeline[index + 1].at : end, end)
      let counted = time.seconds(from: change.at, to: stretchEnd)
      if crossedAt == nil, elapsed + counted > target {
        crossedAt = time.date(adding: target - elapsed, to: change.at)
      }
      elapsed += counted
    }
    let state: SLAClockState
    var completedAt: Date?
    if let stopAt, stopAt <= now {
      state = .completed
      completedAt = stopAt
    } else {
      switch timeline.last(where: { $0.at <= now })?.status ?? .new {
      case .new, .inProgress: state = .running
      case .pending: state = .paused
      case .solved:
        state = .completed
        completedAt = timeline.last { $0.at <= now }?.at
      case .canceled: state = .canceled
      }
    }
    var dueAt = crossedAt
    if dueAt == nil, state == .running { dueAt = time.date(adding: target - elapsed, to: now) }
    return SLATargetStatus(
      target: target, state: state, dueAt: dueAt, elapsed: elapsed, breached: elapsed > target,
      completedAt: completedAt)
  }

  /// A ticket's status timeline: NEW at its creation, then each recorded status change
  /// (history entries on the field `status`: `(at, new status name)`, oldest first).
  public static func timeline(createdAt: Date, statusEntries: [(at: Date, status: String)]) -> [StatusChange] {
    var timeline = [StatusChange(at: createdAt, status: .new)]
    for entry in statusEntries {
      guard let status = TicketStatus.allCases.first(where: { $0.name == entry.status }) else { continue }
      timeline.append(StatusChange(at: max(entry.at, timeline[timeline.count - 1].at), status: status))
    }
    return timeline
  }
}
