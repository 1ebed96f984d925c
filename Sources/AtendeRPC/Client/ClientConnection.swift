internal import AtendeProtobuf
internal import NIOCore
internal import NIOPosix
internal import NIOSSL
internal import Synchronization

/// One connection of a client, ready for calls (the HELLO exchange is done).
final class ClientConnection: Sendable {
  let channel: any Channel
  let handler: NIOLoopBound<ClientConnectionHandler>
  let serverHello: ServerHello
  /// The connection metadata, when the server did not take it in the HELLO exchange
  /// (every call then carries it); empty otherwise.
  let perCallMetadata: Metadata
  private let flag: UsableFlag

  var eventLoop: any EventLoop { channel.eventLoop }
  /// Whether new calls may use this connection (no GOAWAY, not closed).
  var isUsable: Bool { flag.usable.load(ordering: .relaxed) && channel.isActive }
  /// The largest frame payload the server accepts.
  var serverMaxFrameSize: Int {
    serverHello.maxFrameSize > 0 ? Int(serverHello.maxFrameSize) : Frame.defaultMaxPayloadSize
  }
  /// Whether calls have per-stream flow control (the server chose protocol version 2).
  var hasFlowControl: Bool { serverHello.version >= FlowControl.version }

  private init(
    channel: any Channel, handler: NIOLoopBound<ClientConnectionHandler>, serverHello: ServerHello,
    perCallMetadata: Metadata, flag: UsableFlag
  ) {
    self.channel = channel
    self.handler = handler
    self.serverHello = serverHello
    self.perCallMetadata = perCallMetadata
    self.flag = flag
  }

  /// Connects to `target` and exchanges HELLO; `onUnusable` runs once the connection
  /// stops taking new calls.
  static func connect(
    to target: ConnectionTarget, group: any EventLoopGroup, configuration: ClientConfiguration, tls: TLSContext?,
    onUnusable: @escaping @Sendable () -> Void
  ) async throws -> ClientConnection {
    let flag = UsableFlag()
    @Sendable func initialize(_ channel: any Channel, tls: TLSContext?, serverName: String?) throws {
      let ready = channel.eventLoop.makePromise(of: ServerHello.self)
      let handler = ClientConnectionHandler(configuration: configuration, readyPromise: ready) {
        flag.markUnusable()
        onUnusable()
      }
      if let tls {
        try channel.pipeline.syncOperations.addHandler(
          NIOSSLClientHandler(context: tls.context, serverHostname: serverName))
      }
      try channel.pipeline.syncOperations.addHandler(
        ByteToMessageHandler(FrameDecoder(maxPayloadSize: configuration.maxFrameSize)))
      try channel.pipeline.syncOperations.addHandler(handler)
      flag.ready = ready.futureResult
      flag.handler = NIOLoopBound(handler, eventLoop: channel.eventLoop)
    }
    let channel: any Channel
    switch target {
    case .endpoint(let endpoint):
      let serverName = tls.flatMap { $0.serverName(for: endpoint.host) }
      channel = try await ClientBootstrap(group: group)
        .connectTimeout(.nanoseconds(configuration.connectTimeout.nanosecondsClamped))
        .channelOption(.socketOption(.tcp_nodelay), value: 1)
        .channelInitializer { channel in
          channel.eventLoop.makeCompletedFuture { try initialize(channel, tls: tls, serverName: serverName) }
        }
        .connect(host: endpoint.host, port: endpoint.port)
        .get()
    case .inProcess(let server):
      // In memory, inside this process: nothing to encrypt.
      channel = try await server.connectInProcess(on: group.next()) { channel in
        try initialize(channel, tls: nil, serverName: nil)
      }.get()
    }
    let timeout = channel.eventLoop.scheduleTask(in: .nanoseconds(configuration.connectTimeout.nanosecondsClamped)) {
      channel.close(promise: nil)
    }
    defer { timeout.cancel() }
    let hello = try await flag.ready!.get()
    return ClientConnection(
      channel: channel, handler: flag.handler!, serverHello: hello,
      perCallMetadata: hello.connectionMetadata ? [:] : configuration.connectionMetadata, flag: flag)
  }

  /// Collects what the channel initializer creates; written once on the event loop
  /// before `connect` returns.
  private final class UsableFlag: @unchecked Sendable {
    let usable = Atomic<Bool>(true)
    var ready: EventLoopFuture<ServerHello>?
    var handler: NIOLoopBound<ClientConnectionHandler>?
    func markUnusable() { usable.store(false, ordering: .relaxed) }
  }

