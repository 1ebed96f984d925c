// The JSON forms proto3 gives the well-known types: Timestamp as an RFC 3339 string,
// Duration as seconds with an "s", FieldMask as comma-separated lowerCamel paths, Empty
// as {}.

extension Google_Protobuf_Timestamp: ProtobufJSONMessage {
  /// The earliest and latest seconds a Timestamp may hold (0001-01-01 to 9999-12-31).
  static let validSeconds: ClosedRange<Int64> = -62_135_596_800...253_402_300_799

  /// `1972-01-01T10:00:20.021Z`: UTC, with 0, 3, 6 or 9 fractional digits.
  public var rfc3339: String? {
    guard Self.validSeconds.contains(seconds), (0..<1_000_000_000).contains(nanos) else { return nil }
    let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
    let secondOfDay = seconds - days * 86_400
    let (year, month, day) = civil(fromDays: days)
    var text =
      pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T" + pad(secondOfDay / 3600, 2) + ":"
      + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2)
    text += fraction(nanos)
    return text + "Z"
  }

  /// Reads an RFC 3339 time (`Z` or an offset such as `-03:00`, up to nine fractional
  /// digits).
  public init?(rfc3339 text: String) {
    let chars = Array(text.utf8)
    func number(_ range: Range<Int>) -> Int64? {
      guard range.upperBound <= chars.count else { return nil }
      var value: Int64 = 0
      for c in chars[range] {
        guard (48...57).contains(c) else { return nil }
        value = value * 10 + Int64(c - 48)
      }
      return value
    }
    guard chars.count >= 20, chars[4] == 45, chars[7] == 45, chars[10] == 84 || chars[10] == 116, chars[13] == 58,
      chars[16] == 58, let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
      let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
      (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day), hour < 24, minute < 60,
      second < 60
    else { return nil }
    var index = 19
    var nanos: Int64 = 0
    if chars[index] == 46 {
      index += 1
      let start = index
      while index < chars.count, (48...57).contains(chars[index]) { index += 1 }
      let digits = index - start
      guard (1...9).contains(digits), let value = number(start..<index) else { return nil }
      nanos =
        value * [1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000][9 - digits]
    }
    var offset: Int64 = 0
    guard index < chars.count else { return nil }
    switch chars[index] {
    case 90, 122:  // Z
      guard index + 1 == chars.count else { return nil }
    case 43, 45:  // + -
      guard index + 6 == chars.count, chars[index + 3] == 58, let hours = number(index + 1..<index + 3),
        let minutes = number(index + 4..<index + 6), hours < 24, minutes < 60
      else { return nil }
      offset = (hours * 3600 + minutes * 60) * (chars[index] == 45 ? -1 : 1)
    default: return nil
    }
    let seconds = days(fromYear: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second - offset
    guard Self.validSeconds.contains(seconds) else { return nil }
    self.init(seconds: seconds, nanos: Int32(nanos))
  }

  public func encode(to encoder: any Encoder) throws {
    try encodeString(rfc3339, of: self, to: encoder, problem: "outside 0001-01-01...9999-12-31 or bad nanos")
  }

  public init(from decoder: any Decoder) throws {
    self = try decodeString(from: decoder, expected: "an RFC 3339 time such as 2026-03-01T14:30:00Z") {
      Self(rfc3339: $0)
    }
  }
}

extension Google_Protobuf_Duration: ProtobufJSONMessage {
  /// `1.5s`, `-0.000001s`: seconds with 0, 3, 6 or 9 fractional digits.
  public var jsonText: String? {
    guard seconds.magnitude <= 315_576_000_000, nanos.magnitude < 1_000_000_000,
      seconds == 0 || nanos == 0 || (seconds < 0) == (nanos < 0)
    else { return nil }
    let negative = seconds < 0 || nanos < 0
    return (negative ? "-" : "") + String(seconds.magnitude) + fraction(Int32(nanos.magnitude)) + "s"
  }

  /// Reads `1.5s`, `-2s`, `0.000000001s`.
  public init?(jsonText text: String) {
    guard text.hasSuffix("s") else { return nil }
    var body = Substring(text.dropLast())
    let negative = body.hasPrefix("-")
    if negative { body = body.dropFirst() }
    let parts = body.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count <= 2, let whole = parts.first, !whole.isEmpty, whole.allSatisfy({ $0.isASCII && $0.isNumber }),
      let seconds = Int64(whole), seconds <= 315_576_000_000
    else { return nil }
    var nanos: Int32 = 0
    if parts.count == 2 {
      let digits = parts[1]
      guard (1...9).contains(digits.count), let value = Int32(digits), digits.allSatisfy({ $0.isASCII && $0.isNumber })
      else { return nil }
      nanos = value * Int32([1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000][9 - digits.count])
    }
    self.init(seconds: negative ? -seconds : seconds, nanos: negative ? -nanos : nanos)
  }

