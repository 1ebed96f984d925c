import AtendeAPI
import AtendeRPC
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// A server that says HELLO and then refuses every call as a server shutting down would:
/// TRAILERS UNAVAILABLE with reason SHUTTING_DOWN (the call was never started) and GOAWAY.
final class RefusingServer: ChannelInboundHandler, @unchecked Sendable {
  typealias InboundIn = FrameEvent
  typealias OutboundOut = ByteBuffer
  let refused = Mutex(0)

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    guard case .frame(let frame) = unwrapInboundIn(data) else { return }
    let allocator = context.channel.allocator
    switch frame.type {
    case .hello:
      let hello = ServerHello(version: 1, agent: "refusing", maxFrameSize: 1 << 20, maxConcurrentCalls: 10)
      context.writeAndFlush(
        wrapOutboundOut(try! allocator.messageFrame(hello, type: .hello, streamID: 0)), promise: nil)
    case .headers:
      refused.withLock { $0 += 1 }
      let status = CallStatus(code: .unavailable, message: "shutting down", reason: RPCErrorReason.shuttingDown)
      context.write(
        wrapOutboundOut(try! allocator.messageFrame(status, type: .trailers, streamID: frame.streamID)), promise: nil)
      let goAway = GoAway(lastStreamId: 0, code: .unavailable, message: "shutting down")
      context.writeAndFlush(
        wrapOutboundOut(try! allocator.messageFrame(goAway, type: .goAway, streamID: 0)), promise: nil)
    default:
      break
    }
  }

  static func start(_ handler: RefusingServer) async throws -> any NIOCore.Channel {
    try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder()))
          try channel.pipeline.syncOperations.addHandler(handler)
        }
      }
      .bind(host: "127.0.0.1", port: 0).get()
  }
}

@Suite("Client retries")
struct RetryTests {
  @Test("a unary call the server never started is sent again to another endpoint")
  func neverStartedIsRetried() async throws {
    let refusing = RefusingServer()
    let fake = try await RefusingServer.start(refusing)
    defer { fake.close(promise: nil) }
    try await withTestServer { _, _, port in
      let client = RPCClient(endpoints: [
        Endpoint(host: "127.0.0.1", port: fake.localAddress!.port!), Endpoint(host: "127.0.0.1", port: port),
      ])
      defer { client.close() }
      let diagnostics = Diagnostics.Client(client)
      for index in 0..<4 {
        let reply = try await diagnostics.echo(EchoRequest(text: "call \(index)"))
        #expect(reply.text == "call \(index)")
      }
      #expect(refusing.refused.withLock { $0 } >= 1)
    }
  }

  @Test("a call refused for another reason is not retried")
  func otherErrorsAreNotRetried() async throws {
    try await withTestServer { _, client, _ in
      let error = await #expect(throws: RPCError.self) {
        try await Diagnostics.Client(client).echo(EchoRequest(text: "boom", failWithCode: 14))
      }
      #expect(error?.code == .unavailable)
      #expect(error?.reason == "")
    }
  }
}
