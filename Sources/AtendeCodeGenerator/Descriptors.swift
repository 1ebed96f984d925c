internal import AtendeProtobuf

// The parts of protoc's descriptors the generator uses, read straight from the
// protobuf-c structures of `google/protobuf/descriptor.proto` by field number (the
// plugin needs no generated Swift of its own).

/// `FieldDescriptorProto.Type`.
enum FieldType: Int32, Sendable {
  case double = 1, float, int64, uint64, int32, fixed64, fixed32, bool, string, group, message, bytes,
    uint32, `enum`, sfixed32, sfixed64, sint32, sint64
}

struct FieldDesc: Sendable {
  var name: String
  /// The field's name in proto3 JSON (protoc's `json_name`, lowerCamelCase).
  var jsonName: String
  var number: Int32
  var isRepeated: Bool
  var type: FieldType
  var typeName: String
  var oneofIndex: Int?
  var isProto3Optional: Bool
  var path: [Int32]
}

struct EnumValueDesc: Sendable {
  var name: String
  var number: Int32
  var path: [Int32]
}

struct EnumDesc: Sendable {
  var name: String
  var fullName: String
  var values: [EnumValueDesc]
  var path: [Int32]
}

struct MessageDesc: Sendable {
  var name: String
  var fullName: String
  var fields: [FieldDesc]
  var nestedMessages: [MessageDesc]
  var nestedEnums: [EnumDesc]
  var oneofNames: [String]
  var isMapEntry: Bool
  var path: [Int32]
}

struct MethodDesc: Sendable {
  var name: String
  var inputType: String
  var outputType: String
  var clientStreaming: Bool
  var serverStreaming: Bool
  /// `option idempotency_level` is NO_SIDE_EFFECTS or IDEMPOTENT: safe to send again.
  var idempotent: Bool
  /// `option (atende.auth.v1.required_scope)`: "public", "authenticated" or a scope;
  /// nil when the method declares nothing.
  var requiredScope: String?
  var path: [Int32]
}

/// The field number of the `atende.auth.v1.required_scope` method option
/// (proto/atende/auth/v1/options.proto). protobuf-c knows no extensions, so the option
/// arrives among MethodOptions' unknown fields.
let requiredScopeOptionNumber: UInt32 = 50710

struct ServiceDesc: Sendable {
  var name: String
  var fullName: String
  var methods: [MethodDesc]
  var path: [Int32]
}

struct FileDesc: Sendable {
  var name: String
  var package: String
  var syntax: String
  var dependencies: [String]
  var messages: [MessageDesc]
  var enums: [EnumDesc]
  var services: [ServiceDesc]
  /// Leading comments by source path.
  var comments: [[Int32]: String]
  /// The `FileDescriptorProto` as protoc sent it (encoded again), for reflection.
  var serialized: [UInt8] = []
}

struct CodeGeneratorRequest {
  var filesToGenerate: [String]
  var parameter: String
  var files: [FileDesc]
}

extension CodeGeneratorRequest {
  init(_ r: _MessageReader) throws(ProtobufDecodingError) {
    filesToGenerate = try r.repeatedString(1)
    parameter = try r.optionalString(2) ?? ""
    files = try r.repeatedMessage(15) { (f) throws(ProtobufDecodingError) in try FileDesc(f) }
  }
}

extension FileDesc {
  init(_ r: _MessageReader) throws(ProtobufDecodingError) {
    name = try r.string(1)
    package = try r.string(2)
    syntax = try r.optionalString(12) ?? "proto2"
    dependencies = try r.repeatedString(3)
    let prefix = package.isEmpty ? "" : "." + package
    var index = 0
    messages = try r.repeatedMessage(4) { (m) throws(ProtobufDecodingError) in
      defer { index += 1 }
      return try MessageDesc(m, parent: prefix, path: [4, Int32(index)])
    }
    index = 0
    enums = try r.repeatedMessage(5) { (e) throws(ProtobufDecodingError) in
      defer { index += 1 }
      return try EnumDesc(e, parent: prefix, path: [5, Int32(index)])
    }
    index = 0
    services = try r.repeatedMessage(6) { (s) throws(ProtobufDecodingError) in
      defer { index += 1 }
      return try ServiceDesc(s, parent: prefix, path: [6, Int32(index)])
    }
    var comments: [[Int32]: String] = [:]
    _ = try r.message(9) { (info) throws(ProtobufDecodingError) in
      _ = try info.repeatedMessage(1) { (location) throws(ProtobufDecodingError) in
        let path = location.repeatedScalar(1, as: Int32.self)
        if let leading = try location.optionalString(3), !leading.isEmpty {
          comments[path] = leading
        }
      }
    }
    self.comments = comments
    serialized = r.packed()
  }
}

