public import AtendeProtobuf
public import Logging
public import NIOCore
internal import NIOPosix

/// A client of Atende servers: makes calls over a few multiplexed connections.
///
/// Connections open lazily on the first call, are spread round-robin over the
/// endpoints, are replaced when the server goes away, and are retried with backoff
/// after failures. A call fails fast with `UNAVAILABLE` when no endpoint is reachable.
/// Cancelling the Swift task of a call cancels it on the server.
///
/// Use the generated typed clients (e.g. `Diagnostics.Client(client)`) rather than
/// the raw call methods.
///
/// A client's connections all run on one event-loop thread, which one client keeps busy
/// at over 100k small calls/s; a process that needs more makes several clients. Tasks
/// that make many calls in a row can run on that thread too (``taskExecutor``), which
/// saves two thread switches per call.
public final class RPCClient: Sendable {
  private let pool: ConnectionPool
  private let interceptors: [any ClientInterceptor]
  private let allocator = ByteBufferAllocator()
  private let executor: EventLoopTaskExecutor
  private let retryPolicy: RetryPolicy
  private let throttle: RetryThrottle

  /// A client of the servers at `endpoints` (at least one).
  ///
  /// Its connections run on one loop of `eventLoopGroup` (nil: NIO's shared
  /// `MultiThreadedEventLoopGroup.singleton`), which the caller keeps running for as long
  /// as the client is used.
  public convenience init(
    endpoints: [Endpoint],
    configuration: ClientConfiguration = .defaults,
    interceptors: [any ClientInterceptor] = [],
    eventLoopGroup: (any EventLoopGroup)? = nil,
    logger: Logger = Logger(label: "atende.client", factory: { _ in SwiftLogNoOpLogHandler() })
  ) {
    precondition(!endpoints.isEmpty, "RPCClient needs at least one endpoint")
    self.init(
      targets: endpoints.map(ConnectionTarget.endpoint), configuration: configuration, interceptors: interceptors,
      eventLoopGroup: eventLoopGroup, logger: logger)
  }

  /// A client of `server`, in this process: its connections are in memory (no socket, no
  /// port), and everything else is as over TCP: the same protocol, handlers, limits,
  /// credentials and errors. `server` must be running (it may also listen on TCP, or not:
  /// ``ServerConfiguration/listensOnTCP``). The configuration's TLS is not used.
  public convenience init(
    inProcess server: RPCServer, configuration: ClientConfiguration = .defaults,
    interceptors: [any ClientInterceptor] = [],
    eventLoopGroup: (any EventLoopGroup)? = nil,
    logger: Logger = Logger(label: "atende.client", factory: { _ in SwiftLogNoOpLogHandler() })
  ) {
    self.init(
      targets: [.inProcess(server)], configuration: configuration, interceptors: interceptors,
      eventLoopGroup: eventLoopGroup, logger: logger)
  }

  private init(
    targets: [ConnectionTarget], configuration: ClientConfiguration, interceptors: [any ClientInterceptor],
    eventLoopGroup: (any EventLoopGroup)?, logger: Logger
  ) {
    let eventLoop = (eventLoopGroup ?? MultiThreadedEventLoopGroup.singleton).next()
    self.executor = EventLoopTaskExecutor(eventLoop)
    self.retryPolicy = configuration.retry
    self.throttle = RetryThrottle(configuration.retry.budget)
    self.pool = ConnectionPool(
      targets: targets, configuration: configuration, group: eventLoop, logger: logger)
    // A fixed token travels in each connection's HELLO; any other provider is asked
    // before every call.
    let perCall = configuration.credentials.flatMap { $0.fixedToken == nil ? $0 : nil }
    self.interceptors = (perCall.map { [CredentialsInterceptor(provider: $0)] } ?? []) + interceptors
  }

