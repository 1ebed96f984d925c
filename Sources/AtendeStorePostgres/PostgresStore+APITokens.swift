public import AtendeStore
public import Foundation
internal import PostgresNIO

extension PostgresStore: APITokenStore {
  public func insertAPIToken(_ token: APITokenRecord) async throws {
    try await read { connection in
      try await connection.query(
        """
        INSERT INTO api_token (id, name, secret_digest, scopes, departments, branches, created_at, expires_at,
          last_used_at, revoked_at)
        VALUES (\(token.id), \(token.name), \(token.secretDigest), \(token.scopes), \(token.departments), \(token.branches),
          \(token.createdAt.micros), \(token.expiresAt?.micros), \(token.lastUsedAt?.micros),
          \(token.revokedAt?.micros))
        """, logger: logger)
    }
  }

  public func apiToken(secretDigest: String) async throws -> APITokenRecord? {
    try await read { connection in
      try await connection.query("SELECT * FROM api_token WHERE secret_digest = \(secretDigest)", logger: logger)
        .collect().first.map { try Rows.apiToken($0.makeRandomAccess()) }
    }
  }

  public func apiTokens() async throws -> [APITokenRecord] {
    try await read { connection in
      try await connection.query("SELECT * FROM api_token ORDER BY created_at, id", logger: logger).collect().map {
        try Rows.apiToken($0.makeRandomAccess())
      }
    }
  }

  public func revokeAPITokens(idOrName: String, at date: Date) async throws -> [APITokenRecord] {
    try await transaction { connection in
      // Tokens revoked already keep their first revocation time.
      try await connection.query(
        """
        UPDATE api_token SET revoked_at = \(date.micros)
        WHERE (id = \(idOrName) OR name = \(idOrName)) AND revoked_at IS NULL
        """, logger: logger)
      return try await connection.query(
        "SELECT * FROM api_token WHERE id = \(idOrName) OR name = \(idOrName) ORDER BY created_at, id",
        logger: logger
      ).collect().map { try Rows.apiToken($0.makeRandomAccess()) }
    }
  }

  public func recordAPITokenUse(id: String, at date: Date) async throws {
    try await read { connection in
      try await connection.query("UPDATE api_token SET last_used_at = \(date.micros) WHERE id = \(id)", logger: logger)
    }
  }
}
