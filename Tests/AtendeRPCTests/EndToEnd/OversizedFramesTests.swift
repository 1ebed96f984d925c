import AtendeAPI
import AtendeRPC
import AtendeServer
import NIOCore
import Testing

/// Frames over the server's size limit (1 KiB here) are skipped unread, but they obey the
/// same placement rules as any other frame.
@Suite("End to end: oversized frames out of place")
struct OversizedFramesTests {
  static let limit = 1024

  /// The header of a frame of `length` payload bytes, and that many bytes.
  static func oversized(_ type: FrameType, streamID: UInt32, length: Int = 4096) -> [UInt8] {
    var buffer = ByteBuffer()
    buffer.writeFrameHeader(length: length, type: type, flags: [], streamID: streamID)
    buffer.writeRepeatingByte(0x2A, count: length)
    return Array(buffer.readableBytesView)
  }

  enum Misplaced: String, CaseIterable, CustomTestStringConvertible {
    case headersBeforeHello, messageBeforeHello, messageOnUnopenedStream, headersReusingAnID, trailersFromClient

    var testDescription: String { rawValue }

    /// Whether the client says HELLO first.
    var afterHello: Bool { self != .headersBeforeHello && self != .messageBeforeHello }

    func bytes() throws -> [UInt8] {
      switch self {
      case .headersBeforeHello: OversizedFramesTests.oversized(.headers, streamID: 1)
      case .messageBeforeHello: OversizedFramesTests.oversized(.message, streamID: 1)
      case .messageOnUnopenedStream: OversizedFramesTests.oversized(.message, streamID: 7)
      case .headersReusingAnID:
        OversizedFramesTests.oversized(.headers, streamID: 5) + OversizedFramesTests.oversized(.headers, streamID: 5)
      case .trailersFromClient: OversizedFramesTests.oversized(.trailers, streamID: 1)
      }
    }

    /// What the GOAWAY's message mentions.
    var complaint: String {
      switch self {
      case .headersBeforeHello, .messageBeforeHello: "HELLO"
      case .messageOnUnopenedStream: "never opened"
      case .headersReusingAnID: "not greater"
      case .trailersFromClient: "TRAILERS"
      }
    }
  }

  @Test("an oversized frame where no frame of its kind may be is a connection error", arguments: Misplaced.allCases)
  func misplaced(_ frame: Misplaced) async throws {
    try await withTestServer(configure: { $0.limits.maxFrameSize = Self.limit }) { _, _, port in
      let raw = try await RawConnection.connect(port: port)
      defer { raw.close() }
      if frame.afterHello {
        try await raw.send(try Frames.hello())
        _ = try await raw.waitForFrames { $0.contains { $0.type == .hello } }
      }
      try await raw.send(try frame.bytes())
      // Well before the handshake timeout (10 s), which would close without a GOAWAY.
      try await raw.waitForClose(timeout: .seconds(5))
      let foundGoAway = try raw.frames().first { $0.type == .goAway }
      let goAway = try #require(foundGoAway)
      let decoded = try GoAway(serializedBytes: Array(goAway.payload.readableBytesView))
      #expect(decoded.code == .invalidArgument)
      #expect(decoded.message.contains(frame.complaint), "\(decoded.message)")
    }
  }

  @Test("an oversized HEADERS after GOAWAY is refused as SHUTTING_DOWN, like any new call")
  func oversizedHeadersWhileDraining() async throws {
    let probe = Probe()
    try await withTestServer(
      extra: [ProbeService(probe: probe)], configure: { $0.limits.maxFrameSize = Self.limit }
    ) { server, _, port in
      let raw = try await RawConnection.connect(port: port)
      defer { raw.close() }
      try await raw.send(try Frames.hello())
      try await raw.send(try Frames.headers(1, method: ProbeService.wait.path))
      try await raw.send(try Frames.message(1, EchoRequest()))
      try await probe.wait { $0.startedCount == 1 }
      server.beginGracefulShutdown()
      _ = try await raw.waitForFrames { $0.contains { $0.type == .goAway } }
      try await raw.send(Self.oversized(.headers, streamID: 3))
      let frames = try await raw.waitForFrames { $0.contains { $0.type == .trailers && $0.streamID == 3 } }
      let foundTrailers = frames.first { $0.type == .trailers && $0.streamID == 3 }
      let trailers = try #require(foundTrailers)
      let status = try CallStatus(serializedBytes: Array(trailers.payload.readableBytesView))
      #expect(status.code == .unavailable)
      #expect(status.reason == RPCErrorReason.shuttingDown)
      // Let the drain end.
      try await raw.send(Frame(type: .cancel, streamID: 1))
      try await raw.waitForClose()
    }
  }

  @Test("an oversized HEADERS opening a new call is refused with MESSAGE_TOO_LARGE; the connection lives on")
  func oversizedHeaders() async throws {
    try await withTestServer(configure: { $0.limits.maxFrameSize = Self.limit }) { _, _, port in
      let raw = try await RawConnection.connect(port: port)
      defer { raw.close() }
      try await raw.send(try Frames.hello())
      try await raw.send(Self.oversized(.headers, streamID: 1))
      try await raw.send(try Frames.headers(3, method: Diagnostics.Method.echo.path))
      try await raw.send(try Frames.message(3, EchoRequest(text: "small")))
      let frames = try await raw.waitForFrames { $0.filter { $0.type == .trailers }.count == 2 }
      let foundFirst = frames.first { $0.type == .trailers && $0.streamID == 1 }
      let first = try #require(foundFirst)
      let status = try CallStatus(serializedBytes: Array(first.payload.readableBytesView))
      #expect(status.code == .resourceExhausted)
      #expect(status.reason == RPCErrorReason.messageTooLarge)
      let foundReply = frames.first { $0.type == .message && $0.streamID == 3 }
      let reply = try #require(foundReply)
      #expect(try EchoResponse(serializedBytes: Array(reply.payload.readableBytesView)).text == "small")
    }
  }

  @Test("an oversized CANCEL cancels its call like any CANCEL (its payload means nothing): no TRAILERS")
  func oversizedCancel() async throws {
    let probe = Probe()
    try await withTestServer(
      extra: [ProbeService(probe: probe)], configure: { $0.limits.maxFrameSize = Self.limit }
    ) { _, _, port in
      let raw = try await RawConnection.connect(port: port)
      defer { raw.close() }
      try await raw.send(try Frames.hello())
      try await raw.send(try Frames.headers(1, method: ProbeService.wait.path))
      try await raw.send(try Frames.message(1, EchoRequest()))
      try await probe.wait { $0.startedCount == 1 }
      try await raw.send(Self.oversized(.cancel, streamID: 1))
      try await probe.wait { $0.cancelledCount == 1 }
      // A later call's answer comes after anything the server wrote for stream 1.
      try await raw.send(try Frames.headers(3, method: Diagnostics.Method.echo.path))
      try await raw.send(try Frames.message(3, EchoRequest(text: "after")))
      let frames = try await raw.waitForFrames { $0.contains { $0.type == .trailers && $0.streamID == 3 } }
      #expect(!frames.contains { $0.streamID == 1 })
    }
  }
}
