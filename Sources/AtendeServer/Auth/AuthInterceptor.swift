public import AtendeAPI
public import AtendeStore
public import Foundation

/// How a server authenticates and authorizes calls.
public struct AuthConfiguration: Sendable {
  /// A per-identity rate limit.
  public struct RateLimit: Sendable, Hashable {
    /// Calls a second an identity may make on average.
    public var callsPerSecond: Double
    /// Calls an identity may make at once after a quiet period.
    public var burst: Double

    public init(callsPerSecond: Double, burst: Double) {
      self.callsPerSecond = callsPerSecond
      self.burst = burst
    }

    /// 1000 calls a second, bursts of 2000.
    public static let defaults = RateLimit(callsPerSecond: 1000, burst: 2000)

    /// Failed authentications from one address: 10 a second, bursts of 50.
    public static let failedAuthenticationDefaults = RateLimit(callsPerSecond: 10, burst: 50)
  }

  /// Where API tokens are looked up.
  public var tokens: any APITokenStore
  /// How JWTs are verified; nil = JWTs are refused.
  public var jwt: JWTConfiguration?
  /// The per-identity rate limit; nil = none.
  public var rateLimit: RateLimit?
  /// How many failed authentications a client address may cause (an unknown token costs a
  /// database read, a bad JWT a signature check); past it, calls from that address whose
  /// credential is not already known answer RESOURCE_EXHAUSTED until the bucket refills.
  /// nil = no limit.
  public var failedAuthenticationLimit: RateLimit?
  /// How long a cached API token is trusted before it is read again (so how long a
  /// revocation made by another process takes to apply).
  public var tokenRevalidationInterval: TimeInterval
  /// How often a call that streams responses checks its credential again: a stream
  /// outlives neither its token's revocation nor its credential's expiry by more than
  /// this (plus ``tokenRevalidationInterval`` for a revocation).
  public var streamCheckInterval: Duration
  /// The wall clock: token and JWT expiry. Tests pass a manual one.
  public var now: @Sendable () -> Date
  /// Seconds on a clock that never steps (by default the system's uptime): the rate
  /// limits' clock, so that a wall clock set back (NTP) does not throttle everyone for
  /// as long as it went back.
  public var rateClock: @Sendable () -> Double = AuthConfiguration.monotonicSeconds

  /// Seconds on the system's monotonic clock (what ``rateClock`` reads by default): one
  /// `clock_gettime`, no Foundation object.
  public static func monotonicSeconds() -> Double { AtendeServer.monotonicSeconds() }
  /// Who a client certificate (verified over mutual TLS, see
  /// `ServerTLSConfiguration.clientCertificateAuthorityPath`) is, by its subject's common
  /// name. A call with no `authorization` metadata from a client whose certificate's
  /// common name is listed is that identity; any other is unauthenticated.
  public var certificateIdentities: [String: CertificateIdentity] = [:]

  /// What a client certificate's holder may do.
  public struct CertificateIdentity: Sendable, Hashable {
    /// The scopes granted.
    public var scopes: Set<String>
    /// The departments whose tickets it may see and change; nil = all.
    public var departments: Set<Int64>?
    /// The branches whose tickets it may see and change; nil = all.
    public var branches: Set<Int64>?

    public init(scopes: Set<String>, departments: Set<Int64>? = nil, branches: Set<Int64>? = nil) {
      self.scopes = scopes
      self.departments = departments
      self.branches = branches
    }
  }

  public init(
    tokens: any APITokenStore, jwt: JWTConfiguration? = nil, rateLimit: RateLimit? = .defaults,
    failedAuthenticationLimit: RateLimit? = .failedAuthenticationDefaults,
    tokenRevalidationInterval: TimeInterval = 5, streamCheckInterval: Duration = .seconds(5),
    now: @escaping @Sendable () -> Date = Date.init
  ) {
    self.tokens = tokens
    self.jwt = jwt
    self.rateLimit = rateLimit
    self.failedAuthenticationLimit = failedAuthenticationLimit
    self.tokenRevalidationInterval = tokenRevalidationInterval
    self.streamCheckInterval = streamCheckInterval
    self.now = now
  }
}

/// A server's configuration is unusable: a method without an access requirement, a
/// bad key file. The server does not start.
public struct AuthConfigurationError: Error, CustomStringConvertible {
  public var description: String
  init(_ description: String) { self.description = description }
}

/// Authenticates every call and checks what its method requires, before any handler
/// runs:
/// - `public` methods run for anyone;
/// - otherwise the `authorization: Bearer …` metadata must hold a valid API token or
///   JWT (else UNAUTHENTICATED), holding the method's scope (else PERMISSION_DENIED);
/// - an `actor` entry needs the `act_as` scope; the handler then records both names;
/// - each identity's calls are rate-limited (RESOURCE_EXHAUSTED with a retry delay).
///
/// The handler finds the identity in ``ServerContext/principal``.
public struct AuthInterceptor: ServerInterceptor {
  private let tokens: APITokenAuthenticator
  private let jwt: JWTAuthenticator?
  /// One bucket per identity: its kind of credential and its name (a JWT subject named
  /// like an API token does not share the token's bucket).
  private let rateLimiter: RateLimiter<RateLimitKey>?
  private let now: @Sendable () -> Date
  private let rateClock: @Sendable () -> Double
  private let streamCheckInterval: Duration
  /// Failed authentications, per client address.
  private let failures: RateLimiter<String>?
  private let certificateIdentities: [String: AuthConfiguration.CertificateIdentity]

