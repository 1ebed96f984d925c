import AtendeAPI
import AtendeAdmin
import AtendeServer
import AtendeStore
import AtendeStoreTestSupport
import Foundation
import Logging
import Synchronization
import Testing

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

@Suite("The admin listener: metrics, health for orchestrators, and the access log")
struct AdminEndpointTests {
  @Test(
    "after a known sequence of calls, /metrics has their counts, statuses, bytes, histogram buckets and store timings",
    arguments: Engine.available)
  func metricsAfterKnownCalls(engine: Engine) async throws {
    let access = LogCapture()
    try await withAdminServer(engine: engine, accessLog: access) { server in
      let admin = server.makeClient(token: server.adminToken)
      defer { admin.close() }
      for _ in 0..<3 { _ = try await IdentityService.Client(admin).whoAmI(WhoAmIRequest()) }
      let missing = await failure {
        _ = try await TicketService.Client(admin).getTicket(GetTicketRequest(key: .id(424_242)))
      }
      #expect(missing?.code == .notFound)
      let stranger = server.makeClient(token: "not-a-token")
      defer { stranger.close() }
      let refused = await failure { _ = try await IdentityService.Client(stranger).whoAmI(WhoAmIRequest()) }
      #expect(refused?.code == .unauthenticated)

      let metrics = try await Scrape(try await server.get("/metrics"))
      let whoAmI = #"service="atende.auth.v1.IdentityService",method="WhoAmI""#
      let getTicket = #"service="atende.tickets.v1.TicketService",method="GetTicket""#
      #expect(metrics["atende_rpc_calls_started_total{\(whoAmI)}"] == 4)
      #expect(metrics["atende_rpc_calls_finished_total{\(whoAmI),code=\"OK\"}"] == 3)
      #expect(metrics["atende_rpc_calls_finished_total{\(whoAmI),code=\"UNAUTHENTICATED\"}"] == 1)
      #expect(metrics["atende_rpc_calls_finished_total{\(getTicket),code=\"NOT_FOUND\"}"] == 1)
      #expect(metrics["atende_rpc_calls_in_flight{\(whoAmI)}"] == 0)
      #expect((metrics["atende_rpc_request_bytes_total{\(getTicket)}"] ?? 0) > 0)
      #expect((metrics["atende_rpc_response_bytes_total{\(whoAmI)}"] ?? 0) > 0)
      #expect((metrics["atende_rpc_connections_opened_total"] ?? 0) >= 2)

      // The latency histogram: every call under the last bucket, buckets cumulative.
      #expect(metrics["atende_rpc_call_duration_seconds_count{\(whoAmI)}"] == 4)
      let buckets = PrometheusMetrics.latencyBuckets.map { bucket in
        metrics["atende_rpc_call_duration_seconds_bucket{\(whoAmI),le=\"\(Scrape.seconds(bucket))\"}"]
      }
      #expect(buckets.allSatisfy { $0 != nil }, "every bucket is exported: \(metrics.names)")
      let counts = buckets.compactMap { $0 }
      #expect(counts == counts.sorted())
      #expect(metrics["atende_rpc_call_duration_seconds_bucket{\(whoAmI),le=\"+Inf\"}"] == 4)
      #expect(counts.last == 4)  // 10 s

      // The store's transactions: how long each waited for its connection, and took.
      let system = engine == .sqlite ? "sqlite" : "postgresql"
      for kind in ["read", "write"] {
        let labels = "{system=\"\(system)\",kind=\"\(kind)\"}"
        let transactions = metrics["atende_store_transaction_duration_seconds_count\(labels)"] ?? 0
        #expect(transactions > 0, "no \(kind) transaction timed")
        #expect(metrics["atende_store_pool_wait_seconds_count\(labels)"] == transactions)
      }

      // State read at the scrape: tickets and the process.
      #expect(metrics["atende_tickets_open{status=\"NEW\"}"] == 0)
      #expect((metrics["process_resident_memory_bytes"] ?? 0) > 0)
      #expect((metrics["process_open_fds"] ?? 0) > 0)

      // One access-log line per call, with who called, and never a credential.
      let lines = access.entries.filter { $0.message == "call" }
      #expect(lines.count == 5)
      #expect(lines.filter { $0.metadata["rpc.identity"] == "test-admin" }.count == 4)
      let unauthenticated = lines.first { $0.metadata["rpc.status"] == "UNAUTHENTICATED" }
      #expect(unauthenticated?.metadata["rpc.identity"] == nil)
      #expect(unauthenticated?.metadata["rpc.method"] == "/atende.auth.v1.IdentityService/WhoAmI")
      let notFound = lines.first { $0.metadata["rpc.status"] == "NOT_FOUND" }
      #expect(notFound?.metadata["rpc.request_bytes"].flatMap { Int($0) } ?? 0 > 0)
      #expect(notFound?.metadata["rpc.duration_ms"].flatMap { Double($0) } != nil)
      #expect(notFound?.metadata["rpc.remote_address"]?.hasPrefix("127.0.0.1:") == true)
      // Every metric exported is documented, and the dashboard uses only documented ones.
      let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
      let operations = try String(contentsOf: root.appendingPathComponent("docs/OPERATIONS.md"), encoding: .utf8)
      let families = Set(metrics.names.map(Scrape.family))
      for family in families { #expect(operations.contains("`\(family)`"), "\(family) is not in OPERATIONS.md") }
      let dashboard = try String(
        contentsOf: root.appendingPathComponent("docs/grafana/atende-dashboard.json"), encoding: .utf8)
      for used in Set(Scrape.metricNames(in: dashboard).map(Scrape.family)) {
        #expect(operations.contains("`\(used)`"), "the dashboard's \(used) is not in OPERATIONS.md")
      }

      let everything = access.entries.map { "\($0.message) \($0.metadata)" }.joined(separator: "\n")
      #expect(!everything.contains(server.adminToken))
      #expect(!everything.contains("not-a-token"))
    }
  }

  @Test("the event bus counts events delivered and dropped, and its subscribers")
  func eventMetrics() async throws {
    let metrics = PrometheusMetrics()
    let bus = TicketEventBus(bufferSize: 2, metricsFactory: metrics.factory)
    let slow = bus.subscribe(.init())  // never read: its buffer holds 2
    let other = bus.subscribe(.init(departmentID: 9))  // matches nothing
    for id: Int64 in 1...5 {
      bus.publish(TicketEventBusTests.event(id, ticket: TicketEventBusTests.ticket(id: id)))
    }
    var scrape = try await Scrape((200, String(decoding: metrics.exposition(), as: UTF8.self)))
    #expect(scrape["atende_events_delivered_total"] == 2)
    #expect(scrape["atende_events_dropped_total"] == 3)
    #expect(scrape["atende_event_subscribers"] == 2)
    _ = (slow, other)
    bus.close()
    scrape = try await Scrape((200, String(decoding: metrics.exposition(), as: UTF8.self)))
    #expect(scrape["atende_event_subscribers"] == 0)
  }

  @Test("/healthz answers while the process runs; /readyz is 503 while draining or while the database fails")
  func healthEndpoints() async throws {
    let ready = Atomic(true)
    let health = ServerHealth(probeInterval: .zero) { ready.load(ordering: .relaxed) }
    try await withAdminServer(health: health) { server in
      #expect(try await server.get("/healthz").status == 200)
      var readiness = try await server.get("/readyz")
      #expect(readiness.status == 200)
      ready.store(false, ordering: .relaxed)
      readiness = try await server.get("/readyz")
      #expect(readiness.status == 503)
      #expect(readiness.body == "not ready\n")
      ready.store(true, ordering: .relaxed)
      #expect(try await server.get("/readyz").status == 200)
      health.beginDraining()
      readiness = try await server.get("/readyz")
      #expect(readiness.status == 503)
      #expect(readiness.body == "draining\n")
      #expect(try await server.get("/healthz").status == 200)
      #expect(try await server.get("/nothing-here").status == 404)
    }
  }
}

/// A running Atende server over TCP with metrics, its admin listener, and the admin token.
struct AdminTestServer {
  let port: Int
  let adminPort: Int
  let adminToken: String

