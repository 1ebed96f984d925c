import ArgumentParser
import Foundation
import Logging
import Synchronization

/// `--log-level`: one of swift-log's levels; anything else is refused at start.
enum LogLevelOption: String, CaseIterable, ExpressibleByArgument {
  case trace, debug, info, notice, warning, error, critical

  var level: Logger.Level { Logger.Level(rawValue: rawValue) ?? .info }
}

/// `--log-format`: lines for people, or one JSON object per line for collectors.
enum LogFormat: String, CaseIterable, ExpressibleByArgument {
  case text, json
}

/// The logging options of `serve`.
struct LogOptions: ParsableArguments {
  @Option(help: "Log level (env ATENDE_LOG_LEVEL).")
  var logLevel: LogLevelOption = Environment.value("ATENDE_LOG_LEVEL").flatMap(LogLevelOption.init) ?? .info

  @Option(help: "Log format: text for people, json for one object per line (env ATENDE_LOG_FORMAT).")
  var logFormat: LogFormat = Environment.value("ATENDE_LOG_FORMAT").flatMap(LogFormat.init) ?? .text

  func validate() throws {
    // An environment value that is not a level or a format is refused too, naming it.
    if let value = Environment.value("ATENDE_LOG_LEVEL"), LogLevelOption(rawValue: value) == nil {
      throw ValidationError(
        "ATENDE_LOG_LEVEL=\(value) is not a log level: use one of \(LogLevelOption.allCases.map(\.rawValue).joined(separator: ", "))"
      )
    }
    if let value = Environment.value("ATENDE_LOG_FORMAT"), LogFormat(rawValue: value) == nil {
      throw ValidationError("ATENDE_LOG_FORMAT=\(value) is not a log format: use text or json")
    }
  }

  /// Sends the process's logs to standard error in the chosen format and level.
  func bootstrap() {
    let (level, format) = (logLevel.level, logFormat)
    LoggingSystem.bootstrap { label in
      switch format {
      case .text:
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = level
        return handler
      case .json:
        var handler = JSONLogHandler(label: label)
        handler.logLevel = level
        return handler
      }
    }
  }
}

/// One JSON object per line on standard error: `time` (RFC 3339, UTC, milliseconds),
/// `level`, `label`, `message`, `source`, then the metadata entries (nested metadata as
/// objects and arrays), encoded by Foundation's JSONSerialization.
struct JSONLogHandler: LogHandler {
  let label: String
  var logLevel: Logger.Level = .info
  var metadata: Logger.Metadata = [:]
  var metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider

  /// Whole lines, one writer at a time: lines of concurrent tasks never interleave.
  private static let output = Mutex(FileHandle.standardError)

  init(label: String) {
    self.label = label
  }

  subscript(metadataKey key: String) -> Logger.Metadata.Value? {
    get { metadata[key] }
    set { metadata[key] = newValue }
  }

  func log(event: LogEvent) {
    var entries = metadata
    if let provided = metadataProvider?.get() { entries.merge(provided) { $1 } }
    if let extra = event.metadata { entries.merge(extra) { $1 } }
    var object: [String: Any] = [:]
    for (key, value) in entries { object[key] = Self.json(value) }
    object["time"] = Self.timestamp()
    object["level"] = event.level.rawValue
    object["label"] = label
    object["message"] = event.message.description
    object["source"] = event.source
    if let error = event.error { object["error"] = String(describing: error) }
    guard
      var line = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    else { return }
    line.append(0x0A)
    Self.output.withLock { try? $0.write(contentsOf: line) }
  }

  private static func json(_ value: Logger.Metadata.Value) -> Any {
    switch value {
    case .string(let string): string
    case .stringConvertible(let convertible): convertible.description
    case .array(let values): values.map(json)
    case .dictionary(let entries): entries.mapValues(json)
    }
  }

  private static func timestamp() -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return formatter.string(from: Date())
  }
}
