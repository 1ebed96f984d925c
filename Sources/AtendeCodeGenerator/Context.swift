/// Options from protoc's `--atende_opt=...`.
struct GeneratorOptions: Sendable {
  /// What the plugin writes.
  enum Output: String, Sendable {
    /// Swift messages, enums, service descriptors, server protocols and clients.
    case swift
    /// docs/SCOPES.md: a Markdown table of every method's required scope.
    case scopes
    /// Typed Python stubs of the services (Clients/python/src/atende/stubs/).
    case python
  }

  /// The C target whose protoc-c output backs the generated messages.
  var cModule = ""
  /// Swift module of each proto package.
  var modules: [String: String] = [:]
  /// Type-name prefix of each proto package (e.g. google.protobuf → Google_Protobuf_).
  var prefixes: [String: String] = [:]
  /// Access level of the generated declarations: `public` (default) or `package`.
  var access = "public"
  var output = Output.swift

  init() {}

  init(parameter: String) throws(GeneratorError) {
    for item in parameter.split(separator: ",") {
      let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
      guard parts.count == 2 else { throw GeneratorError("bad option '\(item)'") }
      switch parts[0] {
      case "c_module": cModule = parts[1]
      case "modules": modules = try Self.table(parts[1])
      case "prefixes": prefixes = try Self.table(parts[1])
      case "access":
        guard ["public", "package"].contains(parts[1]) else { throw GeneratorError("bad access '\(parts[1])'") }
        access = parts[1]
      case "output":
        guard let output = Output(rawValue: parts[1]) else { throw GeneratorError("bad output '\(parts[1])'") }
        self.output = output
      default: throw GeneratorError("unknown option '\(parts[0])'")
      }
    }
    if cModule.isEmpty && output == .swift { throw GeneratorError("the c_module option is required") }
  }

  private static func table(_ text: String) throws(GeneratorError) -> [String: String] {
    var result: [String: String] = [:]
    for entry in text.split(separator: ";") {
      let kv = entry.split(separator: "=", maxSplits: 1).map(String.init)
      guard kv.count == 2 else { throw GeneratorError("bad table entry '\(entry)'") }
      result[kv[0]] = kv[1]
    }
    return result
  }
}

/// Why the plugin cannot generate: protoc shows it to the user.
package struct GeneratorError: Error, CustomStringConvertible {
  package var description: String
  init(_ description: String) { self.description = description }
}

/// What the translators know about every message and enum type protoc handed the plugin:
/// its descriptor and its Swift name, and the module it is declared in.
struct TypeTable {
  struct Entry {
    enum Kind {
      case message(MessageDesc)
      case enumeration(EnumDesc)
    }
    var kind: Kind
    /// The Swift name within its module, e.g. `KitchenSink.Inner`.
    var swiftName: String
    var module: String
  }

  private(set) var entries: [String: Entry] = [:]

  init(files: [FileDesc], options: GeneratorOptions) {
    for file in files {
      let module = options.modules[file.package] ?? ""
      let prefix = options.prefixes[file.package] ?? ""
      for message in file.messages { register(message, swiftParent: prefix, module: module) }
      for enumeration in file.enums {
        entries[enumeration.fullName] = Entry(
          kind: .enumeration(enumeration), swiftName: prefix + enumeration.name, module: module)
      }
    }
  }

  private mutating func register(_ message: MessageDesc, swiftParent: String, module: String) {
    let swiftName = swiftParent + message.name
    entries[message.fullName] = Entry(kind: .message(message), swiftName: swiftName, module: module)
    for nested in message.nestedMessages { register(nested, swiftParent: swiftName + ".", module: module) }
    for enumeration in message.nestedEnums {
      entries[enumeration.fullName] = Entry(
        kind: .enumeration(enumeration), swiftName: swiftName + "." + enumeration.name, module: module)
    }
  }

  func entry(_ typeName: String) throws(GeneratorError) -> Entry {
    guard let entry = entries[typeName] else { throw GeneratorError("unknown type \(typeName)") }
    return entry
  }

  /// The module-qualified Swift name of a message or enum, for use where a nested
  /// declaration could shadow it (e.g. a message named `Client` inside `Service.Client`).
  func qualifiedName(_ typeName: String) throws(GeneratorError) -> String {
    let entry = try entry(typeName)
    return entry.module.isEmpty ? entry.swiftName : "\(entry.module).\(entry.swiftName)"
  }

