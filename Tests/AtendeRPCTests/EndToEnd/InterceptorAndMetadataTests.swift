import AtendeAPI
import AtendeRPC
import AtendeServer
import Synchronization
import Testing

/// Rejects calls without the right token and records which methods it saw.
final class TokenCheck: ServerInterceptor {
  let seen = Mutex<[String]>([])

  func intercept<Result: Sendable>(
    context: ServerContext, next: (ServerContext) async throws -> Result
  ) async throws -> Result {
    seen.withLock { $0.append(context.method.method) }
    guard context.metadata["authorization"] == "Bearer good" else {
      throw RPCError(code: .unauthenticated, message: "a valid bearer token is required")
    }
    return try await next(context)
  }
}

/// Adds the token to every call.
struct AddToken: ClientInterceptor {
  let token: String

  func intercept<Result: Sendable>(
    context: ClientCallContext, next: (ClientCallContext) async throws -> Result
  ) async throws -> Result {
    var context = context
    context.options.metadata["authorization"] = "Bearer \(token)"
    return try await next(context)
  }
}

@Suite("End to end: metadata and interceptors")
struct InterceptorAndMetadataTests {
  @Test("request metadata reaches the handler, text and binary, keys in lower case")
  func metadata() async throws {
    try await withTestServer(extra: [ProbeService(probe: Probe())]) { _, client, _ in
      var options = CallOptions()
      options.metadata.add("Request-Id", "r-1")
      options.metadata.add("blob", binary: [1, 2])
      let response: EchoResponse = try await client.unary(
        request: EchoRequest(), method: ProbeService.metadata, options: options)
      #expect(response.text == "request-id=r-1\nblob=[1, 2]")
    }
  }

  @Test("a server interceptor sees every call and can reject it; a client interceptor adds metadata")
  func interceptors() async throws {
    let check = TokenCheck()
    let server = RPCServer(
      configuration: ServerConfiguration(host: "127.0.0.1", port: 0), services: diagnosticsOnly(),
      interceptors: [check], logger: testLogger())
    try await withRPCServer(server) { server in
      let port = try await server.listeningPort()
      let anonymous = RPCClient(host: "127.0.0.1", port: port)
      defer { anonymous.close() }
      let error = await #expect(throws: RPCError.self) { try await Diagnostics.Client(anonymous).echo(EchoRequest()) }
      #expect(error?.code == .unauthenticated)

      let authenticated = RPCClient(host: "127.0.0.1", port: port, interceptors: [AddToken(token: "good")])
      defer { authenticated.close() }
      let response = try await Diagnostics.Client(authenticated).echo(EchoRequest(text: "let me in"))
      #expect(response.text == "let me in")
      let streamed = try await Diagnostics.Client(authenticated).echoExpand(EchoRequest(repeat: 3)) { responses in
        var count = 0
        for try await _ in responses { count += 1 }
        return count
      }
      #expect(streamed == 3)
      #expect(check.seen.withLock { $0 } == ["Echo", "Echo", "EchoExpand"])
    }
  }
}
