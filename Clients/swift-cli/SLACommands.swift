import ArgumentParser
import AtendeAPI
import Foundation

struct SLACommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sla",
    abstract: "SLA: business calendars, policies, and a ticket's clocks.",
    discussion: """
      A policy gives the tickets it matches (by subject and/or priority) a
      first-response and a resolution target, counted in business time on a
      calendar: working hours per weekday, holidays, a time zone. A ticket's clocks
      run while it is NEW or IN_PROGRESS, pause while it is PENDING (waiting for the
      customer), stop when it is solved or canceled, and resume when it is reopened.

      Examples:
        atende sla calendar put --name "Suporte SP" --time-zone America/Sao_Paulo \\
          --hours "mon-fri 08:00-12:00,13:00-18:00" --holiday 2026-12-25=Natal
        atende sla policy put --name "Alta prioridade" --calendar 1 --priority high \\
          --first-response 1h --resolution 8h
        atende sla escalation put --name "Quase estourando" --target resolution \
          --offset -30m --raise-priority critical
        atende sla show 2026000000001
      """,
    subcommands: [SLACalendarCommand.self, SLAPolicyCommand.self, SLAEscalationCommand.self, ShowTicketSLA.self])
}

// MARK: - Text forms

/// Weekdays by their English abbreviations, Monday first.
private let weekdayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

/// `mon-fri 08:00-12:00,13:00-18:00`, `sat 08:00-12:00`, `sun 00:00-24:00`: the
/// working periods of one or more weekdays.
func parseHours(_ text: String) throws -> [WorkingPeriod] {
  let parts = text.split(separator: " ", omittingEmptySubsequences: true)
  guard parts.count == 2 else {
    throw ValidationError("--hours '\(text)': give days and times, as in 'mon-fri 08:00-12:00,13:00-18:00'")
  }
  var days: [Int] = []
  for range in parts[0].lowercased().split(separator: ",") {
    let ends = range.split(separator: "-").map(String.init)
    guard (1...2).contains(ends.count), let first = weekdayNames.firstIndex(of: ends[0]),
      let last = weekdayNames.firstIndex(of: ends[ends.count - 1]), first <= last
    else {
      throw ValidationError("--hours '\(text)': days are mon … sun, one or a range (mon-fri), comma-separated")
    }
    days += (first...last).map { $0 + 1 }
  }
  var spans: [(Int, Int)] = []
  for span in parts[1].split(separator: ",") {
    let ends = span.split(separator: "-").map(String.init)
    guard ends.count == 2, let start = minuteOfDay(ends[0]), let end = minuteOfDay(ends[1]) else {
      throw ValidationError("--hours '\(text)': times are HH:MM-HH:MM (24:00 ends at midnight), comma-separated")
    }
    spans.append((start, end))
  }
  return days.flatMap { day in
    spans.map {
      WorkingPeriod(
        weekday: Weekday(rawValue: Int32(day)), startMinute: UInt32($0.0), endMinute: UInt32($0.1))
    }
  }
}

/// `HH:MM` as minutes after midnight (`24:00` is 1440).
private func minuteOfDay(_ text: String) -> Int? {
  let parts = text.split(separator: ":")
  guard parts.count == 2, parts[1].count == 2, let hours = Int(parts[0]), let minutes = Int(parts[1]),
    (0...24).contains(hours), (0..<60).contains(minutes), hours * 60 + minutes <= 1440
  else { return nil }
  return hours * 60 + minutes
}

/// `2026-12-25` or `2026-12-25=Natal`.
func parseHoliday(_ text: String) -> Holiday {
  let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
  return Holiday(date: parts.first ?? "", name: parts.count > 1 ? parts[1] : "")
}

