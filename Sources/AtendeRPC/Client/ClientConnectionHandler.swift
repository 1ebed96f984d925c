internal import AtendeProtobuf
internal import NIOCore

/// The client side of one connection, on its event loop: sends HELLO, numbers the
/// calls, routes responses to them, answers PINGs and reacts to GOAWAY and close.
final class ClientConnectionHandler: ChannelDuplexHandler, ConnectionIOHandler {
  typealias InboundIn = FrameEvent
  typealias OutboundIn = ByteBuffer
  typealias OutboundOut = ByteBuffer

  /// Where the responses of one call go.
  /// Who waits for the one response of a unary or client-streaming call.
  enum SingleResponseWaiter {
    case promise(EventLoopPromise<ByteBuffer>)
    /// A task suspended until the response (the unary fast path: no future involved).
    case continuation(UnsafeContinuation<ByteBuffer, any Error>)

    func resume(_ result: Result<ByteBuffer, RPCError>) {
      switch self {
      case .promise(let promise): promise.completeWith(result.mapError { $0 })
      case .continuation(let continuation): continuation.resume(with: result.mapError { $0 })
      }
    }
  }

  enum ResponseSink {
    /// Unary and client-streaming: the one response, when the trailers say OK.
    case single(SingleResponseWaiter, response: ByteBuffer?)
    /// Server-streaming and bidirectional.
    case stream(InboundMessages.Source, paused: Bool)
  }

  private struct Stream {
    var sink: ResponseSink
    var deadlineTimer: Scheduled<Void>?
    /// The requests' flow-control window (version 2).
    var sendWindow: SendWindow<EventLoopPromise<Void>>?
    /// The responses' flow-control window, for streamed responses (version 2).
    var receiveWindow: ReceiveWindow?
  }

  private let configuration: ClientConfiguration
  private let readyPromise: EventLoopPromise<ServerHello>
  /// The protocol's rules: handshake, frame placement, stream ids, going away.
  private var machine = ClientConnectionStateMachine()
  private var state: ClientConnectionStateMachine.State { machine.state }
  private var context: ChannelHandlerContext?
  private var streams: [UInt32: Stream] = [:]
  /// Flushes, writability waiters and paused reads (shared with the server's handler).
  var io = ConnectionIO<EventLoopPromise<Void>>()
  var ioContext: ChannelHandlerContext? { context }
  /// The responses' window of each stream, as declared in the client's HELLO.
  private let initialWindow: Int
  /// Called when the connection stops taking new calls (GOAWAY or close).
  private let onUnusable: @Sendable () -> Void
  /// When something was last read (the event loop's clock, so tests can move it).
  private var lastRead: NIODeadline?
  /// When the unanswered keepalive PING was sent.
  private var pingSentAt: NIODeadline?
  private var keepaliveTask: RepeatedTask?

  init(
    configuration: ClientConfiguration, readyPromise: EventLoopPromise<ServerHello>,
    onUnusable: @escaping @Sendable () -> Void
  ) {
    self.configuration = configuration
    self.readyPromise = readyPromise
    self.onUnusable = onUnusable
    self.initialWindow = Int(
      FlowControl.declaredWindow(configured: configuration.initialWindowSize, maxFrameSize: configuration.maxFrameSize))
  }

  func handlerAdded(context: ChannelHandlerContext) {
    self.context = context
    if context.channel.isActive { sendHello() }
  }

  func channelActive(context: ChannelHandlerContext) {
    sendHello()
    context.fireChannelActive()
  }

  private var helloSent = false

  private func sendHello() {
    guard !helloSent, let context else { return }
    helloSent = true
    let hello = ClientHello(
      versions: ClientConnectionStateMachine.supportedVersions, agent: configuration.agent,
      maxFrameSize: UInt32(clamping: configuration.maxFrameSize),
      metadata: configuration.connectionMetadata.wire, initialWindowSize: UInt32(initialWindow))
    if let buffer = try? context.channel.allocator.messageFrame(hello, type: .hello, streamID: 0) {
      context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
    }
  }

