internal import AtendeProtobuf
import Foundation

/// A JSON value, read and written through Foundation's `JSONDecoder` and `JSONEncoder`.
package enum JSONNode: Codable, Equatable, Sendable {
  case null
  case bool(Bool)
  case integer(Int64)
  case number(Double)
  case string(String)
  case array([JSONNode])
  case object([String: JSONNode])

  package init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    if container.decodeNil() {
      self = .null
    } else if let value = try? container.decode(Bool.self) {
      self = .bool(value)
    } else if let value = try? container.decode(Int64.self) {
      self = .integer(value)
    } else if let value = try? container.decode(Double.self) {
      self = .number(value)
    } else if let value = try? container.decode(String.self) {
      self = .string(value)
    } else if let value = try? container.decode([JSONNode].self) {
      self = .array(value)
    } else {
      self = .object(try container.decode([String: JSONNode].self))
    }
  }

  package func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    switch self {
    case .null: try container.encodeNil()
    case .bool(let value): try container.encode(value)
    case .integer(let value): try container.encode(value)
    case .number(let value): try container.encode(value)
    case .string(let value): try container.encode(value)
    case .array(let value): try container.encode(value)
    case .object(let value): try container.encode(value)
    }
  }

  /// Reads JSON text.
  package init(parsing text: String) throws(DynamicCodingError) {
    do {
      self = try JSONDecoder().decode(JSONNode.self, from: Data(text.utf8))
    } catch {
      throw DynamicCodingError(path: "", reason: "not valid JSON")
    }
  }

  /// The value as JSON text on one line, object keys sorted.
  package var text: String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
  }
}

/// Why a message could not be converted between JSON and protobuf through descriptors:
/// the field at fault (a JSON path such as `ticket.contacts[0].name`) and the reason.
package struct DynamicCodingError: Error, CustomStringConvertible, Sendable {
  package var path: String
  package var reason: String
  package var description: String { path.isEmpty ? reason : "\(path): \(reason)" }
}

/// What reflection says of a method.
package struct MethodShape: Sendable {
  package var service: String
  package var name: String
  /// Full names, without a leading dot.
  package var inputType: String
  package var outputType: String
  package var clientStreaming: Bool
  package var serverStreaming: Bool
  package var idempotent: Bool
}

/// Messages converted between proto3 JSON and the protobuf wire format through the
/// descriptors alone, as grpcurl does: what `atende call` sends and prints.
extension ProtoSchema {
  private static let maxDepth = 64

  /// The method named `Service/Method` (or `Service.Method`); nil when unknown.
  package func method(_ path: String) -> MethodShape? {
    guard let separator = path.lastIndex(of: "/") ?? path.lastIndex(of: "."),
      let service = serviceDesc(String(path[..<separator])),
      let method = service.methods.first(where: { $0.name == path[path.index(after: separator)...] })
    else { return nil }
    return MethodShape(
      service: service.fullName, name: method.name, inputType: String(method.inputType.dropFirst()),
      outputType: String(method.outputType.dropFirst()), clientStreaming: method.clientStreaming,
      serverStreaming: method.serverStreaming, idempotent: method.idempotent)
  }

  // MARK: JSON → protobuf

  /// The message `type` (full name) that `json` describes, encoded.
  package func encode(_ json: JSONNode, as type: String) throws(DynamicCodingError) -> [UInt8] {
    guard let message = messageDesc(type) else { throw DynamicCodingError(path: "", reason: "unknown type \(type)") }
    return try encode(json, message, path: "", depth: 0)
  }

