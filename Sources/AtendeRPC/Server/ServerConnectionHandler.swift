internal import AtendeProtobuf
internal import Logging
internal import NIOCore

/// Serves the calls of one connection. Runs on the connection's event loop: it
/// decodes control frames, applies the protocol rules (through
/// ``ServerConnectionStateMachine``), starts a task per call and writes what the
/// tasks produce. Every failure here stays within this connection.
final class ServerConnectionHandler: ChannelDuplexHandler, ConnectionIOHandler {
  typealias InboundIn = FrameEvent
  typealias OutboundIn = ByteBuffer
  typealias OutboundOut = ByteBuffer

  /// The runtime side of one open call.
  private final class Call {
    let method: RegisteredMethod
    let context: ServerContext
    var task: Task<Void, Never>?
    /// The request of a unary or server-streaming call, until the call starts.
    var pendingRequest: ByteBuffer?
    /// Where the requests of a streaming call go.
    var source: InboundMessages.Source?
    var deadlineTimer: Scheduled<Void>?
    /// The consumer asked the connection to stop reading (version 1 only).
    var paused = false
    /// The responses' flow-control window, for methods that stream responses (version 2).
    var sendWindow: SendWindow<EventLoopPromise<Void>>?
    /// For the observer: when the call was admitted, and its messages' bytes.
    let startedAt: ContinuousClock.Instant?
    var requestBytes = 0
    var responseBytes = 0

    init(method: RegisteredMethod, context: ServerContext, startedAt: ContinuousClock.Instant?) {
      self.method = method
      self.context = context
      self.startedAt = startedAt
    }
  }

  private let router: RPCRouter
  private let interceptors: [any ServerInterceptor]
  private let observer: (any ServerObserver)?
  private let configuration: ServerConfiguration
  private let connectionID: UInt64
  private var logger: Logger
  private var machine: ServerConnectionStateMachine
  private var calls: [UInt32: Call] = [:]
  private var context: ChannelHandlerContext?
  /// The connection's event loop (kept after the handler is removed, for late writers).
  private var eventLoop: (any EventLoop)?
  private var remoteAddress = "unknown"
  /// Runs handler tasks on the event loop (where the configuration or the service says so).
  private var executor: EventLoopTaskExecutor?

  /// The largest payload the client accepts (from its HELLO).
  private var clientMaxFrameSize = Frame.defaultMaxPayloadSize
  /// The responses' window of each stream (from the client's HELLO, version 2).
  private var clientInitialWindow = FlowControl.defaultInitialWindow
  /// Entries the client sent in its HELLO for every call of the connection (its credential).
  private var connectionMetadata = Metadata()
  /// The client's certificate, once a mutual TLS handshake verified it.
  var peerCertificate: PeerCertificate?
  /// Flushes, writability waiters and paused reads (shared with the client's handler).
  var io = ConnectionIO<EventLoopPromise<Void>>()
  var ioContext: ChannelHandlerContext? { context }

  private var handshakeTimer: Scheduled<Void>?
  private var idleTimer: Scheduled<Void>?
  private var keepaliveTask: RepeatedTask?
  private var graceTimer: Scheduled<Void>?
  private var lastRead = NIODeadline.now()
  private var pingSentAt: NIODeadline?

  /// Called once when the connection has closed.
  private let onClose: @Sendable () -> Void

  init(
    router: RPCRouter, interceptors: [any ServerInterceptor], observer: (any ServerObserver)? = nil,
    configuration: ServerConfiguration, connectionID: UInt64, logger: Logger,
    onClose: @escaping @Sendable () -> Void
  ) {
    self.router = router
    self.interceptors = interceptors
    self.observer = observer
    self.configuration = configuration
    self.connectionID = connectionID
    self.logger = logger
    self.logger[metadataKey: "rpc.connection_id"] = "\(connectionID)"
    self.machine = ServerConnectionStateMachine(
      maxConcurrentCalls: configuration.limits.maxConcurrentCallsPerConnection,
      initialWindow: Int(
        FlowControl.declaredWindow(
          configured: configuration.limits.initialWindowSize, maxFrameSize: configuration.limits.maxFrameSize)))
    self.onClose = onClose
  }

