public import AtendeRPC
public import CoreMetrics
internal import Synchronization

/// The server's RPC metrics, through swift-metrics: a ``ServerObserver`` that counts
/// calls, their outcomes, latencies and bytes per method, and the transport's connections
/// and limits. `docs/OPERATIONS.md` lists every metric.
///
/// Metrics are made with `factory` (the Prometheus exporter's, in `atende-server`), once
/// per method and status: the per-call work is a dictionary lookup and a few atomic
/// updates.
public final class RPCMetrics: ServerObserver {
  /// The label of the calls' latency histogram (for choosing its buckets).
  public static let callDurationLabel = "atende_rpc_call_duration_seconds"

  private final class MethodMetrics: Sendable {
    let dimensions: [(String, String)]
    let started: Counter
    let inFlight: Meter
    let duration: Timer
    let requestBytes: Counter
    let responseBytes: Counter
    /// Calls finished, by status code (0 = OK), made on first use.
    let finished: Mutex<[Counter?]>

    init(_ method: MethodDescriptor, factory: any MetricsFactory) {
      dimensions = [("service", method.service), ("method", method.method)]
      started = Counter(label: "atende_rpc_calls_started_total", dimensions: dimensions, factory: factory)
      inFlight = Meter(label: "atende_rpc_calls_in_flight", dimensions: dimensions, factory: factory)
      duration = Timer(label: RPCMetrics.callDurationLabel, dimensions: dimensions, factory: factory)
      requestBytes = Counter(label: "atende_rpc_request_bytes_total", dimensions: dimensions, factory: factory)
      responseBytes = Counter(label: "atende_rpc_response_bytes_total", dimensions: dimensions, factory: factory)
      finished = Mutex(Array(repeating: nil, count: 17))
    }
  }

  private let factory: any MetricsFactory
  private let methods = Mutex<[String: MethodMetrics]>([:])
  private let connectionsOpened: Counter
  private let connections: Meter
  private let limits = Mutex<[ServerLimit: Counter]>([:])

  /// Metrics made with `factory`.
  public init(factory: any MetricsFactory) {
    self.factory = factory
    connectionsOpened = Counter(label: "atende_rpc_connections_opened_total", factory: factory)
    connections = Meter(label: "atende_rpc_connections", factory: factory)
  }

  private func metrics(_ method: MethodDescriptor) -> MethodMetrics {
    methods.withLock { methods in
      if let existing = methods[method.path] { return existing }
      let made = MethodMetrics(method, factory: factory)
      methods[method.path] = made
      return made
    }
  }

  public func connectionOpened() {
    connectionsOpened.increment()
    connections.increment()
  }

  public func connectionClosed() {
    connections.decrement()
  }

  public func callStarted(_ method: MethodDescriptor) {
    let metrics = metrics(method)
    metrics.started.increment()
    metrics.inFlight.increment()
  }

  public func callFinished(_ call: FinishedCall) {
    let metrics = metrics(call.method)
    metrics.inFlight.decrement()
    metrics.duration.recordNanoseconds(call.duration.nanosecondsClamped)
    if call.requestBytes > 0 { metrics.requestBytes.increment(by: Int64(call.requestBytes)) }
    if call.responseBytes > 0 { metrics.responseBytes.increment(by: Int64(call.responseBytes)) }
    let code = call.code?.rawValue ?? 0
    let counter = metrics.finished.withLock { finished in
      if let counter = finished[code] { return counter }
      let counter = Counter(
        label: "atende_rpc_calls_finished_total", dimensions: metrics.dimensions + [("code", call.codeName)],
        factory: factory)
      finished[code] = counter
      return counter
    }
    counter.increment()
  }

  public func limitReached(_ limit: ServerLimit) {
    let counter = limits.withLock { limits in
      if let counter = limits[limit] { return counter }
      let counter = Counter(
        label: "atende_rpc_limit_reached_total", dimensions: [("limit", limit.name)], factory: factory)
      limits[limit] = counter
      return counter
    }
    counter.increment()
  }
}

/// Several observers as one, called in order.
public struct ServerObservers: ServerObserver {
  private let observers: [any ServerObserver]

  public init(_ observers: [any ServerObserver]) {
    self.observers = observers
  }

  public func connectionOpened() { for observer in observers { observer.connectionOpened() } }
  public func connectionClosed() { for observer in observers { observer.connectionClosed() } }
  public func callStarted(_ method: MethodDescriptor) { for observer in observers { observer.callStarted(method) } }
  public func callFinished(_ call: FinishedCall) { for observer in observers { observer.callFinished(call) } }
  public func limitReached(_ limit: ServerLimit) { for observer in observers { observer.limitReached(limit) } }
}
