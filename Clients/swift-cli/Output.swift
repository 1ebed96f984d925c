import AtendeAPI
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What the process is attached to.
enum Terminal {
  static let inputIsTerminal = isatty(0) == 1
  static let outputIsTerminal = isatty(1) == 1
  static let errorsIsTerminal = isatty(2) == 1

  /// Colours are wanted unless NO_COLOR is set or the terminal is dumb.
  static let colorAllowed: Bool = {
    if getenv("NO_COLOR") != nil { return false }
    if let term = getenv("TERM"), String(cString: term) == "dumb" { return false }
    return true
  }()

  /// ANSI colours on stdout.
  static let colorOutput = outputIsTerminal && colorAllowed
  /// ANSI colours on stderr.
  static let colorErrors = errorsIsTerminal && colorAllowed

  /// A person is at the keyboard: stdin and stdout are terminals.
  static let interactive = inputIsTerminal && outputIsTerminal

  /// Columns of the terminal on stdout, or nil when stdout is not a terminal.
  static var outputColumns: Int? {
    guard outputIsTerminal else { return nil }
    var size = winsize()
    if ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
    if let columns = getenv("COLUMNS").flatMap({ Int(String(cString: $0)) }), columns > 0 { return columns }
    return 80
  }

  /// Columns of the terminal on stderr (for progress bars).
  static var errorColumns: Int {
    var size = winsize()
    if ioctl(2, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
    return 80
  }
}

/// ANSI text styles.
enum Style: String {
  case red = "31"
  case green = "32"
  case yellow = "33"
  case blue = "34"
  case magenta = "35"
  case cyan = "36"
  case bold = "1"
  case dim = "2"
  case boldRed = "1;31"

  /// `text` in this style when `on`, else as is.
  static func paint(_ text: String, _ style: Style, on: Bool = Terminal.colorOutput) -> String {
    on && !text.isEmpty ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
  }
}

extension String {
  /// How many columns the text takes: characters, without ANSI escape sequences.
  var visibleWidth: Int {
    guard contains("\u{1B}") else { return count }
    var width = 0
    var inEscape = false
    for character in self {
      if inEscape {
        if character.isLetter { inEscape = false }
      } else if character == "\u{1B}" {
        inEscape = true
      } else {
        width += 1
      }
    }
    return width
  }
}

/// Renders values as aligned text or as JSON.
enum Render {
  private static func formatter(_ format: String) -> DateFormatter {
    let formatter = DateFormatter()
    formatter.dateFormat = format
    formatter.timeZone = .current
    formatter.locale = Locale(identifier: "en_US_POSIX")
    return formatter
  }

  // Made once: a formatter is costly to make, and formatting with one is thread-safe.
  private static let dateFormatter = formatter("yyyy-MM-dd HH:mm")
  private static let timeFormatter = formatter("HH:mm:ss")

  /// Local date and time of a timestamp, or "-".
  static func date(_ timestamp: Google_Protobuf_Timestamp?) -> String {
    guard let timestamp, timestamp.seconds != 0 || timestamp.nanos != 0 else { return "-" }
    return dateFormatter.string(from: timestamp.date)
  }

  /// Local time of day with seconds, or "-".
  static func time(_ timestamp: Google_Protobuf_Timestamp?) -> String {
    guard let timestamp, timestamp.seconds != 0 || timestamp.nanos != 0 else { return "-" }
    return timeFormatter.string(from: timestamp.date)
  }

  /// Seconds since 1970 for JSON (0 when unset).
  static func seconds(_ timestamp: Google_Protobuf_Timestamp?) -> Int64 { timestamp?.seconds ?? 0 }

  /// A date given on the command line: `2026-03-01`, `2026-03-01 14:30`,
  /// `2026-03-01T14:30[:00]` (local time) or ISO 8601 with a zone (`2026-03-01T14:30:00Z`).
  static func parseDate(_ text: String) -> Date? {
    let text = text.trimmingCharacters(in: .whitespaces)
    for parser in localParsers {
      if let date = parser.date(from: text) { return date }
    }
    return isoParsers.lazy.compactMap { $0.date(from: text) }.first
  }