  private func encode(_ json: JSONNode, _ message: MessageDesc, path: String, depth: Int) throws(DynamicCodingError)
    -> [UInt8]
  {
    guard depth < Self.maxDepth else { throw DynamicCodingError(path: path, reason: "nested too deep") }
    if let wellKnown = try encodeWellKnown(json, message, path: path) { return wellKnown }
    guard case .object(let object) = json else {
      throw DynamicCodingError(path: path, reason: "expected an object for \(message.fullName.dropFirst())")
    }
    var bytes: [UInt8] = []
    var oneofSeen: [Int: String] = [:]
    var fieldSeen: [Int32: String] = [:]
    for key in object.keys.sorted() {
      let value = object[key]!
      let fieldPath = path.isEmpty ? key : path + "." + key
      guard let field = message.fields.first(where: { $0.jsonName == key || $0.name == key }) else {
        throw DynamicCodingError(path: fieldPath, reason: "\(message.fullName.dropFirst()) has no such field")
      }
      if let other = fieldSeen.updateValue(key, forKey: field.number) {
        throw DynamicCodingError(path: fieldPath, reason: "'\(other)' and '\(key)' are one field")
      }
      if value == .null { continue }
      if let oneof = field.oneofIndex, !field.isProto3Optional {
        if let other = oneofSeen[oneof] {
          throw DynamicCodingError(path: fieldPath, reason: "'\(other)' is set: only one field of a oneof may be")
        }
        oneofSeen[oneof] = key
      }
      if let entry = mapEntry(field) {
        guard case .object(let map) = value else {
          throw DynamicCodingError(path: fieldPath, reason: "expected an object")
        }
        for mapKey in map.keys.sorted() {
          let entryPath = fieldPath + "." + mapKey
          var entryBytes = try encodeValue(
            try mapKeyNode(mapKey, entry.key, path: entryPath), entry.key, path: entryPath, depth: depth, tag: 1)
          entryBytes += try encodeValue(map[mapKey]!, entry.value, path: entryPath, depth: depth, tag: 2)
          appendTag(field.number, 2, to: &bytes)
          appendLengthDelimited(entryBytes, to: &bytes)
        }
      } else if field.isRepeated {
        guard case .array(let items) = value else {
          throw DynamicCodingError(path: fieldPath, reason: "expected an array")
        }
        for (index, item) in items.enumerated() {
          bytes += try encodeValue(item, field, path: "\(fieldPath)[\(index)]", depth: depth, tag: field.number)
        }
      } else {
        bytes += try encodeValue(value, field, path: fieldPath, depth: depth, tag: field.number)
      }
    }
    return bytes
  }

  /// A map key's JSON string as the key field's JSON value.
  private func mapKeyNode(_ key: String, _ field: FieldDesc, path: String) throws(DynamicCodingError) -> JSONNode {
    switch field.type {
    case .string: return .string(key)
    case .bool:
      guard key == "true" || key == "false" else { throw DynamicCodingError(path: path, reason: "not a bool key") }
      return .bool(key == "true")
    default: return .string(key)
    }
  }

  /// One value of `field` with its tag.
  private func encodeValue(_ json: JSONNode, _ field: FieldDesc, path: String, depth: Int, tag: Int32)
    throws(DynamicCodingError) -> [UInt8]
  {
    var bytes: [UInt8] = []
    func varint(_ value: UInt64) {
      appendTag(tag, 0, to: &bytes)
      appendVarintValue(value, to: &bytes)
    }
    switch field.type {
    case .int32, .int64, .uint32, .uint64, .sint32, .sint64:
      let value = try integer(json, field.type, path: path)
      switch field.type {
      case .sint32, .sint64: varint(UInt64(bitPattern: (value.signed << 1) ^ (value.signed >> 63)))
      case .uint32, .uint64: varint(value.unsigned)
      default: varint(UInt64(bitPattern: value.signed))
      }
    case .fixed32, .sfixed32:
      let value = try integer(json, field.type, path: path)
      appendTag(tag, 5, to: &bytes)
      let raw =
        field.type == .fixed32 ? UInt32(truncatingIfNeeded: value.unsigned) : UInt32(bitPattern: Int32(value.signed))
      withUnsafeBytes(of: raw.littleEndian) { bytes += $0 }
    case .fixed64, .sfixed64:
      let value = try integer(json, field.type, path: path)
      appendTag(tag, 1, to: &bytes)
      let raw = field.type == .fixed64 ? value.unsigned : UInt64(bitPattern: value.signed)
      withUnsafeBytes(of: raw.littleEndian) { bytes += $0 }
    case .float:
      let value = try floating(json, path: path)
      guard !value.isFinite || Float(value).isFinite else {
        throw DynamicCodingError(path: path, reason: "\(value) is out of range for a float")
      }
      appendTag(tag, 5, to: &bytes)
      withUnsafeBytes(of: Float(value).bitPattern.littleEndian) { bytes += $0 }
    case .double:
      appendTag(tag, 1, to: &bytes)
      withUnsafeBytes(of: try floating(json, path: path).bitPattern.littleEndian) { bytes += $0 }
    case .bool:
      guard case .bool(let value) = json else { throw DynamicCodingError(path: path, reason: "expected true or false") }
      varint(value ? 1 : 0)
    case .string:
      guard case .string(let value) = json else { throw DynamicCodingError(path: path, reason: "expected a string") }
      appendTag(tag, 2, to: &bytes)
      appendLengthDelimited(Array(value.utf8), to: &bytes)
    case .bytes:
      guard case .string(let text) = json, let data = base64(text) else {
        throw DynamicCodingError(path: path, reason: "expected base64")
      }
      appendTag(tag, 2, to: &bytes)
      appendLengthDelimited(data, to: &bytes)
    case .enum:
      guard let enumeration = enumDesc(String(field.typeName.dropFirst())) else {
        throw DynamicCodingError(path: path, reason: "unknown enum \(field.typeName)")
      }
      switch json {
      case .integer(let number) where Int32(exactly: number) != nil: varint(UInt64(bitPattern: number))
      case .string(let name):
        guard let value = enumeration.values.first(where: { $0.name == name }) else {
          throw DynamicCodingError(path: path, reason: "\(enumeration.fullName.dropFirst()) has no value '\(name)'")
        }
        varint(UInt64(bitPattern: Int64(value.number)))
      default: throw DynamicCodingError(path: path, reason: "expected an enum value's name")
      }
    case .message:
      guard let message = messageDesc(String(field.typeName.dropFirst())) else {
        throw DynamicCodingError(path: path, reason: "unknown type \(field.typeName)")
      }
      appendTag(tag, 2, to: &bytes)
      appendLengthDelimited(try encode(json, message, path: path, depth: depth + 1), to: &bytes)
    case .group: throw DynamicCodingError(path: path, reason: "groups are not supported")
    }
    return bytes
  }

