/// Where frames may appear (docs/PROTOCOL.md §2, §5, §11.4): the rules both sides of a
/// connection apply to what the other side sends, each returning the problem that makes
/// a frame a connection error (nil: none).
package enum FramePlacement {
  /// HELLO, PING and GOAWAY belong on stream 0; every other frame on a call's stream.
  static func streamIDProblem(_ type: FrameType, streamID: UInt32) -> String? {
    if type.isConnectionLevel {
      return streamID == 0 ? nil : "\(type) frame on stream \(streamID); it belongs on stream 0"
    }
    return streamID == 0 ? "\(type) frame on stream 0" : nil
  }

  /// A PING carries exactly 8 bytes.
  static func pingProblem(payloadLength: Int) -> String? {
    payloadLength == 8 ? nil : "PING payload must be 8 bytes, got \(payloadLength)"
  }

  /// WINDOW_UPDATE exists from protocol version 2 on, and carries a 4-byte increment.
  static func windowUpdateProblem(hasFlowControl: Bool, payloadLength: Int) -> String? {
    guard hasFlowControl else { return "unknown frame type 0x9 (WINDOW_UPDATE is protocol version 2)" }
    guard payloadLength == FlowControl.windowUpdatePayloadSize else {
      return "WINDOW_UPDATE payload must be 4 bytes, got \(payloadLength)"
    }
    return nil
  }

  /// A frame about a call on a stream no HEADERS opened yet (a frame for a call that
  /// ended is not an error: it crossed the end on the wire).
  static func neverOpened(_ type: FrameType, streamID: UInt32) -> String {
    "\(type) frame on stream \(streamID), which was never opened"
  }
}
