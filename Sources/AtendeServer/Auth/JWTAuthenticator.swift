internal import AtendeAPI
public import Foundation
internal import JWTKit
internal import Synchronization

/// How the server verifies JWTs from the organisation's identity provider.
public struct JWTConfiguration: Sendable {
  /// The verification keys: a JWKS document (`{"keys": [...]}`). Every key needs a
  /// `kid` and an `alg`: RS256 (`kty: RSA`), ES256 (`kty: EC`, P-256) or HS256
  /// (`kty: oct`, a secret of at least 32 bytes in `k`).
  public var jwks: String
  /// The required `iss`.
  public var issuer: String
  /// The audience the `aud` claim must include.
  public var audience: String
  /// Clock skew tolerated on `exp` and `nbf`, in seconds (at most 300).
  public var leeway: TimeInterval
  /// The claim naming the identity (default `sub`).
  public var nameClaim: String
  /// The claim holding the scopes: a space-separated string or an array (default `scope`).
  public var scopesClaim: String
  /// The claim holding the departments the identity is restricted to: an array of ids;
  /// absent = every department (default `departments`).
  public var departmentsClaim: String
  /// The claim holding the branches the identity is restricted to: an array of ids;
  /// absent = every branch (default `branches`).
  public var branchesClaim: String

  public init(
    jwks: String, issuer: String, audience: String, leeway: TimeInterval = 60, nameClaim: String = "sub",
    scopesClaim: String = "scope", departmentsClaim: String = "departments", branchesClaim: String = "branches"
  ) {
    self.jwks = jwks
    self.issuer = issuer
    self.audience = audience
    self.leeway = leeway
    self.nameClaim = nameClaim
    self.scopesClaim = scopesClaim
    self.departmentsClaim = departmentsClaim
    self.branchesClaim = branchesClaim
  }

  /// Loads the keys as the server will, throwing ``AuthConfigurationError`` for a JWKS
  /// the server could not use (a key jwt-kit refuses, such as an RSA modulus under 2048
  /// bits): call it before starting, so that such a file stops the start rather than
  /// every JWT later.
  public func checkKeys() async throws {
    let authenticator = try JWTAuthenticator(configuration: self, now: Date.init)
    do {
      try await authenticator.loadedKeys()
    } catch {
      throw AuthConfigurationError("the JWKS keys cannot be used: \(error)")
    }
  }
}

/// Verifies JWTs with jwt-kit: the signature against the configured keys, then issuer,
/// audience, expiry and not-before (with the configured leeway), and reads the
/// identity's name, scopes, departments and branches from the configured claims.
///
/// Before jwt-kit sees a token, its header must name a configured `kid` and the very
/// algorithm configured for that key: `alg: none`, a missing or unknown kid, and an
/// HS256 token presented for an RSA key (algorithm confusion) are refused up front.
/// Verified tokens are cached until they expire, so a caller reusing one pays for its
/// signature once.
final class JWTAuthenticator: Sendable {
  private let keys: JWTKeyCollection
  /// The algorithm of each key, by kid.
  private let algorithms: [String: String]
  private let configuration: JWTConfiguration
  private let now: @Sendable () -> Date
  private let cache = Mutex<[CredentialKey: Authenticated]>([:])
  private let bucket: @Sendable (Principal) -> RateBucket?
  private let maxCached = 10_000
  /// Adds the keys to `keys`.
  private let loaded: Task<Void, any Error>

  static let supportedAlgorithms: Set<String> = ["RS256", "ES256", "HS256"]