  /// The key and value fields when `field` is a map.
  func mapEntry(_ field: FieldDesc) throws(GeneratorError) -> (key: FieldDesc, value: FieldDesc)? {
    guard field.isRepeated, field.type == .message, case .message(let entry) = try entry(field.typeName).kind,
      entry.isMapEntry
    else { return nil }
    guard let key = entry.fields.first(where: { $0.number == 1 }),
      let value = entry.fields.first(where: { $0.number == 2 })
    else { throw GeneratorError("map entry \(entry.fullName) lacks its key or value") }
    return (key, value)
  }

  /// A field's Swift type and default value.
  func swiftType(_ field: FieldDesc) throws(GeneratorError) -> (type: String, defaultValue: String) {
    if let entry = try mapEntry(field) {
      let key = try singularType(entry.key)
      let value = try singularType(entry.value)
      return ("[\(key.type): \(value.type)]", "[:]")
    }
    let singular = try singularType(field)
    if field.isRepeated { return ("[\(singular.type)]", "[]") }
    if field.type == .message { return (singular.type + "?", "nil") }
    return singular
  }

  /// The Swift type and default value of one element of a field.
  func singularType(_ field: FieldDesc) throws(GeneratorError) -> (type: String, defaultValue: String) {
    switch field.type {
    case .double: return ("Double", "0")
    case .float: return ("Float", "0")
    case .int64, .sint64, .sfixed64: return ("Int64", "0")
    case .uint64, .fixed64: return ("UInt64", "0")
    case .int32, .sint32, .sfixed32: return ("Int32", "0")
    case .uint32, .fixed32: return ("UInt32", "0")
    case .bool: return ("Bool", "false")
    case .string: return ("String", "\"\"")
    case .bytes: return ("[UInt8]", "[]")
    case .group: throw GeneratorError("groups are not supported (\(field.name))")
    case .message:
      let entry = try entry(field.typeName)
      return (entry.swiftName, "\(entry.swiftName)()")
    case .enum:
      let entry = try entry(field.typeName)
      guard case .enumeration(let enumeration) = entry.kind else {
        throw GeneratorError("not an enum: \(field.typeName)")
      }
      return (entry.swiftName, "." + Naming.caseName(enumeration.defaultValue, of: enumeration))
    }
  }
}

extension EnumDesc {
  /// The value numbered 0 (proto3 requires it first).
  var defaultValue: EnumValueDesc { values.first { $0.number == 0 } ?? values[0] }
}

extension MessageDesc {
  /// The fields declared as properties: all but the members of real oneofs.
  var plainFields: [FieldDesc] { fields.filter { $0.oneofIndex == nil || $0.isProto3Optional } }

  /// Each real oneof with its members (synthetic oneofs of proto3 `optional` and empty
  /// ones are left out).
  var oneofs: [(name: String, members: [FieldDesc])] {
    oneofNames.enumerated().compactMap { index, name in
      let members = fields.filter { $0.oneofIndex == index && !$0.isProto3Optional }
      return members.isEmpty ? nil : (name, members)
    }
  }
}

extension FileDesc {
  /// The leading comment at `path`, as documentation lines (trailing empty lines dropped,
  /// one leading space removed).
  func documentation(_ path: [Int32], fallback: String? = nil) -> [String] {
    guard let comment = comments[path] else { return fallback.map { [$0] } ?? [] }
    var lines = comment.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    while lines.last?.allSatisfy({ $0 == " " || $0 == "\t" }) == true { lines.removeLast() }
    return lines.map { $0.hasPrefix(" ") ? String($0.dropFirst()) : $0 }
  }
}

extension MethodDesc {
  /// The call kind's name in `MethodDescriptor.Kind`.
  var kindName: String {
    switch (clientStreaming, serverStreaming) {
    case (false, false): "unary"
    case (false, true): "serverStreaming"
    case (true, false): "clientStreaming"
    case (true, true): "bidirectionalStreaming"
    }
  }

  /// The Swift name of the method's functions and descriptor, e.g. `getServerInfo`.
  var swiftName: String { Naming.lowerCamel(name) }
}
