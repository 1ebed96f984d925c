import ArgumentParser
import Foundation
import Yams

/// `serve`'s configuration file (YAML): every setting a flag has, by section. docs/OPERATIONS.md
/// documents the schema; `ConfigFile.keys` is it.
///
/// Precedence, highest first: a flag on the command line, the setting's environment
/// variable, the file, the default. The file is read before the command line is parsed:
/// each key present becomes its flag, placed before the command line's own (where a
/// repeated flag wins), and left out when its environment variable is set.
struct ConfigFile {
  /// A setting of the file.
  struct Key: Sendable {
    enum Kind: Sendable {
      /// An integer, at least `least`.
      case integer(least: Int)
      /// A number, at least `least`.
      case number(least: Double)
      case string
      /// A list of strings, given comma-separated.
      case list
      /// true or false: the flag when `true` (a flag that is off by default), or its `--no-`
      /// form when `false` (a flag that is on by default).
      case switchOn, switchOff
    }

    /// The key, dotted: `limits.max_frame_size`.
    var path: String
    /// The flag it stands for, without the dashes.
    var flag: String
    var kind: Kind
    /// The environment variable that overrides it, if any.
    var environment: String?
  }

  /// Every key, in the order the documentation lists them.
  static let keys: [Key] = [
    Key(path: "server.host", flag: "host", kind: .string, environment: "ATENDE_HOST"),
    Key(path: "server.port", flag: "port", kind: .integer(least: 0), environment: "ATENDE_PORT"),
    Key(path: "server.demo_data", flag: "demo-data", kind: .switchOn),
    Key(path: "database.url", flag: "database", kind: .string, environment: "ATENDE_DATABASE"),
    Key(path: "database.files_directory", flag: "files-directory", kind: .string),
    Key(path: "log.level", flag: "log-level", kind: .string, environment: "ATENDE_LOG_LEVEL"),
    Key(path: "log.format", flag: "log-format", kind: .string, environment: "ATENDE_LOG_FORMAT"),
    Key(path: "log.access_log", flag: "access-log", kind: .switchOff),
    Key(path: "limits.max_frame_size", flag: "max-frame-size", kind: .integer(least: 256)),
    Key(path: "limits.max_concurrent_calls", flag: "max-concurrent-calls", kind: .integer(least: 1)),
    Key(path: "limits.max_connections", flag: "max-connections", kind: .integer(least: 1)),
    Key(path: "limits.initial_window_size", flag: "initial-window-size", kind: .integer(least: 1024)),
    Key(path: "limits.max_file_size", flag: "max-file-size", kind: .integer(least: 1)),
    Key(path: "limits.decode_budget_bytes", flag: "decode-budget-bytes", kind: .integer(least: 4096)),
    Key(path: "timeouts.shutdown_grace_seconds", flag: "shutdown-grace-seconds", kind: .integer(least: 0)),
    Key(path: "timeouts.drain_delay_seconds", flag: "drain-delay-seconds", kind: .integer(least: 0)),
    Key(path: "timeouts.handshake_seconds", flag: "handshake-timeout-seconds", kind: .integer(least: 1)),
    Key(path: "timeouts.idle_seconds", flag: "idle-timeout-seconds", kind: .integer(least: 0)),
    Key(path: "timeouts.keepalive_interval_seconds", flag: "keepalive-interval-seconds", kind: .integer(least: 1)),
    Key(path: "timeouts.keepalive_timeout_seconds", flag: "keepalive-timeout-seconds", kind: .integer(least: 1)),
    Key(path: "auth.enabled", flag: "auth", kind: .switchOff),
    Key(path: "auth.insecure", flag: "insecure", kind: .switchOn),
    Key(path: "auth.local_token_file", flag: "local-token-file", kind: .string),
    Key(path: "auth.rate_limit", flag: "rate-limit", kind: .number(least: 0)),
    Key(path: "auth.rate_burst", flag: "rate-burst", kind: .number(least: 0)),
    Key(path: "auth.jwt.jwks_file", flag: "jwks-file", kind: .string),
    Key(path: "auth.jwt.issuer", flag: "jwt-issuer", kind: .string),
    Key(path: "auth.jwt.audience", flag: "jwt-audience", kind: .string),
    Key(path: "auth.jwt.leeway_seconds", flag: "jwt-leeway", kind: .number(least: 0)),
    Key(path: "auth.jwt.name_claim", flag: "jwt-name-claim", kind: .string),
    Key(path: "auth.jwt.scopes_claim", flag: "jwt-scopes-claim", kind: .string),
    Key(path: "auth.jwt.departments_claim", flag: "jwt-departments-claim", kind: .string),
    Key(path: "auth.jwt.branches_claim", flag: "jwt-branches-claim", kind: .string),
    Key(path: "tls.certificate", flag: "tls-cert", kind: .string),
    Key(path: "tls.key", flag: "tls-key", kind: .string),
    Key(path: "tls.client_ca", flag: "tls-client-ca", kind: .string),
    Key(path: "tls.client_optional", flag: "tls-client-optional", kind: .switchOn),
    Key(path: "tls.client_identities", flag: "tls-client-identities", kind: .string),
    Key(path: "admin.port", flag: "admin-port", kind: .integer(least: 0), environment: "ATENDE_ADMIN_PORT"),
    Key(path: "admin.host", flag: "admin-host", kind: .string, environment: "ATENDE_ADMIN_HOST"),
    Key(path: "sla.escalation_interval_seconds", flag: "escalation-interval-seconds", kind: .integer(least: 0)),
    Key(path: "webhooks.key_file", flag: "webhook-key-file", kind: .string),
    Key(path: "webhooks.timeout_seconds", flag: "webhook-timeout-seconds", kind: .integer(least: 1)),
    Key(path: "tracing.otlp_endpoint", flag: "otlp-endpoint", kind: .string, environment: "ATENDE_OTLP_ENDPOINT"),
  ]