/// `90m`, `8h`, `1h30m`, `2d` (24-hour days of business time) or plain minutes.
func parseMinutes(_ text: String, option: String) throws -> UInt32 {
  if let plain = UInt32(text) { return plain }
  var total: UInt64 = 0
  var number = ""
  for character in text.lowercased() {
    if character.isNumber {
      number.append(character)
      continue
    }
    let unit: UInt64? =
      switch character {
      case "m": 1
      case "h": 60
      case "d": 1440
      default: nil
      }
    guard let unit, let value = UInt64(number) else {
      throw ValidationError("\(option) '\(text)': give minutes, or a duration such as 90m, 8h or 1h30m")
    }
    total += value * unit
    number = ""
  }
  guard number.isEmpty, total <= UInt64(UInt32.max) else {
    throw ValidationError("\(option) '\(text)': give minutes, or a duration such as 90m, 8h or 1h30m")
  }
  return UInt32(total)
}

/// Business time for people: `7h30m`, `45m`, `-3h` (negative: over the target).
func describeDuration(_ duration: Google_Protobuf_Duration?) -> String {
  let seconds = duration?.seconds ?? 0
  let minutes = (abs(seconds) + 30) / 60  // to the nearest minute
  var text = minutes >= 60 ? "\(minutes / 60)h" : ""
  if minutes % 60 != 0 || minutes == 0 { text += "\(minutes % 60)m" }
  return (seconds < 0 ? "-" : "") + text
}

/// A calendar's working periods as they are written to `--hours`: consecutive days with
/// the same periods in one range (`mon-fri 08:00-12:00,13:00-18:00; sat 08:00-12:00`).
func describeHours(_ hours: [WorkingPeriod]) -> [String] {
  func time(_ minute: UInt32) -> String { String(format: "%02d:%02d", minute / 60, minute % 60) }
  var spans: [Int32: [String]] = [:]
  for period in hours.sorted(by: { $0.startMinute < $1.startMinute }) {
    spans[period.weekday.rawValue, default: []].append("\(time(period.startMinute))-\(time(period.endMinute))")
  }
  func name(_ day: Int32) -> String { (1...7).contains(day) ? weekdayNames[Int(day) - 1] : "day \(day)" }
  var groups: [(first: Int32, last: Int32, spans: String)] = []
  for day in spans.keys.sorted() {
    let text = spans[day]!.joined(separator: ",")
    if let last = groups.last, last.last == day - 1, last.spans == text {
      groups[groups.count - 1].last = day
    } else {
      groups.append((day, day, text))
    }
  }
  return groups.map { group in
    (group.first == group.last ? name(group.first) : "\(name(group.first))-\(name(group.last))") + " " + group.spans
  }
}

func describe(_ calendar: BusinessCalendar, json: Bool) -> String {
  if json { return canonicalJSON(calendar) }
  let holidays = calendar.holidays.map { $0.name.isEmpty ? $0.date : "\($0.date) \($0.name)" }
  return Render.fields(
    [
      ("Calendar", "\(calendar.id) \(calendar.name)"), ("Time zone", calendar.timeZone),
      ("Hours", describeHours(calendar.hours).joined(separator: "; ")),
      ("Holidays", holidays.isEmpty ? "-" : holidays.joined(separator: ", ")),
      ("Version", String(calendar.version)), ("Updated", Render.date(calendar.updatedAt)),
    ], width: 12)
}

func describe(_ policy: SlaPolicy, json: Bool) -> String {
  if json { return canonicalJSON(policy) }
  func target(_ minutes: UInt32) -> String {
    minutes == 0 ? "-" : describeDuration(Google_Protobuf_Duration(seconds: Int64(minutes) * 60))
  }
  return Render.fields(
    [
      ("Policy", "\(policy.id) \(policy.name)"),
      ("Active", policy.active ? Style.paint("yes", .green) : Style.paint("no", .dim)),
      ("Calendar", Render.id(policy.calendarId)), ("Subject", policy.subjectId == 0 ? "any" : String(policy.subjectId)),
      ("Priority", policy.priority == .unspecified ? "any" : policy.priority.styled),
      ("First resp.", target(policy.firstResponseMinutes)), ("Resolution", target(policy.resolutionMinutes)),
      ("Version", String(policy.version)), ("Updated", Render.date(policy.updatedAt)),
    ], width: 12)
}