  // MARK: Channel lifecycle

  func handlerAdded(context: ChannelHandlerContext) {
    self.context = context
    self.eventLoop = context.eventLoop
    executor = EventLoopTaskExecutor(context.eventLoop)
    if let address = context.channel.remoteAddress {
      if let ip = address.ipAddress {
        remoteAddress = "\(ip):\(address.port ?? 0)"
      } else if let path = address.pathname {
        remoteAddress = path
      }
    }
    logger[metadataKey: "rpc.remote_address"] = "\(remoteAddress)"
    if context.channel.isActive { start(context: context) }
  }

  func channelActive(context: ChannelHandlerContext) {
    start(context: context)
    context.fireChannelActive()
  }

  private var started = false

  private func start(context: ChannelHandlerContext) {
    guard !started else { return }
    started = true
    lastRead = context.eventLoop.now
    let loop = NIOLoopBound(self, eventLoop: context.eventLoop)
    handshakeTimer = context.eventLoop.scheduleTask(
      in: .nanoseconds(configuration.timeouts.handshake.nanosecondsClamped)
    ) {
      loop.value.logger.debug("closing connection: no HELLO within the handshake timeout")
      loop.value.observer?.limitReached(.handshakeTimeout)
      loop.value.closeConnection()
    }
  }

  func channelInactive(context: ChannelHandlerContext) {
    machine.close()
    handshakeTimer?.cancel()
    idleTimer?.cancel()
    keepaliveTask?.cancel()
    graceTimer?.cancel()
    let error = RPCError(code: .unavailable, message: "the connection closed", reason: RPCErrorReason.connectionClosed)
    for (_, call) in calls {
      report(call, error.code)
      call.task?.cancel()
      call.deadlineTimer?.cancel()
      call.source?.finish(error)
      for waiter in call.sendWindow?.close() ?? [] { waiter.fail(error) }
    }
    calls.removeAll()
    for waiter in io.close() { waiter.fail(error) }
    onClose()
    context.fireChannelInactive()
  }

  func handlerRemoved(context: ChannelHandlerContext) {
    self.context = nil
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    if let error = error as? FrameDecodingError {
      switch error.kind {
      case .unknownFrameType:
        connectionError(.init(code: .invalidArgument, message: error.description))
      case .oversizedConnectionFrame:
        connectionError(.init(code: .resourceExhausted, message: error.description), limit: .frameSize)
      }
    } else {
      logger.debug("connection error", metadata: ["error": "\(error)"])
      closeConnection()
    }
  }

  func channelWritabilityChanged(context: ChannelHandlerContext) {
    writabilityChanged(isWritable: context.channel.isWritable)
    context.fireChannelWritabilityChanged()
  }

  // MARK: Reading, with backpressure from streaming calls

  func read(context: ChannelHandlerContext) {
    readIfNotPaused()
  }

  func channelReadComplete(context: ChannelHandlerContext) {
    flushIfNeeded()
    context.fireChannelReadComplete()
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    lastRead = context.eventLoop.now
    pingSentAt = nil
    switch unwrapInboundIn(data) {
    case .frame(let frame):
      handle(frame)
    case .oversized(let type, let flags, let streamID, let length):
      handleOversized(type: type, flags: flags, streamID: streamID, length: length)
    }
  }

