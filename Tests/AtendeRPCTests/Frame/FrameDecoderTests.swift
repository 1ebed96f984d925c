import AtendeRPC
import NIOCore
import NIOTestUtils
import Testing

@Suite("Frame decoder")
struct FrameDecoderTests {
  static func bytes(_ frame: Frame) -> ByteBuffer {
    var buffer = ByteBuffer()
    buffer.writeFrame(frame)
    return buffer
  }

  @Test("decodes frames whole, split and one byte at a time")
  func verifier() throws {
    let frames = [
      Frame(type: .hello, streamID: 0, payload: ByteBuffer(bytes: [1, 2, 3])),
      Frame(type: .headers, flags: .endStream, streamID: 1, payload: ByteBuffer(string: "header")),
      Frame(type: .message, streamID: 1),
      Frame(type: .ping, flags: .ack, streamID: 0, payload: ByteBuffer(bytes: [0, 1, 2, 3, 4, 5, 6, 7])),
      Frame(type: .trailers, streamID: 7, payload: ByteBuffer(repeating: 9, count: 1000)),
    ]
    let pairs = frames.map { (Self.bytes($0), [FrameEvent.frame($0)]) }
    try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) { FrameDecoder() }
  }

  @Test("the header layout is length, type, flags, stream id, big-endian")
  func layout() {
    let buffer = Self.bytes(
      Frame(type: .message, flags: .endStream, streamID: 0x0102_0304, payload: ByteBuffer(bytes: [0xAA])))
    #expect(Array(buffer.readableBytesView) == [0, 0, 0, 1, 0x03, 0x01, 1, 2, 3, 4, 0xAA])
  }

  @Test("an oversized call frame is reported before buffering and its payload skipped")
  func oversizedCallFrame() throws {
    var decoder = FrameDecoder(maxPayloadSize: 16)
    var input = ByteBuffer()
    input.writeFrameHeader(length: 100, type: .message, flags: [], streamID: 3)
    input.writeRepeatingByte(1, count: 40)  // only part of the payload has arrived
    #expect(try decoder.decode(buffer: &input) == .oversized(type: .message, flags: [], streamID: 3, length: 100))
    #expect(input.readableBytes == 0)  // nothing held
    var rest = ByteBuffer(repeating: 1, count: 60)
    var next = Self.bytes(Frame(type: .message, streamID: 5, payload: ByteBuffer(bytes: [7])))
    rest.writeBuffer(&next)
    #expect(
      try decoder.decode(buffer: &rest) == .frame(Frame(type: .message, streamID: 5, payload: ByteBuffer(bytes: [7]))))
  }

  @Test("an oversized connection frame is a connection error")
  func oversizedConnectionFrame() {
    var decoder = FrameDecoder(maxPayloadSize: 16)
    var input = ByteBuffer()
    input.writeFrameHeader(length: 1 << 30, type: .hello, flags: [], streamID: 0)
    #expect(throws: FrameDecodingError(kind: .oversizedConnectionFrame(length: 1 << 30, limit: 16))) {
      try decoder.decode(buffer: &input)
    }
  }

  @Test("an unknown frame type is a connection error", arguments: [UInt8(0), 10, 0x42, 0xFF])
  func unknownType(type: UInt8) {
    var decoder = FrameDecoder()
    var input = ByteBuffer(bytes: [0, 0, 0, 0, type, 0, 0, 0, 0, 1])
    #expect(throws: FrameDecodingError(kind: .unknownFrameType(type))) { try decoder.decode(buffer: &input) }
  }

  @Test("garbage never crashes the decoder")
  func garbage() {
    for seed in 0..<500 {
      var generator = SplitMix(seed: UInt64(seed))
      let count = Int(generator.next() % 200)
      var input = ByteBuffer(bytes: (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) })
      var decoder = FrameDecoder(maxPayloadSize: 64)
      do {
        while let _ = try decoder.decode(buffer: &input) {}
      } catch {
        #expect(error is FrameDecodingError)
      }
    }
  }
}

/// A small deterministic random generator.
struct SplitMix: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