  func channelInactive(context: ChannelHandlerContext) {
    keepaliveTask?.cancel()
    keepaliveTask = nil
    let wasUsable = machine.close()
    // Before any call fails: its retry must not pick this connection again.
    if wasUsable { onUnusable() }
    readyPromise.fail(
      RPCError(
        code: .unavailable, message: "the connection closed during the handshake", reason: RPCErrorReason.connectFailed)
    )
    failAll(
      RPCError(
        code: .unavailable, message: "the connection to the server closed", reason: RPCErrorReason.connectionClosed))
    failWaiters(RPCError(code: .unavailable, message: "the connection closed"))
    context.fireChannelInactive()
  }

  func handlerRemoved(context: ChannelHandlerContext) {
    self.context = nil
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    if let error = error as? FrameDecodingError {
      connectionError(error.description)
    } else {
      context.close(promise: nil)
    }
  }

  func channelWritabilityChanged(context: ChannelHandlerContext) {
    writabilityChanged(isWritable: context.channel.isWritable)
    context.fireChannelWritabilityChanged()
  }

  func read(context: ChannelHandlerContext) {
    readIfNotPaused()
  }

  func channelReadComplete(context: ChannelHandlerContext) {
    flushIfNeeded()
    context.fireChannelReadComplete()
  }

