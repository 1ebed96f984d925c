import AtendeAPI
import AtendeRPC
import AtendeServer
import NIOCore
import Testing

@Suite("End to end: errors, deadlines, cancellation")
struct ErrorsTests {
  @Test("an unknown method is UNIMPLEMENTED and names the method", arguments: TestTransport.allCases)
  func unknownMethod(transport: TestTransport) async throws {
    try await withTestServer(transport: transport) { _, client, _ in
      let method = MethodDescriptor(service: "atende.nothing.v1.Nope", method: "Missing", kind: .unary)
      let error = await #expect(throws: RPCError.self) {
        let _: EchoResponse = try await client.unary(request: EchoRequest(), method: method)
      }
      #expect(error?.code == .unimplemented)
      #expect(error?.message.contains("/atende.nothing.v1.Nope/Missing") == true)
    }
  }

  @Test(
    "a handler's RPCError reaches the client with its code, message and field violations",
    arguments: TestTransport.allCases)
  func handlerError(transport: TestTransport) async throws {
    try await withTestServer(transport: transport) { _, client, _ in
      let diagnostics = Diagnostics.Client(client)
      let error = await #expect(throws: RPCError.self) {
        try await diagnostics.echo(EchoRequest(text: "no such ticket", failWithCode: 5))
      }
      #expect(error?.code == .notFound)
      #expect(error?.message == "no such ticket")
      let invalid = await #expect(throws: RPCError.self) {
        try await diagnostics.echo(EchoRequest(delayMillis: 999_999))
      }
      #expect(invalid?.code == .invalidArgument)
      #expect(
        invalid?.fieldViolations == [.init(field: "delay_millis", reason: "TOO_LARGE", description: "at most 60000 ms")]
      )
    }
  }

  @Test("an unexpected handler error is INTERNAL and does not leak its description", arguments: TestTransport.allCases)
  func internalError(transport: TestTransport) async throws {
    try await withTestServer(transport: transport, extra: [ProbeService(probe: Probe())]) { _, client, _ in
      let error = await #expect(throws: RPCError.self) {
        let _: EchoResponse = try await client.unary(request: EchoRequest(), method: ProbeService.crash)
      }
      #expect(error?.code == .internal)
      #expect(error?.message.contains("hunter2") == false)
    }
  }

  @Test(
    "a call past its deadline fails with DEADLINE_EXCEEDED and its handler is cancelled",
    arguments: TestTransport.allCases)
  func deadline(transport: TestTransport) async throws {
    let probe = Probe()
    try await withTestServer(transport: transport, extra: [ProbeService(probe: probe)]) { _, client, _ in
      // Connect first: the deadline counts from the start of the call, connecting included,
      // and this test is about a call that reaches its handler.
      _ = try await Diagnostics.Client(client).echo(EchoRequest())
      let clock = ContinuousClock()
      let start = clock.now
      let error = await #expect(throws: RPCError.self) {
        let _: EchoResponse = try await client.unary(
          request: EchoRequest(), method: ProbeService.wait, options: CallOptions(timeout: .milliseconds(500)))
      }
      #expect(error?.code == .deadlineExceeded)
      #expect(clock.now - start < .seconds(30))
      try await probe.wait { $0.cancelledCount == 1 }
    }
  }

  @Test("the server enforces the deadline it was sent, even if the client does not")
  func serverSideDeadline() async throws {
    let probe = Probe()
    try await withTestServer(extra: [ProbeService(probe: probe)]) { _, _, port in
      let raw = try await RawConnection.connect(port: port)
      defer { raw.close() }
      // One write, so the call starts in the same read as its header even on a loaded
      // machine, well before its deadline.
      var bytes = ByteBuffer()
      bytes.writeFrame(try Frames.hello())
      bytes.writeFrame(try Frames.headers(1, method: ProbeService.wait.path, timeoutMicros: 500_000))
      bytes.writeFrame(try Frames.message(1, EchoRequest()))
      try await raw.send(Array(bytes.readableBytesView))
      let frames = try await raw.waitForFrames { $0.contains { $0.type == .trailers } }
      let foundTrailers = frames.first { $0.type == .trailers }
      let trailers = try #require(foundTrailers)
      let status = try CallStatus(serializedBytes: Array(trailers.payload.readableBytesView))
      #expect(status.code == .deadlineExceeded)
      try await probe.wait { $0.cancelledCount == 1 }
    }
  }

  @Test("cancelling the client's task cancels the handler on the server", arguments: TestTransport.allCases)
  func cancellation(transport: TestTransport) async throws {
    let probe = Probe()
    try await withTestServer(transport: transport, extra: [ProbeService(probe: probe)]) { _, client, _ in
      let task = Task {
        let _: EchoResponse = try await client.unary(request: EchoRequest(), method: ProbeService.wait)
      }
      try await probe.wait { $0.startedCount == 1 }
      task.cancel()
      let result = await task.result
      #expect(throws: RPCError.self) { try result.get() }
      try await probe.wait { $0.cancelledCount == 1 }
      // The connection is still fine for other calls.
      let echo = try await Diagnostics.Client(client).echo(EchoRequest(text: "still here"))
      #expect(echo.text == "still here")
    }
  }

  @Test("a message over the server's frame limit fails only its call")
  func oversizedMessage() async throws {
    try await withTestServer(configure: { $0.limits.maxFrameSize = 1024 }) { _, client, port in
      let diagnostics = Diagnostics.Client(client)
      // The client knows the limit from the HELLO and refuses locally.
      let local = await #expect(throws: RPCError.self) {
        try await diagnostics.echo(EchoRequest(payload: Array(repeating: 1, count: 4096)))
      }
      #expect(local?.code == .resourceExhausted)
      // A client that sends it anyway gets RESOURCE_EXHAUSTED on that call; the connection lives on.
      let raw = try await RawConnection.connect(port: port)
      defer { raw.close() }
      try await raw.send(try Frames.hello())
      try await raw.send(try Frames.headers(1, method: Diagnostics.Method.echo.path))
      try await raw.send(try Frames.message(1, EchoRequest(payload: Array(repeating: 7, count: 100_000))))
      try await raw.send(try Frames.headers(3, method: Diagnostics.Method.echo.path))
      try await raw.send(try Frames.message(3, EchoRequest(text: "small")))
      let frames = try await raw.waitForFrames { $0.filter { $0.type == .trailers }.count == 2 }
      let foundFirst = frames.first { $0.type == .trailers && $0.streamID == 1 }
      let first = try #require(foundFirst)
      #expect(try CallStatus(serializedBytes: Array(first.payload.readableBytesView)).code == .resourceExhausted)
      let foundReply = frames.first { $0.type == .message && $0.streamID == 3 }
      let reply = try #require(foundReply)
      #expect(try EchoResponse(serializedBytes: Array(reply.payload.readableBytesView)).text == "small")
    }
  }

  @Test("calls over the per-connection limit are refused with RESOURCE_EXHAUSTED", arguments: TestTransport.allCases)
  func tooManyCalls(transport: TestTransport) async throws {
    let probe = Probe()
    try await withTestServer(
      transport: transport,
      extra: [ProbeService(probe: probe)], configure: { $0.limits.maxConcurrentCallsPerConnection = 2 }
    ) {
      _, client, _ in
      let blockers = (0..<2).map { _ in
        Task { let _: EchoResponse = try await client.unary(request: EchoRequest(), method: ProbeService.wait) }
      }
      try await probe.wait { $0.startedCount == 2 }
      let error = await #expect(throws: RPCError.self) { try await Diagnostics.Client(client).echo(EchoRequest()) }
      #expect(error?.code == .resourceExhausted)
      #expect(error?.reason == RPCErrorReason.tooManyCalls)
      for blocker in blockers { blocker.cancel() }
    }
  }

  @Test("a server that is down gives UNAVAILABLE quickly")
  func serverDown() async throws {
    let client = RPCClient(host: "127.0.0.1", port: 1)
    defer { client.close() }
    let error = await #expect(throws: RPCError.self) { try await Diagnostics.Client(client).echo(EchoRequest()) }
    #expect(error?.code == .unavailable)
  }
}
