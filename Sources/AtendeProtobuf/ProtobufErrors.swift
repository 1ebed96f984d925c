/// Why a message could not be decoded.
public struct ProtobufDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The kind of decoding failure.
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    private enum Value: Hashable, Sendable {
      case malformed, invalidUTF8, allocationBudgetExceeded, nestingTooDeep
    }
    private let value: Value

    /// The bytes are not a valid protobuf encoding of the message (truncated input,
    /// a wrong wire type, a bad length, ...).
    public static let malformed = Code(value: .malformed)
    /// A string field holds bytes that are not valid UTF-8.
    public static let invalidUTF8 = Code(value: .invalidUTF8)
    /// Decoding needed more memory than the allocation budget allows.
    public static let allocationBudgetExceeded = Code(value: .allocationBudgetExceeded)
    /// Sub-messages are nested deeper than ``ProtobufDecodingOptions/maxNestingDepth``.
    public static let nestingTooDeep = Code(value: .nestingTooDeep)

    public var description: String {
      switch value {
      case .malformed: "malformed"
      case .invalidUTF8: "invalid UTF-8"
      case .allocationBudgetExceeded: "allocation budget exceeded"
      case .nestingTooDeep: "sub-messages nested too deep"
      }
    }
  }

  /// The kind of failure.
  public var code: Code
  /// The message type being decoded, e.g. `"atende.rpc.v1.CallHeader"`.
  public var messageName: String
  /// The field at fault (a dotted path), when known.
  public var fieldPath: String?

  public init(code: Code, messageName: String, fieldPath: String? = nil) {
    self.code = code
    self.messageName = messageName
    self.fieldPath = fieldPath
  }

  public var description: String {
    if let fieldPath {
      return "cannot decode \(messageName): \(code) in field '\(fieldPath)'"
    }
    return "cannot decode \(messageName): \(code)"
  }
}

/// Why a message could not be encoded.
public struct ProtobufEncodingError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The message type being encoded.
  public var messageName: String
  /// The field at fault.
  public var fieldPath: String
  /// What is wrong with it.
  public var reason: String

  public init(messageName: String, fieldPath: String, reason: String) {
    self.messageName = messageName
    self.fieldPath = fieldPath
    self.reason = reason
  }

  public var description: String {
    "cannot encode \(messageName): field '\(fieldPath)' \(reason)"
  }
}

/// Limits applied while decoding untrusted bytes.
public struct ProtobufDecodingOptions: Hashable, Sendable {
  /// The most memory, in bytes, that protobuf-c may allocate to decode one message.
  ///
  /// protobuf-c can allocate many times the size of its input (each empty
  /// sub-message or map entry costs a whole structure), so a small hostile input
  /// could otherwise claim a lot of memory. The default is 16 MiB.
  public var allocationBudget: Int

  /// The deepest nesting of sub-messages accepted (a message's message fields are level
  /// 1, theirs level 2, ...). protobuf-c's unpack recurses once per level without a
  /// limit, so a small input nested a few thousand levels deep would overflow the stack;
  /// input that may nest deeper than this is scanned before it is unpacked. The default
  /// is 100.
  public var maxNestingDepth: Int

  public init(allocationBudget: Int = 16 << 20, maxNestingDepth: Int = 100) {
    self.allocationBudget = allocationBudget
    self.maxNestingDepth = maxNestingDepth
  }
}