extension MessageDesc {
  init(_ r: _MessageReader, parent: String, path: [Int32]) throws(ProtobufDecodingError) {
    name = try r.string(1)
    fullName = parent + "." + name
    self.path = path
    var index = 0
    fields = try r.repeatedMessage(2) { (f) throws(ProtobufDecodingError) in
      defer { index += 1 }
      return try FieldDesc(f, path: path + [2, Int32(index)])
    }
    let fullName = self.fullName
    index = 0
    nestedMessages = try r.repeatedMessage(3) { (m) throws(ProtobufDecodingError) in
      defer { index += 1 }
      return try MessageDesc(m, parent: fullName, path: path + [3, Int32(index)])
    }
    index = 0
    nestedEnums = try r.repeatedMessage(4) { (e) throws(ProtobufDecodingError) in
      defer { index += 1 }
      return try EnumDesc(e, parent: fullName, path: path + [4, Int32(index)])
    }
    oneofNames = try r.repeatedMessage(8) { (o) throws(ProtobufDecodingError) in try o.string(1) }
    isMapEntry = try r.message(7) { (options) throws(ProtobufDecodingError) in options.bool(7) } ?? false
  }
}

extension FieldDesc {
  init(_ r: _MessageReader, path: [Int32]) throws(ProtobufDecodingError) {
    name = try r.string(1)
    jsonName = try r.optionalString(10) ?? Naming.lowerCamel(name)
    number = r.scalar(3, as: Int32.self)
    isRepeated = r.enumValue(4) == 3
    type = FieldType(rawValue: r.enumValue(5)) ?? .int32
    typeName = try r.string(6)
    oneofIndex = r.has(9) ? Int(r.scalar(9, as: Int32.self)) : nil
    isProto3Optional = r.has(17) && r.bool(17)
    self.path = path
  }
}

extension EnumDesc {
  init(_ r: _MessageReader, parent: String, path: [Int32]) throws(ProtobufDecodingError) {
    name = try r.string(1)
    fullName = parent + "." + name
    self.path = path
    var index = 0
    values = try r.repeatedMessage(2) { (v) throws(ProtobufDecodingError) in
      defer { index += 1 }
      return EnumValueDesc(name: try v.string(1), number: v.scalar(2, as: Int32.self), path: path + [2, Int32(index)])
    }
  }
}

extension ServiceDesc {
  init(_ r: _MessageReader, parent: String, path: [Int32]) throws(ProtobufDecodingError) {
    name = try r.string(1)
    fullName = String((parent + "." + name).dropFirst())
    self.path = path
    var index = 0
    methods = try r.repeatedMessage(2) { (m) throws(ProtobufDecodingError) in
      defer { index += 1 }
      let options = try m.message(4) { (options) throws(ProtobufDecodingError) in
        (idempotency: options.enumValue(34), requiredScope: try requiredScope(options.unknownFields()))
      }
      return MethodDesc(
        name: try m.string(1), inputType: try m.string(2), outputType: try m.string(3),
        clientStreaming: m.has(5) && m.bool(5), serverStreaming: m.has(6) && m.bool(6),
        idempotent: (options?.idempotency ?? 0) > 0, requiredScope: options?.requiredScope,
        path: path + [2, Int32(index)])
    }
  }
}

/// The string value of the required_scope option among a MethodOptions' unknown fields
/// (protobuf-c keeps a length-delimited value with its length prefix).
func requiredScope(_ unknown: UnknownFields) throws(ProtobufDecodingError) -> String? {
  guard let field = unknown.fields.last(where: { $0.number == requiredScopeOptionNumber }) else { return nil }
  let error = ProtobufDecodingError(
    code: .malformed, messageName: "google.protobuf.MethodOptions", fieldPath: "(atende.auth.v1.required_scope)")
  guard field.wireType == 2 else { throw error }
  var length = 0
  var shift = 0
  var index = 0
  while index < field.data.count {
    let byte = field.data[index]
    index += 1
    length |= Int(byte & 0x7f) << shift
    if byte & 0x80 == 0 { break }
    shift += 7
    if shift > 28 { throw error }
  }
  guard index + length == field.data.count, let value = String(validating: field.data[index...], as: UTF8.self)
  else { throw error }
  return value
}
