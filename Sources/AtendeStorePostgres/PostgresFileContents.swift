public import AtendeStore
internal import Crypto
import Foundation
internal import Logging
internal import NIOCore
internal import PostgresNIO

/// Attachment contents in the PostgreSQL database, in rows of at most 256 KiB, so that
/// every server of the database reads what any of them stored (docs/OPERATIONS.md,
/// "Attachments").
///
/// An upload writes its chunks into `file_upload_chunk` as they arrive (never the whole
/// file in memory) and, committed, becomes `file_content` + `file_chunk` in one
/// transaction (or finds the same content stored already), with a pin: a `file_pin` row
/// of its own, deleted by `release()` once its record is saved. Removing content locks
/// its `file_content` row first, then deletes it only when no record and no pin refer to
/// it; committing an upload locks the same row (its upsert) and adds its pin in the same
/// transaction: on any servers, one of the two goes first and the other sees what it did.
/// A pin older than an hour (its server stopped before releasing it) no longer counts: the
/// next upload on any server deletes such pins, and the contents they left unused; an
/// upload left behind for a day is removed then too.
public struct PostgresFileContents: FileContentStore {
  let store: PostgresStore

  /// The size of a stored row.
  static let rowSize = 256 * 1024

  /// How long a pin keeps content when its server never released it.
  static let pinLifetime = "1 hour"

  public func beginUpload() async throws -> any FileContentUpload {
    let id = try await store.transaction(signalsEvents: false) { connection in
      // What crashed servers left: their uploads, their pins, and the contents only those
      // pins kept.
      try await connection.query(
        "DELETE FROM file_upload WHERE started_at < now() - interval '1 day'", logger: store.logger)
      let stale = try await connection.query(
        """
        DELETE FROM file_pin WHERE pinned_at < now() - \(unescaped: "interval '\(Self.pinLifetime)'")
        RETURNING sha256
        """, logger: store.logger
      ).collect().map { try $0.makeRandomAccess().value("sha256", as: String.self) }
      for sha256 in Set(stale) { try await Self.removeIfUnused(sha256, connection, store.logger) }
      return try await connection.query("INSERT INTO file_upload DEFAULT VALUES RETURNING id", logger: store.logger)
        .collect()[0].makeRandomAccess().value("id", as: Int64.self)
    }
    return Upload(store: store, id: id)
  }

  final class Upload: FileContentUpload {
    let store: PostgresStore
    let id: Int64
    private var hasher = SHA256()
    private var pending: [UInt8] = []
    private var rows: Int32 = 0
    private(set) var size: Int64 = 0
    private var finished = false
    /// The pin `commit` took, until `release()`.
    private var pin: Int64?

    init(store: PostgresStore, id: Int64) {
      self.store = store
      self.id = id
    }

    func append(_ bytes: [UInt8]) async throws {
      hasher.update(data: bytes)
      size += Int64(bytes.count)
      pending += bytes
      while pending.count >= PostgresFileContents.rowSize {
        try await write(Array(pending.prefix(PostgresFileContents.rowSize)))
        pending.removeFirst(PostgresFileContents.rowSize)
      }
    }

    private func write(_ row: [UInt8]) async throws {
      let data = ByteBuffer(bytes: row)
      try await store.read { connection in
        try await connection.query(
          "INSERT INTO file_upload_chunk (upload_id, seq, data) VALUES (\(id), \(rows), \(data))",
          logger: store.logger)
      }
      rows += 1
    }

    func commit(expectedSHA256: String) async throws -> String? {
      let digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
      if !expectedSHA256.isEmpty && expectedSHA256.lowercased() != digest {
        await discard()
        return nil
      }
      if !pending.isEmpty {
        try await write(pending)
        pending = []
      }
      let (id, size) = (id, size)
      do {
        pin = try await store.transaction(signalsEvents: false) { connection in
          // The upsert locks the content's row (as a removal does) until commit.
          let inserted = try await connection.query(
            """
            INSERT INTO file_content (sha256, size) VALUES (\(digest), \(size))
            ON CONFLICT (sha256) DO UPDATE SET size = excluded.size
            RETURNING (xmax = 0) AS inserted
            """, logger: store.logger
          ).collect()[0].makeRandomAccess().value("inserted", as: Bool.self)
          if inserted {
            try await connection.query(
              """
              INSERT INTO file_chunk (sha256, seq, data)
              SELECT \(digest), seq, data FROM file_upload_chunk WHERE upload_id = \(id)
              """, logger: store.logger)
          }
          try await connection.query("DELETE FROM file_upload WHERE id = \(id)", logger: store.logger)
          return try await connection.query(
            "INSERT INTO file_pin (sha256) VALUES (\(digest)) RETURNING id", logger: store.logger
          ).collect()[0].makeRandomAccess().value("id", as: Int64.self)
        }
      } catch {
        await discard()
        throw error
      }
      finished = true
      return digest
    }