  private func integer(_ json: JSONNode, _ type: FieldType, path: String) throws(DynamicCodingError)
    -> (signed: Int64, unsigned: UInt64)
  {
    let range: ClosedRange<Double> =
      switch type {
      case .int32, .sint32, .sfixed32: Double(Int32.min)...Double(Int32.max)
      case .uint32, .fixed32: 0...Double(UInt32.max)
      case .uint64, .fixed64: 0...Double(UInt64.max)
      default: Double(Int64.min)...Double(Int64.max)
      }
    let unsignedType = type == .uint32 || type == .fixed32 || type == .uint64 || type == .fixed64
    switch json {
    case .integer(let value):
      guard range.contains(Double(value)), !(unsignedType && value < 0) else {
        throw DynamicCodingError(path: path, reason: "\(value) is out of range")
      }
      return (value, UInt64(bitPattern: value))
    case .string(let text):
      if unsignedType, let value = UInt64(text), range.contains(Double(value)) {
        return (Int64(bitPattern: value), value)
      }
      if !unsignedType, let value = Int64(text), range.contains(Double(value)) {
        return (value, UInt64(bitPattern: value))
      }
      throw DynamicCodingError(path: path, reason: "'\(text)' is not an integer in range")
    case .number(let value):
      if unsignedType, let exact = UInt64(exactly: value), range.contains(value) {
        return (Int64(bitPattern: exact), exact)
      }
      guard !unsignedType, range.contains(value), let exact = Int64(exactly: value) else {
        throw DynamicCodingError(path: path, reason: "\(value) is not an integer in range")
      }
      return (exact, UInt64(bitPattern: exact))
    default: throw DynamicCodingError(path: path, reason: "expected an integer")
    }
  }

  private func floating(_ json: JSONNode, path: String) throws(DynamicCodingError) -> Double {
    switch json {
    case .integer(let value): return Double(value)
    case .number(let value): return value
    case .string("NaN"): return .nan
    case .string("Infinity"): return .infinity
    case .string("-Infinity"): return -.infinity
    case .string(let text):
      guard let value = Double(text), value.isFinite else {
        throw DynamicCodingError(path: path, reason: "'\(text)' is not a number")
      }
      return value
    default: throw DynamicCodingError(path: path, reason: "expected a number")
    }
  }

  private func base64(_ text: String) -> [UInt8]? {
    var text = String(text.map { $0 == "-" ? "+" : $0 == "_" ? "/" : $0 })
    text += String(repeating: "=", count: (4 - text.count % 4) % 4)
    return Data(base64Encoded: text).map { [UInt8]($0) }
  }

