internal import CProtobufC

/// Reads the fields of a decoded protobuf-c structure. Used by generated code only.
///
/// Fields are addressed by their protobuf number; the reader finds their offsets in
/// the message's protobuf-c descriptor.
public struct _MessageReader {
  let message: UnsafeRawPointer
  let descriptor: UnsafePointer<ProtobufCMessageDescriptor>

  init(_ message: UnsafeRawPointer, _ descriptor: UnsafePointer<ProtobufCMessageDescriptor>) {
    self.message = message
    self.descriptor = descriptor
  }

  @inline(__always)
  func field(_ number: Int32) -> UnsafePointer<ProtobufCFieldDescriptor> {
    guard let field = protobuf_c_message_descriptor_get_field(descriptor, UInt32(number)) else {
      fatalError("field \(number) is not in \(String(cString: descriptor.pointee.name)): regenerate the code")
    }
    return field
  }

  @inline(__always)
  func load<T>(_ offset: UInt32, as type: T.Type) -> T {
    message.load(fromByteOffset: Int(offset), as: T.self)
  }

  /// The message this reader reads, encoded again (protobuf-c writes the fields it
  /// decoded, and the unknown ones, in field-number order).
  package func packed() -> [UInt8] {
    let message = UnsafeMutablePointer(mutating: self.message.assumingMemoryBound(to: ProtobufCMessage.self))
    let size = protobuf_c_message_get_packed_size(message)
    return [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
      count = protobuf_c_message_pack(message, buffer.baseAddress!)
    }
  }

  private func fieldName(_ field: UnsafePointer<ProtobufCFieldDescriptor>) -> String {
    String(cString: field.pointee.name)
  }

  // MARK: Singular fields

  /// A numeric field (any integer or floating-point type matching the C layout).
  package func scalar<T: BitwiseCopyable>(_ number: Int32, as type: T.Type = T.self) -> T {
    load(field(number).pointee.offset, as: T.self)
  }

  /// A `bool` field.
  package func bool(_ number: Int32) -> Bool {
    load(field(number).pointee.offset, as: Int32.self) != 0
  }

  /// An enum field's number.
  package func enumValue(_ number: Int32) -> Int32 {
    load(field(number).pointee.offset, as: Int32.self)
  }

  /// Whether a field is present: the `has_` flag of a proto2 optional scalar, a
  /// non-NULL pointer for strings, bytes data and messages.
  package func has(_ number: Int32) -> Bool {
    let field = field(number)
    switch field.pointee.type {
    case PROTOBUF_C_TYPE_STRING, PROTOBUF_C_TYPE_MESSAGE:
      return load(field.pointee.offset, as: UnsafeRawPointer?.self) != nil
    default:
      if field.pointee.label == PROTOBUF_C_LABEL_OPTIONAL {
        return load(field.pointee.quantifier_offset, as: Int32.self) != 0
      }
      return true
    }
  }

  /// A `string` field; "" when absent.
  package func string(_ number: Int32) throws(ProtobufDecodingError) -> String {
    try optionalString(number) ?? ""
  }

  /// A `string` field; nil when the pointer is NULL (absent proto2 field).
  package func optionalString(_ number: Int32) throws(ProtobufDecodingError) -> String? {
    let field = field(number)
    guard let pointer = load(field.pointee.offset, as: UnsafePointer<CChar>?.self) else { return nil }
    return try decodeString(pointer, field)
  }

  private func decodeString(
    _ pointer: UnsafePointer<CChar>, _ field: UnsafePointer<ProtobufCFieldDescriptor>
  ) throws(ProtobufDecodingError) -> String {
    if pointer.pointee == 0 { return "" }
    guard let string = String(validatingCString: pointer) else {
      throw ProtobufDecodingError(code: .invalidUTF8, messageName: "", fieldPath: fieldName(field))
    }
    return string
  }

  /// A `bytes` field; empty when absent.
  package func bytes(_ number: Int32) -> [UInt8] {
    let binary = load(field(number).pointee.offset, as: ProtobufCBinaryData.self)
    return Self.copy(binary)
  }

