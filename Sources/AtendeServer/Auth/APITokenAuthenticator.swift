internal import AtendeAPI
internal import AtendeStore
internal import Foundation
internal import Synchronization

/// Checks API tokens against the store, with a cache so that a call costs a dictionary
/// lookup rather than a query.
///
/// A cached token is read again from the store once `revalidateAfter` has passed since
/// its last read, so a token revoked by `atende-server token revoke` (another process)
/// stops working within that time; expiry is checked on every call. The last-use time is
/// written when a token is read again and its recorded use is older than a minute.
final class APITokenAuthenticator: Sendable {
  /// A checked token: immutable, so a cache hit copies one reference under the lock.
  private final class Entry: Sendable {
    /// The token's public id, for errors.
    let id: String
    let revoked: Bool
    let expiresAt: Date?
    let authenticated: Authenticated
    let readAt: Date

    init(record: APITokenRecord, authenticated: Authenticated, readAt: Date) {
      self.id = record.id
      self.revoked = record.revokedAt != nil
      self.expiresAt = record.expiresAt
      self.authenticated = authenticated
      self.readAt = readAt
    }
  }

  private let store: any APITokenStore
  private let now: @Sendable () -> Date
  private let revalidateAfter: TimeInterval
  private let cache = Mutex<[CredentialKey: Entry]>([:])
  private let maxEntries: Int
  private let bucket: @Sendable (Principal) -> RateBucket?

  init(
    store: any APITokenStore, now: @escaping @Sendable () -> Date, revalidateAfter: TimeInterval = 5,
    maxEntries: Int = 10_000, bucket: @escaping @Sendable (Principal) -> RateBucket? = { _ in nil }
  ) {
    self.bucket = bucket
    self.store = store
    self.now = now
    self.revalidateAfter = revalidateAfter
    self.maxEntries = maxEntries
  }

  /// The identity of a cached credential, keyed by the whole `authorization` value (so a
  /// call costs one lookup and no parsing), while it is fresh; nil when not cached or due
  /// to be read again. Throws UNAUTHENTICATED for a cached expired or revoked token.
  func cached(_ header: String, at date: Date) throws(RPCError) -> Authenticated? {
    guard let entry = cache.withLock({ $0[CredentialKey(header)] }),
      date.timeIntervalSince(entry.readAt) < revalidateAfter
    else {
      return nil
    }
    // The fields the check needs, read in place: a hit copies no token record.
    try Self.check(id: entry.id, revoked: entry.revoked, expiresAt: entry.expiresAt, at: date)
    return entry.authenticated
  }

  /// The identity `token` stands for, read from the store and cached under `header`;
  /// throws UNAUTHENTICATED with the reason otherwise.
  func authenticate(_ token: Substring, header: String, at date: Date) async throws(RPCError) -> Authenticated {
    let key = CredentialKey(header)
    let record: APITokenRecord?
    do {
      record = try await store.apiToken(secretDigest: APIToken.digest(token))
    } catch {
      throw RPCError(code: .unavailable, message: "credentials cannot be checked right now", cause: error)
    }
    guard let record else {
      cache.withLock { _ = $0.removeValue(forKey: key) }
      throw .unauthenticated(AuthReason.tokenUnknown, "unknown API token")
    }
    try Self.check(record, at: date)
    let principal = Principal(
      name: record.name, credentialKind: .apiToken, credentialID: record.id, scopes: Set(record.scopes),
      departments: record.departments.map(Set.init), branches: record.branches.map(Set.init),
      expiresAt: record.expiresAt?.timeIntervalSince1970)
    let authenticated = Authenticated(principal: principal, bucket: bucket(principal))
    cache.withLock { cache in
      if cache.count >= maxEntries { cache.removeAll(keepingCapacity: true) }
      cache[key] = Entry(record: record, authenticated: authenticated, readAt: date)
    }
    if record.lastUsedAt.map({ date.timeIntervalSince($0) >= 60 }) ?? true {
      try? await store.recordAPITokenUse(id: record.id, at: date)
    }
    return authenticated
  }

  private static func check(_ record: APITokenRecord, at date: Date) throws(RPCError) {
    try check(id: record.id, revoked: record.revokedAt != nil, expiresAt: record.expiresAt, at: date)
  }

  private static func check(id: String, revoked: Bool, expiresAt: Date?, at date: Date) throws(RPCError) {
    if revoked {
      throw .unauthenticated(AuthReason.tokenRevoked, "API token \(id) was revoked")
    }
    if let expiresAt, expiresAt <= date {
      throw .unauthenticated(AuthReason.tokenExpired, "API token \(id) expired")
    }
  }
}

/// A checked credential as the caches keep it: the identity, and its rate-limit bucket
/// (nil without rate limits).
struct Authenticated: Sendable {
  let principal: Principal
  let bucket: RateBucket?
}
