import AtendeAPI
import AtendeRPC
import NIOCore
import NIOPosix
import Testing

/// Two real servers, each hosting its own counting service, and a client of both.
private func withTwoServers<Result: Sendable>(
  _ body: (RPCServer, FlakyService, RPCServer, FlakyService, RPCClient) async throws -> Result
) async throws -> Result {
  let (a, b) = (FlakyService(failures: 0), FlakyService(failures: 0))
  return try await withTestServer(extra: [a]) { serverA, _, portA in
    try await withTestServer(extra: [b]) { serverB, _, portB in
      var configuration = ClientConfiguration()
      configuration.backoff.initial = .milliseconds(10)
      let client = RPCClient(
        endpoints: [Endpoint(host: "127.0.0.1", port: portA), Endpoint(host: "127.0.0.1", port: portB)],
        configuration: configuration)
      defer { client.close() }
      return try await body(serverA, a, serverB, b, client)
    }
  }
}

@Suite("Client: endpoints, failover, round-robin")
struct EndpointsTests {
  @Test("calls are spread round-robin over the endpoints")
  func roundRobin() async throws {
    try await withTwoServers { _, a, _, b, client in
      // The second endpoint connects on its first turn without holding that call up, so
      // the first calls may all go to the first one; once both are connected, they alternate.
      for _ in 0..<200 where b.calls == 0 {
        let _: EchoResponse = try await client.unary(request: EchoRequest(), method: FlakyService.write)
        try await Task.sleep(for: .milliseconds(1))
      }
      a.resetCalls()
      b.resetCalls()
      for _ in 0..<20 {
        let reply: EchoResponse = try await client.unary(request: EchoRequest(), method: FlakyService.write)
        #expect(reply.text == "ok")
      }
      // Alternating exactly, unless a busy machine had a connection replaced meanwhile:
      // both endpoints take a fair share either way.
      #expect(a.calls + b.calls == 20)
      #expect(a.calls >= 5 && b.calls >= 5, "a: \(a.calls), b: \(b.calls)")
    }
  }

  @Test("with one endpoint down, every call succeeds on the other")
  func failoverWhenDown() async throws {
    // A port that was just free: nothing listens there.
    let probe = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .bind(host: "127.0.0.1", port: 0).get()
    let deadPort = probe.localAddress!.port!
    try await probe.close()
    let flaky = FlakyService(failures: 0)
    try await withTestServer(extra: [flaky]) { _, _, port in
      let client = RPCClient(endpoints: [
        Endpoint(host: "127.0.0.1", port: deadPort), Endpoint(host: "127.0.0.1", port: port),
      ])
      defer { client.close() }
      for _ in 0..<10 {
        // Not idempotent: no retry hides a failure here; the pool itself skips the dead endpoint.
        let reply: EchoResponse = try await client.unary(request: EchoRequest(), method: FlakyService.write)
        #expect(reply.text == "ok")
      }
      #expect(flaky.calls == 10)
    }
  }

  @Test("when one server shuts down gracefully, calls continue on the other without an error")
  func failoverOnShutdown() async throws {
    try await withTwoServers { serverA, a, _, b, client in
      for _ in 0..<4 {
        let _: EchoResponse = try await client.unary(request: EchoRequest(), method: FlakyService.write)
      }
      serverA.beginGracefulShutdown()
      let before = a.calls
      for _ in 0..<20 {
        let reply: EchoResponse = try await client.unary(request: EchoRequest(), method: FlakyService.write)
        #expect(reply.text == "ok")
      }
      // Once the GOAWAY arrived, A gets nothing more (at most a call already on its way).
      #expect(a.calls <= before + 1)
      #expect(b.calls >= 19)
    }
  }
}
