#if canImport(FoundationEssentials)
  public import FoundationEssentials
#else
  public import Foundation
#endif

// Proto3's canonical JSON mapping (https://protobuf.dev/programming-guides/json/) through
// Swift's Codable: every generated message is Codable, so JSONEncoder and JSONDecoder
// read and write it, and a message can sit inside a caller's own Codable types.
//
// - Field names are the .proto's JSON names (lowerCamelCase) on output; the original
//   names are accepted too on input.
// - Fields at their default value are left out (a oneof's member is always written).
// - Enums are written by name (an unknown value by number) and read by name or number.
// - 64-bit integers are strings; bytes are base64; maps are objects keyed by strings.
// - Timestamp, Duration and FieldMask are strings (RFC 3339, "1.5s", "a.b,c").
// - Unknown fields are refused, unless the decoder is told to ignore them
//   (`ProtobufJSONDecodingOptions.ignoreUnknownFields`).

/// A generated message that reads and writes proto3 JSON.
public protocol ProtobufJSONMessage: ProtobufMessage, Codable, _ProtobufJSONValue {}

extension ProtobufJSONMessage {
  public var _isDefaultJSONValue: Bool { false }
  public func _encodeJSONValue(to encoder: any Encoder) throws { try encode(to: encoder) }
  public init(_jsonValueFrom decoder: any Decoder) throws { try self.init(from: decoder) }
}

/// How JSON is read into messages.
public struct ProtobufJSONDecodingOptions: Sendable {
  /// Whether fields the message does not have are skipped (true) or refused (false, the
  /// default: a misspelt field name should not be silently lost).
  public var ignoreUnknownFields = false

  public init(ignoreUnknownFields: Bool = false) { self.ignoreUnknownFields = ignoreUnknownFields }
}

/// How messages are written as JSON.
public struct ProtobufJSONEncodingOptions: Sendable {
  /// Indented over several lines (true) or on one line (false, the default).
  public var prettyPrinted = false
  /// Whether fields at their default value are written too (`0`, `""`, `false`, `[]`,
  /// `{}`, the enum's zero value), as protobuf's "always print fields with no presence"
  /// does; message fields that are not set are still left out. Off by default (the
  /// canonical form); on, every field is there for scripts to read, and reading the JSON
  /// back gives the same message.
  public var includeDefaultValues = false

  public init(prettyPrinted: Bool = false, includeDefaultValues: Bool = false) {
    self.prettyPrinted = prettyPrinted
    self.includeDefaultValues = includeDefaultValues
  }
}

/// Why JSON could not be read into a message: the field at fault and what is wrong.
public struct ProtobufJSONError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The message type being read, e.g. `"atende.tickets.v1.Ticket"`.
  public var messageName: String
  /// The field at fault as a path of JSON names (`ticket.contacts[0].name`); empty for
  /// the message as a whole.
  public var fieldPath: String
  /// What is wrong with it.
  public var reason: String

  public init(messageName: String, fieldPath: String, reason: String) {
    self.messageName = messageName
    self.fieldPath = fieldPath
    self.reason = reason
  }

  public var description: String {
    fieldPath.isEmpty
      ? "cannot read \(messageName) from JSON: \(reason)"
      : "cannot read \(messageName) from JSON: field '\(fieldPath)': \(reason)"
  }
}

extension CodingUserInfoKey {
  /// A `Bool`: whether generated messages skip JSON fields they do not have.
  public static let protobufJSONIgnoreUnknownFields = CodingUserInfoKey(
    rawValue: "atende.protobuf.json.ignoreUnknownFields")!
  /// A `Bool`: whether generated messages write fields at their default value too.
  public static let protobufJSONIncludeDefaultValues = CodingUserInfoKey(
    rawValue: "atende.protobuf.json.includeDefaultValues")!
}

extension Encoder {
  /// Whether the encoder asks for fields at their default value (generated code reads it).
  public var _protobufJSONIncludesDefaults: Bool {
    userInfo[.protobufJSONIncludeDefaultValues] as? Bool == true
  }
}