  /// A client of the server at `host:port`.
  public convenience init(
    host: String, port: Int, configuration: ClientConfiguration = .defaults,
    interceptors: [any ClientInterceptor] = [],
    eventLoopGroup: (any EventLoopGroup)? = nil,
    logger: Logger = Logger(label: "atende.client", factory: { _ in SwiftLogNoOpLogHandler() })
  ) {
    self.init(
      endpoints: [Endpoint(host: host, port: port)], configuration: configuration, interceptors: interceptors,
      eventLoopGroup: eventLoopGroup, logger: logger)
  }

  /// A task executor on the thread that runs this client's connections.
  ///
  /// A task that prefers it (`Task(executorPreference: client.taskExecutor) { … }`)
  /// sends its calls and receives their responses without switching threads. Such a task
  /// must not block its thread: code that waits on locks, files or heavy computation
  /// belongs on the default executor.
  public var taskExecutor: any TaskExecutor { executor }

  /// Closes the connections once their calls finish; later calls fail.
  public func close() {
    pool.close()
  }

  // MARK: Calls

  /// Runs a call's attempts inside the interceptors, and inside a client span when the
  /// caller is traced.
  private func intercepted<Result: Sendable>(
    _ method: MethodDescriptor, _ options: CallOptions, _ body: (ClientCallContext) async throws -> Result
  ) async throws -> Result {
    try await CallTracing.client(method, options) { options in
      try await interceptors.run(context: ClientCallContext(method: method, options: options), body)
    }
  }

  /// Makes a unary call.
  public func unary<Input: ProtobufMessage, Output: ProtobufMessage>(
    request: Input, method: MethodDescriptor, options: CallOptions = .defaults
  ) async throws(RPCError) -> Output {
    do {
      return try await intercepted(method, options) { context in
        let deadline = context.options.timeout.map { ContinuousClock.now.advanced(by: $0) }
        var attempt = 1
        while true {
          var context = context
          if let deadline { context.options.timeout = deadline - ContinuousClock.now }
          do {
            let buffer = try await unaryAttempt(context, request: request)
            throttle.recordSuccess()
            return try Self.decode(Output.self, buffer, context.options)
          } catch let error as RPCError {
            guard let wait = retryWait(after: error, method: method, attempt: attempt), !Task.isCancelled else {
              throw error
            }
            if wait > .zero {
              if let deadline, ContinuousClock.now.advanced(by: wait) >= deadline { throw error }
              try await Task.sleep(for: wait)
            }
            attempt += 1
          }
        }
      }
    } catch {
      throw Self.rpcError(error)
    }
  }

  /// Whether to send a unary call again after `error`, and after how long; nil: not again.
  private func retryWait(after error: RPCError, method: MethodDescriptor, attempt: Int) -> Duration? {
    guard attempt < retryPolicy.maxAttempts else {
      if method.isIdempotent && retryPolicy.retryableCodes.contains(error.code) {
        _ = throttle.recordFailureAllowingRetry()
      }
      return nil
    }
    // Never started (refused while the server shuts down, or caught by a GOAWAY): safe
    // for any method, and sent at once on another connection.
    if error.reason == RPCErrorReason.shuttingDown { return .zero }
    guard method.isIdempotent, retryPolicy.retryableCodes.contains(error.code) else { return nil }
    guard throttle.recordFailureAllowingRetry() else { return nil }
    return retryPolicy.backoff(afterAttempt: attempt)
  }

  /// Makes a server-streaming call; `body` reads the responses and the call ends
  /// when it returns (a call still running then is cancelled).
  public func serverStreaming<Input: ProtobufMessage, Output: ProtobufMessage, Result: Sendable>(
    request: Input, method: MethodDescriptor, options: CallOptions = .defaults,
    onResponses body: (RPCAsyncSequence<Output>) async throws -> Result
  ) async throws -> Result {
    try await intercepted(method, options) { context in
      let (connection, frames, timeout) = try await prepare(context, firstMessage: request)
      return try await Self.streamingCall(
        connection, frames: frames, timeout: timeout, context: context, requests: nil, body: body)
    }
  }