  /// The local-time forms `parseDate` accepts, made once.
  private static let localParsers: [DateFormatter] = [
    "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd",
  ].map { format in
    let parser = formatter(format)
    parser.isLenient = false
    return parser
  }

  /// ISO 8601 with a zone, without and with fractional seconds.
  nonisolated(unsafe) private static let isoParsers: [ISO8601DateFormatter] = {
    let fractional = ISO8601DateFormatter()
    fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return [ISO8601DateFormatter(), fractional]
  }()

  /// A size in bytes for people: `512 B`, `1.5 KiB`, `2.3 MiB`.
  static func bytes(_ count: Int64) -> String {
    if count < 1024 { return "\(count) B" }
    let units = ["KiB", "MiB", "GiB", "TiB"]
    var value = Double(count) / 1024
    var unit = 0
    while value >= 1024 && unit < units.count - 1 {
      value /= 1024
      unit += 1
    }
    return String(format: "%.1f %@", value, units[unit])
  }

  /// An id, or "-" for none (0).
  static func id(_ value: Int64) -> String { value == 0 ? "-" : String(value) }

  /// Columns padded to their widest cell (colours do not count).
  static func table(_ header: [String], _ rows: [[String]]) -> String {
    let all = [header.map { Style.paint($0, .bold) }] + rows
    let widths = header.indices.map { column in all.map { $0[column].visibleWidth }.max() ?? 0 }
    return all.map { row in
      row.enumerated().map { index, cell in
        index == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.visibleWidth)
      }.joined(separator: "  ").trimmingTrailingSpaces()
    }.joined(separator: "\n")
  }

  /// Label/value lines, labels padded to `width`.
  static func fields(_ rows: [(String, String)], width: Int = 12) -> String {
    rows.map { Style.paint($0.0.padding(width), .bold) + $0.1 }.joined(separator: "\n")
  }

  /// Horizontal bar chart: one line per item, bars of █ (with eighth blocks) scaled to
  /// the largest value; as wide as the terminal allows, 40 columns when not a terminal.
  static func bars(_ items: [(label: String, value: Int64)], columns: Int? = Terminal.outputColumns) -> String {
    guard !items.isEmpty else { return "  (none)" }
    let labelWidth = min(28, items.map { $0.label.count }.max() ?? 0)
    let valueWidth = items.map { String($0.value).count }.max() ?? 1
    let barWidth = columns.map { max(10, $0 - labelWidth - valueWidth - 6) } ?? 40
    let largest = max(1, items.map(\.value).max() ?? 1)
    let partials = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
    return items.map { item in
      let eighths = Int((Double(max(0, item.value)) / Double(largest) * Double(barWidth * 8)).rounded())
      var bar = String(repeating: "█", count: eighths / 8) + partials[eighths % 8]
      if bar.isEmpty && item.value > 0 { bar = "▏" }
      let label = item.label.count > labelWidth ? String(item.label.prefix(labelWidth - 1)) + "…" : item.label
      let value = String(repeating: " ", count: valueWidth - String(item.value).count) + String(item.value)
      return "  " + label.padding(labelWidth + 1) + value + " " + Style.paint(bar, .cyan)
    }.joined(separator: "\n")
  }

  /// A JSON object on one line, keys in the given order.
  static func json(_ pairs: [(String, Any)]) -> String {
    "{" + pairs.map { "\(jsonValue($0.0)):\(jsonValue($0.1))" }.joined(separator: ",") + "}"
  }

  static func jsonValue(_ value: Any) -> String {
    switch value {
    case let string as String:
      let data = try? JSONSerialization.data(
        withJSONObject: [string], options: [.fragmentsAllowed, .withoutEscapingSlashes])
      return data.flatMap { String(data: $0, encoding: .utf8) }.map { String($0.dropFirst().dropLast()) } ?? "\"\""
    case let bool as Bool: return bool ? "true" : "false"
    case let number as any BinaryInteger: return "\(number)"
    case let number as Double: return number.isFinite ? "\(number)" : "null"
    case let raw as RawJSON: return raw.text
    case let object as JSONObject: return json(object.pairs)
    case let array as [Any]: return "[" + array.map(jsonValue).joined(separator: ",") + "]"
    default: return "null"
    }
  }
}

