import AtendeAPI
import Foundation

/// Renders values as aligned text or as JSON.
enum Render {
  /// Local date and time of a timestamp, or "-".
  static func date(_ timestamp: Google_Protobuf_Timestamp?) -> String {
    guard let timestamp, timestamp.seconds != 0 || timestamp.nanos != 0 else { return "-" }
    let date = Date(timeIntervalSince1970: Double(timestamp.seconds) + Double(timestamp.nanos) / 1e9)
    let formatter = DateFormatter()
    formatter.dateFormat = "yyyy-MM-dd HH:mm"
    formatter.timeZone = .current
    return formatter.string(from: date)
  }

  /// Columns padded to their widest cell.
  static func table(_ header: [String], _ rows: [[String]]) -> String {
    let all = [header] + rows
    let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
    return all.map { row in
      row.enumerated().map { index, cell in
        index == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
      }.joined(separator: "  ")
    }.joined(separator: "\n")
  }

  /// A JSON object, one value per line, keys in the given order.
  static func json(_ pairs: [(String, Any)]) -> String {
    "{" + pairs.map { "\"\($0.0)\":\(jsonValue($0.1))" }.joined(separator: ",") + "}"
  }

  static func jsonValue(_ value: Any) -> String {
    switch value {
    case let string as String:
      let data = try? JSONSerialization.data(
        withJSONObject: [string], options: [.fragmentsAllowed, .withoutEscapingSlashes])
      return data.flatMap { String(data: $0, encoding: .utf8) }.map { String($0.dropFirst().dropLast()) } ?? "\"\""
    case let bool as Bool: return bool ? "true" : "false"
    case let number as any BinaryInteger: return "\(number)"
    case let array as [String]: return "[" + array.map(jsonValue).joined(separator: ",") + "]"
    case let raw as RawJSON: return raw.text
    default: return "null"
    }
  }
}

/// Already-encoded JSON.
struct RawJSON {
  var text: String
}

extension Priority {
  var label: String {
    switch self {
    case .low: "LOW"
    case .normal: "NORMAL"
    case .high: "HIGH"
    case .critical: "CRITICAL"
    default: "-"
    }
  }
}

extension TicketStatus {
  var label: String {
    switch self {
    case .new: "NEW"
    case .pending: "PENDING"
    case .inProgress: "IN_PROGRESS"
    case .solved: "SOLVED"
    case .canceled: "CANCELED"
    default: "-"
    }
  }
}