/// One clock for people: its state, due time and the time left (or over).
func describe(_ target: SlaTarget) -> String {
  let of = "of \(describeDuration(target.target))"
  switch target.state {
  case .running where target.breached:
    return Style.paint("BREACHED", .red)
      + " · was due \(Render.date(target.dueAt)) · \(describeDuration(target.remaining).dropFirst()) over, running"
  case .running:
    return "RUNNING · due \(Render.date(target.dueAt)) · \(describeDuration(target.remaining)) left \(of)"
  case .paused:
    return Style.paint("PAUSED", .yellow)
      + " (waiting for the customer) · \(describeDuration(target.remaining)) left \(of)"
      + (target.breached ? " · " + Style.paint("breached", .red) : "")
  case .completed:
    let verdict =
      target.breached
      ? Style.paint("late", .red) + " (\(describeDuration(target.elapsed)) \(of))"
      : Style.paint("in time", .green) + " (\(describeDuration(target.elapsed)) \(of))"
    return "COMPLETED \(Render.date(target.completedAt)) · \(verdict)"
  case .canceled:
    return "CANCELED · \(describeDuration(target.elapsed)) counted \(of)"
  default:
    return target.state.shortName ?? "UNKNOWN"
  }
}

/// The SLA rows of a ticket's description (none without an SLA).
func slaRows(_ sla: TicketSla?) -> [(String, String)] {
  guard let sla else { return [] }
  var rows = [("SLA", sla.policyId == 0 ? "\(sla.policyName) (subject hours, 24x7)" : sla.policyName)]
  if let first = sla.firstResponse { rows.append(("First resp.", describe(first))) }
  if let resolution = sla.resolution { rows.append(("Resolution", describe(resolution))) }
  return rows
}

// MARK: - Calendars

struct SLACalendarCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "calendar", abstract: "Business calendars: put, show, list.",
    subcommands: [PutCalendar.self, ShowCalendar.self, ListCalendarsCommand.self])
}

struct PutCalendar: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "put", abstract: "Create a calendar, or change one (--id).",
    discussion: """
      --hours may be repeated, one group of days each; --holiday too. When changing
      a calendar, the options given replace those values (all its hours, all its
      holidays) and the rest stays.

      Examples:
        atende sla calendar put --name "Suporte SP" --time-zone America/Sao_Paulo \\
          --hours "mon-fri 08:00-12:00,13:00-18:00" --hours "sat 08:00-12:00" \\
          --holiday 2026-12-25=Natal --holiday 2027-01-01
        atende sla calendar put --id 1 --holiday 2026-12-25 --holiday 2026-12-31
      """)

  @OptionGroup var connection: ConnectionOptions
  @Option(help: "The calendar to change (default: create one).") var id: Int64?
  @Option(help: "The name (unique, 1..120 characters).") var name: String?
  @Option(help: "An IANA time zone, e.g. America/Sao_Paulo.") var timeZone: String?
  @Option(help: "Days and times, e.g. 'mon-fri 08:00-12:00,13:00-18:00' (repeatable).") var hours: [String] = []
  @Option(help: "A day off, YYYY-MM-DD[=name] (repeatable).") var holiday: [String] = []
  @Flag(help: "Remove every holiday (when changing a calendar).") var noHolidays = false
  @Option(help: "The version the change is based on (default: the current one).") var expectedVersion: Int64?
  @Flag(help: "Print JSON.") var json = false

  func run() async throws {
    let periods = try hours.flatMap(parseHours)
    try await connection.withClient { client in
      let service = SlaService.Client(client)
      var calendar = BusinessCalendar()
      var version: Int64 = 0
      if let id {
        calendar = try await service.getCalendar(GetCalendarRequest(id: id), options: connection.callOptions)
        version = expectedVersion ?? calendar.version
      } else {
        guard name != nil, timeZone != nil, !hours.isEmpty else {
          throw ValidationError("a new calendar needs --name, --time-zone and --hours")
        }
      }
      if let name { calendar.name = name }
      if let timeZone { calendar.timeZone = timeZone }
      if !periods.isEmpty { calendar.hours = periods }
      if noHolidays { calendar.holidays = [] }
      if !holiday.isEmpty { calendar.holidays = holiday.map(parseHoliday) }
      let saved = try await service.putCalendar(
        PutCalendarRequest(calendar: calendar, expectedVersion: version), options: connection.callOptions)
      print(
        json
          ? describe(saved, json: true)
          : "\(id == nil ? "Created" : "Updated") calendar \(saved.id)\n" + describe(saved, json: false))
    }
  }
}

