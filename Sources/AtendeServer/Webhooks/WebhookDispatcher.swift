internal import AtendeAPI
public import AtendeDomain
public import AtendeStore
public import Foundation
public import Logging
public import ServiceLifecycle

/// Delivers ticket events to webhooks. Each pass
/// 1. reads the event log after the webhooks' cursors and records a delivery for each
///    event a webhook matches, moving its cursor in the same transaction (so an event is
///    recorded once per webhook, whichever server gets there first);
/// 2. claims the deliveries that are due (a lease, so no other server sends them
///    meanwhile), POSTs them, signed, a few at a time, and records each attempt: delivered,
///    due again after a backoff, or dead after the last attempt (``WebhookRules``).
///
/// The server runs passes when events are recorded and every second; tests call
/// ``runOnce()`` with a manual clock.
public struct WebhookDispatcher: Service {
  /// What one pass did.
  public struct Pass: Sendable, Hashable {
    /// Deliveries recorded from the event log.
    public var enqueued = 0
    /// Attempts made, and how many of them delivered.
    public var attempted = 0
    public var delivered = 0
    /// Deliveries that went to the dead-letter list.
    public var dead = 0

    public init() {}
  }

  /// Events read from the log per batch.
  public static let eventBatch = 500
  /// Deliveries claimed per pass.
  public static let claimBatch = 100
  /// Requests in flight at once.
  public static let concurrency = 8
  /// How long the deliveries a pass claims are not claimed again: long enough for the
  /// whole batch to be sent, `concurrency` at a time, each request taking up to the
  /// timeout, and a margin. A lease that runs out all the same (a stalled server) lets
  /// another server send the delivery, and only the lease holder records its attempt.
  var lease: TimeInterval {
    let timeout = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
    return timeout * Double(Self.claimBatch / Self.concurrency + 1) + 30
  }
  /// How long delivered deliveries are kept for inspection.
  public static let retention: TimeInterval = 7 * 86_400

  let store: any WebhookStore & TicketEventLog
  let key: WebhookKey
  let transport: any WebhookTransport
  let timeout: Duration
  let now: @Sendable () -> Date
  let logger: Logger

  /// A dispatcher over `store`, signing with secrets derived from `key`, sending with
  /// `transport` (answers awaited at most `timeout`), reading the time from `now`.
  public init(
    store: any WebhookStore & TicketEventLog, key: WebhookKey, transport: any WebhookTransport,
    timeout: Duration = .seconds(10), now: @escaping @Sendable () -> Date = Date.init, logger: Logger
  ) {
    self.store = store
    self.key = key
    self.transport = transport
    self.timeout = timeout
    self.now = now
    self.logger = logger
  }

  /// One pass: records the deliveries of the events recorded since the last one, then
  /// sends those due.
  @discardableResult
  public func runOnce() async throws -> Pass {
    var pass = Pass()
    var webhooks: [Int64: AtendeDomain.Webhook] = [:]
    do {
      webhooks = try await enqueue(&pass)
    } catch {
      // Retries still go out while the event log cannot be read.
      logger.error("webhook deliveries not recorded from the event log", metadata: ["error": "\(error)"])
    }
    try await send(&pass, webhooks: webhooks)
    return pass
  }

  /// Records the deliveries of new events; returns the webhooks by id.
  private func enqueue(_ pass: inout Pass) async throws -> [Int64: AtendeDomain.Webhook] {
    var webhooks = Dictionary(uniqueKeysWithValues: try await store.webhooks().map { ($0.id, $0) })
    let at = now()
    while let start = webhooks.values.map(\.cursor).min() {
      let events = try await store.events(after: start, limit: Self.eventBatch)
      guard let last = events.last?.sequence else { break }
      for var webhook in webhooks.values where webhook.cursor < last {
        let deliveries = try events.filter { $0.sequence > webhook.cursor && webhook.matches($0) }.map { event in
          AtendeDomain.WebhookDelivery(
            webhookID: webhook.id, eventSequence: event.sequence, eventKind: event.kind, ticketID: event.ticket.id,
            body: try TicketEvent(event).jsonString(options: .init(includeDefaultValues: true)), nextAttemptAt: at,
            createdAt: at)
        }
        if try await store.enqueueWebhookDeliveries(
          webhookID: webhook.id, version: webhook.version, from: webhook.cursor, to: last, deliveries)
        {
          pass.enqueued += deliveries.count
          webhook.cursor = last
          webhooks[webhook.id] = webhook
        } else {
          // Another server moved the cursor, or the webhook changed: read it again.
          webhooks[webhook.id] = try? await store.webhook(id: webhook.id)
        }
      }
      if events.count < Self.eventBatch { break }
    }
    return webhooks
  }

