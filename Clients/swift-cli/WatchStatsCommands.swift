public import ArgumentParser
public import AtendeAPI
import Foundation

struct Watch: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Print ticket events as they happen, until Ctrl-C.",
    discussion: """
      Events are those from the moment the server receives the request, or with
      --after those recorded after an event seen before (its sequence, on any
      server of the database), one line each (with --json, one JSON object per
      line, flushed at once for other programs). A LAGGED event says how many
      events were missed because this reader was too slow.

      Examples:
        atende watch
        atende watch --department 2
        atende watch --after 1234             # resume after event 1234
        atende watch --ticket 2026000000001 --json | jq .kind
        atende watch --count 1 --assignee 3   # the next event of employee 3
      """)

  @OptionGroup var connection: ConnectionOptions
  @Option(help: "Only tickets of this department.") var department: Int64 = 0
  @Option(help: "Only tickets of this assignee.") var assignee: Int64 = 0
  @Option(help: "Only this ticket (id or protocol).") var ticket: String?
  @Option(help: "Resume after this event sequence (from an earlier watch).") var after: UInt64 = 0
  @Option(help: "Stop after this many events.") var count: Int?
  @Flag(help: "Print JSON lines.") var json = false

  func validate() throws {
    if let count, count < 1 { throw ValidationError("--count must be at least 1") }
  }

  func run() async throws {
    try await connection.withClient { client in
      let ticketID = try await ticketID(ticket, client, connection.callOptions)
      if Terminal.errorsIsTerminal {
        FileHandleOutput.standardError(
          Style.paint("watching ticket events on \(connection.server) (Ctrl-C to stop)", .dim, on: Terminal.colorErrors)
        )
      }
      let limit = count
      let json = self.json
      try await TicketEventService.Client(client).watchTickets(
        WatchTicketsRequest(departmentId: department, assigneeId: assignee, ticketId: ticketID, afterSequence: after),
        options: connection.longCallOptions
      ) { events in
        var seen = 0
        for try await event in events {
          FileHandleOutput.printFlushed(describe(event, json: json))
          seen += 1
          if let limit, seen >= limit { return }
        }
        throw CLIError("the server ended the event stream", exitCode: ExitCode(6))
      }
    }
  }
}

/// An event, for people (one line) or for scripts.
func describe(_ event: TicketEvent, json: Bool) -> String {
  if json { return canonicalJSON(event) }
  if event.kind == .lagged {
    return "\(Render.time(event.at))  " + Style.paint("LAGGED", .red) + "  \(event.dropped) events missed"
  }
  let ticket = event.ticket ?? Ticket()
  var detail = ticket.title
  switch event.kind {
  case .changed: detail = event.fields.joined(separator: ", ")
  case .assigned: detail = "assignee \(Render.id(ticket.assigneeId))"
  case .escalated:
    detail = event.fields.isEmpty ? "SLA escalation" : "SLA escalation: " + event.fields.joined(separator: ", ")
  default: break
  }
  return [
    Render.time(event.at), Style.paint(event.kind.label.padding(22), .bold), ticket.protocol,
    ticket.status.styled.padding(12), event.actor.isEmpty ? "-" : event.actor, detail,
  ].joined(separator: "  ")
}

