public import Foundation

/// A span of working time on one weekday, in minutes after local midnight.
public struct WorkingPeriod: Hashable, Sendable, Codable {
  /// ISO weekday: 1 = Monday … 7 = Sunday.
  public var weekday: Int
  /// First working minute, 0..<1440.
  public var startMinute: Int
  /// End of the period (exclusive), 1...1440; 1440 is the next midnight.
  public var endMinute: Int

  public init(weekday: Int, startMinute: Int, endMinute: Int) {
    self.weekday = weekday
    self.startMinute = startMinute
    self.endMinute = endMinute
  }
}

/// A day without working time.
public struct Holiday: Hashable, Sendable, Codable {
  /// The local date, `YYYY-MM-DD`.
  public var date: String
  public var name: String

  public init(date: String, name: String = "") {
    self.date = date
    self.name = name
  }
}

/// When a support team works: weekly hours and holidays, in one time zone. SLA clocks
/// count only the time inside it.
public struct BusinessCalendar: Hashable, Sendable, Identifiable {
  public var id: Int64
  /// Unique, 1..120 characters.
  public var name: String
  /// An IANA time zone identifier (`America/Sao_Paulo`).
  public var timeZone: String
  public var hours: [WorkingPeriod]
  public var holidays: [Holiday]
  public var version: Int64
  public var createdAt: Date
  public var updatedAt: Date

  public init(
    id: Int64 = 0, name: String, timeZone: String, hours: [WorkingPeriod], holidays: [Holiday] = [],
    version: Int64 = 0, createdAt: Date = Date(timeIntervalSince1970: 0),
    updatedAt: Date = Date(timeIntervalSince1970: 0)
  ) {
    self.id = id
    self.name = name
    self.timeZone = timeZone
    self.hours = hours
    self.holidays = holidays
    self.version = version
    self.createdAt = createdAt
    self.updatedAt = updatedAt
  }

  /// Every hour of every day, in UTC: the calendar of a subject's own SLA hours.
  public static let aroundTheClock = BusinessCalendar(
    name: "24x7", timeZone: "UTC", hours: (1...7).map { WorkingPeriod(weekday: $0, startMinute: 0, endMinute: 1440) })
}

/// Targets for the tickets a policy matches, measured in business time on a calendar.
///
/// A ticket gets the active policy that matches it most closely: subject and priority,
/// then subject alone, then priority alone, then a policy for every ticket; the lowest id
/// breaks ties. Without one, a subject's own SLA hours apply around the clock.
public struct SLAPolicy: Hashable, Sendable, Identifiable {
  public var id: Int64
  /// Unique, 1..120 characters.
  public var name: String
  public var calendarID: Int64
  /// Only tickets of this subject (nil = any).
  public var subjectID: Int64?
  /// Only tickets of this priority (nil = any).
  public var priority: Priority?
  /// Business minutes to the first response (nil = no target).
  public var firstResponseMinutes: Int?
  /// Business minutes to the solution (nil = no target).
  public var resolutionMinutes: Int?
  public var active: Bool
  public var version: Int64
  public var createdAt: Date
  public var updatedAt: Date

  public init(
    id: Int64 = 0, name: String, calendarID: Int64, subjectID: Int64? = nil, priority: Priority? = nil,
    firstResponseMinutes: Int? = nil, resolutionMinutes: Int? = nil, active: Bool = true, version: Int64 = 0,
    createdAt: Date = Date(timeIntervalSince1970: 0), updatedAt: Date = Date(timeIntervalSince1970: 0)
  ) {
    self.id = id
    self.name = name
    self.calendarID = calendarID
    self.subjectID = subjectID
    self.priority = priority
    self.firstResponseMinutes = firstResponseMinutes
    self.resolutionMinutes = resolutionMinutes
    self.active = active
    self.version = version
    self.createdAt = createdAt
    self.updatedAt = updatedAt
  }
}

/// A ticket's status from a moment on: its status history, oldest first.
public struct StatusChange: Hashable, Sendable {
  public var at: Date
  public var status: TicketStatus

  public init(at: Date, status: TicketStatus) {
    self.at = at
    self.status = status
  }
}

