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

      Attachment contents, files named by their SHA-256 in --files-from (default: the \
      SQLite path + ".files"), are copied into the database, where every server reads \
      them, each checked against its SHA-256. Without --from, only the contents the \
      database's own file records use are copied from --files-from: for servers that \
      kept them in a shared directory before they moved into the database.

        atende-server migrate-data --from /var/lib/atende/atende.sqlite \\
          --to postgres://atende@db.internal/atende
      """)

  @Option(help: "The SQLite database to copy (without it: only the attachment contents of --files-from).")
  var from: String?

  @Option(help: "The PostgreSQL database to copy into (postgres://…); migrated first.")
  var to: String

  @Option(help: "Where the attachment contents are (default: the SQLite path + \".files\").")
  var filesFrom: String?

  func validate() throws {
    if from == nil && filesFrom == nil {
      throw ValidationError("give --from FILE.sqlite (everything), or --files-from DIR (attachment contents only)")
    }
  }

  func run() async throws {
    let logger = Logger(label: "atende.migrate-data")
    let target: PostgresStore
    do {
      target = try PostgresStore(url: to, logger: logger)
    } catch {
      throw ValidationError("cannot use the database: \(error)")
    }
    guard let from else {
      // Contents only: a database whose servers kept them in a shared directory.
      let files = try FileStorage(directory: filesFrom ?? "")
      let contents = try await target.withRunning { store in try await store.importFileContents(from: files) }
      print("attachments: \(contents.total) contents, \(contents.copied) copied now, each checked against its SHA-256")
      return
    }
    guard FileManager.default.fileExists(atPath: from) else {
      throw ValidationError("no SQLite database at \(from)")
    }
    let source = try SQLiteStore(path: from)
    let files = try FileStorage(directory: filesFrom ?? from + ".files")
    // One run of the pool (a PostgresStore runs once) for the tables, then the contents.
    let (report, contents) = try await target.withRunning { store in
      let report = try await store.importData(from: source) { table in
        print("\(table.name): \(table.rows) rows, \(table.copied) copied now, sha256 \(table.checksum.prefix(16))")
      }
      return (report, try await store.importFileContents(of: source, from: files))
    }
    print("attachments: \(contents.total) contents, \(contents.copied) copied now, each checked against its SHA-256")
    let rows = report.tables.reduce(0) { $0 + $1.rows }
    print("done: \(rows) rows in \(report.tables.count) tables, the same on both sides")
  }
}
