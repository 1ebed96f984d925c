/// Swift spellings of protobuf names.
enum Naming {
  static let keywords: Set<String> = [
    "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init",
    "inout", "internal", "let", "open", "operator", "private", "precedencegroup", "protocol", "public",
    "rethrows", "static", "struct", "subscript", "typealias", "var", "break", "case", "catch", "continue",
    "default", "defer", "do", "else", "fallthrough", "for", "guard", "if", "in", "repeat", "return",
    "throw", "switch", "where", "while", "Any", "as", "await", "false", "is", "nil", "self", "Self",
    "super", "throws", "true", "try", "Type", "Protocol", "package", "consuming", "borrowing",
  ]

  /// `client_id` → `clientId`; `GetServerInfo` → `getServerInfo`.
  static func lowerCamel(_ name: String) -> String {
    let upper = upperCamel(name)
    guard let first = upper.first else { return upper }
    // Lower-case the leading run of capitals (e.g. "URLPath" → "urlPath").
    let chars = Array(upper)
    var index = 0
    while index < chars.count, chars[index].isUppercase { index += 1 }
    if index > 1 && index < chars.count { index -= 1 }
    _ = first
    return String(chars[..<index]).lowercased() + String(chars[index...])
  }

  /// `client_id` → `ClientId`; `echo_request` → `EchoRequest`.
  static func upperCamel(_ name: String) -> String {
    var result = ""
    var capitalizeNext = true
    for char in name {
      if char == "_" {
        capitalizeNext = true
        continue
      }
      if capitalizeNext {
        result += char.uppercased()
        capitalizeNext = false
      } else {
        result.append(char)
      }
      if char.isNumber { capitalizeNext = true }
    }
    return result
  }

  /// A name usable as a declaration: keywords get backticks.
  static func escaped(_ name: String) -> String {
    keywords.contains(name) ? "`\(name)`" : name
  }

  /// The case name of an enum value: the enum's UPPER_SNAKE prefix is dropped
  /// (`COLOUR_RED` in `Colour` → `red`), the rest becomes lowerCamelCase.
  static func enumCase(_ value: String, enumName: String) -> String {
    lowerCamel(enumShortName(value, enumName: enumName).lowercased())
  }

  /// `TICKET_STATUS_IN_PROGRESS` of `TicketStatus` → `IN_PROGRESS` (kept whole when
  /// what follows the prefix would start with a digit).
  static func enumShortName(_ value: String, enumName: String) -> String {
    let prefix = screamingSnake(enumName) + "_"
    if value.hasPrefix(prefix), let next = value.dropFirst(prefix.count).first, !next.isNumber {
      return String(value.dropFirst(prefix.count))
    }
    return value
  }

  /// `ServingStatus` → `SERVING_STATUS`.
  static func screamingSnake(_ name: String) -> String {
    var result = ""
    for (index, char) in name.enumerated() {
      if char.isUppercase && index > 0 { result += "_" }
      result += char.uppercased()
    }
    return result
  }
}

extension Naming {
  /// The (escaped) Swift case name of an enum value.
  static func caseName(_ value: EnumValueDesc, of enumeration: EnumDesc) -> String {
    escaped(enumCase(value.name, enumName: enumeration.name))
  }
}
