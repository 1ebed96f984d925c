import AtendeAPI
import AtendeRPC
import NIOCore
import Testing

@Suite("Client: servers that break the protocol")
struct MisbehavingServerTests {
  /// A response that is not valid protobuf: field 2 claims 5 bytes, 1 follows.
  static let undecodable: [UInt8] = [0x12, 0x05, 0x61]

  @Test(
    "an undecodable streamed response ends the call with INTERNAL and cancels it on the server",
    arguments: [false, true])
  func undecodableStreamedResponse(bidirectional: Bool) async throws {
    let server = try await ScriptedServer.start { _, headers in
      // A good response, then a broken one; no TRAILERS: the call stays open on the server.
      ScriptedServer.frame(.message, streamID: headers.streamID, EchoResponse(text: "fine"))
        + ScriptedServer.rawFrame(
          type: FrameType.message.rawValue, streamID: headers.streamID, payload: Self.undecodable)
    }
    defer { server.close() }
    let client = RPCClient(endpoints: [server.endpoint])
    defer { client.close() }
    let diagnostics = Diagnostics.Client(client)
    let read = { @Sendable (responses: RPCAsyncSequence<EchoResponse>) async throws -> ([String], RPCError?) in
      var texts: [String] = []
      var iterator = responses.makeAsyncIterator()
      do {
        while let response = try await iterator.next() { texts.append(response.text) }
        return (texts, nil)
      } catch let error as RPCError {
        // Still inside the call (the client cancels a call whose reader returns): the
        // CANCEL must already have reached the server.
        try await server.wait(timeout: .seconds(5)) { $0.contains { $0.frame.type == .cancel } }
        // The stream stays failed.
        await #expect(throws: RPCError.self) { _ = try await iterator.next() }
        return (texts, error)
      }
    }
    let (texts, error) =
      bidirectional
      ? try await diagnostics.echoChat(requests: { _ in }, onResponses: read)
      : try await diagnostics.echoExpand(EchoRequest(), onResponses: read)
    #expect(texts == ["fine"])
    #expect(error?.code == .internal)
    #expect(error?.message.hasPrefix("the response could not be decoded: ") == true)
    let foundHeaders = server.received.first { $0.frame.type == .headers }?.frame
    let headers = try #require(foundHeaders)
    #expect(server.received.contains { $0.frame.type == .cancel && $0.frame.streamID == headers.streamID })
  }

  /// What a broken server sends instead of answering a call on stream `streamID`.
  enum Garbage: String, CaseIterable, CustomTestStringConvertible {
    case unknownFrameType, oversizedConnectionFrame, undecodableTrailers, undecodableGoAway, headersFromServer
    case messageOnUnopenedStream, shortPing

    var testDescription: String { rawValue }

    func bytes(streamID: UInt32) -> [UInt8] {
      switch self {
      case .unknownFrameType: ScriptedServer.rawFrame(type: 0x42, streamID: streamID)
      case .oversizedConnectionFrame:
        ScriptedServer.rawFrame(
          type: FrameType.goAway.rawValue, streamID: 0,
          payload: Array(repeating: 0, count: 2 * MisbehavingServerTests.limit))
      case .undecodableTrailers:
        ScriptedServer.rawFrame(
          type: FrameType.trailers.rawValue, streamID: streamID, payload: MisbehavingServerTests.undecodable)
      case .undecodableGoAway:
        ScriptedServer.rawFrame(
          type: FrameType.goAway.rawValue, streamID: 0, payload: MisbehavingServerTests.undecodable)
      case .headersFromServer: ScriptedServer.rawFrame(type: FrameType.headers.rawValue, streamID: streamID)
      case .messageOnUnopenedStream:
        ScriptedServer.frame(.message, streamID: streamID + 100, EchoResponse(text: "for nobody"))
      case .shortPing: ScriptedServer.rawFrame(type: FrameType.ping.rawValue, streamID: 0, payload: [1, 2, 3])
      }
    }

    /// What the error's message names.
    var complaint: String {
      switch self {
      case .unknownFrameType: "unknown frame type 0x42"
      case .oversizedConnectionFrame: "exceeds the limit of \(MisbehavingServerTests.limit) bytes"
      case .undecodableTrailers: "malformed TRAILERS"
      case .undecodableGoAway: "malformed GOAWAY"
      case .headersFromServer: "servers do not send HEADERS"
      case .messageOnUnopenedStream: "never opened"
      case .shortPing: "PING payload"
      }
    }
  }

