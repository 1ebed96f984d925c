package import AtendeProtobuf
package import NIOCore

extension ByteBuffer {
  /// Writes `message` as one frame: header, then the packed message (no extra copy).
  package mutating func writeMessageFrame<M: ProtobufMessage>(
    _ message: M, type: FrameType, flags: FrameFlags = [], streamID: UInt32
  ) throws(ProtobufEncodingError) {
    try message._withPackedMessage { size, pack in
      writeFrameHeader(length: size, type: type, flags: flags, streamID: streamID)
      writeWithUnsafeMutableBytes(minimumWritableBytes: size) { pointer in
        pack(UnsafeMutableRawBufferPointer(rebasing: pointer[0..<size]))
        return size
      }
    }
  }

  /// Decodes the readable bytes as a `M`.
  package func decodeMessage<M: ProtobufMessage>(
    _ type: M.Type, options: ProtobufDecodingOptions = .init()
  ) throws(ProtobufDecodingError) -> M {
    let result = withUnsafeReadableBytes { buffer in
      Result { () throws(ProtobufDecodingError) in try M(serializedBuffer: buffer, options: options) }
    }
    return try result.get()
  }
}

extension ByteBufferAllocator {
  /// A buffer holding `message` as one frame.
  package func messageFrame<M: ProtobufMessage>(
    _ message: M, type: FrameType, flags: FrameFlags = [], streamID: UInt32
  ) throws(ProtobufEncodingError) -> ByteBuffer {
    var buffer = self.buffer(capacity: 64)
    try buffer.writeMessageFrame(message, type: type, flags: flags, streamID: streamID)
    return buffer
  }
}
