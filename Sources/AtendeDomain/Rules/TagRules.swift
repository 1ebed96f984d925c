public import Foundation

/// Free tags on tickets ("fibra", "queda-massiva", "vip"). Anyone who may edit a ticket
/// may tag it with any word: there is no list to maintain. Tags are normalised so that
/// "Queda Massiva", " queda-massiva" and "#QUEDA  massiva" are one tag, which is what
/// lets lists filter by tag and searches find it.
public enum TagRules {
  /// The most tags one ticket carries.
  public static let maxTagsPerTicket = 20
  /// The longest tag, in characters, once normalised.
  public static let maxTagLength = 50

  /// `tag` normalised: without surrounding spaces or a leading `#`, lower-cased, with
  /// each run of spaces inside it turned into one `-`, in Unicode's composed form (NFC), so
  /// that an accent typed as one character or as two is one tag byte for byte.
  public static func normalize(_ tag: String) -> String {
    var text = Substring(tag.precomposedStringWithCanonicalMapping.trimmingCharacters(in: .whitespacesAndNewlines))
    while text.first == "#" { text = text.dropFirst() }
    return text.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: "-")
  }

  /// `tags` normalised, without duplicates or empty ones, sorted.
  public static func normalize(_ tags: [String]) -> [String] {
    Set(tags.map(normalize).filter { !$0.isEmpty }).sorted()
  }

  /// Whether `character` may appear in a normalised tag: a letter (accents included), a
  /// digit, `-`, `_` or `.`.
  static func isAllowed(_ character: Character) -> Bool {
    character.isLetter || character.isNumber || character == "-" || character == "_" || character == "."
  }

  /// Reports each tag of `tags` (as sent, at `ticket.tags[i]`) that is empty or too long
  /// once normalised, or has a character other than letters, digits, `-`, `_` and `.`;
  /// and more than ``maxTagsPerTicket`` distinct tags.
  public static func check(_ tags: [String], into violations: inout Violations) {
    for (index, tag) in tags.enumerated() {
      let normalized = normalize(tag)
      if normalized.isEmpty {
        violations.invalid("ticket.tags[\(index)]", "EMPTY", "a tag needs at least one letter or digit")
      } else if normalized.count > maxTagLength {
        violations.invalid(
          "ticket.tags[\(index)]", "TOO_LONG", "a tag has at most \(maxTagLength) characters, not \(normalized.count)")
      } else if let bad = normalized.first(where: { !isAllowed($0) }) {
        violations.invalid(
          "ticket.tags[\(index)]", "INVALID_CHARACTER",
          "\"\(bad)\" cannot be in a tag: only letters, digits, '-', '_' and '.'")
      }
    }
    let distinct = normalize(tags).count
    if distinct > maxTagsPerTicket {
      violations.invalid(
        "ticket.tags", "TOO_MANY", "a ticket has at most \(maxTagsPerTicket) tags, not \(distinct)")
    }
  }
}
