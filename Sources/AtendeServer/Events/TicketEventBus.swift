public import AtendeDomain
public import AtendeStore
public import CoreMetrics
internal import Foundation
internal import Logging
internal import Synchronization

/// Fans ticket events out to live subscribers, in order, without ever blocking the
/// publisher: each subscriber has a bounded buffer, and one that falls behind loses
/// events and is told how many (a `.lagged` item) when it catches up.
///
/// With an event log (the store's), the bus feeds itself from it while it has
/// subscribers: it reads the events recorded after the last one it delivered whenever the
/// log signals (a change on this server, or on PostgreSQL on any server of the database)
/// and at least every `pollInterval`, and publishes them with their log sequence.
public final class TicketEventBus: Sendable {
  /// One published event (the log's, with its sequence).
  public typealias Event = TicketChangeEvent

  /// What a subscriber receives.
  public enum Item: Sendable, Hashable {
    case event(Event)
    /// `dropped` events were not delivered (the subscriber's buffer was full).
    case lagged(dropped: UInt64)
  }

  /// Which events a subscriber wants.
  public struct Filter: Sendable, Hashable {
    public var departmentID: Int64?
    public var assigneeID: Int64?
    public var ticketID: Int64?
    /// The tickets the subscriber may see (an identity restricted to departments or
    /// branches).
    public var scope: TicketScope

    public init(
      departmentID: Int64? = nil, assigneeID: Int64? = nil, ticketID: Int64? = nil, scope: TicketScope = .everything
    ) {
      self.departmentID = departmentID
      self.assigneeID = assigneeID
      self.ticketID = ticketID
      self.scope = scope
    }

    /// Whether an event about `ticket` passes the filter.
    public func matches(_ ticket: Ticket) -> Bool {
      (departmentID == nil || ticket.departmentID == departmentID)
        && (assigneeID == nil || ticket.assigneeID == assigneeID) && (ticketID == nil || ticket.id == ticketID)
        && scope.allows(ticket)
    }
  }

  /// A live subscription: its events, and the log position the feed started after
  /// (every event recorded later reaches the stream, unless the buffer overflows).
  public struct Subscription: Sendable {
    public var items: AsyncStream<Item>
    public var liveAfter: Int64
  }

  private struct Subscriber {
    let filter: Filter
    let continuation: AsyncStream<Item>.Continuation
    /// Events dropped since the last one delivered.
    var dropped: UInt64 = 0
  }

  private struct Feed {
    /// Where the feed starts: the log's last sequence when it started.
    let start: Task<Int64, any Error>
    let task: Task<Void, Never>
  }

  private struct State {
    var nextID = 0
    var subscribers: [Int: Subscriber] = [:]
    var feed: Feed?
    var closed = false
  }

  private let state = Mutex(State())
  /// Events a subscriber may have waiting before it starts losing them.
  public let bufferSize: Int
  /// Where events come from; nil = only what ``publish(_:)`` is given.
  public let log: (any TicketEventLog)?
  /// How often the feed looks at the log without a signal.
  public let pollInterval: Duration
  private let logger = Logger(label: "atende.events")
  /// Events handed to subscribers, events they lost (buffer full), and how many there are.
  private let delivered: Counter
  private let dropped: Counter
  private let subscriberGauge: Meter

  /// A bus whose metrics (`atende_events_delivered_total`, `atende_events_dropped_total`,
  /// `atende_event_subscribers`) are made with `metricsFactory` (by default the process's
  /// `MetricsSystem`).
  public init(
    bufferSize: Int = 1024, log: (any TicketEventLog)? = nil, pollInterval: Duration = .seconds(2),
    metricsFactory: (any MetricsFactory)? = nil
  ) {
    self.bufferSize = max(2, bufferSize)
    self.log = log
    self.pollInterval = pollInterval
    let factory = metricsFactory ?? MetricsSystem.factory
    delivered = Counter(label: "atende_events_delivered_total", factory: factory)
    dropped = Counter(label: "atende_events_dropped_total", factory: factory)
    subscriberGauge = Meter(label: "atende_event_subscribers", factory: factory)
  }

  deinit {
    state.withLock { $0.feed?.task.cancel() }
  }

  /// The number of live subscribers.
  public var subscriberCount: Int { state.withLock { $0.subscribers.count } }

  /// Whether ``close()`` was called: every stream has ended, and new ones end at once.
  public var isClosed: Bool { state.withLock { $0.closed } }

