/// Translates a proto message into its proto3 JSON form: an extension conforming it to
/// `ProtobufJSONMessage` (Codable) that writes each field under its JSON name (leaving
/// defaults out) and reads it under its JSON or .proto name, refusing unknown fields
/// unless the decoder ignores them, and two members of one oneof.
struct JSONTranslator {
  var access: String
  var types: TypeTable

  /// The well-known types whose JSON form is not an object; the runtime writes theirs.
  static let handWritten: Set<String> = [
    ".google.protobuf.Timestamp", ".google.protobuf.Duration", ".google.protobuf.FieldMask",
    ".google.protobuf.Empty",
  ]

  func declarations(_ file: FileDesc) throws(GeneratorError) -> [Declaration] {
    var result: [Declaration] = []
    for message in file.messages { result += try declarations(message) }
    return result
  }

  func declarations(_ message: MessageDesc) throws(GeneratorError) -> [Declaration] {
    guard !message.isMapEntry else { return [] }
    var result: [Declaration] = []
    if !Self.handWritten.contains(message.fullName) {
      result = [.type(try conformance(message)), .blank]
    }
    for nested in message.nestedMessages { result += try declarations(nested) }
    return result
  }

  private func conformance(_ message: MessageDesc) throws(GeneratorError) -> TypeDeclaration {
    let entry = try types.entry(message.fullName)
    var encode: [Statement] = []
    var decode: [Statement] = []
    let fields = message.plainFields
    let container = fields.isEmpty && message.oneofs.isEmpty ? "_" : "c"
    encode.append(
      .line(
        "\(container == "_" ? "_" : "var c") = encoder.container(keyedBy: _ProtobufJSONKey.self)"))
    // `d`: whether fields without presence are written at their default (messages have
    // presence, so a message of message fields does not need it).
    if fields.contains(where: { $0.type != .message || $0.isRepeated }) {
      encode.append(.line("let d = encoder._protobufJSONIncludesDefaults"))
    }
    decode.append(.line("let c = try decoder.container(keyedBy: _ProtobufJSONKey.self)"))
    let oneofNames = message.oneofs.map { oneof in
      "[" + oneof.members.flatMap { names($0) }.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
    }
    decode.append(
      .line(
        "try c._checkFields(Self._jsonFieldNames"
          + (oneofNames.isEmpty ? "" : ", oneofs: [\(oneofNames.joined(separator: ", "))]") + ", decoder: decoder)"))
    decode.append(.line("self.init()"))
    for field in fields {
      let property = "self.\(Naming.lowerCamel(field.name))"
      encode.append(.line(try encodeStatement(field, value: property, defaults: "d")))
      decode.append(try decodeStatement(field, assign: { "\(property) = \($0)" }))
    }
    for oneof in message.oneofs {
      let property = "self.\(Naming.lowerCamel(oneof.name))"
      var cases: [SwitchCase] = []
      for member in oneof.members {
        let name = Naming.lowerCamel(member.name)
        cases.append(
          SwitchCase(
            pattern: "case .\(name)(let value)?", body: try encodeStatement(member, value: "value")))
        decode.append(try decodeStatement(member, assign: { "\(property) = .\(name)(\($0))" }))
      }
      cases.append(SwitchCase(pattern: "case nil", body: "break"))
      encode.append(.switch(property, cases))
    }
    let known = message.fields.flatMap { names($0) }
    return TypeDeclaration(
      kind: .extension, name: entry.swiftName, inherits: ["ProtobufJSONMessage"],
      members: [
        .property(
          Property(
            access: "private", isStatic: true, isLet: true, name: "_jsonFieldNames", type: "Swift.Set<Swift.String>",
            value: "[" + known.map { "\"\($0)\"" }.joined(separator: ", ") + "]")),
        .blank,
        .function(
          Function(
            doc: ["Writes the message as proto3 JSON."], access: access, kind: .function("encode"),
            parameters: ["to encoder: any Swift.Encoder"], effects: "throws", body: encode)),
        .blank,
        .function(
          Function(
            doc: ["Reads the message from proto3 JSON."], access: access, kind: .initializer,
            parameters: ["from decoder: any Swift.Decoder"], effects: "throws", body: decode)),
      ])
  }

  /// The names a field is read under: its JSON name, and its .proto name when different.
  private func names(_ field: FieldDesc) -> [String] {
    field.jsonName == field.name ? [field.name] : [field.jsonName, field.name]
  }

  /// The statement writing a field; `defaults` names the variable saying whether
  /// defaults are written (nil for a oneof's member, always written).
  private func encodeStatement(_ field: FieldDesc, value: String, defaults: String? = nil) throws(GeneratorError)
    -> String
  {
    let name = "\"\(field.jsonName)\""
    let always = ", always: \(defaults ?? "true")"
    if let entry = try types.mapEntry(field) {
      let map = entry.value.type == .bytes ? "\(value).mapValues(_ProtobufBytes.init)" : value
      return "try c._encodeMap(\(map), \(name)\(always))"
    }
    if field.isRepeated {
      let values = field.type == .bytes ? "\(value).map(_ProtobufBytes.init)" : value
      return "try c._encodeRepeated(\(values), \(name)\(always))"
    }
    // A message field has presence: written when set, whatever the option.
    if field.type == .message { return "try c._encodeField(\(value), \(name)\(defaults == nil ? always : ""))" }
    let wrapped = field.type == .bytes ? "_ProtobufBytes(\(value))" : value
    return "try c._encodeField(\(wrapped), \(name)\(always))"
  }

  private func decodeStatement(_ field: FieldDesc, assign: (String) -> String) throws(GeneratorError) -> Statement {
    let names = "\"\(field.jsonName)\", \"\(field.name)\""
    if let entry = try types.mapEntry(field) {
      let key = try types.singularType(entry.key).type
      let isBytes = entry.value.type == .bytes
      let value = isBytes ? "_ProtobufBytes" : try elementType(entry.value)
      return .line(
        assign("try c._decodeMap(\(key).self, \(value).self, \(names))\(isBytes ? ".mapValues(\\.bytes)" : "")"))
    }
    let isBytes = field.type == .bytes
    let type = isBytes ? "_ProtobufBytes" : try elementType(field)
    if field.isRepeated {
      return .line(assign("try c._decodeRepeated(\(type).self, \(names))\(isBytes ? ".map(\\.bytes)" : "")"))
    }
    return .line(
      "if let value = try c._decodeField(\(type).self, \(names)) { \(assign(isBytes ? "value.bytes" : "value")) }")
  }

  /// The Swift type of one element, qualified when it is a message or enum.
  private func elementType(_ field: FieldDesc) throws(GeneratorError) -> String {
    field.type == .message || field.type == .enum
      ? try types.qualifiedName(field.typeName) : try types.singularType(field).type
  }
}
