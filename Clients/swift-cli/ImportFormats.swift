import AtendeCodeGenerator
import Foundation

/// A JSON value of an import file (the same value `atende call` reads), without losing
/// the difference between numbers and booleans.
typealias JSONValue = JSONNode

extension JSONNode {
  /// The value as it reads in an error message.
  var brief: String {
    switch self {
    case .null: "null"
    case .bool(let value): value ? "true" : "false"
    case .integer(let value): String(value)
    case .number(let value): String(value)
    case .string(let value): value
    case .array: "[…]"
    case .object: "{…}"
    }
  }
}

/// One record of an import file: its values by field name, and where it is in the file.
struct ImportRecord {
  /// "line 4" (CSV, JSON lines) or "item 3" (JSON array), for error messages.
  let origin: String
  let values: [String: JSONValue]

  private func problem(_ field: String, _ text: String) -> CLIError {
    CLIError.invalid("\(origin), \(field): \(text)")
  }

  /// The value of `field`, nil when absent, null or an empty text.
  func value(_ field: String) -> JSONValue? {
    switch values[field] {
    case nil, .null?: nil
    case .string(let text)? where text.trimmingCharacters(in: .whitespaces).isEmpty: nil
    case let value?: value
    }
  }

  func int64(_ field: String, required: Bool = false) throws -> Int64 {
    switch value(field) {
    case nil:
      if required { throw problem(field, "required (a positive whole number)") }
      return 0
    case .integer(let number)?: return number
    case .string(let text)?:
      guard let number = Int64(text.trimmingCharacters(in: .whitespaces)) else {
        throw problem(field, "'\(text)' is not a whole number")
      }
      return number
    case let other?: throw problem(field, "'\(other.brief)' is not a whole number")
    }
  }

  /// A positive id (required).
  func id() throws -> Int64 {
    let id = try int64("id", required: true)
    guard id > 0 else { throw problem("id", "'\(id)' is not positive") }
    return id
  }

  func string(_ field: String) throws -> String {
    switch value(field) {
    case nil: return ""
    case .string(let text)?: return text.trimmingCharacters(in: .whitespaces)
    case .integer(let number)?: return String(number)  // e.g. a document number in JSON
    case let other?: throw problem(field, "'\(other.brief)' is not a text")
    }
  }

  func bool(_ field: String, default defaultValue: Bool) throws -> Bool {
    switch value(field) {
    case nil: return defaultValue
    case .bool(let value)?: return value
    case .integer(let number)? where number == 0 || number == 1: return number == 1
    case .string(let text)?:
      switch text.trimmingCharacters(in: .whitespaces).lowercased() {
      case "true", "t", "yes", "y", "1", "sim", "s": return true
      case "false", "f", "no", "n", "0", "não", "nao": return false
      default: throw problem(field, "'\(text)' is not true or false")
      }
    case let other?: throw problem(field, "'\(other.brief)' is not true or false")
    }
  }

