public import AtendeDomain
public import CoreMetrics
public import Foundation
internal import GRDB

/// The embedded store: one SQLite file (WAL mode) through GRDB on the system's
/// libsqlite3, or an in-memory database for tests.
public final class SQLiteStore: AtendeStore {
  let writer: any DatabaseWriter
  let now: @Sendable () -> Date
  let calendar: Calendar
  /// The departments whose tickets this view of the store may reach; nil = all
  /// (``restricted(to:)``).
  let scope: TicketScope
  /// Wakes the event log's readers after a change is committed.
  let signals: EventSignals
  /// Times and traces transactions.
  let instrumentation: StoreInstrumentation

  /// Opens (creating if needed) the database at `path` and migrates it. Its transactions'
  /// timings are recorded with `metricsFactory` (nil: the process's `MetricsSystem`).
  public convenience init(
    path: String, now: @escaping @Sendable () -> Date = Date.init, metricsFactory: (any MetricsFactory)? = nil
  ) throws {
    let directory = (path as NSString).deletingLastPathComponent
    if !directory.isEmpty {
      try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }
    try self.init(
      writer: DatabasePool(path: path, configuration: Self.configuration()), now: now, metricsFactory: metricsFactory)
  }

  /// A private in-memory database with the production schema and configuration.
  public static func inMemory(
    now: @escaping @Sendable () -> Date = Date.init, metricsFactory: (any MetricsFactory)? = nil
  ) throws -> SQLiteStore {
    try SQLiteStore(writer: DatabaseQueue(configuration: configuration()), now: now, metricsFactory: metricsFactory)
  }

  init(
    writer: any DatabaseWriter, now: @escaping @Sendable () -> Date, migrateUpTo target: String? = nil,
    metricsFactory: (any MetricsFactory)? = nil
  ) throws {
    self.writer = writer
    self.scope = .everything
    signals = EventSignals()
    instrumentation = StoreInstrumentation(system: "sqlite", factory: metricsFactory)
    // Timestamps are stored in microseconds: round here so values read back equal.
    self.now = { Date(micros: now().micros) }
    calendar = .protocolCalendar
    if let target {
      try Schema.migrator.migrate(writer, upTo: target)
    } else {
      try Schema.migrator.migrate(writer)
    }
  }

  /// A view of the same database restricted to `departments`.
  private init(sharing store: SQLiteStore, scope: TicketScope) {
    writer = store.writer
    signals = store.signals
    instrumentation = store.instrumentation
    now = store.now
    calendar = store.calendar
    self.scope = store.scope.narrowed(by: scope)
  }

  public func restricted(to scope: TicketScope) -> any AtendeStore {
    SQLiteStore(sharing: self, scope: scope)
  }

  static func configuration() -> Configuration {
    var configuration = Configuration()
    configuration.foreignKeysEnabled = true
    configuration.busyMode = .timeout(10)
    configuration.prepareDatabase { db in
      try db.execute(sql: "PRAGMA synchronous = NORMAL")
      // Unicode lower case (SQLite's lower() and NOCASE fold ASCII only): subject names
      // are unique regardless of case, accented letters included, as on PostgreSQL.
      db.add(
        function: DatabaseFunction("unicode_lower", argumentCount: 1, pure: true) { values in
          String.fromDatabaseValue(values[0])?.lowercased()
        })
    }
    return configuration
  }

  /// The migrations applied to the database, in order.
  public func appliedMigrations() async throws -> [String] {
    try await read { db in try Schema.migrator.appliedIdentifiers(db).sorted() }
  }

  /// Every migration this version knows, in order.
  public static var migrationNames: [String] { Schema.migrationNames }

  // MARK: Helpers

  func insertHistory(_ db: Database, table: String, owner: (column: String, id: Int64)?, _ entry: HistoryEntry) throws {
    var columns = ["at", "actor", "kind", "field", "old_value", "new_value", "note"]
    var values: [(any DatabaseValueConvertible)?] = [
      entry.at.micros, entry.actor, entry.kind, entry.field, entry.oldValue, entry.newValue, entry.note,
    ]
    if let owner {
      columns.insert(owner.column, at: 0)
      values.insert(owner.id, at: 0)
    }
    try db.execute(
      sql:
        "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))",
      arguments: StatementArguments(values))
  }