  /// An interceptor for a server hosting `methods`; throws when one of them declares no
  /// access requirement (deny by default: such a server must not start).
  public init(configuration: AuthConfiguration, methods: [MethodDescriptor]) throws {
    let undeclared = methods.filter { $0.access == nil }
    if !undeclared.isEmpty {
      throw AuthConfigurationError(
        "these methods declare no option (atende.auth.v1.required_scope): "
          + undeclared.map(\.path).joined(separator: ", "))
    }
    let rateLimiter = configuration.rateLimit.map {
      RateLimiter<RateLimitKey>(rate: $0.callsPerSecond, burst: $0.burst)
    }
    let bucket: @Sendable (Principal) -> RateBucket? = { principal in
      rateLimiter?.bucket(for: RateLimitKey(kind: principal.credentialKind, name: principal.name))
    }
    tokens = APITokenAuthenticator(
      store: configuration.tokens, now: configuration.now, revalidateAfter: configuration.tokenRevalidationInterval,
      bucket: bucket)
    jwt = try configuration.jwt.map { try JWTAuthenticator(configuration: $0, now: configuration.now, bucket: bucket) }
    self.rateLimiter = rateLimiter
    now = configuration.now
    rateClock = configuration.rateClock
    streamCheckInterval = configuration.streamCheckInterval
    failures = configuration.failedAuthenticationLimit.map {
      RateLimiter<String>(rate: $0.callsPerSecond, burst: $0.burst, maxBuckets: 10_000)
    }
    certificateIdentities = configuration.certificateIdentities
  }

  public func intercept<Result: Sendable>(
    context: ServerContext, next: (ServerContext) async throws -> Result
  ) async throws -> Result {
    guard let access = context.method.access else {
      throw RPCError.permissionDenied(AuthReason.methodUndeclared, "\(context.method) declares no access requirement")
    }
    if case .public = access { return try await next(context) }
    let date = now()
    // The usual case, without suspending: a credential checked before, from the cache.
    let authenticated: Authenticated
    if let header = context.metadata["authorization"] {
      if let cached = try cached(header, at: date) {
        authenticated = cached
      } else {
        authenticated = try await authenticateLimitingFailures(context, at: date)
      }
    } else if let certificate = context.peerCertificate {
      authenticated = try self.authenticated(certificate)
    } else {
      authenticated = try await authenticateLimitingFailures(context, at: date)
    }
    var principal = authenticated.principal
    context.record?.identity = principal.name
    if case .scope(let scope) = access, !principal.scopes.contains(scope) {
      throw RPCError.permissionDenied(
        AuthReason.scopeMissing, "\(context.method) requires the scope \(scope), which \(principal.name) lacks")
    }
    if let actor = try Self.actor(in: context.metadata) {
      guard principal.scopes.contains(Scope.actAs) else {
        throw RPCError.permissionDenied(
          AuthReason.actAsRequired, "naming an actor requires the scope \(Scope.actAs), which \(principal.name) lacks")
      }
      principal.actingFor = actor
      context.record?.identity = principal.recordedActor
    }
    if let rateLimiter, let wait = authenticated.bucket?.admit(now: rateClock()) {
      throw RPCError(
        code: .resourceExhausted, message: "\(principal.name) exceeds \(rateLimiter.rate) calls a second",
        reason: AuthReason.rateLimited, retryAfter: .milliseconds((wait + 999_999) / 1_000_000))  // whole ms, up
    }
    var context = context
    context.principal = principal
    // A client certificate was verified for the whole connection: nothing to check again.
    if context.method.kind.hasSingleResponse || principal.credentialKind == .certificate {
      return try await next(context)
    }
    return try await whileValid(context, next)
  }

  /// Runs a call that streams responses (it may last hours: a live event feed) while its
  /// credential stays valid: every ``AuthConfiguration/streamCheckInterval`` the
  /// credential is checked again, and a revoked or expired one ends the call with
  /// UNAUTHENTICATED.
  private func whileValid<Result: Sendable>(
    _ context: ServerContext, _ next: (ServerContext) async throws -> Result
  ) async throws -> Result {
    try await withoutActuallyEscaping(next) { next in
      // The handler runs in a child task and the group ends before this function
      // returns, so `next` never outlives the call.
      let handler = UncheckedHandler(run: next)
      return try await withThrowingTaskGroup(of: Result?.self) { group in
        group.addTask { try await handler.run(context) }
        group.addTask {
          while true {
            try await Task.sleep(for: streamCheckInterval)
            _ = try await authenticate(context.metadata, at: now())
          }
        }
        defer { group.cancelAll() }
        while let outcome = try await group.next() {
          if let result = outcome { return result }
        }
        throw CancellationError()
      }
    }
  }

