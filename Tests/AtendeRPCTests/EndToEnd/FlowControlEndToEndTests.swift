import AtendeAPI
import AtendeRPC
import NIOCore
import Synchronization
import Testing

/// Protocol version 2's per-stream windows, between the real server, the real client and
/// peers speaking raw frames (the window arithmetic itself: FlowControlTests).
@Suite("End to end: per-stream flow control (protocol version 2)")
struct FlowControlEndToEndTests {
  /// The receive window the tests' clients declare, and their largest accepted frame.
  static let window = 2048
  static let maxFrameSize = 1024

  /// What the messages of `streamID` among `frames` cost against its window.
  static func cost(_ frames: [Frame], streamID: UInt32) -> Int {
    frames.filter { $0.type == .message && $0.streamID == streamID }
      .reduce(0) { $0 + 10 + $1.payload.readableBytes }  // a MESSAGE costs its header and payload
  }

  // Closures stay out of #expect and #require here: with several in one test function,
  // Swift 6.3 mixed them up (a wait ran an earlier wait's condition).

  /// Waits for the server's HELLO on `raw`.
  static func serverHello(_ raw: RawConnection) async throws -> ServerHello {
    let frames = try await raw.waitForFrames { $0.contains { $0.type == .hello } }
    let hello = try #require(frames.first)
    return try ServerHello(serializedBytes: Array(hello.payload.readableBytesView))
  }

  /// Waits for the TRAILERS of `streamID` on `raw`.
  static func waitForStatus(_ raw: RawConnection, streamID: UInt32) async throws -> CallStatus {
    let deadline = ContinuousClock.now.advanced(by: .seconds(30))
    while true {
      for frame in try raw.frames() where frame.type == .trailers && frame.streamID == streamID {
        return try status(frame)
      }
      guard ContinuousClock.now < deadline else { throw Probe.ProbeTimeout() }
      try await Task.sleep(for: .milliseconds(5))
    }
  }

  static func status(_ frame: Frame) throws -> CallStatus {
    try CallStatus(serializedBytes: Array(frame.payload.readableBytesView))
  }

  /// Waits until `probe`'s write count stays the same for `quiet`.
  static func waitUntilWritesStop(_ probe: Probe, quiet: Duration = .milliseconds(300)) async throws -> Int {
    var last = -1
    while probe.writtenCount != last {
      last = probe.writtenCount
      try await Task.sleep(for: quiet)
    }
    return last
  }