  /// History entries of one owner (or all), oldest first, with cursor paging by id.
  func history(
    table: String, owner: (column: String, id: Int64)?, kind: String, page: PageRequest
  ) async throws -> Page<HistoryEntry> {
    let filter = PageToken.fingerprint("\(table)|\(owner.map { "\($0.id)" } ?? "")|\(kind)")
    let token = try PageToken.decode(page.token, filter: filter, keys: 1)
    return try await read { db in
      var conditions: [String] = []
      var arguments: [(any DatabaseValueConvertible)?] = []
      if let owner {
        conditions.append("\(owner.column) = ?")
        arguments.append(owner.id)
      }
      if !kind.isEmpty {
        conditions.append("kind = ?")
        arguments.append(kind)
      }
      if let after = token?.after.first.flatMap({ Int64($0) }) {
        conditions.append("id > ?")
        arguments.append(after)
      }
      let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
      arguments.append(page.size + 1)
      let rows = try Row.fetchAll(
        db, sql: "SELECT * FROM \(table) \(whereClause) ORDER BY id LIMIT ?", arguments: StatementArguments(arguments))
      return Self.page(rows.map(Rows.history), size: page.size, filter: filter) { [String($0.id)] }
    }
  }

  /// The first `size` items and a token for the rest, from `size + 1` fetched items.
  static func page<Item>(_ items: [Item], size: Int, filter: String, key: (Item) -> [String]) -> Page<Item> {
    Page.cut(items, size: size, filter: filter, key: key)
  }

  static func requireVersion(_ expected: Int64, current: Int64, what: String) throws(DomainError) {
    try Versioning.check(expected, current: current, what: what)
  }
}

// MARK: - Ticket events

extension SQLiteStore {
  /// Records `event` in the transaction of its change; readers are signalled by
  /// ``write(_:)`` once it commits.
  func record(_ db: Database, _ event: TicketChangeEvent) throws {
    try db.cachedStatement(
      sql: "INSERT INTO ticket_event (ticket_id, kind, actor, at, fields, ticket) VALUES (?, ?, ?, ?, ?, ?)"
    ).execute(arguments: [
      event.ticket.id, event.kind.rawValue, event.actor, event.at.micros, event.fields.joined(separator: ","),
      try TicketChangeEvent.encode(event.ticket),
    ])
  }

  /// A write transaction that may record events: their readers are signalled after it
  /// commits (unless `signalsEvents` is false: the transaction records no ticket event).
  func write<Result: Sendable>(
    signalsEvents: Bool = true, _ body: @Sendable (Database) throws -> Result
  ) async throws -> Result {
    let result = try await instrumentation.run(.write) { acquisition in
      try await writer.write { db in
        acquisition.mark()
        return try body(db)
      }
    }
    if signalsEvents { signals.signal() }
    return result
  }

  /// A read transaction (a snapshot of committed data).
  func read<Result: Sendable>(_ body: @Sendable (Database) throws -> Result) async throws -> Result {
    try await instrumentation.run(.read) { acquisition in
      try await writer.read { db in
        acquisition.mark()
        return try body(db)
      }
    }
  }

  public func events(after sequence: Int64, limit: Int) async throws -> [TicketChangeEvent] {
    try await read { db in
      try Row.fetchAll(
        db.cachedStatement(sql: "SELECT * FROM ticket_event WHERE id > ? ORDER BY id LIMIT ?"),
        arguments: [sequence, limit]
      ).map { row in
        let fields: String = row["fields"]
        return TicketChangeEvent(
          sequence: row["id"], kind: TicketChangeEvent.Kind(rawValue: row["kind"]) ?? .changed,
          ticket: try TicketChangeEvent.decode(row["ticket"]), actor: row["actor"], at: row.date("at"),
          fields: fields.isEmpty ? [] : fields.split(separator: ",").map(String.init))
      }
    }
  }

  public func lastEventSequence() async throws -> Int64 {
    try await read { db in try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM ticket_event") ?? 0 }
  }

  public func eventSignals() -> AsyncStream<Void> { signals.stream() }
}

// MARK: - General parameters

extension SQLiteStore {
  public func parameters() async throws -> GeneralParameters {
    try await read { db in try DatabaseLookup(db: db).parameters() }
  }

  public func updateParameters(expectedVersion: Int64, subjectRequired: Bool?, actor: String) async throws
    -> GeneralParameters
  {
    let now = self.now()
    return try await write { db in
      let current = try DatabaseLookup(db: db).parameters()
      guard
        let (next, entry) = try ParameterRules.update(
          current, expectedVersion: expectedVersion, subjectRequired: subjectRequired, actor: actor, now: now)
      else { return current }
      try db.execute(
        sql:
          "UPDATE general_parameters SET subject_required = ?, version = ?, updated_at = ?, updated_by = ? WHERE id = 1",
        arguments: [next.subjectRequired, next.version, next.updatedAt.micros, actor])
      try self.insertHistory(db, table: "parameter_history", owner: nil, entry)
      return next
    }
  }

  public func parameterHistory(kind: String, page: PageRequest) async throws -> Page<HistoryEntry> {
    try await history(table: "parameter_history", owner: nil, kind: kind, page: page)
  }
}