    func release() async {
      guard let pin else { return }
      self.pin = nil
      await store.cleanUp(
        "a content's pin was not released (it lapses after \(PostgresFileContents.pinLifetime))", ["pin": "\(pin)"]
      ) { connection, logger in
        try await connection.query("DELETE FROM file_pin WHERE id = \(pin)", logger: logger)
      }
    }

    func discard() async {
      guard !finished else { return }
      finished = true
      let id = id
      await store.cleanUp(
        "an upload's staged chunks were not removed (removed with the next upload after a day)", ["upload": "\(id)"]
      ) { connection, logger in
        try await connection.query("DELETE FROM file_upload WHERE id = \(id)", logger: logger)
      }
    }
  }

  public func read(sha256: String, chunkSize: Int, _ body: ([UInt8]) async throws -> Void) async throws {
    let rows = try await store.read { connection -> Int64? in
      guard
        try await connection.query(
          "SELECT 1 AS present FROM file_content WHERE sha256 = \(sha256)", logger: store.logger
        ).collect().first != nil
      else { return nil }
      return try await connection.query(
        "SELECT count(*) AS rows FROM file_chunk WHERE sha256 = \(sha256)", logger: store.logger
      ).collect()[0].makeRandomAccess().value("rows", as: Int64.self)
    }
    guard let rows else { throw FileContentMissing(sha256: sha256) }
    // One short query per row: a slow reader never holds a pooled connection.
    for seq in 0..<rows {
      let data = try await store.read { connection -> ByteBuffer? in
        try await connection.query(
          "SELECT data FROM file_chunk WHERE sha256 = \(sha256) AND seq = \(Int32(seq))", logger: store.logger
        ).collect().first?.makeRandomAccess().value("data", as: ByteBuffer.self)
      }
      guard let data else { throw FileContentMissing(sha256: sha256) }  // removed meanwhile
      let bytes = Array(data.readableBytesView)
      var offset = 0
      while offset < bytes.count {
        let end = min(offset + max(1, chunkSize), bytes.count)
        try await body(Array(bytes[offset..<end]))
        offset = end
      }
    }
  }

  public func removeIfUnused(sha256: String, used: Bool) async {
    guard !used else { return }
    await store.cleanUp("unused content was not removed", ["sha256": "\(sha256)"]) { connection, logger in
      try await Self.removeIfUnused(sha256, connection, logger)
    }
  }

  /// Removes the content when no record and no live pin refer to it, inside a transaction:
  /// its row is locked first (waiting for an upload committing it), then the second
  /// statement, with a snapshot taken after the lock, sees every record and pin committed
  /// before.
  static func removeIfUnused(_ sha256: String, _ connection: PostgresConnection, _ logger: Logger) async throws {
    try await connection.query("SELECT 1 FROM file_content WHERE sha256 = \(sha256) FOR UPDATE", logger: logger)
    try await connection.query(
      """
      DELETE FROM file_content WHERE sha256 = \(sha256)
        AND NOT EXISTS (SELECT 1 FROM ticket_file WHERE ticket_file.sha256 = \(sha256))
        AND NOT EXISTS (
          SELECT 1 FROM file_pin WHERE file_pin.sha256 = \(sha256)
            AND pinned_at >= now() - \(unescaped: "interval '\(pinLifetime)'"))
      """, logger: logger)
  }

  public func contains(sha256: String) async throws -> Bool {
    try await store.read { connection in
      try await connection.query(
        "SELECT 1 AS present FROM file_content WHERE sha256 = \(sha256)", logger: store.logger
      ).collect().first != nil
    }
  }

  public func uploadsInProgress() async throws -> Int {
    try await store.read { connection in
      Int(
        try await connection.query("SELECT count(*) AS uploads FROM file_upload", logger: store.logger).collect()[0]
          .makeRandomAccess().value("uploads", as: Int64.self))
    }
  }
}

extension PostgresStore {
  /// Attachment contents in this database (what every server of it shares).
  public var fileContents: PostgresFileContents { PostgresFileContents(store: self) }
}

extension PostgresStore {
  /// Runs a clean-up statement (releasing a pin, dropping staged rows) in a transaction
  /// of a task of its own, so that a cancelled call still cleans up after itself; a
  /// failure is logged as `failure` with `metadata`, never thrown: what is left behind is
  /// swept later.
  func cleanUp(
    _ failure: String, _ metadata: Logger.Metadata,
    _ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> Void
  ) async {
    do {
      try await Task {
        try await self.transaction(signalsEvents: false) { connection in try await body(connection, self.logger) }
      }.value
    } catch {
      var metadata = metadata
      metadata["error"] = "\(String(reflecting: error))"
      logger.warning("\(failure)", metadata: metadata)
    }
  }
}
