import ArgumentParser
import AtendeAPI
import AtendeServer
import AtendeStore
import Foundation
import Logging

/// `serve`'s authentication options.
struct AuthOptions: ParsableArguments {
  @Flag(help: "Serve without authentication: every caller may call every method (loopback only, unless --insecure).")
  var noAuth = false

  @Flag(help: "Allow --no-auth on an address other machines can reach.")
  var insecure = false

  @Option(help: "Where the admin token minted on first start is written (default ~/.config/atende/token).")
  var localTokenFile: String = LocalToken.defaultPath

  @Option(help: "Calls a second each identity may make on average; 0 = no limit.")
  var rateLimit: Double = AuthConfiguration.RateLimit.defaults.callsPerSecond

  @Option(help: "Calls an identity may make at once after a quiet period (default: twice the rate).")
  var rateBurst: Double?

  @Option(help: "JWKS file with the identity provider's keys (RS256, ES256, HS256; each with kid and alg).")
  var jwksFile: String?

  @Option(help: "The issuer (iss) JWTs must carry.")
  var jwtIssuer: String?

  @Option(help: "The audience (aud) JWTs must include.")
  var jwtAudience: String?

  @Option(help: "Clock skew allowed on exp and nbf, in seconds (at most 300).")
  var jwtLeeway: Double = 60

  @Option(help: "The claim naming the caller.")
  var jwtNameClaim = "sub"

  @Option(help: "The claim holding the scopes (a space-separated string or an array).")
  var jwtScopesClaim = "scope"

  @Option(help: "The claim holding the departments the caller is restricted to (an array of ids).")
  var jwtDepartmentsClaim = "departments"

  @Option(help: "The claim holding the branches the caller is restricted to (an array of ids).")
  var jwtBranchesClaim = "branches"

  func validate() throws {
    if noAuth && jwksFile != nil { throw ValidationError("--no-auth and --jwks-file exclude each other") }
    if jwksFile != nil && (jwtIssuer == nil || jwtAudience == nil) {
      throw ValidationError("--jwks-file needs --jwt-issuer and --jwt-audience")
    }
    if rateLimit < 0 || !rateLimit.isFinite { throw ValidationError("--rate-limit must be 0 or more") }
    if let rateBurst, rateBurst < 1 || !rateBurst.isFinite { throw ValidationError("--rate-burst must be at least 1") }
  }

  /// The server's authentication, after minting the local admin token if the database
  /// has no token yet; nil with --no-auth.
  func configuration(store: any APITokenStore, logger: Logger) async throws -> AuthConfiguration? {
    if noAuth { return nil }
    var jwt: JWTConfiguration?
    if let jwksFile, let jwtIssuer, let jwtAudience {
      guard let data = FileManager.default.contents(atPath: jwksFile) else {
        throw ValidationError("cannot read the JWKS file \(jwksFile)")
      }
      jwt = JWTConfiguration(
        jwks: String(decoding: data, as: UTF8.self), issuer: jwtIssuer, audience: jwtAudience, leeway: jwtLeeway,
        nameClaim: jwtNameClaim, scopesClaim: jwtScopesClaim, departmentsClaim: jwtDepartmentsClaim,
        branchesClaim: jwtBranchesClaim)
      do {
        try await jwt?.checkKeys()
      } catch {
        throw ValidationError("\(jwksFile): \(error)")
      }
    }
    if try await store.apiTokens().isEmpty {
      let (token, record) = APIToken.mint(
        name: "local-admin", scopes: Scope.all, departments: nil, expiresAt: nil, now: Date())
      do {
        try LocalToken.write(token, to: localTokenFile)
      } catch {
        throw ValidationError("cannot write the local admin token to \(localTokenFile): \(error)")
      }
      try await store.insertAPIToken(record)
      logger.notice(
        "no API token existed: minted the local admin token \(record.id) (every scope) and wrote it to \(localTokenFile), readable by this user only"
      )
    }
    let limit =
      rateLimit > 0
      ? AuthConfiguration.RateLimit(callsPerSecond: rateLimit, burst: rateBurst ?? max(1, rateLimit * 2)) : nil
    return AuthConfiguration(tokens: store, jwt: jwt, rateLimit: limit)
  }
}