  // MARK: Inbound

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    lastRead = context.eventLoop.now
    pingSentAt = nil
    switch unwrapInboundIn(data) {
    case .oversized(let type, _, let streamID, let length):
      switch machine.validate(type: type, streamID: streamID, payloadLength: length) {
      case .process: break
      case .ignore: return
      case .connectionError(let problem):
        connectionError(problem)
        return
      }
      // A MESSAGE or TRAILERS too large to read fails its call only (it is skipped unread).
      fail(
        streamID,
        RPCError(
          code: .resourceExhausted,
          message: "\(type) frame of \(length) bytes exceeds the client's limit of \(configuration.maxFrameSize) bytes",
          reason: RPCErrorReason.messageTooLarge), sendCancel: true)
    case .frame(let frame):
      switch machine.validate(type: frame.type, streamID: frame.streamID, payloadLength: frame.payload.readableBytes) {
      case .process: break
      case .ignore: return
      case .connectionError(let problem):
        connectionError(problem)
        return
      }
      switch frame.type {
      case .hello: receiveHello(frame.payload)
      case .message: receiveMessage(frame)
      case .trailers: receiveTrailers(frame)
      case .ping:
        if !frame.flags.contains(.ack) {
          var buffer = context.channel.allocator.buffer(capacity: Frame.headerSize + 8)
          buffer.writeFrame(Frame(type: .ping, flags: .ack, streamID: 0, payload: frame.payload))
          write(buffer)
        }
      case .goAway: receiveGoAway(frame.payload)
      case .windowUpdate: receiveWindowUpdate(frame)
      default: break  // validate lets no other type through
      }
    }
  }

  /// The server broke the protocol: fail every call of this connection and the handshake
  /// (naming the problem), tell the server why, and close.
  private func connectionError(_ problem: String) {
    guard state != .closed, let context else { return }
    if machine.close() { onUnusable() }
    readyPromise.fail(
      RPCError(
        code: .unavailable, message: "the server broke the protocol during the handshake: \(problem)",
        reason: RPCErrorReason.connectFailed))
    failAll(
      RPCError(
        code: .unavailable, message: "the server broke the protocol, so the connection was closed: \(problem)",
        reason: RPCErrorReason.connectionClosed))
    let goAway = GoAway(lastStreamId: 0, code: .invalidArgument, message: problem)
    if let buffer = try? context.channel.allocator.messageFrame(goAway, type: .goAway, streamID: 0) {
      context.write(wrapOutboundOut(buffer), promise: nil)
    }
    _ = io.takeFlush()
    context.flush()
    context.close(promise: nil)
  }

  private func receiveHello(_ payload: ByteBuffer) {
    let hello: ServerHello
    do {
      hello = try payload.decodeMessage(ServerHello.self)
    } catch {
      connectionError("malformed HELLO: \(error)")
      return
    }
    if let problem = machine.receiveHello(hello) {
      connectionError(problem)
      return
    }
    startKeepalive()
    readyPromise.succeed(hello)
  }

  private func receiveMessage(_ frame: Frame) {
    guard var stream = streams[frame.streamID] else { return }
    switch stream.sink {
    case .single(let promise, let response):
      if response != nil {
        fail(
          frame.streamID, RPCError(code: .internal, message: "the server sent more than one response"), sendCancel: true
        )
        return
      }
      stream.sink = .single(promise, response: frame.payload)
    case .stream(let source, let paused):
      if stream.receiveWindow != nil {
        let cost = FlowControl.cost(payload: frame.payload.readableBytes)
        guard stream.receiveWindow!.receive(cost) else {
          fail(
            frame.streamID,
            RPCError(
              code: .internal,
              message:
                "the server overran the call's flow-control window with a response of \(cost) bytes (\(stream.receiveWindow!.remaining) bytes left)",
              reason: RPCErrorReason.flowControlViolation), sendCancel: true)
          return
        }
        // The window bounds what the stream buffers: no need to stop reading.
        _ = source.yield(frame.payload)
      } else if case .stopProducing = source.yield(frame.payload), !paused {
        stream.sink = .stream(source, paused: true)
        io.pause()
      }
    }
    streams[frame.streamID] = stream
  }

  /// The server granted more credit to a call's requests.
  private func receiveWindowUpdate(_ frame: Frame) {
    let increment: Int
    switch FlowControl.increment(frame.payload) {
    case .success(let value): increment = value
    case .failure(let error):
      connectionError(error.message)
      return
    }
    guard var stream = streams[frame.streamID], stream.sendWindow != nil else { return }
    let result = stream.sendWindow!.grant(increment)
    streams[frame.streamID] = stream
    switch result {
    case .failure(let error):
      connectionError(error.message)
    case .success(let unblocked):
      for (buffer, waiter) in unblocked { write(buffer, completing: waiter) }
    }
  }

  /// The caller took responses worth `bytes` from a streaming call: grant them back with
  /// the next flush.
  func consumed(_ streamID: UInt32, bytes: Int) {
    guard streams[streamID]?.receiveWindow != nil else { return }
    streams[streamID]!.receiveWindow!.consume(bytes)
    grantLater(streamID)
  }

  private func receiveTrailers(_ frame: Frame) {
    guard let stream = remove(frame.streamID) else { return }
    let status: CallStatus
    do {
      status = try frame.payload.decodeMessage(CallStatus.self)
    } catch {
      // The call's outcome is unknown, and so is the state of the connection.
      let problem = "malformed TRAILERS on stream \(frame.streamID): \(error)"
      finish(stream, .failure(RPCError(code: .internal, message: "the server sent \(problem)")))
      connectionError(problem)
      return
    }
    if status.code == .ok {
      finish(stream, .success(()))
    } else {
      // A server that refuses calls because it is shutting down takes no more on this
      // connection: stop using it before the caller retries elsewhere.
      if status.reason == RPCErrorReason.shuttingDown { enterGoingAway() }
      finish(stream, .failure(RPCError(status: status)))
    }
  }

  private func receiveGoAway(_ payload: ByteBuffer) {
    let goAway: GoAway
    do {
      goAway = try payload.decodeMessage(GoAway.self)
    } catch {
      connectionError("malformed GOAWAY: \(error)")
      return
    }
    if state == .handshaking {
      readyPromise.fail(
        RPCError(
          code: RPCError.Code(rawValue: Int(goAway.code.rawValue)) ?? .unavailable,
          message: "the server refused the connection: \(goAway.message)", reason: RPCErrorReason.connectFailed))
    }
    // Before any call fails: its retry must not pick this connection again.
    if machine.goAway() { onUnusable() }
    // Calls the server never saw can be retried elsewhere.
    for streamID in streams.keys where streamID > goAway.lastStreamId {
      fail(
        streamID,
        RPCError(
          code: .unavailable, message: "the server is going away: \(goAway.message)",
          reason: RPCErrorReason.shuttingDown), sendCancel: false)
    }
    if streams.isEmpty { context?.close(promise: nil) }
  }

  // MARK: Calls

  /// Opens a call: assigns its stream id and writes its first frames (whose stream
  /// id fields are patched). Returns nil when the connection no longer takes calls.
  func open(
    frames: ByteBuffer, sink: ResponseSink, timeout: Duration?, handle: ClientCallHandle
  ) -> UInt32? {
    guard let context, let (streamID, exhausted) = machine.openStream() else { return nil }
    var stream = Stream(sink: sink)
    if machine.hasFlowControl {
      stream.sendWindow = SendWindow(machine.serverInitialWindow)
      if case .stream = sink { stream.receiveWindow = ReceiveWindow(initialWindow) }
    }
    if let timeout {
      let loop = NIOLoopBound(self, eventLoop: context.eventLoop)
      stream.deadlineTimer = context.eventLoop.scheduleTask(in: .nanoseconds(timeout.nanosecondsClamped)) {
        loop.value.fail(
          streamID, RPCError(code: .deadlineExceeded, message: "the deadline expired before the call completed"),
          sendCancel: true)
      }
    }
    streams[streamID] = stream
    var frames = frames
    var offset = frames.readerIndex
    while offset + Frame.headerSize <= frames.writerIndex, let length = frames.getInteger(at: offset, as: UInt32.self) {
      frames.setInteger(streamID, at: offset + 6)
      offset += Frame.headerSize + Int(length)
    }
    write(frames)
    if exhausted { onUnusable() }  // the last id: new calls go to a new connection
    return streamID
  }

  /// Writes a request frame of an open call; the future completes when more may be sent.
  func send(_ frame: ByteBuffer, streamID: UInt32) -> EventLoopFuture<Void> {
    guard let context else { return failedFuture(RPCError(code: .unavailable, message: "the connection closed")) }
    guard streams[streamID] != nil else {
      // The call has ended (answered, failed or cancelled): stop the writer.
      return context.eventLoop.makeFailedFuture(
        RPCError(code: .cancelled, message: "the call has ended", reason: RPCErrorReason.callEnded))
    }
    var frame = frame
    frame.setInteger(streamID, at: frame.readerIndex + 6)
    let promise = context.eventLoop.makePromise(of: Void.self)
    if streams[streamID]!.sendWindow?.send(frame, waiter: promise) == .wait {
      return promise.futureResult  // until the server grants credit
    }
    write(frame, completing: promise)
    return promise.futureResult
  }

  private func failedFuture(_ error: RPCError) -> EventLoopFuture<Void> {
    readyPromise.futureResult.eventLoop.makeFailedFuture(error)
  }

  /// The client sends no more requests on `streamID`.
  func halfClose(_ streamID: UInt32) {
    guard streams[streamID] != nil, let context else { return }
    var buffer = context.channel.allocator.buffer(capacity: Frame.headerSize)
    buffer.writeFrameHeader(length: 0, type: .halfClose, flags: [], streamID: streamID)
    write(buffer)
  }

  /// Abandons a call: tells the server and fails it locally with `error`.
  func cancel(_ streamID: UInt32, error: RPCError) {
    fail(streamID, error, sendCancel: true)
  }

  /// The consumer of a streaming call wants more responses.
  func resumeReading(_ streamID: UInt32) {
    guard var stream = streams[streamID], case .stream(let source, true) = stream.sink else { return }
    stream.sink = .stream(source, paused: false)
    streams[streamID] = stream
    resumeReads()
  }

  private func fail(_ streamID: UInt32, _ error: RPCError, sendCancel: Bool) {
    guard let stream = remove(streamID) else { return }
    if sendCancel, let context {
      var buffer = context.channel.allocator.buffer(capacity: Frame.headerSize)
      buffer.writeFrameHeader(length: 0, type: .cancel, flags: [], streamID: streamID)
      write(buffer)
    }
    finish(stream, .failure(error))
  }

  private func remove(_ streamID: UInt32) -> Stream? {
    guard var stream = streams.removeValue(forKey: streamID) else { return nil }
    stream.deadlineTimer?.cancel()
    for waiter in stream.sendWindow?.close() ?? [] {
      waiter.fail(RPCError(code: .cancelled, message: "the call has ended", reason: RPCErrorReason.callEnded))
    }
    if case .stream(_, true) = stream.sink { resumeReads() }
    if state == .goingAway && streams.isEmpty { context?.close(promise: nil) }
    return stream
  }

  private func finish(_ stream: Stream, _ result: Result<Void, RPCError>) {
    switch (stream.sink, result) {
    case (.single(let waiter, let response?), .success):
      waiter.resume(.success(response))
    case (.single(let waiter, nil), .success):
      waiter.resume(.failure(RPCError(code: .internal, message: "the server finished the call without a response")))
    case (.single(let waiter, _), .failure(let error)):
      waiter.resume(.failure(error))
    case (.stream(let source, _), .success):
      source.finish()
    case (.stream(let source, _), .failure(let error)):
      source.finish(error)
    }
  }

  // MARK: Keepalive

  private func startKeepalive() {
    guard let context, let keepalive = configuration.keepalive, keepaliveTask == nil else { return }
    let interval = TimeAmount.nanoseconds(keepalive.interval.nanosecondsClamped)
    let timeout = TimeAmount.nanoseconds(keepalive.timeout.nanosecondsClamped)
    // Often enough to notice both a silent connection and a late answer promptly.
    let tick = TimeAmount.nanoseconds(max(10_000_000, min(interval.nanoseconds, timeout.nanoseconds) / 2))
    let loop = NIOLoopBound(self, eventLoop: context.eventLoop)
    keepaliveTask = context.eventLoop.scheduleRepeatedTask(initialDelay: tick, delay: tick) { _ in
      loop.value.keepaliveTick(interval: interval, timeout: timeout)
    }
  }

  private func keepaliveTick(interval: TimeAmount, timeout: TimeAmount) {
    guard let context, state != .closed else { return }
    let now = context.eventLoop.now
    if let pingSentAt {
      guard now - pingSentAt >= timeout else { return }
      _ = machine.close()
      onUnusable()
      failAll(
        RPCError(
          code: .unavailable,
          message: "the server did not answer a keepalive PING within \(timeout.nanoseconds / 1_000_000) ms",
          reason: RPCErrorReason.connectionClosed))
      context.close(promise: nil)
    } else if now - (lastRead ?? now) >= interval {
      pingSentAt = now
      var buffer = context.channel.allocator.buffer(capacity: Frame.headerSize + 8)
      buffer.writeFrameHeader(length: 8, type: .ping, flags: [], streamID: 0)
      buffer.writeInteger(UInt64(now.uptimeNanoseconds))
      context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
    }
  }

  private func failAll(_ error: RPCError) {
    let open = streams
    streams.removeAll()
    io.clearPaused()
    for (_, var stream) in open {
      stream.deadlineTimer?.cancel()
      for waiter in stream.sendWindow?.close() ?? [] { waiter.fail(error) }
      finish(stream, .failure(error))
    }
  }

  private func enterGoingAway() {
    guard state == .ready else { return }
    _ = machine.goAway()
    onUnusable()
  }

  /// Sends GOAWAY and closes once the open calls are done.
  func close() {
    guard let context else { return }
    if state != .closed {
      let goAway = GoAway(lastStreamId: 0, code: .ok, message: "client closing")
      if let buffer = try? context.channel.allocator.messageFrame(goAway, type: .goAway, streamID: 0) {
        write(buffer)
      }
    }
    let wasReady = state == .ready
    _ = machine.goAway()
    if wasReady { onUnusable() }
    if streams.isEmpty { context.close(promise: nil) }
  }

  func takeWindowIncrement(_ streamID: UInt32) -> Int {
    streams[streamID]?.receiveWindow?.takeIncrement() ?? 0
  }

  private func failWaiters(_ error: RPCError) {
    for waiter in io.writable() { waiter.fail(error) }
  }
}
