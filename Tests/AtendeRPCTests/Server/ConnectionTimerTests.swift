import AtendeProtobuf
import Logging
import NIOCore
import NIOEmbedded
import Testing

@testable import AtendeRPC
@testable import AtendeRPCCore

/// The connection timers on a manual clock: each side's handler on an `EmbeddedChannel`,
/// whose event loop runs scheduled tasks only when the test moves its time.
@Suite("Connection timers, on a manual clock")
struct ConnectionTimerTests {
  static let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

  /// A server connection on an embedded channel, connected (so its handshake timer runs).
  static func server(_ configure: (inout ServerConfiguration) -> Void = { _ in }) throws -> EmbeddedChannel {
    var configuration = ServerConfiguration(host: "127.0.0.1", port: 0)
    configure(&configuration)
    let channel = EmbeddedChannel()
    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder()))
    try channel.pipeline.syncOperations.addHandler(
      ServerConnectionHandler(
        router: RPCRouter(), interceptors: [], configuration: configuration, connectionID: 1, logger: quiet,
        onClose: {}))
    try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 40_000)).wait()
    return channel
  }

  /// A client connection on an embedded channel; its HELLO is answered.
  static func client(_ keepalive: ClientConfiguration.Keepalive?) throws -> (
    EmbeddedChannel, EventLoopFuture<ServerHello>
  ) {
    var configuration = ClientConfiguration()
    configuration.keepalive = keepalive
    let channel = EmbeddedChannel()
    let ready = channel.eventLoop.makePromise(of: ServerHello.self)
    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder()))
    try channel.pipeline.syncOperations.addHandler(
      ClientConnectionHandler(configuration: configuration, readyPromise: ready, onUnusable: {}))
    try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 7400)).wait()
    #expect(try sent(channel).map(\.type) == [.hello])
    try receive(
      channel,
      Frame(
        type: .hello, streamID: 0,
        payload: ByteBuffer(
          bytes: try ServerHello(version: 1, maxFrameSize: 1 << 20, maxConcurrentCalls: 10).serializedBytes())))
    return (channel, ready.futureResult)
  }

  static func receive(_ channel: EmbeddedChannel, _ frame: Frame) throws {
    var buffer = ByteBuffer()
    buffer.writeFrame(frame)
    try channel.writeInbound(buffer)
  }

  /// The frames the handler wrote since the last call.
  static func sent(_ channel: EmbeddedChannel) throws -> [Frame] {
    channel.embeddedEventLoop.run()  // flushes scheduled on the loop
    var frames: [Frame] = []
    var decoder = FrameDecoder()
    while var buffer = try channel.readOutbound(as: ByteBuffer.self) {
      while let event = try decoder.decode(buffer: &buffer) {
        if case .frame(let frame) = event { frames.append(frame) }
      }
    }
    return frames
  }

  static func ping(ack: Bool = false) -> Frame {
    Frame(type: .ping, flags: ack ? .ack : [], streamID: 0, payload: ByteBuffer(bytes: [UInt8](repeating: 1, count: 8)))
  }

  @Test("server: no HELLO within the handshake timeout closes the connection, not a moment before")
  func handshakeTimeout() throws {
    let channel = try Self.server { $0.timeouts.handshake = .seconds(10) }
    channel.embeddedEventLoop.advanceTime(by: .milliseconds(9_999))
    #expect(channel.isActive)
    channel.embeddedEventLoop.advanceTime(by: .milliseconds(1))
    #expect(!channel.isActive)
  }

  @Test("server: a silent client is pinged after the interval, and closed without an answer")
  func serverKeepalive() throws {
    let channel = try Self.server {
      $0.timeouts.keepaliveInterval = .seconds(30)
      $0.timeouts.keepaliveTimeout = .seconds(10)
      $0.timeouts.idle = .zero
    }
    try Self.receive(channel, try Frames.hello())
    #expect(try Self.sent(channel).map(\.type) == [.hello])
    channel.embeddedEventLoop.advanceTime(by: .seconds(29))
    #expect(try Self.sent(channel).isEmpty)
    channel.embeddedEventLoop.advanceTime(by: .seconds(6))
    let pings = try Self.sent(channel)
    #expect(pings.map(\.type) == [.ping])
    #expect(pings.first.map { !$0.flags.contains(.ack) } == true)
    // Answered: the connection stays, and the next PING comes after another interval.
    try Self.receive(channel, Self.ping(ack: true))
    channel.embeddedEventLoop.advanceTime(by: .seconds(20))
    #expect(channel.isActive)
    #expect(try Self.sent(channel).isEmpty)
    channel.embeddedEventLoop.advanceTime(by: .seconds(15))  // t = 70 s; PING sent at 65 s (checks every 5 s)
    #expect(try Self.sent(channel).map(\.type) == [.ping])
    // Not answered: closed once the timeout has passed since the PING (at 75 s).
    channel.embeddedEventLoop.advanceTime(by: .seconds(4))
    #expect(channel.isActive)
    channel.embeddedEventLoop.advanceTime(by: .seconds(1))
    #expect(!channel.isActive)
  }

  @Test("server: a connection without calls gets GOAWAY (idle) after the idle timeout")
  func idleTimeout() throws {
    let channel = try Self.server {
      $0.timeouts.idle = .seconds(300)
      $0.timeouts.keepaliveInterval = .seconds(3600)
    }
    try Self.receive(channel, try Frames.hello())
    _ = try Self.sent(channel)
    channel.embeddedEventLoop.advanceTime(by: .seconds(299))
    #expect(channel.isActive)
    channel.embeddedEventLoop.advanceTime(by: .seconds(1))
    let frames = try Self.sent(channel)
    #expect(frames.map(\.type) == [.goAway])
    let goAway = try #require(frames.first).payload.decodeMessage(GoAway.self)
    #expect(goAway.code == .ok && goAway.message == "idle")
    #expect(!channel.isActive)
  }

  @Test("server: an idle timeout of zero means never")
  func idleZero() throws {
    let channel = try Self.server {
      $0.timeouts.idle = .zero
      $0.timeouts.keepaliveInterval = .seconds(86_400 * 2)
    }
    try Self.receive(channel, try Frames.hello())
    _ = try Self.sent(channel)
    channel.embeddedEventLoop.advanceTime(by: .seconds(86_400))
    #expect(channel.isActive)
    #expect(try Self.sent(channel).isEmpty)
  }

  @Test("client: a silent server is pinged after the interval; without an answer the connection closes")
  func clientKeepalive() throws {
    let (channel, ready) = try Self.client(.init(interval: .seconds(30), timeout: .seconds(10)))
    #expect(try ready.wait().version == 1)
    channel.embeddedEventLoop.advanceTime(by: .seconds(29))
    #expect(try Self.sent(channel).isEmpty)
    channel.embeddedEventLoop.advanceTime(by: .seconds(6))
    #expect(try Self.sent(channel).map(\.type) == [.ping])
    // Any frame read proves the server alive (here its own PING, which is answered).
    try Self.receive(channel, Self.ping())
    let answers = try Self.sent(channel)
    #expect(answers.map(\.type) == [.ping])
    #expect(answers.first?.flags.contains(.ack) == true)
    channel.embeddedEventLoop.advanceTime(by: .seconds(25))
    #expect(channel.isActive)
    channel.embeddedEventLoop.advanceTime(by: .seconds(10))
    #expect(try Self.sent(channel).map(\.type) == [.ping])
    channel.embeddedEventLoop.advanceTime(by: .seconds(11))
    #expect(!channel.isActive)
  }

  @Test("client: without keepalive nothing is sent, however long the silence")
  func clientWithoutKeepalive() throws {
    let (channel, _) = try Self.client(nil)
    channel.embeddedEventLoop.advanceTime(by: .seconds(86_400))
    #expect(try Self.sent(channel).isEmpty)
    #expect(channel.isActive)
  }
}
