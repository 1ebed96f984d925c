internal import Crypto
import Foundation
internal import Synchronization

/// Attachment contents in a directory (the SQLite store's), named by their SHA-256
/// (`<directory>/ab/abcdef…`). Uploads stream into a temporary file under
/// `<directory>/incoming/` and are moved into place only when complete, so an upload that
/// fails or is interrupted leaves nothing behind and a whole file is never held in memory.
public final class FileStorage: FileContentStore {
  public let directory: String
  /// Contents an upload has committed but whose record is not saved yet: never removed.
  private let pins = Mutex<[String: Int]>([:])

  /// Uses (and creates) `directory`. Leftovers of uploads interrupted by a crash are removed.
  public init(directory: String) throws {
    self.directory = directory
    let incoming = directory + "/incoming"
    try? FileManager.default.removeItem(atPath: incoming)
    try FileManager.default.createDirectory(atPath: incoming, withIntermediateDirectories: true)
  }

  /// Where the content with this SHA-256 lives.
  func path(sha256: String) -> String {
    Self.path(sha256: sha256, in: directory)
  }

  /// Where the content with this SHA-256 lives in a storage `directory`.
  static func path(sha256: String, in directory: String) -> String {
    "\(directory)/\(sha256.prefix(2))/\(sha256)"
  }

  /// Starts an upload into a new temporary file.
  public func beginUpload() throws -> any FileContentUpload {
    let path = "\(directory)/incoming/\(UUID().uuidString)"
    guard FileManager.default.createFile(atPath: path, contents: nil),
      let handle = FileHandle(forWritingAtPath: path)
    else {
      throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
    }
    return Upload(storage: self, path: path, handle: handle)
  }

  /// An upload in progress: append chunks, then `commit()` or `discard()`.
  final class Upload: FileContentUpload {
    let storage: FileStorage
    let path: String
    let handle: FileHandle
    private var hasher = SHA256()
    /// Bytes written so far.
    public private(set) var size: Int64 = 0
    private var closed = false
    /// The content this upload committed and still pins.
    private var committed: String?

    init(storage: FileStorage, path: String, handle: FileHandle) {
      self.storage = storage
      self.path = path
      self.handle = handle
    }

    /// Writes a chunk.
    public func append(_ bytes: [UInt8]) throws {
      try handle.write(contentsOf: bytes)
      hasher.update(data: bytes)
      size += Int64(bytes.count)
    }

    /// Moves the content into place and returns its SHA-256 (lower-case hex). When
    /// `expectedSHA256` is given and differs, the upload is discarded and nil returned.
    public func commit(expectedSHA256: String) throws -> String? {
      try handle.close()
      closed = true
      let digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
      if !expectedSHA256.isEmpty && expectedSHA256.lowercased() != digest {
        discard()
        return nil
      }
      storage.pin(digest)  // until the caller has saved (or failed to save) its record
      committed = digest
      let target = storage.path(sha256: digest)
      let manager = FileManager.default
      try manager.createDirectory(
        atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      do {
        if manager.fileExists(atPath: target) {
          try manager.removeItem(atPath: path)  // the same content is stored already
        } else {
          try manager.moveItem(atPath: path, toPath: target)
        }
      } catch {
        storage.unpin(digest)
        throw error
      }
      return digest
    }

    /// Ends the pin `commit` took.
    public func release() {
      guard let digest = committed else { return }
      committed = nil
      storage.unpin(digest)
    }

    /// Removes the temporary file.
    public func discard() {
      if !closed { try? handle.close() }
      closed = true
      try? FileManager.default.removeItem(atPath: path)
    }
  }

  /// Reads stored content in chunks.
  public func read(sha256: String, chunkSize: Int, _ body: ([UInt8]) async throws -> Void) async throws {
    guard let handle = FileHandle(forReadingAtPath: path(sha256: sha256)) else {
      throw FileContentMissing(sha256: sha256)
    }
    defer { try? handle.close() }
    while let data = try handle.read(upToCount: chunkSize), !data.isEmpty {
      try await body([UInt8](data))
    }
  }

  /// Keeps content from being removed while an upload saves its record.
  func pin(_ sha256: String) {
    pins.withLock { $0[sha256, default: 0] += 1 }
  }

  /// Ends a pin taken by `Upload.commit`.
  func unpin(_ sha256: String) {
    pins.withLock { pins in
      pins[sha256, default: 1] -= 1
      if pins[sha256] == 0 { pins[sha256] = nil }
    }
  }

  /// Removes stored content when no record uses it (`used` is false) and no upload is
  /// about to record it. The check and the removal happen under one lock with `pin`.
  public func removeIfUnused(sha256: String, used: Bool) {
    guard !used else { return }
    pins.withLock { pins in
      guard pins[sha256] == nil else { return }
      try? FileManager.default.removeItem(atPath: path(sha256: sha256))
    }
  }

  /// Files waiting in `incoming/` (uploads in progress).
  public func uploadsInProgress() -> Int {
    (try? FileManager.default.contentsOfDirectory(atPath: directory + "/incoming").count) ?? 0
  }

  /// Whether content with this SHA-256 is stored.
  public func contains(sha256: String) -> Bool {
    FileManager.default.fileExists(atPath: path(sha256: sha256))
  }
}
