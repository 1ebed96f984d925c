internal import AtendeDomain
public import AtendeStore
public import CoreMetrics
public import Foundation
public import Logging
internal import NIOSSL
internal import PostgresNIO
public import ServiceLifecycle
internal import Synchronization

/// The store on PostgreSQL (15 or later), through postgres-nio's connection pool, for
/// several servers sharing one database.
///
/// It implements the aggregates one at a time behind the same protocols as
/// `SQLiteStore`: reference data (`ReferenceDataStore`), subjects and parameters
/// (`SubjectStore`) and API tokens (`APITokenStore`). The domain rules are the same
/// code for both engines (`ReferenceRules`, `SubjectRules`): this store only loads what a
/// rule reads and writes what it decides, inside one transaction.
///
/// The pool runs while ``run()`` runs (a `Service`: put the store in the server's
/// `ServiceGroup`, or call ``withStore(url:logger:now:_:)``). Call ``migrate()`` once
/// before use; migrations take an advisory lock, so servers starting together apply each
/// one exactly once.
///
/// Times are stored as microseconds since 1970 (BIGINT), as in the SQLite schema, so a
/// value reads back exactly as it was written.
public final class PostgresStore: AtendeStore, Service {
  let client: PostgresClient
  /// Where the database is (for connections of their own, such as LISTEN's).
  let settings: ConnectionSettings
  let logger: Logger
  let now: @Sendable () -> Date
  let calendar: Calendar
  /// The departments whose tickets this view of the store may reach; nil = all
  /// (`restricted(to:)`).
  let scope: TicketScope
  /// The years whose protocol sequence this process knows exists.
  let protocolYears: Mutex<Set<Int>>
  /// Wakes this process's event readers after a change is committed.
  let signals: EventSignals
  /// Times and traces transactions.
  let instrumentation: StoreInstrumentation

  /// A store on the database at `url`: `postgres://user[:password]@host[:port]/database`,
  /// optionally with `?sslmode=disable|prefer|require` (default `prefer`, as libpq) and
  /// `&pool_max=N` (the most connections this process opens; default 20). Its
  /// transactions' timings (pool waits included) are recorded with `metricsFactory` (nil:
  /// the process's `MetricsSystem`).
  public init(
    url: String, logger: Logger, now: @escaping @Sendable () -> Date = Date.init,
    metricsFactory: (any MetricsFactory)? = nil
  ) throws {
    let settings = try ConnectionSettings(url: url)
    var configuration = PostgresClient.Configuration(
      host: settings.host, port: settings.port, username: settings.username, password: settings.password,
      database: settings.database, tls: settings.tls)
    configuration.options.maximumConnections = settings.maximumConnections
    client = PostgresClient(configuration: configuration, backgroundLogger: logger)
    self.settings = settings
    self.logger = logger
    // Timestamps are stored in microseconds: round here so values read back equal.
    self.now = { Date(micros: now().micros) }
    scope = .everything
    calendar = .protocolCalendar
    protocolYears = Mutex([])
    signals = EventSignals()
    instrumentation = StoreInstrumentation(system: "postgresql", factory: metricsFactory)
  }

  /// A view of the same database restricted to `departments`.
  private init(sharing store: PostgresStore, scope: TicketScope) {
    client = store.client
    settings = store.settings
    logger = store.logger
    now = store.now
    calendar = store.calendar
    protocolYears = Mutex([])
    signals = store.signals
    instrumentation = store.instrumentation
    self.scope = store.scope.narrowed(by: scope)
  }

  public func restricted(to scope: TicketScope) -> any AtendeStore {
    PostgresStore(sharing: self, scope: scope)
  }

  /// Runs the connection pool until the task is cancelled (or the service group stops).
  public func run() async throws {
    await client.run()
  }

  /// Runs `body` with a store on `url` whose pool runs meanwhile, migrated first.
  public static func withStore<Result: Sendable>(
    url: String, logger: Logger, now: @escaping @Sendable () -> Date = Date.init,
    _ body: (PostgresStore) async throws -> Result
  ) async throws -> Result {
    try await PostgresStore(url: url, logger: logger, now: now).withRunning(body)
  }

  /// Runs `body` while this store's pool runs, after migrating the database; stops the
  /// pool when `body` returns.
  public func withRunning<Result: Sendable>(_ body: (PostgresStore) async throws -> Result) async throws -> Result {
    try await withPool(migrating: true, body)
  }

