/// The error of a failed call: a status code, a message for developers, and
/// structured details a program can act on.
///
/// Servers throw it (or an error conforming to ``RPCErrorConvertible``) from
/// handlers; clients receive it from every failed call.
public struct RPCError: Error, Sendable, CustomStringConvertible {
  /// A status code. The values and meanings are gRPC's.
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    /// The numeric value on the wire (1...16).
    public let rawValue: Int

    /// Builds a code from its wire value; nil for 0 (OK) and unknown values.
    public init?(rawValue: Int) {
      guard (1...16).contains(rawValue) else { return nil }
      self.rawValue = rawValue
    }

    private init(_ rawValue: Int) { self.rawValue = rawValue }

    /// The call was cancelled, typically by the caller.
    public static let cancelled = Code(1)
    /// An error that fits no other code.
    public static let unknown = Code(2)
    /// The request is invalid whatever the system's state; see the field violations.
    public static let invalidArgument = Code(3)
    /// The deadline expired before the call completed.
    public static let deadlineExceeded = Code(4)
    /// A requested entity was not found.
    public static let notFound = Code(5)
    /// The entity the caller tried to create already exists.
    public static let alreadyExists = Code(6)
    /// The caller may not perform this call.
    public static let permissionDenied = Code(7)
    /// A resource is exhausted: message size, memory budget, concurrent calls.
    public static let resourceExhausted = Code(8)
    /// The system is not in a state required for the call.
    public static let failedPrecondition = Code(9)
    /// A concurrency conflict, such as a stale version; retry at a higher level.
    public static let aborted = Code(10)
    /// The call went past the valid range.
    public static let outOfRange = Code(11)
    /// The method is not implemented or not served here.
    public static let unimplemented = Code(12)
    /// An invariant broke on the server.
    public static let `internal` = Code(13)
    /// The service is unavailable right now; retrying with backoff may succeed.
    public static let unavailable = Code(14)
    /// Unrecoverable data loss or corruption.
    public static let dataLoss = Code(15)
    /// The caller is not authenticated.
    public static let unauthenticated = Code(16)

    public var description: String {
      switch rawValue {
      case 1: "CANCELLED"
      case 2: "UNKNOWN"
      case 3: "INVALID_ARGUMENT"
      case 4: "DEADLINE_EXCEEDED"
      case 5: "NOT_FOUND"
      case 6: "ALREADY_EXISTS"
      case 7: "PERMISSION_DENIED"
      case 8: "RESOURCE_EXHAUSTED"
      case 9: "FAILED_PRECONDITION"
      case 10: "ABORTED"
      case 11: "OUT_OF_RANGE"
      case 12: "UNIMPLEMENTED"
      case 13: "INTERNAL"
      case 14: "UNAVAILABLE"
      case 15: "DATA_LOSS"
      default: "UNAUTHENTICATED"
      }
    }
  }

  /// One field of a request that broke a rule.
  public struct FieldViolation: Hashable, Sendable, CustomStringConvertible {
    /// Path of the field, e.g. `"ticket.title"` or `"contacts[2].email"`.
    public var field: String
    /// Machine-readable reason, e.g. `"REQUIRED"`.
    public var reason: String
    /// Human-readable explanation.
    public var description: String

    public init(field: String, reason: String, description: String) {
      self.field = field
      self.reason = reason
      self.description = description
    }
  }

  /// The status code.
  public var code: Code
  /// A developer-facing explanation.
  public var message: String
  /// Field-level problems of the request, all of them at once (a server sends at most
  /// ``maxFieldViolations``; see ``omittedFieldViolations``).
  public var fieldViolations: [FieldViolation]
  /// A stable machine-readable reason (UPPER_SNAKE_CASE), or "".
  public var reason: String
  /// How long the client should wait before retrying, when the server says so.
  public var retryAfter: Duration?
  /// Trailing metadata.
  public var metadata: Metadata
  /// The underlying error, when there is one (never sent over the wire).
  public var cause: (any Error)?
  /// How many more field violations the request had than ``fieldViolations`` holds: the
  /// server reports at most ``maxFieldViolations``, and fewer when they would not fit the
  /// client's frame limit.
  public var omittedFieldViolations: Int

  public init(
    code: Code, message: String, fieldViolations: [FieldViolation] = [], omittedFieldViolations: Int = 0,
    reason: String = "", retryAfter: Duration? = nil, metadata: Metadata = [:], cause: (any Error)? = nil
  ) {
    self.code = code
    self.message = message
    self.fieldViolations = fieldViolations
    self.omittedFieldViolations = omittedFieldViolations
    self.reason = reason
    self.retryAfter = retryAfter
    self.metadata = metadata
    self.cause = cause
  }

  public var description: String {
    var text = "\(code): \(message)"
    if !reason.isEmpty { text += " [\(reason)]" }
    for violation in fieldViolations {
      text += "\n  \(violation.field): \(violation.description) (\(violation.reason))"
    }
    if omittedFieldViolations > 0 { text += "\n  ... and \(omittedFieldViolations) more field violations" }
    return text
  }
}

