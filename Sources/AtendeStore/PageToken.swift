internal import AtendeDomain
internal import Foundation

/// An opaque cursor: the sort key of the last item returned, and a fingerprint of the
/// filters it belongs to (a token used with other filters is rejected).
struct PageToken: Codable, Equatable {
  /// The last item's sort key values, as text.
  var after: [String]
  /// Fingerprint of the request's filters.
  var filter: String

  func encoded() -> String {
    let data = (try? JSONEncoder().encode(self)) ?? Data()
    return data.base64EncodedString()
      .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
      .replacingOccurrences(of: "=", with: "")
  }

  /// The token in `text` (nil for the first page), checked against `filter`.
  static func decode(_ text: String, filter: String, keys: Int) throws(DomainError) -> PageToken? {
    guard !text.isEmpty else { return nil }
    var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    while base64.count % 4 != 0 { base64 += "=" }
    guard let data = Data(base64Encoded: base64), let token = try? JSONDecoder().decode(PageToken.self, from: data),
      token.after.count == keys
    else {
      throw invalid("page_token is not a token this server issued")
    }
    guard token.filter == filter else {
      throw invalid("page_token belongs to a request with other filters or order")
    }
    return token
  }

  private static func invalid(_ description: String) -> DomainError {
    DomainError(
      .invalidArgument, description,
      violations: [.init(field: "page_token", reason: "INVALID", description: description)])
  }

  /// A stable fingerprint (FNV-1a, 64 bits) of a description of the filters.
  static func fingerprint(_ text: String) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
      hash ^= UInt64(byte)
      hash = hash &* 0x100_0000_01b3
    }
    return String(hash, radix: 16)
  }
}