  /// Runs `body` while this store's pool runs, without touching the schema.
  func withoutMigrating<Result: Sendable>(_ body: (PostgresStore) async throws -> Result) async throws -> Result {
    try await withPool(migrating: false, body)
  }

  private func withPool<Result: Sendable>(
    migrating: Bool, _ body: (PostgresStore) async throws -> Result
  ) async throws -> Result {
    try await withThrowingTaskGroup(of: Void.self) { group in
      // Wait until the pool's task has started, so the first lease finds it running.
      let (started, starting) = AsyncStream<Void>.makeStream()
      group.addTask {
        starting.finish()
        try await self.run()
      }
      defer { group.cancelAll() }
      for await _ in started {}
      if migrating { try await migrate() }
      return try await body(self)
    }
  }

  // MARK: Transactions

  /// Runs `body` in one transaction on a pooled connection: committed when it returns,
  /// rolled back when it throws (its error is rethrown as is). Event readers of this
  /// process are signalled after a commit (unless `signalsEvents` is false: the
  /// transaction records no ticket event).
  func transaction<Result: Sendable>(
    signalsEvents: Bool = true, _ body: (PostgresConnection) async throws -> Result
  ) async throws -> Result {
    defer { if signalsEvents { signals.signal() } }
    return try await instrumentation.run(.write) { acquisition in
      try await client.withConnection { connection in
        acquisition.mark()
        try await connection.query("BEGIN", logger: logger)
        do {
          let result = try await body(connection)
          try await connection.query("COMMIT", logger: logger)
          return result
        } catch {
          _ = try? await connection.query("ROLLBACK", logger: logger)
          throw error
        }
      }
    }
  }

  /// Runs a read on a pooled connection (each statement sees committed data).
  @discardableResult
  func read<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
    try await instrumentation.run(.read) { acquisition in
      try await client.withConnection { connection in
        acquisition.mark()
        return try await body(connection)
      }
    }
  }

  // MARK: History

  func insertHistory(
    _ connection: PostgresConnection, table: String, owner: (column: String, id: Int64)?, _ entry: HistoryEntry
  ) async throws {
    var sql = SQL()
    var columns = ["at", "actor", "kind", "field", "old_value", "new_value", "note"]
    var values = [
      try sql.bind(entry.at.micros), try sql.bind(entry.actor), try sql.bind(entry.kind), try sql.bind(entry.field),
      try sql.bind(entry.oldValue), try sql.bind(entry.newValue), try sql.bind(entry.note),
    ]
    if let owner {
      columns.insert(owner.column, at: 0)
      values.insert(try sql.bind(owner.id), at: 0)
    }
    sql.append(
      "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(values.joined(separator: ", ")))")
    try await connection.query(sql.query, logger: logger)
  }

  /// History entries of one owner (or all), oldest first, with cursor paging by id.
  func history(
    table: String, owner: (column: String, id: Int64)?, kind: String, page: PageRequest
  ) async throws -> Page<HistoryEntry> {
    let filter = PageToken.fingerprint("\(table)|\(owner.map { "\($0.id)" } ?? "")|\(kind)")
    let token = try PageToken.decode(page.token, filter: filter, keys: 1)
    var sql = SQL()
    var conditions: [String] = []
    if let owner { conditions.append("\(owner.column) = \(try sql.bind(owner.id))") }
    if !kind.isEmpty { conditions.append("kind = \(try sql.bind(kind))") }
    if let after = token?.after.first.flatMap({ Int64($0) }) { conditions.append("id > \(try sql.bind(after))") }
    let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
    sql.append("SELECT * FROM \(table) \(whereClause) ORDER BY id LIMIT \(try sql.bind(Int64(page.size + 1)))")
    let query = sql.query
    let entries = try await read { connection in
      try await connection.query(query, logger: logger).collect().map { try Rows.history($0.makeRandomAccess()) }
    }
    return Page.cut(entries, size: page.size, filter: filter) { [String($0.id)] }
  }
}

/// What a `postgres://` URL says.
struct ConnectionSettings: Sendable {
  var host: String
  var port: Int
  var username: String
  var password: String?
  var database: String?
  var tls: PostgresClient.Configuration.TLS
  var tlsMode: TLSMode
  var maximumConnections: Int

  enum TLSMode: Sendable { case disable, prefer, require }

