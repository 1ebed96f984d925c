public import Foundation
internal import GRDB

/// A row of `api_token`.
private struct APITokenRow: Codable, FetchableRecord, PersistableRecord {
  static let databaseTableName = "api_token"

  var id: String
  var name: String
  var secretDigest: String
  /// Space-separated.
  var scopes: String
  /// Comma-separated; NULL = every department.
  var departments: String?
  /// Comma-separated; NULL = every branch.
  var branches: String?
  var createdAt: Int64
  var expiresAt: Int64?
  var lastUsedAt: Int64?
  var revokedAt: Int64?

  static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
  static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

  init(_ token: APITokenRecord) {
    id = token.id
    name = token.name
    secretDigest = token.secretDigest
    scopes = token.scopes.joined(separator: " ")
    departments = token.departments.map { $0.map(String.init).joined(separator: ",") }
    branches = token.branches.map { $0.map(String.init).joined(separator: ",") }
    createdAt = token.createdAt.micros
    expiresAt = token.expiresAt?.micros
    lastUsedAt = token.lastUsedAt?.micros
    revokedAt = token.revokedAt?.micros
  }

  var record: APITokenRecord {
    APITokenRecord(
      id: id, name: name, secretDigest: secretDigest, scopes: scopes.split(separator: " ").map(String.init),
      departments: departments.map { $0.split(separator: ",").compactMap { Int64($0) } },
      branches: branches.map { $0.split(separator: ",").compactMap { Int64($0) } },
      createdAt: Date(micros: createdAt), expiresAt: expiresAt.map(Date.init(micros:)),
      lastUsedAt: lastUsedAt.map(Date.init(micros:)), revokedAt: revokedAt.map(Date.init(micros:)))
  }
}

extension SQLiteStore: APITokenStore {
  public func insertAPIToken(_ token: APITokenRecord) async throws {
    try await write { db in try APITokenRow(token).insert(db) }
  }

  public func apiToken(secretDigest: String) async throws -> APITokenRecord? {
    try await read { db in
      try APITokenRow.filter(Column("secret_digest") == secretDigest).fetchOne(db)?.record
    }
  }

  public func apiTokens() async throws -> [APITokenRecord] {
    try await read { db in
      try APITokenRow.order(Column("created_at"), Column("id")).fetchAll(db).map(\.record)
    }
  }

  public func revokeAPITokens(idOrName: String, at date: Date) async throws -> [APITokenRecord] {
    try await write { db in
      let matching = try APITokenRow.filter(Column("id") == idOrName || Column("name") == idOrName).fetchAll(db)
      return try matching.map { row in
        var row = row
        if row.revokedAt == nil {
          row.revokedAt = date.micros
          try row.update(db)
        }
        return row.record
      }
    }
  }

  public func recordAPITokenUse(id: String, at date: Date) async throws {
    try await write { db in
      try db.execute(sql: "UPDATE api_token SET last_used_at = ? WHERE id = ?", arguments: [date.micros, id])
    }
  }
}
