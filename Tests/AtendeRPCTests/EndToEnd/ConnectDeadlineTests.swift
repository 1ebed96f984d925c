import AtendeAPI
import AtendeRPC
import NIOCore
import Testing

/// Connecting counts toward a call's deadline: a call does not wait for a slow handshake
/// (up to `ClientConfiguration.connectTimeout`, 5 s) longer than its deadline allows.
@Suite("Client: connecting within the call's deadline")
struct ConnectDeadlineTests {
  /// Answers every call with "ok" (once the handshake is done).
  static let answer: ScriptedServer.Script = { _, headers in
    ScriptedServer.frame(.message, streamID: headers.streamID, EchoResponse(text: "ok"))
      + ScriptedServer.frame(.trailers, streamID: headers.streamID, CallStatus())
  }

  @Test("a call with a 200 ms deadline to a server that never says HELLO fails with DEADLINE_EXCEEDED in time")
  func neverHello() async throws {
    let server = try await ScriptedServer.start(hello: .never)
    defer { server.close() }
    let client = RPCClient(endpoints: [server.endpoint])
    defer { client.close() }
    let clock = ContinuousClock()
    let start = clock.now
    let error = await #expect(throws: RPCError.self) {
      let _: EchoResponse = try await client.unary(
        request: EchoRequest(), method: FlakyService.write, options: CallOptions(timeout: .milliseconds(200)))
    }
    let elapsed = clock.now - start
    #expect(error?.code == .deadlineExceeded)
    // Far below the connect timeout (5 s), with room for a loaded machine.
    #expect(elapsed < .seconds(3), "took \(elapsed)")
    // One attempt (a loaded machine may not even have accepted it by now).
    #expect(server.connections <= 1)
  }

  @Test("a streaming call's deadline bounds its connecting too")
  func neverHelloStreaming() async throws {
    let server = try await ScriptedServer.start(hello: .never)
    defer { server.close() }
    let client = RPCClient(endpoints: [server.endpoint])
    defer { client.close() }
    let clock = ContinuousClock()
    let start = clock.now
    let error = await #expect(throws: RPCError.self) {
      try await Diagnostics.Client(client).echoExpand(
        EchoRequest(), options: CallOptions(timeout: .milliseconds(200))
      ) { responses in
        for try await _ in responses {}
      }
    }
    #expect(error?.code == .deadlineExceeded)
    #expect(clock.now - start < .seconds(3))
  }

  @Test("the connection attempt goes on for the calls that can wait: a slow HELLO serves them")
  func sharedAttemptContinues() async throws {
    // HELLO comes later than the impatient call may wait, even on a loaded machine.
    let server = try await ScriptedServer.start(hello: .answer(after: .milliseconds(3500)), script: Self.answer)
    defer { server.close() }
    // The attempt itself must not time out (5 s by default, little above 3.5 s on a
    // loaded machine): the test is about the impatient call, not the attempt's limit.
    var configuration = ClientConfiguration()
    configuration.connectTimeout = .seconds(30)
    let client = RPCClient(endpoints: [server.endpoint], configuration: configuration)
    defer { client.close() }
    let patient = Task {
      let reply: EchoResponse = try await client.unary(request: EchoRequest(), method: FlakyService.write)
      return reply.text
    }
    let clock = ContinuousClock()
    let start = clock.now
    let error = await #expect(throws: RPCError.self) {
      let _: EchoResponse = try await client.unary(
        request: EchoRequest(), method: FlakyService.write, options: CallOptions(timeout: .milliseconds(200)))
    }
    #expect(error?.code == .deadlineExceeded)
    #expect(clock.now - start < .seconds(3))
    #expect(try await patient.value == "ok")
    #expect(server.connections == 1)
  }

  @Test("cancelling a call that waits for a connection ends it at once with CANCELLED")
  func cancelWhileConnecting() async throws {
    let server = try await ScriptedServer.start(hello: .never)
    defer { server.close() }
    let client = RPCClient(endpoints: [server.endpoint])
    defer { client.close() }
    let call = Task {
      let _: EchoResponse = try await client.unary(request: EchoRequest(), method: FlakyService.write)
    }
    try await server.wait { $0.contains { $0.frame.type == .hello } }
    let clock = ContinuousClock()
    let start = clock.now
    call.cancel()
    let result = await call.result
    #expect(clock.now - start < .seconds(3))
    #expect(throws: RPCError.self) { try result.get() }
    if case .failure(let error as RPCError) = result {
      #expect(error.code == .cancelled)
    }
  }
}
