import AtendeAPI
import AtendeServer
import AtendeStore
import Crypto
import CryptoExtras
import Foundation
import JWTKit
import Testing

/// The claims the tests sign.
private struct TestClaims: JWTPayload {
  var sub: String
  var iss: String
  var aud: [String]
  var exp: Double
  var nbf: Double?
  var scope: String
  var departments: [Int64]?
  var branches: [Int64]?

  func verify(using algorithm: some JWTAlgorithm) async throws {}
}

private func base64URL(_ data: Data) -> String {
  data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
    .replacingOccurrences(of: "=", with: "")
}

/// An identity provider: its private keys (RS256, ES256, HS256) and the JWKS the server
/// is configured with.
private struct IdentityProvider {
  let rsa: JWTKit.Insecure.RSA.PrivateKey
  let ec: ES256PrivateKey
  let hmacSecret: Data
  let jwks: String
  static let issuer = "https://idp.example"
  static let audience = "atende"

  init() throws {
    rsa = try JWTKit.Insecure.RSA.PrivateKey(backing: _RSA.Signing.PrivateKey(keySize: .bits2048))
    ec = ES256PrivateKey()
    hmacSecret = Data((0..<32).map { UInt8($0 * 7 % 251) })
    let (modulus, exponent) = try rsa.publicKey.getKeyPrimitives()
    let (x, y) = ec.parameters!
    let keys: [[String: String]] = [
      ["kty": "RSA", "kid": "rsa-1", "alg": "RS256", "use": "sig", "n": base64URL(modulus), "e": base64URL(exponent)],
      ["kty": "EC", "kid": "ec-1", "alg": "ES256", "crv": "P-256", "x": x, "y": y],
      ["kty": "oct", "kid": "hs-1", "alg": "HS256", "k": base64URL(hmacSecret)],
    ]
    jwks = String(decoding: try JSONSerialization.data(withJSONObject: ["keys": keys]), as: UTF8.self)
  }

  var configuration: JWTConfiguration {
    JWTConfiguration(jwks: jwks, issuer: Self.issuer, audience: Self.audience, leeway: 60)
  }

  func claims(
    at now: Date, sub: String = "maria@provedor", scope: String = "tickets.read tickets.write",
    departments: [Int64]? = nil, branches: [Int64]? = nil
  ) -> TestClaims {
    TestClaims(
      sub: sub, iss: Self.issuer, aud: [Self.audience], exp: now.timeIntervalSince1970 + 300,
      nbf: now.timeIntervalSince1970 - 10, scope: scope, departments: departments, branches: branches)
  }

  func sign(_ claims: some JWTPayload, kid: String) async throws -> String {
    let keys = JWTKeyCollection()
    switch kid {
    case "rsa-1": await keys.add(rsa: rsa, digestAlgorithm: .sha256, kid: "rsa-1")
    case "ec-1": await keys.add(ecdsa: ec, kid: "ec-1")
    default: await keys.add(hmac: HMACKey(from: hmacSecret), digestAlgorithm: .sha256, kid: JWKIdentifier(string: kid))
    }
    return try await keys.sign(claims, kid: JWKIdentifier(string: kid))
  }
}

@Suite("JWT authentication")
struct JWTAuthenticationTests {
  private func whoAmI(_ server: AuthServer, _ token: String) async -> Result<Identity, RPCError> {
    let client = server.client(token)
    defer { client.close() }
    do {
      return .success(try await IdentityService.Client(client).whoAmI(WhoAmIRequest()))
    } catch {
      return .failure(error)
    }
  }

  private func reason(_ result: Result<Identity, RPCError>) -> String? {
    guard case .failure(let error) = result, error.code == .unauthenticated else { return nil }
    return error.reason
  }