extension ProtobufJSONMessage {
  /// The message as proto3 JSON (keys sorted, so the same message always gives the same text).
  public func jsonString(options: ProtobufJSONEncodingOptions = .init()) throws -> String {
    String(decoding: try jsonData(options: options), as: UTF8.self)
  }

  /// The message as proto3 JSON, UTF-8.
  public func jsonData(options: ProtobufJSONEncodingOptions = .init()) throws -> Data {
    let encoder = JSONEncoder()
    encoder.userInfo[.protobufJSONIncludeDefaultValues] = options.includeDefaultValues
    encoder.outputFormatting =
      options.prettyPrinted
      ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(self)
  }

  /// Reads a message from proto3 JSON.
  ///
  /// - Throws: ``ProtobufJSONError`` naming the field at fault and the reason.
  public init(jsonString text: String, options: ProtobufJSONDecodingOptions = .init()) throws(ProtobufJSONError) {
    try self.init(jsonData: Data(text.utf8), options: options)
  }

  /// Reads a message from proto3 JSON, UTF-8.
  ///
  /// - Throws: ``ProtobufJSONError`` naming the field at fault and the reason.
  public init(jsonData data: Data, options: ProtobufJSONDecodingOptions = .init()) throws(ProtobufJSONError) {
    let decoder = JSONDecoder()
    decoder.userInfo[.protobufJSONIgnoreUnknownFields] = options.ignoreUnknownFields
    do {
      self = try decoder.decode(Self.self, from: data)
    } catch let error as DecodingError {
      throw ProtobufJSONError(Self.protobufMessageName, error)
    } catch {
      throw ProtobufJSONError(messageName: Self.protobufMessageName, fieldPath: "", reason: "\(error)")
    }
  }
}

extension ProtobufJSONError {
  init(_ messageName: String, _ error: DecodingError) {
    func path(_ keys: [any CodingKey]) -> String {
      var text = ""
      for key in keys {
        if let index = key.intValue {
          text += "[\(index)]"
        } else {
          text += text.isEmpty ? key.stringValue : "." + key.stringValue
        }
      }
      return text
    }
    switch error {
    case .dataCorrupted(let context):
      // The JSON text itself is broken when the path is empty.
      // JSONDecoder's own words when the text is not JSON at all.
      let reason =
        context.codingPath.isEmpty && context.debugDescription.contains("not valid JSON")
        ? "not valid JSON" : context.debugDescription
      self.init(messageName: messageName, fieldPath: path(context.codingPath), reason: reason)
    case .typeMismatch(let type, let context):
      self.init(
        messageName: messageName, fieldPath: path(context.codingPath),
        reason: "expected \(Self.jsonKind(type)), found something else")
    case .valueNotFound(let type, let context):
      self.init(
        messageName: messageName, fieldPath: path(context.codingPath), reason: "expected \(Self.jsonKind(type))")
    case .keyNotFound(let key, let context):
      self.init(messageName: messageName, fieldPath: path(context.codingPath + [key]), reason: "missing")
    @unknown default:
      self.init(messageName: messageName, fieldPath: "", reason: "\(error)")
    }
  }

  private static func jsonKind(_ type: Any.Type) -> String {
    switch type {
    case is String.Type: "a string"
    case is Bool.Type: "true or false"
    case is any Numeric.Type: "a number"
    case is [Any].Type: "an array"
    default: "an object"
    }
  }
}

// MARK: What generated code calls

/// A JSON object key: a field's name, or a map's key.
public struct _ProtobufJSONKey: CodingKey, Hashable, Sendable {
  public var stringValue: String
  public var intValue: Int? { nil }
  public init(_ name: String) { stringValue = name }
  public init(stringValue: String) { self.stringValue = stringValue }
  public init?(intValue: Int) { nil }
}

