internal import Logging
internal import NIOCore
internal import Synchronization

/// The connections of a client: one or more per endpoint, opened lazily, spread
/// round-robin, replaced after GOAWAY or close, retried with backoff after failures.
/// With a health watch, a connection whose server says it is not serving gets new calls
/// only when no other connection can take them.
final class ConnectionPool: Sendable {
  private enum SlotState {
    case idle
    case connecting(Task<ClientConnection, any Error>)
    case ready(ClientConnection)
    /// The last attempt failed; no new attempt before `retryAt`.
    case backingOff(retryAt: ContinuousClock.Instant, error: RPCError)
  }

  private struct Slot {
    let target: ConnectionTarget
    var state: SlotState = .idle
    /// Consecutive failed attempts.
    var failures = 0
    /// Bumped whenever the slot's connection is replaced, so stale callbacks are ignored.
    var generation = 0
    /// What the connection's health watch said last (true until it says otherwise).
    var serving = true
    /// The ready connection's health watch.
    var watch: Task<Void, Never>?

    /// Forgets the slot's connection (it is idle again); returns its watch to cancel.
    mutating func reset() -> Task<Void, Never>? {
      state = .idle
      generation += 1
      serving = true
      defer { watch = nil }
      return watch
    }
  }

  private struct State {
    var slots: [Slot]
    var next = 0
    var closed = false
  }

  private let state: Mutex<State>
  private let group: any EventLoopGroup
  private let configuration: ClientConfiguration
  private let logger: Logger
  /// The TLS context of every connection (made once), or why it cannot be made.
  private let tls: Result<TLSContext, TLSConfigurationError>?

  init(targets: [ConnectionTarget], configuration: ClientConfiguration, group: any EventLoopGroup, logger: Logger) {
    var slots: [Slot] = []
    for target in targets {
      for _ in 0..<max(1, configuration.connectionsPerEndpoint) { slots.append(Slot(target: target)) }
    }
    self.state = Mutex(State(slots: slots))
    self.group = group
    self.configuration = configuration
    self.logger = logger
    self.tls = configuration.tls.map { tls in Result { () throws(TLSConfigurationError) in try TLSContext(tls) } }
  }

  deinit {
    // A client dropped without close(): its watches must not keep its connections open.
    state.withLock { state in
      for slot in state.slots { slot.watch?.cancel() }
    }
  }

  private enum Pick {
    case use(ClientConnection)
    case await(Task<ClientConnection, any Error>)
    case fail(RPCError)
  }

  /// A connection for a new call. Fails fast with UNAVAILABLE when no endpoint can be
  /// reached (every slot is backing off after a failure), with DEADLINE_EXCEEDED when
  /// `deadline` passes while a connection is being opened, and with CANCELLED when the
  /// waiting task is cancelled. The attempt itself goes on either way: other calls share it.
  func connection(deadline: ContinuousClock.Instant? = nil) async throws(RPCError) -> ClientConnection {
    // What the last attempt this call waited for failed with: more telling than a
    // generic message when every try fails (a slow machine may retry a slot whose short
    // backoff has already elapsed).
    var lastFailure: RPCError?
    for _ in 0..<3 {
      var stale: [Task<Void, Never>] = []
      let pick = state.withLock { state in self.pick(&state, stale: &stale) }
      for watch in stale { watch.cancel() }
      switch pick {
      case .use(let connection):
        return connection
      case .fail(let error):
        throw error
      case .await(let task):
        do {
          let connection = try await wait(for: task, until: deadline)
          if connection.isUsable { return connection }
        } catch let stopped as StoppedWaiting {
          throw stopped.error
        } catch {
          // The slot is now backing off; another slot may still be usable.
          lastFailure = error as? RPCError ?? lastFailure
          continue
        }
      }
    }
    throw lastFailure
      ?? RPCError(
        code: .unavailable, message: "no connection to the server could be established",
        reason: RPCErrorReason.connectFailed)
  }