/// An error that knows which ``RPCError`` describes it to callers.
///
/// Domain errors conform to choose their status code and details; any other error
/// thrown by a handler reaches the caller as `INTERNAL` without its description.
public protocol RPCErrorConvertible: Error {
  /// The error as callers see it.
  var rpcError: RPCError { get }
}

extension RPCError: RPCErrorConvertible {
  public var rpcError: RPCError { self }
}

/// Reasons the protocol itself attaches to errors (``RPCError/reason``).
public enum RPCErrorReason {
  /// The server is shutting down and never started the call: safe to retry elsewhere.
  public static let shuttingDown = "SHUTTING_DOWN"
  /// The connection has too many calls open; the call was never started.
  public static let tooManyCalls = "TOO_MANY_CALLS"
  /// A message was larger than the receiver's maximum frame size.
  public static let messageTooLarge = "MESSAGE_TOO_LARGE"
  /// The connection closed before the call finished; the server may have run it.
  public static let connectionClosed = "CONNECTION_CLOSED"
  /// The client could not connect; the call was never sent.
  public static let connectFailed = "CONNECT_FAILED"
  /// A request was written after its call had ended.
  public static let callEnded = "CALL_ENDED"
  /// The caller's request stream failed, so the client cancelled the call.
  public static let requestStreamFailed = "REQUEST_STREAM_FAILED"
  /// The peer sent a message larger than the credit its stream had left (protocol
  /// version 2's flow control): a bug in the peer, which the call does not survive.
  public static let flowControlViolation = "FLOW_CONTROL_VIOLATION"
}

extension RPCError {
  package init(status: CallStatus) {
    self.init(
      code: Code(rawValue: Int(status.code.rawValue)) ?? .unknown,
      message: status.message,
      fieldViolations: status.fieldViolations.map {
        FieldViolation(field: $0.field, reason: $0.reason, description: $0.description)
      },
      omittedFieldViolations: Int(status.omittedFieldViolations),
      reason: status.reason,
      retryAfter: status.retryAfterMillis > 0 ? .milliseconds(status.retryAfterMillis) : nil,
      metadata: Metadata(wire: status.metadata))
  }

  /// The most field violations a server sends in one status; the rest are counted in
  /// ``omittedFieldViolations``.
  public static let maxFieldViolations = 100