struct Stats: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Figures of the support team, with bar charts.",
    discussion: """
      Open tickets (NEW, PENDING, IN_PROGRESS) right now by status, department,
      priority, assignee, channel and branch; the median and 90th percentile of the time
      to the first response and to the solution, and SLA breaches per subject,
      over the tickets created in the period (default: the last 30 days).

      Examples:
        atende stats
        atende stats --department 2 --from 2026-03-01 --to 2026-04-01
        atende stats --branch 2
        atende stats --json | jq '.open_by_status'
      """)

  @OptionGroup var connection: ConnectionOptions
  @Option(help: "Start of the period (local date; default 30 days before --to).") var from: String?
  @Option(help: "End of the period, exclusive (default now).") var to: String?
  @Option(help: "Only this department.") var department: Int64 = 0
  @Option(help: "Only this branch.") var branch: Int64 = 0
  @Flag(help: "Print JSON.") var json = false

  func run() async throws {
    let from = try self.from.map { try timestampOption($0, "--from") }
    let to = try self.to.map { try timestampOption($0, "--to") }
    try await connection.withClient { client in
      let metrics = try await TicketMetricsService.Client(client).getTicketMetrics(
        GetTicketMetricsRequest(from: from, to: to, departmentId: department, branchId: branch),
        options: connection.callOptions)
      print(json ? canonicalJSON(metrics) : statsText(metrics))
    }
  }

  private func statsText(_ metrics: TicketMetrics) -> String {
    func chart(_ title: String, _ counts: [Count], none: String) -> String {
      let items = counts.map { count -> (label: String, value: Int64) in
        (count.id == 0 && count.name.isEmpty ? none : count.name.isEmpty ? "#\(count.id)" : count.name, count.count)
      }
      return Style.paint(title, .bold) + "\n" + Render.bars(items)
    }
    func durations(_ title: String, _ stats: DurationStats?) -> String {
      guard let stats, stats.count > 0 else { return "  \(title.padding(20))-" }
      return "  \(title.padding(20))median \(hours(stats.medianHours)), p90 \(hours(stats.p90Hours))"
        + " (\(stats.count) ticket\(stats.count == 1 ? "" : "s"))"
    }
    let open = metrics.openByStatus.reduce(0) { $0 + $1.count }
    var sections = [
      Style.paint("Open tickets: \(open)", .bold)
        + " (period \(Render.date(metrics.from)) – \(Render.date(metrics.to)))",
      chart("By status", metrics.openByStatus, none: "-"),
      chart("By department", metrics.openByDepartment, none: "(none)"),
      chart("By priority", metrics.openByPriority, none: "-"),
      chart("By assignee", metrics.openByAssignee, none: "(nobody)"),
      chart("By channel", metrics.openByChannel, none: "(no channel)"),
      chart("By branch", metrics.openByBranch, none: "(no branch)"),
      Style.paint("Times (tickets created in the period)", .bold) + "\n"
        + durations("to first response", metrics.timeToFirstResponse) + "\n"
        + durations("to solution", metrics.timeToSolution),
    ]
    if !metrics.sla.isEmpty {
      let rows = metrics.sla.map { item in
        [
          item.subjectName, String(item.tickets),
          item.firstResponseTargetHours == 0 ? "-" : "\(item.firstResponseTargetHours) h",
          item.firstResponseTargetHours == 0 ? "-" : breaches(item.firstResponseBreaches),
          item.solutionTargetHours == 0 ? "-" : "\(item.solutionTargetHours) h",
          item.solutionTargetHours == 0 ? "-" : breaches(item.solutionBreaches),
        ]
      }
      sections.append(
        Style.paint("SLA per subject", .bold) + "\n"
          + Render.table(["SUBJECT", "TICKETS", "1ST RESP.", "BREACHES", "SOLUTION", "BREACHES"], rows)
          .split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
    }
    return sections.joined(separator: "\n\n")
  }

  private func breaches(_ count: Int64) -> String {
    count == 0 ? Style.paint("0", .green) : Style.paint(String(count), .red)
  }
}

extension TrendGranularity: ExpressibleByArgument {
  public static var allValueStrings: [String] { argumentNames }
  public var defaultValueDescription: String { argument }
  public init?(argument: String) { self.init(argumentName: argument) }
}

extension TrendDimension: ExpressibleByArgument {
  public static var allValueStrings: [String] { argumentNames }
  public var defaultValueDescription: String { argument }
  public init?(argument: String) { self.init(argumentName: argument) }
}