/// A type with a proto3 JSON form: the scalars, enums, bytes and messages.
public protocol _ProtobufJSONValue {
  /// Whether the value is its type's default, which JSON leaves out.
  var _isDefaultJSONValue: Bool { get }
  /// Writes the value as one JSON value.
  func _encodeJSONValue(to encoder: any Encoder) throws
  /// Reads the value from one JSON value.
  init(_jsonValueFrom decoder: any Decoder) throws
}

/// A type that can key a map: its JSON form is a string.
public protocol _ProtobufJSONMapKey: Hashable {
  var _jsonKey: String { get }
  init?(_jsonKey: String)
}

/// Puts a `_ProtobufJSONValue` where Codable wants a value.
struct _JSONBox<Value: _ProtobufJSONValue>: Codable {
  var value: Value
  init(_ value: Value) { self.value = value }
  func encode(to encoder: any Encoder) throws { try value._encodeJSONValue(to: encoder) }
  init(from decoder: any Decoder) throws { value = try Value(_jsonValueFrom: decoder) }
}

/// A bytes field's value (base64 in JSON).
public struct _ProtobufBytes: _ProtobufJSONValue {
  public var bytes: [UInt8]
  public init(_ bytes: [UInt8]) { self.bytes = bytes }
  public var _isDefaultJSONValue: Bool { bytes.isEmpty }
  public func _encodeJSONValue(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(Data(bytes).base64EncodedString())
  }
  public init(_jsonValueFrom decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    var text = try container.decode(String.self)
    // Standard or URL-safe alphabet, with or without padding.
    text = String(text.map { $0 == "-" ? "+" : $0 == "_" ? "/" : $0 })
    text += String(repeating: "=", count: (4 - text.count % 4) % 4)
    guard let data = Data(base64Encoded: text) else {
      throw DecodingError.dataCorruptedError(in: container, debugDescription: "not base64")
    }
    bytes = [UInt8](data)
  }
}

extension KeyedEncodingContainer where Key == _ProtobufJSONKey {
  /// Writes a singular field, unless it holds its default (`always` for a oneof's member).
  public mutating func _encodeField<Value: _ProtobufJSONValue>(_ value: Value, _ name: String, always: Bool = false)
    throws
  {
    guard always || !value._isDefaultJSONValue else { return }
    try encode(_JSONBox(value), forKey: _ProtobufJSONKey(name))
  }

  /// Writes a message field when it is set.
  public mutating func _encodeField<Value: _ProtobufJSONValue>(_ value: Value?, _ name: String) throws {
    guard let value else { return }
    try encode(_JSONBox(value), forKey: _ProtobufJSONKey(name))
  }

  /// Writes a repeated field unless it is empty (`always` to write `[]` too).
  public mutating func _encodeRepeated<Value: _ProtobufJSONValue>(
    _ values: [Value], _ name: String, always: Bool = false
  ) throws {
    guard always || !values.isEmpty else { return }
    try encode(values.map { _JSONBox($0) }, forKey: _ProtobufJSONKey(name))
  }

  /// Writes a map field unless it is empty (`always` to write `{}` too): an object keyed
  /// by the keys' strings.
  public mutating func _encodeMap<MapKey: _ProtobufJSONMapKey, Value: _ProtobufJSONValue>(
    _ map: [MapKey: Value], _ name: String, always: Bool = false
  ) throws {
    guard always || !map.isEmpty else { return }
    var object = nestedContainer(keyedBy: _ProtobufJSONKey.self, forKey: _ProtobufJSONKey(name))
    for (key, value) in map { try object.encode(_JSONBox(value), forKey: _ProtobufJSONKey(key._jsonKey)) }
  }
}

extension KeyedDecodingContainer where Key == _ProtobufJSONKey {
  /// The key a field is given under: its JSON name, else its .proto name; nil when
  /// absent or null.
  private func key(_ name: String, _ protoName: String) throws -> _ProtobufJSONKey? {
    let json = _ProtobufJSONKey(name)
    let proto = _ProtobufJSONKey(protoName)
    if name != protoName, contains(json), contains(proto), try !decodeNil(forKey: json), try !decodeNil(forKey: proto) {
      throw DecodingError.dataCorruptedError(
        forKey: _ProtobufJSONKey(protoName), in: self, debugDescription: "'\(name)' and '\(protoName)' are one field")
    }
    for candidate in [name, protoName] {
      let key = _ProtobufJSONKey(candidate)
      if contains(key), try !decodeNil(forKey: key) { return key }
    }
    return nil
  }