  /// Makes a client-streaming call: `requests` writes the requests (the call
  /// half-closes when it returns), then the response is returned.
  public func clientStreaming<Input: ProtobufMessage, Output: ProtobufMessage>(
    method: MethodDescriptor, options: CallOptions = .defaults,
    requests: @Sendable (RPCWriter<Input>) async throws -> Void
  ) async throws -> Output {
    do {
      return try await intercepted(method, options) { context in
        let handle = ClientCallHandle()
        let (connection, frames, timeout) = try await prepare(context, firstMessage: Optional<Input>.none)
        let promise = connection.eventLoop.makePromise(of: ByteBuffer.self)
        let buffer = try await withTaskCancellationHandler {
          guard
            let streamID = try await connection.open(
              frames: frames, sink: .single(.promise(promise), response: nil), timeout: timeout, handle: handle)
          else {
            promise.fail(Self.connectionGone)
            throw Self.connectionGone
          }
          do {
            try await requests(writer(Input.self, connection: connection, streamID: streamID))
            connection.halfClose(streamID)
          } catch {
            // The server may have answered already (an early response, or an error such
            // as a size limit): its outcome says more than the writer's.
            handle.cancel(
              RPCError(
                code: .cancelled, message: "the request stream failed: \(error)",
                reason: RPCErrorReason.requestStreamFailed, cause: error))
            do {
              return try await promise.futureResult.get()
            } catch let outcome as RPCError where outcome.reason != RPCErrorReason.requestStreamFailed {
              throw outcome
            } catch {}
            throw RequestWriterError(error: error)
          }
          defer { handle.finished() }
          return try await promise.futureResult.get()
        } onCancel: {
          handle.cancel()
        }
        return try Self.decode(Output.self, buffer, context.options)
      }
    } catch let failure as RequestWriterError {
      // The caller's own error, from its request writer: theirs, unchanged.
      throw failure.error
    } catch {
      throw Self.rpcError(error)
    }
  }

  /// Carries an error the request writer threw past the conversion to ``RPCError``.
  private struct RequestWriterError: Error {
    let error: any Error
  }

  /// Makes a bidirectional-streaming call: `requests` writes the requests (the call
  /// half-closes when it returns) while `body` reads the responses; the call ends
  /// when `body` returns.
  public func bidirectionalStreaming<Input: ProtobufMessage, Output: ProtobufMessage, Result: Sendable>(
    method: MethodDescriptor, options: CallOptions = .defaults,
    requests: @escaping @Sendable (RPCWriter<Input>) async throws -> Void,
    onResponses body: (RPCAsyncSequence<Output>) async throws -> Result
  ) async throws -> Result {
    try await intercepted(method, options) { context in
      let (connection, frames, timeout) = try await prepare(context, firstMessage: Optional<Input>.none)
      return try await Self.streamingCall(
        connection, frames: frames, timeout: timeout, context: context,
        requests: { streamID in
          try await requests(self.writer(Input.self, connection: connection, streamID: streamID))
          connection.halfClose(streamID)
        }, body: body)
    }
  }

  // MARK: Internals

  /// One attempt of a unary call: the response's payload.
  private func unaryAttempt<Input: ProtobufMessage>(_ context: ClientCallContext, request: Input) async throws
    -> ByteBuffer
  {
    let handle = ClientCallHandle()
    let (connection, frames, timeout) = try await prepare(context, firstMessage: request)
    return try await withTaskCancellationHandler {
      defer { handle.finished() }
      return try await connection.singleResponseCall(frames: frames, timeout: timeout, handle: handle)
    } onCancel: {
      handle.cancel()
    }
  }

  private static let connectionGone = RPCError(
    code: .unavailable, message: "the connection stopped taking calls before the call started",
    reason: RPCErrorReason.shuttingDown)

