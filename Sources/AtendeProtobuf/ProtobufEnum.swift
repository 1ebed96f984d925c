/// An enum type generated from a `.proto` file.
///
/// Values not known to this version of the schema are kept as `unrecognized(n)`, so
/// they survive decoding and re-encoding.
public protocol ProtobufEnum: RawRepresentable, Sendable, Hashable, _ProtobufJSONValue where RawValue == Int32 {
  /// The value with number `rawValue`, or `unrecognized(rawValue)`.
  init(rawValue: Int32)
  /// The value's name in the `.proto` file (`TICKET_STATUS_IN_PROGRESS`), as proto3 JSON
  /// writes it; nil for a value this version of the schema does not know.
  var protoName: String? { get }
  /// The name without the enum's prefix (`IN_PROGRESS`), as people read it; nil for a
  /// value this version of the schema does not know.
  var shortName: String? { get }
  /// The value whose proto name (not short name) is `name`, as proto3 JSON reads it.
  static func _value(protoName name: String) -> Self?
}

extension ProtobufEnum where Self: CaseIterable {
  /// The value named `name`, by its proto name or its short name (`TICKET_STATUS_SOLVED`
  /// or `SOLVED`); nil when no value of this enum has that name.
  public init?(protoName name: String) {
    guard let value = Self.allCases.first(where: { $0.protoName == name || $0.shortName == name }) else {
      return nil
    }
    self = value
  }

  /// The exact .proto name first; a short name only when no value is named so.
  public static func _value(protoName name: String) -> Self? {
    allCases.first { $0.protoName == name } ?? Self(protoName: name)
  }
}
