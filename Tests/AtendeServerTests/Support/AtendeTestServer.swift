import AtendeAPI
import AtendeServer
import AtendeStore
import AtendeStoreTestSupport
import Logging

/// A server configuration reached only from this process (in-process clients): the
/// end-to-end suites here run over the in-process transport; the RPC and CLI suites
/// cover TCP.
let inProcessOnly: ServerConfiguration = {
  var configuration = ServerConfiguration(host: "127.0.0.1", port: 0)
  configuration.listensOnTCP = false
  return configuration
}()

/// The call options of a user named "tester" (the `actor` metadata).
let asTester = CallOptions(metadata: ["actor": "tester"])

/// Runs a real Atende server (every service, over a fresh store of `engine`) and a client
/// connected to it in process.
func withAtendeServer<Result: Sendable>(
  _ engine: Engine = .sqlite, _ body: (RPCClient, any ContractStore) async throws -> Result
) async throws -> Result {
  try await withAtendeServer(engine) { client, store, _ in try await body(client, store) }
}

/// ``withAtendeServer(_:)`` that also hands `body` a way to connect more clients, as the
/// admin with the given configuration changes.
func withAtendeServer<Result: Sendable>(
  _ engine: Engine = .sqlite,
  _ body: (RPCClient, any ContractStore, _ connect: (_ configure: (inout ClientConfiguration) -> Void) -> RPCClient)
    async throws -> Result
) async throws -> Result {
  try await withStore(engine) { store in try await withAtendeServer(store: store, body) }
}

private func withAtendeServer<Result: Sendable>(
  store: any ContractStore,
  _ body: (RPCClient, any ContractStore, _ connect: (_ configure: (inout ClientConfiguration) -> Void) -> RPCClient)
    async throws -> Result
) async throws -> Result {
  var configuration = inProcessOnly
  configuration.timeouts.shutdownGracePeriod = .seconds(5)
  let logger = Logger(label: "atende.test", factory: { _ in SwiftLogNoOpLogHandler() })
  let auth = try await TestAuth(store)
  let server = try AtendeServer.makeServer(
    configuration: configuration, store: store, files: try temporaryFileStorage(), auth: auth.configuration,
    logger: logger)
  return try await withRPCServer(server) { server in
    let client = RPCClient(inProcess: server, configuration: auth.adminClient)
    defer { client.close() }
    return try await body(client, store) { configure in
      var configuration = auth.adminClient
      configure(&configuration)
      return RPCClient(inProcess: server, configuration: configuration)
    }
  }
}

extension RPCError {
  /// The field violations as "field reason" strings, for compact expectations.
  var violationSummary: [String] { fieldViolations.map { "\($0.field) \($0.reason)" } }
}
