public import AtendeRPC
import AtendeServer
import AtendeStore
import Foundation
import Logging

/// A real Atende server running inside the current process, for tests.
///
/// Every service is hosted over a fresh in-memory SQLite store and a temporary file
/// directory, listening on 127.0.0.1 on a port the system picked. Calls are
/// authenticated as in production: ``client`` carries an admin token holding every
/// scope, and ``makeToken(name:scopes:departments:)`` mints narrower ones. Use
/// ``withAtendeTestServer(demoData:_:)`` to run one for the length of a test.
public struct AtendeTestServer: Sendable {
  /// The port the server listens on (127.0.0.1).
  public let port: Int

  /// A client connected to the server with ``adminToken``, closed when the test server
  /// stops.
  public let client: RPCClient

  /// An API token holding every scope, named "test-admin".
  public let adminToken: String

  let tokens: any APITokenStore

  /// The address as the CLI and ``Endpoint`` accept it: `127.0.0.1:<port>`.
  public var address: String { "127.0.0.1:\(port)" }

  /// The endpoint of the server, for building more clients.
  public var endpoint: Endpoint { Endpoint(host: "127.0.0.1", port: port) }

  /// Mints an API token for `name` with `scopes` (restricted to `departments` when
  /// given), as `atende-server token create` would.
  public func makeToken(name: String, scopes: [String], departments: [Int64]? = nil) async throws -> String {
    let (token, record) = APIToken.mint(
      name: name, scopes: scopes, departments: departments, expiresAt: nil, now: Date())
    try await tokens.insertAPIToken(record)
    return token
  }

  /// A new client of the server sending `token` with every call (nil: no credentials).
  public func makeClient(token: String?) -> RPCClient {
    var configuration = ClientConfiguration()
    configuration.credentials = token.map { StaticCredentials(token: $0) }
    return RPCClient(endpoints: [endpoint], configuration: configuration)
  }
}

/// Runs `body` against a fresh in-process Atende server on a loopback port.
///
/// The server starts empty, or with the demonstration data (clients, contracts,
/// departments, subjects…) when `demoData` is true, and stops gracefully when `body`
/// returns or throws; its database and files are discarded.
///
/// ```swift
/// try await withAtendeTestServer { server in
///   let tickets = TicketService.Client(server.client)
///   let ticket = try await tickets.getTicket(GetTicketRequest(key: .id(1)))
/// }
/// ```
public func withAtendeTestServer<Result: Sendable>(
  demoData: Bool = true,
  _ body: (AtendeTestServer) async throws -> Result
) async throws -> Result {
  let store = try SQLiteStore.inMemory()
  if demoData { try await DemoData.load(into: store) }
  let (adminToken, admin) = APIToken.mint(
    name: "test-admin", scopes: Scope.all, departments: nil, expiresAt: nil, now: Date())
  try await store.insertAPIToken(admin)
  let directory = FileManager.default.temporaryDirectory
    .appendingPathComponent("atende-test-\(UUID().uuidString)").path
  defer { try? FileManager.default.removeItem(atPath: directory) }
  var configuration = ServerConfiguration(host: "127.0.0.1", port: 0)
  configuration.timeouts.shutdownGracePeriod = .seconds(5)
  let server = try AtendeServer.makeServer(
    configuration: configuration, store: store, files: try FileStorage(directory: directory),
    auth: AuthConfiguration(tokens: store),
    logger: Logger(label: "atende.test", factory: { _ in SwiftLogNoOpLogHandler() }))
  return try await withRPCServer(server) { server in
    let port = try await server.listeningPort()
    var clientConfiguration = ClientConfiguration()
    clientConfiguration.credentials = StaticCredentials(token: adminToken)
    let client = RPCClient(host: "127.0.0.1", port: port, configuration: clientConfiguration)
    defer { client.close() }
    return try await body(AtendeTestServer(port: port, client: client, adminToken: adminToken, tokens: store))
  }
}