  /// The client's largest accepted frame payload in these tests.
  static let limit = 1024

  @Test(
    "a server that sends a malformed frame: its connection is closed, its calls fail naming the problem, the next call gets a new connection",
    arguments: Garbage.allCases)
  func malformedFrame(_ garbage: Garbage) async throws {
    let server = try await ScriptedServer.start { connection, headers in
      let header = try! CallHeader(serializedBytes: Array(headers.payload.readableBytesView))
      if header.method == ProbeService.endless.path { return [] }  // stays open
      if connection == 0 { return garbage.bytes(streamID: headers.streamID) }
      return ScriptedServer.frame(.message, streamID: headers.streamID, EchoResponse(text: "ok"))
        + ScriptedServer.frame(.trailers, streamID: headers.streamID, CallStatus())
    }
    defer { server.close() }
    var configuration = ClientConfiguration()
    configuration.maxFrameSize = Self.limit
    configuration.backoff.initial = .milliseconds(10)
    let client = RPCClient(endpoints: [server.endpoint], configuration: configuration)
    defer { client.close() }

    // A call that stays open on the broken connection (bounded, in case it is not failed).
    let open = Task {
      try await client.serverStreaming(
        request: EchoRequest(), method: ProbeService.endless, options: CallOptions(timeout: .seconds(30))
      ) { (responses: RPCAsyncSequence<EchoResponse>) in
        for try await _ in responses {}
      }
    }
    try await server.wait { $0.contains { $0.frame.type == .headers } }
    // Not idempotent: no retry hides the failure. Bounded, in case the garbage is ignored.
    let error = await #expect(throws: RPCError.self) {
      let _: EchoResponse = try await client.unary(
        request: EchoRequest(), method: FlakyService.write, options: CallOptions(timeout: .seconds(30)))
    }
    let expectedCode: RPCError.Code = garbage == .undecodableTrailers ? .internal : .unavailable
    #expect(error?.code == expectedCode)
    #expect(error?.message.contains(garbage.complaint) == true, "\(String(describing: error))")
    let openError = await #expect(throws: RPCError.self) { try await open.value }
    #expect(openError?.code == .unavailable)
    #expect(openError?.message.contains(garbage.complaint) == true, "\(String(describing: openError))")
    // The client told the server why before closing.
    try await server.wait { $0.contains { $0.frame.type == .goAway } }

    let reply: EchoResponse = try await client.unary(request: EchoRequest(), method: FlakyService.write)
    #expect(reply.text == "ok")
    #expect(server.connections >= 2)  // a busy machine may have reconnected once more
  }

  @Test("when every connection attempt a call waits for fails, the call reports the last failure, not a generic one")
  func retriedAttemptsReportTheirFailure() async throws {
    let server = try await ScriptedServer.start(
      hello: .raw(ScriptedServer.rawFrame(type: FrameType.hello.rawValue, streamID: 0, payload: Self.undecodable)))
    defer { server.close() }
    // No backoff: the call retries the slot at once, as it does on a slow machine whose
    // short backoff has elapsed, until it gives up.
    var configuration = ClientConfiguration()
    configuration.backoff.initial = .zero
    configuration.backoff.jitter = 0
    let client = RPCClient(endpoints: [server.endpoint], configuration: configuration)
    defer { client.close() }
    let error = await #expect(throws: RPCError.self) {
      let _: EchoResponse = try await client.unary(request: EchoRequest(), method: FlakyService.write)
    }
    #expect(error?.code == .unavailable)
    #expect(error?.message.contains("malformed HELLO") == true, "\(String(describing: error))")
  }

  @Test("a server whose HELLO cannot be decoded: the call fails with UNAVAILABLE naming the HELLO")
  func malformedHello() async throws {
    let server = try await ScriptedServer.start(
      hello: .raw(ScriptedServer.rawFrame(type: FrameType.hello.rawValue, streamID: 0, payload: Self.undecodable)))
    defer { server.close() }
    let client = RPCClient(endpoints: [server.endpoint])
    defer { client.close() }
    let error = await #expect(throws: RPCError.self) {
      let _: EchoResponse = try await client.unary(request: EchoRequest(), method: FlakyService.write)
    }
    #expect(error?.code == .unavailable)
    #expect(error?.message.contains("malformed HELLO") == true, "\(String(describing: error))")
  }
}