struct ShowCalendar: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "show", abstract: "Show a calendar.",
    discussion: "Examples:\n  atende sla calendar show 1\n  atende sla calendar show 1 --json")

  @OptionGroup var connection: ConnectionOptions
  @Argument(help: "The calendar's id.") var calendar: Int64
  @Flag(help: "Print JSON.") var json = false

  func run() async throws {
    try await connection.withClient { client in
      print(
        describe(
          try await SlaService.Client(client).getCalendar(
            GetCalendarRequest(id: calendar), options: connection.callOptions), json: json))
    }
  }
}

struct ListCalendarsCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list", abstract: "List the calendars by name.",
    discussion: "Examples:\n  atende sla calendar list\n  atende sla calendar list --json")

  @OptionGroup var connection: ConnectionOptions
  @Flag(help: "Print JSON lines, one calendar each.") var json = false

  func run() async throws {
    try await connection.withClient { client in
      let calendars = try await SlaService.Client(client).listCalendars(
        ListCalendarsRequest(), options: connection.callOptions
      ).calendars
      if json {
        for calendar in calendars { print(describe(calendar, json: true)) }
      } else if calendars.isEmpty {
        print("No calendars.")
      } else {
        print(
          Render.table(
            ["ID", "NAME", "TIME ZONE", "HOLIDAYS", "HOURS"],
            calendars.map {
              [
                String($0.id), $0.name, $0.timeZone, String($0.holidays.count),
                describeHours($0.hours).joined(separator: "; "),
              ]
            }))
      }
    }
  }
}

// MARK: - Policies

struct SLAPolicyCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "policy", abstract: "SLA policies: put, show, list.",
    subcommands: [PutPolicy.self, ShowPolicy.self, ListPoliciesCommand.self])
}

struct PutPolicy: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "put", abstract: "Create a policy, or change one (--id).",
    discussion: """
      A ticket gets the active policy that matches it most closely: subject and
      priority, then subject, then priority, then a policy for every ticket. Targets
      are business time: 90m, 8h, 1h30m, or plain minutes; 0 removes one. When
      changing a policy, the options given replace those values.

      Examples:
        atende sla policy put --name "Alta prioridade" --calendar 1 --priority high \\
          --first-response 1h --resolution 8h
        atende sla policy put --name "Queda geral" --calendar 1 --subject 6 --resolution 4h
        atende sla policy put --id 2 --resolution 1d --active false
      """)

  @OptionGroup var connection: ConnectionOptions
  @Option(help: "The policy to change (default: create one).") var id: Int64?
  @Option(help: "The name (unique, 1..120 characters).") var name: String?
  @Option(help: "The calendar the clocks count on.") var calendar: Int64?
  @Option(help: "Only tickets of this subject (0 = any).") var subject: Int64?
  @Option(help: "Only tickets of this priority: low, normal, high, critical or any.") var priority: String?
  @Option(help: "Business time to the first response, e.g. 1h (0 = none).") var firstResponse: String?
  @Option(help: "Business time to the solution, e.g. 8h (0 = none).") var resolution: String?
  @Option(help: "Active (true/false).") var active: Bool?
  @Option(help: "The version the change is based on (default: the current one).") var expectedVersion: Int64?
  @Flag(help: "Print JSON.") var json = false

  func run() async throws {
    var matched: Priority?
    if let priority, priority.lowercased() != "any" {
      guard let value = Priority(argument: priority) else {
        throw ValidationError("--priority '\(priority)': give low, normal, high, critical or any")
      }
      matched = value
    }
    let firstResponseMinutes = try firstResponse.map { try parseMinutes($0, option: "--first-response") }
    let resolutionMinutes = try resolution.map { try parseMinutes($0, option: "--resolution") }
    try await connection.withClient { client in
      let service = SlaService.Client(client)
      var policy = SlaPolicy(active: true)
      var version: Int64 = 0
      if let id {
        policy = try await service.getPolicy(GetPolicyRequest(id: id), options: connection.callOptions)
        version = expectedVersion ?? policy.version
      }
      if let name { policy.name = name }
      if let calendar { policy.calendarId = calendar }
      if let subject { policy.subjectId = subject }
      if priority != nil { policy.priority = matched ?? .unspecified }
      if let firstResponseMinutes { policy.firstResponseMinutes = firstResponseMinutes }
      if let resolutionMinutes { policy.resolutionMinutes = resolutionMinutes }
      if let active { policy.active = active }
      let saved = try await service.putPolicy(
        PutPolicyRequest(policy: policy, expectedVersion: version), options: connection.callOptions)
      print(
        json
          ? describe(saved, json: true)
          : "\(id == nil ? "Created" : "Updated") policy \(saved.id)\n" + describe(saved, json: false))
    }
  }
}