  public func encode(to encoder: any Encoder) throws {
    try encodeString(jsonText, of: self, to: encoder, problem: "out of range, or seconds and nanos differ in sign")
  }

  public init(from decoder: any Decoder) throws {
    self = try decodeString(from: decoder, expected: "a duration such as 1.5s") { Self(jsonText: $0) }
  }
}

extension Google_Protobuf_FieldMask: ProtobufJSONMessage {
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    var converted: [String] = []
    for path in paths {
      // A path whose lowerCamel form would not read back (upper case, or "_" before a
      // non-letter) has no JSON form.
      let camel = path.split(separator: ".", omittingEmptySubsequences: false).map { lowerCamel(String($0)) }
        .joined(separator: ".")
      guard snakeCase(camel) == path else {
        throw EncodingError.invalidValue(
          self, .init(codingPath: encoder.codingPath, debugDescription: "path '\(path)' has no JSON form"))
      }
      converted.append(camel)
    }
    try container.encode(converted.joined(separator: ","))
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    let text = try container.decode(String.self)
    self.init(
      paths: text.isEmpty
        ? [] : text.split(separator: ",", omittingEmptySubsequences: false).map { snakeCase(String($0)) })
  }
}

extension Google_Protobuf_Empty: ProtobufJSONMessage {
  public func encode(to encoder: any Encoder) throws {
    _ = encoder.container(keyedBy: _ProtobufJSONKey.self)
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: _ProtobufJSONKey.self)
    try container._checkFields([], decoder: decoder)
    self.init()
  }
}

// MARK: Helpers

/// Writes a well-known type's string form, or fails saying why it has none.
private func encodeString(_ text: String?, of value: Any, to encoder: any Encoder, problem: String) throws {
  guard let text else {
    throw EncodingError.invalidValue(value, .init(codingPath: encoder.codingPath, debugDescription: problem))
  }
  var container = encoder.singleValueContainer()
  try container.encode(text)
}

/// Reads a well-known type from its string form, or fails naming the form expected.
private func decodeString<Value>(from decoder: any Decoder, expected: String, _ parse: (String) -> Value?) throws
  -> Value
{
  let container = try decoder.singleValueContainer()
  let text = try container.decode(String.self)
  guard let value = parse(text) else {
    throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not \(expected)")
  }
  return value
}

private func pad(_ value: Int64, _ width: Int) -> String {
  let text = String(value)
  return String(repeating: "0", count: max(0, width - text.count)) + text
}

/// `.123`, `.123456`, `.123456789`, or nothing for 0 nanoseconds.
private func fraction(_ nanos: Int32) -> String {
  guard nanos != 0 else { return "" }
  let text = pad(Int64(nanos), 9)
  if nanos % 1_000_000 == 0 { return "." + text.prefix(3) }
  if nanos % 1000 == 0 { return "." + text.prefix(6) }
  return "." + text
}

private func isLeap(_ year: Int64) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

private func daysIn(month: Int64, year: Int64) -> Int64 {
  switch month {
  case 2: isLeap(year) ? 29 : 28
  case 4, 6, 9, 11: 30
  default: 31
  }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
private func days(fromYear y: Int64, month m: Int64, day d: Int64) -> Int64 {
  let year = m <= 2 ? y - 1 : y
  let era = (year >= 0 ? year : year - 399) / 400
  let yearOfEra = year - era * 400
  let dayOfYear = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
  let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
  return era * 146_097 + dayOfEra - 719_468
}

/// The date `days` after 1970-01-01.
private func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
  let z = days + 719_468
  let era = (z >= 0 ? z : z - 146_096) / 146_097
  let dayOfEra = z - era * 146_097
  let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
  let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
  let mp = (5 * dayOfYear + 2) / 153
  let day = dayOfYear - (153 * mp + 2) / 5 + 1
  let month = mp < 10 ? mp + 3 : mp - 9
  return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
}

/// `client_id` → `clientId` (proto3 JSON's rule for names).
func lowerCamel(_ name: String) -> String {
  var result = ""
  var upper = false
  for char in name {
    if char == "_" {
      upper = true
    } else {
      if upper { result += char.uppercased() } else { result.append(char) }
      upper = false
    }
  }
  return result
}

/// `clientId` → `client_id`.
func snakeCase(_ name: String) -> String {
  var result = ""
  for char in name {
    if char.isUppercase {
      result += "_" + char.lowercased()
    } else {
      result.append(char)
    }
  }
  return result
}