/// Where one SLA clock stands.
public enum SLAClockState: Int, Hashable, Sendable, CaseIterable {
  /// Counting: the ticket is NEW or IN_PROGRESS.
  case running = 1
  /// Stopped while the ticket is PENDING (waiting for the customer); resumes after.
  case paused = 2
  /// Done: the first response was sent, or the ticket was solved.
  case completed = 3
  /// The ticket was canceled before the target was reached.
  case canceled = 4

  public var name: String {
    switch self {
    case .running: "RUNNING"
    case .paused: "PAUSED"
    case .completed: "COMPLETED"
    case .canceled: "CANCELED"
    }
  }
}

/// One SLA target of a ticket, evaluated at a moment.
public struct SLATargetStatus: Hashable, Sendable {
  /// The target, in business seconds.
  public var target: TimeInterval
  public var state: SLAClockState
  /// When the target is (or was) reached at the latest: the moment business time counted
  /// hits the target. nil while paused or once completed in time.
  public var dueAt: Date?
  /// Business seconds counted so far (until completion, for a completed clock).
  public var elapsed: TimeInterval
  /// `target - elapsed`: negative once breached.
  public var remaining: TimeInterval { target - elapsed }
  /// Whether more business time than the target was counted.
  public var breached: Bool
  /// When the clock completed (the first response, or the solution).
  public var completedAt: Date?

  public init(
    target: TimeInterval, state: SLAClockState, dueAt: Date?, elapsed: TimeInterval, breached: Bool,
    completedAt: Date?
  ) {
    self.target = target
    self.state = state
    self.dueAt = dueAt
    self.elapsed = elapsed
    self.breached = breached
    self.completedAt = completedAt
  }
}

/// A ticket's SLA: which targets apply and where each clock stands.
public struct TicketSLA: Hashable, Sendable {
  /// The policy that applies; nil when the targets are the subject's own hours.
  public var policyID: Int64?
  /// The policy's name, or the subject's for its own hours.
  public var policyName: String
  /// The calendar the clocks count on (nil: around the clock).
  public var calendarID: Int64?
  public var firstResponse: SLATargetStatus?
  public var resolution: SLATargetStatus?

  public init(
    policyID: Int64?, policyName: String, calendarID: Int64?, firstResponse: SLATargetStatus?,
    resolution: SLATargetStatus?
  ) {
    self.policyID = policyID
    self.policyName = policyName
    self.calendarID = calendarID
    self.firstResponse = firstResponse
    self.resolution = resolution
  }
}

/// Which clock of a ticket.
public enum SLATargetKind: Int, Hashable, Sendable, CaseIterable {
  case firstResponse = 1
  case resolution = 2

  /// The name history entries use (`sla.first_response`, `sla.resolution`).
  public var field: String { self == .firstResponse ? "sla.first_response" : "sla.resolution" }
}

/// A rule that acts on open tickets whose clock is about to breach or has breached
/// (``EscalationRules``). It acts on a ticket at most once.
public struct EscalationRule: Hashable, Sendable, Identifiable {
  public var id: Int64
  /// Unique, 1..120 characters.
  public var name: String
  public var active: Bool
  /// Only tickets under this policy (nil = any ticket whose clock has the target).
  public var policyID: Int64?
  public var target: SLATargetKind
  /// Business minutes relative to the target: negative = before the breach.
  public var offsetMinutes: Int
  /// Raise the priority to this one (never lowers it).
  public var raisePriorityTo: Priority?
  /// Move the ticket to this department.
  public var reassignDepartmentID: Int64?
  /// Put this employee in charge.
  public var assignEmployeeID: Int64?
  public var version: Int64
  public var createdAt: Date
  public var updatedAt: Date

  public init(
    id: Int64 = 0, name: String, active: Bool = true, policyID: Int64? = nil, target: SLATargetKind,
    offsetMinutes: Int = 0, raisePriorityTo: Priority? = nil, reassignDepartmentID: Int64? = nil,
    assignEmployeeID: Int64? = nil, version: Int64 = 0, createdAt: Date = Date(timeIntervalSince1970: 0),
    updatedAt: Date = Date(timeIntervalSince1970: 0)
  ) {
    self.id = id
    self.name = name
    self.active = active
    self.policyID = policyID
    self.target = target
    self.offsetMinutes = offsetMinutes
    self.raisePriorityTo = raisePriorityTo
    self.reassignDepartmentID = reassignDepartmentID
    self.assignEmployeeID = assignEmployeeID
    self.version = version
    self.createdAt = createdAt
    self.updatedAt = updatedAt
  }
}
