public import AtendeDomain
internal import Crypto
public import Foundation

/// The server's webhook key: 32 random bytes every server of a database shares. Each
/// webhook's signing secret is derived from it (HMAC-SHA256 of the webhook's id and secret
/// generation), so no secret is ever stored: the database holds the generation only, and
/// a stolen database signs nothing.
public struct WebhookKey: Sendable {
  let key: SymmetricKey

  /// A key from its 64 hex digits.
  public init(hex: String) throws {
    let text = hex.trimmingCharacters(in: .whitespacesAndNewlines)
    var bytes: [UInt8] = []
    var index = text.startIndex
    while index < text.endIndex, let next = text.index(index, offsetBy: 2, limitedBy: text.endIndex) {
      guard let byte = UInt8(text[index..<next], radix: 16) else { break }
      bytes.append(byte)
      index = next
    }
    guard bytes.count == 32, index == text.endIndex else {
      throw WebhookKeyError("a webhook key is 64 hexadecimal digits (32 bytes)")
    }
    key = SymmetricKey(data: bytes)
  }

  /// A new random key.
  public static func random() -> WebhookKey {
    WebhookKey(key: SymmetricKey(size: .bits256))
  }

  private init(key: SymmetricKey) { self.key = key }

  /// The key in `path`, made (64 hex digits, readable by its owner only) when the file does
  /// not exist.
  public static func load(path: String) throws -> WebhookKey {
    if let data = FileManager.default.contents(atPath: path) {
      do {
        return try WebhookKey(hex: String(decoding: data, as: UTF8.self))
      } catch {
        throw WebhookKeyError("\(path): \(error)")
      }
    }
    let key = random()
    let directory = (path as NSString).deletingLastPathComponent
    if !directory.isEmpty {
      try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }
    guard
      FileManager.default.createFile(
        atPath: path, contents: Data((key.hex + "\n").utf8), attributes: [.posixPermissions: 0o600])
    else { throw WebhookKeyError("cannot write the webhook key to \(path)") }
    return key
  }

  var hex: String { key.withUnsafeBytes { WebhookSignature.hex(Array($0)) } }

  /// The signing secret of `webhook`: `whsec_` and 64 hex digits.
  public func secret(for webhook: Webhook) -> String {
    let label = "atende-webhook-secret:\(webhook.id):\(webhook.secretGeneration)"
    return "whsec_" + WebhookSignature.hex(Array(HMAC<SHA256>.authenticationCode(for: Array(label.utf8), using: key)))
  }
}

/// A webhook key that cannot be used.
public struct WebhookKeyError: Error, CustomStringConvertible {
  public let description: String
  init(_ description: String) { self.description = description }
}

/// The `Atende-Signature` header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`
/// keyed with the webhook's secret (the whole `whsec_…` text, as UTF-8).
public enum WebhookSignature {
  public static func header(secret: String, timestamp: Int64, body: [UInt8]) -> String {
    "t=\(timestamp),v1=" + hex(mac(secret: secret, timestamp: timestamp, body: body))
  }

  /// Whether `header` signs `body` with `secret` (what a receiver checks, with a bound on
  /// the timestamp's age against replays).
  public static func verify(header: String, secret: String, body: [UInt8]) -> Bool {
    var timestamp: Int64?
    var signatures: [String] = []
    for part in header.split(separator: ",") {
      let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
      guard pair.count == 2 else { continue }
      if pair[0] == "t" { timestamp = Int64(pair[1]) } else if pair[0] == "v1" { signatures.append(pair[1]) }
    }
    guard let timestamp else { return false }
    let expected = hex(mac(secret: secret, timestamp: timestamp, body: body))
    // Constant time: compare every byte of equal-length texts.
    return signatures.contains { candidate in
      candidate.utf8.count == expected.utf8.count
        && zip(candidate.utf8, expected.utf8).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
  }

  static func mac(secret: String, timestamp: Int64, body: [UInt8]) -> [UInt8] {
    var message = Array("\(timestamp).".utf8)
    message.append(contentsOf: body)
    return Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Array(secret.utf8))))
  }

  static func hex(_ bytes: [UInt8]) -> String { Hex.string(bytes) }
}
