/// The protocol rules of one server connection, without I/O: the handshake, stream
/// ids, concurrency limits, request counts and the graceful-shutdown drain.
///
/// The connection handler feeds it every event and performs the action it returns.
package struct ServerConnectionStateMachine {
  package enum State: Equatable {
    /// Waiting for the client's HELLO.
    case awaitingHello
    /// Serving calls.
    case active
    /// GOAWAY sent: finishing the calls up to `lastStreamID`, refusing newer ones.
    case draining(lastStreamID: UInt32)
    /// The connection is closing; every event is ignored.
    case closed
  }

  /// The request side of one open call.
  package struct Stream: Equatable {
    var kind: MethodDescriptor.Kind
    /// Request messages received so far.
    var messages = 0
    /// Whether the client half-closed.
    var inboundClosed = false
    /// The request direction's flow-control window (version 2).
    var window: ReceiveWindow?
  }

  /// Protocol versions this server speaks.
  static let supportedVersions: [UInt32] = [1, FlowControl.version]

  let maxConcurrentCalls: Int
  package private(set) var state: State = .awaitingHello
  package private(set) var streams: [UInt32: Stream] = [:]
  /// The highest stream id a HEADERS frame used.
  package private(set) var lastStreamID: UInt32 = 0
  /// The version chosen in the handshake (0 before it).
  package private(set) var version: UInt32 = 0
  /// The request window of each stream (the server's `initial_window_size`), used from
  /// version 2 on.
  package let initialWindow: Int

  /// Whether the connection uses per-stream flow control (version 2).
  package var hasFlowControl: Bool { version >= FlowControl.version }

  package init(maxConcurrentCalls: Int, initialWindow: Int = FlowControl.defaultInitialWindow) {
    self.maxConcurrentCalls = maxConcurrentCalls
    self.initialWindow = initialWindow
  }

  /// Ends the connection: send GOAWAY with this code and message, then close.
  package struct ConnectionError: Error, Equatable {
    package var code: RPCError.Code
    package var message: String

    package init(code: RPCError.Code, message: String) {
      self.code = code
      self.message = message
    }
  }

  // MARK: Frames

  package enum FrameAction: Equatable {
    /// Process the frame.
    case process
    /// Drop the frame silently (a stream that already ended).
    case ignore
  }

  /// Checks where a frame may appear before the handler looks at its payload.
  package mutating func validate(type: FrameType, flags: FrameFlags, streamID: UInt32, payloadLength: Int)
    throws(ConnectionError)
    -> FrameAction
  {
    if state == .closed { return .ignore }
    if let problem = FramePlacement.streamIDProblem(type, streamID: streamID) { throw protocolError(problem) }
    if state == .awaitingHello {
      guard type == .hello else { throw protocolError("expected HELLO as the first frame, got \(type)") }
      return .process
    }
    switch type {
    case .hello:
      throw protocolError("HELLO sent twice")
    case .ping:
      if let problem = FramePlacement.pingProblem(payloadLength: payloadLength) { throw protocolError(problem) }
      return .process
    case .goAway:
      return .process
    case .windowUpdate:
      if let problem = FramePlacement.windowUpdateProblem(hasFlowControl: hasFlowControl, payloadLength: payloadLength)
      {
        throw protocolError(problem)
      }
      return try streamFrameAction(type, streamID)
    case .trailers:
      throw protocolError("clients do not send TRAILERS")
    case .headers:
      guard streamID > lastStreamID else {
        throw protocolError("stream id \(streamID) is not greater than the last one (\(lastStreamID))")
      }
      return .process
    default:
      // MESSAGE, HALF_CLOSE, CANCEL on a stream.
      return try streamFrameAction(type, streamID)
    }
  }

  /// A frame of an open stream is processed; of a stream that ended, ignored; of a
  /// stream never opened, a connection error.
  private func streamFrameAction(_ type: FrameType, _ streamID: UInt32) throws(ConnectionError) -> FrameAction {
    if streams[streamID] != nil { return .process }
    guard streamID <= lastStreamID else {
      throw protocolError(FramePlacement.neverOpened(type, streamID: streamID))
    }
    return .ignore
  }

  private func protocolError(_ message: String) -> ConnectionError {
    ConnectionError(code: .invalidArgument, message: message)
  }

  // MARK: Handshake

  /// The version to use, given the client's HELLO.
  package mutating func receiveHello(versions: [UInt32], maxFrameSize: UInt32 = 0, initialWindow: UInt32 = 0)
    throws(ConnectionError) -> UInt32
  {
    if maxFrameSize > 0, maxFrameSize < Frame.minimumMaxPayloadSize {
      state = .closed
      throw ConnectionError(
        code: .invalidArgument,
        message:
          "max_frame_size \(maxFrameSize) is below the minimum of \(Frame.minimumMaxPayloadSize) bytes (0 = default)")
    }
    guard let version = versions.filter(Self.supportedVersions.contains).max() else {
      state = .closed
      throw ConnectionError(
        code: .failedPrecondition,
        message:
          "no common protocol version: the server speaks \(Self.supportedVersions.map(String.init).joined(separator: ", "))"
      )
    }
    if version >= FlowControl.version,
      let problem = FlowControl.problem(
        declared: initialWindow, maxFrameSize: maxFrameSize == 0 ? Frame.defaultMaxPayloadSize : Int(maxFrameSize))
    {
      state = .closed
      throw ConnectionError(code: .invalidArgument, message: problem)
    }
    self.version = version
    state = .active
    return version
  }

  // MARK: Calls

  package enum OpenAction: Equatable {
    /// Start the call.
    case open
    /// Answer with TRAILERS carrying this error; the call never starts.
    case refuse(RPCError.Code, reason: String, message: String)
  }

  /// A HEADERS frame opened stream `streamID` for a method of `kind` (nil = unknown
  /// method). `endStream` = the HEADERS frame had END_STREAM.
  package mutating func openStream(_ streamID: UInt32, kind: MethodDescriptor.Kind?, endStream: Bool) -> OpenAction {
    lastStreamID = streamID
    if let refusal = admissionRefusal() { return refusal }
    guard let kind else {
      return .refuse(.unimplemented, reason: "", message: "")  // the handler fills in the method name
    }
    streams[streamID] = Stream(
      kind: kind, inboundClosed: endStream, window: hasFlowControl ? ReceiveWindow(initialWindow) : nil)
    return .open
  }

  /// A HEADERS frame whose payload is over the size limit (skipped unread) opened stream
  /// `streamID`: the call is refused as any new call would be (shutdown, concurrency),
  /// and otherwise as too large, `RESOURCE_EXHAUSTED` / `MESSAGE_TOO_LARGE` (the handler
  /// fills in the message). Never `.open`.
  package mutating func openOversizedStream(_ streamID: UInt32) -> OpenAction {
    lastStreamID = streamID
    if let refusal = admissionRefusal() { return refusal }
    return .refuse(.resourceExhausted, reason: RPCErrorReason.messageTooLarge, message: "")
  }

  /// Why a new call cannot start whatever its method, if it cannot.
  private func admissionRefusal() -> OpenAction? {
    if case .draining = state {
      return .refuse(.unavailable, reason: RPCErrorReason.shuttingDown, message: "the server is shutting down")
    }
    guard streams.count < maxConcurrentCalls else {
      return .refuse(
        .resourceExhausted, reason: RPCErrorReason.tooManyCalls,
        message: "too many concurrent calls on this connection (limit \(maxConcurrentCalls))")
    }
    return nil
  }

  package enum MessageAction: Equatable {
    /// Pass the message to the call.
    case deliver
    /// The call broke a rule: fail it with this error.
    case fail(RPCError.Code, message: String, reason: String = "")
    /// Drop it (the client already half-closed: a protocol slip on one stream only).
    case ignore
  }

  /// A request MESSAGE with `payloadLength` bytes arrived on an open stream.
  package mutating func receiveMessage(_ streamID: UInt32, endStream: Bool, payloadLength: Int = 0) -> MessageAction {
    guard var stream = streams[streamID] else { return .ignore }
    if stream.inboundClosed {
      return .fail(.invalidArgument, message: "request message after the client half-closed")
    }
    if stream.window != nil {
      let cost = FlowControl.cost(payload: payloadLength)
      guard stream.window!.receive(cost) else {
        return .fail(
          .resourceExhausted,
          message:
            "a request message of \(cost) bytes overran the stream's flow-control window (\(stream.window!.remaining) bytes left)",
          reason: RPCErrorReason.flowControlViolation)
      }
    }
    stream.messages += 1
    stream.inboundClosed = endStream
    streams[streamID] = stream
    if stream.kind.hasSingleRequest && stream.messages > 1 {
      return .fail(.invalidArgument, message: "\(stream.kind) method received more than one request message")
    }
    return .deliver
  }

  package enum HalfCloseAction: Equatable {
    /// Nothing to do beyond ending the request stream.
    case endRequests
    /// A single-request method got no request.
    case fail(RPCError.Code, message: String)
  }

  /// The client half-closed (HALF_CLOSE, or END_STREAM on HEADERS or MESSAGE).
  package mutating func receiveHalfClose(_ streamID: UInt32) -> HalfCloseAction {
    guard var stream = streams[streamID] else { return .endRequests }
    stream.inboundClosed = true
    streams[streamID] = stream
    if stream.kind.hasSingleRequest && stream.messages == 0 {
      return .fail(.invalidArgument, message: "\(stream.kind) method received no request message")
    }
    return .endRequests
  }

  /// Whether the single request of a unary or server-streaming call is complete.
  package func isSingleRequestComplete(_ streamID: UInt32) -> Bool {
    guard let stream = streams[streamID] else { return false }
    return stream.kind.hasSingleRequest && stream.inboundClosed && stream.messages == 1
  }

  /// The handler of `streamID` took request messages worth `bytes` (frame costs).
  package mutating func consume(_ streamID: UInt32, bytes: Int) {
    streams[streamID]?.window?.consume(bytes)
  }

  /// The WINDOW_UPDATE increment to send for `streamID` now, if any: consumed bytes not
  /// yet granted back, while the client may still send requests.
  package mutating func takeWindowIncrement(_ streamID: UInt32) -> Int {
    guard let stream = streams[streamID], stream.window != nil else { return 0 }
    guard !stream.inboundClosed else { return 0 }
    return streams[streamID]!.window!.takeIncrement()
  }

  package enum CloseAction: Equatable {
    case none
    /// The drain is over: close the connection.
    case closeConnection
  }

  /// A call ended (trailers sent, or cancelled by the client).
  package mutating func closeStream(_ streamID: UInt32) -> CloseAction {
    streams[streamID] = nil
    if case .draining = state, streams.isEmpty {
      state = .closed
      return .closeConnection
    }
    return .none
  }

  // MARK: Shutdown and idleness

  package enum ShutdownAction: Equatable {
    case none
    /// Send GOAWAY with this last stream id; close at once when `close`.
    case sendGoAway(lastStreamID: UInt32, close: Bool)
  }

  /// Starts the graceful shutdown of this connection.
  package mutating func beginShutdown() -> ShutdownAction {
    switch state {
    case .awaitingHello:
      state = .closed
      return .sendGoAway(lastStreamID: 0, close: true)
    case .active:
      if streams.isEmpty {
        state = .closed
        return .sendGoAway(lastStreamID: lastStreamID, close: true)
      }
      state = .draining(lastStreamID: lastStreamID)
      return .sendGoAway(lastStreamID: lastStreamID, close: false)
    case .draining, .closed:
      return .none
    }
  }

  /// Whether the connection has no open call (for the idle timeout).
  package var isIdle: Bool { streams.isEmpty }

  /// The connection is closing for good (error, EOF, or a forced close).
  package mutating func close() {
    state = .closed
  }
}