  init(
    configuration: JWTConfiguration, now: @escaping @Sendable () -> Date,
    bucket: @escaping @Sendable (Principal) -> RateBucket? = { _ in nil }
  ) throws {
    self.bucket = bucket
    guard (0...300).contains(configuration.leeway) else {
      throw AuthConfigurationError("the JWT clock skew allowance must be between 0 and 300 seconds")
    }
    guard !configuration.issuer.isEmpty, !configuration.audience.isEmpty else {
      throw AuthConfigurationError("JWT verification needs an issuer and an audience")
    }
    self.configuration = configuration
    self.now = now
    let document: JWKSDocument
    do {
      document = try JSONDecoder().decode(JWKSDocument.self, from: Data(configuration.jwks.utf8))
    } catch {
      throw AuthConfigurationError("the JWKS is not a JSON object with a \"keys\" array: \(error)")
    }
    guard !document.keys.isEmpty else { throw AuthConfigurationError("the JWKS holds no keys") }
    var algorithms: [String: String] = [:]
    var prepared: [PreparedKey] = []
    for (index, key) in document.keys.enumerated() {
      guard let kid = key.kid, !kid.isEmpty else { throw AuthConfigurationError("JWKS key \(index) has no kid") }
      guard let alg = key.alg, Self.supportedAlgorithms.contains(alg) else {
        throw AuthConfigurationError("JWKS key \(kid): alg must be one of RS256, ES256, HS256")
      }
      guard algorithms[kid] == nil else { throw AuthConfigurationError("JWKS kid \(kid) appears twice") }
      let expectedType = ["RS256": "RSA", "ES256": "EC", "HS256": "oct"][alg]!
      guard key.kty == expectedType else {
        throw AuthConfigurationError("JWKS key \(kid): \(alg) needs kty \(expectedType), not \(key.kty)")
      }
      algorithms[kid] = alg
      prepared.append(try key.prepared(kid: kid))
    }
    self.algorithms = algorithms
    let keys = JWTKeyCollection()
    self.keys = keys
    // The key collection is an actor: the keys are added once, before the first check.
    loaded = Task {
      for key in prepared {
        switch key {
        case .hmac(let secret, let kid):
          await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256, kid: JWKIdentifier(string: kid))
        case .jwk(let jwk):
          try await keys.add(jwk: jwk)
        }
      }
      // A token without a known kid must find no key, never a default one.
      await keys.clearDefault()
    }
  }

  /// Waits for the keys to be in jwt-kit's collection; throws what adding them threw.
  func loadedKeys() async throws { try await loaded.value }

  /// The identity of a verified JWT, keyed by the whole `authorization` value, until it
  /// expires; nil when not cached. Throws UNAUTHENTICATED once a cached token has expired.
  func cached(_ header: String, at date: Date) throws(RPCError) -> Authenticated? {
    guard let cached = cache.withLock({ $0[CredentialKey(header)] }) else { return nil }
    if let expiresAt = cached.principal.expiresAt, expiresAt + configuration.leeway <= date.timeIntervalSince1970 {
      cache.withLock { _ = $0.removeValue(forKey: CredentialKey(header)) }
      throw .unauthenticated(AuthReason.jwtExpired, "the JWT has expired")
    }
    return cached
  }

  /// The identity `token` stands for, verified and cached under `header`; throws
  /// UNAUTHENTICATED with the reason otherwise.
  func authenticate(_ token: Substring, header: String, at date: Date) async throws(RPCError) -> Authenticated {
    let key = CredentialKey(header)
    try checkHeader(token)
    let claims: Claims
    do {
      try await loaded.value
      let payload = try await keys.verify(String(token), as: Payload.self)
      claims = payload.claims
    } catch let error as JWTError {
      throw .unauthenticated(AuthReason.jwtInvalid, "the JWT failed verification: \(Self.describe(error))")
    } catch {
      throw .unauthenticated(AuthReason.jwtInvalid, "the JWT failed verification")
    }
    let principal = try principal(from: claims, at: date)
    let authenticated = Authenticated(principal: principal, bucket: bucket(principal))
    cache.withLock { cache in
      if cache.count >= maxCached { cache.removeAll(keepingCapacity: true) }
      cache[key] = authenticated
    }
    return authenticated
  }

  /// The header names a configured kid and exactly that key's algorithm.
  private func checkHeader(_ token: Substring) throws(RPCError) {
    guard let headerPart = token.split(separator: ".", omittingEmptySubsequences: false).first,
      let data = Self.base64URLDecoded(headerPart),
      let header = try? JSONDecoder().decode(Header.self, from: data)
    else { throw .unauthenticated(AuthReason.jwtInvalid, "the JWT header is not base64url JSON") }
    guard let alg = header.alg, Self.supportedAlgorithms.contains(alg) else {
      throw .unauthenticated(AuthReason.jwtInvalid, "the JWT algorithm \(header.alg ?? "(none)") is not accepted")
    }
    guard let kid = header.kid, let expected = algorithms[kid] else {
      throw .unauthenticated(AuthReason.jwtInvalid, "the JWT names no configured key (kid)")
    }
    guard alg == expected else {
      throw .unauthenticated(AuthReason.jwtInvalid, "the JWT algorithm \(alg) does not match key \(kid) (\(expected))")
    }
  }

  private func principal(from claims: Claims, at date: Date) throws(RPCError) -> Principal {
    let now = date.timeIntervalSince1970
    guard let exp = claims.number("exp") else {
      throw .unauthenticated(AuthReason.jwtInvalid, "the JWT has no exp claim")
    }
    guard exp + configuration.leeway > now else { throw .unauthenticated(AuthReason.jwtExpired, "the JWT has expired") }
    if let nbf = claims.number("nbf"), nbf - configuration.leeway > now {
      throw .unauthenticated(AuthReason.jwtNotYetValid, "the JWT is not valid yet")
    }
    guard claims.string("iss") == configuration.issuer else {
      throw .unauthenticated(AuthReason.jwtInvalid, "the JWT was issued by someone else (iss)")
    }
    guard claims.strings("aud").contains(configuration.audience) else {
      throw .unauthenticated(AuthReason.jwtInvalid, "the JWT is meant for another audience (aud)")
    }
    guard let name = claims.string(configuration.nameClaim), !name.isEmpty, name.count <= 120,
      !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
    else {
      throw .unauthenticated(
        AuthReason.jwtInvalid, "the JWT has no \(configuration.nameClaim) claim to name the caller")
    }
    let scopes = claims.strings(configuration.scopesClaim).flatMap { $0.split(separator: " ").map(String.init) }
    let departments = try restriction(claims, configuration.departmentsClaim, of: "department")
    let branches = try restriction(claims, configuration.branchesClaim, of: "branch")
    return Principal(
      name: name, credentialKind: .jwt, credentialID: claims.string("jti") ?? "", scopes: Set(scopes),
      departments: departments.map(Set.init), branches: branches.map(Set.init), expiresAt: exp)
  }

  /// The ids in restriction claim `claim` (departments, branches); nil when absent. A
  /// claim that is not a list of ids restricts to nothing rather than to everything: the
  /// token is refused.
  private func restriction(_ claims: Claims, _ claim: String, of kind: String) throws(RPCError) -> [Int64]? {
    let ids = claims.integers(claim)
    if ids == nil && claims.names.contains(claim) {
      throw .unauthenticated(AuthReason.jwtInvalid, "the JWT's \(claim) claim is not an array of \(kind) ids")
    }
    return ids
  }

  private static func describe(_ error: JWTError) -> String {
    switch error.errorType {
    case .signatureVerificationFailed: "bad signature"
    case .malformedToken: "malformed token"
    case .noKeyProvided: "no key for this token"
    default: "invalid token"
    }
  }

  static func base64URLDecoded(_ text: Substring) -> Data? {
    var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    while base64.count % 4 != 0 { base64 += "=" }
    return Data(base64Encoded: base64)
  }
}

