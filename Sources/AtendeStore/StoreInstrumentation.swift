package import CoreMetrics
internal import Synchronization
internal import Tracing

/// Times and traces a store's transactions: how long each waited for its connection (a
/// pool's, or SQLite's writer) and how long it then took, by kind, as swift-metrics timers
/// (`atende_store_pool_wait_seconds`, `atende_store_transaction_duration_seconds`, labels
/// `system` and `kind`), and a client span per transaction when the caller is traced.
///
/// With the no-op metrics factory (metrics off) and no current span, a transaction pays
/// nothing.
package struct StoreInstrumentation: Sendable {
  /// What a transaction does.
  package enum Kind: String, Sendable {
    case read
    case write
  }

  /// Marks when a transaction got its connection: called first thing inside it.
  package final class Acquisition: Sendable {
    private let at = Mutex<ContinuousClock.Instant?>(nil)
    private let enabled: Bool

    /// What transactions get when nothing is timed: marking it does nothing.
    static let ignored = Acquisition(enabled: false)

    init(enabled: Bool = true) { self.enabled = enabled }

    package func mark() {
      guard enabled else { return }
      at.withLock { $0 = .now }
    }

    var instant: ContinuousClock.Instant? { at.withLock { $0 } }
  }

  private struct Timers: Sendable {
    let wait: Timer
    let duration: Timer
  }

  /// `sqlite` or `postgresql` (OpenTelemetry's `db.system`).
  let system: String
  private let read: Timers?
  private let write: Timers?

  /// Instrumentation of a store on `system`, with metrics made by `factory` (nil: the
  /// process's `MetricsSystem`).
  package init(system: String, factory: (any MetricsFactory)?) {
    self.system = system
    let factory = factory ?? MetricsSystem.factory
    guard !(factory is NOOPMetricsHandler) else {
      read = nil
      write = nil
      return
    }
    func timers(_ kind: Kind) -> Timers {
      let dimensions = [("system", system), ("kind", kind.rawValue)]
      return Timers(
        wait: Timer(label: "atende_store_pool_wait_seconds", dimensions: dimensions, factory: factory),
        duration: Timer(label: "atende_store_transaction_duration_seconds", dimensions: dimensions, factory: factory))
    }
    read = timers(.read)
    write = timers(.write)
  }

  /// Runs `operation`, a transaction of `kind` that calls `mark()` on its acquisition
  /// once it has its connection.
  package func run<Result: Sendable>(
    _ kind: Kind, _ operation: (Acquisition) async throws -> Result
  ) async throws -> Result {
    guard ServiceContext.current != nil else { return try await timed(kind, operation) }
    return try await withSpan("\(system) \(kind.rawValue)", ofKind: .client) { span in
      span.attributes["db.system"] = system
      span.attributes["db.operation"] = kind == .read ? "read transaction" : "write transaction"
      return try await timed(kind, operation)
    }
  }

  private func timed<Result: Sendable>(
    _ kind: Kind, _ operation: (Acquisition) async throws -> Result
  ) async throws -> Result {
    guard let timers = kind == .read ? read : write else { return try await operation(.ignored) }
    let acquisition = Acquisition()
    let start = ContinuousClock.now
    defer {
      let end = ContinuousClock.now
      let acquired = acquisition.instant ?? end
      timers.wait.recordNanoseconds((acquired - start).nanoseconds)
      timers.duration.recordNanoseconds((end - acquired).nanoseconds)
    }
    return try await operation(acquisition)
  }
}

extension Duration {
  fileprivate var nanoseconds: Int64 {
    let (seconds, attoseconds) = components
    return seconds &* 1_000_000_000 &+ attoseconds / 1_000_000_000
  }
}