  /// Ends every subscriber's stream, and those of later subscriptions at once (the
  /// server is shutting down: its watchers resume elsewhere, after the last sequence they
  /// saw).
  public func close() {
    let (continuations, feed) = state.withLock { state -> ([AsyncStream<Item>.Continuation], Feed?) in
      state.closed = true
      defer { state.feed = nil }
      return (state.subscribers.values.map(\.continuation), state.feed)
    }
    feed?.task.cancel()
    for continuation in continuations { continuation.finish() }
  }

  /// A stream of the events matching `filter`, from now on. It ends when the stream is
  /// dropped or cancelled.
  public func subscribe(_ filter: Filter) -> AsyncStream<Item> {
    add(filter).0
  }

  /// A subscription fed from the log (started if it was not running), with the position
  /// its live events follow.
  public func subscribeToLog(_ filter: Filter) async throws -> Subscription {
    let (items, start) = add(filter)
    let liveAfter = try await start?.value ?? 0
    return Subscription(items: items, liveAfter: liveAfter)
  }

  private func add(_ filter: Filter) -> (AsyncStream<Item>, Task<Int64, any Error>?) {
    let (stream, continuation) = AsyncStream<Item>.makeStream(bufferingPolicy: .bufferingOldest(bufferSize))
    let (id, start) = state.withLock { state -> (Int?, Task<Int64, any Error>?) in
      if state.closed { return (nil, nil) }
      let id = state.nextID
      state.nextID += 1
      state.subscribers[id] = Subscriber(filter: filter, continuation: continuation)
      subscriberGauge.set(state.subscribers.count)
      if state.feed == nil, let log {
        let start = Task { try await log.lastEventSequence() }
        let task = Task { [weak self] in
          guard let after = try? await start.value else { return }
          await self?.runFeed(log: log, after: after)
        }
        state.feed = Feed(start: start, task: task)
      }
      return (id, state.feed?.start)
    }
    guard let id else {
      continuation.finish()
      return (stream, nil)
    }
    continuation.onTermination = { [weak self] _ in self?.remove(id) }
    // close() may have run between the lock and the line above, without this handler.
    if isClosed {
      continuation.finish()
      remove(id)
    }
    return (stream, start)
  }

  /// Removes a subscriber; the feed stops with the last one.
  private func remove(_ id: Int) {
    let feed = state.withLock { state -> Feed? in
      state.subscribers.removeValue(forKey: id)
      subscriberGauge.set(state.subscribers.count)
      guard state.subscribers.isEmpty, let feed = state.feed else { return nil }
      state.feed = nil
      return feed
    }
    feed?.task.cancel()
  }

  /// Reads the log after `after` whenever it signals, or every `pollInterval`, and
  /// publishes what it finds, until cancelled.
  private func runFeed(log: any TicketEventLog, after: Int64) async {
    let (wakeups, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    // Listen first, then read once: an event recorded after that read signals.
    let signals = log.eventSignals()
    wake.yield()
    await withTaskGroup(of: Void.self) { group in
      group.addTask {
        for await _ in signals { wake.yield() }
      }
      group.addTask { [pollInterval] in
        while !Task.isCancelled {
          try? await Task.sleep(for: pollInterval)
          wake.yield()
        }
      }
      group.addTask { [weak self] in
        var last = after
        for await _ in wakeups {
          guard let self else { return }
          do {
            while true {
              let batch = try await log.events(after: last, limit: 256)
              for event in batch { self.publish(event) }
              last = batch.last?.sequence ?? last
              if batch.count < 256 { break }
            }
          } catch {
            self.logger.warning("reading the ticket event log failed; retrying", metadata: ["error": "\(error)"])
          }
        }
      }
      await withTaskCancellationHandler {
        await group.next()
      } onCancel: {
        wake.finish()
      }
      group.cancelAll()
    }
  }

  /// Publishes an event to every matching subscriber. Never waits.
  public func publish(_ event: Event) {
    let (delivered, dropped) = state.withLock { state -> (Int64, Int64) in
      var delivered: Int64 = 0
      var dropped: Int64 = 0
      for (id, var subscriber) in state.subscribers where subscriber.filter.matches(event.ticket) {
        if subscriber.dropped > 0 {
          guard case .enqueued = subscriber.continuation.yield(.lagged(dropped: subscriber.dropped)) else {
            subscriber.dropped += 1
            dropped += 1
            state.subscribers[id] = subscriber
            continue
          }
          subscriber.dropped = 0
        }
        if case .dropped = subscriber.continuation.yield(.event(event)) {
          subscriber.dropped += 1
          dropped += 1
        } else {
          delivered += 1
        }
        state.subscribers[id] = subscriber
      }
      return (delivered, dropped)
    }
    if delivered > 0 { self.delivered.increment(by: delivered) }
    if dropped > 0 { self.dropped.increment(by: dropped) }
  }
}
