public import AtendeStore
public import Foundation
internal import Logging

/// Backups of a PostgreSQL deployment, with PostgreSQL's own tools: `pg_dump` takes the
/// database online in one consistent snapshot (the attachment contents are in it), and
/// `pg_restore` brings it back into an empty database. The backup directory has the dump
/// (`atende.dump`, custom format) and a manifest with its SHA-256.
///
/// The password never appears on a command line: it goes to the tools in `PGPASSWORD`.
public enum PostgresBackup {
  static let dumpName = "atende.dump"

  /// Dumps the database at `url` into `directory` (created; it must not exist or be
  /// empty), while servers keep writing.
  public static func take(url: String, to directory: String) async throws -> BackupManifest {
    let manager = FileManager.default
    if manager.fileExists(atPath: directory), !(try manager.contentsOfDirectory(atPath: directory)).isEmpty {
      throw BackupError("\(directory) is not empty: back up into a new directory")
    }
    try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let target = try Target(url: url)
    try run(
      "pg_dump",
      ["--format=custom", "--no-owner", "--no-privileges", "--file=\(directory)/\(dumpName)", target.connectionString],
      environment: target.environment)
    // The schema as it is: a backup never migrates the database it copies.
    let migrations = try await PostgresStore(url: url, logger: .init(label: "atende.backup")).withoutMigrating {
      try await $0.appliedMigrations()
    }
    let manifest = BackupManifest(
      format: 1, createdAt: Date(), engine: "postgresql", migrations: migrations,
      database: try SQLiteBackup.entry(dumpName, in: directory), files: [])
    try SQLiteBackup.encoder.encode(manifest).write(
      to: URL(fileURLWithPath: directory + "/" + SQLiteBackup.manifestName), options: .atomic)
    return manifest
  }

  /// Restores the backup in `directory` (verified first) into the database at `url`,
  /// which must exist and be empty (create it with `createdb` first).
  public static func restore(from directory: String, url: String) async throws -> BackupManifest {
    let manifest = try BackupManifest.verify(directory)
    guard manifest.engine == "postgresql" else {
      throw BackupError("this is a backup of a \(manifest.engine) database: restore it to a SQLite path")
    }
    let existing = try await PostgresStore(url: url, logger: .init(label: "atende.restore")).withoutMigrating {
      try await $0.tableCount()
    }
    guard existing == 0 else {
      throw BackupError("the database at \(url.redactingPassword) is not empty: restore into a new, empty database")
    }
    let target = try Target(url: url)
    try run(
      "pg_restore",
      [
        "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
        "--dbname=\(target.connectionString)", "\(directory)/\(dumpName)",
      ], environment: target.environment)
    return manifest
  }

  /// Where a tool connects: a libpq connection string without the password, and the
  /// environment that carries it.
  struct Target {
    var connectionString: String
    var environment: [String: String]

    init(url: String) throws {
      let settings = try ConnectionSettings(url: url)
      var environment = ProcessInfo.processInfo.environment
      environment["PGPASSWORD"] = settings.password
      environment["PGSSLMODE"] =
        switch settings.tlsMode {
        case .disable: "disable"
        case .prefer: "prefer"
        case .require: "require"
        }
      self.environment = environment
      var components = URLComponents()
      components.scheme = "postgresql"
      components.host = settings.host
      components.port = settings.port
      components.user = settings.username
      components.path = "/" + (settings.database ?? settings.username)
      connectionString = components.string ?? ""
    }
  }

  /// Runs a PostgreSQL tool; throws with what it printed when it fails.
  static func run(_ tool: String, _ arguments: [String], environment: [String: String]) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [tool] + arguments
    process.environment = environment
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    do {
      try process.run()
    } catch {
      throw BackupError("cannot run \(tool) (is the PostgreSQL client installed?): \(error)")
    }
    let output = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      let message = String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
      throw BackupError("\(tool) failed (exit \(process.terminationStatus)): \(message)")
    }
  }
}

extension String {
  /// A postgres:// URL without its password, for messages.
  var redactingPassword: String {
    guard var components = URLComponents(string: self), components.password != nil else { return self }
    components.password = "***"
    return components.string ?? "postgres://…"
  }
}
