import AtendeAPI
import AtendeRPC
import AtendeServer
import NIOCore
import Testing

@Suite("End to end: limits, timeouts and streaming edge cases")
struct LimitsTests {
  @Test("connections over the limit get GOAWAY RESOURCE_EXHAUSTED; the others keep working")
  func maxConnections() async throws {
    try await withTestServer(configure: { $0.limits.maxConnections = 1 }) { _, client, port in
      let diagnostics = Diagnostics.Client(client)
      _ = try await diagnostics.echo(EchoRequest(text: "first"))  // holds the only slot
      let raw = try await RawConnection.connect(port: port)
      try await raw.waitForClose()
      let foundGoAway = try raw.frames().first { $0.type == .goAway }
      let goAway = try #require(foundGoAway)
      #expect(try GoAway(serializedBytes: Array(goAway.payload.readableBytesView)).code == .resourceExhausted)
      #expect(try await diagnostics.echo(EchoRequest(text: "still")).text == "still")
    }
  }

  // The idle GOAWAY itself is tested on a manual clock (ConnectionTimerTests); this is
  // about the client's socket being closed under it.
  // Over TCP only: the socket closing is the subject (and the wait is real time).
  @Test("after the server closes an idle connection, the client reconnects transparently")
  func idleTimeout() async throws {
    // Long enough that on a loaded machine a new connection is not idle before its call
    // arrives; short enough for a quick test.
    try await withTestServer(configure: { $0.timeouts.idle = .milliseconds(1_500) }) {
      _, client, _ in
      let diagnostics = Diagnostics.Client(client)
      _ = try await diagnostics.echo(EchoRequest())
      try await Task.sleep(for: .milliseconds(3_000))  // the client's connection went idle and closed
      #expect(try await diagnostics.echo(EchoRequest(text: "again")).text == "again")
    }
  }

  @Test("a bidirectional call whose reader returns early stops its writer", arguments: TestTransport.allCases)
  func bidirectionalEarlyReturn(transport: TestTransport) async throws {
    try await withTestServer(transport: transport) { _, client, _ in
      let first = try await Diagnostics.Client(client).echoChat(
        requests: { writer in
          while true { try await writer.write(EchoRequest(text: "again")) }
        },
        onResponses: { responses in
          for try await response in responses { return response.text }
          return ""
        })
      #expect(first == "again")
      #expect(try await Diagnostics.Client(client).echo(EchoRequest(text: "next")).text == "next")
    }
  }

  @Test(
    "a request that needs more than the decode budget fails with RESOURCE_EXHAUSTED", arguments: TestTransport.allCases)
  func decodeBudget(transport: TestTransport) async throws {
    try await withTestServer(transport: transport, configure: { $0.limits.decodeAllocationBudget = 4096 }) {
      _, client, _ in
      let error = await #expect(throws: RPCError.self) {
        try await Diagnostics.Client(client).echo(EchoRequest(payload: Array(repeating: 1, count: 10_000)))
      }
      #expect(error?.code == .resourceExhausted)
    }
  }

  @Test("a request that is not valid protobuf fails with INVALID_ARGUMENT")
  func malformedRequest() async throws {
    try await withTestServer { _, _, port in
      let raw = try await RawConnection.connect(port: port)
      defer { raw.close() }
      try await raw.send(try Frames.hello())
      try await raw.send(try Frames.headers(1, method: Diagnostics.Method.echo.path))
      try await raw.send(
        Frame(type: .message, flags: .endStream, streamID: 1, payload: ByteBuffer(bytes: [0x0A, 0xFF])))
      let frames = try await raw.waitForFrames { $0.contains { $0.type == .trailers } }
      let foundTrailers = frames.first { $0.type == .trailers }
      let trailers = try #require(foundTrailers)
      #expect(try CallStatus(serializedBytes: Array(trailers.payload.readableBytesView)).code == .invalidArgument)
    }
  }

  @Test("returning early from a response stream cancels the call on the server", arguments: TestTransport.allCases)
  func earlyReturnCancels(transport: TestTransport) async throws {
    let probe = Probe()
    try await withTestServer(transport: transport, extra: [ProbeService(probe: probe)]) { _, client, _ in
      let firstFive = try await client.serverStreaming(
        request: EchoRequest(), method: ProbeService.endless
      ) { (responses: RPCAsyncSequence<EchoResponse>) in
        var sequences: [UInt32] = []
        for try await response in responses {
          sequences.append(response.sequence)
          if sequences.count == 5 { break }
        }
        return sequences
      }
      #expect(firstFive == [0, 1, 2, 3, 4])
      try await probe.wait { $0.cancelledCount == 1 }
    }
  }

  @Test(
    "a slow stream consumer applies backpressure instead of buffering without bound", arguments: TestTransport.allCases)
  func backpressure(transport: TestTransport) async throws {
    try await withTestServer(transport: transport) { _, client, _ in
      let received = try await Diagnostics.Client(client).echoExpand(
        EchoRequest(payload: Array(repeating: 1, count: 16 * 1024), repeat: 2000)
      ) { responses in
        var count = 0
        for try await _ in responses {
          count += 1
          if count % 500 == 0 { try await Task.sleep(for: .milliseconds(50)) }
        }
        return count
      }
      #expect(received == 2000)
    }
  }

  @Test("a call in flight when the server's connection drops fails with UNAVAILABLE")
  func connectionLostMidCall() async throws {
    let probe = Probe()
    let server = RPCServer(
      configuration: ServerConfiguration(host: "127.0.0.1", port: 0),
      services: [ProbeService(probe: probe)] + diagnosticsOnly(), logger: testLogger())
    let serving = Task { try await server.run() }
    let port = try await server.listeningPort()
    let client = RPCClient(host: "127.0.0.1", port: port)
    defer { client.close() }
    let call = Task {
      let _: EchoResponse = try await client.unary(request: EchoRequest(), method: ProbeService.wait)
    }
    try await probe.wait { $0.startedCount == 1 }
    serving.cancel()  // closes every connection at once
    let result = await call.result
    #expect(throws: RPCError.self) { try result.get() }
    if case .failure(let error as RPCError) = result {
      #expect(error.code == .unavailable)
    }
    _ = await serving.result
  }
}