// MARK: - Wire shapes

/// The JOSE header fields the key choice depends on.
private struct Header: Decodable {
  var alg: String?
  var kid: String?
}

/// A JWKS as configured: each key's own JSON is kept to hand to jwt-kit (RSA, EC);
/// symmetric keys (`oct`, which jwt-kit's JWK type does not cover) are added as HMAC keys.
private struct JWKSDocument: Decodable {
  var keys: [ConfiguredKey]
}

private struct ConfiguredKey: Decodable {
  let kty: String
  let kid: String?
  let alg: String?
  /// The symmetric secret of an `oct` key (base64url).
  let k: String?
  /// An RSA or EC key as jwt-kit reads it; the error when it cannot.
  let jwk: Result<JWK, any Error>?

  private enum CodingKeys: String, CodingKey { case kty, kid, alg, k }

  init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    kty = try container.decode(String.self, forKey: .kty)
    kid = try container.decodeIfPresent(String.self, forKey: .kid)
    alg = try container.decodeIfPresent(String.self, forKey: .alg)
    k = try container.decodeIfPresent(String.self, forKey: .k)
    // The same JSON object, read again by jwt-kit (which knows no `oct` keys).
    jwk = kty == "RSA" || kty == "EC" ? Result { try JWK(from: decoder) } : nil
  }

  /// The key, checked and ready to add to jwt-kit's collection.
  func prepared(kid: String) throws -> PreparedKey {
    if kty == "oct" {
      guard let k, let secret = JWTAuthenticator.base64URLDecoded(Substring(k)), secret.count >= 32 else {
        throw AuthConfigurationError("JWKS key \(kid): an HS256 secret (k) must be base64url and at least 32 bytes")
      }
      return .hmac(secret, kid: kid)
    }
    do {
      guard let jwk else { throw AuthConfigurationError("unsupported key type \(kty)") }
      return .jwk(try jwk.get())
    } catch {
      throw AuthConfigurationError("JWKS key \(kid) is not a valid \(kty) key: \(error)")
    }
  }
}

