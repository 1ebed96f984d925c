internal import Crypto
public import Foundation
internal import GRDB

/// Backups of a SQLite deployment: the database, taken online, and the attachment
/// contents it refers to, consistent with each other, with a manifest of checksums.
///
/// A backup is a directory:
///
/// ```
/// manifest.json        what is there, with sizes and SHA-256 (written last)
/// atende.sqlite        the database, as one self-contained file
/// files/<sha256>       each attachment content the database refers to
/// ```
public enum SQLiteBackup {
  /// The backup's manifest file name.
  public static let manifestName = "manifest.json"
  static let databaseName = "atende.sqlite"

  /// Takes a backup of the database at `database` and the contents in `files` into
  /// `directory` (created; it must not exist or be empty), while servers keep writing.
  ///
  /// Contents are copied before and after the database: first every content present, then
  /// the database in one step (SQLite's online backup, a consistent snapshot that does not
  /// stop writers), then the contents uploaded meanwhile that the snapshot refers to.
  /// Contents the snapshot does not refer to are left out. Every copy is checked against
  /// its SHA-256. Throws ``BackupError`` when a content the snapshot refers to was removed
  /// before it could be copied (its ticket file deleted during the backup: run it again).
  public static func take(database: String, files: String, to directory: String) throws -> BackupManifest {
    let manager = FileManager.default
    if manager.fileExists(atPath: directory) {
      guard (try manager.contentsOfDirectory(atPath: directory)).isEmpty else {
        throw BackupError("\(directory) is not empty: back up into a new directory")
      }
    }
    guard manager.fileExists(atPath: database) else { throw BackupError("no database at \(database)") }
    let contents = directory + "/files"
    try manager.createDirectory(atPath: contents, withIntermediateDirectories: true)

    // 1. Every content present now.
    var copied = Set<String>()
    for sha256 in try storedContents(in: files) {
      try copyContent(sha256, from: files, to: contents)
      copied.insert(sha256)
    }
    // 2. The database, in one step: a snapshot.
    let target = directory + "/" + databaseName
    do {
      var configuration = Configuration()
      configuration.readonly = true
      let source = try DatabaseQueue(path: database, configuration: configuration)
      let copy = try DatabaseQueue(path: target)
      try source.backup(to: copy)
      // One self-contained file, without a write-ahead log beside it.
      try copy.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
      try copy.close()
      try source.close()
    } catch let error as DatabaseError {
      throw BackupError("cannot copy the database \(database): \(error.message ?? "\(error)")")
    }
    let (referenced, migrations) = try describe(databaseAt: target)
    // 3. Contents uploaded while step 1 ran, which the snapshot refers to.
    for sha256 in referenced.subtracting(copied) {
      guard manager.fileExists(atPath: FileStorage.path(sha256: sha256, in: files)) else {
        throw BackupError(
          "attachment content \(sha256) was removed while the backup ran (its file was deleted): run the backup again")
      }
      try copyContent(sha256, from: files, to: contents)
      copied.insert(sha256)
    }
    // Contents nothing in the snapshot refers to stay out.
    for sha256 in copied.subtracting(referenced) {
      try manager.removeItem(atPath: contents + "/" + sha256)
    }
    let manifest = BackupManifest(
      format: 1, createdAt: Date(), engine: "sqlite", migrations: migrations,
      database: try entry(databaseName, in: directory),
      files: try referenced.sorted().map { try entry("files/" + $0, in: directory) })
    try encoder.encode(manifest).write(to: URL(fileURLWithPath: directory + "/" + manifestName), options: .atomic)
    return manifest
  }

  /// Restores the backup in `directory` (verified first) to a new database at `database`,
  /// with its attachment contents in `files`. Refuses to overwrite an existing database.
  public static func restore(from directory: String, database: String, files: String) async throws -> BackupManifest {
    let manifest = try BackupManifest.verify(directory)
    guard manifest.engine == "sqlite" else {
      throw BackupError("this is a backup of a \(manifest.engine) database: restore it to a postgres:// URL")
    }
    let manager = FileManager.default
    for path in [database, database + "-wal"] where manager.fileExists(atPath: path) {
      throw BackupError("\(path) exists: restore to a new path (move the current database away first)")
    }
    let parent = (database as NSString).deletingLastPathComponent
    if !parent.isEmpty { try manager.createDirectory(atPath: parent, withIntermediateDirectories: true) }
    // Contents first, each checked again as it is stored: a database is never left
    // referring to contents that are not there.
    let storage = try FileStorage(directory: files)
    for file in manifest.files {
      let sha256 = String(file.path.dropFirst("files/".count))
      let upload = try storage.beginUpload()
      guard let input = FileHandle(forReadingAtPath: directory + "/" + file.path) else {
        throw BackupError("\(file.path) cannot be read")
      }
      defer { try? input.close() }
      while let chunk = try input.read(upToCount: 1 << 16), !chunk.isEmpty {
        try await upload.append(Array(chunk))
      }
      guard try await upload.commit(expectedSHA256: sha256) != nil else {
        throw BackupError("\(file.path) changed while it was being restored")
      }
      await upload.release()
    }
    let temporary = database + ".restoring"
    try? manager.removeItem(atPath: temporary)
    try manager.copyItem(atPath: directory + "/" + databaseName, toPath: temporary)
    try manager.moveItem(atPath: temporary, toPath: database)
    return manifest
  }

  // MARK: Helpers

  package static let encoder: JSONEncoder = {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    encoder.dateEncodingStrategy = .iso8601
    return encoder
  }()

  package static let decoder: JSONDecoder = {
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .iso8601
    return decoder
  }()

