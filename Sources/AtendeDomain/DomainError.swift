/// A request broke a rule of the domain. Carries every problem found, not just the first.
public struct DomainError: Error, Hashable, Sendable, CustomStringConvertible {
  /// What kind of failure this is; the RPC layer maps it to a status code.
  public enum Kind: Hashable, Sendable {
    /// The request itself is wrong, whatever the stored data (a missing title, an
    /// unknown client id...).
    case invalidArgument
    /// The request is fine but the system's state forbids it (a canceled ticket, an
    /// inactive channel, a field the subject requires...).
    case failedPrecondition
    /// The entity the request is about does not exist.
    case notFound
    /// The entity to create exists already.
    case alreadyExists
    /// The change was based on a stale version.
    case aborted
  }

  /// One broken rule on one field.
  public struct Violation: Hashable, Sendable, CustomStringConvertible {
    /// The field's path, with proto field names (e.g. `ticket.contract_id`).
    public var field: String
    /// Machine-readable reason, UPPER_SNAKE_CASE (e.g. `REQUIRED_BY_SUBJECT`).
    public var reason: String
    /// Human-readable explanation.
    public var description: String
    /// Whether the violation is about the system's state rather than the request alone.
    public var isPrecondition: Bool

    public init(field: String, reason: String, description: String, isPrecondition: Bool = false) {
      self.field = field
      self.reason = reason
      self.description = description
      self.isPrecondition = isPrecondition
    }
  }

  public var kind: Kind
  public var message: String
  public var violations: [Violation]
  /// How many more violations the request had than ``violations`` holds (a request is
  /// checked to the end, but only the first ``Violations/limit`` are kept).
  public var omittedViolations: Int

  public init(_ kind: Kind, _ message: String, violations: [Violation] = [], omittedViolations: Int = 0) {
    self.kind = kind
    self.message = message
    self.violations = violations
    self.omittedViolations = omittedViolations
  }

  /// The error for a set of violations: INVALID_ARGUMENT when any is about the request
  /// itself, else FAILED_PRECONDITION.
  public static func violations(_ violations: [Violation], omitted: Int = 0, subject: String) -> DomainError {
    let invalid = violations.contains { !$0.isPrecondition }
    let total = violations.count + omitted
    let message =
      total == 1
      ? "\(subject): \(violations[0].field): \(violations[0].description)"
      : "\(subject): \(total) problems (see field violations)"
    return DomainError(
      invalid ? .invalidArgument : .failedPrecondition, message, violations: violations, omittedViolations: omitted)
  }

  public static func notFound(_ what: String) -> DomainError {
    DomainError(.notFound, "\(what) not found")
  }

  /// A new record refused because the server keeps at most `limit` of its kind.
  public static func tooMany(_ what: String, limit: Int, field: String) -> DomainError {
    DomainError(
      .failedPrecondition, "a server keeps at most \(limit) \(what)",
      violations: [
        .init(field: field, reason: "TOO_MANY", description: "at most \(limit) \(what)", isPrecondition: true)
      ])
  }

  public static func staleVersion(_ what: String, expected: Int64, current: Int64) -> DomainError {
    DomainError(
      .aborted,
      "\(what) was changed by someone else: expected version \(expected), current version \(current); reload and retry")
  }

  public var description: String { message }
}

/// Collects violations while checking a request: the first ``limit`` of them, and a
/// count of the rest (so that a request full of errors costs memory in proportion to the
/// limit, not to the request).
public struct Violations: Sendable {
  /// The most violations kept (what the RPC layer sends at most).
  public static let limit = 100

  /// The violations kept, in the order found.
  public private(set) var all: [DomainError.Violation] = []
  /// How many were found past ``limit``.
  public private(set) var omitted = 0
  /// Whether any violation beyond the first ``limit`` was about the request itself (it
  /// decides the status code as if it had been kept).
  private var omittedInvalid = false

  public init() {}

  public var isEmpty: Bool { all.isEmpty }

  /// All the violations found, kept or not.
  public var count: Int { all.count + omitted }

  /// A problem with the request itself. The description is built only when kept.
  public mutating func invalid(
    _ field: @autoclosure () -> String, _ reason: String, _ description: @autoclosure () -> String
  ) {
    guard all.count < Self.limit else {
      omitted += 1
      omittedInvalid = true
      return
    }
    all.append(.init(field: field(), reason: reason, description: description()))
  }

  /// A problem with the system's state.
  public mutating func precondition(
    _ field: @autoclosure () -> String, _ reason: String, _ description: @autoclosure () -> String
  ) {
    guard all.count < Self.limit else {
      omitted += 1
      return
    }
    all.append(.init(field: field(), reason: reason, description: description(), isPrecondition: true))
  }

  /// Throws the collected violations, if any.
  public func throwIfAny(_ subject: String) throws(DomainError) {
    guard !all.isEmpty else { return }
    var error = DomainError.violations(all, omitted: omitted, subject: subject)
    if omittedInvalid { error.kind = .invalidArgument }
    throw error
  }
}