  /// ``authenticate(_:at:)`` for a credential not in the caches, under the client
  /// address's limit of failed authentications.
  private func authenticateLimitingFailures(_ context: ServerContext, at date: Date) async throws -> Authenticated {
    guard let failures else { return try await authenticate(context.metadata, at: date) }
    // The address without its port: "10.0.0.5:51234" → "10.0.0.5".
    let address =
      context.remoteAddress.lastIndex(of: ":").map { String(context.remoteAddress[..<$0]) }
      ?? context.remoteAddress
    let bucket = failures.bucket(for: address)
    if let wait = bucket.wait(at: rateClock()) {
      throw RPCError(
        code: .resourceExhausted, message: "too many failed authentications from \(address)",
        reason: AuthReason.rateLimited, retryAfter: .milliseconds((wait + 999_999) / 1_000_000))
    }
    let outcome: Result<Authenticated, RPCError>
    do {
      outcome = .success(try await authenticate(context.metadata, at: date))
    } catch {
      outcome = .failure(error)
    }
    if case .failure(let error) = outcome, error.code == .unauthenticated {
      _ = bucket.admit(now: rateClock())
    }
    return try outcome.get()
  }

  /// The identity of the call's bearer credential: from a cache keyed by the whole
  /// `authorization` value (the usual case: one lookup), else parsed and checked.
  private func authenticate(_ metadata: Metadata, at date: Date) async throws(RPCError) -> Authenticated {
    guard let header = metadata["authorization"] else {
      throw .unauthenticated(
        AuthReason.credentialsMissing, "this method needs credentials: authorization: Bearer <token>")
    }
    if let principal = try cached(header, at: date) { return principal }
    guard header.utf8.count > 7, header.prefix(7).lowercased() == "bearer " else {
      throw .unauthenticated(AuthReason.credentialsMalformed, "the authorization metadata must be 'Bearer <token>'")
    }
    let credential = header.dropFirst(7).drop { $0 == " " }
    // Cached under the canonical "Bearer <credential>" only, so that spellings of the same
    // credential ("bearer", extra spaces) cannot fill the cache with entries.
    let canonical = "Bearer " + credential
    if canonical != header, let principal = try cached(canonical, at: date) { return principal }
    if APIToken.looksLikeToken(credential) {
      return try await tokens.authenticate(credential, header: canonical, at: date)
    }
    if credential.split(separator: ".", omittingEmptySubsequences: false).count == 3 {
      guard let jwt else { throw .unauthenticated(AuthReason.jwtNotAccepted, "this server accepts no JWTs") }
      return try await jwt.authenticate(credential, header: canonical, at: date)
    }
    throw .unauthenticated(AuthReason.credentialsMalformed, "the bearer credential is neither an API token nor a JWT")
  }

  /// The identity of a client certificate the TLS handshake verified, from
  /// ``AuthConfiguration/certificateIdentities``.
  private func authenticated(_ certificate: PeerCertificate) throws(RPCError) -> Authenticated {
    guard let name = certificate.commonName, let identity = certificateIdentities[name] else {
      throw .unauthenticated(
        AuthReason.certificateUnknown,
        "the client certificate \(certificate.subject) is not an identity of this server, and the call has no credentials"
      )
    }
    let principal = Principal(
      name: name, credentialKind: .certificate, credentialID: String(certificate.sha256Fingerprint.prefix(12)),
      scopes: identity.scopes, departments: identity.departments, branches: identity.branches)
    return Authenticated(
      principal: principal,
      bucket: rateLimiter?.bucket(for: RateLimitKey(kind: .certificate, name: name)))
  }

  /// The identity of an `authorization` value checked before (API token or JWT cache).
  private func cached(_ header: String, at date: Date) throws(RPCError) -> Authenticated? {
    if let principal = try tokens.cached(header, at: date) { return principal }
    if let jwt { return try jwt.cached(header, at: date) }
    return nil
  }

  /// The `actor` metadata, trimmed; nil when absent or empty.
  static func actor(in metadata: Metadata) throws(RPCError) -> String? {
    guard let value = metadata["actor"]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
      return nil
    }
    guard value.count <= 120, !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
    else {
      throw RPCError(
        code: .invalidArgument, message: "actor: at most 120 characters, no control characters",
        fieldViolations: [
          .init(
            field: "metadata.actor", reason: "INVALID", description: "at most 120 characters, no control characters")
        ])
    }
    return value
  }
}

/// Whose token bucket a call draws from.
struct RateLimitKey: Hashable, Sendable {
  let kind: Principal.CredentialKind
  let name: String
}

/// The rest of the interceptor chain, handed to the child task that runs it (it is not
/// `Sendable`, but runs only while the call that owns it waits for it).
private struct UncheckedHandler<Result: Sendable>: @unchecked Sendable {
  let run: (ServerContext) async throws -> Result
}
