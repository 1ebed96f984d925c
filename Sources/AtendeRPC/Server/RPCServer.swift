public import Logging
public import NIOCore
internal import NIOPosix
internal import NIOSSL
public import ServiceLifecycle
internal import Synchronization

/// A server hosting RPC services over the Atende protocol.
///
/// `run()` binds, serves until graceful shutdown is triggered (by ServiceLifecycle,
/// ``beginGracefulShutdown()`` or task cancellation), then stops accepting, lets the
/// calls in flight finish (up to the grace period) and returns.
///
/// ```swift
/// let server = RPCServer(configuration: .defaults, services: [MyService()], logger: logger)
/// try await server.run()
/// ```
public final class RPCServer: Service, Sendable {
  private let configuration: ServerConfiguration
  private let router: RPCRouter
  private let interceptors: [any ServerInterceptor]
  private let observer: (any ServerObserver)?
  private let group: any EventLoopGroup
  private let logger: Logger
  private let state = Mutex(State())
  /// Completed once `run()` serves: with the TCP listener's address, or nil when the
  /// server does not listen on TCP.
  private let started: EventLoopPromise<SocketAddress?>
  /// Completed when graceful shutdown begins (what a server without a listener waits for).
  private let shutdownBegan: EventLoopPromise<Void>

  private struct State {
    var listener: (any Channel)?
    var connections: [UInt64: Connection] = [:]
    var nextConnectionID: UInt64 = 1
    var running = false
    /// The drain was announced (the `.beforeRefusingCalls` actions ran); calls are still
    /// taken until `shuttingDown`, at most ``ServerConfiguration/Timeouts/drainDelay`` later.
    var draining = false
    var shuttingDown = false
    /// The listener was closed and the connections told to finish.
    var refusing = false
    /// The end of the drain delay, while it runs.
    var drainTimer: Scheduled<Void>?
    /// The TLS context new connections use (replaced by ``reloadTLS()``).
    var tls: NIOSSLContext?
    /// What runs when shutdown begins (``onGracefulShutdown(_:_:)``), by stage.
    var shutdownActions: [ShutdownStage: [@Sendable () -> Void]] = [:]
  }

  private struct Connection {
    let channel: any Channel
    let handler: NIOLoopBound<ServerConnectionHandler>
  }

  /// A server for `services`. Nothing happens until ``run()``. Its connections run on
  /// `eventLoopGroup`'s loops (nil: NIO's shared `MultiThreadedEventLoopGroup.singleton`,
  /// one thread per core), which the caller keeps running for as long as the server runs.
  /// `observer` is told of connections, calls and limits (for metrics and access logs).
  public init(
    configuration: ServerConfiguration = .defaults,
    services: [any RPCService],
    interceptors: [any ServerInterceptor] = [],
    observer: (any ServerObserver)? = nil,
    eventLoopGroup: (any EventLoopGroup)? = nil,
    logger: Logger
  ) {
    let eventLoopGroup = eventLoopGroup ?? MultiThreadedEventLoopGroup.singleton
    self.configuration = configuration
    var router = RPCRouter()
    for service in services { router.register(service) }
    self.router = router
    self.interceptors = interceptors
    self.observer = observer
    self.group = eventLoopGroup
    self.logger = logger
    self.started = eventLoopGroup.any().makePromise(of: SocketAddress?.self)
    self.shutdownBegan = eventLoopGroup.any().makePromise(of: Void.self)
  }

  deinit {
    // A server dropped without running never started: nobody may wait for it forever
    // (and NIO checks that no promise is dropped uncompleted). No-ops once completed.
    started.fail(RPCServerError(message: "the server was discarded without running"))
    shutdownBegan.succeed()
  }

  /// Every method the server hosts.
  public var methods: [MethodDescriptor] { router.methods }

  /// The request decoder of every method the server hosts (for fuzzing).
  package var requestDecoders: [(method: MethodDescriptor, decode: @Sendable ([UInt8]) throws -> Void)] {
    router.requestDecoders
  }

