package import AtendeProtobuf
package import NIOCore

extension ByteBuffer {
  /// Writes `message` as one frame: header, then the packed message (no extra copy).
  package mutating func writeMessageFrame<M: ProtobufMessage>(
    _ message: M, type: FrameType, flags: FrameFlags = [], streamID: UInt32
  ) throws(ProtobufEncodingError) {
    try message._withPackedMessage { size, pack in
      writePackedFrame(size: size, pack: pack, type: type, flags: flags, streamID: streamID)
    }
  }

  /// The frame header, then `size` bytes that `pack` fills in place.
  fileprivate mutating func writePackedFrame(
    size: Int, pack: (UnsafeMutableRawBufferPointer) -> Void, type: FrameType, flags: FrameFlags, streamID: UInt32
  ) {
    reserveCapacity(minimumWritableBytes: Frame.headerSize + size)
    writeFrameHeader(length: size, type: type, flags: flags, streamID: streamID)
    writeWithUnsafeMutableBytes(minimumWritableBytes: size) { pointer in
      pack(UnsafeMutableRawBufferPointer(rebasing: pointer[0..<size]))
      return size
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
    _ message: M, type: FrameType, flags: FrameFlags = [], streamID: UInt32, reserving extra: Int = 0
  ) throws(ProtobufEncodingError) -> ByteBuffer {
    // Sized once the packed size is known: one allocation, no growth.
    try message._withPackedMessage { size, pack in
      var buffer = self.buffer(capacity: Frame.headerSize + size + extra)
      buffer.writePackedFrame(size: size, pack: pack, type: type, flags: flags, streamID: streamID)
      return buffer
    }
  }
}