  func makeClient(token: String) -> RPCClient {
    RPCClient(host: "127.0.0.1", port: port, configuration: clientConfiguration(token: token))
  }

  /// GET `path` on the admin listener.
  func get(_ path: String) async throws -> (status: Int, body: String) {
    let url = URL(string: "http://127.0.0.1:\(adminPort)\(path)")!
    let (data, response) = try await URLSession.shared.data(from: url)
    return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
  }
}

/// Runs a server with the demo data, authentication, metrics and `accessLog`, over TCP,
/// and its admin listener on a free port.
func withAdminServer<Result: Sendable>(
  engine: Engine = .sqlite, health: ServerHealth? = nil, accessLog: LogCapture? = nil,
  _ body: (AdminTestServer) async throws -> Result
) async throws -> Result {
  let metrics = PrometheusMetrics()
  return try await withStore(engine, metricsFactory: metrics.factory) { store in
    try await DemoData.load(into: store)
    let auth = try await TestAuth(store)
    let health = health ?? AtendeServer.readiness(of: store)
    let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
    let server = try AtendeServer.makeServer(
      configuration: ServerConfiguration(host: "127.0.0.1", port: 0), store: store, files: try temporaryFileStorage(),
      auth: auth.configuration, health: health, metricsFactory: metrics.factory,
      observers: accessLog.map { [AccessLog(logger: $0.logger)] } ?? [], logger: quiet)
    let (ports, listening) = AsyncStream<Int>.makeStream()
    let admin = AdminServer(
      port: 0, metrics: metrics,
      state: StateMetrics(store: store, factory: metrics.factory, startedAt: AtendeServer.currentTime()),
      health: health, logger: quiet, onListening: { port in listening.yield(port) })
    return try await withRPCServer(server) { server in
      try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await admin.run() }
        defer { group.cancelAll() }
        var iterator = ports.makeAsyncIterator()
        guard let adminPort = await iterator.next() else { throw CancellationError() }
        return try await body(
          AdminTestServer(port: try await server.listeningPort(), adminPort: adminPort, adminToken: auth.adminToken))
      }
    }
  }
}

