import AtendeAPI
import AtendeRPC
import AtendeServer
import NIOCore
import Testing

@Suite("End to end: call kinds, over TCP and in process")
struct CallKindsTests {
  @Test("unary echo returns the payload and text", arguments: TestTransport.allCases)
  func unary(transport: TestTransport) async throws {
    try await withTestServer(transport: transport) { _, client, _ in
      let diagnostics = Diagnostics.Client(client)
      let response = try await diagnostics.echo(EchoRequest(payload: [1, 2, 3], text: "olá"))
      #expect(response == EchoResponse(payload: [1, 2, 3], text: "olá"))
    }
  }

  @Test("server streaming delivers every response in order", arguments: TestTransport.allCases)
  func serverStreaming(transport: TestTransport) async throws {
    try await withTestServer(transport: transport) { _, client, _ in
      let diagnostics = Diagnostics.Client(client)
      let sequences = try await diagnostics.echoExpand(EchoRequest(text: "x", repeat: 500)) { responses in
        var sequences: [UInt32] = []
        for try await response in responses { sequences.append(response.sequence) }
        return sequences
      }
      #expect(sequences == Array(0..<500))
    }
  }

  @Test("client streaming collects every request", arguments: TestTransport.allCases)
  func clientStreaming(transport: TestTransport) async throws {
    try await withTestServer(transport: transport) { _, client, _ in
      let diagnostics = Diagnostics.Client(client)
      let response = try await diagnostics.echoCollect { writer in
        for index in 0..<100 { try await writer.write(EchoRequest(payload: [UInt8(index)], text: "\(index % 10)")) }
      }
      #expect(response.sequence == 100)
      #expect(response.payload == (0..<100).map(UInt8.init))
      #expect(response.text == String(repeating: "0123456789", count: 10))
    }
  }

  @Test(
    "an error the request writer of a client-streaming call throws reaches the caller unchanged",
    arguments: TestTransport.allCases)
  func clientStreamingWriterError(transport: TestTransport) async throws {
    struct SourceUnreadable: Error, Equatable {}
    try await withTestServer(transport: transport) { _, client, _ in
      let diagnostics = Diagnostics.Client(client)
      await #expect(throws: SourceUnreadable()) {
        _ = try await diagnostics.echoCollect { writer in
          try await writer.write(EchoRequest(text: "first"))
          throw SourceUnreadable()
        }
      }
      // The connection is fine afterwards.
      let after = try await diagnostics.echo(EchoRequest(text: "after"))
      #expect(after.text == "after")
    }
  }

  @Test("bidirectional streaming answers each request as it arrives", arguments: TestTransport.allCases)
  func bidirectional(transport: TestTransport) async throws {
    try await withTestServer(transport: transport) { _, client, _ in
      let diagnostics = Diagnostics.Client(client)
      let texts = try await diagnostics.echoChat(
        requests: { writer in
          for index in 0..<50 { try await writer.write(EchoRequest(text: "m\(index)")) }
        },
        onResponses: { responses in
          var texts: [String] = []
          for try await response in responses { texts.append(response.text) }
          return texts
        })
      #expect(texts == (0..<50).map { "m\($0)" })
    }
  }

  @Test("1,000 concurrent calls share one connection", arguments: TestTransport.allCases)
  func manyConcurrentCalls(transport: TestTransport) async throws {
    try await withTestServer(transport: transport) { _, client, _ in
      let diagnostics = Diagnostics.Client(client)
      let results = try await withThrowingTaskGroup(of: Bool.self) { group in
        for index in 0..<1000 {
          group.addTask {
            let response = try await diagnostics.echo(EchoRequest(text: "call \(index)", delayMillis: 20))
            return response.text == "call \(index)"
          }
        }
        var ok = 0
        for try await result in group where result { ok += 1 }
        return ok
      }
      #expect(results == 1000)
    }
  }

  @Test("the server reports its services and methods", arguments: TestTransport.allCases)
  func serverInfo(transport: TestTransport) async throws {
    try await withTestServer(transport: transport) { _, client, _ in
      let info = try await Diagnostics.Client(client).getServerInfo(GetServerInfoRequest())
      #expect(info.version == AtendeVersion.current)
      #expect(info.protocolVersions == [1])
      let foundDiagnostics = info.services.first { $0.name == Diagnostics.serviceName }
      let diagnostics = try #require(foundDiagnostics)
      #expect(diagnostics.methods.map(\.name) == Diagnostics.Method.all.map(\.method))
      #expect(diagnostics.methods.first { $0.name == "EchoChat" }?.kind == .bidirectionalStreaming)
      let health = try await Diagnostics.Client(client).check(HealthCheckRequest())
      #expect(health.status == .serving)
      let unknown = try await Diagnostics.Client(client).check(HealthCheckRequest(service: "no.Such"))
      #expect(unknown.status == .serviceUnknown)
    }
  }
}