  private func handle(_ frame: Frame) {
    let action: ServerConnectionStateMachine.FrameAction
    do {
      action = try machine.validate(
        type: frame.type, flags: frame.flags, streamID: frame.streamID, payloadLength: frame.payload.readableBytes)
    } catch {
      connectionError(error)
      return
    }
    guard action == .process else { return }
    switch frame.type {
    case .hello: receiveHello(frame.payload)
    case .headers: receiveHeaders(frame)
    case .message: receiveMessage(frame)
    case .halfClose: receiveHalfClose(frame.streamID)
    case .cancel: receiveCancel(frame.streamID)
    case .ping: receivePing(frame)
    case .goAway: beginShutdown()
    case .windowUpdate: receiveWindowUpdate(frame)
    default: break
    }
  }

  // MARK: Handshake

  private func receiveHello(_ payload: ByteBuffer) {
    handshakeTimer?.cancel()
    handshakeTimer = nil
    let hello: ClientHello
    do {
      hello = try payload.decodeMessage(ClientHello.self)
    } catch {
      connectionError(.init(code: .invalidArgument, message: "malformed HELLO: \(error)"))
      return
    }
    let version: UInt32
    do {
      version = try machine.receiveHello(
        versions: hello.versions, maxFrameSize: hello.maxFrameSize, initialWindow: hello.initialWindowSize)
    } catch {
      connectionError(error)
      return
    }
    if hello.maxFrameSize > 0 { clientMaxFrameSize = Int(hello.maxFrameSize) }
    clientInitialWindow = FlowControl.window(declared: hello.initialWindowSize)
    connectionMetadata = Metadata(wire: hello.metadata)
    logger.debug("connection ready", metadata: ["rpc.client_agent": "\(hello.agent)", "rpc.version": "\(version)"])
    let reply = ServerHello(
      version: version, agent: configuration.agent, maxFrameSize: UInt32(clamping: configuration.limits.maxFrameSize),
      maxConcurrentCalls: UInt32(clamping: configuration.limits.maxConcurrentCallsPerConnection),
      idleTimeoutMillis: UInt32(clamping: configuration.timeouts.idle.nanosecondsClamped / 1_000_000),
      connectionMetadata: true,
      initialWindowSize: machine.hasFlowControl ? UInt32(machine.initialWindow) : 0)
    writeControl(reply, type: .hello)
    updateIdleTimer()
    startKeepalive()
  }

  // MARK: Calls

  private func receiveHeaders(_ frame: Frame) {
    let streamID = frame.streamID
    let header: CallHeader
    do {
      header = try frame.payload.decodeMessage(CallHeader.self)
    } catch {
      connectionError(.init(code: .invalidArgument, message: "malformed HEADERS on stream \(streamID): \(error)"))
      return
    }
    let method = router.method(path: header.method)
    let endStream = frame.flags.contains(.endStream)
    switch machine.openStream(streamID, kind: method?.descriptor.kind, endStream: endStream) {
    case .refuse(let code, let reason, let message):
      let text = code == .unimplemented ? "method \(header.method) is not implemented by this server" : message
      writeTrailers(streamID, RPCError(code: code, message: text, reason: reason))
      if let observer {
        if code == .unimplemented {
          observer.limitReached(.unknownMethod)
        } else if reason == RPCErrorReason.tooManyCalls {
          observer.limitReached(.concurrentCalls)
        }
      }
      return
    case .open:
      break
    }
    guard let method else { return }
    let callID = "\(connectionID)-\(streamID)"
    var callLogger = logger
    callLogger[metadataKey: "rpc.method"] = .string(header.method)
    callLogger[metadataKey: "rpc.stream_id"] = .stringConvertible(streamID)
    callLogger[metadataKey: "rpc.call_id"] = .string(callID)
    let deadline: ContinuousClock.Instant? =
      header.timeoutMicros > 0 ? .now.advanced(by: .microseconds(Int64(clamping: header.timeoutMicros))) : nil
    var callContext = ServerContext(
      method: method.descriptor, metadata: Metadata(wire: header.metadata, connection: connectionMetadata),
      deadline: deadline,
      remoteAddress: remoteAddress, callID: callID, logger: callLogger, peerCertificate: peerCertificate)
    var startedAt: ContinuousClock.Instant?
    if let observer {
      callContext.record = CallRecord()
      startedAt = .now
      observer.callStarted(method.descriptor)
    }
    // The caller's trace (W3C trace context), for the logs and the access log.
    if let traceParent = callContext.metadata[CallTracing.traceParent],
      let traceID = CallTracing.traceID(traceParent: traceParent)
    {
      callContext.logger[metadataKey: "trace_id"] = .string(traceID)
      callContext.record?.traceID = traceID
    }
    let call = Call(method: method, context: callContext, startedAt: startedAt)
    if machine.hasFlowControl, !method.descriptor.kind.hasSingleResponse {
      call.sendWindow = SendWindow(clientInitialWindow)
    }
    if header.timeoutMicros > 0, let context {
      let loop = NIOLoopBound(self, eventLoop: context.eventLoop)
      call.deadlineTimer = context.eventLoop.scheduleTask(in: .microseconds(Int64(clamping: header.timeoutMicros))) {
        loop.value.deadlineExpired(streamID)
      }
    }
    calls[streamID] = call
    idleTimer?.cancel()
    idleTimer = nil
    if !method.descriptor.kind.hasSingleRequest {
      startStreamingCall(streamID)
      if endStream { calls[streamID]?.source?.finish() }
    } else if endStream {
      // A unary or server-streaming call with no request at all.
      failCall(
        streamID,
        RPCError(code: .invalidArgument, message: "\(method.descriptor.kind) method received no request message"))
    }
  }

