internal import AtendeAPI

/// The reasons (``RPCError/reason``) of the errors authentication and authorization
/// answer with, for programs to act on.
public enum AuthReason {
  // UNAUTHENTICATED
  /// The call carries no `authorization` metadata.
  public static let credentialsMissing = "CREDENTIALS_MISSING"
  /// The `authorization` metadata is not `Bearer <API token or JWT>`.
  public static let credentialsMalformed = "CREDENTIALS_MALFORMED"
  /// No API token matches.
  public static let tokenUnknown = "TOKEN_UNKNOWN"
  /// The API token has expired.
  public static let tokenExpired = "TOKEN_EXPIRED"
  /// The API token was revoked.
  public static let tokenRevoked = "TOKEN_REVOKED"
  /// The JWT failed verification: signature, algorithm, issuer, audience or claims.
  public static let jwtInvalid = "JWT_INVALID"
  /// The JWT has expired (beyond the allowed clock skew).
  public static let jwtExpired = "JWT_EXPIRED"
  /// The JWT is not valid yet (`nbf`, beyond the allowed clock skew).
  public static let jwtNotYetValid = "JWT_NOT_YET_VALID"
  /// The server accepts no JWTs (none configured).
  public static let jwtNotAccepted = "JWT_NOT_ACCEPTED"
  /// A client certificate whose common name is no identity of this server (and no other
  /// credential).
  public static let certificateUnknown = "CERTIFICATE_UNKNOWN"

  // PERMISSION_DENIED
  /// The credential lacks the scope the method requires.
  public static let scopeMissing = "SCOPE_MISSING"
  /// The call names an `actor` but the credential lacks the `act_as` scope.
  public static let actAsRequired = "ACT_AS_REQUIRED"
  /// The credential is restricted to departments that do not include the one asked for.
  public static let departmentNotAllowed = "DEPARTMENT_NOT_ALLOWED"
  /// A branch-restricted identity named a branch outside its branches.
  public static let branchNotAllowed = "BRANCH_NOT_ALLOWED"
  /// The call is for identities restricted to no department or branch (webhooks).
  public static let restrictedIdentity = "RESTRICTED_IDENTITY"
  /// The method declares no access requirement (refused by default).
  public static let methodUndeclared = "METHOD_UNDECLARED"

  // RESOURCE_EXHAUSTED
  /// The identity exceeded its call rate; `retryAfter` says when to try again.
  public static let rateLimited = "RATE_LIMITED"
}

extension RPCError {
  static func unauthenticated(_ reason: String, _ message: String) -> RPCError {
    RPCError(code: .unauthenticated, message: message, reason: reason)
  }

  static func permissionDenied(_ reason: String, _ message: String) -> RPCError {
    RPCError(code: .permissionDenied, message: message, reason: reason)
  }
}
