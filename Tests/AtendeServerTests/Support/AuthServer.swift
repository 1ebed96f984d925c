import AtendeAPI
import AtendeServer
import AtendeStore
import AtendeStoreTestSupport
import Foundation
import Logging
import Synchronization

/// Clocks tests move by hand: a wall clock and a clock that never steps (seconds).
final class ManualClock: Sendable {
  private let date: Mutex<Date>
  private let steady = Mutex<Double>(1000)

  init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) { date = Mutex(start) }

  var now: Date { date.withLock { $0 } }

  /// The clock that never steps.
  var uptime: Double { steady.withLock { $0 } }

  /// Time passes: both clocks move.
  func advance(by seconds: TimeInterval) {
    date.withLock { $0 = $0.addingTimeInterval(seconds) }
    steady.withLock { $0 += seconds }
  }

  /// Time passes until `date` (later than now).
  func advance(to date: Date) { advance(by: date.timeIntervalSince(now)) }

  /// Someone sets the wall clock (only it) back or forward.
  func setWallClock(by seconds: TimeInterval) { date.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// A running server with authentication for the tests of authentication itself.
struct AuthServer {
  let server: RPCServer
  let store: any ContractStore
  let adminToken: String
  let clock: ManualClock

  /// Mints a token as `atende-server token create` does.
  func token(
    _ name: String, scopes: [String], departments: [Int64]? = nil, branches: [Int64]? = nil,
    expiresIn: TimeInterval? = nil
  ) async throws -> String {
    let (token, record) = APIToken.mint(
      name: name, scopes: scopes, departments: departments, branches: branches,
      expiresAt: expiresIn.map { clock.now.addingTimeInterval($0) },
      now: clock.now)
    try await store.insertAPIToken(record)
    return token
  }

  /// A client sending `token` (nil: none).
  func client(_ token: String?) -> RPCClient {
    RPCClient(inProcess: server, configuration: clientConfiguration(token: token))
  }
}

/// Runs a server with the demo data (in a fresh store of `engine`), authentication on a
/// manual clock, and `rateLimit`.
func withAuthServer<Result: Sendable>(
  engine: Engine = .sqlite, rateLimit: AuthConfiguration.RateLimit? = nil, jwt: JWTConfiguration? = nil,
  failedAuthenticationLimit: AuthConfiguration.RateLimit? = nil, streamCheckInterval: Duration = .seconds(5),
  _ body: (AuthServer) async throws -> Result
) async throws -> Result {
  try await withStore(engine) { store in
    try await withAuthServer(
      store: store, rateLimit: rateLimit, jwt: jwt, failedAuthenticationLimit: failedAuthenticationLimit,
      streamCheckInterval: streamCheckInterval, body)
  }
}

private func withAuthServer<Result: Sendable>(
  store: any ContractStore, rateLimit: AuthConfiguration.RateLimit?, jwt: JWTConfiguration?,
  failedAuthenticationLimit: AuthConfiguration.RateLimit?, streamCheckInterval: Duration,
  _ body: (AuthServer) async throws -> Result
) async throws -> Result {
  let clock = ManualClock()
  try await DemoData.load(into: store)
  let auth = try await TestAuth(
    store, rateLimit: rateLimit, jwt: jwt, failedAuthenticationLimit: failedAuthenticationLimit,
    streamCheckInterval: streamCheckInterval, now: { clock.now }, rateClock: { clock.uptime })
  let server = try AtendeServer.makeServer(
    configuration: inProcessOnly, store: store, files: try temporaryFileStorage(),
    auth: auth.configuration, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
  return try await withRPCServer(server) { server in
    try await body(
      AuthServer(server: server, store: store, adminToken: auth.adminToken, clock: clock))
  }
}

/// The RPC error `body` ended with, or nil when it succeeded (an error of another type
/// reads as nil too, and fails the expectation that compares it).
func failure(_ body: () async throws -> Void) async -> RPCError? {
  do {
    try await body()
    return nil
  } catch {
    return error as? RPCError
  }
}
