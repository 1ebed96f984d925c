import AtendeAPI
import AtendeRPC
import AtendeServer
import NIOCore
import NIOPosix
import Testing

@Suite("End to end: connections, hostile peers, shutdown")
struct ConnectionTests {
  @Test("a connection sending garbage is closed while another completes its calls")
  func garbageDoesNotDisturbOthers() async throws {
    try await withTestServer { _, client, port in
      let diagnostics = Diagnostics.Client(client)
      _ = try await diagnostics.echo(EchoRequest(text: "warm up"))
      let calls = Task {
        var ok = 0
        for index in 0..<200 where try await diagnostics.echo(EchoRequest(text: "\(index)")).text == "\(index)" {
          ok += 1
        }
        return ok
      }
      var hostile: [RawConnection] = []
      for seed in 0..<10 {
        let raw = try await RawConnection.connect(port: port)
        var generator = SplitMix(seed: UInt64(seed))
        try await raw.send((0..<4096).map { _ in UInt8(truncatingIfNeeded: generator.next()) })
        hostile.append(raw)
      }
      for raw in hostile {
        try await raw.waitForClose()
      }
      #expect(try await calls.value == 200)
    }
  }

  @Test("a first frame that is not HELLO gets GOAWAY and a close")
  func notHello() async throws {
    try await withTestServer { _, _, port in
      let raw = try await RawConnection.connect(port: port)
      try await raw.send(try Frames.headers(1, method: Diagnostics.Method.echo.path))
      try await raw.waitForClose()
      let foundGoAway = try raw.frames().first { $0.type == .goAway }
      let goAway = try #require(foundGoAway)
      let decoded = try GoAway(serializedBytes: Array(goAway.payload.readableBytesView))
      #expect(decoded.code == .invalidArgument)
      #expect(decoded.message.contains("HELLO"))
    }
  }

  @Test("a client without a common version is refused with FAILED_PRECONDITION")
  func noCommonVersion() async throws {
    try await withTestServer { _, _, port in
      let raw = try await RawConnection.connect(port: port)
      try await raw.send(try Frames.hello(versions: [99]))
      try await raw.waitForClose()
      let foundGoAway = try raw.frames().first { $0.type == .goAway }
      let goAway = try #require(foundGoAway)
      #expect(try GoAway(serializedBytes: Array(goAway.payload.readableBytesView)).code == .failedPrecondition)
    }
  }

  @Test("the server answers PING with the same payload")
  func ping() async throws {
    try await withTestServer { _, _, port in
      let raw = try await RawConnection.connect(port: port)
      defer { raw.close() }
      try await raw.send(try Frames.hello())
      try await raw.send(Frame(type: .ping, streamID: 0, payload: ByteBuffer(bytes: [1, 2, 3, 4, 5, 6, 7, 8])))
      let frames = try await raw.waitForFrames { $0.contains { $0.type == .ping } }
      let foundPong = frames.first { $0.type == .ping }
      let pong = try #require(foundPong)
      #expect(pong.flags == .ack)
      #expect(Array(pong.payload.readableBytesView) == [1, 2, 3, 4, 5, 6, 7, 8])
    }
  }

  @Test("a server created and dropped without running leaves no promise uncompleted")
  func droppedServer() async throws {
    do {
      // In debug builds NIO stops the process when a promise is freed uncompleted: without
      // RPCServer's deinit failing its bound-address promise, this test run would crash.
      _ = RPCServer(configuration: ServerConfiguration(host: "127.0.0.1", port: 0), services: [], logger: testLogger())
    }
    // The failure runs on the promise's loop: let every loop take a turn.
    for loop in MultiThreadedEventLoopGroup.singleton.makeIterator() { try await loop.submit {}.get() }
  }

  @Test("graceful shutdown lets a call in flight finish and refuses new ones")
  func gracefulShutdown() async throws {
    let probe = Probe()
    let server = RPCServer(
      configuration: ServerConfiguration(host: "127.0.0.1", port: 0),
      services: [ProbeService(probe: probe)] + diagnosticsOnly(), logger: testLogger())
    let serving = Task { try await server.run() }
    let port = try await server.listeningPort()
    let client = RPCClient(host: "127.0.0.1", port: port)
    defer { client.close() }
    let inFlight = Task {
      let response: EchoResponse = try await client.unary(
        request: EchoRequest(text: "finished", delayMillis: 500), method: ProbeService.wait)
      return response.text
    }
    try await probe.wait { $0.startedCount == 1 }
    server.beginGracefulShutdown()
    #expect(try await inFlight.value == "finished")
    try await serving.value  // run() returns once the connection drained
    let error = await #expect(throws: RPCError.self) { try await Diagnostics.Client(client).echo(EchoRequest()) }
    #expect(error?.code == .unavailable)
  }

  @Test("the client reconnects after the server restarts on the same port")
  func reconnect() async throws {
    func serve(port: Int) -> (RPCServer, Task<Void, any Error>) {
      let server = RPCServer(
        configuration: ServerConfiguration(host: "127.0.0.1", port: port), services: diagnosticsOnly(),
        logger: testLogger())
      return (server, Task { try await server.run() })
    }
    let (first, firstRun) = serve(port: 0)
    let port = try await first.listeningPort()
    var configuration = ClientConfiguration()
    configuration.backoff.initial = .milliseconds(10)
    let client = RPCClient(host: "127.0.0.1", port: port, configuration: configuration)
    defer { client.close() }
    let diagnostics = Diagnostics.Client(client)
    #expect(try await diagnostics.echo(EchoRequest(text: "one")).text == "one")
    first.beginGracefulShutdown()
    try await firstRun.value
    let (second, secondRun) = serve(port: port)
    _ = try await second.listeningPort()
    // The first call after the restart may still see the old connection go; then it works.
    var answer = ""
    for _ in 0..<50 {
      if let response = try? await diagnostics.echo(EchoRequest(text: "two")) {
        answer = response.text
        break
      }
      try await Task.sleep(for: .milliseconds(20))
    }
    #expect(answer == "two")
    second.beginGracefulShutdown()
    try await secondRun.value
  }
}
