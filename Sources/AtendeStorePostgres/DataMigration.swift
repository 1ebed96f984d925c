public import AtendeStore
internal import Crypto
internal import Foundation
internal import PostgresNIO

/// What `importData(from:)` copied and checked, per table.
public struct DataMigrationReport: Sendable {
  public struct Table: Sendable {
    public var name: String
    /// Rows in the SQLite file.
    public var rows: Int
    /// Rows written now (0 for a table copied by an earlier run).
    public var copied: Int
    /// SHA-256 over the table's rows in key order, equal on both sides.
    public var checksum: String
  }

  public var tables: [Table] = []
}

/// A copy that does not match its source.
public struct DataMigrationError: Error, CustomStringConvertible {
  public var description: String
}

extension PostgresStore {
  /// Copies every row of `source` into this database, then checks that each table holds
  /// the same rows on both sides (count and SHA-256 in key order).
  ///
  /// Ids are kept. Rows already present (same key) are left as they are, so a run that
  /// failed half-way can be run again; a row that exists with other values is reported
  /// by the check. Identity sequences and the yearly protocol sequences continue after
  /// the copied values. `progress` hears each table as it is done.
  public func importData(
    from source: SQLiteStore, batchSize: Int = 500,
    progress: @Sendable (DataMigrationReport.Table) -> Void = { _ in }
  ) async throws -> DataMigrationReport {
    var report = DataMigrationReport()
    // The parameters row the schema starts with gives way to the copied one, unless a
    // server has changed it already.
    try await read { connection in
      try await connection.query(
        """
        DELETE FROM general_parameters
        WHERE id = 1 AND version = 1 AND updated_by = 'system' AND updated_at = 0
          AND NOT EXISTS (SELECT 1 FROM parameter_history)
        """, logger: logger)
    }
    for table in SQLiteStore.exportedTables {
      report.tables.append(
        try await explained("table \(table.name)") { try await copy(table, from: source, batchSize: batchSize) })
      progress(report.tables[report.tables.count - 1])
    }
    try await explained("the sequences") { try await continueSequences() }
    try await explained("the search text") {
      try await transaction { connection in
        // The conversation's text for the search, as messages added one by one build it.
        try await connection.query(
          """
          UPDATE ticket t SET messages_text = m.text
          FROM (SELECT ticket_id, string_agg(' ' || text, '' ORDER BY id) AS text FROM ticket_message GROUP BY ticket_id) m
          WHERE m.ticket_id = t.id AND t.messages_text <> m.text
          """, logger: logger)
      }
    }
    return report
  }

  /// Runs `body`, turning a PostgreSQL error into one that says what failed and why
  /// (postgres-nio hides the server's message from `description`).
  private func explained<Result>(_ what: String, _ body: () async throws -> Result) async throws -> Result {
    do {
      return try await body()
    } catch let error as PSQLError {
      let message = error.serverInfo?[.message] ?? "\(error.code)"
      let detail = error.serverInfo?[.detail].map { " (\($0))" } ?? ""
      throw DataMigrationError(description: "\(what): PostgreSQL refused: \(message)\(detail)")
    }
  }

  /// Copies the rows of `table` missing in this database, then compares both sides.
  private func copy(_ table: ExportedTable, from source: SQLiteStore, batchSize: Int) async throws
    -> DataMigrationReport.Table
  {
    let columns = try await columnTypes(table.name)
    let sourceColumns = try await source.exportColumns(of: table).filter { columns[$0] != nil }
    var copied = 0
    var after: [ExportValue]?
    while true {
      let rows = try await source.exportRows(of: table, columns: sourceColumns, after: after, limit: batchSize)
      guard let last = rows.last else { break }
      copied += try await insert(rows, into: table, columns: sourceColumns, types: columns)
      after = table.key.map { last[sourceColumns.firstIndex(of: $0)!] }
      if rows.count < batchSize { break }
    }
    let (sourceRows, sourceDigest) = try await digest(table, columns: sourceColumns) { after, limit in
      try await source.exportRows(of: table, columns: sourceColumns, after: after, limit: limit)
    }
    let (targetRows, targetDigest) = try await digest(table, columns: sourceColumns) { after, limit in
      try await self.rows(of: table, columns: sourceColumns, types: columns, after: after, limit: limit)
    }
    guard sourceRows == targetRows, sourceDigest == targetDigest else {
      throw DataMigrationError(
        description:
          "table \(table.name) differs after the copy: \(sourceRows) rows in the SQLite file, \(targetRows) in "
          + "PostgreSQL (checksums \(sourceDigest.prefix(12)) and \(targetDigest.prefix(12))); the database "
          + "held other data before: migrate into an empty database")
    }
    return DataMigrationReport.Table(name: table.name, rows: sourceRows, copied: copied, checksum: sourceDigest)
  }