  func double(_ field: String) throws -> Double? {
    switch value(field) {
    case nil: return nil
    case .integer(let number)?: return Double(number)
    case .number(let number)?: return number
    case .string(let text)?:
      guard let number = Double(text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: ".")),
        number.isFinite
      else { throw problem(field, "'\(text)' is not a number") }
      return number
    case let other?: throw problem(field, "'\(other.brief)' is not a number")
    }
  }

  /// A list of ids: a JSON array, or a text with the ids separated by ; | , or spaces.
  func ids(_ field: String) throws -> [Int64] {
    switch value(field) {
    case nil: return []
    case .integer(let number)?: return [number]
    case .array(let items)?:
      // Numbers, or strings as proto3 JSON writes 64-bit ids.
      return try items.map { item in
        switch item {
        case .integer(let number): return number
        case .string(let text):
          guard let number = Int64(text) else { throw problem(field, "'\(text)' is not a whole number") }
          return number
        default: throw problem(field, "'\(item.brief)' is not a whole number")
        }
      }
    case .string(let text)?:
      return try text.split(whereSeparator: { ";|, ".contains($0) }).map { part in
        guard let number = Int64(part) else { throw problem(field, "'\(part)' is not a whole number") }
        return number
      }
    case let other?: throw problem(field, "'\(other.brief)' is not a list of ids")
    }
  }

  /// The address: `address` as a text or as an object {text, latitude, longitude}, or the
  /// columns address.text / address_text, latitude / address.latitude, longitude /
  /// address.longitude. Nil when none is given.
  func address() throws -> (text: String, latitude: Double?, longitude: Double?)? {
    var text = try string("address.text")
    if text.isEmpty { text = try string("address_text") }
    var latitude = try double("latitude") ?? double("address.latitude")
    var longitude = try double("longitude") ?? double("address.longitude")
    switch value("address") {
    case .object(let object)?:
      // Keys as the API's JSON writes them (hasCoordinates) or as the .proto does.
      let nested = ImportRecord(
        origin: origin,
        values: Dictionary(object.map { (ImportFile.fieldName($0.key), $0.value) }, uniquingKeysWith: { $1 }))
      for key in nested.values.keys where !["text", "latitude", "longitude", "has_coordinates"].contains(key) {
        throw problem("address.\(key)", "unknown field (address has text, latitude, longitude)")
      }
      text = try nested.string("text")
      if try nested.bool("has_coordinates", default: true) {
        latitude = try nested.double("latitude")
        longitude = try nested.double("longitude")
      }
    case .string?:
      text = try string("address")
    case nil:
      break
    case let other?:
      throw problem("address", "'\(other.brief)' is not an address")
    }
    if (latitude == nil) != (longitude == nil) {
      throw problem(latitude == nil ? "latitude" : "longitude", "latitude and longitude go together")
    }
    if let latitude, abs(latitude) > 90 { throw problem("latitude", "\(latitude) is not between -90 and 90") }
    if let longitude, abs(longitude) > 180 { throw problem("longitude", "\(longitude) is not between -180 and 180") }
    if text.isEmpty && latitude == nil { return nil }
    return (text, latitude, longitude)
  }
}

/// Reads import files: CSV with a header row, a JSON array of objects, or JSON lines.
enum ImportFile {
  enum Format: String {
    case csv, json
  }

  /// Field names as written in proto files: `clientId`, `Client ID` and `client-id` all
  /// become `client_id`.
  static func fieldName(_ raw: String) -> String {
    var name = ""
    var previous: Character?
    for character in raw.trimmingCharacters(in: .whitespaces) {
      if character.isUppercase, let previous, previous.isLowercase || previous.isNumber {
        name.append("_")
      }
      name.append(character == "-" || character == " " ? "_" : Character(character.lowercased()))
      previous = character
    }
    return name
  }

  /// The records of `text`, in `format` (nil = guessed from the content).
  static func records(_ text: String, format: Format?) throws -> [ImportRecord] {
    let trimmed = text.drop { $0.isWhitespace || $0 == "\u{FEFF}" }
    let format = format ?? (trimmed.first == "[" || trimmed.first == "{" ? .json : .csv)
    switch format {
    case .csv: return try csvRecords(text)
    case .json: return try jsonRecords(String(trimmed))
    }
  }

  private static func decode(_ text: some StringProtocol, what: String) throws -> JSONValue {
    let data = Data(text.utf8)
    do {
      return try JSONDecoder().decode(JSONValue.self, from: data)
    } catch {
      var problem = syntaxProblem(data, text)
      if what.hasPrefix("line ") { problem = problem?.replacingOccurrences(of: "at line 1, column", with: "at column") }
      throw CLIError.invalid("\(what) is not valid JSON" + (problem.map { ": \($0)" } ?? ""))
    }
  }

  /// Where the JSON in `data` is broken, as "invalid value at line 3, column 7".
  private static func syntaxProblem(_ data: Data, _ text: some StringProtocol) -> String? {
    do {
      _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
      return nil
    } catch {
      guard var description = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String else { return nil }
      if description.hasSuffix(".") { description.removeLast() }
      guard let range = description.range(of: "around character "),
        let offset = Int(description[range.upperBound...])
      else { return description }
      let before = data.prefix(offset)
      let line = before.filter { $0 == UInt8(ascii: "\n") }.count + 1
      let column = before.count - (before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0) + 1
      return description[..<range.lowerBound].lowercased() + "at line \(line), column \(column)"
    }
  }

  private static func object(_ value: JSONValue, origin: String) throws -> ImportRecord {
    guard case .object(let object) = value else {
      throw CLIError.invalid("\(origin): expected an object with the record's fields, found \(value.brief)")
    }
    var values: [String: JSONValue] = [:]
    for (key, value) in object { values[fieldName(key)] = value }
    return ImportRecord(origin: origin, values: values)
  }