/// Prometheus's text format, read into `name{labels}` → value (comments skipped).
struct Scrape {
  private let values: [String: Double]

  init(_ response: (status: Int, body: String)) async throws {
    #expect(response.status == 200)
    var values: [String: Double] = [:]
    for line in response.body.split(separator: "\n") where !line.hasPrefix("#") {
      guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
        continue
      }
      values[String(line[..<space])] = value
    }
    self.values = values
  }

  subscript(_ series: String) -> Double? { values[series] }

  var names: [String] { values.keys.sorted() }

  /// The metric a series belongs to: its name without labels and without a histogram's
  /// `_bucket`, `_sum` or `_count`.
  static func family(_ series: String) -> String {
    var name = String(series.prefix { $0 != "{" })
    for suffix in ["_bucket", "_sum", "_count"]
    where name.hasSuffix(suffix) && name.contains("_seconds_") {
      name.removeLast(suffix.count)
    }
    return name
  }

  /// The `atende_…` and `process_…` names in `text`.
  static func metricNames(in text: String) -> [String] {
    let characters = Array(text)
    var names: [String] = []
    var index = 0
    while index < characters.count {
      let rest = String(characters[index..<min(index + 8, characters.count)])
      let startsName =
        (rest.hasPrefix("atende_") || rest.hasPrefix("process_"))
        && (index == 0 || !(characters[index - 1].isLetter || characters[index - 1] == "_"))
      guard startsName else {
        index += 1
        continue
      }
      var end = index
      while end < characters.count, characters[end].isLetter || characters[end] == "_" { end += 1 }
      names.append(String(characters[index..<end]))
      index = end
    }
    return names
  }

  /// A bucket's bound as the exporter writes it: seconds.
  static func seconds(_ duration: Duration) -> String {
    let (seconds, attoseconds) = duration.components
    return "\(Double(seconds) + Double(attoseconds) / 1e18)"
  }
}

/// Keeps what is logged through ``logger``.
final class LogCapture: Sendable {
  struct Entry: Sendable {
    var level: Logger.Level
    var message: String
    var metadata: [String: String]
  }

  private let stored = Mutex<[Entry]>([])

  var entries: [Entry] { stored.withLock { $0 } }

  var logger: Logger {
    Logger(label: "capture") { _ in Handler(capture: self) }
  }

  private struct Handler: LogHandler {
    let capture: LogCapture
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
      get { metadata[key] }
      set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
      var merged: [String: String] = [:]
      for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
        merged[key] = "\(value)"
      }
      capture.stored.withLock {
        $0.append(Entry(level: event.level, message: "\(event.message)", metadata: merged))
      }
    }
  }
}
