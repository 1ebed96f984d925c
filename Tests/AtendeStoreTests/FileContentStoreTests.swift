import AtendeStore
import AtendeStorePostgres
import AtendeStoreTestSupport
import Crypto
import Foundation
import Logging
import Testing

/// The attachment content stores: a directory (next to SQLite) and the PostgreSQL
/// database, through the same protocol.
@Suite("Attachment content stores")
struct FileContentStoreTests {
  /// The content store of `engine`, empty.
  func withContents<Result: Sendable>(
    _ engine: Engine, _ body: (any FileContentStore) async throws -> Result
  ) async throws -> Result {
    switch engine {
    case .sqlite:
      return try await withTemporaryDirectory { directory in try await body(FileStorage(directory: directory)) }
    case .postgres:
      return try await withStore(.postgres) { store in
        try await body(try #require(store as? PostgresStore).fileContents)
      }
    }
  }

  static func bytes(_ count: Int, seed: Int = 3) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ seed) }
  }

  static func hex(_ bytes: [UInt8]) -> String {
    SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
  }

  /// Uploads `content` in `chunk`-byte pieces and commits it (pinned until `release()`).
  static func pinned(_ content: [UInt8], in contents: any FileContentStore, chunk: Int = 100_000) async throws
    -> (sha256: String?, upload: any FileContentUpload)
  {
    let upload = try await contents.beginUpload()
    var offset = 0
    while offset < content.count {
      let end = min(offset + chunk, content.count)
      try await upload.append(Array(content[offset..<end]))
      offset = end
    }
    #expect(upload.size == Int64(content.count))
    return (try await upload.commit(expectedSHA256: ""), upload)
  }

  /// Uploads `content` and commits it, released at once.
  static func store(_ content: [UInt8], in contents: any FileContentStore, chunk: Int = 100_000) async throws
    -> String?
  {
    let (sha256, upload) = try await pinned(content, in: contents, chunk: chunk)
    await upload.release()
    return sha256
  }

  static func read(_ sha256: String, from contents: any FileContentStore, chunkSize: Int) async throws -> [[UInt8]] {
    var chunks: [[UInt8]] = []
    try await contents.read(sha256: sha256, chunkSize: chunkSize) { chunks.append($0) }
    return chunks
  }

  @Test("content streams in and reads back whole, in chunks no larger than asked", arguments: Engine.available)
  func roundTrip(engine: Engine) async throws {
    try await withContents(engine) { contents in
      // Over two stored rows of 256 KiB, appended in pieces that do not line up with them.
      let content = Self.bytes(600_000)
      let sha256 = try #require(try await Self.store(content, in: contents, chunk: 70_001))
      #expect(sha256 == Self.hex(content))
      #expect(try await contents.uploadsInProgress() == 0)
      #expect(try await contents.contains(sha256: sha256))
      let chunks = try await Self.read(sha256, from: contents, chunkSize: 50_000)
      #expect(chunks.allSatisfy { $0.count <= 50_000 && !$0.isEmpty })
      #expect(Array(chunks.joined()) == content)
      // Empty content is content too.
      let empty = try #require(try await Self.store([], in: contents))
      #expect(try await Self.read(empty, from: contents, chunkSize: 1024).isEmpty)
      await #expect(throws: (any Error).self) {
        try await contents.read(sha256: String(repeating: "0", count: 64), chunkSize: 1024) { _ in }
      }
    }
  }

  @Test(
    "a wrong SHA-256 or a discarded upload leaves nothing; identical content is kept once",
    arguments: Engine.available)
  func mismatchDiscardAndDuplicates(engine: Engine) async throws {
    try await withContents(engine) { contents in
      let content = Self.bytes(300_000)
      let wrong = try await contents.beginUpload()
      try await wrong.append(content)
      #expect(try await wrong.commit(expectedSHA256: String(repeating: "a", count: 64)) == nil)
      #expect(try await !contents.contains(sha256: Self.hex(content)))
      let dropped = try await contents.beginUpload()
      try await dropped.append(content)
      #expect(try await contents.uploadsInProgress() == 1)
      await dropped.discard()
      #expect(try await contents.uploadsInProgress() == 0)
      #expect(try await !contents.contains(sha256: Self.hex(content)))

      let first = try await Self.store(content, in: contents)
      let second = try await Self.store(content, in: contents)
      #expect(first == second && first == Self.hex(content))
      #expect(Array(try await Self.read(Self.hex(content), from: contents, chunkSize: 1 << 20).joined()) == content)
    }
  }

  @Test(
    "committed content is pinned: not removed until every upload that committed it has released it",
    arguments: Engine.available)
  func pins(engine: Engine) async throws {
    try await withContents(engine) { contents in
      let content = Self.bytes(1000)
      let (committed, first) = try await Self.pinned(content, in: contents)
      let sha256 = try #require(committed)
      let (_, second) = try await Self.pinned(content, in: contents)  // a second upload of the same content
      await contents.removeIfUnused(sha256: sha256, used: false)
      #expect(try await contents.contains(sha256: sha256))
      await first.release()
      await first.release()  // once only: the second upload's pin stays
      await contents.removeIfUnused(sha256: sha256, used: false)
      #expect(try await contents.contains(sha256: sha256))  // the second upload still holds it
      await second.release()
      await contents.removeIfUnused(sha256: sha256, used: true)  // a record uses it
      #expect(try await contents.contains(sha256: sha256))
      await contents.removeIfUnused(sha256: sha256, used: false)
      #expect(try await !contents.contains(sha256: sha256))
    }
  }

  @Test(
    "on PostgreSQL, content stored through one server is read through another, and a pin taken on one holds against a removal on the other",
    .enabled(if: Engine.available.contains(.postgres)))
  func sharedAcrossServers() async throws {
    try await withPostgresDatabase { url in
      let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
      try await PostgresStore.withStore(url: url, logger: logger) { first in
        try await PostgresStore.withStore(url: url, logger: logger) { second in
          let content = Self.bytes(400_000, seed: 9)
          let (committed, upload) = try await Self.pinned(content, in: first.fileContents)
          let sha256 = try #require(committed)
          #expect(Array(try await Self.read(sha256, from: second.fileContents, chunkSize: 65_536).joined()) == content)
          // The first server's upload has not saved its record yet: the second server's
          // removal (its last record of that content deleted) keeps the content.
          await second.fileContents.removeIfUnused(sha256: sha256, used: false)
          #expect(try await second.fileContents.contains(sha256: sha256))
          await upload.release()
          await second.fileContents.removeIfUnused(sha256: sha256, used: false)
          #expect(try await !first.fileContents.contains(sha256: sha256))
        }
      }
    }
  }

  @Test(
    "on PostgreSQL, a pin its server never released lapses after an hour; the next upload sweeps it and the content it alone kept",
    .enabled(if: Engine.available.contains(.postgres)))
  func stalePins() async throws {
    try await withPostgresDatabase { url in
      try await PostgresStore.withStore(url: url, logger: Logger(label: "test")) { store in
        let contents = store.fileContents
        // Two uploads whose servers "died" before releasing their pins.
        let (removedLater, _) = try await Self.pinned(Self.bytes(500, seed: 1), in: contents)
        let (sweptAway, _) = try await Self.pinned(Self.bytes(500, seed: 2), in: contents)
        let (fresh, freshUpload) = try await Self.pinned(Self.bytes(500, seed: 3), in: contents)
        try await execute(
          "UPDATE file_pin SET pinned_at = now() - interval '61 minutes' WHERE sha256 <> '\(try #require(fresh))'",
          on: url)
        // A removal no longer counts the lapsed pin; a live one still holds.
        await contents.removeIfUnused(sha256: try #require(removedLater), used: false)
        #expect(try await !contents.contains(sha256: try #require(removedLater)))
        await contents.removeIfUnused(sha256: try #require(fresh), used: false)
        #expect(try await contents.contains(sha256: try #require(fresh)))
        // Nobody asks to remove the other: the next upload sweeps it.
        #expect(try await contents.contains(sha256: try #require(sweptAway)))
        let next = try await contents.beginUpload()
        await next.discard()
        #expect(try await !contents.contains(sha256: try #require(sweptAway)))
        #expect(try await contents.contains(sha256: try #require(fresh)))
        await freshUpload.release()
      }
    }
  }

  @Test(
    "on PostgreSQL, a download whose content is removed meanwhile fails as missing, not as corrupt",
    .enabled(if: Engine.available.contains(.postgres)))
  func removedWhileReading() async throws {
    try await withStore(.postgres) { store in
      let contents = try #require(store as? PostgresStore).fileContents
      let sha256 = try #require(try await Self.store(Self.bytes(600_000), in: contents))
      let error = await #expect(throws: FileContentMissing.self) {
        var first = true
        try await contents.read(sha256: sha256, chunkSize: 256 * 1024) { _ in
          if first { await contents.removeIfUnused(sha256: sha256, used: false) }
          first = false
        }
      }
      #expect(error?.sha256 == sha256)
    }
  }
}