  private func pick(_ state: inout State, stale: inout [Task<Void, Never>]) -> Pick {
    if state.closed {
      return .fail(RPCError(code: .unavailable, message: "the client is closed"))
    }
    let count = state.slots.count
    let start = state.next
    state.next = (state.next + 1) % count
    let now = ContinuousClock.now
    // The slot whose turn it is has no connection (never opened, gone away, or done
    // backing off): open it now, so that every healthy endpoint takes its share of calls.
    // This call does not wait for it when another connection is ready.
    switch state.slots[start].state {
    case .idle:
      _ = startConnecting(&state, index: start)
    case .backingOff(let retryAt, _) where retryAt <= now:
      _ = startConnecting(&state, index: start)
    default:
      break
    }
    // A ready connection whose server serves, starting at the round-robin position.
    var notServing: ClientConnection?
    for offset in 0..<count {
      let index = (start + offset) % count
      if case .ready(let connection) = state.slots[index].state {
        if !connection.isUsable {
          if let watch = state.slots[index].reset() { stale.append(watch) }
        } else if state.slots[index].serving {
          return .use(connection)
        } else if notServing == nil {
          notServing = connection
        }
      }
    }
    // Only servers that say they are not serving (draining, or without their database)
    // are connected: call one now, rather than wait for a connection being opened; the
    // others are opened meanwhile, to take the calls once they answer.
    if let notServing {
      for index in state.slots.indices {
        switch state.slots[index].state {
        case .idle: _ = startConnecting(&state, index: index)
        case .backingOff(let retryAt, _) where retryAt <= now: _ = startConnecting(&state, index: index)
        default: break
        }
      }
      return .use(notServing)
    }
    // A connection being opened.
    for offset in 0..<count {
      let index = (start + offset) % count
      if case .connecting(let task) = state.slots[index].state { return .await(task) }
    }
    // Open one: an idle slot, or one whose backoff has elapsed.
    var lastError: RPCError?
    for offset in 0..<count {
      let index = (start + offset) % count
      switch state.slots[index].state {
      case .idle:
        return .await(startConnecting(&state, index: index))
      case .backingOff(let retryAt, let error):
        if retryAt <= now { return .await(startConnecting(&state, index: index)) }
        lastError = error
      default:
        break
      }
    }
    return .fail(lastError ?? RPCError(code: .unavailable, message: "no connection available"))
  }

  /// The caller stopped waiting for a connection attempt (its deadline, or cancellation).
  private struct StoppedWaiting: Error {
    let error: RPCError
  }

  /// The first outcome of a wait: the attempt's result, the deadline, or cancellation.
  private final class Waiter: Sendable {
    private struct State {
      var continuation: CheckedContinuation<ClientConnection, any Error>?
      var outcome: Result<ClientConnection, any Error>?
    }
    private let state = Mutex(State())

    func install(_ continuation: CheckedContinuation<ClientConnection, any Error>) {
      let outcome = state.withLock { state -> Result<ClientConnection, any Error>? in
        if state.outcome == nil { state.continuation = continuation }
        return state.outcome
      }
      if let outcome { continuation.resume(with: outcome) }
    }

    func complete(_ outcome: Result<ClientConnection, any Error>) {
      let continuation = state.withLock { state -> CheckedContinuation<ClientConnection, any Error>? in
        guard state.outcome == nil else { return nil }
        state.outcome = outcome
        defer { state.continuation = nil }
        return state.continuation
      }
      continuation?.resume(with: outcome)
    }
  }