  /// Refuses fields the message does not have (unless the decoder ignores them), and two
  /// members of one oneof.
  public func _checkFields(_ known: Set<String>, oneofs: [[String]] = [], decoder: any Decoder) throws {
    if decoder.userInfo[.protobufJSONIgnoreUnknownFields] as? Bool != true {
      for key in allKeys where !known.contains(key.stringValue) {
        throw DecodingError.dataCorruptedError(
          forKey: key, in: self, debugDescription: "the message has no field '\(key.stringValue)'")
      }
    }
    for names in oneofs {
      var present: [_ProtobufJSONKey] = []
      for name in names {
        let key = _ProtobufJSONKey(name)
        if contains(key), try !decodeNil(forKey: key) { present.append(key) }
      }
      if present.count > 1 {
        throw DecodingError.dataCorruptedError(
          forKey: present[1], in: self,
          debugDescription: "'\(present[0].stringValue)' is set: only one field of a oneof may be")
      }
    }
  }

  /// A singular field's value; nil when absent or null.
  public func _decodeField<Value: _ProtobufJSONValue>(_ type: Value.Type, _ name: String, _ protoName: String) throws
    -> Value?
  {
    guard let key = try key(name, protoName) else { return nil }
    return try decode(_JSONBox<Value>.self, forKey: key).value
  }

  /// A repeated field's values; empty when absent or null.
  public func _decodeRepeated<Value: _ProtobufJSONValue>(_ type: Value.Type, _ name: String, _ protoName: String)
    throws -> [Value]
  {
    guard let key = try key(name, protoName) else { return [] }
    return try decode([_JSONBox<Value>].self, forKey: key).map(\.value)
  }

  /// A map field's entries; empty when absent or null.
  public func _decodeMap<MapKey: _ProtobufJSONMapKey, Value: _ProtobufJSONValue>(
    _ keyType: MapKey.Type, _ valueType: Value.Type, _ name: String, _ protoName: String
  ) throws -> [MapKey: Value] {
    guard let key = try key(name, protoName) else { return [:] }
    let object = try nestedContainer(keyedBy: _ProtobufJSONKey.self, forKey: key)
    var map: [MapKey: Value] = [:]
    for entry in object.allKeys {
      guard let mapKey = MapKey(_jsonKey: entry.stringValue) else {
        throw DecodingError.dataCorruptedError(
          forKey: entry, in: object, debugDescription: "'\(entry.stringValue)' is not a key of this map")
      }
      map[mapKey] = try object.decode(_JSONBox<Value>.self, forKey: entry).value
    }
    return map
  }
}

// MARK: Scalars

extension String: _ProtobufJSONValue, _ProtobufJSONMapKey {
  public var _isDefaultJSONValue: Bool { isEmpty }
  public func _encodeJSONValue(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(self)
  }
  public init(_jsonValueFrom decoder: any Decoder) throws {
    self = try decoder.singleValueContainer().decode(String.self)
  }
  public var _jsonKey: String { self }
  public init?(_jsonKey: String) { self = _jsonKey }
}

extension Bool: _ProtobufJSONValue, _ProtobufJSONMapKey {
  public var _isDefaultJSONValue: Bool { !self }
  public func _encodeJSONValue(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(self)
  }
  public init(_jsonValueFrom decoder: any Decoder) throws {
    self = try decoder.singleValueContainer().decode(Bool.self)
  }
  public var _jsonKey: String { self ? "true" : "false" }
  public init?(_jsonKey: String) {
    switch _jsonKey {
    case "true": self = true
    case "false": self = false
    default: return nil
    }
  }
}

