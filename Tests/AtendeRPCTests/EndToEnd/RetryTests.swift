import AtendeAPI
import AtendeRPC
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// A server that says HELLO and then refuses every call as a server shutting down would:
/// TRAILERS UNAVAILABLE with reason SHUTTING_DOWN (the call was never started) and GOAWAY.
/// With `dropCalls`, it closes the connection on each call instead (a call lost mid-way).
final class RefusingServer: ChannelInboundHandler, @unchecked Sendable {
  typealias InboundIn = FrameEvent
  typealias OutboundOut = ByteBuffer
  let refused = Mutex(0)
  let dropCalls: Bool

  init(dropCalls: Bool = false) { self.dropCalls = dropCalls }

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
      if dropCalls {
        context.close(promise: nil)
        return
      }
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
      // Calls until one has reached the refusing endpoint (its connection may take a
      // while to open on a busy machine; meanwhile the other endpoint serves): every call
      // succeeds, the refused ones through the other endpoint.
      var index = 0
      while refusing.refused.withLock({ $0 }) == 0 && index < 500 {
        let reply = try await diagnostics.echo(EchoRequest(text: "call \(index)"))
        #expect(reply.text == "call \(index)")
        index += 1
        if index % 4 == 0 { try await Task.sleep(for: .milliseconds(10)) }
      }
      #expect(refusing.refused.withLock { $0 } >= 1)
    }
  }

  @Test("an idempotent call that fails with UNAVAILABLE is retried and succeeds")
  func idempotentIsRetried() async throws {
    let flaky = FlakyService(failures: 2)
    try await withTestServer(extra: [flaky]) { _, client, _ in
      let reply: EchoResponse = try await client.unary(request: EchoRequest(), method: FlakyService.read)
      #expect(reply.text == "ok")
      #expect(flaky.calls == 3)
    }
  }

  @Test("an idempotent call gives up after the policy's attempts, with the server's error")
  func idempotentGivesUp() async throws {
    let flaky = FlakyService(failures: 100)
    try await withTestServer(extra: [flaky]) { _, client, _ in
      let error = await #expect(throws: RPCError.self) {
        let _: EchoResponse = try await client.unary(request: EchoRequest(), method: FlakyService.read)
      }
      #expect(error?.code == .unavailable)
      #expect(error?.message == "flaky")
      #expect(flaky.calls == 3)
    }
  }

  @Test("with RetryPolicy.none even an idempotent call is attempted once")
  func retriesOff() async throws {
    let flaky = FlakyService(failures: 1)
    var configuration = ClientConfiguration()
    configuration.retry = .none
    try await withTestServer(extra: [flaky], clientConfiguration: configuration) { _, client, _ in
      let error = await #expect(throws: RPCError.self) {
        let _: EchoResponse = try await client.unary(request: EchoRequest(), method: FlakyService.read)
      }
      #expect(error?.code == .unavailable)
      #expect(flaky.calls == 1)
    }
  }

  @Test("a call to a method that is not idempotent is attempted once")
  func notIdempotentIsNotRetried() async throws {
    let flaky = FlakyService(failures: 1)
    try await withTestServer(extra: [flaky]) { _, client, _ in
      let error = await #expect(throws: RPCError.self) {
        let _: EchoResponse = try await client.unary(request: EchoRequest(), method: FlakyService.write)
      }
      #expect(error?.code == .unavailable)
      #expect(flaky.calls == 1)
    }
  }

  @Test("retries stop while calls keep failing (the retry budget) and resume after successes")
  func retryBudget() async throws {
    let flaky = FlakyService(failures: 1_000)
    var configuration = ClientConfiguration()
    configuration.retry.budget = RetryBudget(maxTokens: 4, tokenRatio: 0.1)
    try await withTestServer(extra: [flaky], clientConfiguration: configuration) { _, client, _ in
      for _ in 0..<5 {
        let _: EchoResponse? = try? await client.unary(request: EchoRequest(), method: FlakyService.read)
      }
      // 4 tokens: the first call fails twice (4 → 3, retried; 3 → 2, not more than half
      // left), the others once each.
      #expect(flaky.calls == 6)
      flaky.setFailures(0)
      for _ in 0..<35 {
        let _: EchoResponse = try await client.unary(request: EchoRequest(), method: FlakyService.read)
      }
      flaky.setFailures(1_000)
      flaky.resetCalls()
      let _: EchoResponse? = try? await client.unary(request: EchoRequest(), method: FlakyService.read)
      #expect(flaky.calls == 2)  // 35 successes refilled 3.5 tokens: one retry again
    }
  }

  @Test("a connection that closes during a call: idempotent calls go to another endpoint, others fail")
  func connectionLostMidCall() async throws {
    let dropping = RefusingServer(dropCalls: true)
    let fake = try await RefusingServer.start(dropping)
    defer { fake.close(promise: nil) }
    let flaky = FlakyService(failures: 0)
    try await withTestServer(extra: [flaky]) { _, _, port in
      let client = RPCClient(endpoints: [
        Endpoint(host: "127.0.0.1", port: fake.localAddress!.port!), Endpoint(host: "127.0.0.1", port: port),
      ])
      defer { client.close() }
      for _ in 0..<4 {
        let reply: EchoResponse = try await client.unary(request: EchoRequest(), method: FlakyService.read)
        #expect(reply.text == "ok")
      }
      #expect(dropping.refused.withLock { $0 } >= 1)
      #expect(flaky.calls == 4)
    }
    // A call that is not idempotent is not sent again after its connection closed.
    let only = RPCClient(host: "127.0.0.1", port: fake.localAddress!.port!)
    defer { only.close() }
    let before = dropping.refused.withLock { $0 }
    let error = await #expect(throws: RPCError.self) {
      let _: EchoResponse = try await only.unary(request: EchoRequest(), method: FlakyService.write)
    }
    #expect(error?.code == .unavailable)
    #expect(dropping.refused.withLock { $0 } == before + 1)
  }

  @Test("an authentication token travels as the authorization metadata entry")
  func authToken() async throws {
    try await withTestServer(extra: [ProbeService(probe: Probe())]) { _, client, _ in
      let reply: EchoResponse = try await client.unary(
        request: EchoRequest(), method: ProbeService.metadata, options: CallOptions(authToken: "s3cret"))
      #expect(reply.text.contains("authorization=Bearer s3cret"))
    }
  }
}

/// Fails its first `failures` calls with UNAVAILABLE "flaky", then answers "ok"; the same
/// handler behind an idempotent and a non-idempotent method.
final class FlakyService: RPCService, Sendable {
  static let read = MethodDescriptor(service: "atende.testing.Flaky", method: "Read", kind: .unary, isIdempotent: true)
  static let write = MethodDescriptor(service: "atende.testing.Flaky", method: "Write", kind: .unary)
  private let state: Mutex<(failures: Int, calls: Int)>

  init(failures: Int) { state = Mutex((failures, 0)) }

  var calls: Int { state.withLock { $0.calls } }
  func setFailures(_ failures: Int) { state.withLock { $0.failures = failures } }
  func resetCalls() { state.withLock { $0.calls = 0 } }

  func registerMethods(with router: inout RPCRouter) {
    for method in [Self.read, Self.write] {
      router.registerUnary(method) { (_: EchoRequest, _: ServerContext) -> EchoResponse in
        let fail = self.state.withLock { state in
          state.calls += 1
          guard state.failures > 0 else { return false }
          state.failures -= 1
          return true
        }
        if fail { throw RPCError(code: .unavailable, message: "flaky") }
        return EchoResponse(text: "ok")
      }
    }
  }
}
