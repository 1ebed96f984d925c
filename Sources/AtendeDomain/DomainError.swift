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

  public init(_ kind: Kind, _ message: String, violations: [Violation] = []) {
    self.kind = kind
    self.message = message
    self.violations = violations
  }

  /// The error for a set of violations: INVALID_ARGUMENT when any is about the request
  /// itself, else FAILED_PRECONDITION. All violations are kept.
  public static func violations(_ violations: [Violation], subject: String) -> DomainError {
    let invalid = violations.contains { !$0.isPrecondition }
    let message =
      violations.count == 1
      ? "\(subject): \(violations[0].field): \(violations[0].description)"
      : "\(subject): \(violations.count) problems (see field violations)"
    return DomainError(invalid ? .invalidArgument : .failedPrecondition, message, violations: violations)
  }

  public static func notFound(_ what: String) -> DomainError {
    DomainError(.notFound, "\(what) not found")
  }

  public static func staleVersion(_ what: String, expected: Int64, current: Int64) -> DomainError {
    DomainError(
      .aborted,
      "\(what) was changed by someone else: expected version \(expected), current version \(current); reload and retry")
  }

  public var description: String { message }
}

/// Collects violations while checking a request.
public struct Violations: Sendable {
  public private(set) var all: [DomainError.Violation] = []

  public init() {}

  public var isEmpty: Bool { all.isEmpty }

  /// A problem with the request itself.
  public mutating func invalid(_ field: String, _ reason: String, _ description: String) {
    all.append(.init(field: field, reason: reason, description: description))
  }

  /// A problem with the system's state.
  public mutating func precondition(_ field: String, _ reason: String, _ description: String) {
    all.append(.init(field: field, reason: reason, description: description, isPrecondition: true))
  }

  /// Throws the collected violations, if any.
  public func throwIfAny(_ subject: String) throws(DomainError) {
    if !all.isEmpty { throw DomainError.violations(all, subject: subject) }
  }
}