  private func receiveMessage(_ frame: Frame) {
    let streamID = frame.streamID
    let endStream = frame.flags.contains(.endStream)
    switch machine.receiveMessage(streamID, endStream: endStream, payloadLength: frame.payload.readableBytes) {
    case .ignore:
      return
    case .fail(let code, let message, let reason):
      if reason == RPCErrorReason.flowControlViolation { observer?.limitReached(.flowControl) }
      failCall(streamID, RPCError(code: code, message: message, reason: reason))
      return
    case .deliver:
      break
    }
    guard let call = calls[streamID] else { return }
    call.requestBytes &+= frame.payload.readableBytes
    if let source = call.source {
      switch source.yield(frame.payload) {
      case .stopProducing:
        // With flow control the stream's window bounds what it buffers: other calls go on.
        if !call.paused, !machine.hasFlowControl {
          call.paused = true
          io.pause()
        }
      case .produceMore, .dropped:
        break
      }
      if endStream { finishRequests(streamID) }
    } else {
      call.pendingRequest = frame.payload
      if endStream { startSingleRequestCall(streamID) }
    }
  }

  private func receiveHalfClose(_ streamID: UInt32) {
    switch machine.receiveHalfClose(streamID) {
    case .fail(let code, let message):
      failCall(streamID, RPCError(code: code, message: message))
    case .endRequests:
      guard let call = calls[streamID] else { return }
      if call.source != nil {
        finishRequests(streamID)
      } else if machine.isSingleRequestComplete(streamID), call.task == nil {
        startSingleRequestCall(streamID)
      }
    }
  }

  private func receiveCancel(_ streamID: UInt32) {
    guard let call = removeCall(streamID) else { return }
    call.context.logger.debug("call cancelled by the client")
    report(call, .cancelled)
    call.task?.cancel()
    call.source?.finish(RPCError(code: .cancelled, message: "the client cancelled the call"))
    afterCallClosed(streamID)
  }