  private static func jsonRecords(_ text: String) throws -> [ImportRecord] {
    if text.first == "[" {
      guard case .array(let items) = try decode(text, what: "the file") else {
        throw CLIError.invalid("the file is not a JSON array of objects")
      }
      return try items.enumerated().map { index, item in try object(item, origin: "item \(index + 1)") }
    }
    // JSON lines: one object per line.
    var records: [ImportRecord] = []
    for (index, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
      guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
      records.append(try object(try decode(line, what: "line \(index + 1)"), origin: "line \(index + 1)"))
    }
    return records
  }

  private static func csvRecords(_ text: String) throws -> [ImportRecord] {
    let rows = try parseCSV(text)
    guard let header = rows.first else { return [] }
    let names = header.cells.map(fieldName)
    for (index, name) in names.enumerated() {
      if name.isEmpty { throw CLIError.invalid("line \(header.line): column \(index + 1) has no name") }
      if names[..<index].contains(name) { throw CLIError.invalid("line \(header.line): column \(name) appears twice") }
    }
    return try rows.dropFirst().map { row in
      guard row.cells.count == names.count else {
        throw CLIError.invalid(
          "line \(row.line): \(row.cells.count) values, but the header has \(names.count) columns")
      }
      return ImportRecord(
        origin: "line \(row.line)",
        values: Dictionary(uniqueKeysWithValues: zip(names, row.cells.map(JSONValue.string))))
    }
  }

  /// The rows of a CSV text (RFC 4180: quoted values may hold delimiters, quotes as "" and
  /// line breaks), each with the line it starts on; blank lines are skipped. The delimiter
  /// (comma, semicolon or tab) is the one the header row uses most.
  static func parseCSV(_ text: String) throws -> [(line: Int, cells: [String])] {
    var scalars = Array(text.unicodeScalars)
    if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
    let delimiter = guessDelimiter(scalars)
    var rows: [(line: Int, cells: [String])] = []
    var cells: [String] = []
    var field = String.UnicodeScalarView()
    var quoted = false
    var wasQuoted = false
    var line = 1
    var rowLine = 1
    var quoteLine = 1
    var index = 0
    func endField() {
      cells.append(wasQuoted ? String(field) : String(field).trimmingCharacters(in: .whitespaces))
      field = String.UnicodeScalarView()
      wasQuoted = false
    }
    func endRow() {
      endField()
      if !(cells.count == 1 && cells[0].isEmpty) { rows.append((rowLine, cells)) }
      cells = []
    }
    while index < scalars.count {
      let scalar = scalars[index]
      index += 1
      if quoted {
        if scalar == "\"" {
          if index < scalars.count && scalars[index] == "\"" {
            field.append("\"")
            index += 1
          } else {
            quoted = false
          }
        } else {
          if scalar == "\n" { line += 1 }
          field.append(scalar)
        }
        continue
      }
      switch scalar {
      case "\"" where String(field).trimmingCharacters(in: .whitespaces).isEmpty:
        field = String.UnicodeScalarView()
        quoted = true
        wasQuoted = true
        quoteLine = line
      case delimiter:
        endField()
      case "\r" where index < scalars.count && scalars[index] == "\n":
        break
      case "\n", "\r":
        endRow()
        line += 1
        rowLine = line
      default:
        field.append(scalar)
      }
    }
    if quoted { throw CLIError.invalid("line \(quoteLine): a quoted value is never closed") }
    if !field.isEmpty || !cells.isEmpty { endRow() }
    return rows
  }

  private static func guessDelimiter(_ scalars: [Unicode.Scalar]) -> Unicode.Scalar {
    var counts: [Unicode.Scalar: Int] = [",": 0, ";": 0, "\t": 0]
    var quoted = false
    for scalar in scalars {
      if scalar == "\"" { quoted.toggle() }
      if !quoted && (scalar == "\n" || scalar == "\r") { break }
      if !quoted, let count = counts[scalar] { counts[scalar] = count + 1 }
    }
    var best: Unicode.Scalar = ","
    for candidate: Unicode.Scalar in [";", "\t"] where counts[candidate, default: 0] > counts[best, default: 0] {
      best = candidate
    }
    return best
  }

}