  @Test("RS256, ES256 and HS256 tokens from the configured keys authenticate, with scopes and departments")
  func validTokens() async throws {
    let idp = try IdentityProvider()
    try await withAuthServer(jwt: idp.configuration) { server in
      for kid in ["rsa-1", "ec-1", "hs-1"] {
        let token = try await idp.sign(idp.claims(at: server.clock.now, departments: [2]), kid: kid)
        let identity = try await whoAmI(server, token).get()
        #expect(identity.name == "maria@provedor" && identity.kind == .jwt, "\(kid)")
        #expect(identity.scopes == ["tickets.read", "tickets.write"] && identity.departments == [2])
      }
      // A branches claim restricts to those branches.
      let north = try await idp.sign(idp.claims(at: server.clock.now, branches: [2]), kid: "ec-1")
      let identity = try await whoAmI(server, north).get()
      #expect(identity.branches == [2] && identity.departments.isEmpty)
      // Scope checks apply as for API tokens.
      let reader = try await idp.sign(idp.claims(at: server.clock.now, scope: "tickets.read"), kid: "rsa-1")
      let client = server.client(reader)
      defer { client.close() }
      await #expect(throws: RPCError.self) {
        _ = try await TicketService.Client(client).cancelTicket(CancelTicketRequest(id: 1))
      }
    }
  }

  @Test("tampered and misdirected tokens are UNAUTHENTICATED")
  func rejectedTokens() async throws {
    let idp = try IdentityProvider()
    let impostor = try IdentityProvider()
    try await withAuthServer(jwt: idp.configuration) { server in
      let now = server.clock.now
      let valid = try await idp.sign(idp.claims(at: now), kid: "rsa-1")

      // Bad signature: another key under the same kid, and a payload changed after signing.
      #expect(
        reason(await whoAmI(server, try await impostor.sign(idp.claims(at: now), kid: "rsa-1")))
          == AuthReason.jwtInvalid)
      let parts = valid.split(separator: ".").map(String.init)
      var elevated = idp.claims(at: now)
      elevated.scope = "admin tickets.read tickets.write"
      let forgedPayload = base64URL(try JSONEncoder().encode(elevated))
      #expect(
        reason(await whoAmI(server, [parts[0], forgedPayload, parts[2]].joined(separator: ".")))
          == AuthReason.jwtInvalid)

      // Wrong audience, wrong issuer.
      var otherAudience = idp.claims(at: now)
      otherAudience.aud = ["billing"]
      #expect(reason(await whoAmI(server, try await idp.sign(otherAudience, kid: "ec-1"))) == AuthReason.jwtInvalid)
      var otherIssuer = idp.claims(at: now)
      otherIssuer.iss = "https://evil.example"
      #expect(reason(await whoAmI(server, try await idp.sign(otherIssuer, kid: "ec-1"))) == AuthReason.jwtInvalid)

      // alg: none, with and without a kid.
      let claims = base64URL(try JSONEncoder().encode(idp.claims(at: now)))
      for header in [#"{"alg":"none","typ":"JWT"}"#, #"{"alg":"none","kid":"rsa-1"}"#] {
        let unsigned = base64URL(Data(header.utf8)) + "." + claims + "."
        #expect(reason(await whoAmI(server, unsigned)) == AuthReason.jwtInvalid)
      }

      // Algorithm confusion: HS256 "signed" with the RSA public key, under the RSA kid.
      let confusion = JWTKeyCollection()
      await confusion.add(
        hmac: HMACKey(from: idp.rsa.publicKey.pemRepresentation), digestAlgorithm: .sha256, kid: "rsa-1")
      let confused = try await confusion.sign(idp.claims(at: now), kid: "rsa-1")
      #expect(reason(await whoAmI(server, confused)) == AuthReason.jwtInvalid)

      // A kid the server does not know (no default key to fall back on).
      #expect(
        reason(await whoAmI(server, try await idp.sign(idp.claims(at: now), kid: "hs-2"))) == AuthReason.jwtInvalid)

      // A departments claim that is not a list of ids is refused, not read as "all".
      struct OddDepartments: JWTPayload {
        var sub = "maria@provedor"
        var iss = IdentityProvider.issuer
        var aud = [IdentityProvider.audience]
        var exp: Double
        var departments = ["1", "2"]
        func verify(using algorithm: some JWTAlgorithm) async throws {}
      }
      let odd = try await idp.sign(OddDepartments(exp: now.timeIntervalSince1970 + 300), kid: "hs-1")
      #expect(reason(await whoAmI(server, odd)) == AuthReason.jwtInvalid)
      struct ScalarDepartments: JWTPayload {
        var sub = "maria@provedor"
        var iss = IdentityProvider.issuer
        var aud = [IdentityProvider.audience]
        var exp: Double
        var departments: Double?  // a number, or null
        func verify(using algorithm: some JWTAlgorithm) async throws {}
        func encode(to encoder: any Encoder) throws {
          enum Keys: String, CodingKey { case sub, iss, aud, exp, departments }
          var container = encoder.container(keyedBy: Keys.self)
          try container.encode(sub, forKey: .sub)
          try container.encode(iss, forKey: .iss)
          try container.encode(aud, forKey: .aud)
          try container.encode(exp, forKey: .exp)
          try container.encode(departments, forKey: .departments)  // null when nil
        }
      }
      for departments in [3, 1e19, nil] as [Double?] {
        let scalar = try await idp.sign(
          ScalarDepartments(exp: now.timeIntervalSince1970 + 300, departments: departments), kid: "hs-1")
        #expect(reason(await whoAmI(server, scalar)) == AuthReason.jwtInvalid, "\(String(describing: departments))")
      }

      // So is a branches claim that is not a list of ids.
      struct OddBranches: JWTPayload {
        var sub = "maria@provedor"
        var iss = IdentityProvider.issuer
        var aud = [IdentityProvider.audience]
        var exp: Double
        var branches = "2"
        func verify(using algorithm: some JWTAlgorithm) async throws {}
      }
      let oddBranches = try await idp.sign(OddBranches(exp: now.timeIntervalSince1970 + 300), kid: "hs-1")
      #expect(reason(await whoAmI(server, oddBranches)) == AuthReason.jwtInvalid)

      // The genuine token still works.
      #expect((try? await whoAmI(server, valid).get())?.name == "maria@provedor")
    }
  }

  @Test("exp and nbf are checked with the configured clock skew")
  func timeClaims() async throws {
    let idp = try IdentityProvider()
    try await withAuthServer(jwt: idp.configuration) { server in
      var claims = idp.claims(at: server.clock.now)
      claims.exp = server.clock.now.timeIntervalSince1970 - 30  // expired, but within the 60 s skew
      let recent = try await idp.sign(claims, kid: "hs-1")
      #expect((try? await whoAmI(server, recent).get()) != nil)
      server.clock.advance(by: 31)
      #expect(reason(await whoAmI(server, recent)) == AuthReason.jwtExpired)

      var early = idp.claims(at: server.clock.now)
      early.nbf = server.clock.now.timeIntervalSince1970 + 120
      let notYet = try await idp.sign(early, kid: "hs-1")
      #expect(reason(await whoAmI(server, notYet)) == AuthReason.jwtNotYetValid)
      server.clock.advance(by: 61)
      #expect((try? await whoAmI(server, notYet).get()) != nil)
    }
  }

  @Test("a JWKS with a key jwt-kit cannot use (an RSA modulus of 17 bits) fails the key check before serving")
  func unusableKey() async throws {
    let jwks = #"{"keys":[{"kty":"RSA","kid":"small","alg":"RS256","n":"AQAB","e":"AQAB"}]}"#
    await #expect(throws: AuthConfigurationError.self) {
      try await JWTConfiguration(jwks: jwks, issuer: "i", audience: "a").checkKeys()
    }
    try await IdentityProvider().configuration.checkKeys()
  }

  @Test("a JWKS with an unsupported algorithm, a key without kid or a short HS256 secret is refused at start")
  func badJWKS() throws {
    let store = try SQLiteStore.inMemory()
    let documents = [
      #"{"keys":[{"kty":"RSA","kid":"a","alg":"RS512","n":"AQAB","e":"AQAB"}]}"#,
      #"{"keys":[{"kty":"oct","alg":"HS256","k":"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0"}]}"#,
      #"{"keys":[{"kty":"oct","kid":"s","alg":"HS256","k":"c2hvcnQ"}]}"#,
      #"{"keys":[{"kty":"EC","kid":"e","alg":"RS256","crv":"P-256","x":"x","y":"y"}]}"#,
      #"{"keys":[]}"#,
      "not json",
    ]
    for jwks in documents {
      #expect(throws: AuthConfigurationError.self, "\(jwks)") {
        try AuthInterceptor(
          configuration: AuthConfiguration(
            tokens: store, jwt: JWTConfiguration(jwks: jwks, issuer: "i", audience: "a")),
          methods: [])
      }
    }
  }
}