  /// The columns of `table` this schema writes (generated ones left out), with their types.
  private func columnTypes(_ table: String) async throws -> [String: String] {
    try await read { connection in
      var types: [String: String] = [:]
      for try await (name, type, udt) in try await connection.query(
        """
        SELECT column_name, data_type, udt_name FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = \(table) AND is_generated = 'NEVER'
          AND column_name <> 'messages_text'
        """, logger: logger
      ).decode((String, String, String).self) {
        types[name] = type == "ARRAY" ? udt : type
      }
      // A ticket's tags are a JSON array in SQLite.
      if table == "ticket" && types["tags"] != nil { types["tags"] = "tags" }
      return types
    }
  }

  private func insert(
    _ rows: [[ExportValue]], into table: ExportedTable, columns: [String], types: [String: String]
  ) async throws -> Int {
    var sql = SQL()
    var tuples: [String] = []
    for row in rows {
      var values: [String] = []
      for (index, column) in columns.enumerated() {
        values.append(try sql.bind(row[index], as: types[column] ?? "text"))
      }
      tuples.append("(\(values.joined(separator: ", ")))")
    }
    sql.append(
      "INSERT INTO \(table.name) (\(columns.joined(separator: ", "))) OVERRIDING SYSTEM VALUE VALUES "
        + "\(tuples.joined(separator: ", ")) ON CONFLICT DO NOTHING RETURNING 1")
    let query = sql.query
    return try await read { connection in try await connection.query(query, logger: logger).collect().count }
  }

  /// Rows of `table` after the key `after`, in key order, as the SQLite export gives them.
  private func rows(
    of table: ExportedTable, columns: [String], types: [String: String], after: [ExportValue]?, limit: Int
  ) async throws -> [[ExportValue]] {
    var sql = SQL()
    var condition = ""
    if let after {
      for index in table.key.indices.reversed() {
        let column = table.key[index]
        let value = try sql.bind(after[index], as: types[column] ?? "text")
        condition =
          condition.isEmpty
          ? "\(column) > \(value)" : "(\(column) > \(value) OR (\(column) = \(value) AND \(condition)))"
      }
    }
    sql.append(
      "SELECT \(columns.joined(separator: ", ")) FROM \(table.name) \(condition.isEmpty ? "" : "WHERE \(condition)") "
        + "ORDER BY \(table.key.joined(separator: ", ")) LIMIT \(limit)")
    let query = sql.query
    return try await read { connection in
      try await connection.query(query, logger: logger).collect().map { row in
        let row = row.makeRandomAccess()
        return try columns.map { column in try ExportValue(row[column], type: types[column] ?? "text") }
      }
    }
  }

  /// The number of rows of `table` and a SHA-256 over them in key order.
  private func digest(
    _ table: ExportedTable, columns: [String],
    _ page: ([ExportValue]?, Int) async throws -> [[ExportValue]]
  ) async throws -> (Int, String) {
    var hash = SHA256()
    var count = 0
    var after: [ExportValue]?
    while true {
      let rows = try await page(after, 1000)
      for row in rows {
        hash.update(data: Data(row.map(\.canonical).joined(separator: "\u{1F}").utf8 + [0x1E]))
      }
      count += rows.count
      guard let last = rows.last, rows.count == 1000 else { break }
      after = table.key.map { last[columns.firstIndex(of: $0)!] }
    }
    return (count, hash.finalize().map { String(format: "%02x", $0) }.joined())
  }

  /// Identity columns and the yearly protocol sequences continue after the copied values.
  private func continueSequences() async throws {
    try await transaction { connection in
      for table in SQLiteStore.exportedTables where table.key == ["id"] {
        // Only tables whose ids the database assigns have a sequence (reference data
        // keeps the ERP's ids, API tokens their own).
        let sequence = try await connection.query(
          "SELECT pg_get_serial_sequence(\(table.name), 'id') AS name", logger: logger
        ).collect().first?.makeRandomAccess().value("name", as: String?.self)
        guard sequence != nil else { continue }
        try await connection.query(
          PostgresQuery(
            unsafeSQL: """
              SELECT setval(pg_get_serial_sequence('\(table.name)', 'id'), GREATEST(COALESCE(MAX(id), 0), 1),
                MAX(id) IS NOT NULL)
              FROM \(table.name)
              """), logger: logger)
      }
      let years = try await connection.query(
        """
        SELECT substr(protocol, 1, 4)::int AS year, MAX(substr(protocol, 5)::bigint) AS last
        FROM ticket GROUP BY 1
        """, logger: logger
      ).collect()
      for row in years {
        let row = row.makeRandomAccess()
        let year = try row.value("year", as: Int32.self)
        let last = try row.value("last", as: Int64.self)
        let name = "ticket_protocol_\(year)"
        try await connection.query(PostgresQuery(unsafeSQL: "CREATE SEQUENCE IF NOT EXISTS \(name)"), logger: logger)
        // Never backwards: a server may have numbered tickets already.
        try await connection.query(
          """
          SELECT setval(\(name)::regclass, GREATEST(\(last),
            (SELECT COALESCE(last_value, 0) FROM pg_sequences WHERE sequencename = \(name))))
          """, logger: logger)
      }
    }
  }
}

