/// An enum type generated from a `.proto` file.
///
/// Values not known to this version of the schema are kept as `unrecognized(n)`, so
/// they survive decoding and re-encoding.
public protocol ProtobufEnum: RawRepresentable, Sendable, Hashable where RawValue == Int32 {
  /// The value with number `rawValue`, or `unrecognized(rawValue)`.
  init(rawValue: Int32)
}
