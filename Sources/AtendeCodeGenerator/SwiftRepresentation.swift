/// Swift code as the translators build it: declarations (types, properties, functions,
/// enum cases, protocol requirements), each with its documentation, and the statements of
/// their bodies. ``SwiftRenderer`` prints it. Translators decide what to declare; only the
/// renderer decides how it looks.
indirect enum Declaration: Equatable, Sendable {
  case type(TypeDeclaration)
  case property(Property)
  case function(Function)
  /// `case name` or `case name(Payload)` in an enum.
  case enumCase(Documented<String>)
  /// A protocol requirement, e.g. `func check(_ request: Request) async throws -> Response`.
  case requirement(Documented<String>)
  /// An empty line between members.
  case blank
}

/// A value with its documentation lines (each becomes a `///` line).
struct Documented<Value: Equatable & Sendable>: Equatable, Sendable {
  var doc: [String] = []
  var value: Value
}

/// A struct, enum, protocol or extension and its members.
struct TypeDeclaration: Equatable, Sendable {
  enum Kind: String, Sendable { case `struct`, `enum`, `protocol`, `extension` }
  var doc: [String] = []
  /// nil for extensions of types declared elsewhere, and for private declarations' default.
  var access: String?
  var kind: Kind
  var name: String
  var inherits: [String] = []
  var members: [Declaration] = []
}

/// A stored or computed property.
struct Property: Equatable, Sendable {
  var doc: [String] = []
  var access: String?
  var isStatic = false
  var isLet = false
  var name: String
  var type: String?
  /// The initial value of a stored property.
  var value: String?
  /// The body of a computed property.
  var getter: [Statement]?
}

/// A function or initializer.
struct Function: Equatable, Sendable {
  enum Kind: Equatable, Sendable {
    case function(String)
    case initializer
  }
  var doc: [String] = []
  var access: String?
  var isStatic = false
  var kind: Kind
  var genericParameters: [String] = []
  var parameters: [String] = []
  /// `async throws`, `throws(ProtobufDecodingError)`, ...
  var effects: String?
  var returnType: String?
  var body: [Statement]
  /// Printed on the declaration's line (`init() { self = .a }`) when the body is one
  /// statement.
  var isOneLine = false
}

/// A statement of a function or getter body.
indirect enum Statement: Equatable, Sendable {
  case line(String)
  /// `switch subject {` with one line per case (`case .a: value`).
  case `switch`(String, [SwitchCase])
  /// `header {` statements `}`.
  case block(String, [Statement])
}

struct SwitchCase: Equatable, Sendable {
  /// `case .a` / `case 1` / `default` (without the colon).
  var pattern: String
  var body: String
}

/// Prints declarations as Swift source: two spaces of indentation, one declaration or
/// statement per line.
struct SwiftRenderer {
  private(set) var text = ""
  private var indent = 0

  static func render(_ declarations: [Declaration]) -> String {
    var renderer = SwiftRenderer()
    for declaration in declarations { renderer.render(declaration) }
    return renderer.text
  }

  mutating func line(_ string: String = "") {
    text += string.isEmpty ? "\n" : String(repeating: "  ", count: indent) + string + "\n"
  }

  private mutating func doc(_ lines: [String]) {
    for line in lines { self.line(line.isEmpty ? "///" : "/// \(line)") }
  }

  private func prefix(_ access: String?, isStatic: Bool = false) -> String {
    (access.map { $0 + " " } ?? "") + (isStatic ? "static " : "")
  }

  mutating func render(_ declaration: Declaration) {
    switch declaration {
    case .type(let type): render(type)
    case .property(let property): render(property)
    case .function(let function): render(function)
    case .enumCase(let item):
      doc(item.doc)
      line("case \(item.value)")
    case .requirement(let item):
      doc(item.doc)
      line(item.value)
    case .blank: line()
    }
  }

  private mutating func render(_ type: TypeDeclaration) {
    doc(type.doc)
    let inherits = type.inherits.isEmpty ? "" : ": " + type.inherits.joined(separator: ", ")
    line("\(prefix(type.access))\(type.kind.rawValue) \(type.name)\(inherits) {")
    indent += 1
    for member in type.members { render(member) }
    indent -= 1
    line("}")
  }

  private mutating func render(_ property: Property) {
    doc(property.doc)
    var text = prefix(property.access, isStatic: property.isStatic) + (property.isLet ? "let " : "var ") + property.name
    if let type = property.type { text += ": " + type }
    if let value = property.value { text += " = " + value }
    guard let getter = property.getter else { return line(text) }
    if getter.count == 1, case .line(let statement) = getter[0] { return line(text + " { " + statement + " }") }
    open(text)
    statements(getter)
    close()
  }

  private mutating func render(_ function: Function) {
    doc(function.doc)
    var text = prefix(function.access, isStatic: function.isStatic)
    switch function.kind {
    case .function(let name): text += "func " + name
    case .initializer: text += "init"
    }
    if !function.genericParameters.isEmpty { text += "<" + function.genericParameters.joined(separator: ", ") + ">" }
    text += "(" + function.parameters.joined(separator: ", ") + ")"
    if let effects = function.effects { text += " " + effects }
    if let returnType = function.returnType { text += " -> " + returnType }
    if function.body.isEmpty { return line(text + " {}") }
    if function.isOneLine, function.body.count == 1, case .line(let statement) = function.body[0] {
      return line(text + " { " + statement + " }")
    }
    open(text)
    statements(function.body)
    close()
  }

  private mutating func statements(_ statements: [Statement]) {
    for statement in statements {
      switch statement {
      case .line(let text): line(text)
      case .switch(let subject, let cases):
        line("switch \(subject) {")
        for item in cases { line("\(item.pattern): \(item.body)") }
        line("}")
      case .block(let header, let body):
        open(header)
        self.statements(body)
        close()
      }
    }
  }

  private mutating func open(_ header: String) {
    line(header + " {")
    indent += 1
  }

  private mutating func close() {
    indent -= 1
    line("}")
  }
}
