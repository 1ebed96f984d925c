internal import AtendeProtobuf

/// .proto files as a server's reflection serves them (serialized `FileDescriptorProto`s),
/// described for people in .proto syntax: what `atende describe` prints.
package struct ProtoSchema: Sendable {
  private let files: [FileDesc]
  private var messages: [String: (MessageDesc, FileDesc)] = [:]
  private var enums: [String: (EnumDesc, FileDesc)] = [:]
  private var services: [String: (ServiceDesc, FileDesc)] = [:]

  /// Reads serialized `google.protobuf.FileDescriptorProto`s.
  package init(serializedFiles: [[UInt8]]) throws {
    let type = ProtocPlugin.registry.message("google.protobuf.FileDescriptorProto")
    files = try serializedFiles.map { bytes in
      try bytes.withUnsafeBytes { (buffer) throws(ProtobufDecodingError) in
        try withDecodedMessage(
          type, from: buffer, options: ProtobufDecodingOptions(allocationBudget: 64 << 20)
        ) { (r) throws(ProtobufDecodingError) in try FileDesc(r) }
      }
    }
    for file in files {
      func register(_ message: MessageDesc) {
        messages[String(message.fullName.dropFirst())] = (message, file)
        for nested in message.nestedMessages { register(nested) }
        for nested in message.nestedEnums { enums[String(nested.fullName.dropFirst())] = (nested, file) }
      }
      for message in file.messages { register(message) }
      for enumeration in file.enums { enums[String(enumeration.fullName.dropFirst())] = (enumeration, file) }
      for service in file.services { services[service.fullName] = (service, file) }
    }
  }

  func messageDesc(_ name: String) -> MessageDesc? { messages[name]?.0 }
  func enumDesc(_ name: String) -> EnumDesc? { enums[name]?.0 }
  func serviceDesc(_ name: String) -> ServiceDesc? { services[name]?.0 }

  /// The key and value fields when `field` is a map.
  func mapEntry(_ field: FieldDesc) -> (key: FieldDesc, value: FieldDesc)? {
    guard field.isRepeated, field.type == .message, let entry = messageDesc(String(field.typeName.dropFirst())),
      entry.isMapEntry, let key = entry.fields.first(where: { $0.number == 1 }),
      let value = entry.fields.first(where: { $0.number == 2 })
    else { return nil }
    return (key, value)
  }

  /// The services the files define, by full name.
  package var serviceNames: [String] { services.keys.sorted() }

  /// The methods of a service, by name; nil for an unknown service.
  package func methodNames(of service: String) -> [String]? {
    services[service].map { $0.0.methods.map(\.name) }
  }

  /// `symbol` (a service, `Service/Method` or `Service.Method`, a message or an enum, by
  /// full name) in .proto syntax with its comments; a method comes with its request and
  /// response messages. Nil when the files do not define it.
  package func describe(_ symbol: String) -> String? {
    let name = symbol.hasPrefix(".") ? String(symbol.dropFirst()) : symbol
    if let (service, file) = services[name] { return describe(service, file) }
    if let (message, file) = messages[name] { return describe(message, file, indent: "") }
    if let (enumeration, file) = enums[name] { return describe(enumeration, file, indent: "") }
    // A method: Service/Method or Service.Method.
    let separator = name.lastIndex(of: "/") ?? name.lastIndex(of: ".")
    guard let separator, let (service, file) = services[String(name[..<separator])],
      let method = service.methods.first(where: { $0.name == name[name.index(after: separator)...] })
    else { return nil }
    var text = comment(file, method.path, indent: "") + rpcLine(method) + "\n"
    for type in [method.inputType, method.outputType] {
      let typeName = String(type.dropFirst())
      if let (message, file) = messages[typeName] { text += "\n" + describe(message, file, indent: "") }
    }
    return text
  }

  private func comment(_ file: FileDesc, _ path: [Int32], indent: String) -> String {
    file.documentation(path).map { indent + ($0.isEmpty ? "//" : "// " + $0) + "\n" }.joined()
  }

  private func rpcLine(_ method: MethodDesc) -> String {
    let input = (method.clientStreaming ? "stream " : "") + method.inputType.dropFirst()
    let output = (method.serverStreaming ? "stream " : "") + method.outputType.dropFirst()
    var notes: [String] = []
    if let scope = method.requiredScope { notes.append("requires \(scope)") }
    if method.idempotent { notes.append("idempotent") }
    return "rpc \(method.name)(\(input)) returns (\(output));"
      + (notes.isEmpty ? "" : "  // " + notes.joined(separator: ", "))
  }

  private func describe(_ service: ServiceDesc, _ file: FileDesc) -> String {
    var text = comment(file, service.path, indent: "") + "service \(service.fullName) {\n"
    for (index, method) in service.methods.enumerated() {
      if index > 0 { text += "\n" }
      text += comment(file, method.path, indent: "  ") + "  " + rpcLine(method) + "\n"
    }
    return text + "}\n"
  }

  private func describe(_ message: MessageDesc, _ file: FileDesc, indent: String) -> String {
    let name = indent.isEmpty ? String(message.fullName.dropFirst()) : message.name
    var text = comment(file, message.path, indent: indent) + indent + "message \(name) {\n"
    let inner = indent + "  "
    for field in message.plainFields {
      text += comment(file, field.path, indent: inner) + inner + fieldLine(field, in: message) + "\n"
    }
    for oneof in message.oneofs {
      text += inner + "oneof \(oneof.name) {\n"
      for member in oneof.members {
        text += comment(file, member.path, indent: inner + "  ") + inner + "  " + fieldLine(member, in: message) + "\n"
      }
      text += inner + "}\n"
    }
    for nested in message.nestedEnums { text += describe(nested, file, indent: inner) }
    for nested in message.nestedMessages where !nested.isMapEntry { text += describe(nested, file, indent: inner) }
    return text + indent + "}\n"
  }

  private func describe(_ enumeration: EnumDesc, _ file: FileDesc, indent: String) -> String {
    let name = indent.isEmpty ? String(enumeration.fullName.dropFirst()) : enumeration.name
    var text = comment(file, enumeration.path, indent: indent) + indent + "enum \(name) {\n"
    for value in enumeration.values {
      text += comment(file, value.path, indent: indent + "  ") + indent + "  \(value.name) = \(value.number);\n"
    }
    return text + indent + "}\n"
  }

  private func fieldLine(_ field: FieldDesc, in message: MessageDesc) -> String {
    if field.isRepeated, field.type == .message,
      let entry = message.nestedMessages.first(where: { $0.fullName == field.typeName && $0.isMapEntry }),
      let key = entry.fields.first(where: { $0.number == 1 }), let value = entry.fields.first(where: { $0.number == 2 })
    {
      return "map<\(typeName(key)), \(typeName(value))> \(field.name) = \(field.number);"
    }
    return (field.isRepeated ? "repeated " : "") + "\(typeName(field)) \(field.name) = \(field.number);"
  }

  private func typeName(_ field: FieldDesc) -> String {
    switch field.type {
    case .message, .enum: String(field.typeName.dropFirst())
    case .double: "double"
    case .float: "float"
    case .int64: "int64"
    case .uint64: "uint64"
    case .int32: "int32"
    case .fixed64: "fixed64"
    case .fixed32: "fixed32"
    case .bool: "bool"
    case .string: "string"
    case .group: "group"
    case .bytes: "bytes"
    case .uint32: "uint32"
    case .sfixed32: "sfixed32"
    case .sfixed64: "sfixed64"
    case .sint32: "sint32"
    case .sint64: "sint64"
    }
  }
}