struct ShowPolicy: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "show", abstract: "Show a policy.",
    discussion: "Examples:\n  atende sla policy show 1\n  atende sla policy show 1 --json")

  @OptionGroup var connection: ConnectionOptions
  @Argument(help: "The policy's id.") var policy: Int64
  @Flag(help: "Print JSON.") var json = false

  func run() async throws {
    try await connection.withClient { client in
      print(
        describe(
          try await SlaService.Client(client).getPolicy(GetPolicyRequest(id: policy), options: connection.callOptions),
          json: json))
    }
  }
}

struct ListPoliciesCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list", abstract: "List the policies by name.",
    discussion: "Examples:\n  atende sla policy list\n  atende sla policy list --json")

  @OptionGroup var connection: ConnectionOptions
  @Flag(help: "Print JSON lines, one policy each.") var json = false

  func run() async throws {
    try await connection.withClient { client in
      let policies = try await SlaService.Client(client).listPolicies(
        ListPoliciesRequest(), options: connection.callOptions
      ).policies
      if json {
        for policy in policies { print(describe(policy, json: true)) }
      } else if policies.isEmpty {
        print("No policies.")
      } else {
        func target(_ minutes: UInt32) -> String {
          minutes == 0 ? "-" : describeDuration(Google_Protobuf_Duration(seconds: Int64(minutes) * 60))
        }
        print(
          Render.table(
            ["ID", "NAME", "ACTIVE", "CALENDAR", "SUBJECT", "PRIORITY", "1ST RESPONSE", "RESOLUTION"],
            policies.map {
              [
                String($0.id), $0.name, $0.active ? "yes" : Style.paint("no", .dim), String($0.calendarId),
                $0.subjectId == 0 ? "any" : String($0.subjectId),
                $0.priority == .unspecified ? "any" : $0.priority.styled, target($0.firstResponseMinutes),
                target($0.resolutionMinutes),
              ]
            }))
      }
    }
  }
}

// MARK: - Escalation rules

/// A signed business duration: `-30m`, `1h`, `0`.
func parseOffset(_ text: String) throws -> Int32 {
  let negative = text.hasPrefix("-")
  let minutes = try parseMinutes(negative ? String(text.dropFirst()) : text, option: "--offset")
  guard minutes <= 525_600 else { throw ValidationError("--offset '\(text)': at most a year either way") }
  return negative ? -Int32(minutes) : Int32(minutes)
}