struct Trends: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Tickets opened and solved per day or week, with bar charts, and the response and solution times.",
    discussion: """
      Each period's openings and solutions, grouped by channel, department, subject or
      branch (--by), and the 50th, 90th and 99th percentiles of the time to the first
      response and to the solution of the tickets opened in the period: on the clock,
      or in an SLA calendar's working time (--calendar; days then follow its time zone).

      Examples:
        atende trends                                   # the last 30 days, per day
        atende trends --every week --by department --from 2026-01-05
        atende trends --by subject --calendar 1 --json
      """)

  @OptionGroup var connection: ConnectionOptions
  @Option(help: "Start of the period (local date; default 30 days before --to).") var from: String?
  @Option(help: "End of the period, exclusive (default now).") var to: String?
  @Option(help: "day or week.") var every: TrendGranularity = .day
  @Option(help: "channel, department, subject or branch.") var by: TrendDimension?
  @Option(help: "Only this department.") var department: Int64 = 0
  @Option(help: "Only this branch.") var branch: Int64 = 0
  @Option(help: "Measure the times in this SLA calendar's working time.") var calendar: Int64 = 0
  @Option(help: "The time zone of the days without --calendar (default America/Sao_Paulo).") var timeZone = ""
  @Flag(help: "Print JSON.") var json = false

  func run() async throws {
    let from = try self.from.map { try timestampOption($0, "--from") }
    let to = try self.to.map { try timestampOption($0, "--to") }
    try await connection.withClient { client in
      let trends = try await TicketMetricsService.Client(client).getTicketTrends(
        GetTicketTrendsRequest(
          from: from, to: to, granularity: every, groupBy: by ?? .unspecified, departmentId: department,
          branchId: branch, calendarId: calendar, timeZone: timeZone),
        options: connection.callOptions)
      print(json ? canonicalJSON(trends) : text(trends))
    }
  }

  private func text(_ trends: TicketTrends) -> String {
    var zone = Calendar(identifier: .gregorian)
    zone.timeZone = TimeZone(identifier: trends.timeZone) ?? .current
    let formatter = DateFormatter()
    formatter.calendar = zone
    formatter.timeZone = zone.timeZone
    formatter.dateFormat = every == .week ? "'week of' yyyy-MM-dd" : "yyyy-MM-dd EEE"
    func label(_ period: TrendPeriod) -> String { formatter.string(from: period.start?.date ?? Date()) }
    func percentiles(_ title: String, _ values: Percentiles?) -> String {
      guard let values, values.count > 0 else { return "  \(title.padding(20))-" }
      return "  \(title.padding(20))p50 \(hours(values.p50Hours)), p90 \(hours(values.p90Hours)),"
        + " p99 \(hours(values.p99Hours)) (\(values.count) ticket\(values.count == 1 ? "" : "s"))"
    }
    let opened = trends.periods.reduce(0) { $0 + $1.opened }
    let solved = trends.periods.reduce(0) { $0 + $1.solved }
    var sections = [
      Style.paint("Opened: \(opened), solved: \(solved)", .bold)
        + " (\(Render.date(trends.from)) – \(Render.date(trends.to)), days in \(trends.timeZone))",
      Style.paint("Opened", .bold) + "\n" + Render.bars(trends.periods.map { (label($0), $0.opened) }),
      Style.paint("Solved", .bold) + "\n" + Render.bars(trends.periods.map { (label($0), $0.solved) }),
    ]
    if by != nil {
      func top(_ counts: [Count]) -> String {
        counts.prefix(3).map { "\($0.id == 0 ? "(none)" : $0.name.isEmpty ? "#\($0.id)" : $0.name) \($0.count)" }
          .joined(separator: ", ")
      }
      let rows = trends.periods.filter { $0.opened + $0.solved > 0 }.map {
        [label($0), top($0.openedBy), top($0.solvedBy)]
      }
      sections.append(
        Style.paint("By \(by?.label.lowercased() ?? "")", .bold) + "\n"
          + Render.table(["PERIOD", "OPENED (MOST)", "SOLVED (MOST)"], rows))
    }
    sections.append(
      Style.paint("Times of the tickets opened (\(trends.businessTime ? "business time" : "on the clock"))", .bold)
        + "\n" + percentiles("to first response", trends.firstResponse) + "\n"
        + percentiles("to solution", trends.solution))
    return sections.joined(separator: "\n\n")
  }
}

/// A duration in hours for people: `45 min` under an hour, else `3.5 h`.
private func hours(_ value: Double) -> String {
  value < 1 ? String(format: "%.0f min", value * 60) : String(format: "%.1f h", value)
}
