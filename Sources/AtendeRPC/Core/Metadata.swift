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
    entries = elements.map { Entry(key: $0.0.lowercased(), value: .text($0.1)) }
  }

  /// Appends a text value (keys may repeat).
  public mutating func add(_ key: String, _ value: String) {
    entries.append(Entry(key: key.lowercased(), value: .text(value)))
  }

  /// Appends a binary value (keys may repeat).
  public mutating func add(_ key: String, binary value: [UInt8]) {
    entries.append(Entry(key: key.lowercased(), value: .binary(value)))
  }

  /// Replaces every value of `key` with `value` (nil removes the key).
  public subscript(key: String) -> String? {
    get {
      let key = key.lowercased()
      for entry in entries where entry.key == key {
        if case .text(let text) = entry.value { return text }
      }
      return nil
    }
    set {
      let key = key.lowercased()
      entries.removeAll { $0.key == key }
      if let newValue { entries.append(Entry(key: key, value: .text(newValue))) }
    }
  }

  /// Every value of `key`, in order.
  public func values(for key: String) -> [EntryValue] {
    let key = key.lowercased()
    return entries.filter { $0.key == key }.map(\.value)
  }

  /// The number of entries.
  public var count: Int { entries.count }
  /// Whether there are no entries.
  public var isEmpty: Bool { entries.isEmpty }

  public func makeIterator() -> IndexingIterator<[Entry]> { entries.makeIterator() }
}

extension Metadata {
  init(wire: [MetadataEntry]) {
    self.init()
    for entry in wire {
      switch entry.value {
      case .text(let text)?: entries.append(Entry(key: entry.key.lowercased(), value: .text(text)))
      case .binary(let bytes)?: entries.append(Entry(key: entry.key.lowercased(), value: .binary(bytes)))
      case nil: entries.append(Entry(key: entry.key.lowercased(), value: .text("")))
      }
    }
  }

  var wire: [MetadataEntry] {
    entries.map { entry in
      switch entry.value {
      case .text(let text): MetadataEntry(key: entry.key, value: .text(text))
      case .binary(let bytes): MetadataEntry(key: entry.key, value: .binary(bytes))
      }
    }
  }
}
