package import NIOCore

/// The type of a frame (docs/PROTOCOL.md, "Frame types").
package struct FrameType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  package let rawValue: UInt8
  package init(rawValue: UInt8) { self.rawValue = rawValue }

  package static let hello = FrameType(rawValue: 0x01)
  package static let headers = FrameType(rawValue: 0x02)
  package static let message = FrameType(rawValue: 0x03)
  package static let halfClose = FrameType(rawValue: 0x04)
  package static let trailers = FrameType(rawValue: 0x05)
  package static let cancel = FrameType(rawValue: 0x06)
  package static let ping = FrameType(rawValue: 0x07)
  package static let goAway = FrameType(rawValue: 0x08)
  /// Version 2 only (flow control, docs/PROTOCOL.md §13).
  package static let windowUpdate = FrameType(rawValue: 0x09)

  /// Whether the protocol defines this type (WINDOW_UPDATE only from version 2: the
  /// connection's state machine refuses it on a version 1 connection).
  package var isKnown: Bool { (0x01...0x09).contains(rawValue) }

  /// Whether frames of this type belong to the connection (stream 0) rather than a call.
  package var isConnectionLevel: Bool { self == .hello || self == .ping || self == .goAway }

  package var description: String {
    switch self {
    case .hello: "HELLO"
    case .headers: "HEADERS"
    case .message: "MESSAGE"
    case .halfClose: "HALF_CLOSE"
    case .trailers: "TRAILERS"
    case .cancel: "CANCEL"
    case .ping: "PING"
    case .goAway: "GOAWAY"
    case .windowUpdate: "WINDOW_UPDATE"
    default: "0x" + String(rawValue, radix: 16)
    }
  }
}

/// Frame flags.
package struct FrameFlags: OptionSet, Hashable, Sendable {
  package let rawValue: UInt8
  package init(rawValue: UInt8) { self.rawValue = rawValue }

  /// On HEADERS and MESSAGE from the client: no more request messages follow.
  package static let endStream = FrameFlags(rawValue: 0x01)
  /// On PING: this is the answer.
  package static let ack = FrameFlags(rawValue: 0x02)
}

/// One frame: a 10-byte header (length, type, flags, stream id) and its payload.
package struct Frame: Sendable, Hashable {
  /// Size of the fixed header.
  package static let headerSize = 10
  /// The default largest payload, 1 MiB.
  package static let defaultMaxPayloadSize = 1 << 20
  /// The smallest `max_frame_size` a peer may declare (anything smaller but 0, the
  /// default, is a connection error): the room a bounded error status needs.
  package static let minimumMaxPayloadSize = 256

  package var type: FrameType
  package var flags: FrameFlags
  package var streamID: UInt32
  package var payload: ByteBuffer

  package init(type: FrameType, flags: FrameFlags = [], streamID: UInt32, payload: ByteBuffer = ByteBuffer()) {
    self.type = type
    self.flags = flags
    self.streamID = streamID
    self.payload = payload
  }
}

extension ByteBuffer {
  /// Writes a frame header for a payload of `length` bytes.
  package mutating func writeFrameHeader(length: Int, type: FrameType, flags: FrameFlags, streamID: UInt32) {
    writeInteger(UInt32(length))
    writeInteger(type.rawValue)
    writeInteger(flags.rawValue)
    writeInteger(streamID)
  }

  /// Writes a whole frame.
  package mutating func writeFrame(_ frame: Frame) {
    writeFrameHeader(
      length: frame.payload.readableBytes, type: frame.type, flags: frame.flags, streamID: frame.streamID)
    writeImmutableBuffer(frame.payload)
  }
}
