internal import Synchronization

/// A token bucket: holds up to `burst` tokens, refills at `rate` tokens a second, and
/// each call takes one. A value type with the time passed in, so tests drive it with a
/// manual clock.
struct TokenBucket: Sendable, Equatable {
  private(set) var tokens: Double
  private(set) var updatedAt: Double

  /// A full bucket at `now` (seconds).
  init(burst: Double, now: Double) {
    tokens = burst
    updatedAt = now
  }

  /// Takes a token at `now` (seconds): nil when one was available, else how many
  /// seconds until one will be.
  mutating func take(now: Double, rate: Double, burst: Double) -> Double? {
    if now > updatedAt {
      tokens = min(burst, tokens + (now - updatedAt) * rate)
      updatedAt = now
    }
    if tokens >= 1 {
      tokens -= 1
      return nil
    }
    return (1 - tokens) / rate
  }

  /// Whether the bucket has refilled completely by `now`.
  func isFull(now: Double, rate: Double, burst: Double) -> Bool {
    tokens + max(0, now - updatedAt) * rate >= burst
  }
}

/// Per-identity rate limits: one token bucket per identity, so that one noisy caller
/// is slowed down while the others go on.
final class RateLimiter<Key: Hashable & Sendable>: Sendable {
  /// Calls a second each identity may make on average.
  let rate: Double
  /// Calls an identity may make at once after a quiet period.
  let burst: Double
  private let buckets = Mutex<[Key: TokenBucket]>([:])
  /// Buckets kept before full ones are dropped.
  private let maxBuckets: Int

  init(rate: Double, burst: Double, maxBuckets: Int = 100_000) {
    precondition(rate > 0 && burst >= 1, "a rate limit needs a positive rate and a burst of at least 1")
    self.rate = rate
    self.burst = burst
    self.maxBuckets = maxBuckets
  }

  /// Admits one call of `identity` at `now` (seconds): nil when admitted, else the
  /// seconds to wait.
  func admit(_ identity: Key, now: Double) -> Double? {
    buckets.withLock { buckets in
      if buckets.count >= maxBuckets && buckets[identity] == nil {
        buckets = buckets.filter { !$0.value.isFull(now: now, rate: rate, burst: burst) }
      }
      return buckets[identity, default: TokenBucket(burst: burst, now: now)].take(now: now, rate: rate, burst: burst)
    }
  }
}
