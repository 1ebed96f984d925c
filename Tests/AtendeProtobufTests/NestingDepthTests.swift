import AtendeProtobuf
import AtendeTestProtos
import CProtocPlugin
import Testing

/// protobuf-c's unpack recurses once per level of sub-messages, with a large stack frame,
/// and has no limit: a `DescriptorProto` nested 10 000 levels deep (39 KB) already
/// overflows an 8 MiB stack (measured with a C program on protobuf-c 1.4.1). Decoding
/// checks the nesting first whenever the schema allows more than the limit.
@Suite("Nesting depth is checked before protobuf-c unpacks")
struct NestingDepthTests {
  /// `google.protobuf.DescriptorProto`, a recursive type (`nested_type = 3`).
  static let descriptorProto: _MessageType = {
    var count = 0
    let table = CProtocPlugin_message_descriptors(&count)!
    return DescriptorRegistry(table, count: count).message("google.protobuf.DescriptorProto")
  }()

  /// `depth` levels of `nested_type` (field 3, length-delimited) around an empty message.
  static func nested(_ depth: Int) -> [UInt8] {
    var bytes: [UInt8] = []
    for _ in 0..<depth {
      var header: [UInt8] = [0x1a]
      var length = bytes.count
      repeat {
        header.append(UInt8(length & 0x7f) | (length > 0x7f ? 0x80 : 0))
        length >>= 7
      } while length > 0
      bytes = header + bytes
    }
    return bytes
  }

  static func decode(_ bytes: [UInt8], options: ProtobufDecodingOptions = .init()) throws {
    try bytes.withUnsafeBytes { buffer in
      try withDecodedMessage(descriptorProto, from: buffer, options: options) { _ in }
    }
  }

  @Test("a recursive type's depth is unbounded; the others' is what the schema allows")
  func schemaDepth() {
    #expect(Self.descriptorProto.schemaDepth == nil)
    // Narrow has no message field; Wide holds a Narrow.
    #expect(Narrow._protobufMessageType.schemaDepth == 0)
    #expect(Wide._protobufMessageType.schemaDepth == 1)
    #expect((KitchenSink._protobufMessageType.schemaDepth ?? 0) >= 1)
  }

  @Test("up to the limit decodes; one level more is refused as NESTING_TOO_DEEP")
  func limit() throws {
    try Self.decode(Self.nested(100))
    #expect(throws: ProtobufDecodingError(code: .nestingTooDeep, messageName: "google.protobuf.DescriptorProto")) {
      try Self.decode(Self.nested(101))
    }
    try Self.decode(Self.nested(10), options: .init(maxNestingDepth: 10))
    #expect(throws: ProtobufDecodingError.self) {
      try Self.decode(Self.nested(11), options: .init(maxNestingDepth: 10))
    }
  }

  @Test("100 000 levels (394 KB, under the frame limit) are refused without recursing")
  func hostileDepth() throws {
    let bytes = Self.nested(100_000)
    #expect(bytes.count < 1 << 20)
    let error = #expect(throws: ProtobufDecodingError.self) { try Self.decode(bytes) }
    #expect(error?.code == .nestingTooDeep)
  }

  @Test("an unknown field is not entered: its bytes are kept, whatever they hold")
  func unknownFieldsAreNotEntered() throws {
    // Field 99 (unknown to DescriptorProto), length-delimited: tag 99 << 3 | 2 = 0x31a.
    let inner = Self.nested(1_000)
    var bytes: [UInt8] = [0x9a, 0x06]
    var length = inner.count
    repeat {
      bytes.append(UInt8(length & 0x7f) | (length > 0x7f ? 0x80 : 0))
      length >>= 7
    } while length > 0
    try Self.decode(bytes + inner)
  }

  @Test("a group (wire types 3 and 4), even in an unknown field, is malformed (PROTOCOL.md §12)")
  func groupsAreRefused() throws {
    // Narrow{a: "x"}, then field 99 as an empty group: start (99 << 3 | 3), end (99 << 3 | 4).
    let plain: [UInt8] = [0x0a, 0x01, 0x78]
    #expect(try Narrow(serializedBytes: plain).a == "x")
    let error = #expect(throws: ProtobufDecodingError.self) {
      try Narrow(serializedBytes: plain + [0x9b, 0x06, 0x9c, 0x06])
    }
    #expect(error?.code == .malformed)
  }

  @Test("a schema deeper than a lowered limit is scanned too")
  func nonRecursiveTypeBelowItsSchemaDepth() throws {
    let wide = try Wide(d: Narrow(a: "x")).serializedBytes()
    _ = try Wide(serializedBytes: wide, options: .init(maxNestingDepth: 1))
    let error = #expect(throws: ProtobufDecodingError.self) {
      try Wide(serializedBytes: wide, options: .init(maxNestingDepth: 0))
    }
    #expect(error?.code == .nestingTooDeep)
  }
}
