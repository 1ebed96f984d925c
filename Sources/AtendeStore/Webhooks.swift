public import AtendeDomain
public import Foundation

/// Where webhooks and their deliveries are kept. Deliveries come from the ticket event
/// log: a dispatcher reads the events after a webhook's cursor and records a delivery for
/// each matching one while moving the cursor (``enqueueWebhookDeliveries``), so an event
/// is delivered once per webhook whatever the number of servers, and none is lost when a
/// server stops. Sending claims due deliveries for a while (a lease), so that two servers
/// do not send one at the same moment.
///
/// Methods throw ``DomainError`` for rule violations, missing webhooks and stale versions;
/// any other error is a storage failure.
public protocol WebhookStore: Sendable {
  /// Stores a new webhook (after ``WebhookRules/check(_:)``), its cursor at the end of the
  /// event log: it delivers the events recorded from now on.
  func createWebhook(_ webhook: Webhook, actor: String) async throws -> Webhook
  func webhook(id: Int64) async throws -> Webhook
  /// Every webhook, by id (at most ``WebhookRules/maxWebhooks``).
  func webhooks() async throws -> [Webhook]
  /// Replaces the name, URL, event kinds, departments and active flag of webhook
  /// `webhook.id` at `expectedVersion`; with `rotateSecret`, bumps its secret generation.
  func updateWebhook(_ webhook: Webhook, expectedVersion: Int64, rotateSecret: Bool, actor: String) async throws
    -> Webhook
  /// Removes a webhook and its deliveries.
  func deleteWebhook(id: Int64, expectedVersion: Int64) async throws
  /// Records `deliveries` (events after `from`, up to `to`) and moves the webhook's cursor
  /// to `to`, if it is still at `from` and the webhook still at `version` (the one the
  /// deliveries were matched against); false (and nothing recorded) when another server
  /// moved the cursor first or the webhook changed.
  func enqueueWebhookDeliveries(
    webhookID: Int64, version: Int64, from: Int64, to: Int64, _ deliveries: [WebhookDelivery]
  ) async throws -> Bool
  /// Up to `limit` pending deliveries of active webhooks, due by `now` and not leased,
  /// oldest first, leased until `leaseUntil` (those of an inactive webhook wait for it).
  func claimWebhookDeliveries(dueBy now: Date, leaseUntil: Date, limit: Int) async throws -> [WebhookDelivery]
  /// Records an attempt: delivered, or failed and due again (``WebhookRules/nextAttempt``)
  /// or dead, and ends the lease. Only the holder of the lease records: nil (nothing
  /// recorded) when the delivery is gone, no longer pending, or leased until another time
  /// than `leaseUntil` (its lease ran out and another server claimed it).
  func recordWebhookAttempt(id: Int64, leaseUntil: Date, outcome: WebhookAttemptOutcome, at date: Date)
    async throws -> WebhookDelivery?
  /// Deliveries, newest first, of one webhook (nil = all) in one state (nil = any).
  func webhookDeliveries(webhookID: Int64?, state: WebhookDelivery.State?, page: PageRequest) async throws
    -> Page<WebhookDelivery>
  /// Makes dead deliveries of `webhookID` pending again, due at `date`, with their
  /// attempts reset: those of `ids`, or every dead one when `ids` is empty.
  /// Returns how many.
  func replayWebhookDeliveries(webhookID: Int64, ids: [Int64], at date: Date) async throws -> Int
  /// Removes the deliveries made before `date` (they are kept a while for inspection).
  func purgeWebhookDeliveries(deliveredBefore date: Date) async throws -> Int
}

/// Text forms shared by the stores.
package enum WebhookColumns {
  package static func kinds(_ kinds: Set<TicketChangeEvent.Kind>) -> String {
    kinds.map(\.rawValue).sorted().joined(separator: ",")
  }

  package static func kinds(_ text: String) -> Set<TicketChangeEvent.Kind> {
    Set(text.split(separator: ",").compactMap { TicketChangeEvent.Kind(rawValue: String($0)) })
  }

  package static func departments(_ ids: Set<Int64>?) -> String? {
    ids.map { $0.sorted().map(String.init).joined(separator: ",") }
  }

  package static func departments(_ text: String?) -> Set<Int64>? {
    text.map { Set($0.split(separator: ",").compactMap { Int64($0) }) }
  }

  /// The fingerprint of a deliveries listing's filters.
  package static func filter(webhookID: Int64?, state: WebhookDelivery.State?) -> String {
    "webhook-deliveries/\(webhookID ?? 0)/\(state?.rawValue ?? 0)"
  }

  /// The state and schedule after an attempt that ended in `outcome` at `date`, the
  /// delivery having had `attempts` attempts before it.
  package static func after(_ outcome: WebhookAttemptOutcome, attempts: Int, at date: Date) -> (
    state: WebhookDelivery.State, attempts: Int, nextAttemptAt: Date, status: Int, error: String, deliveredAt: Date?
  ) {
    switch outcome {
    case .delivered(let status):
      return (.delivered, attempts + 1, date, status, "", date)
    case .failed(let status, let error):
      let next = WebhookRules.nextAttempt(after: attempts + 1, failedAt: date)
      return (next == nil ? .dead : .pending, attempts + 1, next ?? date, status, String(error.prefix(500)), nil)
    }
  }
}
