public import AtendeServer
internal import Hummingbird
public import Logging
internal import NIOCore
public import Prometheus
public import ServiceLifecycle

/// Where the server's metrics go: a Prometheus registry, and the swift-metrics factory
/// that fills it, with latency buckets fit for calls that take from a tenth of a
/// millisecond to seconds.
public struct PrometheusMetrics: Sendable {
  /// The registry ``AdminServer`` exports.
  public let registry: PrometheusCollectorRegistry
  /// The factory to give `AtendeServer.makeServer(…metricsFactory:…)`.
  public let factory: PrometheusMetricsFactory

  /// A new, empty registry.
  public init() {
    registry = PrometheusCollectorRegistry()
    var factory = PrometheusMetricsFactory(registry: registry)
    factory.defaultDurationHistogramBuckets = Self.latencyBuckets
    self.factory = factory
  }

  /// 100 µs to 10 s.
  public static let latencyBuckets: [Duration] = [
    .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .microseconds(2500),
    .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
    .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
  ]

  /// Every metric in Prometheus's text exposition format.
  public func exposition() -> [UInt8] {
    registry.emitToBuffer()
  }
}

/// The admin HTTP listener, for operators and orchestrators (on Hummingbird):
///
/// - `GET /metrics`: every metric, in Prometheus's text format (state metrics read first);
/// - `GET /healthz`: liveness, 200 while the process answers;
/// - `GET /readyz`: readiness, 200 while the server is serving (its database readable and
///   not draining), 503 otherwise.
///
/// It binds loopback by default: metrics name methods and identities' traffic, not for
/// every network to see.
public struct AdminServer: Service {
  private let host: String
  private let port: Int
  private let metrics: PrometheusMetrics
  private let state: StateMetrics?
  private let health: ServerHealth
  private let logger: Logger
  private let onListening: @Sendable (Int) async -> Void

  /// An admin listener on `host:port` (port 0: the system picks one, given to
  /// `onListening`), exporting `metrics` (after refreshing `state`) and `health`.
  public init(
    host: String = "127.0.0.1", port: Int, metrics: PrometheusMetrics, state: StateMetrics?, health: ServerHealth,
    logger: Logger, onListening: @escaping @Sendable (Int) async -> Void = { _ in }
  ) {
    self.host = host
    self.port = port
    self.metrics = metrics
    self.state = state
    self.health = health
    self.logger = logger
    self.onListening = onListening
  }

  /// Serves until graceful shutdown (or cancellation).
  public func run() async throws {
    let router = Router()
    let metrics = metrics
    let state = state
    let health = health
    router.get("metrics") { _, _ -> Response in
      await state?.refresh()
      return Response(
        status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
        body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
    }
    router.get("healthz") { _, _ -> Response in
      Self.text(.ok, "ok\n")
    }
    router.get("readyz") { _, _ -> Response in
      switch await health.status() {
      case .serving: Self.text(.ok, "ready\n")
      case .notServing: Self.text(.serviceUnavailable, health.isDraining ? "draining\n" : "not ready\n")
      }
    }
    let logger = logger
    let onListening = onListening
    let host = host
    let app = Application(
      router: router, configuration: .init(address: .hostname(host, port: port), serverName: "atende-admin"),
      onServerRunning: { channel in
        let port = channel.localAddress?.port ?? 0
        logger.info("admin listener ready", metadata: ["admin.address": "\(host):\(port)"])
        await onListening(port)
      }, logger: logger)
    try await app.run()
  }

  private static func text(_ status: HTTPResponse.Status, _ body: String) -> Response {
    Response(
      status: status, headers: [.contentType: "text/plain; charset=utf-8"],
      body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
  }
}
