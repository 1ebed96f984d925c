import AtendeAPI
import AtendeServer
import AtendeStore
import Foundation

/// Authentication as in production, over `store`, with an admin token ("test-admin",
/// every scope) minted in it: what the end-to-end servers of these tests run with.
struct TestAuth {
  private(set) var configuration: AuthConfiguration
  let adminToken: String

  /// A client configuration that sends the admin token.
  var adminClient: ClientConfiguration { clientConfiguration(token: adminToken) }

  init(
    _ store: any APITokenStore, rateLimit: AuthConfiguration.RateLimit? = .defaults, jwt: JWTConfiguration? = nil,
    failedAuthenticationLimit: AuthConfiguration.RateLimit? = .failedAuthenticationDefaults,
    streamCheckInterval: Duration = .seconds(5), now: @escaping @Sendable () -> Date = Date.init,
    rateClock: (@Sendable () -> Double)? = nil
  ) async throws {
    let (token, record) = APIToken.mint(
      name: "test-admin", scopes: Scope.all, departments: nil, expiresAt: nil, now: now())
    try await store.insertAPIToken(record)
    adminToken = token
    configuration = AuthConfiguration(
      tokens: store, jwt: jwt, rateLimit: rateLimit, failedAuthenticationLimit: failedAuthenticationLimit,
      streamCheckInterval: streamCheckInterval, now: now)
    if let rateClock { configuration.rateClock = rateClock }
  }
}

/// A client configuration that sends `token` with every call (nil: no credentials).
func clientConfiguration(token: String?) -> ClientConfiguration {
  var configuration = ClientConfiguration()
  configuration.credentials = token.map { StaticCredentials(token: $0) }
  return configuration
}

/// What the history records for a call of the test admin acting for `person`.
func adminActingFor(_ person: String) -> String { "test-admin on behalf of \(person)" }
