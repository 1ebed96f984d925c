public import Foundation

/// Ticket figures over a period: tickets opened and solved per day or week, grouped by a
/// dimension (channel, department, subject, branch), and the percentiles of the time to
/// the first response and to the solution, on the clock or in a calendar's business time.
public enum TicketTrends {
  /// How long each period is.
  public enum Granularity: String, Sendable, Hashable, CaseIterable {
    case day, week
  }

  /// What the counts of each period are grouped by (nil: totals only).
  public enum Dimension: String, Sendable, Hashable, CaseIterable {
    case channel, department, subject, branch
  }

  /// The most periods one answer holds (a year and a half of days).
  public static let maxPeriods = 550

  /// What the figures read of a ticket.
  public struct TicketFacts: Sendable, Hashable {
    public var createdAt: Date
    public var firstResponseAt: Date?
    /// When it was solved, if it is SOLVED now.
    public var solvedAt: Date?
    public var channelID: Int64?
    public var departmentID: Int64
    public var subjectID: Int64?
    public var branchID: Int64?

    public init(
      createdAt: Date, firstResponseAt: Date? = nil, solvedAt: Date? = nil, channelID: Int64? = nil,
      departmentID: Int64, subjectID: Int64? = nil, branchID: Int64? = nil
    ) {
      self.createdAt = createdAt
      self.firstResponseAt = firstResponseAt
      self.solvedAt = solvedAt
      self.channelID = channelID
      self.departmentID = departmentID
      self.subjectID = subjectID
      self.branchID = branchID
    }

    /// The value of `dimension` (0 = none).
    public func value(_ dimension: Dimension) -> Int64 {
      switch dimension {
      case .channel: channelID ?? 0
      case .department: departmentID
      case .subject: subjectID ?? 0
      case .branch: branchID ?? 0
      }
    }
  }

  /// One day or week.
  public struct Period: Sendable, Hashable {
    public var start: Date
    public var end: Date
    public var opened = 0
    public var solved = 0
    /// Opened and solved per value of the dimension (0 = none), most first then by id.
    public var openedBy: [(id: Int64, count: Int)] = []
    public var solvedBy: [(id: Int64, count: Int)] = []

    public init(start: Date, end: Date) {
      self.start = start
      self.end = end
    }

    public static func == (lhs: Period, rhs: Period) -> Bool {
      lhs.start == rhs.start && lhs.end == rhs.end && lhs.opened == rhs.opened && lhs.solved == rhs.solved
        && lhs.openedBy.map(\.id) == rhs.openedBy.map(\.id) && lhs.openedBy.map(\.count) == rhs.openedBy.map(\.count)
        && lhs.solvedBy.map(\.id) == rhs.solvedBy.map(\.id) && lhs.solvedBy.map(\.count) == rhs.solvedBy.map(\.count)
    }

    public func hash(into hasher: inout Hasher) {
      hasher.combine(start)
      hasher.combine(opened)
      hasher.combine(solved)
    }
  }

  /// Nearest-rank percentiles of durations, in seconds.
  public struct Percentiles: Sendable, Hashable {
    public var count = 0
    public var p50: TimeInterval = 0
    public var p90: TimeInterval = 0
    public var p99: TimeInterval = 0

    public init(_ values: [TimeInterval]) {
      let sorted = values.sorted()
      count = sorted.count
      guard !sorted.isEmpty else { return }
      func rank(_ p: Double) -> TimeInterval {
        sorted[max(0, min(sorted.count - 1, Int((p * Double(sorted.count)).rounded(.up)) - 1))]
      }
      p50 = rank(0.5)
      p90 = rank(0.9)
      p99 = rank(0.99)
    }
  }

  public struct Result: Sendable, Hashable {
    public var periods: [Period]
    /// Of the tickets opened in the period that had a first response / are solved.
    public var firstResponse: Percentiles
    public var solution: Percentiles
  }

  /// The local start of the day or week (weeks begin on Monday) holding `date`.
  public static func periodStart(of date: Date, _ granularity: Granularity, calendar: Calendar) -> Date {
    let day = calendar.startOfDay(for: date)
    guard granularity == .week else { return day }
    let weekday = calendar.component(.weekday, from: day)  // 1 = Sunday
    let back = (weekday + 5) % 7  // days since Monday
    return calendar.date(byAdding: .day, value: -back, to: day) ?? day
  }

  /// The periods from the one holding `from` to the one holding the moment before `to`,
  /// in `timeZone`; nil when there would be more than ``maxPeriods``.
  public static func periods(from: Date, to: Date, _ granularity: Granularity, timeZone: TimeZone) -> [Period]? {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = timeZone
    var start = periodStart(of: from, granularity, calendar: calendar)
    var periods: [Period] = []
    while start < to {
      guard periods.count < maxPeriods else { return nil }
      // The start of the next day or week, found from its middle: a day of 23 or 25 hours,
      // or one whose midnight does not exist (a DST change at 00:00), still ends at the next
      // local day's start.
      let middle = start.addingTimeInterval(granularity == .week ? 7 * 86_400 + 43_200 : 129_600)
      let end = periodStart(of: middle, granularity, calendar: calendar)
      periods.append(Period(start: start, end: end))
      start = end
    }
    return periods
  }

  /// The figures of `tickets` over `[from, to)`: openings and solutions counted in the
  /// period holding them (grouped by `dimension` when given); percentiles over the tickets
  /// opened in `[from, to)`, measured with `businessTime` (nil: on the clock).
  public static func compute(
    _ tickets: [TicketFacts], periods template: [Period], from: Date, to: Date, dimension: Dimension?,
    businessTime: BusinessTime?
  ) -> Result {
    var periods = template
    func index(of date: Date) -> Int? {
      guard date >= from, date < to else { return nil }
      // Periods are sorted and contiguous: binary search.
      var low = 0
      var high = periods.count - 1
      while low <= high {
        let middle = (low + high) / 2
        if date < periods[middle].start {
          high = middle - 1
        } else if date >= periods[middle].end {
          low = middle + 1
        } else {
          return middle
        }
      }
      return nil
    }
    var openedBy = [[Int64: Int]](repeating: [:], count: periods.count)
    var solvedBy = [[Int64: Int]](repeating: [:], count: periods.count)
    var firstResponses: [TimeInterval] = []
    var solutions: [TimeInterval] = []
    func duration(_ start: Date, _ end: Date) -> TimeInterval {
      businessTime?.seconds(from: start, to: end) ?? max(0, end.timeIntervalSince(start))
    }
    for ticket in tickets {
      if let at = index(of: ticket.createdAt) {
        periods[at].opened += 1
        if let dimension { openedBy[at][ticket.value(dimension), default: 0] += 1 }
        if let response = ticket.firstResponseAt { firstResponses.append(duration(ticket.createdAt, response)) }
        if let solved = ticket.solvedAt { solutions.append(duration(ticket.createdAt, solved)) }
      }
      if let solved = ticket.solvedAt, let at = index(of: solved) {
        periods[at].solved += 1
        if let dimension { solvedBy[at][ticket.value(dimension), default: 0] += 1 }
      }
    }
    func sorted(_ counts: [Int64: Int]) -> [(id: Int64, count: Int)] {
      counts.map { (id: $0.key, count: $0.value) }.sorted { ($1.count, $0.id) < ($0.count, $1.id) }
    }
    for at in periods.indices {
      periods[at].openedBy = sorted(openedBy[at])
      periods[at].solvedBy = sorted(solvedBy[at])
    }
    return Result(periods: periods, firstResponse: Percentiles(firstResponses), solution: Percentiles(solutions))
  }
}