  /// The status on the wire, whatever the error holds: at most ``maxFieldViolations``
  /// field violations, strings cut to a fixed length (``WireLimits``), and an encoding of
  /// at most `maxPayload` bytes (the client's frame limit, at least
  /// ``Frame/minimumMaxPayloadSize``): field violations that do not fit are counted as
  /// omitted, then trailing metadata is left out, then the message is cut.
  package func status(maxPayload: Int = Frame.defaultMaxPayloadSize) -> CallStatus {
    let limits = WireLimits.self
    let reason = reason.truncatedUTF8(to: limits.reason)
    var message = message.truncatedUTF8(to: limits.message)
    let retryAfterMillis =
      retryAfter.map {
        UInt32(clamping: $0.components.seconds * 1000 + $0.components.attoseconds / 1_000_000_000_000_000)
      } ?? 0
    var metadata = metadata.wire
    // Every size below is the exact protobuf size of the field (tag, length, bytes), but
    // for omitted_field_violations, whose value is not known yet: its largest size.
    var fixed =
      (code.rawValue > 0 ? 2 : 0) + ProtobufSize.string(reason) + ProtobufSize.uint32(field: retryAfterMillis)
      + 6
    if fixed + ProtobufSize.string(message) + metadata.reduce(0, { $0 + ProtobufSize.entry($1) }) > maxPayload {
      metadata = []
    }
    if fixed + ProtobufSize.string(message) > maxPayload {
      message = message.truncatedUTF8(to: max(0, maxPayload - fixed - 4))
    }
    fixed += ProtobufSize.string(message) + metadata.reduce(0) { $0 + ProtobufSize.entry($1) }
    var violations: [AtendeRPCCore.FieldViolation] = []
    violations.reserveCapacity(min(fieldViolations.count, Self.maxFieldViolations))
    var size = fixed
    for violation in fieldViolations.prefix(Self.maxFieldViolations) {
      let wire = AtendeRPCCore.FieldViolation(
        field: violation.field.truncatedUTF8(to: limits.violationField),
        reason: violation.reason.truncatedUTF8(to: limits.reason),
        description: violation.description.truncatedUTF8(to: limits.violationDescription))
      let entry = ProtobufSize.violation(wire)
      guard size + entry <= maxPayload else { break }
      size += entry
      violations.append(wire)
    }
    return CallStatus(
      code: StatusCode(rawValue: Int32(code.rawValue)),
      message: message,
      fieldViolations: violations,
      reason: reason,
      retryAfterMillis: retryAfterMillis,
      metadata: metadata,
      omittedFieldViolations: UInt32(clamping: omittedFieldViolations + fieldViolations.count - violations.count))
  }
}

/// How long the strings of a status sent over the wire may be, in UTF-8 bytes (longer
/// ones are cut at a character boundary).
package enum WireLimits {
  static let message = 1024
  static let reason = 128
  static let violationField = 256
  static let violationDescription = 512
}

/// Protobuf encoding sizes of the fields of a `CallStatus`.
package enum ProtobufSize {
  static func varint(_ value: Int) -> Int {
    var value = UInt64(truncatingIfNeeded: value)
    var size = 1
    while value >= 0x80 {
      value >>= 7
      size += 1
    }
    return size
  }

  /// A length-delimited field of `length` bytes (field numbers below 16: a 1-byte tag).
  static func delimited(_ length: Int) -> Int { 1 + varint(length) + length }

  /// A string field; absent (0 bytes) when empty.
  static func string(_ text: String) -> Int {
    let count = text.utf8.count
    return count == 0 ? 0 : delimited(count)
  }

  static func uint32(field value: UInt32) -> Int { value == 0 ? 0 : 1 + varint(Int(value)) }

  static func violation(_ violation: AtendeRPCCore.FieldViolation) -> Int {
    delimited(string(violation.field) + string(violation.reason) + string(violation.description))
  }

  static func entry(_ entry: MetadataEntry) -> Int {
    let value: Int =
      switch entry.value {
      case .text(let text)?: delimited(text.utf8.count)
      case .binary(let bytes)?: delimited(bytes.count)
      case nil: 0
      }
    return delimited(string(entry.key) + value)
  }
}

extension String {
  /// The longest prefix of at most `limit` UTF-8 bytes that ends on a character boundary.
  func truncatedUTF8(to limit: Int) -> String {
    guard utf8.count > limit else { return self }
    var end = utf8.index(utf8.startIndex, offsetBy: limit)
    while end > startIndex, !(end.samePosition(in: self) != nil) { end = utf8.index(before: end) }
    return String(self[..<end])
  }
}
