import ArgumentParser
import AtendeAPI
import AtendeAdmin
import AtendeServer
import AtendeStore
import AtendeStorePostgres
import CoreMetrics
import Foundation
import Instrumentation
import Logging
import ServiceLifecycle
import UnixSignals

@main
struct AtendeServerCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "atende-server",
    abstract: "The Atende support-ticket server.",
    subcommands: [Serve.self, TokenCommand.self, MigrateData.self, Backup.self, Restore.self, DevCertificates.self],
    defaultSubcommand: Serve.self)

  /// Reads `serve`'s configuration file (`--config`, `ATENDE_CONFIG`) into the command line
  /// before parsing it.
  static func main() async {
    do {
      let arguments = try ConfigFile.expand(
        Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment)
      await main(arguments)
    } catch {
      exit(withError: error)
    }
  }
}

struct Serve: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Serve the Atende API until SIGTERM or SIGINT.",
    discussion: """
      Examples:
        atende-server serve                       # 127.0.0.1:7400
        atende-server serve --host 0.0.0.0 --port 7400 --log-level debug
        atende-server serve --database /var/lib/atende/atende.sqlite --demo-data
        ATENDE_PORT=7500 atende-server serve
        atende-server serve --jwks-file idp.jwks.json --jwt-issuer https://idp.example --jwt-audience atende
        atende-server serve --tls-cert server.pem --tls-key server-key.pem
        atende-server serve --tls-cert server.pem --tls-key server-key.pem --tls-client-ca clients-ca.pem \
          --tls-client-identities identities.json
        atende-server dev-certificates --out ./tls --client billing   # a throwaway CA to try TLS
        atende-server serve --config /etc/atende/atende.yaml
        atende-server serve --admin-port 7401     # metrics on http://127.0.0.1:7401/metrics
        atende-server serve --otlp-endpoint http://127.0.0.1:4318   # traces to an OpenTelemetry collector

      With TLS, SIGHUP reads the certificate, key and client CA files again: new
      connections use them, open ones go on.

      Every call is authenticated (docs/SECURITY.md). On first start, with no API token in
      the database, the server mints a local admin token and writes it where the atende
      CLI finds it (--local-token-file, readable by this user only).
      """)

  @Option(
    help: """
      YAML configuration file (env ATENDE_CONFIG): every setting below, by section; flags and \
      environment variables override it (docs/OPERATIONS.md lists the keys).
      """)
  var config: String?

  @Option(help: "Address to listen on (env ATENDE_HOST).")
  var host: String = Environment.value("ATENDE_HOST") ?? "127.0.0.1"

  @Option(help: "Port to listen on; 0 picks a free one (env ATENDE_PORT).")
  var port: Int = Environment.value("ATENDE_PORT").flatMap(Int.init) ?? 7400

  @OptionGroup(title: "Logging") var logging: LogOptions

  @Option(help: "Largest frame payload accepted, in bytes.")
  var maxFrameSize: Int = ServerConfiguration.Limits().maxFrameSize

  @Option(help: "Calls one connection may have open at once.")
  var maxConcurrentCalls: Int = ServerConfiguration.Limits().maxConcurrentCallsPerConnection

  @Option(help: "Connections open at once.")
  var maxConnections: Int = ServerConfiguration.Limits().maxConnections

  @Option(help: "Seconds calls in flight get to finish at shutdown.")
  var shutdownGraceSeconds: Int = 30

  @Option(
    help: """
      Seconds a stopping server goes on taking calls after its health turns NOT_SERVING, \
      so that balancers and health-watching clients move away first.
      """)
  var drainDelaySeconds: Int = 0

  @Option(help: "The most memory decoding one request may allocate, in bytes.")
  var decodeBudgetBytes: Int = ServerConfiguration.Limits().decodeAllocationBudget

  @Option(help: "Flow-control window each call starts with, in bytes.")
  var initialWindowSize: Int = ServerConfiguration.Limits().initialWindowSize

  @Option(help: "Seconds a new connection has to send its HELLO.")
  var handshakeTimeoutSeconds: Int = 10

  @Option(help: "Seconds a connection without calls stays open (0: no limit).")
  var idleTimeoutSeconds: Int = 300

  @Option(help: "Seconds between keepalive PINGs on a quiet connection.")
  var keepaliveIntervalSeconds: Int = 30

  @Option(help: "Seconds a keepalive PING may go unanswered before the connection is closed.")
  var keepaliveTimeoutSeconds: Int = 10

  @OptionGroup var storage: DatabaseOptions

  @Option(
    help: """
      Directory of attachment contents with a SQLite database (default: the database path + ".files"); \
      with PostgreSQL they are kept in the database.
      """)
  var filesDirectory: String?

  @Option(help: "Largest attachment, in bytes.")
  var maxFileSize: Int64 = TicketFileServiceImpl.defaultMaxFileSize

  @Flag(help: "Load the demo data set (departments, channels, subjects, clients...) before serving.")
  var demoData = false

  @Option(help: "Seconds between runs of the SLA escalation rules over the open tickets (0: never).")
  var escalationIntervalSeconds: Int = 60

  @Option(
    help: """
      The webhook key file (64 hex digits; made when missing, readable by its owner only). \
      Every server of a database needs the same one. Default with SQLite: the database \
      path + .webhook-key; with PostgreSQL, webhooks are off without it.
      """)
  var webhookKeyFile: String?

  @Option(help: "Seconds a webhook receiver has to answer.")
  var webhookTimeoutSeconds: Int = 10

  @OptionGroup(title: "Authentication") var auth: AuthOptions

  @OptionGroup(title: "TLS") var tls: TLSOptions

  @OptionGroup(title: "Operations") var operations: OperationsOptions

  @OptionGroup(title: "Tracing") var tracing: TracingOptions

  /// Every limit and timeout in range, or the first one that is not, by its flag.
  func validate() throws {
    let checks: [(flag: String, value: Int, least: Int)] = [
      ("--max-frame-size", maxFrameSize, 256),
      ("--max-concurrent-calls", maxConcurrentCalls, 1),
      ("--max-connections", maxConnections, 1),
      ("--shutdown-grace-seconds", shutdownGraceSeconds, 0),
      ("--drain-delay-seconds", drainDelaySeconds, 0),
      ("--initial-window-size", initialWindowSize, 1024),
      ("--decode-budget-bytes", decodeBudgetBytes, 4096),
      ("--handshake-timeout-seconds", handshakeTimeoutSeconds, 1),
      ("--idle-timeout-seconds", idleTimeoutSeconds, 0),
      ("--keepalive-interval-seconds", keepaliveIntervalSeconds, 1),
      ("--keepalive-timeout-seconds", keepaliveTimeoutSeconds, 1),
      ("--escalation-interval-seconds", escalationIntervalSeconds, 0),
      ("--webhook-timeout-seconds", webhookTimeoutSeconds, 1),
    ]
    for check in checks where check.value < check.least {
      throw ValidationError("\(check.flag) must be at least \(check.least), got \(check.value)")
    }
    if maxFileSize < 1 { throw ValidationError("--max-file-size must be at least 1, got \(maxFileSize)") }
  }

  func run() async throws {
    logging.bootstrap()
    let logger = Logger(label: "atende.server")
    // Metrics and tracing first: the store records its transactions through them.
    let metrics = operations.admin == nil ? nil : PrometheusMetrics()
    if let metrics { MetricsSystem.bootstrap(metrics.factory) }
    let traceExport = try tracing.backend(logger: Logger(label: "atende.tracing"))
    if let traceExport { InstrumentationSystem.bootstrap(traceExport.tracer) }
    if auth.noAuth && !LocalToken.isLoopback(host) && !auth.insecure {
      throw ValidationError(
        "refusing to serve \(host) without authentication: anyone who reaches it could call every method; add --insecure if you mean it"
      )
    }
    var configuration = ServerConfiguration(host: host, port: port, agent: "atende-server/\(AtendeVersion.current)")
    configuration.limits.maxFrameSize = maxFrameSize
    configuration.limits.maxConcurrentCallsPerConnection = maxConcurrentCalls
    configuration.limits.maxConnections = maxConnections
    configuration.timeouts.shutdownGracePeriod = .seconds(shutdownGraceSeconds)
    configuration.timeouts.drainDelay = .seconds(drainDelaySeconds)
    configuration.limits.initialWindowSize = initialWindowSize
    configuration.limits.decodeAllocationBudget = decodeBudgetBytes
    configuration.timeouts.handshake = .seconds(handshakeTimeoutSeconds)
    configuration.timeouts.idle = .seconds(idleTimeoutSeconds)
    configuration.timeouts.keepaliveInterval = .seconds(keepaliveIntervalSeconds)
    configuration.timeouts.keepaliveTimeout = .seconds(keepaliveTimeoutSeconds)
    configuration.tls = tls.configuration
    if storage.isPostgres && filesDirectory != nil {
      throw ValidationError(
        "with a PostgreSQL database, attachment contents are kept in the database, where every server reads them: drop --files-directory"
      )
    }
    try await storage.withStore(logger: logger) { store in
      logger.info("database ready", metadata: ["db": "\(storage.redacted)"])
      if demoData {
        try await DemoData.load(into: store)
        logger.info("demo data loaded")
      }
      var authConfiguration = try await auth.configuration(store: store, logger: logger)
      authConfiguration?.certificateIdentities = try tls.identities()
      if authConfiguration == nil {
        logger.warning("authentication is off (--no-auth): every caller may call every method")
      }
      let files: any FileContentStore =
        if let postgres = store as? PostgresStore {
          postgres.fileContents
        } else {
          try FileStorage(directory: filesDirectory ?? storage.database + ".files")
        }
      let health = AtendeServer.readiness(of: store)
      let webhookKey: WebhookKey?
      if let path = webhookKeyFile ?? (storage.isPostgres ? nil : storage.database + ".webhook-key") {
        do {
          webhookKey = try WebhookKey.load(path: path)
        } catch {
          throw ValidationError("\(error)")
        }
      } else {
        webhookKey = nil
        logger.notice("webhooks are off: give every server the same --webhook-key-file to turn them on")
      }
      let server = try AtendeServer.makeServer(
        configuration: configuration, store: store, files: files, maxFileSize: maxFileSize,
        labels: ["storage": storage.engine], webhookKey: webhookKey, auth: authConfiguration, health: health,
        metricsFactory: metrics?.factory,
        observers: operations.accessLog ? [AccessLog(logger: Logger(label: "atende.access"))] : [],
        tracer: traceExport?.tracer, logger: logger)
      // Services stop in reverse order: the admin listener last, so that /readyz reports
      // the drain while the RPC server finishes its calls.
      var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
      // The exporter stops last: it sends the spans of the calls that ended in the drain.
      if let traceExport { services.append(.init(service: traceExport.service)) }
      if let metrics, let adminPort = operations.admin {
        let state = StateMetrics(store: store, factory: metrics.factory, startedAt: AtendeServer.currentTime())
        services.append(
          .init(
            service: AdminServer(
              host: operations.adminHost, port: adminPort, metrics: metrics, state: state, health: health,
              logger: Logger(label: "atende.admin"))))
      }
      services.append(.init(service: server))
      // Webhook deliveries stop before the server: requests in flight are cancelled, and
      // their deliveries, left unrecorded, are sent by a server once their lease ends.
      let transport = webhookKey == nil ? nil : HTTPWebhookTransport()
      if let webhookKey, let transport {
        services.append(
          .init(
            service: WebhookDispatcher(
              store: store, key: webhookKey, transport: transport, timeout: .seconds(webhookTimeoutSeconds),
              logger: Logger(label: "atende.webhooks"))))
      }
      // Escalations stop first: no ticket changes once the server begins to drain.
      if escalationIntervalSeconds > 0 {
        services.append(
          .init(
            service: SLAEscalator(
              store: store, interval: .seconds(escalationIntervalSeconds), logger: Logger(label: "atende.sla"))))
      }
      let group = ServiceGroup(
        configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
      try await withThrowingTaskGroup(of: Void.self) { tasks in
        if configuration.tls != nil {
          tasks.addTask {
            for await _ in await UnixSignalsSequence(trapping: .sighup) {
              do {
                try server.reloadTLS()
              } catch {
                logger.error("TLS files not reloaded, the current ones stay in use: \(error)")
              }
            }
          }
        }
        try await group.run()
        tasks.cancelAll()
      }
      try? await transport?.shutdown()
    }
  }

}

