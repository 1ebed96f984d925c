public import AtendeStore
import AtendeStorePostgres
public import CoreMetrics
public import Foundation
import Logging
import PostgresNIO

/// The storage engines a contract test runs on: SQLite always; PostgreSQL when
/// `ATENDE_TEST_POSTGRES_URL` names a database the tests may create databases beside
/// (`scripts/test.sh` starts a throwaway cluster and sets it).
public enum Engine: String, CaseIterable, CustomStringConvertible, Sendable {
  case sqlite
  case postgres

  public static var postgresURL: String? {
    ProcessInfo.processInfo.environment["ATENDE_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
  }

  /// SQLite, and PostgreSQL when a test cluster is configured; `ATENDE_TEST_ENGINES`
  /// (`sqlite`, `postgres` or both, comma-separated) narrows the list. With
  /// `ATENDE_REQUIRE_POSTGRES=1` (scripts/test.sh), a missing cluster is an error rather
  /// than a skipped engine.
  public static var available: [Engine] {
    let environment = ProcessInfo.processInfo.environment
    precondition(
      environment["ATENDE_REQUIRE_POSTGRES"] != "1" || postgresURL != nil,
      "ATENDE_REQUIRE_POSTGRES=1 but ATENDE_TEST_POSTGRES_URL is not set")
    var engines: [Engine] = postgresURL != nil ? [.sqlite, .postgres] : [.sqlite]
    if let chosen = environment["ATENDE_TEST_ENGINES"], !chosen.isEmpty {
      let names = Set(chosen.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
      engines = engines.filter { names.contains($0.rawValue) }
    }
    return engines
  }

  public var description: String { rawValue }
}

/// What both stores implement.
public typealias ContractStore = AtendeStore & APITokenStore & WebhookStore

/// Runs `body` with an empty, migrated store of `engine`: an in-memory SQLite database
/// (a file, with its pool of connections, when `onDisk`), or a new PostgreSQL database
/// dropped afterwards. Its transactions' metrics go to `metricsFactory` (nil: none).
public func withStore<Result: Sendable>(
  _ engine: Engine, onDisk: Bool = false, now: @escaping @Sendable () -> Date = Date.init,
  metricsFactory: (any MetricsFactory)? = nil, _ body: (any ContractStore) async throws -> Result
) async throws -> Result {
  switch engine {
  case .sqlite where onDisk:
    return try await withTemporaryDirectory { directory in
      try await body(SQLiteStore(path: directory + "/atende.sqlite", now: now, metricsFactory: metricsFactory))
    }
  case .sqlite:
    return try await body(SQLiteStore.inMemory(now: now, metricsFactory: metricsFactory))
  case .postgres:
    return try await withPostgresDatabase { url in
      try await PostgresStore(url: url, logger: Logger(label: "test"), now: now, metricsFactory: metricsFactory)
        .withRunning { store in
          try await body(store)
        }
    }
  }
}

/// Creates a database of its own on the test cluster, runs `body` with its URL, drops it.
public func withPostgresDatabase<Result: Sendable>(_ body: (String) async throws -> Result) async throws -> Result {
  guard let base = Engine.postgresURL else { throw TestDatabaseError("ATENDE_TEST_POSTGRES_URL is not set") }
  let name = "atende_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
  try await administer(base, "CREATE DATABASE \(name)")
  guard var components = URLComponents(string: base) else { throw TestDatabaseError("not a URL: \(base)") }
  components.path = "/" + name
  if !(components.queryItems ?? []).contains(where: { $0.name == "sslmode" }) {
    components.queryItems = (components.queryItems ?? []) + [URLQueryItem(name: "sslmode", value: "disable")]
  }
  guard let url = components.string else { throw TestDatabaseError("not a URL: \(components)") }
  do {
    let result = try await body(url)
    try await administer(base, "DROP DATABASE \(name) WITH (FORCE)")
    return result
  } catch {
    try? await administer(base, "DROP DATABASE \(name) WITH (FORCE)")
    throw error
  }
}

/// Runs one SQL statement on the database at `url` (for tests that age or break rows).
public func execute(_ statement: String, on url: String) async throws {
  try await administer(url, statement)
}

/// Runs one statement on the cluster's database at `url` (CREATE/DROP DATABASE).
private func administer(_ url: String, _ statement: String) async throws {
  guard let components = URLComponents(string: url), let host = components.host else {
    throw TestDatabaseError("not a URL: \(url)")
  }
  let configuration = PostgresConnection.Configuration(
    host: host, port: components.port ?? 5432, username: components.user ?? "postgres",
    password: components.password, database: String(components.path.dropFirst()), tls: .disable)
  let connection = try await PostgresConnection.connect(
    configuration: configuration, id: 1, logger: Logger(label: "test-admin"))
  do {
    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: Logger(label: "test-admin"))
    try await connection.close()
  } catch {
    try? await connection.close()
    throw error
  }
}

/// The test cluster cannot be used.
struct TestDatabaseError: Error, CustomStringConvertible {
  var description: String

  init(_ description: String) {
    self.description = description
  }
}

/// A temporary directory removed at the end of `body`.
public func withTemporaryDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
  let path = NSTemporaryDirectory() + "atende-tests-" + UUID().uuidString
  try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(atPath: path) }
  return try await body(path)
}