  /// A frame whose payload is over the size limit (the decoder skips it unread). It obeys
  /// the same placement rules as any frame; then a call it belongs to fails, a new call
  /// it would open is refused, and HALF_CLOSE or CANCEL (whose payload means nothing)
  /// take effect as usual.
  private func handleOversized(type: FrameType, flags: FrameFlags, streamID: UInt32, length: Int) {
    let action: ServerConnectionStateMachine.FrameAction
    do {
      action = try machine.validate(type: type, flags: flags, streamID: streamID, payloadLength: length)
    } catch {
      connectionError(error)
      return
    }
    guard action == .process else { return }
    if type == .headers || type == .message { observer?.limitReached(.frameSize) }
    let tooLarge =
      "\(type) frame of \(length) bytes exceeds the server's limit of \(configuration.limits.maxFrameSize) bytes"
    switch type {
    case .headers:
      // The call never starts: nothing of it could be read.
      guard case .refuse(let code, let reason, let message) = machine.openOversizedStream(streamID) else { return }
      writeTrailers(
        streamID,
        RPCError(code: code, message: reason == RPCErrorReason.messageTooLarge ? tooLarge : message, reason: reason))
    case .message:
      failCall(
        streamID, RPCError(code: .resourceExhausted, message: tooLarge, reason: RPCErrorReason.messageTooLarge))
    case .halfClose:
      receiveHalfClose(streamID)
    case .cancel:
      receiveCancel(streamID)
    default:
      break
    }
  }

  private func startSingleRequestCall(_ streamID: UInt32) {
    guard let call = calls[streamID], call.task == nil, let request = call.pendingRequest else { return }
    call.pendingRequest = nil
    call.task = spawn(streamID, call: call, singleRequest: request, requests: nil)
  }

  private func startStreamingCall(_ streamID: UInt32) {
    guard let call = calls[streamID], let context else { return }
    let loop = NIOLoopBound(self, eventLoop: context.eventLoop)
    let eventLoop = context.eventLoop
    let delegate = InboundMessagesDelegate(
      onProduceMore: { eventLoop.execute { loop.value.resumeReading(streamID) } },
      onTerminate: { eventLoop.execute { loop.value.resumeReading(streamID) } })
    let stream = InboundMessages.make(delegate: delegate)
    call.source = stream.source
    call.task = spawn(streamID, call: call, singleRequest: nil, requests: stream.sequence)
  }

  /// The client sent its last request: end the stream, and stop waiting for its consumer
  /// (a finished source never asks for more).
  private func finishRequests(_ streamID: UInt32) {
    guard let call = calls[streamID], let source = call.source else { return }
    source.finish()
    if call.paused {
      call.paused = false
      resumeReads()
    }
  }

  private func resumeReading(_ streamID: UInt32) {
    guard let call = calls[streamID], call.paused else { return }
    call.paused = false
    resumeReads()
  }

  /// Starts the task running the handler of `streamID`.
  private func spawn(
    _ streamID: UInt32, call: Call, singleRequest: ByteBuffer?, requests: InboundMessages?
  ) -> Task<Void, Never>? {
    guard let context else { return nil }
    let loop = NIOLoopBound(self, eventLoop: context.eventLoop)
    let eventLoop = context.eventLoop
    // With flow control, each request the handler takes gives its bytes back to the client.
    var requestsConsumed: (@Sendable (Int) -> Void)?
    if machine.hasFlowControl {
      requestsConsumed = { bytes in eventLoop.execute { loop.value.requestsConsumed(streamID, bytes: bytes) } }
    }
    let io = ServerCallIO(
      streamID: streamID, singleRequest: singleRequest, requests: requests,
      decodingOptions: ProtobufDecodingOptions(allocationBudget: configuration.limits.decodeAllocationBudget),
      allocator: context.channel.allocator,
      // Only handlers that stream responses send; they run on the global executor.
      send: { frame in
        try await eventLoop.flatSubmit { loop.value.writeFromCall(streamID, frame) }.get()
      },
      maxResponsePayload: clientMaxFrameSize,
      requestsConsumed: requestsConsumed)
    let method = call.method
    let callContext = call.context
    let interceptors = self.interceptors
    let body: @Sendable () async -> Void = {
      let result: Result<ByteBuffer?, any Error>
      do {
        let frame = try await interceptors.run(context: callContext) { context in
          try await method.run(io, context)
        }
        result = .success(frame)
      } catch {
        result = .failure(error)
      }
      if eventLoop.inEventLoop {
        loop.value.finishCall(streamID, result)
      } else {
        eventLoop.execute { loop.value.finishCall(streamID, result) }
      }
    }
    // A handler that streams responses may write many in a row without ever waiting (the
    // connection stays writable), and NIO runs every task queued on a loop before it reads
    // again: such handlers run on the global executor so they cannot keep their loop from
    // reading. The others wait only on their requests or on other threads' work.
    if let executor, method.descriptor.kind.hasSingleResponse,
      (method.placement ?? configuration.handlerPlacement) == .eventLoop
    {
      return Task(executorPreference: executor, operation: body)
    }
    return Task(operation: body)
  }