/// Where the database is (shared by `serve` and the token commands).
struct DatabaseOptions: ParsableArguments {
  @Option(
    help: """
      The database: a SQLite file, created and migrated if needed, or a PostgreSQL URL \
      (postgres://user[:password]@host[:port]/database[?sslmode=disable|prefer|require&pool_max=N]), \
      migrated at start (env ATENDE_DATABASE).
      """)
  var database: String = Environment.value("ATENDE_DATABASE") ?? DatabaseOptions.defaultDatabasePath

  /// `$XDG_DATA_HOME/atende/atende.sqlite`, else `~/.local/share/atende/atende.sqlite`.
  static var defaultDatabasePath: String {
    if let data = Environment.value("XDG_DATA_HOME"), !data.isEmpty { return data + "/atende/atende.sqlite" }
    return (Environment.value("HOME") ?? ".") + "/.local/share/atende/atende.sqlite"
  }

  var isPostgres: Bool { database.hasPrefix("postgres://") || database.hasPrefix("postgresql://") }

  /// The engine's name, for the server's labels.
  var engine: String { isPostgres ? "postgres" : "sqlite" }

  /// The database without its password, for logs.
  var redacted: String {
    guard isPostgres, var components = URLComponents(string: database) else { return database }
    if components.password != nil { components.password = "***" }
    return components.string ?? "postgres://…"
  }

  /// Runs `body` with the store open: a SQLite file, or a PostgreSQL database whose
  /// connection pool runs meanwhile (migrated first).
  func withStore<Result: Sendable>(
    logger: Logger, _ body: (any AtendeStore & APITokenStore & WebhookStore) async throws -> Result
  ) async throws -> Result {
    if isPostgres {
      let store: PostgresStore
      do {
        store = try PostgresStore(url: database, logger: logger)
      } catch {
        throw ValidationError("cannot use the database \(redacted): \(error)")
      }
      return try await store.withRunning { try await body($0) }
    }
    let store: SQLiteStore
    do {
      store = try SQLiteStore(path: database)
    } catch {
      throw ValidationError("cannot open the database at \(database): \(error)")
    }
    return try await body(store)
  }
}

enum Environment {
  static func value(_ name: String) -> String? {
    guard let value = getenv(name) else { return nil }
    return String(cString: value)
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
