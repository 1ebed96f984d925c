internal import Synchronization

/// One identity's rate limit, as a generic cell rate algorithm (GCRA): the equivalent of
/// a token bucket holding `burst` calls and refilling at `rate` a second, kept in one
/// atomic number (the theoretical arrival time of the next call), so that admitting a
/// call takes no lock.
final class RateBucket: Sendable {
  /// Nanoseconds between calls at the sustained rate.
  private let interval: Int64
  /// How far ahead of now the arrival time may run: `burst` intervals.
  private let tolerance: Int64
  /// The theoretical arrival time, in nanoseconds on the caller's clock.
  private let arrival = Atomic<Int64>(0)

  init(rate: Double, burst: Double) {
    interval = max(1, Int64((1e9 / rate).rounded()))
    tolerance = Int64((Double(interval) * burst).rounded())
  }

  /// Nil when a call at `now` would be admitted, else the nanoseconds until one will be;
  /// admits nothing.
  func wait(at now: Double) -> Int64? {
    let now = Int64(now * 1e9)
    let next = max(arrival.load(ordering: .relaxed), now) + interval
    return next - now > tolerance ? next - now - tolerance : nil
  }

  /// Admits one call at `now` (seconds on a clock that never steps back): nil when admitted, else the
  /// nanoseconds until a call will be.
  func admit(now: Double) -> Int64? {
    let now = Int64(now * 1e9)
    var expected = arrival.load(ordering: .relaxed)
    while true {
      let next = max(expected, now) + interval
      if next - now > tolerance { return next - now - tolerance }
      let (exchanged, original) = arrival.compareExchange(
        expected: expected, desired: next, ordering: .relaxed)
      if exchanged { return nil }
      expected = original
    }
  }
}

/// Per-identity rate limits: one bucket per identity, so that one noisy caller is slowed
/// down while the others go on. Callers keep the bucket of an identity they see often
/// (the credential caches do), so that a call costs no lookup here.
final class RateLimiter<Key: Hashable & Sendable>: Sendable {
  /// Calls a second each identity may make on average.
  let rate: Double
  /// Calls an identity may make at once after a quiet period.
  let burst: Double
  private let buckets = Mutex<[Key: RateBucket]>([:])
  /// Buckets kept; past it the table starts again (buckets held elsewhere stay valid).
  private let maxBuckets: Int

  init(rate: Double, burst: Double, maxBuckets: Int = 100_000) {
    precondition(rate > 0 && burst >= 1, "a rate limit needs a positive rate and a burst of at least 1")
    self.rate = rate
    self.burst = burst
    self.maxBuckets = maxBuckets
  }

  /// The bucket of `identity`.
  func bucket(for identity: Key) -> RateBucket {
    buckets.withLock { buckets in
      if let bucket = buckets[identity] { return bucket }
      if buckets.count >= maxBuckets { buckets.removeAll(keepingCapacity: true) }
      let bucket = RateBucket(rate: rate, burst: burst)
      buckets[identity] = bucket
      return bucket
    }
  }

  /// Admits one call of `identity` at `now` (seconds): nil when admitted, else the
  /// seconds to wait.
  func admit(_ identity: Key, now: Double) -> Double? {
    bucket(for: identity).admit(now: now).map { Double($0) / 1e9 }
  }
}
