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
    let headers = try #require(server.received.first { $0.frame.type == .headers }?.frame)
    #expect(server.received.contains { $0.frame.type == .cancel && $0.frame.streamID == headers.streamID })
  }
}
