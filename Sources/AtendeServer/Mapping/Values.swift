internal import AtendeAPI
internal import AtendeDomain
internal import AtendeStore
internal import Foundation

// Conversions between wire messages and domain values shared by the services.

/// 0 on the wire means "none".
func optionalID(_ value: Int64) -> Int64? { value > 0 ? value : nil }

/// An optional expected version: 0 = no check; a negative one is refused, naming `field`.
func optionalVersion(_ value: Int64, field: String = "expected_version") throws(RPCError) -> Int64? {
  guard value >= 0 else { throw invalidArgument(field, "OUT_OF_RANGE", "a version is positive, or 0 for none") }
  return value > 0 ? value : nil
}

extension AtendeDomain.Priority {
  init?(_ wire: AtendeAPI.Priority) {
    switch wire {
    case .low: self = .low
    case .normal: self = .normal
    case .high: self = .high
    case .critical: self = .critical
    case .unspecified, .unrecognized: return nil
    }
  }

  var wire: AtendeAPI.Priority {
    switch self {
    case .low: .low
    case .normal: .normal
    case .high: .high
    case .critical: .critical
    }
  }
}

extension AtendeDomain.Address {
  init(_ wire: AtendeAPI.Address?) {
    guard let wire else {
      self.init()
      return
    }
    self.init(
      text: wire.text,
      coordinates: wire.hasCoordinates ? Coordinates(latitude: wire.latitude, longitude: wire.longitude) : nil)
  }

  var wire: AtendeAPI.Address {
    AtendeAPI.Address(
      text: text, latitude: coordinates?.latitude ?? 0, longitude: coordinates?.longitude ?? 0,
      hasCoordinates: coordinates != nil)
  }
}

extension AtendeAPI.HistoryEntry {
  init(_ entry: AtendeDomain.HistoryEntry) {
    self.init(
      id: entry.id, at: Google_Protobuf_Timestamp(date: entry.at), actor: entry.actor, kind: entry.kind,
      field: entry.field,
      oldValue: entry.oldValue, newValue: entry.newValue, note: entry.note)
  }
}

extension ListHistoryResponse {
  init(_ page: Page<AtendeDomain.HistoryEntry>) {
    self.init(entries: page.items.map(AtendeAPI.HistoryEntry.init), nextPageToken: page.nextPageToken)
  }
}

/// The field names of an update mask, validated against `allowed`; an empty mask
/// means `implied` (the fields set in the message).
func maskFields(
  _ mask: Google_Protobuf_FieldMask?, prefix: String, allowed: Set<String>, implied: () -> [String]
) throws -> [String] {
  let paths = mask?.paths ?? []
  if paths.isEmpty { return implied() }
  // Each field once, in the mask's order (a mask naming a field many times is one change).
  var fields: [String] = []
  var violations: [RPCError.FieldViolation] = []
  var omitted = 0
  for path in paths {
    let field = path.hasPrefix(prefix + ".") ? String(path.dropFirst(prefix.count + 1)) : path
    if allowed.contains(field) {
      if !fields.contains(field) { fields.append(field) }  // at most allowed.count entries
    } else if violations.count < RPCError.maxFieldViolations {
      violations.append(
        .init(
          field: "update_mask", reason: "UNKNOWN_FIELD",
          description: "'\(field.truncatedForMessage)' cannot be updated here"))
    } else {
      omitted += 1
    }
  }
  if !violations.isEmpty {
    throw RPCError(
      code: .invalidArgument, message: "update_mask names fields that cannot be updated", fieldViolations: violations,
      omittedFieldViolations: omitted)
  }
  return fields
}

/// The most bytes of UTF-8 a text search may have.
let maxSearchBytes = 256
/// The most words a full-text search may have.
let maxSearchWords = 16

/// A text search of a list call, checked: at most ``maxSearchBytes`` bytes and
/// ``maxSearchWords`` words (INVALID_ARGUMENT on `field` otherwise).
func searchText(_ text: String, field: String) throws -> String {
  guard text.utf8.count <= maxSearchBytes else {
    throw invalidArgument(field, "TOO_LONG", "at most \(maxSearchBytes) bytes of text")
  }
  let words = text.split { !$0.isLetter && !$0.isNumber }.count
  guard words <= maxSearchWords else {
    throw invalidArgument(field, "TOO_MANY_WORDS", "at most \(maxSearchWords) words, not \(words)")
  }
  return text
}

extension String {
  /// At most 64 characters, for quoting the caller's text in a message.
  var truncatedForMessage: String { count <= 64 ? self : prefix(61) + "..." }
}

extension PageRequest {
  /// The page a list request asks for: `page_size` 0 means the default, larger than the
  /// maximum is clamped, and a negative size is refused (INVALID_ARGUMENT, `page_size`
  /// OUT_OF_RANGE) rather than read as the default.
  init(requested size: Int32, token: String) throws(RPCError) {
    guard size >= 0 else {
      throw invalidArgument("page_size", "OUT_OF_RANGE", "page_size must not be negative (0 means the default)")
    }
    self.init(size: Int(size), token: token)
  }
}
