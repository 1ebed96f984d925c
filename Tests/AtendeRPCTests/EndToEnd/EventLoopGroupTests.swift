import AtendeAPI
import AtendeRPC
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// Records whether its handler ran on a given event loop.
private struct LoopProbeService: RPCService {
  static let whereAmI = MethodDescriptor(service: "atende.testing.Loop", method: "WhereAmI", kind: .unary)
  let loop: any EventLoop

  func registerMethods(with router: inout RPCRouter) {
    let loop = self.loop
    router.registerUnary(Self.whereAmI) { (_: EchoRequest, _: ServerContext) -> EchoResponse in
      EchoResponse(text: loop.inEventLoop ? "on the given loop" : "elsewhere")
    }
  }
}

@Suite("The TCP transport runs on the event-loop group it is given")
struct EventLoopGroupTests {
  @Test(
    "a server's connections and a client's connection run on their groups' loops", arguments: TestTransport.allCases)
  func ownGroup(transport: TestTransport) async throws {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let loop = group.next()
    var configuration = ServerConfiguration(host: "127.0.0.1", port: 0)
    configuration.listensOnTCP = transport == .tcp
    let server = RPCServer(
      configuration: configuration, services: [LoopProbeService(loop: loop)] + diagnosticsOnly(),
      eventLoopGroup: group, logger: testLogger())
    try await withRPCServer(server) { server in
      let client =
        transport == .tcp
        ? RPCClient(host: "127.0.0.1", port: try await server.listeningPort(), eventLoopGroup: group)
        : RPCClient(inProcess: server, eventLoopGroup: group)
      defer { client.close() }
      // Unary handlers run on their connection's loop (the default placement).
      let answer: EchoResponse = try await client.unary(request: EchoRequest(), method: LoopProbeService.whereAmI)
      #expect(answer.text == "on the given loop")
      let clientOnLoop = await Task(executorPreference: client.taskExecutor) { loop.inEventLoop }.value
      #expect(clientOnLoop)
    }
    try await group.shutdownGracefully()
  }
}
