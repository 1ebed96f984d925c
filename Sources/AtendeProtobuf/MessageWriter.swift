internal import CProtobufC

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Fills a fresh protobuf-c structure field by field. Used by generated code only.
///
/// Everything the writer attaches is allocated with `malloc`, so the finished
/// structure is released with `protobuf_c_message_free_unpacked(message, NULL)`, even
/// when writing stopped half-way with an error.
public struct _MessageWriter {
  let message: UnsafeMutableRawPointer
  let descriptor: UnsafePointer<ProtobufCMessageDescriptor>

  init(_ message: UnsafeMutableRawPointer, _ descriptor: UnsafePointer<ProtobufCMessageDescriptor>) {
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
  func store<T>(_ value: T, at offset: UInt32) {
    message.storeBytes(of: value, toByteOffset: Int(offset), as: T.self)
  }

  /// Marks a singular field as present: the oneof case, or a proto2 `has_` flag.
  /// Returns whether the field must be written even when it holds its default.
  @inline(__always)
  private func markPresent(_ field: UnsafePointer<ProtobufCFieldDescriptor>) -> Bool {
    if field.pointee.flags & PROTOBUF_C_FIELD_FLAG_ONEOF.rawValue != 0 {
      store(field.pointee.id, at: field.pointee.quantifier_offset)
      return true
    }
    if field.pointee.label == PROTOBUF_C_LABEL_OPTIONAL {
      switch field.pointee.type {
      case PROTOBUF_C_TYPE_STRING, PROTOBUF_C_TYPE_MESSAGE: break
      default: store(Int32(1), at: field.pointee.quantifier_offset)
      }
      return true
    }
    return false
  }

  private func encodingError(_ field: UnsafePointer<ProtobufCFieldDescriptor>, _ reason: String)
    -> ProtobufEncodingError
  {
    ProtobufEncodingError(messageName: "", fieldPath: String(cString: field.pointee.name), reason: reason)
  }

  // MARK: Singular fields

  /// A numeric field.
  package func setScalar<T: BitwiseCopyable>(_ number: Int32, _ value: T) {
    let field = field(number)
    _ = markPresent(field)
    store(value, at: field.pointee.offset)
  }

  /// A `bool` field.
  package func setBool(_ number: Int32, _ value: Bool) {
    setScalar(number, Int32(value ? 1 : 0))
  }

  /// An enum field.
  package func setEnum(_ number: Int32, _ value: Int32) {
    setScalar(number, value)
  }

  /// A `string` field. Empty strings of plain proto3 fields are left at the default.
  package func setString(_ number: Int32, _ value: String) throws(ProtobufEncodingError) {
    let field = field(number)
    let required = markPresent(field)
    if value.isEmpty && !required { return }
    store(try duplicate(value, field), at: field.pointee.offset)
  }

  private func duplicate(
    _ value: String, _ field: UnsafePointer<ProtobufCFieldDescriptor>
  ) throws(ProtobufEncodingError) -> UnsafeMutablePointer<CChar> {
    var value = value
    let copy: UnsafeMutablePointer<CChar>? = value.withUTF8 { utf8 in
      if let base = utf8.baseAddress, memchr(base, 0, utf8.count) != nil { return nil }
      let copy = malloc(utf8.count + 1)!.assumingMemoryBound(to: UInt8.self)
      if let base = utf8.baseAddress { copy.initialize(from: base, count: utf8.count) }
      copy[utf8.count] = 0
      return UnsafeMutableRawPointer(copy).assumingMemoryBound(to: CChar.self)
    }
    guard let copy else {
      throw encodingError(field, "contains a NUL character, which protobuf-c cannot encode")
    }
    return copy
  }

  /// A `bytes` field. Empty values of plain proto3 fields are left at the default.
  package func setBytes(_ number: Int32, _ value: [UInt8]) {
    let field = field(number)
    let required = markPresent(field)
    if value.isEmpty && !required { return }
    store(Self.binary(value), at: field.pointee.offset)
  }

  private static func binary(_ value: [UInt8]) -> ProtobufCBinaryData {
    guard !value.isEmpty else { return ProtobufCBinaryData(len: 0, data: nil) }
    let data = malloc(value.count)!.assumingMemoryBound(to: UInt8.self)
    value.withUnsafeBufferPointer { data.initialize(from: $0.baseAddress!, count: value.count) }
    return ProtobufCBinaryData(len: value.count, data: data)
  }

  /// A message field; nil leaves it absent.
  package func setMessage<M: ProtobufMessage>(_ number: Int32, _ value: M?) throws(ProtobufEncodingError) {
    guard let value else { return }
    try setMessage(number) { (writer) throws(ProtobufEncodingError) in try value._protobufWrite(to: writer) }
  }

  /// A message field written by `body`.
  package func setMessage(
    _ number: Int32, _ body: (_MessageWriter) throws(ProtobufEncodingError) -> Void
  ) throws(ProtobufEncodingError) {
    let field = field(number)
    _ = markPresent(field)
    let child = try makeChild(field, body)
    store(child, at: field.pointee.offset)
  }

  private func subDescriptor(_ field: UnsafePointer<ProtobufCFieldDescriptor>) -> UnsafePointer<
    ProtobufCMessageDescriptor
  > {
    field.pointee.descriptor.assumingMemoryBound(to: ProtobufCMessageDescriptor.self)
  }

  /// A new sub-message of `field`'s type, filled by `body` (freed again if `body` fails).
  private func makeChild(
    _ field: UnsafePointer<ProtobufCFieldDescriptor>, index: Int? = nil,
    _ body: (_MessageWriter) throws(ProtobufEncodingError) -> Void
  ) throws(ProtobufEncodingError) -> UnsafeMutablePointer<ProtobufCMessage> {
    let descriptor = subDescriptor(field)
    let child = catende_message_new(descriptor)!
    do throws(ProtobufEncodingError) {
      try body(_MessageWriter(UnsafeMutableRawPointer(child), descriptor))
    } catch {
      protobuf_c_message_free_unpacked(child, nil)
      var error = error
      var prefix = String(cString: field.pointee.name)
      if let index { prefix += "[\(index)]" }
      error.fieldPath = "\(prefix).\(error.fieldPath)"
      throw error
    }
    return child
  }

  // MARK: Repeated fields

  /// Allocates a zeroed array of `count` elements for a repeated field and stores it
  /// with its count, so that a half-filled array is still freed correctly.
  private func allocateRepeated<T>(
    _ field: UnsafePointer<ProtobufCFieldDescriptor>, count: Int, of type: T.Type
  ) -> UnsafeMutablePointer<T> {
    let array = calloc(count, MemoryLayout<T>.stride)!
    store(array, at: field.pointee.offset)
    store(count, at: field.pointee.quantifier_offset)
    return array.assumingMemoryBound(to: T.self)
  }

  /// A repeated numeric field.
  package func setRepeatedScalar<T: BitwiseCopyable>(_ number: Int32, _ values: [T]) {
    guard !values.isEmpty else { return }
    let array = allocateRepeated(field(number), count: values.count, of: T.self)
    values.withUnsafeBufferPointer { array.update(from: $0.baseAddress!, count: values.count) }
  }

  /// A repeated `bool` field.
  package func setRepeatedBool(_ number: Int32, _ values: [Bool]) {
    setRepeatedScalar(number, values.map { Int32($0 ? 1 : 0) })
  }

  /// A repeated enum field.
  package func setRepeatedEnum(_ number: Int32, _ values: [Int32]) {
    setRepeatedScalar(number, values)
  }

  /// A repeated `string` field.
  package func setRepeatedString(_ number: Int32, _ values: [String]) throws(ProtobufEncodingError) {
    guard !values.isEmpty else { return }
    let field = field(number)
    let array = allocateRepeated(field, count: values.count, of: UnsafeMutablePointer<CChar>?.self)
    for (index, value) in values.enumerated() {
      do throws(ProtobufEncodingError) {
        array[index] = try duplicate(value, field)
      } catch {
        var error = error
        error.fieldPath += "[\(index)]"
        throw error
      }
    }
  }

  /// A repeated `bytes` field.
  package func setRepeatedBytes(_ number: Int32, _ values: [[UInt8]]) {
    guard !values.isEmpty else { return }
    let array = allocateRepeated(field(number), count: values.count, of: ProtobufCBinaryData.self)
    for (index, value) in values.enumerated() {
      array[index] = Self.binary(value)
    }
  }

  /// A repeated message field.
  package func setRepeatedMessage<M: ProtobufMessage>(_ number: Int32, _ values: [M]) throws(ProtobufEncodingError) {
    try setRepeatedMessages(number, values) { (writer, value) throws(ProtobufEncodingError) in
      try value._protobufWrite(to: writer)
    }
  }

  /// A repeated message field, each element written by `body`.
  package func setRepeatedMessages<Element>(
    _ number: Int32, _ values: [Element],
    _ body: (_MessageWriter, Element) throws(ProtobufEncodingError) -> Void
  ) throws(ProtobufEncodingError) {
    guard !values.isEmpty else { return }
    let field = field(number)
    let array = allocateRepeated(field, count: values.count, of: UnsafeMutablePointer<ProtobufCMessage>?.self)
    for (index, value) in values.enumerated() {
      array[index] = try makeChild(field, index: index) { (writer) throws(ProtobufEncodingError) in
        try body(writer, value)
      }
    }
  }

  /// A map field: one entry message per element, key in field 1 and value in field 2.
  package func setMap<Key, Value>(
    _ number: Int32, _ values: [Key: Value],
    key: (_MessageWriter, Key) throws(ProtobufEncodingError) -> Void,
    value: (_MessageWriter, Value) throws(ProtobufEncodingError) -> Void
  ) throws(ProtobufEncodingError) {
    guard !values.isEmpty else { return }
    let field = field(number)
    let array = allocateRepeated(field, count: values.count, of: UnsafeMutablePointer<ProtobufCMessage>?.self)
    for (index, element) in values.enumerated() {
      array[index] = try makeChild(field, index: index) { (writer) throws(ProtobufEncodingError) in
        try key(writer, element.key)
        try value(writer, element.value)
      }
    }
  }

  // MARK: Unknown fields

  /// Re-attaches fields read earlier that this schema does not declare.
  package func setUnknownFields(_ unknown: UnknownFields) {
    guard !unknown.isEmpty else { return }
    let base = message.assumingMemoryBound(to: ProtobufCMessage.self)
    let count = unknown.fields.count
    let array = calloc(count, MemoryLayout<ProtobufCMessageUnknownField>.stride)!
      .assumingMemoryBound(to: ProtobufCMessageUnknownField.self)
    base.pointee.unknown_fields = array
    base.pointee.n_unknown_fields = UInt32(count)
    for (index, field) in unknown.fields.enumerated() {
      let binary = Self.binary(field.data)
      array[index] = ProtobufCMessageUnknownField(
        tag: field.number, wire_type: ProtobufCWireType(rawValue: UInt32(field.wireType)),
        len: binary.len, data: binary.data)
    }
  }
}
