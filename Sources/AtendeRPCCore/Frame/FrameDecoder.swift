package import NIOCore

/// What the frame decoder produces.
package enum FrameEvent: Sendable, Hashable {
  /// A complete frame.
  case frame(Frame)
  /// A frame on a call whose payload exceeds the maximum size. Its payload is being
  /// skipped; the call it belongs to must fail, the connection can go on.
  case oversized(type: FrameType, flags: FrameFlags, streamID: UInt32, length: Int)
}

/// A frame that makes the rest of the byte stream unusable: the connection must end.
package struct FrameDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
  package init(kind: Kind) { self.kind = kind }
  package enum Kind: Hashable, Sendable {
    case unknownFrameType(UInt8)
    case oversizedConnectionFrame(length: Int, limit: Int)
  }
  package var kind: Kind

  package var description: String {
    switch kind {
    case .unknownFrameType(let type): "unknown frame type 0x\(String(type, radix: 16))"
    case .oversizedConnectionFrame(let length, let limit):
      "connection frame of \(length) bytes exceeds the limit of \(limit) bytes"
    }
  }
}

/// Splits a byte stream into frames. Checks the declared length against the limit
/// before buffering anything: an oversized call frame is skipped as it arrives (never
/// held in memory), an oversized connection frame is an error.
package struct FrameDecoder: NIOSingleStepByteToMessageDecoder {
  package typealias InboundOut = FrameEvent

  /// The largest payload accepted.
  package var maxPayloadSize: Int
  /// Bytes of an oversized payload still to be skipped.
  private var bytesToSkip = 0

  package init(maxPayloadSize: Int = Frame.defaultMaxPayloadSize) {
    self.maxPayloadSize = maxPayloadSize
  }

  package mutating func decode(buffer: inout ByteBuffer) throws -> FrameEvent? {
    if bytesToSkip > 0 {
      let skipped = min(bytesToSkip, buffer.readableBytes)
      buffer.moveReaderIndex(forwardBy: skipped)
      bytesToSkip -= skipped
      if bytesToSkip > 0 { return nil }
    }
    guard buffer.readableBytes >= Frame.headerSize else { return nil }
    let start = buffer.readerIndex
    let length = Int(buffer.getInteger(at: start, as: UInt32.self)!)
    let type = FrameType(rawValue: buffer.getInteger(at: start + 4, as: UInt8.self)!)
    let flags = FrameFlags(rawValue: buffer.getInteger(at: start + 5, as: UInt8.self)!)
    let streamID = buffer.getInteger(at: start + 6, as: UInt32.self)!
    guard type.isKnown else {
      throw FrameDecodingError(kind: .unknownFrameType(type.rawValue))
    }
    if length > maxPayloadSize {
      if streamID == 0 || type.isConnectionLevel {
        throw FrameDecodingError(kind: .oversizedConnectionFrame(length: length, limit: maxPayloadSize))
      }
      buffer.moveReaderIndex(forwardBy: Frame.headerSize)
      let skipped = min(length, buffer.readableBytes)
      buffer.moveReaderIndex(forwardBy: skipped)
      bytesToSkip = length - skipped
      return .oversized(type: type, flags: flags, streamID: streamID, length: length)
    }
    guard buffer.readableBytes >= Frame.headerSize + length else { return nil }
    buffer.moveReaderIndex(forwardBy: Frame.headerSize)
    let payload = buffer.readSlice(length: length)!
    return .frame(Frame(type: type, flags: flags, streamID: streamID, payload: payload))
  }

  package mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> FrameEvent? {
    try decode(buffer: &buffer)
  }
}
