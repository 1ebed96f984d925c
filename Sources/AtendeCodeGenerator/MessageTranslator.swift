/// Translates a proto message into a Swift struct (its fields as properties, oneofs as
/// enums with payloads, nested types inside) and an extension conforming it to
/// `ProtobufMessage` by reading and writing protobuf-c's structure field by field.
struct MessageTranslator {
  var access: String
  var types: TypeTable

  // MARK: The struct

  func declaration(_ message: MessageDesc, in file: FileDesc) throws(GeneratorError) -> TypeDeclaration {
    let entry = try types.entry(message.fullName)
    let typeName = entry.swiftName.split(separator: ".").last.map(String.init) ?? entry.swiftName
    var members: [Declaration] = []
    var initParameters: [(name: String, type: String, defaultValue: String)] = []
    for field in message.plainFields {
      let (type, defaultValue) = try types.swiftType(field)
      let name = Naming.lowerCamel(field.name)
      members.append(
        .property(
          Property(
            doc: file.documentation(field.path), access: access, name: Naming.escaped(name), type: type,
            value: defaultValue)))
      initParameters.append((name, type, defaultValue))
    }
    for oneof in message.oneofs {
      let name = Naming.lowerCamel(oneof.name)
      let type = Naming.upperCamel(oneof.name)
      members.append(
        .property(
          Property(
            doc: ["The `\(oneof.name)` oneof: at most one of its fields is set."], access: access,
            name: Naming.escaped(name), type: type + "?", value: "nil")))
      initParameters.append((name, type + "?", "nil"))
    }
    members.append(
      .property(
        Property(
          doc: ["Fields of a newer version of the schema, kept so that re-encoding preserves them."], access: access,
          name: "unknownFields", value: "UnknownFields()")))
    members.append(.blank)
    for oneof in message.oneofs {
      var cases: [Declaration] = []
      for member in oneof.members {
        cases.append(
          .enumCase(
            Documented(
              doc: file.documentation(member.path),
              value: "\(Naming.escaped(Naming.lowerCamel(member.name)))(\(try types.singularType(member).type))")))
      }
      members.append(
        .type(
          TypeDeclaration(
            doc: ["The fields of the `\(oneof.name)` oneof."], access: access, kind: .enum,
            name: Naming.upperCamel(oneof.name), inherits: ["Sendable", "Hashable"], members: cases)))
      members.append(.blank)
    }
    members.append(
      .function(
        Function(doc: ["A message with every field at its default."], access: access, kind: .initializer, body: [])))
    if !initParameters.isEmpty {
      members.append(.blank)
      members.append(
        .function(
          Function(
            doc: ["A message with the given fields; the others keep their defaults."], access: access,
            kind: .initializer,
            parameters: initParameters.map { "\($0.name): \($0.type) = \($0.defaultValue)" },
            body: initParameters.map { .line("self.\($0.name) = \(Naming.escaped($0.name))") })))
    }
    let enums = EnumTranslator(access: access)
    for nested in message.nestedEnums {
      members.append(.blank)
      members.append(.type(enums.declaration(nested, in: file)))
    }
    for nested in message.nestedMessages where !nested.isMapEntry {
      members.append(.blank)
      members.append(.type(try declaration(nested, in: file)))
    }
    return TypeDeclaration(
      doc: file.documentation(message.path, fallback: "The `\(message.fullName.dropFirst())` message."),
      access: access, kind: .struct, name: Naming.escaped(typeName), inherits: ["ProtobufMessage"], members: members)
  }

  // MARK: Reading and writing through protobuf-c

