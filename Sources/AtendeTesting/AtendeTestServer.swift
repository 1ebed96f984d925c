public import AtendeRPC
import AtendeServer
import AtendeStore
import Foundation
import Logging

/// A real Atende server running inside the current process, for tests.
///
/// Every service is hosted over a fresh in-memory SQLite store and a temporary file
/// directory. Its clients reach it in memory by default (``Transport/inProcess``: no
/// socket, no port), or over TCP on 127.0.0.1 on a port the system picked
/// (``Transport/tcp``, for a program in another process such as the CLI). Either way the
/// calls go through the same protocol, limits and authentication as in production:
/// ``client`` carries an admin token holding every scope, and
/// ``makeToken(name:scopes:departments:)`` mints narrower ones. Use
/// ``withAtendeTestServer(demoData:transport:_:)`` to run one for the length of a test.
public struct AtendeTestServer: Sendable {
  /// How a test server's clients reach it.
  public enum Transport: Sendable, Hashable {
    /// In memory, inside the test's process (the default): no port is bound.
    case inProcess
    /// Over TCP, on 127.0.0.1 and a free port: for clients in other processes.
    case tcp
  }

  /// How the clients reach the server.
  public let transport: Transport

  /// The port the server listens on (127.0.0.1), with ``Transport/tcp``; nil in process.
  public let port: Int?

  /// The server itself.
  let server: RPCServer

  /// A client connected to the server with ``adminToken``, closed when the test server
  /// stops.
  public let client: RPCClient

  /// An API token holding every scope, named "test-admin".
  public let adminToken: String

  let tokens: any APITokenStore

  /// The address as the CLI and ``Endpoint`` accept it, `127.0.0.1:<port>`, with
  /// ``Transport/tcp``; nil in process.
  public var address: String? { port.map { "127.0.0.1:\($0)" } }

  /// The endpoint of the server, with ``Transport/tcp``; nil in process (use
  /// ``makeClient(token:)``).
  public var endpoint: Endpoint? { port.map { Endpoint(host: "127.0.0.1", port: $0) } }

  /// Mints an API token for `name` with `scopes` (restricted to `departments` when
  /// given), as `atende-server token create` would.
  public func makeToken(name: String, scopes: [String], departments: [Int64]? = nil) async throws -> String {
    let (token, record) = APIToken.mint(
      name: name, scopes: scopes, departments: departments, expiresAt: nil, now: Date())
    try await tokens.insertAPIToken(record)
    return token
  }

  /// A new client of the server, over the server's transport, sending `token` with
  /// every call (nil: no credentials). Close it when done.
  public func makeClient(token: String?) -> RPCClient {
    var configuration = ClientConfiguration()
    configuration.credentials = token.map { StaticCredentials(token: $0) }
    return Self.client(of: server, port: port, configuration: configuration)
  }

  static func client(of server: RPCServer, port: Int?, configuration: ClientConfiguration) -> RPCClient {
    guard let port else { return RPCClient(inProcess: server, configuration: configuration) }
    return RPCClient(host: "127.0.0.1", port: port, configuration: configuration)
  }
}

/// Runs `body` against a fresh Atende server in this process, reached in memory by
/// default, or over a loopback TCP port with `transport: .tcp`.
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
  transport: AtendeTestServer.Transport = .inProcess,
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
  configuration.listensOnTCP = transport == .tcp
  let server = try AtendeServer.makeServer(
    configuration: configuration, store: store, files: try FileStorage(directory: directory),
    auth: AuthConfiguration(tokens: store),
    logger: Logger(label: "atende.test", factory: { _ in SwiftLogNoOpLogHandler() }))
  return try await withRPCServer(server) { server in
    let port = transport == .tcp ? try await server.listeningPort() : nil
    var clientConfiguration = ClientConfiguration()
    clientConfiguration.credentials = StaticCredentials(token: adminToken)
    let client = AtendeTestServer.client(of: server, port: port, configuration: clientConfiguration)
    defer { client.close() }
    return try await body(
      AtendeTestServer(
        transport: transport, port: port, server: server, client: client, adminToken: adminToken, tokens: store))
  }
}