  /// The well-known types with a JSON form of their own: the runtime's types convert them.
  private static let wellKnown: [String: any ProtobufJSONMessage.Type] = [
    ".google.protobuf.Timestamp": Google_Protobuf_Timestamp.self,
    ".google.protobuf.Duration": Google_Protobuf_Duration.self,
    ".google.protobuf.FieldMask": Google_Protobuf_FieldMask.self,
    ".google.protobuf.Empty": Google_Protobuf_Empty.self,
  ]

  /// A well-known type's value, encoded through the runtime's type.
  private func encodeWellKnown(_ json: JSONNode, _ message: MessageDesc, path: String) throws(DynamicCodingError)
    -> [UInt8]?
  {
    func convert<M: ProtobufJSONMessage>(_ type: M.Type) throws(DynamicCodingError) -> [UInt8] {
      do {
        return try M(jsonString: json.text).serializedBytes()
      } catch let error as ProtobufJSONError {
        throw DynamicCodingError(path: path, reason: error.reason)
      } catch {
        throw DynamicCodingError(path: path, reason: "\(error)")
      }
    }
    guard let type = Self.wellKnown[message.fullName] else { return nil }
    return try convert(type)
  }

  // MARK: protobuf → JSON

  /// The message `type` (full name) encoded as `bytes`, in proto3 JSON. Fields at their
  /// default are left out unless `includeDefaults`; unknown fields are skipped.
  package func decode(_ bytes: [UInt8], as type: String, includeDefaults: Bool = false) throws(DynamicCodingError)
    -> JSONNode
  {
    guard let message = messageDesc(type) else { throw DynamicCodingError(path: "", reason: "unknown type \(type)") }
    return try decode(bytes[...], message, path: "", depth: 0, includeDefaults: includeDefaults)
  }

  private func decode(
    _ bytes: ArraySlice<UInt8>, _ message: MessageDesc, path: String, depth: Int, includeDefaults: Bool
  ) throws(DynamicCodingError) -> JSONNode {
    guard depth < Self.maxDepth else { throw DynamicCodingError(path: path, reason: "nested too deep") }
    if let wellKnown = try decodeWellKnown(bytes, message, path: path) { return wellKnown }
    // Every value of each field, in order.
    var values: [Int32: [WireValue]] = [:]
    var reader = WireReader(bytes: bytes)
    while let (number, value) = try reader.next(path: path) { values[number, default: []].append(value) }
    var object: [String: JSONNode] = [:]
    for field in message.fields {
      let fieldPath = path.isEmpty ? field.jsonName : path + "." + field.jsonName
      let found = values[field.number] ?? []
      if let entry = mapEntry(field) {
        var map: [String: JSONNode] = [:]
        for value in found {
          guard case .delimited(let entryBytes) = value else {
            throw DynamicCodingError(path: fieldPath, reason: "a map entry of the wrong wire type")
          }
          var entryValues: [Int32: WireValue] = [:]
          var entryReader = WireReader(bytes: entryBytes)
          while let (number, value) = try entryReader.next(path: fieldPath) { entryValues[number] = value }
          let key =
            try entryValues[1].map { wire throws(DynamicCodingError) in
              try scalar(wire, entry.key, path: fieldPath, depth: depth, includeDefaults: includeDefaults)
            } ?? defaultValue(entry.key)
          let keyText: String =
            switch key {
            case .string(let text): text
            case .bool(let value): value ? "true" : "false"
            case .integer(let value): String(value)
            default: key.text
            }
          map[keyText] =
            try entryValues[2].map { wire throws(DynamicCodingError) in
              try scalar(
                wire, entry.value, path: fieldPath + "." + keyText, depth: depth, includeDefaults: includeDefaults)
            } ?? (entry.value.type == .message ? .object([:]) : defaultValue(entry.value))
        }
        if !map.isEmpty || includeDefaults { object[field.jsonName] = .object(map) }
      } else if field.isRepeated {
        var items: [JSONNode] = []
        for value in found {
          if case .delimited(let packed) = value, field.type.isPackable {
            var packedReader = WireReader(bytes: packed)
            while let item = try packedReader.packed(field.type.wireType, path: fieldPath) {
              items.append(try scalar(item, field, path: fieldPath, depth: depth, includeDefaults: includeDefaults))
            }
          } else {
            items.append(try scalar(value, field, path: fieldPath, depth: depth, includeDefaults: includeDefaults))
          }
        }
        if !items.isEmpty || includeDefaults { object[field.jsonName] = .array(items) }
      } else if let last = found.last {
        let value = try scalar(last, field, path: fieldPath, depth: depth, includeDefaults: includeDefaults)
        // Fields with presence (oneof members, proto3 optional) are written when set.
        let isMember = field.oneofIndex != nil
        if isMember || field.type == .message || includeDefaults || value != defaultValue(field) {
          object[field.jsonName] = value
        }
      } else if includeDefaults && field.type != .message && field.oneofIndex == nil {
        object[field.jsonName] = defaultValue(field)
      }
    }
    return .object(object)
  }

