public import Foundation

/// The rules of business calendars and SLA policies, the same for every store. Both are
/// written whole: id 0 creates, an id with its current version replaces.
public enum SLARules {
  public static let maxNameLength = 120
  /// The most working periods a calendar has (a handful per weekday is the norm).
  public static let maxPeriods = 70
  /// The most holidays a calendar lists (years of them).
  public static let maxHolidays = 366
  /// The most calendars a server keeps (every list fits in one response).
  public static let maxCalendars = 50
  /// The most policies a server keeps (each ticket read chooses among them).
  public static let maxPolicies = 500
  /// The longest target, in minutes: a year.
  public static let maxTargetMinutes = 525_600

  /// `calendar` as it is stored: name, time zone and holidays trimmed, periods and
  /// holidays in the caller's order (errors name them by their index in the request);
  /// version and times from `current` (nil: a new calendar).
  public static func prepared(_ calendar: BusinessCalendar, current: BusinessCalendar?, now: Date) -> BusinessCalendar {
    var next = calendar
    next.name = calendar.name.trimmingCharacters(in: .whitespacesAndNewlines)
    next.timeZone = calendar.timeZone.trimmingCharacters(in: .whitespaces)
    next.holidays = calendar.holidays.map {
      Holiday(date: $0.date.trimmingCharacters(in: .whitespaces), name: $0.name.trimmingCharacters(in: .whitespaces))
    }
    next.version = (current?.version ?? 0) + 1
    next.createdAt = current?.createdAt ?? now
    next.updatedAt = now
    return next
  }

  /// `policy` as it is stored: name trimmed; version and times from `current`.
  public static func prepared(_ policy: SLAPolicy, current: SLAPolicy?, now: Date) -> SLAPolicy {
    var next = policy
    next.name = policy.name.trimmingCharacters(in: .whitespacesAndNewlines)
    next.version = (current?.version ?? 0) + 1
    next.createdAt = current?.createdAt ?? now
    next.updatedAt = now
    return next
  }

  /// Checks a prepared calendar. `nameTakenBy` is the id of another calendar with the
  /// same name regardless of case, if any.
  public static func validate(_ calendar: BusinessCalendar, nameTakenBy: Int64?) throws(DomainError) {
    var violations = Violations()
    checkName(calendar.name, field: "calendar.name", into: &violations)
    if calendar.timeZone.isEmpty {
      violations.invalid("calendar.time_zone", "REQUIRED", "a time zone is required (e.g. America/Sao_Paulo)")
    } else if TimeZone(identifier: calendar.timeZone) == nil {
      violations.invalid("calendar.time_zone", "UNKNOWN", "\(calendar.timeZone) is not a known time zone")
    }
    if calendar.hours.isEmpty {
      violations.invalid("calendar.hours", "REQUIRED", "a calendar needs working hours")
    } else if calendar.hours.count > maxPeriods {
      violations.invalid("calendar.hours", "TOO_MANY", "at most \(maxPeriods) working periods")
    }
    for (index, period) in calendar.hours.enumerated().prefix(maxPeriods) {
      let field = "calendar.hours[\(index)]"
      if !(1...7).contains(period.weekday) {
        violations.invalid("\(field).weekday", "INVALID", "weekday must be MONDAY … SUNDAY")
      }
      if !(0..<1440).contains(period.startMinute) {
        violations.invalid("\(field).start_minute", "OUT_OF_RANGE", "start_minute must be 0 … 1439")
      }
      if !(1...1440).contains(period.endMinute) {
        violations.invalid("\(field).end_minute", "OUT_OF_RANGE", "end_minute must be 1 … 1440")
      } else if period.endMinute <= period.startMinute {
        violations.invalid("\(field).end_minute", "BEFORE_START", "a period must end after it starts")
      }
      if let other = calendar.hours.prefix(index).firstIndex(where: {
        $0.weekday == period.weekday && $0.startMinute < period.endMinute && period.startMinute < $0.endMinute
      }) {
        violations.invalid(field, "OVERLAPPING", "the period overlaps calendar.hours[\(other)]")
      }
    }
    if calendar.holidays.count > maxHolidays {
      violations.invalid("calendar.holidays", "TOO_MANY", "at most \(maxHolidays) holidays")
    }
    var seen = Set<String>()
    for (index, holiday) in calendar.holidays.enumerated().prefix(maxHolidays) {
      if dayKey(holiday.date) == nil {
        violations.invalid(
          "calendar.holidays[\(index)].date", "INVALID", "a holiday's date is YYYY-MM-DD, a day that exists")
      } else if !seen.insert(holiday.date).inserted {
        violations.invalid("calendar.holidays[\(index)].date", "DUPLICATE", "\(holiday.date) is listed twice")
      }
      if holiday.name.count > maxNameLength {
        violations.invalid(
          "calendar.holidays[\(index)].name", "TOO_LONG", "a holiday's name is at most \(maxNameLength) characters")
      }
    }
    if !calendar.name.isEmpty, let other = nameTakenBy {
      throw DomainError(
        .alreadyExists, "a calendar named \(calendar.name) exists already (id \(other))",
        violations: [.init(field: "calendar.name", reason: "ALREADY_EXISTS", description: "the name is taken")])
    }
    try violations.throwIfAny("invalid calendar")
  }