  /// The SHA-256 of every content stored in a ``FileStorage`` directory.
  static func storedContents(in files: String) throws -> [String] {
    let manager = FileManager.default
    guard manager.fileExists(atPath: files) else { return [] }
    var found: [String] = []
    for shard in try manager.contentsOfDirectory(atPath: files) where shard.count == 2 {
      for name in (try? manager.contentsOfDirectory(atPath: files + "/" + shard)) ?? []
      where name.count == 64 && name.hasPrefix(shard) {
        found.append(name)
      }
    }
    return found
  }

  /// Copies a content into `destination/<sha256>`, checking its SHA-256 as it goes.
  static func copyContent(_ sha256: String, from files: String, to destination: String) throws {
    let source = FileStorage.path(sha256: sha256, in: files)
    let target = destination + "/" + sha256
    guard let input = FileHandle(forReadingAtPath: source) else {
      throw BackupError("attachment content \(sha256) cannot be read at \(source)")
    }
    defer { try? input.close() }
    guard FileManager.default.createFile(atPath: target, contents: nil),
      let output = FileHandle(forWritingAtPath: target)
    else {
      throw BackupError("cannot write \(target)")
    }
    defer { try? output.close() }
    var hasher = SHA256()
    while let chunk = try input.read(upToCount: 1 << 16), !chunk.isEmpty {
      hasher.update(data: chunk)
      try output.write(contentsOf: chunk)
    }
    try output.synchronize()
    let digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
    guard digest == sha256 else {
      throw BackupError("attachment content \(sha256) is damaged: its SHA-256 is \(digest)")
    }
  }

  /// The contents the database at `path` refers to, and its migrations.
  static func describe(databaseAt path: String) throws -> (contents: Set<String>, migrations: [String]) {
    var configuration = Configuration()
    configuration.readonly = true
    let queue = try DatabaseQueue(path: path, configuration: configuration)
    defer { try? queue.close() }
    return try queue.read { db in
      let contents = try String.fetchSet(db, sql: "SELECT DISTINCT sha256 FROM ticket_file")
      let migrations = try Schema.migrator.appliedIdentifiers(db).sorted()
      return (contents, migrations)
    }
  }

  /// A file's entry: its size and SHA-256.
  package static func entry(_ path: String, in directory: String) throws -> BackupManifest.Entry {
    let full = directory + "/" + path
    guard let input = FileHandle(forReadingAtPath: full) else { throw BackupError("\(full) cannot be read") }
    defer { try? input.close() }
    var hasher = SHA256()
    var bytes: Int64 = 0
    while let chunk = try input.read(upToCount: 1 << 16), !chunk.isEmpty {
      hasher.update(data: chunk)
      bytes += Int64(chunk.count)
    }
    return BackupManifest.Entry(
      path: path, bytes: bytes, sha256: hasher.finalize().map { String(format: "%02x", $0) }.joined())
  }
}

/// A backup could not be taken, verified or restored; the message says which file and why.
public struct BackupError: Error, CustomStringConvertible {
  public var description: String

  package init(_ description: String) {
    self.description = description
  }
}

/// What a backup holds: the files of a backup directory with their sizes and SHA-256.
public struct BackupManifest: Codable, Sendable, Hashable {
  /// One file of the backup.
  public struct Entry: Codable, Sendable, Hashable {
    /// Its path inside the backup directory.
    public var path: String
    /// Its size in bytes.
    public var bytes: Int64
    /// Its SHA-256, lower-case hex.
    public var sha256: String
  }

  /// The layout's version (1).
  public var format: Int
  /// When the database was copied.
  public var createdAt: Date
  /// `sqlite` or `postgresql`.
  public var engine: String
  /// The migrations the database had.
  public var migrations: [String]
  /// The database: a SQLite file, or a PostgreSQL dump (`pg_dump`'s custom format,
  /// attachment contents included).
  public var database: Entry
  /// The attachment contents, by SHA-256 (SQLite; PostgreSQL keeps them in the dump).
  public var files: [Entry]

  public init(
    format: Int, createdAt: Date, engine: String, migrations: [String], database: Entry, files: [Entry]
  ) {
    self.format = format
    self.createdAt = createdAt
    self.engine = engine
    self.migrations = migrations
    self.database = database
    self.files = files
  }
}

extension BackupManifest {
  /// Checks a backup: its manifest, and every file's size and SHA-256. Throws
  /// ``BackupError`` naming the first file that is missing or differs.
  @discardableResult
  public static func verify(_ directory: String) throws -> BackupManifest {
    let manifestPath = directory + "/" + SQLiteBackup.manifestName
    guard let data = FileManager.default.contents(atPath: manifestPath) else {
      throw BackupError("\(manifestPath) is missing: not a backup, or an unfinished one")
    }
    let manifest: BackupManifest
    do {
      manifest = try SQLiteBackup.decoder.decode(BackupManifest.self, from: data)
    } catch {
      throw BackupError("\(manifestPath) cannot be read: \(error)")
    }
    guard manifest.format == 1, ["sqlite", "postgresql"].contains(manifest.engine) else {
      throw BackupError(
        "\(manifestPath): format \(manifest.format) of \(manifest.engine) is not one this version restores")
    }
    for expected in [manifest.database] + manifest.files {
      guard !expected.path.contains(".."), !expected.path.hasPrefix("/") else {
        throw BackupError("\(manifestPath) names a path outside the backup: \(expected.path)")
      }
      let found: BackupManifest.Entry
      do {
        found = try SQLiteBackup.entry(expected.path, in: directory)
      } catch {
        throw BackupError("\(expected.path) is missing from the backup")
      }
      guard found == expected else {
        throw BackupError(
          "\(expected.path) differs from the manifest (\(found.bytes) bytes, SHA-256 \(found.sha256); expected \(expected.bytes) bytes, \(expected.sha256))"
        )
      }
    }
    return manifest
  }
}
