import ArgumentParser
import AtendeStore
import AtendeStorePostgres
import Foundation
import Logging

/// `atende-server migrate-data`: moving up from one SQLite file to PostgreSQL.
struct MigrateData: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "migrate-data",
    abstract: "Copy a SQLite database into PostgreSQL, then check the copy.",
    discussion: """
      Copies everything: reference data, subjects, parameters, API tokens, tickets with \
      their history, messages, contacts, file records and service orders, keeping ids. \
      Then it compares each table on both sides (row count and SHA-256 in key order) and \
      fails naming the first table that differs. Rows already copied are kept, so a run \
      that failed can be run again. Stop the servers using the SQLite file first.

      Attachment contents are files named by their SHA-256: with --files-to, those of \
      --files-from (default: the SQLite path + ".files") are copied there and checked.

        atende-server migrate-data --from /var/lib/atende/atende.sqlite \\
          --to postgres://atende@db.internal/atende --files-to /srv/atende/files
      """)

  @Option(help: "The SQLite database to copy.")
  var from: String

  @Option(help: "The PostgreSQL database to copy into (postgres://…); migrated first.")
  var to: String

  @Option(help: "Where the attachment contents are (default: the SQLite path + \".files\").")
  var filesFrom: String?

  @Option(help: "The directory the PostgreSQL servers share for attachment contents.")
  var filesTo: String?

  func run() async throws {
    guard FileManager.default.fileExists(atPath: from) else {
      throw ValidationError("no SQLite database at \(from)")
    }
    let source = try SQLiteStore(path: from)
    let logger = Logger(label: "atende.migrate-data")
    let target: PostgresStore
    do {
      target = try PostgresStore(url: to, logger: logger)
    } catch {
      throw ValidationError("cannot use the database: \(error)")
    }
    let report = try await target.withRunning { store in
      try await store.importData(from: source) { table in
        print("\(table.name): \(table.rows) rows, \(table.copied) copied now, sha256 \(table.checksum.prefix(16))")
      }
    }
    if let filesTo {
      let copied = try await copyContents(
        of: source, from: FileStorage(directory: filesFrom ?? from + ".files"), to: FileStorage(directory: filesTo))
      print("attachments: \(copied.total) contents, \(copied.copied) copied now, each checked against its SHA-256")
    }
    let rows = report.tables.reduce(0) { $0 + $1.rows }
    print("done: \(rows) rows in \(report.tables.count) tables, the same on both sides")
  }

  /// Copies the content of every file record of `store` missing in `destination`
  /// (checked against its SHA-256 as it is written), and checks those present already.
  private func copyContents(of store: SQLiteStore, from source: FileStorage, to destination: FileStorage) async throws
    -> (total: Int, copied: Int)
  {
    let files = ExportedTable(name: "ticket_file", key: ["id"])
    var digests = Set<String>()
    var after: [ExportValue]?
    while true {
      let rows = try await store.exportRows(of: files, columns: ["id", "sha256"], after: after, limit: 1000)
      for row in rows { if case .text(let digest) = row[1] { digests.insert(digest) } }
      guard let last = rows.last, rows.count == 1000 else { break }
      after = [last[0]]
    }
    var copied = 0
    for digest in digests.sorted() {
      let upload = try destination.beginUpload()
      do {
        let from = destination.contains(sha256: digest) ? destination : source
        try await from.read(sha256: digest) { chunk in try upload.append(chunk) }
        guard let stored = try upload.commit(expectedSHA256: digest) else {
          throw ValidationError("attachment \(digest) does not match its SHA-256 in \(from.directory)")
        }
        destination.unpin(stored)
        if from === source { copied += 1 }
      } catch {
        upload.discard()
        throw error
      }
    }
    return (digests.count, copied)
  }
}
