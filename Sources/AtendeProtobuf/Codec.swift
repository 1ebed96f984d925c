internal import CProtobufC

/// Decodes `buffer` as a message of `type` with protobuf-c, within the options'
/// allocation budget, and reads it with `body` before protobuf-c's copy is freed.
package func withDecodedMessage<T>(
  _ type: _MessageType,
  from buffer: UnsafeRawBufferPointer,
  options: ProtobufDecodingOptions = .init(),
  _ body: (_MessageReader) throws(ProtobufDecodingError) -> T
) throws(ProtobufDecodingError) -> T {
  let descriptor = type.descriptor
  let maxDepth = max(0, options.maxNestingDepth)
  if type.schemaDepth.map({ $0 > maxDepth }) ?? true, let bytes = buffer.baseAddress,
    catende_nesting_exceeds(
      descriptor, bytes.assumingMemoryBound(to: UInt8.self), buffer.count, UInt32(clamping: maxDepth)) != 0
  {
    throw ProtobufDecodingError(code: .nestingTooDeep, messageName: type.fullName)
  }
  var budget = catende_budget(used: 0, limit: max(0, options.allocationBudget), exceeded: 0)
  return try withUnsafeMutablePointer(to: &budget) { (budgetPointer) throws(ProtobufDecodingError) -> T in
    var allocator = catende_budget_allocator(budgetPointer)
    let bytes = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self)
    guard let decoded = protobuf_c_message_unpack(descriptor, &allocator, buffer.count, bytes) else {
      let code: ProtobufDecodingError.Code =
        budgetPointer.pointee.exceeded != 0 ? .allocationBudgetExceeded : .malformed
      throw ProtobufDecodingError(code: code, messageName: type.fullName)
    }
    defer { protobuf_c_message_free_unpacked(decoded, &allocator) }
    do throws(ProtobufDecodingError) {
      return try body(_MessageReader(UnsafeRawPointer(decoded), descriptor))
    } catch {
      var error = error
      error.messageName = type.fullName
      throw error
    }
  }
}

/// Builds a protobuf-c structure of `type` with `write`, then calls `body` with its
/// packed size and a function that packs it into a buffer of at least that size.
package func withPackedMessage<Result>(
  _ type: _MessageType,
  write: (_MessageWriter) throws(ProtobufEncodingError) -> Void,
  _ body: (_ size: Int, _ pack: (UnsafeMutableRawBufferPointer) -> Void) -> Result
) throws(ProtobufEncodingError) -> Result {
  let descriptor = type.descriptor
  let message = catende_message_new(descriptor)!
  defer { protobuf_c_message_free_unpacked(message, nil) }
  do throws(ProtobufEncodingError) {
    try write(_MessageWriter(UnsafeMutableRawPointer(message), descriptor))
  } catch {
    var error = error
    error.messageName = type.fullName
    throw error
  }
  let size = protobuf_c_message_get_packed_size(message)
  return body(size) { buffer in
    precondition(buffer.count >= size)
    let written = protobuf_c_message_pack(message, buffer.baseAddress!.assumingMemoryBound(to: UInt8.self))
    precondition(written == size, "protobuf-c packed \(written) bytes, expected \(size)")
  }
}

/// The packed bytes of a protobuf-c structure of `type` written by `write`.
package func packMessage(
  _ type: _MessageType, write: (_MessageWriter) throws(ProtobufEncodingError) -> Void
) throws(ProtobufEncodingError) -> [UInt8] {
  try withPackedMessage(type, write: write) { size, pack in
    [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
      pack(UnsafeMutableRawBufferPointer(buffer))
      count = size
    }
  }
}

func _decodeMessage<Message: ProtobufMessage>(
  _ type: Message.Type,
  from buffer: UnsafeRawBufferPointer,
  options: ProtobufDecodingOptions
) throws(ProtobufDecodingError) -> Message {
  try withDecodedMessage(Message._protobufMessageType, from: buffer, options: options) {
    (reader) throws(ProtobufDecodingError) in try Message(_protobufReader: reader)
  }
}

extension ProtobufMessage {
  /// Builds the protobuf-c structure of this message and calls `body` with its packed
  /// size and a function that packs it into a buffer of at least that size.
  package func _withPackedMessage<Result>(
    _ body: (_ size: Int, _ pack: (UnsafeMutableRawBufferPointer) -> Void) -> Result
  ) throws(ProtobufEncodingError) -> Result {
    try withPackedMessage(Self._protobufMessageType, write: _protobufWrite, body)
  }
}