  init(url: String) throws {
    guard let components = URLComponents(string: url),
      components.scheme == "postgres" || components.scheme == "postgresql",
      let host = components.host, !host.isEmpty
    else {
      throw PostgresStoreError.invalidURL("expected postgres://user[:password]@host[:port]/database")
    }
    self.host = host
    port = components.port ?? 5432
    username = components.user ?? "postgres"
    password = components.password
    let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
    database = path.isEmpty ? nil : path
    var tls = PostgresClient.Configuration.TLS.prefer(.makeClientConfiguration())
    tlsMode = .prefer
    maximumConnections = 20
    for item in components.queryItems ?? [] {
      switch (item.name, item.value ?? "") {
      case ("sslmode", "disable"):
        tls = .disable
        tlsMode = .disable
      case ("sslmode", "prefer"), ("sslmode", "allow"):
        tls = .prefer(.makeClientConfiguration())
        tlsMode = .prefer
      case ("sslmode", "require"), ("sslmode", "verify-full"):
        tls = .require(.makeClientConfiguration())
        tlsMode = .require
      case ("pool_max", let value):
        guard let count = Int(value), count > 0 else {
          throw PostgresStoreError.invalidURL("pool_max must be a positive number, not \(value)")
        }
        maximumConnections = count
      default:
        throw PostgresStoreError.invalidURL("unsupported parameter \(item.name)=\(item.value ?? "")")
      }
    }
    self.tls = tls
  }

  /// The settings of a single connection outside the pool.
  func connectionConfiguration() throws -> PostgresConnection.Configuration {
    let connectionTLS: PostgresConnection.Configuration.TLS =
      switch tlsMode {
      case .disable: .disable
      case .prefer: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
      case .require: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
      }
    return PostgresConnection.Configuration(
      host: host, port: port, username: username, password: password, database: database, tls: connectionTLS)
  }
}

/// A PostgreSQL store that cannot start.
public enum PostgresStoreError: Error, CustomStringConvertible {
  /// The database URL cannot be used; the reason says why.
  case invalidURL(String)
  /// A rule kept reading reference data the store had not loaded (a defect).
  case ruleReadsTooMuch

  public var description: String {
    switch self {
    case .invalidURL(let reason): "invalid PostgreSQL URL: \(reason)"
    case .ruleReadsTooMuch: "a domain rule read more reference data than the store loads for one change"
    }
  }
}

/// SQL text with its parameters, numbered `$1`, `$2`… in the order they are bound.
struct SQL {
  private(set) var text = ""
  private var bindings = PostgresBindings()
  private var count = 0

  init(_ text: String = "") {
    self.text = text
  }

  mutating func append(_ sql: String) {
    text += sql
  }

  /// Binds `value` and returns its placeholder.
  mutating func bind<Value: PostgresThrowingDynamicTypeEncodable>(_ value: Value) throws -> String {
    try bindings.append(value)
    count += 1
    return "$\(count)"
  }

  /// Binds `value` (NULL when nil) and returns its placeholder.
  mutating func bind<Value: PostgresThrowingDynamicTypeEncodable>(_ value: Value?) throws -> String {
    try bindings.append(value)
    count += 1
    return "$\(count)"
  }

  /// Binds NULL of no declared type (the column's type applies) and returns its placeholder.
  mutating func bindNull() -> String {
    bindings.appendNull()
    count += 1
    return "$\(count)"
  }

  var query: PostgresQuery { PostgresQuery(unsafeSQL: text, binds: bindings) }
}

extension PSQLError {
  /// The SQLSTATE code the server sent, if it sent one.
  var sqlState: String? { serverInfo?[.sqlState] }
}

// MARK: - Migrations

extension PostgresStore {
  /// Every migration this version knows, in order.
  public static var migrationNames: [String] { PostgresSchema.migrations.map(\.name) }

  /// Applies the migrations the database lacks (one transaction, under an advisory lock
  /// shared by every server); returns the names applied now.
  @discardableResult
  public func migrate() async throws -> [String] {
    try await transaction { connection in try await PostgresSchema.migrate(connection, logger: logger) }
  }

  /// The number of tables in the database's public schema (0: an empty database).
  func tableCount() async throws -> Int {
    try await read { connection in
      var count = 0
      for try await value in try await connection.query(
        "SELECT count(*)::int8 FROM information_schema.tables WHERE table_schema = 'public'", logger: logger
      ).decode(Int64.self) {
        count = Int(value)
      }
      return count
    }
  }

  /// The migrations applied to the database, sorted.
  public func appliedMigrations() async throws -> [String] {
    try await read { connection in try await PostgresSchema.appliedNames(connection, logger: logger).sorted() }
  }
}
