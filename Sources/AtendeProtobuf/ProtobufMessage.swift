/// A message type generated from a `.proto` file, serialized with protobuf-c.
///
/// Generated messages are value types: `Sendable`, `Hashable`, with a memberwise
/// initializer whose arguments all have the proto3 defaults. Serialize with
/// ``serializedBytes()``; parse with ``init(serializedBytes:options:)``.
///
/// The underscored requirements connect the generated code to protobuf-c; they are
/// not meant to be called or implemented by hand.
public protocol ProtobufMessage: Sendable, Hashable {
  /// A message with every field at its default value.
  init()

  /// The protobuf-c type of this message.
  static var _protobufMessageType: _MessageType { get }

  /// Reads the message from a decoded protobuf-c structure.
  init(_protobufReader reader: _MessageReader) throws(ProtobufDecodingError)

  /// Writes the message into a fresh protobuf-c structure.
  func _protobufWrite(to writer: _MessageWriter) throws(ProtobufEncodingError)
}

extension ProtobufMessage {
  /// The fully qualified protobuf name of the message, e.g. `"atende.rpc.v1.CallHeader"`.
  public static var protobufMessageName: String { _protobufMessageType.fullName }

  /// Parses a message from its protobuf binary encoding.
  ///
  /// - Throws: ``ProtobufDecodingError`` when the bytes are not a valid encoding of
  ///   this message, hold invalid UTF-8 in a string field, or need more memory to
  ///   decode than `options.allocationBudget` allows.
  public init(
    serializedBytes bytes: some Collection<UInt8>,
    options: ProtobufDecodingOptions = .init()
  ) throws(ProtobufDecodingError) {
    let decoded = bytes.withContiguousStorageIfAvailable { buffer in
      Result { () throws(ProtobufDecodingError) in
        try Self(serializedBuffer: UnsafeRawBufferPointer(buffer), options: options)
      }
    }
    switch decoded {
    case .some(let result):
      self = try result.get()
    case .none:
      let result = Array(bytes).withUnsafeBytes { buffer in
        Result { () throws(ProtobufDecodingError) in try Self(serializedBuffer: buffer, options: options) }
      }
      self = try result.get()
    }
  }

  /// Parses a message from its protobuf binary encoding in raw memory.
  public init(
    serializedBuffer buffer: UnsafeRawBufferPointer,
    options: ProtobufDecodingOptions = .init()
  ) throws(ProtobufDecodingError) {
    self = try _decodeMessage(Self.self, from: buffer, options: options)
  }

  /// The protobuf binary encoding of the message.
  ///
  /// - Throws: ``ProtobufEncodingError`` when a string holds a NUL character, which
  ///   protobuf-c cannot represent.
  public func serializedBytes() throws(ProtobufEncodingError) -> [UInt8] {
    try _withPackedMessage { size, pack in
      [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
        pack(UnsafeMutableRawBufferPointer(buffer))
        count = size
      }
    }
  }
}
