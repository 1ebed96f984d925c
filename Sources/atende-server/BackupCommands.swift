import ArgumentParser
import AtendeStore
import AtendeStorePostgres
import Foundation

/// `atende-server backup`: the database and the attachments, consistent, online.
struct Backup: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Back up the database and the attachment contents while the servers keep serving.",
    discussion: """
      Writes a new directory: the database (SQLite's online backup, one consistent \
      snapshot; with PostgreSQL a pg_dump, attachments included), the attachment contents \
      the snapshot refers to, and manifest.json with every file's size and SHA-256. \
      `atende-server restore --from DIR` checks and brings it back.

      Examples:
        atende-server backup --to /var/backups/atende/2026-12-03
        atende-server backup --database postgres://atende@db/atende --to /var/backups/atende/2026-12-03
      """)

  @OptionGroup var storage: DatabaseOptions

  @Option(help: "Attachment contents of a SQLite database (default: the database path + \".files\").")
  var filesDirectory: String?

  @Option(help: "The backup directory to write (new, or empty).")
  var to: String

  func run() async throws {
    let started = Date()
    let manifest: BackupManifest
    do {
      if storage.isPostgres {
        manifest = try await PostgresBackup.take(url: storage.database, to: to)
      } else {
        manifest = try SQLiteBackup.take(
          database: storage.database, files: filesDirectory ?? storage.database + ".files", to: to)
      }
    } catch let error as BackupError {
      throw ValidationError("backup failed: \(error)")
    }
    let bytes = manifest.database.bytes + manifest.files.reduce(0) { $0 + $1.bytes }
    print(
      "backed up \(storage.redacted) to \(to): database \(manifest.database.bytes) bytes, "
        + "\(manifest.files.count) attachment contents, \(bytes) bytes in all, "
        + String(format: "%.1f s", Date().timeIntervalSince(started)))
  }
}

/// `atende-server restore`: a backup into a new database.
struct Restore: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Check a backup and restore it into a new database.",
    discussion: """
      Every file is checked against the manifest first (size and SHA-256); a backup that \
      differs is refused, naming the file. The target must be new: a SQLite path that does \
      not exist (its attachments go to --files-directory, default the path + ".files"), or \
      an empty PostgreSQL database.

      Examples:
        atende-server restore --from /var/backups/atende/2026-12-03 --database /var/lib/atende/atende.sqlite
        createdb atende_restored && atende-server restore --from DIR --database postgres://atende@db/atende_restored
        atende-server restore --from DIR --verify-only
      """)

  @OptionGroup var storage: DatabaseOptions

  @Option(help: "Where the attachment contents go, with a SQLite database (default: the database path + \".files\").")
  var filesDirectory: String?

  @Option(help: "The backup directory.")
  var from: String

  @Flag(help: "Only check the backup against its manifest.")
  var verifyOnly = false

  func run() async throws {
    let manifest: BackupManifest
    do {
      if verifyOnly {
        manifest = try BackupManifest.verify(from)
        print("\(from) is intact: \(manifest.engine) database and \(manifest.files.count) attachment contents")
        return
      }
      if storage.isPostgres {
        manifest = try await PostgresBackup.restore(from: from, url: storage.database)
      } else {
        manifest = try await SQLiteBackup.restore(
          from: from, database: storage.database, files: filesDirectory ?? storage.database + ".files")
      }
    } catch let error as BackupError {
      throw ValidationError("restore failed: \(error)")
    }
    print(
      "restored \(from) (taken \(ISO8601DateFormatter().string(from: manifest.createdAt))) into \(storage.redacted): "
        + "\(manifest.files.count) attachment contents")
  }
}
