/// Translates a proto enum into a Swift enum conforming to `ProtobufEnum`: one case per
/// value plus `unrecognized(Int32)` for values a newer schema added, the raw value both
/// ways, and each value's names (`protoName`, `shortName`).
struct EnumTranslator {
  var access: String

  func declaration(_ enumeration: EnumDesc, in file: FileDesc) -> TypeDeclaration {
    let caseName = { (value: EnumValueDesc) in Naming.caseName(value, of: enumeration) }
    var members: [Declaration] = enumeration.values.map {
      .enumCase(Documented(doc: file.documentation($0.path), value: caseName($0)))
    }
    members.append(
      .enumCase(Documented(doc: ["A value this version of the schema does not know."], value: "unrecognized(Int32)")))
    members.append(.blank)
    members.append(
      .property(
        Property(
          doc: ["Every known value."], access: access, isStatic: true, isLet: true, name: "allCases", type: "[Self]",
          value: "[" + enumeration.values.map { "." + caseName($0) }.joined(separator: ", ") + "]")))
    members.append(.blank)
    let zero = caseName(enumeration.defaultValue)
    members.append(
      .function(
        Function(
          doc: ["The default value, `.\(zero)`."], access: access, kind: .initializer, body: [.line("self = .\(zero)")],
          isOneLine: true)))
    members.append(.blank)
    // Aliases share a number: the first name wins when reading.
    var seen: Set<Int32> = []
    let unique = enumeration.values.filter { seen.insert($0.number).inserted }
    members.append(
      .function(
        Function(
          access: access, kind: .initializer, parameters: ["rawValue: Int32"],
          body: [
            .switch(
              "rawValue",
              unique.map { SwitchCase(pattern: "case \($0.number)", body: "self = .\(caseName($0))") }
                + [SwitchCase(pattern: "default", body: "self = .unrecognized(rawValue)")])
          ])))
    members.append(.blank)
    members.append(
      computed(
        "rawValue", type: "Int32", doc: [],
        enumeration.values.map { SwitchCase(pattern: "case .\(caseName($0))", body: "\($0.number)") }
          + [SwitchCase(pattern: "case .unrecognized(let value)", body: "value")]))
    members.append(.blank)
    members.append(
      computed(
        "protoName", type: "String?", doc: ["The value's name in the `.proto` file; nil for an unknown value."],
        enumeration.values.map { SwitchCase(pattern: "case .\(caseName($0))", body: "\"\($0.name)\"") }
          + [SwitchCase(pattern: "case .unrecognized", body: "nil")]))
    members.append(.blank)
    members.append(
      computed(
        "shortName", type: "String?", doc: ["The name without the enum's prefix; nil for an unknown value."],
        enumeration.values.map {
          SwitchCase(
            pattern: "case .\(caseName($0))",
            body: "\"\(Naming.enumShortName($0.name, enumName: enumeration.name))\"")
        } + [SwitchCase(pattern: "case .unrecognized", body: "nil")]))
    return TypeDeclaration(
      doc: file.documentation(enumeration.path, fallback: "The `\(enumeration.fullName.dropFirst())` enum."),
      access: access, kind: .enum, name: Naming.escaped(enumeration.name), inherits: ["ProtobufEnum", "CaseIterable"],
      members: members)
  }

  private func computed(_ name: String, type: String, doc: [String], _ cases: [SwitchCase]) -> Declaration {
    .property(Property(doc: doc, access: access, name: name, type: type, getter: [.switch("self", cases)]))
  }
}