  /// The conformance of `message` and of its nested messages, as extensions.
  func conformances(_ message: MessageDesc) throws(GeneratorError) -> [Declaration] {
    guard !message.isMapEntry else { return [] }
    let entry = try types.entry(message.fullName)
    var read: [Statement] = []
    for field in message.plainFields {
      read.append(.line("self.\(Naming.lowerCamel(field.name)) = \(try readExpression(field, reader: "r"))"))
    }
    for oneof in message.oneofs {
      var cases: [SwitchCase] = []
      for member in oneof.members {
        let expression = try readExpression(member, reader: "r", inOneof: true)
        cases.append(
          SwitchCase(
            pattern: "case \(member.number)",
            body: "self.\(Naming.lowerCamel(oneof.name)) = .\(Naming.lowerCamel(member.name))(\(expression))"))
      }
      cases.append(SwitchCase(pattern: "default", body: "self.\(Naming.lowerCamel(oneof.name)) = nil"))
      read.append(.switch("r.oneofCase(\(oneof.members[0].number))", cases))
    }
    read.append(.line("self.unknownFields = r.unknownFields()"))

    var write: [Statement] = []
    for field in message.plainFields {
      write.append(.line(try writeStatement(field, writer: "w", value: "self.\(Naming.lowerCamel(field.name))")))
    }
    for oneof in message.oneofs {
      var cases: [SwitchCase] = []
      for member in oneof.members {
        cases.append(
          SwitchCase(
            pattern: "case .\(Naming.lowerCamel(member.name))(let value)?",
            body: try writeStatement(member, writer: "w", value: "value")))
      }
      cases.append(SwitchCase(pattern: "case nil", body: "break"))
      write.append(.switch("self.\(Naming.lowerCamel(oneof.name))", cases))
    }
    write.append(.line("w.setUnknownFields(self.unknownFields)"))

    var result: [Declaration] = [
      .type(
        TypeDeclaration(
          kind: .extension, name: entry.swiftName,
          members: [
            .property(
              Property(
                access: "private", isStatic: true, isLet: true, name: "_type",
                value: "_ProtobufCRegistry.shared.message(\"\(message.fullName.dropFirst())\")")),
            .blank,
            .property(
              Property(
                doc: ["The protobuf-c descriptor of this message."], access: access, isStatic: true,
                name: "_protobufMessageType", type: "_MessageType", getter: [.line("_type")])),
            .blank,
            .function(
              Function(
                doc: ["Reads the message from protobuf-c's decoded structure."], access: access, kind: .initializer,
                parameters: ["_protobufReader r: _MessageReader"], effects: "throws(ProtobufDecodingError)", body: read)
            ),
            .blank,
            .function(
              Function(
                doc: ["Writes the message into a protobuf-c structure."], access: access,
                kind: .function("_protobufWrite"), parameters: ["to w: _MessageWriter"],
                effects: "throws(ProtobufEncodingError)", body: write)),
          ])),
      .blank,
    ]
    for nested in message.nestedMessages { result += try conformances(nested) }
    return result
  }

  private func readExpression(_ field: FieldDesc, reader r: String, inOneof: Bool = false) throws(GeneratorError)
    -> String
  {
    let n = field.number
    if let entry = try types.mapEntry(field) {
      let key = try readExpression(entry.key, reader: "e")
      var value = try readExpression(entry.value, reader: "e")
      if entry.value.type == .message { value = "(\(value)) ?? \(try types.singularType(entry.value).type)()" }
      return "try \(r).map(\(n), key: { (e) throws(ProtobufDecodingError) in \(key) }, "
        + "value: { (e) throws(ProtobufDecodingError) in \(value) })"
    }
    let type = try types.singularType(field).type
    if field.isRepeated {
      switch field.type {
      case .bool: return "\(r).repeatedBool(\(n))"
      case .string: return "try \(r).repeatedString(\(n))"
      case .bytes: return "\(r).repeatedBytes(\(n))"
      case .enum: return "\(r).repeatedEnum(\(n)).map { \(type)(rawValue: $0) }"
      case .message: return "try \(r).repeatedMessage(\(n), as: \(type).self)"
      default: return "\(r).repeatedScalar(\(n), as: \(type).self)"
      }
    }
    switch field.type {
    case .bool: return "\(r).bool(\(n))"
    case .string: return "try \(r).string(\(n))"
    case .bytes: return "\(r).bytes(\(n))"
    case .enum: return "\(type)(rawValue: \(r).enumValue(\(n)))"
    case .message:
      return inOneof
        ? "try \(r).message(\(n), as: \(type).self) ?? \(type)()" : "try \(r).message(\(n), as: \(type).self)"
    default: return "\(r).scalar(\(n), as: \(type).self)"
    }
  }

  private func writeStatement(_ field: FieldDesc, writer w: String, value v: String) throws(GeneratorError) -> String {
    let n = field.number
    if let entry = try types.mapEntry(field) {
      let key = try writeStatement(entry.key, writer: "e", value: "k")
      let value = try writeStatement(entry.value, writer: "e", value: "x")
      return "try \(w).setMap(\(n), \(v), key: { (e, k) throws(ProtobufEncodingError) in \(key) }, "
        + "value: { (e, x) throws(ProtobufEncodingError) in \(value) })"
    }
    if field.isRepeated {
      switch field.type {
      case .bool: return "\(w).setRepeatedBool(\(n), \(v))"
      case .string: return "try \(w).setRepeatedString(\(n), \(v))"
      case .bytes: return "\(w).setRepeatedBytes(\(n), \(v))"
      case .enum: return "\(w).setRepeatedEnum(\(n), \(v).map(\\.rawValue))"
      case .message: return "try \(w).setRepeatedMessage(\(n), \(v))"
      default: return "\(w).setRepeatedScalar(\(n), \(v))"
      }
    }
    switch field.type {
    case .bool: return "\(w).setBool(\(n), \(v))"
    case .string: return "try \(w).setString(\(n), \(v))"
    case .bytes: return "\(w).setBytes(\(n), \(v))"
    case .enum: return "\(w).setEnum(\(n), \(v).rawValue)"
    case .message: return "try \(w).setMessage(\(n), \(v))"
    default: return "\(w).setScalar(\(n), \(v))"
    }
  }
}
