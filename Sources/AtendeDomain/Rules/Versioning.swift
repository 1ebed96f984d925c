/// Optimistic concurrency: a change names the version it is based on, and applies only
/// if that is still the stored version.
public enum Versioning {
  /// Requires `expected` to be the stored version: INVALID_ARGUMENT when it is missing
  /// (0), ABORTED (stale) when it differs. `what` names the record in the message.
  public static func check(_ expected: Int64, current: Int64, what: String) throws(DomainError) {
    guard expected > 0 else {
      throw DomainError(
        .invalidArgument, "expected_version is required",
        violations: [
          .init(field: "expected_version", reason: "REQUIRED", description: "send the version the change is based on")
        ])
    }
    guard expected == current else { throw DomainError.staleVersion(what, expected: expected, current: current) }
  }
}