func describe(_ rule: EscalationRule, json: Bool) -> String {
  if json { return canonicalJSON(rule) }
  var actions: [String] = []
  if rule.raisePriorityTo != .unspecified { actions.append("raise priority to \(rule.raisePriorityTo.styled)") }
  if rule.reassignDepartmentId != 0 { actions.append("move to department \(rule.reassignDepartmentId)") }
  if rule.assignEmployeeId != 0 { actions.append("assign employee \(rule.assignEmployeeId)") }
  actions.append("ESCALATED event")
  return Render.fields(
    [
      ("Rule", "\(rule.id) \(rule.name)"),
      ("Active", rule.active ? Style.paint("yes", .green) : Style.paint("no", .dim)),
      ("Policy", rule.policyId == 0 ? "any" : String(rule.policyId)),
      (
        "When",
        "\(rule.target == .firstResponse ? "first response" : "resolution"), \(describeOffset(rule.offsetMinutes))"
      ),
      ("Does", actions.joined(separator: ", ")), ("Version", String(rule.version)),
      ("Updated", Render.date(rule.updatedAt)),
    ], width: 10)
}

/// A rule's offset for people: `30m before the breach`, `at the breach`.
func describeOffset(_ minutes: Int32) -> String {
  let span = describeDuration(Google_Protobuf_Duration(seconds: Int64(abs(minutes)) * 60))
  return minutes == 0 ? "at the breach" : minutes < 0 ? "\(span) before the breach" : "\(span) after the breach"
}

struct SLAEscalationCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "escalation", abstract: "Escalation rules: put, show, list.",
    discussion: """
      The servers run the rules over the open tickets every
      --escalation-interval-seconds (60 by default). A rule acts on a ticket once:
      it raises the priority, moves the ticket to a department, puts an employee in
      charge (each optional), records it in the history and publishes an ESCALATED
      event (atende watch shows it).
      """,
    subcommands: [PutEscalationRule.self, ShowEscalationRule.self, ListEscalationRulesCommand.self])
}

struct PutEscalationRule: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "put", abstract: "Create an escalation rule, or change one (--id).",
    discussion: """
      --offset is business time relative to the target: -30m acts once 30 minutes or
      less are left, 0 at the breach, 1h an hour after it.

      Examples:
        atende sla escalation put --name "Quase estourando" --target resolution \
          --offset -30m --raise-priority critical
        atende sla escalation put --name "Estourado" --target resolution --policy 1 \
          --department 2 --employee 3
        atende sla escalation put --id 2 --active false
      """)

  @OptionGroup var connection: ConnectionOptions
  @Option(help: "The rule to change (default: create one).") var id: Int64?
  @Option(help: "The name (unique, 1..120 characters).") var name: String?
  @Option(help: "The clock it watches: first-response or resolution.") var target: String?
  @Option(parsing: .unconditional, help: "When it acts, relative to the target: -30m, 0, 1h.") var offset: String?
  @Option(help: "Only tickets under this policy (0 = any).") var policy: Int64?
  @Option(help: "Raise the priority to: low, normal, high, critical (none: keep).") var raisePriority: String?
  @Option(help: "Move the ticket to this department (0 = keep).") var department: Int64?
  @Option(help: "Put this employee in charge (0 = keep).") var employee: Int64?
  @Option(help: "Active (true/false).") var active: Bool?
  @Option(help: "The version the change is based on (default: the current one).") var expectedVersion: Int64?
  @Flag(help: "Print JSON.") var json = false

  func run() async throws {
    var watched: SlaTargetKind?
    if let target {
      switch target.lowercased() {
      case "first-response", "first_response": watched = .firstResponse
      case "resolution": watched = .resolution
      default: throw ValidationError("--target '\(target)': give first-response or resolution")
      }
    }
    var raised: Priority?
    if let raisePriority, raisePriority.lowercased() != "none" {
      guard let value = Priority(argument: raisePriority) else {
        throw ValidationError("--raise-priority '\(raisePriority)': give low, normal, high, critical or none")
      }
      raised = value
    }
    let offsetMinutes = try offset.map(parseOffset)
    try await connection.withClient { client in
      let service = SlaService.Client(client)
      var rule = EscalationRule(active: true)
      var version: Int64 = 0
      if let id {
        rule = try await service.getEscalationRule(GetEscalationRuleRequest(id: id), options: connection.callOptions)
        version = expectedVersion ?? rule.version
      }
      if let name { rule.name = name }
      if let watched { rule.target = watched }
      if let offsetMinutes { rule.offsetMinutes = offsetMinutes }
      if let policy { rule.policyId = policy }
      if raisePriority != nil { rule.raisePriorityTo = raised ?? .unspecified }
      if let department { rule.reassignDepartmentId = department }
      if let employee { rule.assignEmployeeId = employee }
      if let active { rule.active = active }
      let saved = try await service.putEscalationRule(
        PutEscalationRuleRequest(rule: rule, expectedVersion: version), options: connection.callOptions)
      print(
        json
          ? describe(saved, json: true)
          : "\(id == nil ? "Created" : "Updated") escalation rule \(saved.id)\n" + describe(saved, json: false))
    }
  }
}