  /// The port the server listens on, once it is bound (useful with port 0). Throws when
  /// the server does not listen on TCP (``ServerConfiguration/listensOnTCP``).
  public func listeningPort() async throws -> Int {
    guard let address = try await started.futureResult.get() else {
      throw RPCServerError(message: "the server does not listen on TCP (listensOnTCP is false)")
    }
    return address.port ?? configuration.port
  }

  /// Waits until ``run()`` serves (bound, when it listens on TCP).
  func waitUntilStarted() async throws {
    _ = try await started.futureResult.get()
  }

  /// Reads the TLS certificate, key and client authority files again: connections
  /// accepted from now on use them, open ones keep what they were accepted with. Throws,
  /// keeping the current files in use, when the new ones cannot be used.
  public func reloadTLS() throws(TLSConfigurationError) {
    guard let tls = configuration.tls else {
      throw TLSConfigurationError(description: "the server was not configured with TLS")
    }
    let context = try tls.makeContext()
    state.withLock { $0.tls = context }
    logger.info("TLS files reloaded", metadata: ["tls.certificate": "\(tls.certificateChainPath)"])
  }

  /// Serves until graceful shutdown, then drains and returns.
  public func run() async throws {
    if let tls = configuration.tls {
      do {
        let context = try tls.makeContext()
        state.withLock { $0.tls = context }
      } catch {
        started.fail(error)
        throw RPCServerError(message: error.description, cause: error)
      }
    }
    var listener: (any Channel)?
    if configuration.listensOnTCP {
      do {
        listener = try await ServerBootstrap(group: group)
          .serverChannelOption(.backlog, value: 256)
          .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
          .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
          .childChannelOption(.maxMessagesPerRead, value: 16)
          .childChannelInitializer { [self] channel in
            channel.eventLoop.makeCompletedFuture { try self.initializeConnection(channel, tls: true) }
          }
          .bind(host: configuration.host, port: configuration.port)
          .get()
      } catch {
        started.fail(error)
        throw RPCServerError(
          message: "cannot listen on \(configuration.host):\(configuration.port): \(error)", cause: error)
      }
    }
    let shutDownEarly = state.withLock { state in
      state.listener = listener
      state.running = true
      return state.shuttingDown
    }
    started.succeed(listener?.localAddress)
    logger.info(
      listener == nil ? "serving in-process clients only" : "listening",
      metadata: [
        "rpc.address": "\(listener?.localAddress.map { "\($0)" } ?? "in-process")",
        "rpc.methods": "\(router.methods.count)",
      ])
    if shutDownEarly { beginGracefulShutdown() }

    try await withTaskCancellationHandler {
      try await withGracefulShutdownHandler {
        try await (listener?.closeFuture ?? shutdownBegan.futureResult).get()
      } onGracefulShutdown: {
        self.beginGracefulShutdown()
      }
      // The listener is closed: wait for the connections to drain.
      let connections = state.withLock { Array($0.connections.values) }
      for connection in connections {
        try? await connection.channel.closeFuture.get()
      }
      logger.info("stopped")
    } onCancel: {
      self.closeNow()
    }
  }

  /// When, in a graceful shutdown, an action registered with ``onGracefulShutdown(_:_:)``
  /// runs.
  public enum ShutdownStage: Sendable, Hashable {
    /// First, while the server still accepts connections and calls: to announce the
    /// drain (health turns NOT_SERVING) before anything is refused.
    case beforeRefusingCalls
    /// Once the listener is closed and every connection has been asked to finish (its
    /// GOAWAY may still be on its way): to end calls that never end by themselves.
    case afterRefusingCalls
  }

  /// Runs `action` once when graceful shutdown begins, at `stage`: for services whose
  /// calls never end by themselves (subscriptions), so that they end now and their clients
  /// go elsewhere rather than at the end of the grace period, or to announce the drain.
  /// Runs `action` at once when that stage has been reached already.
  public func onGracefulShutdown(
    _ stage: ShutdownStage = .afterRefusingCalls, _ action: @escaping @Sendable () -> Void
  ) {
    let now = state.withLock { state -> Bool in
      if state.shuttingDown || (state.draining && stage == .beforeRefusingCalls) { return true }
      state.shutdownActions[stage, default: []].append(action)
      return false
    }
    if now { action() }
  }

