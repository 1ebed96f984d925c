public import AtendeStore
internal import Crypto
public import Foundation

/// API tokens: `atd_<id>_<secret>`, a 12-hex-digit public id and a 256-bit random secret
/// (64 hex digits). The server stores only the SHA-256 of the whole token; the token
/// itself is shown once, when minted.
public enum APIToken {
  /// The prefix of every API token, so that scanners and people can recognise one.
  public static let prefix = "atd_"

  /// A new token for `name` and its record (to be stored).
  public static func mint(
    name: String, scopes: [String], departments: [Int64]?, branches: [Int64]? = nil, expiresAt: Date?, now: Date
  ) -> (token: String, record: APITokenRecord) {
    var generator = SystemRandomNumberGenerator()
    let id = hex((0..<6).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    let secret = hex((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    let token = prefix + id + "_" + secret
    let record = APITokenRecord(
      id: id, name: name, secretDigest: digest(token), scopes: scopes, departments: departments, branches: branches,
      createdAt: now, expiresAt: expiresAt)
    return (token, record)
  }

  /// Whether `text` has the shape of an API token (not whether it is valid).
  public static func looksLikeToken(_ text: Substring) -> Bool {
    guard text.hasPrefix(prefix), text.utf8.count == prefix.utf8.count + 12 + 1 + 64 else { return false }
    let body = text.utf8.dropFirst(prefix.utf8.count)
    return body.enumerated().allSatisfy { index, byte in
      index == 12 ? byte == UInt8(ascii: "_") : isHexDigit(byte)
    }
  }

  /// The public id inside a well-formed token.
  static func id(of token: Substring) -> String {
    String(token.dropFirst(prefix.count).prefix(12))
  }

  /// SHA-256 of the token, lower-case hex: what the store keeps.
  public static func digest(_ token: some StringProtocol) -> String {
    hex(Array(SHA256.hash(data: Array(token.utf8))))
  }

  private static func isHexDigit(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
  }

  private static func hex(_ bytes: [UInt8]) -> String { Hex.string(bytes) }
}

/// Lower-case hexadecimal text of bytes.
enum Hex {
  static func string(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count * 2)
    for byte in bytes {
      out.append(digits[Int(byte >> 4)])
      out.append(digits[Int(byte & 0x0f)])
    }
    return String(decoding: out, as: UTF8.self)
  }
}

/// A cache key for a credential (the canonical `Bearer <credential>` value): equal when
/// the texts are, hashed over their last 16 bytes only, which are random in API tokens
/// and JWT signatures alike: a cache hit hashes 16 bytes, not a whole token. Only
/// verified credentials are cached, each under its one canonical spelling, so callers
/// cannot fill the cache with colliding keys.
struct CredentialKey: Hashable, Sendable {
  let text: String

  init(_ text: String) { self.text = text }

  static func == (lhs: CredentialKey, rhs: CredentialKey) -> Bool { lhs.text == rhs.text }

  func hash(into hasher: inout Hasher) {
    var text = text
    text.withUTF8 { bytes in
      hasher.combine(bytes: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes.suffix(16))))
    }
  }
}
