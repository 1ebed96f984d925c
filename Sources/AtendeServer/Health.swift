internal import Synchronization

/// Whether a server serves, as its health check reports it: SERVING until it begins
/// shutting down (NOT_SERVING from then on: it is draining), and NOT_SERVING while its
/// readiness probe (can the database be read?) fails.
///
/// The probe runs at most once per `probeInterval` however many checks arrive, and counts
/// as failed when it takes longer than `probeTimeout`.
public final class ServerHealth: Sendable {
  /// What the health check reports.
  public enum Status: Sendable, Hashable {
    case serving
    case notServing
  }

  private struct State {
    var draining = false
    var lastProbe: (at: ContinuousClock.Instant, ready: Bool)?
    var watchers: [Int: AsyncStream<Void>.Continuation] = [:]
    var nextWatcher = 0
  }

  private let state = Mutex(State())
  private let probe: (@Sendable () async -> Bool)?
  /// How long a probe's answer is reused.
  public let probeInterval: Duration
  /// How long a probe may take before it counts as failed.
  public let probeTimeout: Duration

  /// Health with `probe` as the readiness check (nil: always ready).
  public init(
    probeInterval: Duration = .seconds(1), probeTimeout: Duration = .seconds(2),
    probe: (@Sendable () async -> Bool)? = nil
  ) {
    self.probe = probe
    self.probeInterval = probeInterval
    self.probeTimeout = probeTimeout
  }

  /// Whether ``beginDraining()`` was called.
  public var isDraining: Bool { state.withLock { $0.draining } }

  /// From now on the server reports NOT_SERVING; watchers are told at once.
  public func beginDraining() {
    let watchers = state.withLock { state -> [AsyncStream<Void>.Continuation] in
      state.draining = true
      return Array(state.watchers.values)
    }
    for watcher in watchers { watcher.yield() }
  }

  /// The current status (running the probe when its last answer is older than
  /// `probeInterval`).
  public func status() async -> Status {
    let now = ContinuousClock.now
    let (draining, cached) = state.withLock { state -> (Bool, Bool?) in
      guard let last = state.lastProbe, now - last.at < probeInterval else { return (state.draining, nil) }
      return (state.draining, last.ready)
    }
    if draining { return .notServing }
    let ready: Bool
    if let cached {
      ready = cached
    } else {
      ready = await runProbe()
      state.withLock { $0.lastProbe = (now, ready) }
    }
    return ready ? .serving : .notServing
  }

  private func runProbe() async -> Bool {
    guard let probe else { return true }
    let timeout = probeTimeout
    return await withTaskGroup(of: Bool.self) { group in
      group.addTask { await probe() }
      group.addTask {
        try? await Task.sleep(for: timeout)
        return false
      }
      let first = await group.next() ?? false
      group.cancelAll()
      return first
    }
  }

  /// A signal each time draining begins (for ``DiagnosticsService``'s Watch), until the
  /// stream is dropped.
  func changes() -> AsyncStream<Void> {
    let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    let id = state.withLock { state -> Int in
      let id = state.nextWatcher
      state.nextWatcher += 1
      state.watchers[id] = continuation
      return id
    }
    continuation.onTermination = { [weak self] _ in _ = self?.state.withLock { $0.watchers.removeValue(forKey: id) } }
    if isDraining { continuation.yield() }
    return stream
  }
}
