import AtendeAPI
import AtendeRPC
import NIOCore
import NIOPosix
import Synchronization

/// A fake server on 127.0.0.1 that speaks raw frames: it answers HELLO as told, then
/// lets a script answer each HEADERS frame with whatever bytes it likes (well-formed
/// frames or garbage). Records every frame it receives, per connection.
final class ScriptedServer: Sendable {
  /// How the server answers the client's HELLO.
  enum HelloReply: Sendable {
    /// A valid `ServerHello`, after `delay`; `connectionMetadata` = whether it says it
    /// applies the client's connection metadata (a server that predates it does not);
    /// `version` 2 with `initialWindowSize` = the client's send window per stream.
    case answer(
      after: Duration = .zero, connectionMetadata: Bool = false, version: UInt32 = 1, maxFrameSize: UInt32 = 1 << 20,
      initialWindowSize: UInt32 = 0)
    /// Nothing, ever (the connection stays open).
    case never
    /// These bytes instead of a HELLO frame.
    case raw([UInt8])
  }

  /// The bytes to write in reply to a HEADERS frame on connection `connection` (0, 1, …).
  typealias Script = @Sendable (_ connection: Int, _ headers: Frame) -> [UInt8]

  private struct State {
    var connections = 0
    var received: [(connection: Int, frame: Frame)] = []
    var channels: [any NIOCore.Channel] = []
  }

  private let state = Mutex(State())
  private let listener = Mutex<(any NIOCore.Channel)?>(nil)
  let hello: HelloReply
  let script: Script

  private init(hello: HelloReply, script: @escaping Script) {
    self.hello = hello
    self.script = script
  }

  /// Starts a server listening on a free port.
  static func start(hello: HelloReply = .answer(), script: @escaping Script = { _, _ in [] }) async throws
    -> ScriptedServer
  {
    let server = ScriptedServer(hello: hello, script: script)
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          let index = server.state.withLock { state in
            defer { state.connections += 1 }
            state.channels.append(channel)
            return state.connections
          }
          try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder()))
          try channel.pipeline.syncOperations.addHandler(Handler(server: server, connection: index))
        }
      }
      .bind(host: "127.0.0.1", port: 0).get()
    server.listener.withLock { $0 = channel }
    return server
  }

  var port: Int { listener.withLock { $0!.localAddress!.port! } }
  var endpoint: Endpoint { Endpoint(host: "127.0.0.1", port: port) }

  /// Connections accepted so far.
  var connections: Int { state.withLock { $0.connections } }

  /// The frames received so far, with the index of the connection that carried them.
  var received: [(connection: Int, frame: Frame)] { state.withLock { $0.received } }

  /// Waits (up to `timeout`) until `condition` holds on the received frames.
  func wait(
    timeout: Duration = .seconds(30), until condition: ([(connection: Int, frame: Frame)]) -> Bool
  ) async throws {
    let deadline = ContinuousClock.now.advanced(by: timeout)
    while !condition(received) {
      guard ContinuousClock.now < deadline else { throw Probe.ProbeTimeout() }
      try await Task.sleep(for: .milliseconds(5))
    }
  }

  /// Writes `bytes` on connection `connection`, outside any script.
  func send(_ bytes: [UInt8], connection: Int = 0) async throws {
    let channel = state.withLock { $0.channels[connection] }
    try await channel.writeAndFlush(ByteBuffer(bytes: bytes)).get()
  }

  func close() {
    listener.withLock { $0?.close(promise: nil) }
  }

  private final class Handler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = FrameEvent
    typealias OutboundOut = ByteBuffer
    let server: ScriptedServer
    let connection: Int

    init(server: ScriptedServer, connection: Int) {
      self.server = server
      self.connection = connection
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
      guard case .frame(let frame) = unwrapInboundIn(data) else { return }
      server.state.withLock { $0.received.append((connection, frame)) }
      switch frame.type {
      case .hello:
        switch server.hello {
        case .never:
          break
        case .raw(let bytes):
          context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: bytes)), promise: nil)
        case .answer(let delay, let connectionMetadata, let version, let maxFrameSize, let initialWindowSize):
          let hello = ServerHello(
            version: version, agent: "scripted", maxFrameSize: maxFrameSize, maxConcurrentCalls: 100,
            connectionMetadata: connectionMetadata, initialWindowSize: initialWindowSize)
          let bytes = ScriptedServer.frame(.hello, streamID: 0, hello)
          let channel = context.channel
          if delay > .zero {
            context.eventLoop.scheduleTask(in: .milliseconds(Int64(delay / .milliseconds(1)))) {
              channel.writeAndFlush(ByteBuffer(bytes: bytes), promise: nil)
            }
          } else {
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: bytes)), promise: nil)
          }
        }
      case .headers:
        let reply = server.script(connection, frame)
        if !reply.isEmpty { context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: reply)), promise: nil) }
      default:
        break
      }
    }
  }

  // MARK: Building replies

  /// A frame with a raw header: any type, flags and length, then `payload`.
  static func rawFrame(type: UInt8, flags: UInt8 = 0, streamID: UInt32, length: UInt32? = nil, payload: [UInt8] = [])
    -> [UInt8]
  {
    var buffer = ByteBuffer()
    buffer.writeInteger(length ?? UInt32(payload.count))
    buffer.writeInteger(type)
    buffer.writeInteger(flags)
    buffer.writeInteger(streamID)
    buffer.writeBytes(payload)
    return Array(buffer.readableBytesView)
  }

  /// A well-formed frame carrying `message`.
  static func frame<M: ProtobufMessage>(_ type: FrameType, flags: FrameFlags = [], streamID: UInt32, _ message: M)
    -> [UInt8]
  {
    rawFrame(type: type.rawValue, flags: flags.rawValue, streamID: streamID, payload: try! message.serializedBytes())
  }
}