  /// Checks a prepared policy. `calendarExists` and `subject` come from the store
  /// (`subject` nil: no subject, or none with that id); `nameTakenBy` as for calendars.
  public static func validate(
    _ policy: SLAPolicy, calendarExists: Bool, subjectExists: Bool, nameTakenBy: Int64?
  ) throws(DomainError) {
    var violations = Violations()
    checkName(policy.name, field: "policy.name", into: &violations)
    if policy.calendarID <= 0 {
      violations.invalid("policy.calendar_id", "REQUIRED", "a policy needs a calendar")
    } else if !calendarExists {
      violations.invalid("policy.calendar_id", "NOT_FOUND", "calendar \(policy.calendarID) does not exist")
    }
    if let subjectID = policy.subjectID, !subjectExists {
      violations.invalid("policy.subject_id", "NOT_FOUND", "subject \(subjectID) does not exist")
    }
    if policy.firstResponseMinutes == nil && policy.resolutionMinutes == nil {
      violations.invalid(
        "policy.first_response_minutes", "REQUIRED", "a policy needs a first-response or a resolution target")
    }
    for (field, minutes) in [
      ("first_response_minutes", policy.firstResponseMinutes), ("resolution_minutes", policy.resolutionMinutes),
    ] {
      if let minutes, !(1...maxTargetMinutes).contains(minutes) {
        violations.invalid("policy.\(field)", "OUT_OF_RANGE", "\(field) must be 1 … \(maxTargetMinutes) (a year)")
      }
    }
    if !policy.name.isEmpty, let other = nameTakenBy {
      throw DomainError(
        .alreadyExists, "a policy named \(policy.name) exists already (id \(other))",
        violations: [.init(field: "policy.name", reason: "ALREADY_EXISTS", description: "the name is taken")])
    }
    try violations.throwIfAny("invalid SLA policy")
  }

  /// `YYYY-MM-DD` as year * 10_000 + month * 100 + day, when it names a real date.
  public static func dayKey(_ text: String) -> Int? {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
      let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]), (1...12).contains(month),
      day >= 1
    else { return nil }
    let daysInMonth = [
      31, year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
    ]
    guard day <= daysInMonth[month - 1] else { return nil }
    return year * 10_000 + month * 100 + day
  }

  private static func checkName(_ name: String, field: String, into violations: inout Violations) {
    if name.isEmpty {
      violations.invalid(field, "REQUIRED", "name is required")
    } else if name.count > maxNameLength {
      violations.invalid(field, "TOO_LONG", "name must be at most \(maxNameLength) characters")
    }
  }
}