  /// Announces the drain (the `.beforeRefusingCalls` actions: health turns NOT_SERVING),
  /// then, after ``ServerConfiguration/Timeouts/drainDelay`` (during which connections
  /// and calls are still taken, so that balancers and health-watching clients move away
  /// first), stops accepting connections and asks every connection to finish its calls
  /// (before the `.afterRefusingCalls` actions). Called again during the delay, it ends
  /// the delay at once.
  public func beginGracefulShutdown() {
    let (first, delay) = state.withLock { state -> ([@Sendable () -> Void], Duration) in
      guard !state.draining else { return ([], .zero) }
      state.draining = true
      defer { state.shutdownActions[.beforeRefusingCalls] = nil }
      return (
        state.shutdownActions[.beforeRefusingCalls] ?? [], state.running ? configuration.timeouts.drainDelay : .zero
      )
    }
    for action in first { action() }
    guard delay > .zero else { return refuseCalls() }
    logger.info("draining: health is NOT_SERVING; calls are refused in \(delay)")
    // Scheduled under the lock (the task never runs synchronously), so that a refusal or a
    // close that comes first always finds the timer to cancel, or finds it not needed.
    let group = self.group
    state.withLock { state in
      guard !state.refusing else { return }
      state.drainTimer = group.any().scheduleTask(in: .nanoseconds(delay.nanosecondsClamped)) { self.refuseCalls() }
    }
  }

  /// The second half of a graceful shutdown: no new connections or calls.
  private func refuseCalls() {
    let taken = state.withLock { state -> (Bool, (any Channel)?, [Connection], [@Sendable () -> Void])? in
      guard !state.refusing else { return nil }
      state.drainTimer?.cancel()
      state.drainTimer = nil
      state.shuttingDown = true
      // Before run() serves there is nothing to refuse yet: run() comes back here.
      if state.running { state.refusing = true }
      defer { state.shutdownActions = [:] }
      return (
        state.running, state.listener, Array(state.connections.values),
        state.shutdownActions.values.flatMap { $0 }
      )
    }
    guard let (running, listener, connections, actions) = taken else { return }
    guard running else {
      for action in actions { action() }
      return
    }
    logger.info("shutting down gracefully", metadata: ["rpc.connections": "\(connections.count)"])
    listener?.close(promise: nil)
    shutdownBegan.succeed()
    for connection in connections {
      connection.handler.eventLoop.execute { connection.handler.value.beginShutdown() }
    }
    for action in actions { action() }
  }

  /// Closes the listener and every connection at once.
  private func closeNow() {
    let (listener, connections, actions) = state.withLock {
      state -> ((any Channel)?, [Connection], [@Sendable () -> Void]) in
      state.shuttingDown = true
      state.draining = true
      state.refusing = true
      state.drainTimer?.cancel()
      state.drainTimer = nil
      defer { state.shutdownActions = [:] }
      return (
        state.listener, Array(state.connections.values),
        (state.shutdownActions[.beforeRefusingCalls] ?? []) + (state.shutdownActions[.afterRefusingCalls] ?? [])
      )
    }
    listener?.close(promise: nil)
    shutdownBegan.succeed()
    for connection in connections { connection.channel.close(promise: nil) }
    for action in actions { action() }
  }

