import ArgumentParser
import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// `atende top`: live figures per method from a server's metrics.
struct Top: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Live calls per second, errors and p99 latency per method, from a server's metrics.",
    discussion: """
      Reads the Prometheus metrics of a server's admin listener (atende-server serve \
      --admin-port) every --interval seconds and shows, per method, the calls per second, \
      the errors per second (any status but OK) and the 99th percentile of the latency \
      over that interval, busiest first. On a terminal the table is redrawn in place \
      until Ctrl-C; otherwise (or with --count) it is printed --count times (default once).

      Examples:
        atende top                                   # the admin listener on 127.0.0.1:7401
        atende top --admin 10.0.0.11:7401 --interval 5
        atende top --count 1 --json | jq '.methods[0]'
      """)

  @Option(help: "The server's admin listener, host:port or an http:// URL (env ATENDE_ADMIN).")
  var admin: String = ProcessInfo.processInfo.environment["ATENDE_ADMIN"] ?? "127.0.0.1:7401"

  @Option(help: "Seconds between refreshes.")
  var interval: Double = 2

  @Option(help: "Refreshes before exiting (default: until Ctrl-C on a terminal, else 1).")
  var count: Int?

  @Flag(help: "Print JSON (one object per refresh).")
  var json = false

  func validate() throws {
    guard interval >= 0.1 else { throw ValidationError("--interval must be at least 0.1 seconds") }
    if let count, count < 1 { throw ValidationError("--count must be at least 1") }
  }

  var metricsURL: URL? {
    let base = admin.hasPrefix("http://") || admin.hasPrefix("https://") ? admin : "http://" + admin
    return URL(string: base.hasSuffix("/metrics") ? base : base + "/metrics")
  }

  func run() async throws {
    guard let url = metricsURL else { throw ValidationError("--admin \(admin) is not an address") }
    try await reportingErrors { try await watch(url) }
  }

  private func watch(_ url: URL) async throws {
    let refreshes = count ?? (Terminal.outputIsTerminal && !json ? Int.max : 1)
    var previous = try await Self.scrape(url)
    var previousAt = ContinuousClock.now
    for refresh in 0..<refreshes {
      try await Task.sleep(for: .milliseconds(Int(interval * 1000)))
      let current = try await Self.scrape(url)
      let now = ContinuousClock.now
      let seconds =
        Double((now - previousAt).components.seconds) + Double((now - previousAt).components.attoseconds) / 1e18
      let rows = MethodActivity.between(previous, current, seconds: seconds)
      if json {
        print(Self.json(rows, seconds: seconds))
      } else if Terminal.outputIsTerminal && count == nil {
        print("\u{1B}[H\u{1B}[2J" + Self.text(rows, admin: admin, seconds: seconds), terminator: "")
        fflush(nil)
      } else {
        if refresh > 0 { print() }
        print(Self.text(rows, admin: admin, seconds: seconds))
      }
      previous = current
      previousAt = now
    }
  }

  /// The server's metrics now.
  static func scrape(_ url: URL) async throws -> [MetricSample] {
    let data: Data
    let response: URLResponse
    do {
      (data, response) = try await URLSession.shared.data(from: url)
    } catch {
      throw CLIError(
        "cannot read \(url): \(error.localizedDescription) (is the server running with --admin-port?)",
        exitCode: ExitCode(6))
    }
    guard (response as? HTTPURLResponse)?.statusCode == 200 else {
      throw CLIError("\(url) answered \((response as? HTTPURLResponse)?.statusCode ?? 0)", exitCode: ExitCode(6))
    }
    return MetricSample.parse(String(decoding: data, as: UTF8.self))
  }

  static func text(_ rows: [MethodActivity], admin: String, seconds: Double) -> String {
    let calls = rows.reduce(0) { $0 + $1.callsPerSecond }
    let errors = rows.reduce(0) { $0 + $1.errorsPerSecond }
    let header =
      "\(Style.paint("atende top", .bold))  \(admin)  every \(String(format: "%.1f", seconds)) s  "
      + "\(String(format: "%.1f", calls)) calls/s  \(String(format: "%.1f", errors)) errors/s\n\n"
    guard !rows.isEmpty else { return header + "  (no calls)\n" }
    let table = Render.table(
      ["METHOD", "CALLS/S", "ERRORS/S", "ERR%", "P99", "IN FLIGHT"],
      rows.map { row in
        [
          row.method, String(format: "%.1f", row.callsPerSecond), String(format: "%.1f", row.errorsPerSecond),
          row.callsPerSecond > 0 ? String(format: "%.1f", 100 * row.errorsPerSecond / row.callsPerSecond) : "-",
          row.p99Seconds.map(Self.latency) ?? "-", String(format: "%.0f", row.inFlight),
        ]
      })
    return header + table + "\n"
  }

  static func latency(_ seconds: Double) -> String {
    seconds < 1 ? String(format: "%.2f ms", seconds * 1000) : String(format: "%.2f s", seconds)
  }

  static func json(_ rows: [MethodActivity], seconds: Double) -> String {
    let methods: [[String: Any]] = rows.map { row in
      var object: [String: Any] = [
        "method": row.method, "calls_per_second": row.callsPerSecond, "errors_per_second": row.errorsPerSecond,
        "in_flight": row.inFlight,
      ]
      if let p99 = row.p99Seconds { object["p99_seconds"] = p99 }
      return object
    }
    let object: [String: Any] = ["interval_seconds": seconds, "methods": methods]
    let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    return String(decoding: data, as: UTF8.self)
  }
}

