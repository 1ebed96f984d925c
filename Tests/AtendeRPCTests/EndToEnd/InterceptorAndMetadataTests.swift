import AtendeAPI
import AtendeRPC
import AtendeServer
import Foundation
import NIOCore
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
  @Test("request metadata reaches the handler, text and binary, keys in lower case", arguments: TestTransport.allCases)
  func metadata(transport: TestTransport) async throws {
    try await withTestServer(transport: transport, extra: [ProbeService(probe: Probe())]) { _, client, _ in
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

  @Test("connection metadata from the HELLO reaches every call; a call's own entry of the same key replaces it")
  func connectionMetadataOnTheServer() async throws {
    try await withTestServer(extra: [ProbeService(probe: Probe())]) { server, _, _ in
      let raw = try await RawConnection.connect(port: try await server.listeningPort())
      defer { raw.close() }
      try await raw.send(
        Frames.hello(metadata: [
          MetadataEntry(key: "authorization", value: .text("Bearer connection")),
          MetadataEntry(key: "tenant", value: .text("a")),
        ]))
      let hello = try await raw.waitForFrames { $0.count >= 1 }[0]
      #expect(try ServerHello(serializedBytes: Array(hello.payload.readableBytesView)).connectionMetadata)
      try await raw.send(Frames.headers(1, method: ProbeService.metadata.path))
      try await raw.send(Frames.message(1, EchoRequest()))
      try await raw.send(
        Frames.headers(
          3, method: ProbeService.metadata.path,
          metadata: [MetadataEntry(key: "authorization", value: .text("Bearer call"))]))
      try await raw.send(Frames.message(3, EchoRequest()))
      let frames = try await raw.waitForFrames { $0.filter { $0.type == .trailers }.count >= 2 }
      func text(_ stream: UInt32) throws -> String? {
        try frames.first { $0.type == .message && $0.streamID == stream }.map {
          try EchoResponse(serializedBytes: Array($0.payload.readableBytesView)).text
        }
      }
      #expect(try text(1) == "authorization=Bearer connection\ntenant=a")
      #expect(try text(3) == "authorization=Bearer call\ntenant=a")
    }
  }

  /// A scripted server answering every call with an echo, taking connection metadata or not.
  static func echoServer(connectionMetadata: Bool) async throws -> ScriptedServer {
    try await ScriptedServer.start(hello: .answer(connectionMetadata: connectionMetadata)) { _, headers in
      ScriptedServer.frame(.message, streamID: headers.streamID, EchoResponse(text: "ok"))
        + ScriptedServer.frame(.trailers, streamID: headers.streamID, CallStatus())
    }
  }

  /// A client of `server` with the fixed token `atd_fixed`.
  static func fixedTokenClient(_ server: ScriptedServer) -> RPCClient {
    var configuration = ClientConfiguration()
    configuration.credentials = StaticCredentials(token: "atd_fixed")
    return RPCClient(endpoints: [server.endpoint], configuration: configuration)
  }

  /// The metadata of each call header `server` received, in order.
  static func headerMetadata(_ server: ScriptedServer) throws -> [[MetadataEntry]] {
    try server.received.map(\.frame).filter { $0.type == .headers }.map {
      try CallHeader(serializedBytes: Array($0.payload.readableBytesView)).metadata
    }
  }

  @Test("a fixed token travels in the HELLO, not in each call's header, when the server takes connection metadata")
  func fixedTokenOncePerConnection() async throws {
    let server = try await Self.echoServer(connectionMetadata: true)
    defer { server.close() }
    let client = Self.fixedTokenClient(server)
    defer { client.close() }
    _ = try await Diagnostics.Client(client).echo(EchoRequest())
    var options = CallOptions()
    options.authToken = "atd_other"
    _ = try await Diagnostics.Client(client).echo(EchoRequest(), options: options)
    let hello = try ClientHello(
      serializedBytes: Array(server.received.map(\.frame).first { $0.type == .hello }!.payload.readableBytesView))
    #expect(hello.metadata == [MetadataEntry(key: "authorization", value: .text("Bearer atd_fixed"))])
    let headers = try Self.headerMetadata(server)
    // The first call relies on the connection's token; the second names its own.
    #expect(headers == [[], [MetadataEntry(key: "authorization", value: .text("Bearer atd_other"))]])
  }

  @Test("a server that ignores connection metadata gets the fixed token with every call")
  func fixedTokenFallsBackToEveryCall() async throws {
    let server = try await Self.echoServer(connectionMetadata: false)
    defer { server.close() }
    let client = Self.fixedTokenClient(server)
    defer { client.close() }
    for _ in 0..<2 { _ = try await Diagnostics.Client(client).echo(EchoRequest()) }
    let headers = try Self.headerMetadata(server)
    let token = [MetadataEntry(key: "authorization", value: .text("Bearer atd_fixed"))]
    #expect(headers == [token, token])
  }

  @Test("a refreshing provider's token travels with each call, never in the HELLO")
  func refreshingTokenWithEveryCall() async throws {
    let server = try await Self.echoServer(connectionMetadata: true)
    defer { server.close() }
    var configuration = ClientConfiguration()
    configuration.credentials = RefreshingCredentials { ("jwt-1", Date().addingTimeInterval(3600)) }
    let client = RPCClient(endpoints: [server.endpoint], configuration: configuration)
    defer { client.close() }
    _ = try await Diagnostics.Client(client).echo(EchoRequest())
    let hello = try ClientHello(
      serializedBytes: Array(server.received.map(\.frame).first { $0.type == .hello }!.payload.readableBytesView))
    #expect(hello.metadata.isEmpty)
    #expect(try Self.headerMetadata(server) == [[MetadataEntry(key: "authorization", value: .text("Bearer jwt-1"))]])
  }
}
