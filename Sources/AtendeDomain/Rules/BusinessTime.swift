public import Foundation

/// Arithmetic on a ``BusinessCalendar``'s working time: how much of it lies between two
/// moments, and when a given amount of it has passed. Local days are walked in the
/// calendar's time zone, so daylight-saving changes and holidays fall where a person
/// there would expect them.
public struct BusinessTime: Sendable {
  /// The most local days walked (about ten years): spans beyond it count no further, and
  /// a target not reached within it has no due time.
  public static let horizonDays = 3660

  private let calendar: Calendar
  /// Merged working periods (minutes) by ISO weekday - 1.
  private let periods: [[(start: Int, end: Int)]]
  /// Holidays as year * 10_000 + month * 100 + day.
  private let holidays: Set<Int>
  /// Every minute of every day is working time: plain subtraction.
  private let alwaysOpen: Bool

  /// The arithmetic of `businessCalendar`. Its values are expected valid
  /// (``SLARules/validate(_:nameTakenBy:)``); an unknown time zone counts as UTC and
  /// malformed periods or holidays are skipped.
  public init(_ businessCalendar: BusinessCalendar) {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: businessCalendar.timeZone) ?? TimeZone(secondsFromGMT: 0)!
    self.calendar = calendar
    var byDay = [[(start: Int, end: Int)]](repeating: [], count: 7)
    for period in businessCalendar.hours
    where (1...7).contains(period.weekday) && period.startMinute >= 0 && period.endMinute <= 1440
      && period.startMinute < period.endMinute
    {
      byDay[period.weekday - 1].append((period.startMinute, period.endMinute))
    }
    periods = byDay.map(Self.merged)
    holidays = Set(businessCalendar.holidays.compactMap { SLARules.dayKey($0.date) })
    alwaysOpen = holidays.isEmpty && periods.allSatisfy { $0.count == 1 && $0[0] == (0, 1440) }
  }

  /// Working seconds in `[start, end)`.
  public func seconds(from start: Date, to end: Date) -> TimeInterval {
    guard end > start else { return 0 }
    if alwaysOpen { return end.timeIntervalSince(start) }
    var total: TimeInterval = 0
    forEachWorkingInterval(from: start) { intervalStart, intervalEnd in
      guard intervalStart < end else { return false }
      let from = max(intervalStart, start)
      let to = min(intervalEnd, end)
      if to > from { total += to.timeIntervalSince(from) }
      return true
    }
    return total
  }

  /// The moment `seconds` of working time after `start` (`start` itself when `seconds` is
  /// not positive); nil when the calendar has no working time left within the horizon.
  public func date(adding seconds: TimeInterval, to start: Date) -> Date? {
    guard seconds > 0 else { return start }
    if alwaysOpen { return start.addingTimeInterval(seconds) }
    var left = seconds
    var result: Date?
    forEachWorkingInterval(from: start) { intervalStart, intervalEnd in
      let from = max(intervalStart, start)
      guard intervalEnd > from else { return true }
      let available = intervalEnd.timeIntervalSince(from)
      if available >= left {
        result = from.addingTimeInterval(left)
        return false
      }
      left -= available
      return true
    }
    return result
  }

  /// Calls `body` with each working interval, in order, from the local day of `start`
  /// on, until it returns false or the horizon is reached.
  private func forEachWorkingInterval(from start: Date, _ body: (Date, Date) -> Bool) {
    var dayStart = calendar.startOfDay(for: start)
    for _ in 0..<Self.horizonDays {
      guard let following = calendar.date(byAdding: .day, value: 1, to: dayStart) else { return }
      let nextDay = calendar.startOfDay(for: following)
      let day = calendar.dateComponents([.year, .month, .day, .weekday], from: dayStart)
      if let year = day.year, let month = day.month, let dayOfMonth = day.day, let weekday = day.weekday,
        !holidays.contains(year * 10_000 + month * 100 + dayOfMonth)
      {
        // Foundation's weekday is 1 = Sunday … 7 = Saturday; ISO's is 1 = Monday … 7 = Sunday.
        let iso = (weekday + 5) % 7 + 1
        for period in periods[iso - 1] {
          let from = moment(day, minute: period.start, dayStart: dayStart, nextDay: nextDay)
          let to = moment(day, minute: period.end, dayStart: dayStart, nextDay: nextDay)
          if to > from, !body(from, to) { return }
        }
      }
      dayStart = nextDay
    }
  }

  /// The local time `minute` minutes into `day` (a time skipped by a daylight-saving
  /// change resolves to the next one that exists).
  private func moment(_ day: DateComponents, minute: Int, dayStart: Date, nextDay: Date) -> Date {
    if minute <= 0 { return dayStart }
    if minute >= 1440 { return nextDay }
    var components = day
    components.weekday = nil
    components.hour = minute / 60
    components.minute = minute % 60
    let date = calendar.date(from: components) ?? dayStart.addingTimeInterval(TimeInterval(minute * 60))
    return min(max(date, dayStart), nextDay)
  }

  /// Periods sorted and joined where they overlap or touch.
  private static func merged(_ periods: [(start: Int, end: Int)]) -> [(start: Int, end: Int)] {
    var result: [(start: Int, end: Int)] = []
    for period in periods.sorted(by: { $0.start < $1.start }) {
      if let last = result.last, period.start <= last.end {
        result[result.count - 1].end = max(last.end, period.end)
      } else {
        result.append(period)
      }
    }
    return result
  }
}