  /// A response of a streaming call, written from its task; the future completes when
  /// the next one may be sent (the stream has credit, the connection is writable).
  private func writeFromCall(_ streamID: UInt32, _ frame: ByteBuffer) -> EventLoopFuture<Void> {
    guard let context else {
      return eventLoop!.makeFailedFuture(RPCError(code: .cancelled, message: "the connection closed"))
    }
    guard let call = calls[streamID] else {
      return context.eventLoop.makeFailedFuture(RPCError(code: .cancelled, message: "the call has ended"))
    }
    let promise = context.eventLoop.makePromise(of: Void.self)
    if call.startedAt != nil { call.responseBytes &+= frame.readableBytes - Frame.headerSize }
    if call.sendWindow?.send(frame, waiter: promise) == .wait {
      return promise.futureResult  // until the client grants credit
    }
    write(frame, completing: promise)
    return promise.futureResult
  }

  /// The client granted more credit to a stream's responses.
  private func receiveWindowUpdate(_ frame: Frame) {
    let increment: Int
    switch FlowControl.increment(frame.payload) {
    case .success(let value): increment = value
    case .failure(let error):
      connectionError(.init(code: .invalidArgument, message: error.message))
      return
    }
    guard let call = calls[frame.streamID], call.sendWindow != nil else { return }
    switch call.sendWindow!.grant(increment) {
    case .failure(let error):
      connectionError(.init(code: .invalidArgument, message: error.message))
    case .success(let unblocked):
      for (frame, waiter) in unblocked { write(frame, completing: waiter) }
    }
  }

  /// A streaming call's handler took requests worth `bytes`: grant them back with the
  /// next flush.
  private func requestsConsumed(_ streamID: UInt32, bytes: Int) {
    guard calls[streamID] != nil else { return }
    machine.consume(streamID, bytes: bytes)
    grantLater(streamID)
  }

  /// The handler of `streamID` returned or threw.
  private func finishCall(_ streamID: UInt32, _ result: Result<ByteBuffer?, any Error>) {
    guard let call = removeCall(streamID) else { return }  // already cancelled or timed out
    switch result {
    case .success(var frame?):
      if call.startedAt != nil { call.responseBytes &+= frame.readableBytes - Frame.headerSize }
      // The response and the OK trailers (an empty frame) in one buffer, one write.
      frame.writeFrameHeader(length: 0, type: .trailers, flags: [], streamID: streamID)
      write(frame)
      call.context.logger.trace("call finished", metadata: ["rpc.status": "OK"])
      report(call, nil)
    case .success(nil):
      writeTrailers(streamID, nil)
      call.context.logger.trace("call finished", metadata: ["rpc.status": "OK"])
      report(call, nil)
    case .failure(let error):
      let rpcError = Self.rpcError(error, logger: call.context.logger)
      writeTrailers(streamID, rpcError)
      call.context.logger.debug("call failed", metadata: ["rpc.status": "\(rpcError.code)"])
      report(call, rpcError.code)
    }
    call.source?.finish()
    afterCallClosed(streamID)
  }

