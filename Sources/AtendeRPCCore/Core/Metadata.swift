/// Request or trailing metadata of a call: an ordered list of key/value pairs.
///
/// Keys are case-insensitive and stored in lower case. Keys starting with `atende-`
/// are reserved for the protocol.
public struct Metadata: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
  /// A metadata value: text or binary.
  public enum EntryValue: Sendable, Hashable {
    case text(String)
    case binary([UInt8])
  }

  /// One entry.
  public struct Entry: Sendable, Hashable {
    public var key: String
    public var value: EntryValue
  }

  private var entries: [Entry]

  public typealias Key = String
  public typealias Value = String

  /// Empty metadata.
  public init() { entries = [] }

  public init(dictionaryLiteral elements: (String, String)...) {
    entries = elements.map { Entry(key: Self.lowercased($0.0), value: .text($0.1)) }
  }

  /// Appends a text value (keys may repeat).
  public mutating func add(_ key: String, _ value: String) {
    entries.append(Entry(key: Self.lowercased(key), value: .text(value)))
  }

  /// Appends a binary value (keys may repeat).
  public mutating func add(_ key: String, binary value: [UInt8]) {
    entries.append(Entry(key: Self.lowercased(key), value: .binary(value)))
  }

  /// Replaces every value of `key` with `value` (nil removes the key).
  public subscript(key: String) -> String? {
    get {
      // Keys are stored in lower case, and lookups usually give one: look it up as given
      // first, lower-casing it only when that finds nothing.
      for entry in entries where entry.key == key {
        if case .text(let text) = entry.value { return text }
      }
      let lowercased = Self.lowercased(key)
      guard lowercased != key else { return nil }
      for entry in entries where entry.key == lowercased {
        if case .text(let text) = entry.value { return text }
      }
      return nil
    }
    set {
      let key = Self.lowercased(key)
      entries.removeAll { $0.key == key }
      if let newValue { entries.append(Entry(key: key, value: .text(newValue))) }
    }
  }

  /// Every value of `key`, in order.
  public func values(for key: String) -> [EntryValue] {
    let key = Self.lowercased(key)
    return entries.filter { $0.key == key }.map(\.value)
  }

  /// The number of entries.
  public var count: Int { entries.count }
  /// Whether there are no entries.
  public var isEmpty: Bool { entries.isEmpty }

  public func makeIterator() -> IndexingIterator<[Entry]> { entries.makeIterator() }
}

extension Metadata {
  package init(wire: [MetadataEntry]) {
    self.init()
    entries.reserveCapacity(wire.count)
    for entry in wire {
      let key = Self.lowercased(entry.key)
      switch entry.value {
      case .text(let text)?: entries.append(Entry(key: key, value: .text(text)))
      case .binary(let bytes)?: entries.append(Entry(key: key, value: .binary(bytes)))
      case nil: entries.append(Entry(key: key, value: .text("")))
      }
    }
  }

  /// A call's metadata on a connection that has connection metadata (`ClientHello.metadata`):
  /// the call's own entries, then the connection's entries whose key the call does not
  /// carry (a call's entry replaces the connection's).
  package init(wire: [MetadataEntry], connection: Metadata) {
    if wire.isEmpty {
      self = connection
      return
    }
    self.init(wire: wire)
    self.merge(connection)
  }

  /// Appends `other`'s entries whose key none of these entries has. Linear in both
  /// counts (a set of keys when both are more than a few).
  package mutating func merge(_ other: Metadata) {
    guard !other.isEmpty else { return }
    let own = entries.count
    if own * other.count <= 64 {
      for entry in other.entries where !entries[..<own].contains(where: { $0.key == entry.key }) {
        entries.append(entry)
      }
    } else {
      let keys = Set(entries.lazy.map(\.key))
      entries.append(contentsOf: other.entries.lazy.filter { !keys.contains($0.key) })
    }
  }

  /// `key` in lower case; keys usually are lower-case ASCII already, and are then returned
  /// as they are (no allocation).
  static func lowercased(_ key: String) -> String {
    var key = key
    let needsLowercasing = key.withUTF8 { bytes in
      bytes.contains { byte in byte &- 65 < 26 || byte >= 0x80 }
    }
    return needsLowercasing ? key.lowercased() : key
  }

  package var wire: [MetadataEntry] {
    entries.map { entry in
      switch entry.value {
      case .text(let text): MetadataEntry(key: entry.key, value: .text(text))
      case .binary(let bytes): MetadataEntry(key: entry.key, value: .binary(bytes))
      }
    }
  }
}