/// One sample of Prometheus's text format: `name{label="value",...} value`.
struct MetricSample: Hashable {
  var name: String
  var labels: [String: String]
  var value: Double

  /// The samples of an exposition (comments and malformed lines skipped).
  static func parse(_ text: String) -> [MetricSample] {
    text.split(separator: "\n").compactMap { line in
      guard !line.hasPrefix("#") else { return nil }
      return parse(line: Substring(line))
    }
  }

  static func parse(line: Substring) -> MetricSample? {
    var rest = line[...]
    let name = rest.prefix { $0 != "{" && $0 != " " }
    guard !name.isEmpty else { return nil }
    rest = rest.dropFirst(name.count)
    var labels: [String: String] = [:]
    if rest.first == "{" {
      rest = rest.dropFirst()
      while let first = rest.first, first != "}" {
        let key = rest.prefix { $0 != "=" }
        rest = rest.dropFirst(key.count)
        guard rest.hasPrefix("=\"") else { return nil }
        rest = rest.dropFirst(2)
        var value = ""
        while let character = rest.first, character != "\"" {
          rest = rest.dropFirst()
          if character == "\\", let escaped = rest.first {
            rest = rest.dropFirst()
            value.append(escaped == "n" ? "\n" : escaped)
          } else {
            value.append(character)
          }
        }
        guard rest.first == "\"" else { return nil }
        rest = rest.dropFirst()
        labels[String(key.trimmingCharacters(in: .whitespaces))] = value
        if rest.first == "," { rest = rest.dropFirst() }
      }
      guard rest.first == "}" else { return nil }
      rest = rest.dropFirst()
    }
    let fields = rest.split(separator: " ")
    guard let first = fields.first, let value = Double(first) else { return nil }
    return MetricSample(name: String(name), labels: labels, value: value)
  }
}

/// What a method did between two scrapes.
struct MethodActivity: Equatable {
  /// `service/method`.
  var method: String
  var callsPerSecond: Double
  var errorsPerSecond: Double
  /// The latency under which 99% of the interval's calls finished (interpolated within its
  /// histogram bucket, as Prometheus's histogram_quantile); nil without calls.
  var p99Seconds: Double?
  var inFlight: Double

  /// The methods with calls in the interval, or in flight, busiest first.
  static func between(_ before: [MetricSample], _ after: [MetricSample], seconds: Double) -> [MethodActivity] {
    func key(_ sample: MetricSample) -> String? {
      guard let service = sample.labels["service"], let method = sample.labels["method"] else { return nil }
      return service + "/" + method
    }
    func series(_ sample: MetricSample) -> String {
      sample.name + sample.labels.sorted { $0.key < $1.key }.map { "|\($0.key)=\($0.value)" }.joined()
    }
    let earlier = Dictionary(before.map { (series($0), $0.value) }, uniquingKeysWith: { $1 })
    func delta(_ sample: MetricSample) -> Double {
      max(0, sample.value - (earlier[series(sample)] ?? 0))
    }
    var calls: [String: Double] = [:]
    var errors: [String: Double] = [:]
    var buckets: [String: [(bound: Double, count: Double)]] = [:]
    var inFlight: [String: Double] = [:]
    for sample in after {
      guard let method = key(sample) else { continue }
      switch sample.name {
      case "atende_rpc_calls_finished_total":
        calls[method, default: 0] += delta(sample)
        if sample.labels["code"] != "OK" { errors[method, default: 0] += delta(sample) }
      case "atende_rpc_call_duration_seconds_bucket":
        guard let le = sample.labels["le"], let bound = le == "+Inf" ? Double.infinity : Double(le) else { continue }
        buckets[method, default: []].append((bound, delta(sample)))
      case "atende_rpc_calls_in_flight":
        inFlight[method] = sample.value
      default:
        continue
      }
    }
    let methods = Set(calls.keys).union(inFlight.keys)
    let interval = max(seconds, 1e-9)
    return methods.compactMap { method -> MethodActivity? in
      let count = calls[method] ?? 0
      let flying = inFlight[method] ?? 0
      guard count > 0 || flying > 0 else { return nil }
      return MethodActivity(
        method: method, callsPerSecond: count / interval, errorsPerSecond: (errors[method] ?? 0) / interval,
        p99Seconds: quantile(0.99, buckets[method] ?? []), inFlight: flying)
    }.sorted { ($0.callsPerSecond, $1.method) > ($1.callsPerSecond, $0.method) }
  }

  /// The `q` quantile of cumulative histogram buckets, interpolated linearly within the
  /// bucket it falls in; the largest finite bound when it falls in +Inf.
  static func quantile(_ q: Double, _ buckets: [(bound: Double, count: Double)]) -> Double? {
    let sorted = buckets.sorted { $0.bound < $1.bound }
    guard let total = sorted.last?.count, total > 0 else { return nil }
    let rank = q * total
    var lowerBound = 0.0
    var lowerCount = 0.0
    for bucket in sorted {
      if bucket.count >= rank {
        guard bucket.bound.isFinite else { return lowerBound }
        let inBucket = bucket.count - lowerCount
        guard inBucket > 0 else { return bucket.bound }
        return lowerBound + (bucket.bound - lowerBound) * (rank - lowerCount) / inBucket
      }
      lowerBound = bucket.bound
      lowerCount = bucket.count
    }
    return lowerBound
  }
}