  private func send(_ pass: inout Pass, webhooks: [Int64: AtendeDomain.Webhook]) async throws {
    let at = now()
    let leaseUntil = at.addingTimeInterval(lease)
    let due = try await store.claimWebhookDeliveries(dueBy: at, leaseUntil: leaseUntil, limit: Self.claimBatch)
    guard !due.isEmpty else { return }
    var webhooks = webhooks
    for id in Set(due.map(\.webhookID)) where webhooks[id] == nil {
      webhooks[id] = try? await store.webhook(id: id)
    }
    let known = webhooks
    let outcomes = await withTaskGroup(of: AtendeDomain.WebhookDelivery?.self) { group in
      var results: [AtendeDomain.WebhookDelivery] = []
      var next = due.makeIterator()
      func start(_ delivery: AtendeDomain.WebhookDelivery) {
        group.addTask { await attempt(delivery, webhook: known[delivery.webhookID], leaseUntil: leaseUntil) }
      }
      for _ in 0..<Self.concurrency {
        guard let delivery = next.next() else { break }
        start(delivery)
      }
      while let result = await group.next() {
        if let result { results.append(result) }
        if let delivery = next.next() { start(delivery) }
      }
      return results
    }
    for delivery in outcomes {
      pass.attempted += 1
      if delivery.state == .delivered { pass.delivered += 1 }
      if delivery.state == .dead { pass.dead += 1 }
    }
  }

  /// Sends one delivery and records how it went; nil when it could not be recorded.
  private func attempt(
    _ delivery: AtendeDomain.WebhookDelivery, webhook: AtendeDomain.Webhook?, leaseUntil: Date
  ) async -> AtendeDomain
    .WebhookDelivery?
  {
    let outcome: WebhookAttemptOutcome
    if let webhook, webhook.active {
      let body = Array(delivery.body.utf8)
      let timestamp = Int64(now().timeIntervalSince1970)
      let headers = [
        ("Atende-Webhook-Id", String(webhook.id)),
        ("Atende-Event-Sequence", String(delivery.eventSequence)),
        ("Atende-Event-Kind", TicketEventKind(delivery.eventKind).protoName ?? ""),
        ("Atende-Delivery-Attempt", String(delivery.attempts + 1)),
        (
          "Atende-Signature",
          WebhookSignature.header(secret: key.secret(for: webhook), timestamp: timestamp, body: body)
        ),
      ]
      outcome = await transport.post(url: webhook.url, headers: headers, body: body, timeout: timeout)
    } else {
      outcome = .failed(status: 0, error: "the webhook is inactive")
    }
    do {
      guard
        let recorded = try await store.recordWebhookAttempt(
          id: delivery.id, leaseUntil: leaseUntil, outcome: outcome, at: now())
      else {
        logger.debug(
          "webhook attempt not recorded: the delivery was removed, or its lease ran out and another server has it",
          metadata: ["delivery": "\(delivery.id)"])
        return nil
      }
      switch recorded.state {
      case .delivered: break
      case .pending:
        logger.info(
          "webhook delivery failed; tried again later",
          metadata: [
            "webhook": "\(delivery.webhookID)", "sequence": "\(delivery.eventSequence)",
            "attempt": "\(recorded.attempts)", "error": "\(recorded.lastError)",
          ])
      case .dead:
        logger.warning(
          "webhook delivery dead after its last attempt",
          metadata: [
            "webhook": "\(delivery.webhookID)", "sequence": "\(delivery.eventSequence)",
            "error": "\(recorded.lastError)",
          ])
      }
      return recorded
    } catch {
      logger.error("webhook attempt not recorded", metadata: ["delivery": "\(delivery.id)", "error": "\(error)"])
      return nil
    }
  }

  /// Passes when events are recorded and every second, until the service group shuts
  /// down; delivered deliveries older than ``retention`` are removed every hour.
  public func run() async throws {
    let signals = store.eventSignals()
    // Wake-ups: each recorded event, and every second (retries come due without events);
    // those that come during a pass make one more pass.
    let (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    let feeder = Task {
      for await _ in signals { wake.yield() }
    }
    let ticker = Task {
      while (try? await Task.sleep(for: .seconds(1))) != nil { wake.yield() }
    }
    defer {
      feeder.cancel()
      ticker.cancel()
      wake.finish()
    }
    wake.yield()
    await cancelWhenGracefulShutdown {
      var lastPurge = Date.distantPast
      for await _ in wakes {
        do {
          try await runOnce()
          if now().timeIntervalSince(lastPurge) > 3600 {
            lastPurge = now()
            _ = try await store.purgeWebhookDeliveries(deliveredBefore: lastPurge.addingTimeInterval(-Self.retention))
          }
        } catch {
          logger.error("webhook pass failed", metadata: ["error": "\(error)"])
        }
      }
    }
  }
}