  /// The command line with the configuration file's settings in it: for `serve` (given or
  /// implied) with `--config FILE` (or `ATENDE_CONFIG`), the file's flags go right after
  /// the subcommand, before the command line's own; `--config` itself is taken out.
  static func expand(_ arguments: [String], environment: [String: String]) throws -> [String] {
    var arguments = arguments
    let subcommands = ["token", "migrate-data", "backup", "restore", "dev-certificates", "help"]
    if let first = arguments.first, subcommands.contains(first) { return arguments }
    var path = environment["ATENDE_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
    if let index = arguments.firstIndex(where: { $0 == "--config" || $0.hasPrefix("--config=") }) {
      if arguments[index] == "--config" {
        guard index + 1 < arguments.count else { throw ValidationError("--config needs a file") }
        path = arguments[index + 1]
        arguments.removeSubrange(index...(index + 1))
      } else {
        path = String(arguments[index].dropFirst("--config=".count))
        arguments.remove(at: index)
      }
    }
    guard let path else { return arguments }
    let flags = try ConfigFile(path: path).arguments(environment: environment)
    let insertAt = arguments.first == "serve" ? 1 : 0
    if insertAt == 0 { arguments.insert("serve", at: 0) }
    arguments.insert(contentsOf: flags, at: 1)
    return arguments
  }

  let path: String
  /// The settings found, by dotted key.
  let values: [String: Any]

  /// Reads and checks `path`: YAML, only known keys, each of its kind and in range.
  init(path: String) throws {
    self.path = path
    guard let data = FileManager.default.contents(atPath: path) else {
      throw ValidationError("cannot read the configuration file \(path)")
    }
    let document: Any?
    do {
      document = try Yams.load(yaml: String(decoding: data, as: UTF8.self))
    } catch {
      throw ValidationError("\(path) is not valid YAML: \(error)")
    }
    var values: [String: Any] = [:]
    if let document {
      guard let root = document as? [String: Any] else {
        throw ValidationError("\(path): expected sections of settings (server:, limits:, ...) at the top")
      }
      try Self.flatten(root, prefix: "", into: &values, file: path)
    }
    let known = Dictionary(uniqueKeysWithValues: Self.keys.map { ($0.path, $0) })
    for (key, value) in values {
      guard let setting = known[key] else {
        throw ValidationError("\(path): unknown key \(key) (docs/OPERATIONS.md lists the keys)")
      }
      try Self.check(value, for: setting, file: path)
    }
    self.values = values
  }

  /// The flags standing for the file's settings, but those whose environment variable is set.
  func arguments(environment: [String: String]) throws -> [String] {
    var flags: [String] = []
    for key in Self.keys {
      guard let value = values[key.path] else { continue }
      if let variable = key.environment, environment[variable] != nil { continue }
      switch key.kind {
      case .switchOn:
        if value as? Bool == true { flags.append("--\(key.flag)") }
      case .switchOff:
        if value as? Bool == false { flags.append("--no-\(key.flag)") }
      case .list:
        let items = (value as? [Any])?.map { "\($0)" } ?? ["\(value)"]
        flags += ["--\(key.flag)", items.joined(separator: ",")]
      case .integer, .number, .string:
        flags += ["--\(key.flag)", "\(value)"]
      }
    }
    return flags
  }

  private static func flatten(_ node: [String: Any], prefix: String, into values: inout [String: Any], file: String)
    throws
  {
    for (name, value) in node {
      let key = prefix.isEmpty ? name : prefix + "." + name
      if let section = value as? [String: Any] {
        try flatten(section, prefix: key, into: &values, file: file)
      } else {
        values[key] = value
      }
    }
  }

  private static func check(_ value: Any, for key: Key, file: String) throws {
    func refuse(_ expected: String) -> ValidationError {
      ValidationError("\(file): \(key.path) must be \(expected), got \(value)")
    }
    switch key.kind {
    case .integer(let least):
      guard let number = value as? Int, !(value is Bool) else { throw refuse("an integer") }
      guard number >= least else { throw refuse("at least \(least)") }
    case .number(let least):
      let number = (value as? Double) ?? (value as? Int).map(Double.init)
      guard let number, !(value is Bool) else { throw refuse("a number") }
      guard number >= least else { throw refuse("at least \(least)") }
    case .string:
      guard value is String || value is Int else { throw refuse("a string") }
    case .list:
      guard value is [Any] || value is String else { throw refuse("a list") }
    case .switchOn, .switchOff:
      guard value is Bool else { throw refuse("true or false") }
    }
  }
}