  private func defaultValue(_ field: FieldDesc) -> JSONNode {
    switch field.type {
    case .bool: return .bool(false)
    case .string, .bytes: return .string("")
    case .int64, .uint64, .sint64, .fixed64, .sfixed64: return .string("0")
    case .double, .float: return .integer(0)
    case .enum:
      let enumeration = enumDesc(String(field.typeName.dropFirst()))
      return enumeration.map { .string($0.defaultValue.name) } ?? .integer(0)
    case .message, .group: return .null
    default: return .integer(0)
    }
  }

  /// One value of `field` as JSON.
  private func scalar(_ wire: WireValue, _ field: FieldDesc, path: String, depth: Int, includeDefaults: Bool)
    throws(DynamicCodingError) -> JSONNode
  {
    let mismatch = DynamicCodingError(path: path, reason: "wire type does not match \(field.type)")
    switch (field.type, wire) {
    case (.int32, .varint(let v)): return .integer(Int64(Int32(truncatingIfNeeded: v)))
    case (.uint32, .varint(let v)): return .integer(Int64(UInt32(truncatingIfNeeded: v)))
    case (.int64, .varint(let v)): return .string(String(Int64(bitPattern: v)))
    case (.uint64, .varint(let v)): return .string(String(v))
    case (.sint32, .varint(let v)):
      return .integer(Int64(Int32(truncatingIfNeeded: Int64(bitPattern: v >> 1) ^ -Int64(v & 1))))
    case (.sint64, .varint(let v)): return .string(String(Int64(bitPattern: v >> 1) ^ -Int64(v & 1)))
    case (.bool, .varint(let v)): return .bool(v != 0)
    case (.enum, .varint(let v)):
      let number = Int32(truncatingIfNeeded: v)
      let name = enumDesc(String(field.typeName.dropFirst()))?.values.first { $0.number == number }?.name
      return name.map(JSONNode.string) ?? .integer(Int64(number))
    case (.fixed32, .fixed32(let v)): return .integer(Int64(v))
    case (.sfixed32, .fixed32(let v)): return .integer(Int64(Int32(bitPattern: v)))
    case (.float, .fixed32(let v)): return floatNode(Double(Float(bitPattern: v)))
    case (.fixed64, .fixed64(let v)): return .string(String(v))
    case (.sfixed64, .fixed64(let v)): return .string(String(Int64(bitPattern: v)))
    case (.double, .fixed64(let v)): return floatNode(Double(bitPattern: v))
    case (.string, .delimited(let bytes)):
      guard let text = String(validating: bytes, as: UTF8.self) else {
        throw DynamicCodingError(path: path, reason: "a string is not valid UTF-8")
      }
      return .string(text)
    case (.bytes, .delimited(let bytes)): return .string(Data(bytes).base64EncodedString())
    case (.message, .delimited(let bytes)):
      guard let message = messageDesc(String(field.typeName.dropFirst())) else {
        throw DynamicCodingError(path: path, reason: "unknown type \(field.typeName)")
      }
      return try decode(bytes, message, path: path, depth: depth + 1, includeDefaults: includeDefaults)
    default: throw mismatch
    }
  }

  private func floatNode(_ value: Double) -> JSONNode {
    if value.isNaN { return .string("NaN") }
    if value.isInfinite { return .string(value < 0 ? "-Infinity" : "Infinity") }
    return .number(value)
  }

