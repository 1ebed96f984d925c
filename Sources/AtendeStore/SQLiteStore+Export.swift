internal import GRDB

/// A value of an exported row, as SQLite stores it.
package enum ExportValue: Sendable, Hashable {
  case null
  case integer(Int64)
  case real(Double)
  case text(String)
}

/// A table every store holds, and how its rows are ordered for copying and comparing.
package struct ExportedTable: Sendable {
  package var name: String
  /// The columns rows are ordered by (a primary key).
  package var key: [String]

  package init(name: String, key: [String]) {
    self.name = name
    self.key = key
  }
}

extension SQLiteStore {
  /// Every table of the data, parents before children (foreign keys), as
  /// `atende-server migrate-data` copies them.
  package static let exportedTables: [ExportedTable] = [
    .init(name: "client", key: ["id"]),
    .init(name: "contract", key: ["id"]),
    .init(name: "login", key: ["id"]),
    .init(name: "structure", key: ["id"]),
    .init(name: "department", key: ["id"]),
    .init(name: "employee", key: ["id"]),
    .init(name: "employee_department", key: ["employee_id", "department_id"]),
    .init(name: "channel", key: ["id"]),
    .init(name: "complementary_status", key: ["id"]),
    .init(name: "branch", key: ["id"]),
    .init(name: "reference_history", key: ["id"]),
    .init(name: "subject", key: ["id"]),
    .init(name: "subject_history", key: ["id"]),
    .init(name: "sla_calendar", key: ["id"]),
    .init(name: "sla_policy", key: ["id"]),
    .init(name: "escalation_rule", key: ["id"]),
    .init(name: "general_parameters", key: ["id"]),
    .init(name: "parameter_history", key: ["id"]),
    .init(name: "api_token", key: ["id"]),
    .init(name: "ticket", key: ["id"]),
    .init(name: "ticket_history", key: ["id"]),
    .init(name: "ticket_message", key: ["id"]),
    .init(name: "ticket_contact", key: ["id"]),
    .init(name: "ticket_file", key: ["id"]),
    .init(name: "service_order", key: ["id"]),
    .init(name: "escalation_firing", key: ["ticket_id", "rule_id"]),
    .init(name: "ticket_link", key: ["id"]),
  ]

  /// The columns of `table`, in the schema's order.
  package func exportColumns(of table: ExportedTable) async throws -> [String] {
    try await read { db in try db.columns(in: table.name).map(\.name) }
  }

  /// Up to `limit` rows of `table` after the row whose key is `after` (nil: from the
  /// first), in key order, with the values of `columns`. All keys are integers but
  /// `api_token`'s, which is ordered by its text id.
  package func exportRows(
    of table: ExportedTable, columns: [String], after: [ExportValue]?, limit: Int
  ) async throws -> [[ExportValue]] {
    try await read { db in
      var sql = "SELECT \(columns.joined(separator: ", ")) FROM \(table.name)"
      var arguments: [(any DatabaseValueConvertible)?] = []
      if let after {
        // (a, b) > (x, y), as nested OR/AND.
        var condition = ""
        for index in table.key.indices.reversed() {
          let column = table.key[index]
          let value = after[index].databaseValue
          if condition.isEmpty {
            condition = "\(column) > ?"
            arguments = [value]
          } else {
            condition = "(\(column) > ? OR (\(column) = ? AND \(condition)))"
            arguments = [value, value] + arguments
          }
        }
        sql += " WHERE \(condition)"
      }
      sql += " ORDER BY \(table.key.joined(separator: ", ")) LIMIT \(limit)"
      return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map { row in
        columns.indices.map { index in
          switch row[index] as DatabaseValue {
          case let value where value.isNull: .null
          case let value:
            switch value.storage {
            case .int64(let number): .integer(number)
            case .double(let number): .real(number)
            case .string(let text): .text(text)
            case .blob(let data): .text(String(decoding: data, as: UTF8.self))
            case .null: .null
            }
          }
        }
      }
    }
  }
}

extension ExportValue {
  fileprivate var databaseValue: (any DatabaseValueConvertible)? {
    switch self {
    case .null: nil
    case .integer(let value): value
    case .real(let value): value
    case .text(let value): value
    }
  }
}
