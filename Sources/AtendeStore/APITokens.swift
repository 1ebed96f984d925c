public import Foundation

/// An API token as stored: everything but the token itself, of which only a SHA-256
/// digest is kept.
public struct APITokenRecord: Sendable, Hashable {
  /// The token's public id (also part of the token), for listing and revoking.
  public var id: String
  /// Who the token is for, e.g. "billing"; also what the history records.
  public var name: String
  /// SHA-256 of the whole token, lower-case hex.
  public var secretDigest: String
  /// The scopes it grants.
  public var scopes: [String]
  /// The departments it is restricted to; nil = every department.
  public var departments: [Int64]?
  /// The branches it is restricted to; nil = every branch.
  public var branches: [Int64]?
  public var createdAt: Date
  /// When it stops working; nil = never.
  public var expiresAt: Date?
  /// When a call last used it (updated at most once a minute).
  public var lastUsedAt: Date?
  /// When it was revoked; nil = it was not.
  public var revokedAt: Date?

  public init(
    id: String, name: String, secretDigest: String, scopes: [String], departments: [Int64]?,
    branches: [Int64]? = nil, createdAt: Date, expiresAt: Date?, lastUsedAt: Date? = nil, revokedAt: Date? = nil
  ) {
    self.id = id
    self.name = name
    self.secretDigest = secretDigest
    self.scopes = scopes
    self.departments = departments
    self.branches = branches
    self.createdAt = createdAt
    self.expiresAt = expiresAt
    self.lastUsedAt = lastUsedAt
    self.revokedAt = revokedAt
  }
}

/// Where API tokens are kept: the server's admin commands mint, list and revoke them;
/// the server looks them up by digest.
public protocol APITokenStore: Sendable {
  /// Stores a new token; its id must be new.
  func insertAPIToken(_ token: APITokenRecord) async throws
  /// The token whose whole-token digest is `secretDigest`, revoked or not, or nil.
  func apiToken(secretDigest: String) async throws -> APITokenRecord?
  /// Every token, oldest first.
  func apiTokens() async throws -> [APITokenRecord]
  /// Revokes the tokens whose id or name is `idOrName` (at `date`); returns them.
  /// Tokens revoked already keep their first revocation time.
  func revokeAPITokens(idOrName: String, at date: Date) async throws -> [APITokenRecord]
  /// Records that token `id` was used at `date`.
  func recordAPITokenUse(id: String, at date: Date) async throws
}
