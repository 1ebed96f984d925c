public import AtendeRPC
import AtendeServer
import AtendeStore
import Foundation
import Logging

/// A real Atende server running inside the current process, for tests.
///
/// Every service is hosted over a fresh in-memory SQLite store and a temporary file
/// directory, listening on 127.0.0.1 on a port the system picked. Use
/// ``withAtendeTestServer(demoData:_:)`` to run one for the length of a test.
public struct AtendeTestServer: Sendable {
  /// The port the server listens on (127.0.0.1).
  public let port: Int

  /// A client connected to the server, closed when the test server stops.
  public let client: RPCClient

  /// The address as the CLI and ``Endpoint`` accept it: `127.0.0.1:<port>`.
  public var address: String { "127.0.0.1:\(port)" }

  /// The endpoint of the server, for building more clients.
  public var endpoint: Endpoint { Endpoint(host: "127.0.0.1", port: port) }
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
  let directory = FileManager.default.temporaryDirectory
    .appendingPathComponent("atende-test-\(UUID().uuidString)").path
  defer { try? FileManager.default.removeItem(atPath: directory) }
  var configuration = ServerConfiguration(host: "127.0.0.1", port: 0)
  configuration.timeouts.shutdownGracePeriod = .seconds(5)
  let server = AtendeServer.makeServer(
    configuration: configuration, store: store, files: try FileStorage(directory: directory),
    logger: Logger(label: "atende.test", factory: { _ in SwiftLogNoOpLogHandler() }))
  return try await withRPCServer(server) { server in
    let port = try await server.listeningPort()
    let client = RPCClient(host: "127.0.0.1", port: port)
    defer { client.close() }
    return try await body(AtendeTestServer(port: port, client: client))
  }
}
