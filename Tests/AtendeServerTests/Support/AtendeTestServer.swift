import AtendeAPI
import AtendeServer
import AtendeStore
import Logging

/// The call options of a user named "tester" (the `actor` metadata).
let asTester = CallOptions(metadata: ["actor": "tester"])

/// Runs a real Atende server (every service, over a fresh in-memory store) on
/// 127.0.0.1 with a free port, and a client connected to it.
func withAtendeServer<Result: Sendable>(
  _ body: (RPCClient, SQLiteStore) async throws -> Result
) async throws -> Result {
  try await withAtendeServer { client, store, _ in try await body(client, store) }
}

/// ``withAtendeServer(_:)`` that also hands `body` a way to connect more clients, as the
/// admin with the given configuration changes.
func withAtendeServer<Result: Sendable>(
  _ body: (RPCClient, SQLiteStore, _ connect: (_ configure: (inout ClientConfiguration) -> Void) -> RPCClient)
    async throws -> Result
) async throws -> Result {
  let store = try SQLiteStore.inMemory()
  var configuration = ServerConfiguration(host: "127.0.0.1", port: 0)
  configuration.timeouts.shutdownGracePeriod = .seconds(5)
  let logger = Logger(label: "atende.test", factory: { _ in SwiftLogNoOpLogHandler() })
  let auth = try await TestAuth(store)
  let server = try AtendeServer.makeServer(
    configuration: configuration, store: store, files: try temporaryFileStorage(), auth: auth.configuration,
    logger: logger)
  return try await withRPCServer(server) { server in
    let client = RPCClient(
      host: "127.0.0.1", port: try await server.listeningPort(), configuration: auth.adminClient)
    defer { client.close() }
    let port = try await server.listeningPort()
    return try await body(client, store) { configure in
      var configuration = auth.adminClient
      configure(&configuration)
      return RPCClient(host: "127.0.0.1", port: port, configuration: configuration)
    }
  }
}

extension RPCError {
  /// The field violations as "field reason" strings, for compact expectations.
  var violationSummary: [String] { fieldViolations.map { "\($0.field) \($0.reason)" } }
}