private enum PreparedKey: Sendable {
  case hmac(Data, kid: String)
  case jwk(JWK)
}

/// The claims of a verified token, read by name (the configured claims are known only
/// at run time): strings and string arrays, numbers, integer arrays.
struct Claims: Sendable {
  private var strings: [String: [String]] = [:]
  private var numbers: [String: Double] = [:]
  private var integerLists: [String: [Int64]] = [:]
  /// Every claim name, whatever its shape.
  private(set) var names: Set<String> = []

  private struct Key: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
  }

  init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: Key.self)
    for key in container.allKeys {
      names.insert(key.stringValue)
      if let value = try? container.decode(String.self, forKey: key) {
        strings[key.stringValue] = [value]
      } else if let values = try? container.decode([String].self, forKey: key) {
        strings[key.stringValue] = values
      } else if let value = try? container.decode(Double.self, forKey: key) {
        numbers[key.stringValue] = value
      } else if let values = try? container.decode([Int64].self, forKey: key) {
        integerLists[key.stringValue] = values
      }
      // Other shapes (objects, booleans, mixed arrays) are no claim the server reads.
    }
  }

  func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: Key.self)
    for (name, values) in strings {
      if values.count == 1 {
        try container.encode(values[0], forKey: Key(stringValue: name))
      } else {
        try container.encode(values, forKey: Key(stringValue: name))
      }
    }
    for (name, value) in numbers { try container.encode(value, forKey: Key(stringValue: name)) }
    for (name, values) in integerLists { try container.encode(values, forKey: Key(stringValue: name)) }
  }

  /// A string claim.
  func string(_ name: String) -> String? {
    guard let values = strings[name], values.count == 1 else { return nil }
    return values[0]
  }

  /// A numeric claim.
  func number(_ name: String) -> Double? { numbers[name] }

  /// A string or an array of strings.
  func strings(_ name: String) -> [String] { strings[name] ?? [] }

  /// An array of integers; nil when the claim is absent (an empty array is kept as such).
  func integers(_ name: String) -> [Int64]? {
    if let values = integerLists[name] { return values }
    if let values = strings[name], values.isEmpty { return [] }
    return nil
  }
}

/// What jwt-kit decodes: every claim. The claims are checked afterwards, with the
/// injected clock (jwt-kit's own claim types read the system clock).
private struct Payload: JWTPayload {
  var claims: Claims

  init(from decoder: any Decoder) throws { claims = try Claims(from: decoder) }

  func encode(to encoder: any Encoder) throws { try claims.encode(to: encoder) }

  func verify(using algorithm: some JWTAlgorithm) async throws {}
}
