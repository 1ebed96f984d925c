public import AtendeProtobuf
package import NIOCore

/// A service a server can host. Generated service protocols refine it; conforming
/// types get `registerMethods(with:)` from the generated code.
public protocol RPCService: Sendable {
  /// Adds the service's methods to `router`.
  func registerMethods(with router: inout RPCRouter)

  /// Where this service's handlers run; nil (the default) follows the server's
  /// ``ServerConfiguration/handlerPlacement``. A service whose handlers block their
  /// thread (synchronous file or network I/O) returns ``ServerConfiguration/HandlerPlacement/globalExecutor``.
  var handlerPlacement: ServerConfiguration.HandlerPlacement? { get }
}

extension RPCService {
  public var handlerPlacement: ServerConfiguration.HandlerPlacement? { nil }
}

/// The methods a server hosts, by path.
public struct RPCRouter: Sendable {
  private(set) var handlers: [String: RegisteredMethod] = [:]
  /// Paths in registration order (a service's methods in declaration order).
  private var order: [String] = []
  /// The placement of the service being registered.
  private var placement: ServerConfiguration.HandlerPlacement?

  /// An empty router.
  public init() {}

  /// Every registered method, in registration order.
  public var methods: [MethodDescriptor] { order.compactMap { handlers[$0]?.descriptor } }

  private mutating func add(_ method: RegisteredMethod) {
    var method = method
    method.placement = placement
    if handlers.updateValue(method, forKey: method.descriptor.path) == nil { order.append(method.descriptor.path) }
  }

  /// Registers a unary method.
  public mutating func registerUnary<Input: ProtobufMessage, Output: ProtobufMessage>(
    _ method: MethodDescriptor,
    _ handler: @escaping @Sendable (Input, ServerContext) async throws -> Output
  ) {
    add(
      RegisteredMethod(descriptor: method, request: Input.self) { io, context in
        let request = try io.decodeSingleRequest(Input.self)
        let response = try await handler(request, context)
        return try io.responseFrame(response)
      })
  }

  /// Registers a server-streaming method.
  public mutating func registerServerStreaming<Input: ProtobufMessage, Output: ProtobufMessage>(
    _ method: MethodDescriptor,
    _ handler: @escaping @Sendable (Input, RPCWriter<Output>, ServerContext) async throws -> Void
  ) {
    add(
      RegisteredMethod(descriptor: method, request: Input.self) { io, context in
        let request = try io.decodeSingleRequest(Input.self)
        try await handler(request, io.responseWriter(Output.self), context)
        return nil
      })
  }

  /// Registers a client-streaming method.
  public mutating func registerClientStreaming<Input: ProtobufMessage, Output: ProtobufMessage>(
    _ method: MethodDescriptor,
    _ handler: @escaping @Sendable (RPCAsyncSequence<Input>, ServerContext) async throws -> Output
  ) {
    add(
      RegisteredMethod(descriptor: method, request: Input.self) { io, context in
        let response = try await handler(io.requestSequence(Input.self), context)
        return try io.responseFrame(response)
      })
  }

  /// Registers a bidirectional-streaming method.
  public mutating func registerBidirectionalStreaming<Input: ProtobufMessage, Output: ProtobufMessage>(
    _ method: MethodDescriptor,
    _ handler: @escaping @Sendable (RPCAsyncSequence<Input>, RPCWriter<Output>, ServerContext) async throws -> Void
  ) {
    add(
      RegisteredMethod(descriptor: method, request: Input.self) { io, context in
        try await handler(io.requestSequence(Input.self), io.responseWriter(Output.self), context)
        return nil
      })
  }

  /// Adds every method of `service`.
  public mutating func register(_ service: some RPCService) {
    placement = service.handlerPlacement
    defer { placement = nil }
    service.registerMethods(with: &self)
  }

  package func method(path: String) -> RegisteredMethod? { handlers[path] }

  /// The request decoder of every method, in registration order.
  package var requestDecoders: [(method: MethodDescriptor, decode: @Sendable ([UInt8]) throws -> Void)] {
    order.compactMap { handlers[$0] }.map { method in
      (method.descriptor, { bytes in try method.decodeRequest(ByteBuffer(bytes: bytes), ProtobufDecodingOptions()) })
    }
  }
}

