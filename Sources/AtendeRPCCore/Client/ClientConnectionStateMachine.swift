internal import AtendeProtobuf

/// The protocol rules of one client connection, without I/O: the handshake, where the
/// server's frames may appear, stream ids, and going away.
///
/// `ClientConnectionHandler` feeds it every event and performs what it returns, as the
/// server's handler does with `ServerConnectionStateMachine`; both apply the shared
/// `FramePlacement` rules.
package struct ClientConnectionStateMachine {
  package enum State: Equatable {
    /// HELLO sent, waiting for the server's.
    case handshaking
    /// Taking new calls.
    case ready
    /// No new calls (GOAWAY, stream ids exhausted, or closing): the open ones finish.
    case goingAway
    /// Closed or broken: every event is ignored.
    case closed
  }

  /// Protocol versions the client offers in HELLO.
  package init() {}

  package static let supportedVersions: [UInt32] = [1, FlowControl.version]

  package private(set) var state = State.handshaking
  /// The id the next call gets.
  package private(set) var nextStreamID: UInt32 = 1
  /// The version the server chose (0 before its HELLO).
  package private(set) var version: UInt32 = 0
  /// The largest payload the server accepts.
  package private(set) var serverMaxFrameSize = Frame.defaultMaxPayloadSize
  /// The requests' window of each stream (from the server's HELLO, version 2).
  package private(set) var serverInitialWindow = FlowControl.defaultInitialWindow

  /// Whether the connection uses per-stream flow control (version 2).
  package var hasFlowControl: Bool { version >= FlowControl.version }

  /// Whether the connection still counts as usable (its pool may hand it new calls).
  var isUsable: Bool { state == .ready || state == .handshaking }

  package enum FrameAction: Equatable {
    case process
    /// A frame for a call that has ended, or anything after the connection broke: dropped.
    case ignore
    /// The server broke the protocol (docs/PROTOCOL.md §11.4): close the connection.
    case connectionError(String)
  }

  /// Checks where a frame from the server may appear, before its payload is looked at.
  package func validate(type: FrameType, streamID: UInt32, payloadLength: Int) -> FrameAction {
    if state == .closed { return .ignore }
    if let problem = FramePlacement.streamIDProblem(type, streamID: streamID) { return .connectionError(problem) }
    if state == .handshaking && type != .hello && type != .goAway {
      return .connectionError("expected HELLO as the server's first frame, got \(type)")
    }
    switch type {
    case .hello:
      return state == .handshaking ? .process : .connectionError("HELLO sent twice")
    case .ping:
      return FramePlacement.pingProblem(payloadLength: payloadLength).map(FrameAction.connectionError) ?? .process
    case .goAway:
      return .process
    case .windowUpdate:
      if let problem = FramePlacement.windowUpdateProblem(hasFlowControl: hasFlowControl, payloadLength: payloadLength)
      {
        return .connectionError(problem)
      }
      return streamFrameAction(type, streamID)
    case .message, .trailers:
      return streamFrameAction(type, streamID)
    default:
      // HEADERS, HALF_CLOSE, CANCEL.
      return .connectionError("servers do not send \(type) frames")
    }
  }

  /// Frames for calls that ended are dropped further on (the handler no longer knows the
  /// stream); a stream this connection never opened cannot be such a race.
  private func streamFrameAction(_ type: FrameType, _ streamID: UInt32) -> FrameAction {
    streamID < nextStreamID ? .process : .connectionError(FramePlacement.neverOpened(type, streamID: streamID))
  }

  /// The server's HELLO: nil when the connection is ready, else why it is not acceptable.
  package mutating func receiveHello(_ hello: ServerHello) -> String? {
    guard Self.supportedVersions.contains(hello.version) else {
      return "the server chose protocol version \(hello.version), which the client did not offer"
    }
    let maxFrameSize = hello.maxFrameSize > 0 ? Int(hello.maxFrameSize) : Frame.defaultMaxPayloadSize
    if hello.version >= FlowControl.version,
      let problem = FlowControl.problem(declared: hello.initialWindowSize, maxFrameSize: maxFrameSize)
    {
      return problem
    }
    version = hello.version
    serverMaxFrameSize = maxFrameSize
    if hasFlowControl { serverInitialWindow = FlowControl.window(declared: hello.initialWindowSize) }
    state = .ready
    return nil
  }

  /// A new call's stream id, or nil when the connection takes no new calls. After the
  /// last usable id the connection goes away (`exhausted`): the caller stops using it.
  package mutating func openStream() -> (id: UInt32, exhausted: Bool)? {
    guard state == .ready, nextStreamID < UInt32.max else { return nil }
    let id = nextStreamID
    nextStreamID += 1
    guard nextStreamID == UInt32.max else { return (id, false) }
    state = .goingAway
    return (id, true)
  }

  /// The server sent GOAWAY (or refused a call because it is shutting down): no new
  /// calls. Returns whether the connection was usable until now.
  package mutating func goAway() -> Bool {
    guard state != .closed else { return false }
    defer { state = .goingAway }
    return isUsable
  }

  /// The connection closed or broke. Returns whether it was usable until now.
  package mutating func close() -> Bool {
    defer { state = .closed }
    return isUsable
  }
}
