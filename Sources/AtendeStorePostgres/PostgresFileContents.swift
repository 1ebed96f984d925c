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
/// transaction, or only takes a pin when the same content is stored already. Pins live in
/// the database, so removing content (`DELETE … WHERE pins = 0 AND NOT EXISTS (a record)`)
/// is atomic with respect to an upload of the same content on any server. A pin older
/// than an hour (its server stopped before saving its record) no longer keeps content,
/// and an upload left behind for a day is removed when the next one starts.
public struct PostgresFileContents: FileContentStore {
  let store: PostgresStore

  /// The size of a stored row.
  static let rowSize = 256 * 1024

  public func beginUpload() async throws -> any FileContentUpload {
    let id = try await store.transaction(signalsEvents: false) { connection in
      try await connection.query(
        "DELETE FROM file_upload WHERE started_at < now() - interval '1 day'", logger: store.logger)
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
        try await store.transaction(signalsEvents: false) { connection in
          let inserted = try await connection.query(
            """
            INSERT INTO file_content (sha256, size, pins, pinned_at) VALUES (\(digest), \(size), 1, now())
            ON CONFLICT (sha256) DO UPDATE SET pins = file_content.pins + 1, pinned_at = now()
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
        }
      } catch {
        await discard()
        throw error
      }
      finished = true
      return digest
    }

    func discard() async {
      guard !finished else { return }
      finished = true
      let (id, store) = (id, store)
      do {
        // Also (above all) when the upload's call was cancelled: in a task of its own.
        try await Task {
          try await store.read { connection in
            try await connection.query("DELETE FROM file_upload WHERE id = \(id)", logger: store.logger)
          }
        }.value
      } catch {
        store.logger.warning(
          "an upload's staged chunks were not removed (removed with the next upload after a day)",
          metadata: ["upload": "\(id)", "error": "\(String(reflecting: error))"])
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
    guard let rows else { throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: sha256]) }
    // One short query per row: a slow reader never holds a pooled connection.
    for seq in 0..<rows {
      let data = try await store.read { connection -> ByteBuffer? in
        try await connection.query(
          "SELECT data FROM file_chunk WHERE sha256 = \(sha256) AND seq = \(Int32(seq))", logger: store.logger
        ).collect().first?.makeRandomAccess().value("data", as: ByteBuffer.self)
      }
      guard let data else { throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: sha256]) }
      let bytes = Array(data.readableBytesView)
      var offset = 0
      while offset < bytes.count {
        let end = min(offset + max(1, chunkSize), bytes.count)
        try await body(Array(bytes[offset..<end]))
        offset = end
      }
    }
  }

  public func unpin(_ sha256: String) async {
    do {
      // In a task of its own: a cancelled call still releases its pin.
      try await Task { [store] in
        try await store.read { connection in
          try await connection.query(
            "UPDATE file_content SET pins = greatest(pins - 1, 0) WHERE sha256 = \(sha256)", logger: store.logger)
        }
      }.value
    } catch {
      store.logger.warning(
        "a content's pin was not released (it lapses after an hour)",
        metadata: ["sha256": "\(sha256)", "error": "\(String(reflecting: error))"])
    }
  }

  public func removeIfUnused(sha256: String, used: Bool) async {
    guard !used else { return }
    do {
      // The check and the removal in one statement: an upload of the same content on any
      // server either pinned it before (kept) or stores it again after (its own copy).
      try await Task { [store] in
        try await store.read { connection in
          try await connection.query(
            """
            DELETE FROM file_content WHERE sha256 = \(sha256)
              AND (pins = 0 OR pinned_at < now() - interval '1 hour')
              AND NOT EXISTS (SELECT 1 FROM ticket_file WHERE ticket_file.sha256 = \(sha256))
            """, logger: store.logger)
        }
      }.value
    } catch {
      store.logger.warning(
        "unused content was not removed", metadata: ["sha256": "\(sha256)", "error": "\(String(reflecting: error))"])
    }
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