struct ShowEscalationRule: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "show", abstract: "Show an escalation rule.",
    discussion: "Examples:\n  atende sla escalation show 1\n  atende sla escalation show 1 --json")

  @OptionGroup var connection: ConnectionOptions
  @Argument(help: "The rule's id.") var rule: Int64
  @Flag(help: "Print JSON.") var json = false

  func run() async throws {
    try await connection.withClient { client in
      print(
        describe(
          try await SlaService.Client(client).getEscalationRule(
            GetEscalationRuleRequest(id: rule), options: connection.callOptions), json: json))
    }
  }
}

struct ListEscalationRulesCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list", abstract: "List the escalation rules by name.",
    discussion: "Examples:\n  atende sla escalation list\n  atende sla escalation list --json")

  @OptionGroup var connection: ConnectionOptions
  @Flag(help: "Print JSON lines, one rule each.") var json = false

  func run() async throws {
    try await connection.withClient { client in
      let rules = try await SlaService.Client(client).listEscalationRules(
        ListEscalationRulesRequest(), options: connection.callOptions
      ).rules
      if json {
        for rule in rules { print(describe(rule, json: true)) }
      } else if rules.isEmpty {
        print("No escalation rules.")
      } else {
        print(
          Render.table(
            ["ID", "NAME", "ACTIVE", "POLICY", "CLOCK", "WHEN", "RAISE TO", "DEPT", "EMPLOYEE"],
            rules.map {
              [
                String($0.id), $0.name, $0.active ? "yes" : Style.paint("no", .dim),
                $0.policyId == 0 ? "any" : String($0.policyId),
                $0.target == .firstResponse ? "first response" : "resolution", describeOffset($0.offsetMinutes),
                $0.raisePriorityTo == .unspecified ? "-" : $0.raisePriorityTo.styled,
                Render.id($0.reassignDepartmentId),
                Render.id($0.assignEmployeeId),
              ]
            }))
      }
    }
  }
}

// MARK: - A ticket's clocks

struct ShowTicketSLA: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "show", abstract: "Show a ticket's SLA clocks.",
    discussion: """
      Examples:
        atende sla show 2026000000001
        atende sla show 42 --json
      """)

  @OptionGroup var connection: ConnectionOptions
  @Argument(help: "The ticket's id or protocol number.") var ticket: String
  @Flag(help: "Print JSON (the ticket's sla field; {} when no target applies).") var json = false

  func run() async throws {
    try await connection.withClient { client in
      let found = try await fetchTicket(ticket, TicketService.Client(client), connection.callOptions)
      if json {
        print(found.sla.map(canonicalJSON) ?? "{}")
      } else if found.sla == nil {
        print("No SLA applies to ticket \(found.protocol): no policy matches it and its subject sets no SLA hours.")
      } else {
        print(Render.fields([("Ticket", found.protocol)] + slaRows(found.sla), width: 12))
      }
    }
  }
}