  /// The status callers see for an error a handler threw.
  static func rpcError(_ error: any Error, logger: Logger) -> RPCError {
    if let convertible = error as? any RPCErrorConvertible { return convertible.rpcError }
    if error is CancellationError { return RPCError(code: .cancelled, message: "the call was cancelled") }
    logger.error("handler failed with an unexpected error", metadata: ["error": "\(String(reflecting: error))"])
    return RPCError(code: .internal, message: "internal error")
  }

  /// Ends a call from the connection's side (a broken rule, a limit, the deadline).
  private func failCall(_ streamID: UInt32, _ error: RPCError) {
    guard let call = removeCall(streamID) else { return }
    call.task?.cancel()
    call.source?.finish(error)
    writeTrailers(streamID, error)
    call.context.logger.debug("call failed", metadata: ["rpc.status": "\(error.code)", "error": "\(error.message)"])
    report(call, error.code)
    afterCallClosed(streamID)
  }

  /// Tells the observer how a call ended.
  private func report(_ call: Call, _ code: RPCError.Code?) {
    guard let observer, let startedAt = call.startedAt else { return }
    let record = call.context.record
    observer.callFinished(
      FinishedCall(
        method: call.method.descriptor, code: code, duration: .now - startedAt, requestBytes: call.requestBytes,
        responseBytes: call.responseBytes, remoteAddress: remoteAddress, callID: call.context.callID,
        identity: record?.identity, traceID: record?.traceID))
  }

  private func deadlineExpired(_ streamID: UInt32) {
    observer?.limitReached(.deadline)
    failCall(streamID, RPCError(code: .deadlineExceeded, message: "the deadline expired before the call completed"))
  }

  private func removeCall(_ streamID: UInt32) -> Call? {
    guard let call = calls.removeValue(forKey: streamID) else { return nil }
    call.deadlineTimer?.cancel()
    if call.paused { resumeReads() }
    for waiter in call.sendWindow?.close() ?? [] {
      waiter.fail(RPCError(code: .cancelled, message: "the call has ended"))
    }
    return call
  }

  private func afterCallClosed(_ streamID: UInt32) {
    switch machine.closeStream(streamID) {
    case .closeConnection:
      flushIfNeeded()
      closeConnection()
    case .none:
      updateIdleTimer()
    }
  }

  // MARK: Writing

  private func writeTrailers(_ streamID: UInt32, _ error: RPCError?) {
    guard let context else { return }
    var buffer: ByteBuffer
    if let error {
      do {
        buffer = try context.channel.allocator.messageFrame(
          error.status(maxPayload: clientMaxFrameSize), type: .trailers, streamID: streamID)
      } catch {
        buffer = try! context.channel.allocator.messageFrame(
          RPCError(code: .internal, message: "the error could not be encoded").status(), type: .trailers,
          streamID: streamID)
      }
    } else {
      buffer = context.channel.allocator.buffer(capacity: Frame.headerSize)
      buffer.writeFrameHeader(length: 0, type: .trailers, flags: [], streamID: streamID)
    }
    write(buffer)
  }

  private func writeControl<M: ProtobufMessage>(_ message: M, type: FrameType) {
    guard let context else { return }
    guard let buffer = try? context.channel.allocator.messageFrame(message, type: type, streamID: 0) else { return }
    write(buffer)
  }

  func takeWindowIncrement(_ streamID: UInt32) -> Int {
    machine.takeWindowIncrement(streamID)
  }

  // MARK: Ping, idleness, shutdown

  private func receivePing(_ frame: Frame) {
    guard !frame.flags.contains(.ack), let context else { return }  // ACKs only prove liveness (lastRead)
    var buffer = context.channel.allocator.buffer(capacity: Frame.headerSize + 8)
    buffer.writeFrame(Frame(type: .ping, flags: .ack, streamID: 0, payload: frame.payload))
    write(buffer)
  }

