/// The scopes a credential can hold. Methods declare the one they need in the .proto
/// (`option (atende.auth.v1.required_scope)`); docs/SECURITY.md explains each.
public enum Scope {
  /// Read tickets and their tabs, history, events and metrics.
  public static let ticketsRead = "tickets.read"
  /// Open and change tickets, messages, contacts, files and service orders.
  public static let ticketsWrite = "tickets.write"
  /// Read reference data, subjects and the general parameters.
  public static let referenceRead = "reference.read"
  /// Change reference data, subjects and the general parameters.
  public static let admin = "admin"
  /// Echo calls that wait or repeat (`delay_millis`, `repeat`).
  public static let diagnostics = "diagnostics"
  /// Name the person a service acts for, in the `actor` metadata.
  public static let actAs = "act_as"

  /// Every scope, in the order the documentation lists them.
  public static let all: [String] = [ticketsRead, ticketsWrite, referenceRead, admin, diagnostics, actAs]
}
