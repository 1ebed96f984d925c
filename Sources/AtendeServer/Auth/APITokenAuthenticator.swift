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
  private struct Entry {
    var record: APITokenRecord
    var principal: Principal
    var readAt: Date
  }

  private let store: any APITokenStore
  private let now: @Sendable () -> Date
  private let revalidateAfter: TimeInterval
  private let cache = Mutex<[CredentialKey: Entry]>([:])
  private let maxEntries: Int

  init(
    store: any APITokenStore, now: @escaping @Sendable () -> Date, revalidateAfter: TimeInterval = 5,
    maxEntries: Int = 10_000
  ) {
    self.store = store
    self.now = now
    self.revalidateAfter = revalidateAfter
    self.maxEntries = maxEntries
  }

  /// The identity of a cached credential, keyed by the whole `authorization` value (so a
  /// call costs one lookup and no parsing), while it is fresh; nil when not cached or due
  /// to be read again. Throws UNAUTHENTICATED for a cached expired or revoked token.
  func cached(_ header: String, at date: Date) throws(RPCError) -> Principal? {
    guard let entry = cache.withLock({ $0[CredentialKey(header)] }),
      date.timeIntervalSince(entry.readAt) < revalidateAfter
    else {
      return nil
    }
    try Self.check(entry.record, at: date)
    return entry.principal
  }

  /// The identity `token` stands for, read from the store and cached under `header`;
  /// throws UNAUTHENTICATED with the reason otherwise.
  func authenticate(_ token: Substring, header: String, at date: Date) async throws(RPCError) -> Principal {
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
      departments: record.departments.map(Set.init), expiresAt: record.expiresAt?.timeIntervalSince1970)
    cache.withLock { cache in
      if cache.count >= maxEntries { cache.removeAll(keepingCapacity: true) }
      cache[key] = Entry(record: record, principal: principal, readAt: date)
    }
    if record.lastUsedAt.map({ date.timeIntervalSince($0) >= 60 }) ?? true {
      try? await store.recordAPITokenUse(id: record.id, at: date)
    }
    return principal
  }

  private static func check(_ record: APITokenRecord, at date: Date) throws(RPCError) {
    if record.revokedAt != nil {
      throw .unauthenticated(AuthReason.tokenRevoked, "API token \(record.id) was revoked")
    }
    if let expiresAt = record.expiresAt, expiresAt <= date {
      throw .unauthenticated(AuthReason.tokenExpired, "API token \(record.id) expired")
    }
  }
}
