/// Fields found while decoding that the message type does not declare (for example,
/// fields added by a newer version of the schema). They are kept and written back
/// when the message is encoded again, so a message passes through unchanged.
public struct UnknownFields: Hashable, Sendable {
  /// One unknown field: its number, wire type and encoded value (without the tag).
  public struct Field: Hashable, Sendable {
    /// The field number.
    public var number: UInt32
    /// The protobuf wire type (0 varint, 1 64-bit, 2 length-delimited, 5 32-bit).
    public var wireType: UInt8
    /// The encoded value, without its tag.
    public var data: [UInt8]

    public init(number: UInt32, wireType: UInt8, data: [UInt8]) {
      self.number = number
      self.wireType = wireType
      self.data = data
    }
  }

  /// The unknown fields, in the order they were read.
  public var fields: [Field]

  public init(_ fields: [Field] = []) {
    self.fields = fields
  }

  /// Whether there are no unknown fields.
  public var isEmpty: Bool { fields.isEmpty }
}