  /// Waits for a connection attempt without cancelling it (other calls may be waiting for
  /// it too), until `deadline` at most; a cancelled caller stops waiting at once.
  private func wait(
    for task: Task<ClientConnection, any Error>, until deadline: ContinuousClock.Instant?
  ) async throws -> ClientConnection {
    let waiter = Waiter()
    Task { waiter.complete(await task.result) }
    let timer = deadline.map { deadline in
      group.any().scheduleTask(in: .nanoseconds(max(0, (deadline - .now).nanosecondsClamped))) {
        waiter.complete(
          .failure(
            StoppedWaiting(
              error: RPCError(code: .deadlineExceeded, message: "the deadline expired while connecting to the server")))
        )
      }
    }
    defer { timer?.cancel() }
    return try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation { waiter.install($0) }
    } onCancel: {
      waiter.complete(
        .failure(
          StoppedWaiting(error: RPCError(code: .cancelled, message: "the call was cancelled while connecting"))))
    }
  }

  private func startConnecting(_ state: inout State, index: Int) -> Task<ClientConnection, any Error> {
    let slot = state.slots[index]
    let generation = slot.generation + 1
    state.slots[index].generation = generation
    let endpoint = slot.target
    let task = Task { [self] in
      do {
        let connection = try await ClientConnection.connect(
          to: endpoint, group: group, configuration: configuration, tls: try tls?.get(),
          onUnusable: { [weak self] in self?.connectionBecameUnusable(index: index, generation: generation) })
        let keep = self.state.withLock { state -> Bool in
          guard !state.closed, state.slots[index].generation == generation else { return false }
          state.slots[index].state = .ready(connection)
          state.slots[index].failures = 0
          state.slots[index].serving = true
          if let healthWatch = configuration.healthWatch {
            state.slots[index].watch = watchHealth(connection, healthWatch, index: index, generation: generation)
          }
          return true
        }
        if !keep { connection.close() }
        logger.debug("connected", metadata: ["rpc.endpoint": "\(endpoint)"])
        return connection
      } catch {
        let rpcError =
          (error as? RPCError) ?? (error as? TLSConfigurationError)?.rpcError
          ?? RPCError(
            code: .unavailable, message: "cannot connect to \(endpoint): \(error)",
            reason: RPCErrorReason.connectFailed,
            cause: error)
        self.state.withLock { state in
          guard state.slots[index].generation == generation else { return }
          state.slots[index].failures += 1
          let delay = configuration.backoff.delay(afterAttempts: state.slots[index].failures)
          state.slots[index].state = .backingOff(retryAt: .now.advanced(by: delay), error: rpcError)
        }
        logger.debug("connection attempt failed", metadata: ["rpc.endpoint": "\(endpoint)", "error": "\(error)"])
        throw rpcError
      }
    }
    state.slots[index].state = .connecting(task)
    return task
  }

  private func connectionBecameUnusable(index: Int, generation: Int) {
    let watch = state.withLock { state -> Task<Void, Never>? in
      guard state.slots[index].generation == generation, case .ready = state.slots[index].state else { return nil }
      return state.slots[index].reset()
    }
    watch?.cancel()
  }

  /// Runs `healthWatch` on a slot's new connection, recording whether its server serves
  /// while the slot keeps that connection. A failed watch leaves it counted as serving.
  private func watchHealth(
    _ connection: ClientConnection, _ healthWatch: ClientConfiguration.HealthWatch, index: Int, generation: Int
  ) -> Task<Void, Never> {
    Task { [weak self] in
      let caller = ConnectionHealthWatchCaller(connection: connection)
      do {
        try await healthWatch.run(caller) { [weak self] serving in
          self?.servingChanged(serving, index: index, generation: generation)
        }
      } catch {
        // A watch that fails says nothing more: its connection counts as serving again (a
        // drain ends the stream normally, after NOT_SERVING, and that answer stays).
        self?.servingChanged(true, index: index, generation: generation)
        self?.logger.debug(
          "health watch ended", metadata: ["rpc.endpoint": "\(self?.endpointName(index) ?? "")", "error": "\(error)"])
      }
    }
  }

  private func servingChanged(_ serving: Bool, index: Int, generation: Int) {
    let changed = state.withLock { state -> Bool in
      guard state.slots[index].generation == generation, state.slots[index].serving != serving else { return false }
      state.slots[index].serving = serving
      return true
    }
    if changed {
      logger.debug(
        serving ? "server serving again" : "server not serving: new calls go elsewhere",
        metadata: ["rpc.endpoint": "\(endpointName(index))"])
    }
  }

  private func endpointName(_ index: Int) -> String {
    state.withLock { "\($0.slots[index].target)" }
  }

  /// Closes every connection (after their open calls finish) and refuses new calls.
  func close() {
    let (connections, watches) = state.withLock { state -> ([ClientConnection], [Task<Void, Never>]) in
      state.closed = true
      var connections: [ClientConnection] = []
      var watches: [Task<Void, Never>] = []
      for index in state.slots.indices {
        if case .ready(let connection) = state.slots[index].state { connections.append(connection) }
        if let watch = state.slots[index].watch { watches.append(watch) }
        state.slots[index].watch = nil
      }
      return (connections, watches)
    }
    // The watches are calls too: the connections close once they end.
    for watch in watches { watch.cancel() }
    for connection in connections { connection.close() }
  }
}
