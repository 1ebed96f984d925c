import AtendeAPI
import AtendeRPC
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// A server that says its name, with a health watch the test scripts.
private struct NamedService: RPCService {
  static let name = MethodDescriptor(service: "atende.testing.Named", method: "Name", kind: .unary)
  static let watch = MethodDescriptor(service: "atende.testing.Named", method: "Watch", kind: .serverStreaming)
  let label: String
  let watchBody: @Sendable (RPCWriter<EchoResponse>) async throws -> Void

  func registerMethods(with router: inout RPCRouter) {
    let label = self.label
    let watchBody = self.watchBody
    router.registerUnary(Self.name) { (_: EchoRequest, _: ServerContext) -> EchoResponse in EchoResponse(text: label) }
    router.registerServerStreaming(Self.watch) {
      (_: EchoRequest, responses: RPCWriter<EchoResponse>, _: ServerContext) in try await watchBody(responses)
    }
  }

  /// The watch the clients of these tests use: "SERVING" means serving.
  static let healthWatch = ClientConfiguration.HealthWatch(method: watch, request: EchoRequest()) {
    (response: EchoResponse) in response.text == "SERVING"
  }

  static func server(_ label: String, watch: @escaping @Sendable (RPCWriter<EchoResponse>) async throws -> Void)
    -> RPCServer
  {
    RPCServer(
      configuration: ServerConfiguration(host: "127.0.0.1", port: 0),
      services: [NamedService(label: label, watchBody: watch)], logger: testLogger("server"))
  }
}

private func answering(_ client: RPCClient, timeout: Duration = .seconds(20)) async throws -> String {
  let response: EchoResponse = try await client.unary(
    request: EchoRequest(), method: NamedService.name, options: CallOptions(timeout: timeout))
  return response.text
}

@Suite("Client health watch: the pool's choices")
struct HealthWatchPoolTests {
  @Test("a watch that fails after NOT_SERVING leaves its connection counted as serving again")
  func failedWatchCountsAsServing() async throws {
    let fail = Atomic(false)
    let a = NamedService.server("a") { responses in
      try await responses.write(EchoResponse(text: "NOT_SERVING"))
      while !fail.load(ordering: .relaxed) { try await Task.sleep(for: .milliseconds(10)) }
      throw RPCError(code: .internal, message: "the watch broke")
    }
    let b = NamedService.server("b") { responses in
      try await responses.write(EchoResponse(text: "SERVING"))
      try await Task.sleep(for: .seconds(3600))
    }
    try await withRPCServer(a) { a in
      try await withRPCServer(b) { b in
        var configuration = ClientConfiguration()
        configuration.healthWatch = NamedService.healthWatch
        let client = RPCClient(
          endpoints: [
            Endpoint(host: "127.0.0.1", port: try await a.listeningPort()),
            Endpoint(host: "127.0.0.1", port: try await b.listeningPort()),
          ], configuration: configuration)
        defer { client.close() }
        // Both connected, and A's NOT_SERVING known: twelve calls in a row go to B.
        let deadline = ContinuousClock.now.advanced(by: .seconds(30))
        var onB = 0
        while onB < 12 && ContinuousClock.now < deadline {
          onB = try await answering(client) == "b" ? onB + 1 : 0
          if onB == 0 { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(onB == 12)
        // A's watch fails: A takes calls again.
        fail.store(true, ordering: .relaxed)
        var reachedA = false
        while !reachedA && ContinuousClock.now < deadline.advanced(by: .seconds(30)) {
          reachedA = try await answering(client) == "a"
          if !reachedA { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(reachedA)
      }
    }
  }

  @Test("calls go to a ready server that says NOT_SERVING rather than wait for a connection being opened")
  func notServingBeatsWaiting() async throws {
    // An endpoint that accepts TCP connections and never answers the HELLO: opening a
    // connection to it takes the whole connect timeout.
    let silent = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .childChannelInitializer { channel in channel.eventLoop.makeSucceededVoidFuture() }
      .bind(host: "127.0.0.1", port: 0).get()
    defer { silent.close(promise: nil) }
    let a = NamedService.server("a") { responses in
      try await responses.write(EchoResponse(text: "NOT_SERVING"))
      try await Task.sleep(for: .seconds(3600))
    }
    try await withRPCServer(a) { a in
      var configuration = ClientConfiguration()
      configuration.healthWatch = NamedService.healthWatch
      configuration.connectTimeout = .seconds(60)
      let client = RPCClient(
        endpoints: [
          Endpoint(host: "127.0.0.1", port: try await a.listeningPort()),
          Endpoint(host: "127.0.0.1", port: silent.localAddress?.port ?? 0),
        ], configuration: configuration)
      defer { client.close() }
      // Every call, before and after A's NOT_SERVING arrives and while the other endpoint
      // is being connected to, is answered by A within its deadline.
      for _ in 0..<15 {
        #expect(try await answering(client, timeout: .seconds(10)) == "a")
        try await Task.sleep(for: .milliseconds(50))
      }
    }
  }
}