  private func decodeWellKnown(_ bytes: ArraySlice<UInt8>, _ message: MessageDesc, path: String)
    throws(DynamicCodingError) -> JSONNode?
  {
    func convert<M: ProtobufJSONMessage>(_ type: M.Type) throws(DynamicCodingError) -> JSONNode {
      do {
        return try JSONNode(parsing: try M(serializedBytes: Array(bytes)).jsonString())
      } catch let error as DynamicCodingError {
        throw error
      } catch {
        throw DynamicCodingError(path: path, reason: "\(error)")
      }
    }
    guard let type = Self.wellKnown[message.fullName] else { return nil }
    return try convert(type)
  }
}

// MARK: Wire format

private enum WireValue {
  case varint(UInt64)
  case fixed64(UInt64)
  case fixed32(UInt32)
  case delimited(ArraySlice<UInt8>)
}

private struct WireReader {
  var bytes: ArraySlice<UInt8>

  mutating func varint(path: String) throws(DynamicCodingError) -> UInt64 {
    var value: UInt64 = 0
    var shift: UInt64 = 0
    while let byte = bytes.first {
      bytes = bytes.dropFirst()
      guard shift < 64 else { break }
      value |= UInt64(byte & 0x7f) << shift
      if byte & 0x80 == 0 { return value }
      shift += 7
    }
    throw DynamicCodingError(path: path, reason: "a truncated or overlong varint")
  }

  private mutating func take(_ count: Int, path: String) throws(DynamicCodingError) -> ArraySlice<UInt8> {
    guard count <= bytes.count else { throw DynamicCodingError(path: path, reason: "a value runs past the end") }
    defer { bytes = bytes.dropFirst(count) }
    return bytes.prefix(count)
  }

  private mutating func fixed64(path: String) throws(DynamicCodingError) -> UInt64 {
    try take(8, path: path).reversed().reduce(0) { $0 << 8 | UInt64($1) }
  }

  private mutating func fixed32(path: String) throws(DynamicCodingError) -> UInt32 {
    try take(4, path: path).reversed().reduce(0) { $0 << 8 | UInt32($1) }
  }

  /// The next field's number and value; nil at the end.
  mutating func next(path: String) throws(DynamicCodingError) -> (Int32, WireValue)? {
    guard !bytes.isEmpty else { return nil }
    let tag = try varint(path: path)
    let number = tag >> 3
    guard number > 0, number < 1 << 29 else { throw DynamicCodingError(path: path, reason: "a bad field number") }
    switch tag & 7 {
    case 0: return (Int32(number), .varint(try varint(path: path)))
    case 1: return (Int32(number), .fixed64(try fixed64(path: path)))
    case 5: return (Int32(number), .fixed32(try fixed32(path: path)))
    case 2:
      let length = try varint(path: path)
      guard length <= UInt64(bytes.count) else {
        throw DynamicCodingError(path: path, reason: "a length runs past the end")
      }
      return (Int32(number), .delimited(try take(Int(length), path: path)))
    default: throw DynamicCodingError(path: path, reason: "wire type \(tag & 7) is not supported")
    }
  }

  /// The next element of a packed repeated field of `wireType`; nil at the end.
  mutating func packed(_ wireType: UInt8, path: String) throws(DynamicCodingError) -> WireValue? {
    guard !bytes.isEmpty else { return nil }
    switch wireType {
    case 0: return .varint(try varint(path: path))
    case 1: return .fixed64(try fixed64(path: path))
    default: return .fixed32(try fixed32(path: path))
    }
  }
}

extension FieldType {
  /// Whether repeated values of this type may be packed (numbers, bools and enums).
  var isPackable: Bool { ![.string, .bytes, .message, .group].contains(self) }

  /// The wire type of one value.
  var wireType: UInt8 {
    switch self {
    case .double, .fixed64, .sfixed64: 1
    case .float, .fixed32, .sfixed32: 5
    case .string, .bytes, .message, .group: 2
    default: 0
    }
  }
}

private func appendVarintValue(_ value: UInt64, to bytes: inout [UInt8]) {
  var value = value
  while value >= 0x80 {
    bytes.append(UInt8(value & 0x7f) | 0x80)
    value >>= 7
  }
  bytes.append(UInt8(value))
}

private func appendTag(_ number: Int32, _ wireType: UInt8, to bytes: inout [UInt8]) {
  appendVarintValue(UInt64(number) << 3 | UInt64(wireType), to: &bytes)
}

private func appendLengthDelimited(_ value: [UInt8], to bytes: inout [UInt8]) {
  appendVarintValue(UInt64(value.count), to: &bytes)
  bytes += value
}