  /// Opens a connection to this server from inside the process, on `eventLoop`: both ends
  /// run there, with the same handlers and protocol as over TCP, and bytes that never
  /// leave memory. Returns the client's end, active, with `initialize` having added the
  /// client's handlers. The server's end is admitted as any connection is (a server that
  /// is shutting down, or at its connection limit, says so with GOAWAY and closes).
  func connectInProcess(
    on eventLoop: any EventLoop, initialize: @escaping @Sendable (any Channel) throws -> Void
  ) -> EventLoopFuture<any Channel> {
    eventLoop.submit {
      // As a closed listener refuses a TCP connection.
      guard self.state.withLock({ $0.running && !$0.shuttingDown }) else {
        throw RPCError(
          code: .unavailable, message: "the in-process server is not running", reason: RPCErrorReason.connectFailed)
      }
      let (client, server) = InProcessChannel.pair(on: eventLoop)
      // The server's end is active before its handlers are added, as an accepted
      // socket is; the client's handlers see it become active (and send their HELLO).
      server.activate()
      try self.initializeConnection(server, tls: false)
      try initialize(client)
      client.activate()
      return client
    }
  }

  /// Admits `channel` (or refuses it with GOAWAY) and adds the server's handlers, with
  /// TLS first when configured and `tls` allows.
  private func initializeConnection(_ channel: any Channel, tls useTLS: Bool) throws {
    // Admission and registration under one lock, so concurrent accepts on several event
    // loops cannot exceed the limit.
    let (handler, tls, refusal) = state.withLock { state -> (ServerConnectionHandler?, NIOSSLContext?, GoAway?) in
      if state.shuttingDown {
        return (
          nil, useTLS ? state.tls : nil, GoAway(lastStreamId: 0, code: .unavailable, message: "server shutting down")
        )
      }
      guard state.connections.count < configuration.limits.maxConnections else {
        observer?.limitReached(.connections)
        return (
          nil, useTLS ? state.tls : nil,
          GoAway(lastStreamId: 0, code: .resourceExhausted, message: "too many connections")
        )
      }
      let connectionID = state.nextConnectionID
      state.nextConnectionID += 1
      let handler = ServerConnectionHandler(
        router: router, interceptors: interceptors, observer: observer, configuration: configuration,
        connectionID: connectionID, logger: logger,
        onClose: { [self] in
          _ = self.state.withLock { $0.connections.removeValue(forKey: connectionID) }
          self.observer?.connectionClosed()
        })
      observer?.connectionOpened()
      state.connections[connectionID] = Connection(
        channel: channel, handler: NIOLoopBound(handler, eventLoop: channel.eventLoop))
      return (handler, useTLS ? state.tls : nil, nil)
    }
    let sync = channel.pipeline.syncOperations
    if let tls {
      try sync.addHandler(NIOSSLServerHandler(context: tls))
      if let handler { try sync.addHandler(PeerCertificateHandler(connection: handler)) }
    }
    guard let handler else {
      // Over the connection limit (or shutting down): say why, then close.
      var buffer = channel.allocator.buffer(capacity: 64)
      try? buffer.writeMessageFrame(refusal ?? GoAway(), type: .goAway, streamID: 0)
      channel.writeAndFlush(buffer).whenComplete { _ in channel.close(promise: nil) }
      return
    }
    try sync.addHandler(ByteToMessageHandler(FrameDecoder(maxPayloadSize: configuration.limits.maxFrameSize)))
    try sync.addHandler(handler)
  }

}

/// The server could not start (for example, the address is in use).
public struct RPCServerError: Error, CustomStringConvertible, @unchecked Sendable {
  /// What went wrong.
  public var message: String
  /// The underlying error.
  public var cause: (any Error)?

  public var description: String { message }
}

/// Runs `server` while `body` runs, then shuts it down gracefully. For tests and
/// embedding: `body` gets the server once it is listening.
public func withRPCServer<Result: Sendable>(
  _ server: RPCServer,
  _ body: (RPCServer) async throws -> Result
) async throws -> Result {
  try await withThrowingTaskGroup(of: Void.self) { group in
    group.addTask { try await server.run() }
    do {
      try await server.waitUntilStarted()
      let result = try await body(server)
      server.beginGracefulShutdown()
      try await group.waitForAll()
      return result
    } catch {
      server.beginGracefulShutdown()
      group.cancelAll()
      throw error
    }
  }
}