/// A message as proto3 JSON on one line, every field included (defaults too, so that
/// scripts find each field, and an import of it changes nothing).
/// Ends the command with an error in the one case the encoding can fail: a time outside
/// the years 1 to 9999, which no server sends.
func canonicalJSON(_ message: some ProtobufJSONMessage) -> String {
  do {
    return try message.jsonString(options: .init(includeDefaultValues: true))
  } catch {
    FileHandle.standardError.write(Data("atende: cannot write \(type(of: message)) as JSON: \(error)\n".utf8))
    exit(1)
  }
}

/// Already-encoded JSON.
struct RawJSON {
  var text: String
}

/// A nested JSON object, keys in order.
struct JSONObject {
  var pairs: [(String, Any)]
}

extension String {
  func trimmingTrailingSpaces() -> String {
    var text = self
    while text.last == " " { text.removeLast() }
    return text
  }

  func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(1, width - visibleWidth)) }
}

extension Priority {
  /// The label, coloured by urgency on a terminal.
  var styled: String {
    switch self {
    case .critical: Style.paint(label, .boldRed)
    case .high: Style.paint(label, .yellow)
    case .low: Style.paint(label, .dim)
    default: label
    }
  }
}

extension TicketStatus {
  /// The label, coloured by status on a terminal.
  var styled: String {
    switch self {
    case .new: Style.paint(label, .blue)
    case .pending: Style.paint(label, .yellow)
    case .inProgress: Style.paint(label, .cyan)
    case .solved: Style.paint(label, .green)
    case .canceled: Style.paint(label, .dim)
    default: label
    }
  }
}

extension ServiceOrderStatus {
  var styled: String {
    switch self {
    case .open: Style.paint(label, .blue)
    case .finished: Style.paint(label, .green)
    case .awaitingReschedule: Style.paint(label, .yellow)
    case .enRoute, .inExecution: Style.paint(label, .cyan)
    default: label
    }
  }
}

extension ProtobufEnum where Self: CaseIterable {
  /// The value's name as the .proto spells it without the enum's prefix (`IN_PROGRESS`);
  /// "-" when unset (0) or unknown to this version of the CLI.
  var label: String { rawValue == 0 ? "-" : shortName ?? "-" }

  /// The names a command-line option takes: the short names in lower kebab case
  /// (`in-progress`), unset excluded.
  static var argumentNames: [String] {
    allCases.filter { $0.rawValue != 0 }.compactMap {
      $0.shortName?.lowercased().replacingOccurrences(of: "_", with: "-")
    }
  }

  /// The value named `argument` on a command line (`in-progress`, `IN_PROGRESS`); nil for
  /// unset or unknown names.
  init?(argumentName argument: String) {
    let name = argument.uppercased().replacingOccurrences(of: "-", with: "_")
    guard let value = Self(protoName: name), value.rawValue != 0 else { return nil }
    self = value
  }
}

/// A history page as JSON lines or a table.
func renderHistory(_ entries: [HistoryEntry], json: Bool) -> String {
  if json { return entries.map(canonicalJSON).joined(separator: "\n") }
  let rows = entries.map { entry in
    let change = entry.field.isEmpty ? entry.newValue : "\(entry.field): \(entry.oldValue) → \(entry.newValue)"
    return [
      Render.date(entry.at), entry.actor, entry.kind,
      [change, entry.note].filter { !$0.isEmpty }.joined(separator: " — "),
    ]
  }
  return Render.table(["WHEN", "WHO", "WHAT", "DETAIL"], rows)
}

/// Every entry of a paged history call.
func allHistory(
  _ call: (ListHistoryRequest) async throws(RPCError) -> ListHistoryResponse, id: Int64, kind: String = ""
) async throws(RPCError) -> [HistoryEntry] {
  var token = ""
  var entries: [HistoryEntry] = []
  repeat {
    let page = try await call(ListHistoryRequest(id: id, kind: kind, pageSize: 500, pageToken: token))
    entries += page.entries
    token = page.nextPageToken
  } while !token.isEmpty
  return entries
}
