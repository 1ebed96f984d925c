import Crypto

/// SHA-256 of a transferred file, computed chunk by chunk (swift-crypto).
struct FileDigest {
  private var hasher = Crypto.SHA256()

  mutating func update(_ bytes: [UInt8]) {
    hasher.update(data: bytes)
  }

  /// The digest in lower-case hex, as the server reports it.
  func hexDigest() -> String {
    hasher.finalize().map { byte in
      let hex = String(byte, radix: 16)
      return byte < 16 ? "0" + hex : hex
    }.joined()
  }
}
