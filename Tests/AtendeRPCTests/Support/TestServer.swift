import AtendeAPI
import AtendeRPC
import AtendeServer
import Logging
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// A logger that prints when ATENDE_TEST_LOG is set (e.g. ATENDE_TEST_LOG=debug).
func testLogger(_ label: String = "test") -> Logger {
  if let level = getenv("ATENDE_TEST_LOG").map({ String(cString: $0) }), let parsed = Logger.Level(rawValue: level) {
    var logger = Logger(label: label)
    logger.logLevel = parsed
    return logger
  }
  return Logger(label: label, factory: { _ in SwiftLogNoOpLogHandler() })
}

/// How a test's client reaches its server.
enum TestTransport: String, CaseIterable, Sendable, CustomTestStringConvertible {
  /// TCP on 127.0.0.1.
  case tcp
  /// In memory (`RPCClient(inProcess:)`), the server listening on no port.
  case inProcess

  var testDescription: String { rawValue }
}

/// Runs a real server with diagnostics and `extra` services, and a client connected to
/// it: over TCP on 127.0.0.1 (port 0; `body` gets the port), or in process (no listener;
/// `body` gets port 0).
func withTestServer<Result: Sendable>(
  transport: TestTransport = .tcp,
  extra: [any RPCService] = [],
  configure: (inout ServerConfiguration) -> Void = { _ in },
  clientConfiguration: ClientConfiguration = .defaults,
  observer: (any ServerObserver)? = nil,
  _ body: (RPCServer, RPCClient, Int) async throws -> Result
) async throws -> Result {
  var configuration = ServerConfiguration(host: "127.0.0.1", port: 0)
  configuration.timeouts.shutdownGracePeriod = .seconds(5)
  configuration.listensOnTCP = transport == .tcp
  configure(&configuration)
  let services = extra + diagnosticsOnly()
  let server = RPCServer(
    configuration: configuration, services: services, observer: observer, logger: testLogger("server"))
  return try await withRPCServer(server) { server in
    let port = transport == .tcp ? try await server.listeningPort() : 0
    let client =
      transport == .tcp
      ? RPCClient(host: "127.0.0.1", port: port, configuration: clientConfiguration, logger: testLogger("client"))
      : RPCClient(inProcess: server, configuration: clientConfiguration, logger: testLogger("client"))
    defer { client.close() }
    return try await body(server, client, port)
  }
}

/// Records what a handler saw, for tests that watch a handler from outside.
final class Probe: Sendable {
  private let state = Mutex<(started: Int, cancelled: Int, finished: Int, written: Int)>((0, 0, 0, 0))

  func started() { state.withLock { $0.started += 1 } }
  func cancelled() { state.withLock { $0.cancelled += 1 } }
  func finished() { state.withLock { $0.finished += 1 } }
  /// A streaming handler's write returned.
  func wrote() { state.withLock { $0.written += 1 } }

  var startedCount: Int { state.withLock { $0.started } }
  var cancelledCount: Int { state.withLock { $0.cancelled } }
  var finishedCount: Int { state.withLock { $0.finished } }
  var writtenCount: Int { state.withLock { $0.written } }

  /// Waits (up to `timeout`) until `condition` holds. The timeout only bounds a failure:
  /// a whole suite in parallel on a loaded 2-core machine can take seconds to make
  /// progress that takes milliseconds alone.
  func wait(
    timeout: Duration = .seconds(30), line: Int = #line, until condition: (Probe) -> Bool
  ) async throws {
    let deadline = ContinuousClock.now.advanced(by: timeout)
    while !condition(self) {
      guard ContinuousClock.now < deadline else { throw ProbeTimeout(line: line) }
      try await Task.sleep(for: .milliseconds(5))
    }
  }

  /// A wait gave up; `line` is the caller's.
  struct ProbeTimeout: Error {
    var line: Int = 0
    /// What had arrived, when a wait for frames gave up.
    var detail = ""
  }
}

/// A service whose `Wait` method blocks until cancelled (or `delayMillis` elapses),
/// reporting to a probe.
struct ProbeService: RPCService {
  static let wait = MethodDescriptor(service: "atende.testing.Probe", method: "Wait", kind: .unary)
  static let crash = MethodDescriptor(service: "atende.testing.Probe", method: "Crash", kind: .unary)
  /// Answers with the request metadata, as "key=value" lines in `text`.
  static let metadata = MethodDescriptor(service: "atende.testing.Probe", method: "Metadata", kind: .unary)
  /// Streams responses until cancelled.
  static let endless = MethodDescriptor(service: "atende.testing.Probe", method: "Endless", kind: .serverStreaming)
  let probe: Probe

  struct Secret: Error, CustomStringConvertible {
    var description: String { "database password is hunter2" }
  }

