internal import Synchronization

/// When a client sends a unary call again.
///
/// Two kinds of failure are retried, both on another connection when there is one and
/// always within the call's deadline:
/// - a call the server never started (refused with reason `SHUTTING_DOWN` while it shuts
///   down): always safe, sent again at once, at most ``maxAttempts`` times;
/// - a call to an idempotent method (`MethodDescriptor.isIdempotent`, from the .proto's
///   `option idempotency_level`) that failed with one of ``retryableCodes``: after an
///   exponential, jittered backoff, while the client's retry budget allows.
///
/// Other calls are never sent twice: a write whose connection broke may have been
/// applied, and only the caller can tell.
public struct RetryPolicy: Sendable {
  /// Attempts in all, the first included (default 3); 1 turns retries off.
  public var maxAttempts: Int = 3
  /// The wait before the first retry of an idempotent call (default 50 ms)...
  public var initialBackoff: Duration = .milliseconds(50)
  /// ...multiplied by this for each further retry (default 2)...
  public var backoffMultiplier: Double = 2
  /// ...up to this (default 1 s), spread at random by ±20%.
  public var maxBackoff: Duration = .seconds(1)
  /// Codes after which an idempotent call is retried (default: `UNAVAILABLE`, which
  /// covers a connection that failed or closed during the call).
  public var retryableCodes: Set<RPCError.Code> = [.unavailable]
  /// Limits retries when many calls fail, so a struggling server is not hammered.
  public var budget: RetryBudget = RetryBudget()

  /// The defaults above.
  public init() {}

  /// Never retries (each call is attempted once).
  public static var none: RetryPolicy {
    var policy = RetryPolicy()
    policy.maxAttempts = 1
    return policy
  }

  /// The wait before attempt `attempt + 1` of an idempotent call.
  package func backoff(afterAttempt attempt: Int) -> Duration {
    let base = Double(initialBackoff.nanosecondsClamped) * pow(backoffMultiplier, Double(max(0, attempt - 1)))
    let capped = min(base, Double(maxBackoff.nanosecondsClamped))
    return .nanoseconds(Int64(min(capped * Double.random(in: 0.8...1.2), Double(Int64.max / 2))))
  }
}

/// A client-wide token bucket that throttles retries (the scheme of gRPC's retry
/// throttling): it starts full with ``maxTokens``; every attempt that fails with a
/// retryable code takes one token, every call that succeeds gives back ``tokenRatio``;
/// retries are allowed only while more than half the tokens are left.
public struct RetryBudget: Sendable {
  /// The bucket's size (default 10).
  public var maxTokens: Double = 10
  /// Tokens a successful call gives back (default 0.1: ten successes pay for a retry).
  public var tokenRatio: Double = 0.1

  public init(maxTokens: Double = 10, tokenRatio: Double = 0.1) {
    self.maxTokens = maxTokens
    self.tokenRatio = tokenRatio
  }
}

/// The live state of a client's ``RetryBudget``.
package final class RetryThrottle: Sendable {
  private let budget: RetryBudget
  private let tokens: Mutex<Double>

  package init(_ budget: RetryBudget) {
    self.budget = budget
    self.tokens = Mutex(budget.maxTokens)
  }

  /// A call succeeded.
  package func recordSuccess() {
    tokens.withLock { $0 = min(budget.maxTokens, $0 + budget.tokenRatio) }
  }

  /// An attempt failed with a retryable code: whether a retry is allowed.
  package func recordFailureAllowingRetry() -> Bool {
    tokens.withLock { tokens in
      tokens = max(0, tokens - 1)
      return tokens > budget.maxTokens / 2
    }
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif
