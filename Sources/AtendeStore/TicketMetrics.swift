import AtendeDomain
public import Foundation

/// What the support team follows (see `proto/atende/tickets/v1/metrics.proto`).
public struct TicketMetrics: Sendable, Hashable {
  /// A value of a dimension and how many open tickets have it.
  public struct Count: Sendable, Hashable {
    public var id: Int64
    public var name: String
    public var count: Int
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
  public var timeToFirstResponse = Durations([])
  public var timeToSolution = Durations([])
  public var sla: [SubjectSLA] = []
  public var from: Date
  public var to: Date
}