extension SQL {
  /// Binds an exported value as a column of PostgreSQL type `type` (booleans were 0/1,
  /// API token scopes space-separated text, departments comma-separated text).
  mutating func bind(_ value: ExportValue, as type: String) throws -> String {
    switch (value, type) {
    case (.null, _): return bindNull()
    case (.integer(let number), "boolean"): return try bind(number != 0)
    case (.integer(let number), "double precision"): return try bind(Double(number))
    case (.integer(let number), "integer"): return try bind(Int32(number))
    case (.integer(let number), _): return try bind(number)
    case (.real(let number), _): return try bind(number)
    case (.text(let text), "tags"): return try bind(TagList.decode(text))
    case (.text(let text), "_text"): return try bind(text.split(separator: " ").map(String.init))
    case (.text(let text), "_int8"): return try bind(text.split(separator: ",").compactMap { Int64($0) })
    case (.text(let text), _): return try bind(text)
    }
  }
}

extension ExportValue {
  /// The value of a PostgreSQL cell of type `type`, as SQLite holds it.
  init(_ cell: PostgresCell, type: String) throws {
    if cell.bytes == nil {
      self = .null
      return
    }
    switch type {
    case "boolean": self = .integer(try cell.decode(Bool.self) ? 1 : 0)
    case "bigint": self = .integer(try cell.decode(Int64.self))
    case "integer": self = .integer(Int64(try cell.decode(Int32.self)))
    case "double precision": self = .real(try cell.decode(Double.self))
    case "tags": self = .text(TagList.encode(try cell.decode([String].self)))
    case "_text": self = .text(try cell.decode([String].self).joined(separator: " "))
    case "_int8": self = .text(try cell.decode([Int64].self).map(String.init).joined(separator: ","))
    default: self = .text(try cell.decode(String.self))
    }
  }

  /// A text form for checksums: the same value gives the same text on both sides.
  var canonical: String {
    switch self {
    case .null: "\u{0}"
    case .integer(let number): "i\(number)"
    case .real(let number): "r\(number)"
    case .text(let text): "t\(text)"
    }
  }
}

extension PostgresStore {
  /// Copies into this database the attachment contents the file records of `source` use,
  /// read from `files` (the SQLite store's directory): each checked against its SHA-256
  /// as it is written; contents already here are read back and checked instead. Returns
  /// how many contents the records use and how many were copied now.
  public func importFileContents(of source: SQLiteStore, from files: FileStorage) async throws
    -> (total: Int, copied: Int)
  {
    let records = ExportedTable(name: "ticket_file", key: ["id"])
    var digests = Set<String>()
    var after: [ExportValue]?
    while true {
      let rows = try await source.exportRows(of: records, columns: ["id", "sha256"], after: after, limit: 1000)
      for row in rows { if case .text(let digest) = row[1] { digests.insert(digest) } }
      guard let last = rows.last, rows.count == 1000 else { break }
      after = [last[0]]
    }
    return try await importFileContents(digests.sorted(), from: files)
  }

  /// Copies into this database the contents its own file records use, from `files`: for a
  /// database whose servers kept attachment contents in a shared directory (before they
  /// moved into the database). Checked as ``importFileContents(of:from:)`` checks.
  public func importFileContents(from files: FileStorage) async throws -> (total: Int, copied: Int) {
    let digests = try await read { connection in
      try await connection.query("SELECT DISTINCT sha256 FROM ticket_file ORDER BY sha256", logger: logger)
        .collect().map { try $0.makeRandomAccess().value("sha256", as: String.self) }
    }
    return try await importFileContents(digests, from: files)
  }

  private func importFileContents(_ digests: [String], from files: FileStorage) async throws
    -> (total: Int, copied: Int)
  {
    let contents = fileContents
    var copied = 0
    for digest in digests {
      if try await contents.contains(sha256: digest) {
        var hasher = SHA256()
        try await contents.read(sha256: digest) { hasher.update(data: $0) }
        guard hasher.finalize().map({ String(format: "%02x", $0) }).joined() == digest else {
          throw DataMigrationError(description: "attachment \(digest) in the database does not match its SHA-256")
        }
        continue
      }
      let upload = try await contents.beginUpload()
      do {
        try await files.read(sha256: digest) { chunk in try await upload.append(chunk) }
        guard try await upload.commit(expectedSHA256: digest) != nil else {
          throw DataMigrationError(description: "attachment \(digest) in \(files.directory) does not match its SHA-256")
        }
        await upload.release()
        copied += 1
      } catch let missing as FileContentMissing {
        await upload.discard()
        throw DataMigrationError(description: "attachment \(missing.sha256) is not in \(files.directory)")
      } catch {
        await upload.discard()
        throw error
      }
    }
    return (digests.count, copied)
  }
}
