import AtendeAPI
import AtendeProtobuf
import Testing

@testable import AtendeRPC
@testable import AtendeRPCCore

/// A service answering with what its handler sees of the connection.
private struct PeerService: RPCService {
  static let peer = MethodDescriptor(service: "atende.testing.Peer", method: "Peer", kind: .unary)

  func registerMethods(with router: inout RPCRouter) {
    router.registerUnary(Self.peer) { (_: EchoRequest, context: ServerContext) -> EchoResponse in
      EchoResponse(text: context.remoteAddress)
    }
  }
}

/// What is particular to the in-process transport; the call kinds, errors, limits and
/// flow control run over it in their own suites (parameterized by transport).
@Suite("In-process transport: no listener, the connection's life, the server's")
struct InProcessTransportTests {
  @Test(
    "a server that does not listen on TCP binds no port and serves in-process clients; handlers see the peer as in-process"
  )
  func noListener() async throws {
    try await withTestServer(transport: .inProcess, extra: [PeerService()]) { server, client, _ in
      await #expect(throws: RPCServerError.self) { _ = try await server.listeningPort() }
      let echo = try await Diagnostics.Client(client).echo(EchoRequest(text: "olá"))
      #expect(echo.text == "olá")
      let peer: EchoResponse = try await client.unary(request: EchoRequest(), method: PeerService.peer)
      #expect(peer.text == "in-process")
    }
  }

  @Test("a server also listening on TCP serves both kinds of client at once")
  func bothTransports() async throws {
    try await withTestServer(transport: .tcp) { server, tcpClient, _ in
      let inProcess = RPCClient(inProcess: server)
      defer { inProcess.close() }
      async let overTCP = Diagnostics.Client(tcpClient).echo(EchoRequest(text: "tcp"))
      async let inMemory = Diagnostics.Client(inProcess).echo(EchoRequest(text: "memory"))
      let texts = try await [overTCP.text, inMemory.text]
      #expect(texts == ["tcp", "memory"])
    }
  }

  @Test("before the server runs, and once it shuts down, calls fail with UNAVAILABLE (CONNECT_FAILED)")
  func serverNotRunning() async throws {
    var configuration = ServerConfiguration()
    configuration.listensOnTCP = false
    let server = RPCServer(configuration: configuration, services: diagnosticsOnly(), logger: testLogger())
    var clientConfiguration = ClientConfiguration()
    clientConfiguration.retry.maxAttempts = 1
    let early = RPCClient(inProcess: server, configuration: clientConfiguration)
    defer { early.close() }
    let before = await rpcFailure { _ = try await Diagnostics.Client(early).echo(EchoRequest()) }
    #expect(before?.code == .unavailable)
    #expect(before?.reason == RPCErrorReason.connectFailed)

    try await withRPCServer(server) { server in
      let client = RPCClient(inProcess: server, configuration: clientConfiguration)
      defer { client.close() }
      _ = try await Diagnostics.Client(client).echo(EchoRequest())
      server.beginGracefulShutdown()
      let late = RPCClient(inProcess: server, configuration: clientConfiguration)
      defer { late.close() }
      let after = await rpcFailure { _ = try await Diagnostics.Client(late).echo(EchoRequest()) }
      #expect(after?.code == .unavailable)
    }
  }

  @Test("a graceful shutdown lets in-process calls in flight finish, and the server's run returns")
  func gracefulShutdown() async throws {
    let probe = Probe()
    try await withTestServer(transport: .inProcess, extra: [ProbeService(probe: probe)]) { server, client, _ in
      async let slow: EchoResponse = client.unary(
        request: EchoRequest(text: "done", delayMillis: 300), method: ProbeService.wait)
      try await probe.wait { $0.startedCount == 1 }
      server.beginGracefulShutdown()
      #expect(try await slow.text == "done")
      #expect(probe.finishedCount == 1)
    }
  }
}

/// The RPC error `body` failed with, or nil when it succeeded.
private func rpcFailure(_ body: () async throws -> Void) async -> RPCError? {
  do {
    try await body()
    return nil
  } catch {
    return error as? RPCError
  }
}
