/// Where attachment contents live, named by their SHA-256: a directory (``FileStorage``,
/// next to a SQLite database) or the database itself (PostgreSQL, where every server of
/// the database reads them).
///
/// An upload streams into a staging area and becomes content only when committed whole;
/// committed content is *pinned* until the caller has saved (or failed to save) the record
/// that uses it, so that removing another record with the same content cannot take it away
/// in between.
public protocol FileContentStore: Sendable {
  /// Starts an upload.
  func beginUpload() async throws -> any FileContentUpload

  /// Reads the content with this SHA-256 in order, in chunks of at most `chunkSize` bytes.
  func read(sha256: String, chunkSize: Int, _ body: ([UInt8]) async throws -> Void) async throws

  /// Removes the content when no record uses it (`used` is false) and no upload is about
  /// to record it. Never throws: content left behind is only space.
  func removeIfUnused(sha256: String, used: Bool) async

  /// Whether content with this SHA-256 is stored.
  func contains(sha256: String) async throws -> Bool

  /// Uploads started and neither committed nor discarded yet.
  func uploadsInProgress() async throws -> Int
}

extension FileContentStore {
  /// Reads the content in chunks of at most 64 KiB.
  public func read(sha256: String, _ body: ([UInt8]) async throws -> Void) async throws {
    try await read(sha256: sha256, chunkSize: 64 * 1024, body)
  }
}

/// An upload in progress: append chunks, then `commit(expectedSHA256:)` or `discard()`.
/// Used by one task at a time.
public protocol FileContentUpload: AnyObject {
  /// Bytes appended so far.
  var size: Int64 { get }

  /// Appends a chunk.
  func append(_ bytes: [UInt8]) async throws

  /// Stores the content (once: identical content is kept once) and returns its SHA-256,
  /// lower-case hex, pinned. When `expectedSHA256` is not empty and differs, the upload is
  /// discarded and nil returned.
  func commit(expectedSHA256: String) async throws -> String?

  /// Drops what was appended.
  func discard() async

  /// Ends the pin `commit` took (call it once the record is saved, or failed to be).
  func release() async
}

/// The content asked for is not stored (it never was, or it was removed, possibly while
/// it was being read).
public struct FileContentMissing: Error, CustomStringConvertible {
  /// The SHA-256 of the content.
  public var sha256: String

  public init(sha256: String) {
    self.sha256 = sha256
  }

  public var description: String { "no stored content with SHA-256 \(sha256)" }
}