  fileprivate static func streamingCall<Output: ProtobufMessage, Result: Sendable>(
    _ connection: ClientConnection, frames: ByteBuffer, timeout: Duration?, context: ClientCallContext,
    requests: (@Sendable (UInt32) async throws -> Void)?,
    body: (RPCAsyncSequence<Output>) async throws -> Result
  ) async throws -> Result {
    let handle = ClientCallHandle()
    let delegate = InboundMessagesDelegate(
      onProduceMore: { if let id = handle.streamID { connection.resumeReading(id) } },
      onTerminate: {})
    let stream = InboundMessages.make(delegate: delegate)
    // With flow control, each response taken gives its bytes back to the server.
    var consumed: (@Sendable (Int) -> Void)?
    if connection.hasFlowControl {
      consumed = { bytes in if let id = handle.streamID { connection.consumed(id, bytes: bytes) } }
    }
    // A response that cannot be decoded ends the call: the server is told (CANCEL), and
    // the error, INTERNAL as for unary calls, is the call's.
    let responses = RPCAsyncSequence<Output>(
      base: stream.sequence, decodingOptions: context.options.decodingOptions,
      decodingFailed: { error in
        let failure = RPCError(undecodableResponse: error)
        handle.cancel(failure)
        return failure
      },
      consumed: consumed)
    return try await withTaskCancellationHandler {
      guard
        let streamID = try await connection.open(
          frames: frames, sink: .stream(stream.source, paused: false), timeout: timeout, handle: handle)
      else {
        throw Self.connectionGone
      }
      defer {
        handle.cancel(RPCError(code: .cancelled, message: "the response handler returned before the call ended"))
      }
      guard let requests else { return try await body(responses) }
      return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
          do {
            try await requests(streamID)
          } catch {
            handle.cancel(
              RPCError(
                code: .cancelled, message: "the request stream failed: \(error)",
                reason: RPCErrorReason.requestStreamFailed, cause: error))
            throw error
          }
        }
        // End the call before the group waits for the request writer, so a writer that is
        // still sending stops (its writes fail once the call is gone).
        do {
          let result = try await body(responses)
          handle.cancel(RPCError(code: .cancelled, message: "the response handler returned before the call ended"))
          group.cancelAll()
          return result
        } catch {
          handle.cancel(RPCError(code: .cancelled, message: "the response handler failed: \(error)", cause: error))
          group.cancelAll()
          throw error
        }
      }
    } onCancel: {
      handle.cancel()
    }
  }

  private func writer<Input: ProtobufMessage>(
    _ type: Input.Type, connection: ClientConnection, streamID: UInt32
  ) -> RPCWriter<Input> {
    let allocator = self.allocator
    let limit = connection.serverMaxFrameSize
    return RPCWriter { message in
      let frame = try Self.frame(message, type: .message, flags: [], allocator: allocator, limit: limit)
      try await connection.send(frame, streamID: streamID)
    }
  }

  /// A connection and the first frames of a call (stream ids patched in on open).
  /// A connection and the first frames of a call (stream ids patched in on open), with
  /// the time left of the call's deadline once the connection is there.
  private func prepare<Input: ProtobufMessage>(
    _ context: ClientCallContext, firstMessage: Input?
  ) async throws -> (ClientConnection, ByteBuffer, Duration?) {
    // The deadline counts from the start of the call, connecting included.
    let deadline = context.options.timeout.map { ContinuousClock.now.advanced(by: $0) }
    let connection = try await pool.connection(deadline: deadline)
    let (frames, remaining) = try Self.firstFrames(
      context, firstMessage: firstMessage, connection: connection, deadline: deadline, allocator: allocator)
    return (connection, frames, remaining)
  }

  /// The first frames of a call on `connection`, and the time left until `deadline`.
  fileprivate static func firstFrames<Input: ProtobufMessage>(
    _ context: ClientCallContext, firstMessage: Input?, connection: ClientConnection,
    deadline: ContinuousClock.Instant?, allocator: ByteBufferAllocator
  ) throws -> (ByteBuffer, Duration?) {
    let limit = connection.serverMaxFrameSize
    var remaining: Duration?
    var timeoutMicros: UInt64 = 0
    if let deadline {
      let left = deadline - ContinuousClock.now
      guard left > .zero else {
        throw RPCError(code: .deadlineExceeded, message: "the deadline expired before the call was sent")
      }
      remaining = left
      timeoutMicros = UInt64(max(1, left.nanosecondsClamped / 1000))
    }
    var metadata = context.options.wireMetadata
    // A server that ignored the connection metadata gets it with each call.
    metadata.merge(connection.perCallMetadata)
    let header = CallHeader(method: context.method.path, timeoutMicros: timeoutMicros, metadata: metadata.wire)
    var frames = allocator.buffer(capacity: 512)
    try Self.writeFrame(header, type: .headers, flags: [], into: &frames, limit: limit)
    if let firstMessage {
      try Self.writeFrame(firstMessage, type: .message, flags: .endStream, into: &frames, limit: limit)
    }
    return (frames, remaining)
  }

  private static func frame<M: ProtobufMessage>(
    _ message: M, type: FrameType, flags: FrameFlags, allocator: ByteBufferAllocator, limit: Int
  ) throws(RPCError) -> ByteBuffer {
    var frame = allocator.buffer(capacity: 64)
    try writeFrame(message, type: type, flags: flags, into: &frame, limit: limit)
    return frame
  }

  /// Appends `message` as one frame (stream id 0, patched in when the call opens).
  private static func writeFrame<M: ProtobufMessage>(
    _ message: M, type: FrameType, flags: FrameFlags, into buffer: inout ByteBuffer, limit: Int
  ) throws(RPCError) {
    let start = buffer.writerIndex
    do {
      try buffer.writeMessageFrame(message, type: type, flags: flags, streamID: 0)
    } catch {
      buffer.moveWriterIndex(to: start)
      throw RPCError(code: .invalidArgument, message: "the request could not be encoded: \(error)", cause: error)
    }
    let payload = buffer.writerIndex - start - Frame.headerSize
    if payload > limit {
      buffer.moveWriterIndex(to: start)
      throw RPCError(
        code: .resourceExhausted, message: "message of \(payload) bytes exceeds the server's limit of \(limit) bytes",
        reason: RPCErrorReason.messageTooLarge)
    }
  }

  private static func decode<M: ProtobufMessage>(_ type: M.Type, _ buffer: ByteBuffer, _ options: CallOptions)
    throws(RPCError) -> M
  {
    do {
      return try buffer.decodeMessage(M.self, options: options.decodingOptions)
    } catch {
      throw RPCError(undecodableResponse: error)
    }
  }

  private static func rpcError(_ error: any Error) -> RPCError {
    if let error = error as? RPCError { return error }
    if let convertible = error as? any RPCErrorConvertible { return convertible.rpcError }
    if error is CancellationError { return RPCError(code: .cancelled, message: "the call was cancelled", cause: error) }
    return RPCError(code: .unknown, message: "\(error)", cause: error)
  }
}

/// A health watch's call on one connection of the pool, outside of the round-robin and
/// of the client's interceptors.
struct ConnectionHealthWatchCaller: HealthWatchCaller {
  let connection: ClientConnection

  func watch<Request: ProtobufMessage, Response: ProtobufMessage>(
    request: Request, method: MethodDescriptor, onResponse: @escaping @Sendable (Response) -> Void
  ) async throws {
    let context = ClientCallContext(method: method, options: .defaults)
    let (frames, _) = try RPCClient.firstFrames(
      context, firstMessage: request, connection: connection, deadline: nil, allocator: ByteBufferAllocator())
    try await RPCClient.streamingCall(
      connection, frames: frames, timeout: nil, context: context, requests: nil
    ) { (responses: RPCAsyncSequence<Response>) in
      for try await response in responses { onResponse(response) }
    }
  }
}
