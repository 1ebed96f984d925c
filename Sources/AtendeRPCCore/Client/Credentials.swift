public import Foundation
internal import Synchronization

/// Supplies the bearer credential a client sends with every call
/// (``ClientConfiguration/credentials``).
///
/// The client asks before each call, so a provider that refreshes a short-lived JWT
/// only has to return the current one: ``RefreshingCredentials`` does the caching.
/// A provider whose token never changes says so with ``fixedToken``: the client then
/// sends it once per connection, in its HELLO, instead of with each call.
public protocol CredentialsProvider: Sendable {
  /// The token for the next call (sent as `authorization: Bearer <token>`).
  func token() async throws -> String

  /// The token, when it is the same for every call for the life of the client; nil (the
  /// default) when ``token()`` must be asked before each call.
  var fixedToken: String? { get }
}

extension CredentialsProvider {
  public var fixedToken: String? { nil }
}

/// A token that never changes: an API token minted by `atende-server token create`.
public struct StaticCredentials: CredentialsProvider {
  private let value: String

  /// Sends `token` with every call.
  public init(token: String) { value = token }

  public func token() async throws -> String { value }

  /// The token: sent once per connection (`ClientHello.metadata`), or with each call to a
  /// server that does not take connection metadata.
  public var fixedToken: String? { value }
}

/// A token fetched on demand and kept until shortly before it expires: a JWT from the
/// organisation's identity provider.
///
/// ```swift
/// let credentials = RefreshingCredentials(refreshBefore: .seconds(30)) {
///   let jwt = try await identityProvider.clientCredentialsToken()
///   return (jwt.value, jwt.expiresAt)
/// }
/// var configuration = ClientConfiguration()
/// configuration.credentials = credentials
/// ```
///
/// Calls that need a token while a fetch is under way wait for that fetch rather than
/// starting another; a failed fetch fails those calls and the next call tries again.
public final class RefreshingCredentials: CredentialsProvider {
  /// Fetches a new token and when it expires.
  public typealias Fetch = @Sendable () async throws -> (token: String, expiresAt: Date)

  private let fetch: Fetch
  private let margin: TimeInterval
  private let now: @Sendable () -> Date
  private let state = Mutex<State>(State())

  private struct State {
    var current: (token: String, expiresAt: Date)?
    var refreshing: Task<(token: String, expiresAt: Date), any Error>?
  }

  /// A provider that calls `fetch` when it has no token, or when the one it has expires
  /// within `refreshBefore`.
  public init(
    refreshBefore: Duration = .seconds(30), now: @escaping @Sendable () -> Date = Date.init,
    fetch: @escaping Fetch
  ) {
    self.fetch = fetch
    self.margin = Double(refreshBefore.components.seconds) + Double(refreshBefore.components.attoseconds) / 1e18
    self.now = now
  }

  public func token() async throws -> String {
    let date = now()
    enum Next {
      case ready(String)
      case wait(Task<(token: String, expiresAt: Date), any Error>)
    }
    // One look at the state: a valid token, the fetch under way, or a new fetch.
    let next = state.withLock { state -> Next in
      if let current = state.current, current.expiresAt.timeIntervalSince(date) > margin {
        return .ready(current.token)
      }
      if let refreshing = state.refreshing { return .wait(refreshing) }
      let refreshing = Task { [fetch] in try await fetch() }
      state.refreshing = refreshing
      return .wait(refreshing)
    }
    switch next {
    case .ready(let token):
      return token
    case .wait(let task):
      do {
        let fresh = try await task.value
        state.withLock { state in
          if state.refreshing == task {
            state.current = fresh
            state.refreshing = nil
          }
        }
        return fresh.token
      } catch {
        state.withLock { state in
          if state.refreshing == task { state.refreshing = nil }
        }
        throw error
      }
    }
  }
}

/// Puts the provider's token on every call that has none of its own
/// (``CallOptions/authToken``).
package struct CredentialsInterceptor: ClientInterceptor {
  let provider: any CredentialsProvider

  package init(provider: any CredentialsProvider) {
    self.provider = provider
  }

  package func intercept<Result: Sendable>(
    context: ClientCallContext, next: (ClientCallContext) async throws -> Result
  ) async throws -> Result {
    guard context.options.authToken == nil else { return try await next(context) }
    var context = context
    do {
      context.options.authToken = try await provider.token()
    } catch {
      throw RPCError(code: .unauthenticated, message: "no credentials: \(error)", cause: error)
    }
    return try await next(context)
  }
}