/// Integers: 32-bit ones are JSON numbers, 64-bit ones strings (a double cannot hold
/// them all); either is read from a number or a string.
protocol _ProtobufJSONInteger: FixedWidthInteger, Codable, _ProtobufJSONValue, _ProtobufJSONMapKey {
  static var writtenAsString: Bool { get }
}

extension _ProtobufJSONInteger {
  public var _isDefaultJSONValue: Bool { self == 0 }
  public func _encodeJSONValue(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    if Self.writtenAsString { try container.encode(String(self)) } else { try container.encode(self) }
  }
  public init(_jsonValueFrom decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    if let text = try? container.decode(String.self) {
      // Decimal only: "12", "-3", "1e3", "2.0" (no sign, hex, spaces or words).
      let decimal =
        !text.isEmpty && text.first != "+"
        && text.unicodeScalars.allSatisfy { "0123456789-+.eE".unicodeScalars.contains($0) }
      guard decimal, let value = Self(text) ?? Self(exactly: Double(text) ?? .nan) else {
        throw DecodingError.dataCorruptedError(
          in: container, debugDescription: "'\(text)' is not an integer in \(Self.min)...\(Self.max)")
      }
      self = value
    } else if let value = try? container.decode(Self.self) {
      self = value
    } else if let double = try? container.decode(Double.self) {
      guard let value = Self(exactly: double) else {
        throw DecodingError.dataCorruptedError(
          in: container, debugDescription: "\(double) is not an integer in \(Self.min)...\(Self.max)")
      }
      self = value
    } else {
      throw DecodingError.typeMismatch(
        Self.self, .init(codingPath: container.codingPath, debugDescription: "not a number"))
    }
  }
  public var _jsonKey: String { String(self) }
  public init?(_jsonKey: String) {
    guard let value = Self(_jsonKey) else { return nil }
    self = value
  }
}

extension Int32: _ProtobufJSONInteger { static var writtenAsString: Bool { false } }
extension UInt32: _ProtobufJSONInteger { static var writtenAsString: Bool { false } }
extension Int64: _ProtobufJSONInteger { static var writtenAsString: Bool { true } }
extension UInt64: _ProtobufJSONInteger { static var writtenAsString: Bool { true } }

/// Floating point: numbers, except "NaN", "Infinity" and "-Infinity"; read from a number
/// or a string.
protocol _ProtobufJSONFloatingPoint: BinaryFloatingPoint, LosslessStringConvertible, Codable, _ProtobufJSONValue {}

extension _ProtobufJSONFloatingPoint {
  public var _isDefaultJSONValue: Bool { self == 0 && sign == .plus }
  public func _encodeJSONValue(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    if isNaN {
      try container.encode("NaN")
    } else if isInfinite {
      try container.encode(self < 0 ? "-Infinity" : "Infinity")
    } else {
      try container.encode(self)
    }
  }
  public init(_jsonValueFrom decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    if let text = try? container.decode(String.self) {
      switch text {
      case "NaN": self = .nan
      case "Infinity": self = .infinity
      case "-Infinity": self = -.infinity
      default:
        guard let value = Self(text), value.isFinite else {
          throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not a number")
        }
        self = value
      }
    } else {
      self = try container.decode(Self.self)
    }
  }
}

extension Float: _ProtobufJSONFloatingPoint {}
extension Double: _ProtobufJSONFloatingPoint {}

// MARK: Enums

extension ProtobufEnum {
  public var _isDefaultJSONValue: Bool { rawValue == 0 }
  public func _encodeJSONValue(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    if let name = protoName { try container.encode(name) } else { try container.encode(rawValue) }
  }
  public init(_jsonValueFrom decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    if let number = try? container.decode(Int32.self) {
      self.init(rawValue: number)
    } else {
      let name = try container.decode(String.self)
      guard let value = Self._value(protoName: name) else {
        throw DecodingError.dataCorruptedError(in: container, debugDescription: "no value is named '\(name)'")
      }
      self = value
    }
  }
}
