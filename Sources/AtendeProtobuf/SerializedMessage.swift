/// A message whose type this program does not know, as its encoded bytes: what generic
/// tools (`atende call`) send and receive, the bytes built and read from a descriptor at
/// run time.
///
/// Sent, the bytes go on the wire as they are; received, they are kept as they came
/// (protobuf-c checks their wire format: tags, lengths and wire types).
public struct SerializedMessage: ProtobufMessage {
  /// The encoded message.
  public var bytes: [UInt8]

  /// An empty message.
  public init() { bytes = [] }

  /// The message encoded as `bytes`.
  public init(bytes: [UInt8]) { self.bytes = bytes }

  /// Decoded and encoded as a message without fields (`google.protobuf.Empty`), every
  /// field of the real message then being an unknown field, kept in order.
  public static var _protobufMessageType: _MessageType { Google_Protobuf_Empty._protobufMessageType }

  public init(_protobufReader reader: _MessageReader) throws(ProtobufDecodingError) {
    var bytes: [UInt8] = []
    for field in reader.unknownFields().fields {
      appendVarint(UInt64(field.number) << 3 | UInt64(field.wireType), to: &bytes)
      bytes += field.data
    }
    self.bytes = bytes
  }

  public func _protobufWrite(to writer: _MessageWriter) throws(ProtobufEncodingError) {
    writer.setUnknownFields(try Self.fields(bytes))
  }

  /// The top-level fields of `bytes`, each with its tag's number and wire type and its
  /// encoded value (a length-delimited one with its length).
  static func fields(_ bytes: [UInt8]) throws(ProtobufEncodingError) -> UnknownFields {
    func malformed(_ reason: String) -> ProtobufEncodingError {
      ProtobufEncodingError(messageName: "(serialized message)", fieldPath: "", reason: reason)
    }
    var fields: [UnknownFields.Field] = []
    var index = 0
    func varint() throws(ProtobufEncodingError) -> UInt64 {
      var value: UInt64 = 0
      var shift: UInt64 = 0
      while true {
        guard index < bytes.count, shift < 64 else { throw malformed("a truncated or overlong varint") }
        let byte = bytes[index]
        index += 1
        value |= UInt64(byte & 0x7f) << shift
        if byte & 0x80 == 0 { return value }
        shift += 7
      }
    }
    while index < bytes.count {
      let tag = try varint()
      let number = tag >> 3
      let wireType = UInt8(tag & 7)
      guard number > 0, number < 1 << 29 else { throw malformed("field number \(number) is out of range") }
      let start = index
      switch wireType {
      case 0: _ = try varint()
      case 1: index += 8
      case 5: index += 4
      case 2:
        let length = try varint()
        guard length <= UInt64(bytes.count - index) else { throw malformed("a length runs past the end") }
        index += Int(length)
      default: throw malformed("wire type \(wireType) is not supported")
      }
      guard index <= bytes.count else { throw malformed("a value runs past the end") }
      fields.append(.init(number: UInt32(number), wireType: wireType, data: Array(bytes[start..<index])))
    }
    return UnknownFields(fields)
  }
}

/// Appends `value` as a protobuf varint.
func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
  var value = value
  while value >= 0x80 {
    bytes.append(UInt8(value & 0x7f) | 0x80)
    value >>= 7
  }
  bytes.append(UInt8(value))
}