  private func startKeepalive() {
    guard let context, keepaliveTask == nil else { return }
    let interval = TimeAmount.nanoseconds(configuration.timeouts.keepaliveInterval.nanosecondsClamped)
    let timeout = TimeAmount.nanoseconds(configuration.timeouts.keepaliveTimeout.nanosecondsClamped)
    let loop = NIOLoopBound(self, eventLoop: context.eventLoop)
    // Check often enough to notice both a silent connection and a late answer promptly.
    let tick = TimeAmount.nanoseconds(max(10_000_000, min(interval.nanoseconds, timeout.nanoseconds) / 2))
    keepaliveTask = context.eventLoop.scheduleRepeatedTask(initialDelay: tick, delay: tick) { _ in
      loop.value.keepaliveTick(interval: interval, timeout: timeout)
    }
  }

  private func keepaliveTick(interval: TimeAmount, timeout: TimeAmount) {
    guard let context else { return }
    let now = context.eventLoop.now
    if let pingSentAt {
      if now - pingSentAt >= timeout {
        logger.debug("closing connection: no answer to keepalive PING")
        observer?.limitReached(.keepaliveTimeout)
        closeConnection()
      }
    } else if now - lastRead >= interval && io.paused == 0 {
      pingSentAt = now
      var buffer = context.channel.allocator.buffer(capacity: Frame.headerSize + 8)
      buffer.writeFrameHeader(length: 8, type: .ping, flags: [], streamID: 0)
      buffer.writeInteger(UInt64(now.uptimeNanoseconds))
      context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
    }
  }

  private func updateIdleTimer() {
    guard let context, configuration.timeouts.idle > .zero, machine.isIdle, machine.state == .active, idleTimer == nil
    else { return }
    let loop = NIOLoopBound(self, eventLoop: context.eventLoop)
    idleTimer = context.eventLoop.scheduleTask(in: .nanoseconds(configuration.timeouts.idle.nanosecondsClamped)) {
      loop.value.idleTimerFired()
    }
  }

  private func idleTimerFired() {
    idleTimer = nil
    guard machine.isIdle else { return }
    logger.debug("closing idle connection")
    if case .sendGoAway(let last, _) = machine.beginShutdown() {
      writeGoAway(lastStreamID: last, code: nil, message: "idle")
    }
    closeConnection()
  }

  /// Graceful shutdown: GOAWAY, let open calls finish, end them after the grace period.
  func beginShutdown() {
    guard let context else { return }
    switch machine.beginShutdown() {
    case .none:
      return
    case .sendGoAway(let last, let close):
      writeGoAway(lastStreamID: last, code: .unavailable, message: "server shutting down")
      if close {
        closeConnection()
        return
      }
    }
    let loop = NIOLoopBound(self, eventLoop: context.eventLoop)
    graceTimer = context.eventLoop.scheduleTask(
      in: .nanoseconds(configuration.timeouts.shutdownGracePeriod.nanosecondsClamped)
    ) {
      loop.value.endRemainingCalls()
    }
  }

  private func endRemainingCalls() {
    for streamID in calls.keys.sorted() {
      failCall(
        streamID, RPCError(code: .unavailable, message: "the server shut down before the call finished"))
    }
    closeConnection()
  }

  private func writeGoAway(lastStreamID: UInt32, code: RPCError.Code?, message: String) {
    let goAway = GoAway(
      lastStreamId: lastStreamID, code: StatusCode(rawValue: Int32(code?.rawValue ?? 0)), message: message)
    writeControl(goAway, type: .goAway)
  }

  private func connectionError(
    _ error: ServerConnectionStateMachine.ConnectionError, limit: ServerLimit = .protocolError
  ) {
    logger.debug("protocol error, closing connection", metadata: ["error": "\(error.message)"])
    observer?.limitReached(limit)
    machine.close()
    writeGoAway(lastStreamID: machine.lastStreamID, code: error.code, message: error.message)
    closeConnection()
  }

  private var closing = false

  private func closeConnection() {
    guard let context, !closing else { return }
    closing = true
    flushIfNeeded()
    context.flush()
    context.close(promise: nil)
  }
}