  /// Opens a call with its first frames; nil when the connection stopped taking calls.
  func open(
    frames: ByteBuffer, sink: ClientConnectionHandler.ResponseSink, timeout: Duration?, handle: ClientCallHandle
  ) async throws -> UInt32? {
    let handler = self.handler
    let sinkBox = UncheckedSendable(sink)
    let framesBox = UncheckedSendable(frames)
    return try await eventLoop.submit {
      guard
        let streamID = handler.value.open(
          frames: framesBox.value, sink: sinkBox.value, timeout: timeout, handle: handle)
      else {
        return nil
      }
      handle.opened(streamID: streamID, on: self)
      return streamID
    }.get()
  }

  /// Opens a call whose single response is awaited, in one hop to the event loop: the
  /// response frame's payload, or the call's error.
  func singleResponseCall(frames: ByteBuffer, timeout: Duration?, handle: ClientCallHandle) async throws -> ByteBuffer {
    let handler = self.handler
    return try await withUnsafeThrowingContinuation { continuation in
      eventLoop.execute {
        // Cancelled before it reached the loop: never sent.
        if let cancelled = handle.cancellation {
          continuation.resume(throwing: cancelled)
          return
        }
        guard
          let streamID = handler.value.open(
            frames: frames, sink: .single(.continuation(continuation), response: nil), timeout: timeout,
            handle: handle)
        else {
          continuation.resume(
            throwing: RPCError(
              code: .unavailable, message: "the connection stopped taking calls before the call started",
              reason: RPCErrorReason.shuttingDown))
          return
        }
        handle.opened(streamID: streamID, on: self)
      }
    }
  }

  /// Sends a request frame; waits while the connection is not writable.
  func send(_ frame: ByteBuffer, streamID: UInt32) async throws {
    let handler = self.handler
    try await eventLoop.flatSubmit { handler.value.send(frame, streamID: streamID) }.get()
  }

  func halfClose(_ streamID: UInt32) {
    let handler = self.handler
    eventLoop.execute { handler.value.halfClose(streamID) }
  }

  func cancel(_ streamID: UInt32, error: RPCError) {
    let handler = self.handler
    eventLoop.execute { handler.value.cancel(streamID, error: error) }
  }

  /// The caller took responses of `streamID` worth `bytes` (flow control).
  func consumed(_ streamID: UInt32, bytes: Int) {
    let handler = self.handler
    eventLoop.execute { handler.value.consumed(streamID, bytes: bytes) }
  }

  func resumeReading(_ streamID: UInt32) {
    let handler = self.handler
    eventLoop.execute { handler.value.resumeReading(streamID) }
  }

  /// Sends GOAWAY and closes once the open calls are done.
  func close() {
    let handler = self.handler
    eventLoop.execute { handler.value.close() }
  }
}

/// Where a client's connections go.
enum ConnectionTarget: Sendable, CustomStringConvertible {
  /// A server over TCP.
  case endpoint(Endpoint)
  /// A server in this process, over in-memory connections.
  case inProcess(RPCServer)

  var description: String {
    switch self {
    case .endpoint(let endpoint): endpoint.description
    case .inProcess: "in-process"
    }
  }
}

/// Holds a non-Sendable value that is only used on its event loop.
struct UncheckedSendable<Value>: @unchecked Sendable {
  let value: Value
  init(_ value: Value) { self.value = value }
}

/// Ties a client call to its stream once it has one, so that Swift task
/// cancellation can cancel it from any thread.
final class ClientCallHandle: Sendable {
  private struct State {
    var connection: ClientConnection?
    var streamID: UInt32?
    var cancelled: RPCError?
    var finished = false
  }
  private let state = Mutex(State())

  func opened(streamID: UInt32, on connection: ClientConnection) {
    let cancelled = state.withLock { state -> RPCError? in
      state.connection = connection
      state.streamID = streamID
      return state.cancelled
    }
    if let cancelled { connection.cancel(streamID, error: cancelled) }
  }

  /// Cancels the call (sends CANCEL when it has started).
  func cancel(_ error: RPCError = RPCError(code: .cancelled, message: "the call was cancelled")) {
    let target = state.withLock { state -> (ClientConnection, UInt32)? in
      guard !state.finished, state.cancelled == nil else { return nil }
      state.cancelled = error
      guard let connection = state.connection, let streamID = state.streamID else { return nil }
      return (connection, streamID)
    }
    if let (connection, streamID) = target { connection.cancel(streamID, error: error) }
  }

  /// The call ended normally; a later cancel is a no-op.
  func finished() {
    state.withLock { $0.finished = true }
  }

  var streamID: UInt32? { state.withLock { $0.streamID } }

  /// The error the call was cancelled with, if it was.
  var cancellation: RPCError? { state.withLock { $0.cancelled } }
}
