package import AtendeDomain
public import Foundation

/// What the support team follows (see `proto/atende/tickets/v1/metrics.proto`).
public struct TicketMetrics: Sendable, Hashable {
  /// A value of a dimension and how many open tickets have it.
  public struct Count: Sendable, Hashable {
    public var id: Int64
    public var name: String
    public var count: Int

    package init(id: Int64, name: String, count: Int) {
      self.id = id
      self.name = name
      self.count = count
    }
  }

  /// A distribution of durations.
  public struct Durations: Sendable, Hashable {
    public var count: Int
    public var median: TimeInterval
    public var p90: TimeInterval

    /// Nearest-rank median and 90th percentile of `values` (0 when empty).
    public init(_ values: [TimeInterval]) {
      let sorted = values.sorted()
      func percentile(_ p: Double) -> TimeInterval {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((p * Double(sorted.count)).rounded(.up))
        return sorted[max(rank, 1) - 1]
      }
      count = sorted.count
      median = percentile(0.5)
      p90 = percentile(0.9)
    }
  }

  /// SLA figures of one subject.
  public struct SubjectSLA: Sendable, Hashable {
    public var subjectID: Int64
    public var subjectName: String
    public var firstResponseTargetHours: Int?
    public var solutionTargetHours: Int?
    public var tickets: Int
    public var firstResponseBreaches: Int
    public var solutionBreaches: Int
  }

  public var openByStatus: [Count] = []
  public var openByDepartment: [Count] = []
  public var openByPriority: [Count] = []
  public var openByAssignee: [Count] = []
  public var openByChannel: [Count] = []
  public var openByBranch: [Count] = []
  public var timeToFirstResponse = Durations([])
  public var timeToSolution = Durations([])
  public var sla: [SubjectSLA] = []
  public var from: Date
  public var to: Date

  package init(from: Date, to: Date) {
    self.from = from
    self.to = to
  }
}

extension TicketMetrics {
  /// A ticket created in the period, as the period figures read it.
  package struct PeriodTicket {
    package var subjectID: Int64?
    package var createdAt: Date
    package var firstResponseAt: Date?
    package var closedAt: Date?
    package var status: TicketStatus

    package init(subjectID: Int64?, createdAt: Date, firstResponseAt: Date?, closedAt: Date?, status: TicketStatus) {
      self.subjectID = subjectID
      self.createdAt = createdAt
      self.firstResponseAt = firstResponseAt
      self.closedAt = closedAt
      self.status = status
    }
  }

  /// Sets the response and solution durations of the period's `tickets` (canceled ones
  /// left out by the caller), and the SLA figures of `subjects` (those with a target, in
  /// the order given): a ticket breaches a target when it was answered (solved) later
  /// than the target after its creation, or is still not answered (solved) at `now`
  /// that long after.
  package mutating func addPeriodFigures(_ tickets: [PeriodTicket], subjects: [Subject], now: Date) {
    timeToFirstResponse = Durations(
      tickets.compactMap { ticket in ticket.firstResponseAt.map { $0.timeIntervalSince(ticket.createdAt) } })
    timeToSolution = Durations(
      tickets.compactMap { ticket in
        ticket.status == .solved ? ticket.closedAt.map { $0.timeIntervalSince(ticket.createdAt) } : nil
      })
    let bySubject = Dictionary(grouping: tickets.filter { $0.subjectID != nil }) { $0.subjectID! }
    for subject in subjects {
      let tickets = bySubject[subject.id] ?? []
      func breaches(_ target: Int?, done: (PeriodTicket) -> Date?) -> Int {
        guard let target else { return 0 }
        let limit = TimeInterval(target) * 3600
        return tickets.filter { ticket in (done(ticket) ?? now).timeIntervalSince(ticket.createdAt) > limit }.count
      }
      sla.append(
        SubjectSLA(
          subjectID: subject.id, subjectName: subject.name, firstResponseTargetHours: subject.firstResponseSLAHours,
          solutionTargetHours: subject.solutionSLAHours, tickets: tickets.count,
          firstResponseBreaches: breaches(subject.firstResponseSLAHours) { $0.firstResponseAt },
          solutionBreaches: breaches(subject.solutionSLAHours) { $0.status == .solved ? ($0.closedAt ?? now) : nil }))
    }
  }
}

/// The most tickets one trends answer reads.
public let maxActivityTickets = 200_000

extension DomainError {
  /// Too many tickets in a trends period.
  package static var tooManyForTrends: DomainError {
    DomainError(
      .failedPrecondition, "more than \(maxActivityTickets) tickets in the period: ask for a shorter one",
      violations: [
        .init(
          field: "from", reason: "TOO_MANY", description: "at most \(maxActivityTickets) tickets",
          isPrecondition: true)
      ])
  }
}