  func registerMethods(with router: inout RPCRouter) {
    let probe = self.probe
    router.registerUnary(Self.wait) { (request: EchoRequest, context: ServerContext) -> EchoResponse in
      probe.started()
      do {
        try await Task.sleep(for: .milliseconds(request.delayMillis == 0 ? 60_000 : Int(request.delayMillis)))
      } catch {
        probe.cancelled()
        throw error
      }
      probe.finished()
      return EchoResponse(text: request.text)
    }
    router.registerUnary(Self.crash) { (request: EchoRequest, context: ServerContext) -> EchoResponse in
      throw Secret()
    }
    router.registerUnary(Self.metadata) { (request: EchoRequest, context: ServerContext) -> EchoResponse in
      let lines = context.metadata.map { entry -> String in
        switch entry.value {
        case .text(let text): "\(entry.key)=\(text)"
        case .binary(let bytes): "\(entry.key)=\(bytes)"
        }
      }
      return EchoResponse(text: lines.joined(separator: "\n"))
    }
    router.registerServerStreaming(Self.endless) {
      (request: EchoRequest, responses: RPCWriter<EchoResponse>, context: ServerContext) in
      probe.started()
      var sequence: UInt32 = 0
      do {
        while true {
          try Task.checkCancellation()
          try await responses.write(EchoResponse(sequence: sequence))
          probe.wrote()
          sequence += 1
        }
      } catch {
        probe.cancelled()
        throw error
      }
    }
  }
}

/// A raw TCP connection for speaking (or breaking) the protocol by hand.
final class RawConnection: Sendable {
  let channel: any NIOCore.Channel
  private let received: Mutex<ByteBuffer> = Mutex(ByteBuffer())

  private final class Collector: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let connection: RawConnection
    init(_ connection: RawConnection) { self.connection = connection }
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
      var buffer = unwrapInboundIn(data)
      _ = connection.received.withLock { $0.writeBuffer(&buffer) }
    }
  }

  private init(channel: any NIOCore.Channel) { self.channel = channel }

  static func connect(port: Int) async throws -> RawConnection {
    let box = Mutex<RawConnection?>(nil)
    let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .channelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          let connection = RawConnection(channel: channel)
          box.withLock { $0 = connection }
          try channel.pipeline.syncOperations.addHandler(Collector(connection))
        }
      }
      .connect(host: "127.0.0.1", port: port).get()
    _ = channel
    return box.withLock { $0! }
  }

  func send(_ bytes: [UInt8]) async throws {
    try await channel.writeAndFlush(ByteBuffer(bytes: bytes)).get()
  }

  func send(_ frame: Frame) async throws {
    var buffer = ByteBuffer()
    buffer.writeFrame(frame)
    try await channel.writeAndFlush(buffer).get()
  }

  /// Everything received so far.
  var bytes: ByteBuffer { received.withLock { $0 } }

  /// The frames received so far (decoded with the real decoder).
  func frames() throws -> [Frame] {
    var buffer = bytes
    var decoder = FrameDecoder()
    var frames: [Frame] = []
    while let event = try decoder.decode(buffer: &buffer) {
      if case .frame(let frame) = event { frames.append(frame) }
    }
    return frames
  }

  /// Waits until `condition` holds on the received frames (or the timeout).
  func waitForFrames(
    timeout: Duration = .seconds(30), line: Int = #line, _ condition: ([Frame]) -> Bool
  ) async throws -> [Frame] {
    let deadline = ContinuousClock.now.advanced(by: timeout)
    while true {
      let frames = try frames()
      if condition(frames) { return frames }
      guard ContinuousClock.now < deadline else {
        let summary = frames.map { "\($0.type)/\($0.streamID)/\($0.payload.readableBytes)" }
        throw Probe.ProbeTimeout(line: line, detail: "\(frames.count) frames: \(summary.suffix(8))")
      }
      try await Task.sleep(for: .milliseconds(5))
    }
  }

  /// Waits until the server closes the connection.
  func waitForClose(timeout: Duration = .seconds(30)) async throws {
    let deadline = ContinuousClock.now.advanced(by: timeout)
    while channel.isActive {
      guard ContinuousClock.now < deadline else { throw Probe.ProbeTimeout() }
      try await Task.sleep(for: .milliseconds(5))
    }
  }

  func close() { channel.close(promise: nil) }
}

/// Frames a well-behaved client sends.
enum Frames {
  static func hello(
    versions: [UInt32] = [1], metadata: [MetadataEntry] = [], maxFrameSize: UInt32 = 0, initialWindowSize: UInt32 = 0
  ) throws -> Frame {
    let hello = ClientHello(
      versions: versions, agent: "test", maxFrameSize: maxFrameSize, metadata: metadata,
      initialWindowSize: initialWindowSize)
    return Frame(type: .hello, streamID: 0, payload: ByteBuffer(bytes: try hello.serializedBytes()))
  }

  static func windowUpdate(_ streamID: UInt32, increment: UInt32) -> Frame {
    var payload = ByteBuffer()
    payload.writeInteger(increment)
    return Frame(type: .windowUpdate, streamID: streamID, payload: payload)
  }

  static func headers(
    _ streamID: UInt32, method: String, flags: FrameFlags = [], timeoutMicros: UInt64 = 0,
    metadata: [MetadataEntry] = []
  ) throws -> Frame {
    Frame(
      type: .headers, flags: flags, streamID: streamID,
      payload: ByteBuffer(
        bytes: try CallHeader(method: method, timeoutMicros: timeoutMicros, metadata: metadata).serializedBytes()))
  }

  static func message<M: ProtobufMessage>(_ streamID: UInt32, _ message: M, flags: FrameFlags = .endStream) throws
    -> Frame
  {
    Frame(type: .message, flags: flags, streamID: streamID, payload: ByteBuffer(bytes: try message.serializedBytes()))
  }
}

/// The diagnostics service alone: the RPC runtime's tests need nothing else.
func diagnosticsOnly() -> [any RPCService] {
  [DiagnosticsService(describing: [], startedAt: 0)]
}