/// A registered method: decodes requests, runs the handler, encodes responses.
package struct RegisteredMethod: Sendable {
  package let descriptor: MethodDescriptor
  /// Runs the call; returns the frame of the single response, for methods that have one.
  package let run: @Sendable (ServerCallIO, ServerContext) async throws -> ByteBuffer?
  /// Decodes one request message of the method (and drops it): what the fuzzers drive.
  let decodeRequest: @Sendable (ByteBuffer, ProtobufDecodingOptions) throws -> Void
  /// Where the handler runs, when its service chose (otherwise the server's configuration says).
  package var placement: ServerConfiguration.HandlerPlacement? = nil

  init<Input: ProtobufMessage>(
    descriptor: MethodDescriptor, request: Input.Type,
    run: @escaping @Sendable (ServerCallIO, ServerContext) async throws -> ByteBuffer?
  ) {
    self.descriptor = descriptor
    self.run = run
    self.decodeRequest = { buffer, options in _ = try buffer.decodeMessage(Input.self, options: options) }
  }
}

/// The connection-side ends of one server call, as a handler sees them.
package struct ServerCallIO: Sendable {
  let streamID: UInt32
  /// The request, for unary and server-streaming methods.
  let singleRequest: ByteBuffer?
  /// The requests, for client-streaming and bidirectional methods.
  let requests: InboundMessages?
  let decodingOptions: ProtobufDecodingOptions
  let allocator: ByteBufferAllocator
  /// Sends one response frame, waiting while the connection is not writable.
  let send: @Sendable (ByteBuffer) async throws -> Void
  /// The largest frame payload the client accepts.
  let maxResponsePayload: Int
  /// Told the cost of each request taken (flow control, version 2); nil in version 1.
  var requestsConsumed: (@Sendable (Int) -> Void)? = nil

  package init(
    streamID: UInt32, singleRequest: ByteBuffer?, requests: InboundMessages?,
    decodingOptions: ProtobufDecodingOptions, allocator: ByteBufferAllocator,
    send: @escaping @Sendable (ByteBuffer) async throws -> Void, maxResponsePayload: Int,
    requestsConsumed: (@Sendable (Int) -> Void)? = nil
  ) {
    self.streamID = streamID
    self.singleRequest = singleRequest
    self.requests = requests
    self.decodingOptions = decodingOptions
    self.allocator = allocator
    self.send = send
    self.maxResponsePayload = maxResponsePayload
    self.requestsConsumed = requestsConsumed
  }

  func decodeSingleRequest<M: ProtobufMessage>(_ type: M.Type) throws -> M {
    guard let singleRequest else {
      throw RPCError(code: .internal, message: "no request message")
    }
    do {
      return try singleRequest.decodeMessage(M.self, options: decodingOptions)
    } catch {
      throw RPCError(decoding: error)
    }
  }

  func requestSequence<M: ProtobufMessage>(_ type: M.Type) -> RPCAsyncSequence<M> {
    RPCAsyncSequence(
      base: requests!, decodingOptions: decodingOptions, decodingFailed: RPCError.init(decoding:),
      consumed: requestsConsumed)
  }

  /// The frame of a response; the single response of a call has room for the empty
  /// trailers frame that follows it, so both go out in one write.
  func responseFrame<M: ProtobufMessage>(_ message: M) throws -> ByteBuffer {
    let frame: ByteBuffer
    do {
      frame = try allocator.messageFrame(message, type: .message, streamID: streamID, reserving: Frame.headerSize)
    } catch {
      throw RPCError(code: .internal, message: "the response could not be encoded", cause: error)
    }
    try checkSize(frame)
    return frame
  }

  func responseWriter<M: ProtobufMessage>(_ type: M.Type) -> RPCWriter<M> {
    RPCWriter { message in
      let frame = try responseFrame(message)
      try await send(frame)
    }
  }

  private func checkSize(_ frame: ByteBuffer) throws {
    let payload = frame.readableBytes - Frame.headerSize
    if payload > maxResponsePayload {
      throw RPCError(
        code: .resourceExhausted,
        message: "response of \(payload) bytes exceeds the client's limit of \(maxResponsePayload) bytes",
        reason: RPCErrorReason.messageTooLarge)
    }
  }
}