  private static func copy(_ binary: ProtobufCBinaryData) -> [UInt8] {
    guard binary.len > 0, let data = binary.data else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: binary.len))
  }

  /// A message field; nil when absent.
  package func message<M: ProtobufMessage>(_ number: Int32, as type: M.Type = M.self) throws(ProtobufDecodingError)
    -> M?
  {
    try message(number) { (reader) throws(ProtobufDecodingError) in try M(_protobufReader: reader) }
  }

  /// A message field read with `body`; nil when absent.
  package func message<T>(
    _ number: Int32, _ body: (_MessageReader) throws(ProtobufDecodingError) -> T
  ) throws(ProtobufDecodingError) -> T? {
    let field = field(number)
    guard let pointer = load(field.pointee.offset, as: UnsafeRawPointer?.self) else { return nil }
    return try nested(field) { () throws(ProtobufDecodingError) in
      try body(_MessageReader(pointer, subDescriptor(field)))
    }
  }

  private func subDescriptor(_ field: UnsafePointer<ProtobufCFieldDescriptor>) -> UnsafePointer<
    ProtobufCMessageDescriptor
  > {
    field.pointee.descriptor.assumingMemoryBound(to: ProtobufCMessageDescriptor.self)
  }

  /// Runs `body`, prefixing the field path of a decoding error with this field's name.
  private func nested<T>(
    _ field: UnsafePointer<ProtobufCFieldDescriptor>, index: Int? = nil,
    _ body: () throws(ProtobufDecodingError) -> T
  ) throws(ProtobufDecodingError) -> T {
    do throws(ProtobufDecodingError) {
      return try body()
    } catch {
      var error = error
      var prefix = fieldName(field)
      if let index { prefix += "[\(index)]" }
      error.fieldPath = error.fieldPath.map { "\(prefix).\($0)" } ?? prefix
      throw error
    }
  }

  /// The field number of the member of a oneof that is set (0 = none), given the
  /// number of any member of that oneof.
  package func oneofCase(_ anyMember: Int32) -> Int32 {
    Int32(bitPattern: load(field(anyMember).pointee.quantifier_offset, as: UInt32.self))
  }

  // MARK: Repeated fields

  private func repeated(_ number: Int32) -> (UnsafePointer<ProtobufCFieldDescriptor>, UnsafeRawPointer?, Int) {
    let field = field(number)
    let count = load(field.pointee.quantifier_offset, as: Int.self)
    let array = load(field.pointee.offset, as: UnsafeRawPointer?.self)
    return (field, count > 0 ? array : nil, count)
  }

  /// A repeated numeric field.
  package func repeatedScalar<T: BitwiseCopyable>(_ number: Int32, as type: T.Type = T.self) -> [T] {
    let (_, array, count) = repeated(number)
    guard let array else { return [] }
    return Array(UnsafeBufferPointer(start: array.assumingMemoryBound(to: T.self), count: count))
  }

  /// A repeated `bool` field.
  package func repeatedBool(_ number: Int32) -> [Bool] {
    repeatedScalar(number, as: Int32.self).map { $0 != 0 }
  }

  /// A repeated enum field's numbers.
  package func repeatedEnum(_ number: Int32) -> [Int32] {
    repeatedScalar(number, as: Int32.self)
  }

  /// A repeated `string` field.
  package func repeatedString(_ number: Int32) throws(ProtobufDecodingError) -> [String] {
    let (field, array, count) = repeated(number)
    guard let array else { return [] }
    let pointers = array.assumingMemoryBound(to: UnsafePointer<CChar>?.self)
    var result: [String] = []
    result.reserveCapacity(count)
    for index in 0..<count {
      guard let pointer = pointers[index] else {
        result.append("")
        continue
      }
      let string = try nested(field, index: index) { () throws(ProtobufDecodingError) in
        try decodeString(pointer, field)
      }
      result.append(string)
    }
    return result
  }

  /// A repeated `bytes` field.
  package func repeatedBytes(_ number: Int32) -> [[UInt8]] {
    let (_, array, count) = repeated(number)
    guard let array else { return [] }
    let items = array.assumingMemoryBound(to: ProtobufCBinaryData.self)
    return (0..<count).map { Self.copy(items[$0]) }
  }

  /// A repeated message field.
  package func repeatedMessage<M: ProtobufMessage>(
    _ number: Int32, as type: M.Type = M.self
  ) throws(ProtobufDecodingError) -> [M] {
    try repeatedMessage(number) { (reader) throws(ProtobufDecodingError) in try M(_protobufReader: reader) }
  }

  /// A repeated message field, each element read with `body`.
  package func repeatedMessage<T>(
    _ number: Int32, _ body: (_MessageReader) throws(ProtobufDecodingError) -> T
  ) throws(ProtobufDecodingError) -> [T] {
    let (field, array, count) = repeated(number)
    guard let array else { return [] }
    let pointers = array.assumingMemoryBound(to: UnsafeRawPointer?.self)
    let descriptor = subDescriptor(field)
    var result: [T] = []
    result.reserveCapacity(count)
    for index in 0..<count {
      guard let pointer = pointers[index] else { continue }
      let element = try nested(field, index: index) { () throws(ProtobufDecodingError) in
        try body(_MessageReader(pointer, descriptor))
      }
      result.append(element)
    }
    return result
  }

  /// A map field: its entries' key (field 1) and value (field 2). A repeated key
  /// keeps its last value, as protobuf specifies.
  package func map<Key: Hashable, Value>(
    _ number: Int32,
    key: (_MessageReader) throws(ProtobufDecodingError) -> Key,
    value: (_MessageReader) throws(ProtobufDecodingError) -> Value
  ) throws(ProtobufDecodingError) -> [Key: Value] {
    let entries = try repeatedMessage(number) { (entry) throws(ProtobufDecodingError) in
      (try key(entry), try value(entry))
    }
    return Dictionary(entries, uniquingKeysWith: { _, last in last })
  }

  // MARK: Unknown fields

  /// The fields protobuf-c did not recognise, in the order read.
  package func unknownFields() -> UnknownFields {
    let base = message.assumingMemoryBound(to: ProtobufCMessage.self).pointee
    guard base.n_unknown_fields > 0, let fields = base.unknown_fields else { return UnknownFields() }
    return UnknownFields(
      (0..<Int(base.n_unknown_fields)).map { index in
        let field = fields[index]
        let data: [UInt8] =
          field.len > 0 && field.data != nil
          ? Array(UnsafeBufferPointer(start: field.data, count: field.len)) : []
        return UnknownFields.Field(number: field.tag, wireType: UInt8(field.wire_type.rawValue), data: data)
      })
  }
}