  @Test(
    "a stalled consumer holds only its window: the handler waits, other calls on the connection go on, taking responses resumes the stream",
    arguments: TestTransport.allCases
  )
  func stalledConsumer(transport: TestTransport) async throws {
    let probe = Probe()
    var configuration = ClientConfiguration()
    configuration.maxFrameSize = Self.maxFrameSize
    configuration.initialWindowSize = Self.window
    try await withTestServer(
      transport: transport, extra: [ProbeService(probe: probe)], clientConfiguration: configuration
    ) {
      (_: RPCServer, client: RPCClient, _: Int) async throws in
      let diagnostics = Diagnostics.Client(client)
      let sequences = try await client.serverStreaming(request: EchoRequest(), method: ProbeService.endless) {
        (responses: RPCAsyncSequence<EchoResponse>) in
        var iterator = responses.makeAsyncIterator()
        var sequences = [try #require(try await iterator.next()).sequence]
        // The consumer stalls: the server writes one window's worth (each response costs
        // at least 10 bytes) and its handler waits in `write`.
        let written = try await Self.waitUntilWritesStop(probe)
        #expect(written >= 100)
        #expect(
          written <= Self.window / 10 + 2, "the server wrote \(written) responses into a \(Self.window)-byte window")
        // The same connection still serves other calls.
        for index in 0..<20 {
          #expect(try await diagnostics.echo(EchoRequest(text: "call \(index)")).text == "call \(index)")
        }
        // Taking responses grants the window back: the stream goes on, in order.
        for _ in 0..<500 {
          sequences.append(try #require(try await iterator.next()).sequence)
        }
        return sequences
      }
      #expect(sequences == Array(0...500))
      try await probe.wait { $0.cancelledCount == 1 }
    }
  }

  @Test(
    "the server sends a stream at most the client's window, answers PING and other calls meanwhile, and resumes on WINDOW_UPDATE"
  )
  func serverHonoursTheWindow() async throws {
    let probe = Probe()
    try await withTestServer(extra: [ProbeService(probe: probe)]) { _, _, port in
      let raw = try await RawConnection.connect(port: port)
      defer { raw.close() }
      try await raw.send(
        try Frames.hello(
          versions: [1, 2], maxFrameSize: UInt32(Self.maxFrameSize), initialWindowSize: UInt32(Self.window)))
      let hello = try await Self.serverHello(raw)
      #expect(hello.version == 2)
      #expect(hello.initialWindowSize == UInt32(ServerConfiguration.Limits().initialWindowSize))

      try await raw.send(try Frames.headers(1, method: ProbeService.endless.path))
      try await raw.send(try Frames.message(1, EchoRequest()))
      // The largest response here costs 10 + 3 bytes: the window is spent to within that.
      _ = try await raw.waitForFrames { Self.cost($0, streamID: 1) > Self.window - 13 }
      try await raw.send(Frame(type: .ping, streamID: 0, payload: ByteBuffer(bytes: [1, 2, 3, 4, 5, 6, 7, 8])))
      _ = try await raw.waitForFrames { $0.contains { $0.type == .ping } }
      try await raw.send(try Frames.headers(3, method: Diagnostics.Method.echo.path))
      try await raw.send(try Frames.message(3, EchoRequest(text: "meanwhile")))
      #expect(try await Self.waitForStatus(raw, streamID: 3).code == .ok)
      let costBeforeUpdate = Self.cost(try raw.frames(), streamID: 1)
      #expect(costBeforeUpdate <= Self.window)
      let streamEnded = try raw.frames().contains { $0.type == .trailers && $0.streamID == 1 }
      #expect(!streamEnded)

      try await raw.send(Frames.windowUpdate(1, increment: 1000))
      _ = try await raw.waitForFrames { Self.cost($0, streamID: 1) > Self.window + 1000 - 13 }
      try await raw.send(Frame(type: .ping, streamID: 0, payload: ByteBuffer(bytes: [8, 7, 6, 5, 4, 3, 2, 1])))
      _ = try await raw.waitForFrames { $0.filter { $0.type == .ping }.count == 2 }
      let costAfterUpdate = Self.cost(try raw.frames(), streamID: 1)
      #expect(costAfterUpdate <= Self.window + 1000)

      try await raw.send(Frame(type: .cancel, streamID: 1, payload: ByteBuffer()))
      try await probe.wait { $0.cancelledCount == 1 }
    }
  }

  @Test("a version 1 client gets no window, and a WINDOW_UPDATE from it is a connection error")
  func versionOne() async throws {
    try await withTestServer { _, _, port in
      let raw = try await RawConnection.connect(port: port)
      defer { raw.close() }
      try await raw.send(try Frames.hello(versions: [1]))
      let hello = try await Self.serverHello(raw)
      #expect(hello.version == 1)
      #expect(hello.initialWindowSize == 0)
      try await raw.send(try Frames.headers(1, method: Diagnostics.Method.echoCollect.path))
      try await raw.send(Frames.windowUpdate(1, increment: 100))
      try await raw.waitForClose()
      let goAwayFrame = try raw.frames().first { $0.type == .goAway }
      let goAway = try #require(goAwayFrame)
      let reason = try GoAway(serializedBytes: Array(goAway.payload.readableBytesView))
      #expect(reason.message.contains("frame type"), "\(reason.message)")
    }
  }

  @Test("a client that sends past the server's window fails its call with RESOURCE_EXHAUSTED, not the connection")
  func clientOverrun() async throws {
    try await withTestServer(configure: {
      $0.limits.maxFrameSize = Self.maxFrameSize
      $0.limits.initialWindowSize = Self.window
    }) { _, _, port in
      let raw = try await RawConnection.connect(port: port)
      defer { raw.close() }
      try await raw.send(try Frames.hello(versions: [1, 2]))
      #expect(try await Self.serverHello(raw).initialWindowSize == 2048)
      // Three messages of 1,013 bytes in one write: the third is past the window, whatever
      // the server has taken meanwhile (no WINDOW_UPDATE could have reached the client).
      var bytes = ByteBuffer()
      bytes.writeFrame(try Frames.headers(1, method: Diagnostics.Method.echoCollect.path))
      for _ in 0..<3 {
        bytes.writeFrame(try Frames.message(1, EchoRequest(payload: Array(repeating: 7, count: 1000)), flags: []))
      }
      try await raw.send(Array(bytes.readableBytesView))
      let status = try await Self.waitForStatus(raw, streamID: 1)
      #expect(status.code == .resourceExhausted)
      #expect(status.reason == RPCErrorReason.flowControlViolation)
      // The connection goes on.
      try await raw.send(try Frames.headers(3, method: Diagnostics.Method.echo.path))
      try await raw.send(try Frames.message(3, EchoRequest(text: "still")))
      #expect(try await Self.waitForStatus(raw, streamID: 3).code == .ok)
    }
  }

  @Test("the client waits for the server's window before sending more requests, and goes on when it is granted")
  func clientWaitsForCredit() async throws {
    // A server whose window per stream is its frame limit + 10 (1,034 bytes): two
    // 503-byte requests (cost 513 each) fit, the third waits.
    let server = try await ScriptedServer.start(
      hello: .answer(
        version: 2, maxFrameSize: UInt32(Self.maxFrameSize), initialWindowSize: UInt32(Self.maxFrameSize + 10)))
    defer { server.close() }
    let client = RPCClient(endpoints: [server.endpoint])
    defer { client.close() }
    let written = Atomic<Int>(0)
    let call = Task {
      try await Diagnostics.Client(client).echoCollect { writer in
        for _ in 0..<3 {
          try await writer.write(EchoRequest(payload: Array(repeating: 1, count: 500)))
          written.add(1, ordering: .relaxed)
        }
      }
    }
    func messages() -> Int { server.received.filter { $0.frame.type == .message }.count }
    try await server.wait { _ in messages() == 2 && written.load(ordering: .relaxed) == 2 }
    try await Task.sleep(for: .milliseconds(200))  // time in which a third request would arrive
    #expect(messages() == 2)
    #expect(written.load(ordering: .relaxed) == 2)

    // 600 more: 8 + 600 ≥ 513.
    try await server.send(
      ScriptedServer.rawFrame(type: FrameType.windowUpdate.rawValue, streamID: 1, payload: [0, 0, 0x02, 0x58]))
    try await server.wait { $0.contains { $0.frame.type == .halfClose } }
    #expect(messages() == 3)
    try await server.send(
      ScriptedServer.frame(.message, streamID: 1, EchoResponse(text: "collected"))
        + ScriptedServer.frame(.trailers, streamID: 1, CallStatus()))
    #expect(try await call.value.text == "collected")
  }

  @Test(
    "a server that sends past the client's window fails the call with INTERNAL and CANCELs it; the connection goes on")
  func serverOverrun() async throws {
    let server = try await ScriptedServer.start(hello: .answer(version: 2)) { _, headers in
      let header = try! CallHeader(serializedBytes: Array(headers.payload.readableBytesView))
      if header.method == Diagnostics.Method.echo.path {
        return ScriptedServer.frame(.message, streamID: headers.streamID, EchoResponse(text: "ok"))
          + ScriptedServer.frame(.trailers, streamID: headers.streamID, CallStatus())
      }
      // Three 1,003-byte responses at once into a 2,048-byte window.
      return (0..<3).flatMap { _ in
        ScriptedServer.frame(
          .message, streamID: headers.streamID, EchoResponse(payload: Array(repeating: 2, count: 1000)))
      }
    }
    defer { server.close() }
    var configuration = ClientConfiguration()
    configuration.maxFrameSize = Self.maxFrameSize
    configuration.initialWindowSize = Self.window
    let client = RPCClient(endpoints: [server.endpoint], configuration: configuration)
    defer { client.close() }
    let error = await #expect(throws: RPCError.self) {
      try await client.serverStreaming(
        request: EchoRequest(), method: ProbeService.endless, options: CallOptions(timeout: .seconds(30))
      ) { (responses: RPCAsyncSequence<EchoResponse>) in
        // Takes nothing (and so grants nothing) until the client has cancelled the call.
        try await server.wait { $0.contains { $0.frame.type == .cancel } }
        for try await _ in responses {}
      }
    }
    #expect(error?.code == .internal)
    #expect(error?.reason == RPCErrorReason.flowControlViolation)
    let closedByClient = server.received.contains { $0.frame.type == .goAway }
    #expect(!closedByClient)
    #expect(try await Diagnostics.Client(client).echo(EchoRequest()).text == "ok")
    #expect(server.connections == 1)
  }
}
