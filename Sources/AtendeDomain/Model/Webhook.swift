public import Foundation

/// A subscription of another system to ticket events: each event of the chosen kinds on
/// a ticket of the chosen departments is POSTed to `url`, signed with the webhook's secret
/// (``WebhookRules``). The secret is not part of the record: the server derives it from
/// its webhook key and ``secretGeneration``, so the database holds none.
public struct Webhook: Hashable, Sendable, Identifiable {
  public var id: Int64
  /// Unique (ignoring case), for people: "erp-billing".
  public var name: String
  /// Where deliveries go: an `https` URL (`http` only to a loopback address, for tests
  /// and local receivers).
  public var url: String
  /// The kinds of event delivered; empty = every kind.
  public var eventKinds: Set<TicketChangeEvent.Kind>
  /// Only events of tickets of these departments; nil = every department.
  public var departmentIDs: Set<Int64>?
  public var active: Bool
  /// Bumped by each secret rotation: the secret changes with it.
  public var secretGeneration: Int64
  /// The last event of the log this webhook has considered: deliveries are made for the
  /// events after it (a new webhook starts at the log's end).
  public var cursor: Int64
  public var createdAt: Date
  public var updatedAt: Date
  public var updatedBy: String
  public var version: Int64

  public init(
    id: Int64 = 0, name: String, url: String, eventKinds: Set<TicketChangeEvent.Kind> = [],
    departmentIDs: Set<Int64>? = nil, active: Bool = true, secretGeneration: Int64 = 1, cursor: Int64 = 0,
    createdAt: Date = Date(timeIntervalSince1970: 0), updatedAt: Date = Date(timeIntervalSince1970: 0),
    updatedBy: String = "", version: Int64 = 0
  ) {
    self.id = id
    self.name = name
    self.url = url
    self.eventKinds = eventKinds
    self.departmentIDs = departmentIDs
    self.active = active
    self.secretGeneration = secretGeneration
    self.cursor = cursor
    self.createdAt = createdAt
    self.updatedAt = updatedAt
    self.updatedBy = updatedBy
    self.version = version
  }

  /// Whether `event` is one this webhook delivers.
  public func matches(_ event: TicketChangeEvent) -> Bool {
    active && (eventKinds.isEmpty || eventKinds.contains(event.kind))
      && (departmentIDs?.contains(event.ticket.departmentID) ?? true)
  }
}

/// One event to deliver to one webhook, and how its delivery went.
public struct WebhookDelivery: Hashable, Sendable, Identifiable {
  public enum State: Int, Hashable, Sendable, CaseIterable {
    /// To be sent at ``WebhookDelivery/nextAttemptAt``.
    case pending = 1
    /// The receiver answered 2xx.
    case delivered = 2
    /// Every attempt failed: in the dead-letter list until replayed.
    case dead = 3
  }

  public var id: Int64
  public var webhookID: Int64
  /// The event's sequence in the ticket event log (with the webhook, the delivery's
  /// identity: receivers use it to ignore a delivery they had already).
  public var eventSequence: Int64
  public var eventKind: TicketChangeEvent.Kind
  public var ticketID: Int64
  /// The request body (the event as proto3 JSON), the same at every attempt.
  public var body: String
  public var state: State
  /// Attempts made so far.
  public var attempts: Int
  public var nextAttemptAt: Date
  /// The HTTP status of the last attempt (0 = no answer).
  public var lastStatus: Int
  /// Why the last attempt failed ("" when it did not).
  public var lastError: String
  public var createdAt: Date
  public var deliveredAt: Date?

  public init(
    id: Int64 = 0, webhookID: Int64, eventSequence: Int64, eventKind: TicketChangeEvent.Kind, ticketID: Int64,
    body: String, state: State = .pending, attempts: Int = 0, nextAttemptAt: Date, lastStatus: Int = 0,
    lastError: String = "", createdAt: Date, deliveredAt: Date? = nil
  ) {
    self.id = id
    self.webhookID = webhookID
    self.eventSequence = eventSequence
    self.eventKind = eventKind
    self.ticketID = ticketID
    self.body = body
    self.state = state
    self.attempts = attempts
    self.nextAttemptAt = nextAttemptAt
    self.lastStatus = lastStatus
    self.lastError = lastError
    self.createdAt = createdAt
    self.deliveredAt = deliveredAt
  }
}

/// What an attempt to deliver came to.
public enum WebhookAttemptOutcome: Hashable, Sendable {
  /// The receiver answered 2xx with this status.
  case delivered(status: Int)
  /// No 2xx: the status (0 = none: connection refused, timeout...) and why.
  case failed(status: Int, error: String)
}

/// The rules of webhooks: what a subscription may be, and when a failed delivery is
/// tried again.
public enum WebhookRules {
  /// The most webhooks a server keeps.
  public static let maxWebhooks = 100
  /// Attempts before a delivery goes to the dead-letter list.
  public static let maxAttempts = 8
  /// Waits before the 2nd, 3rd... attempts: 10 s, 30 s, 1 min, 5 min, 15 min, 1 h, 3 h
  /// (about 4.5 hours from the first attempt to the last).
  public static let retryDelays: [TimeInterval] = [10, 30, 60, 300, 900, 3600, 10_800]

  /// When to try again after `attempts` failed attempts, or nil when the delivery is
  /// dead (``maxAttempts`` reached).
  public static func nextAttempt(after attempts: Int, failedAt date: Date) -> Date? {
    guard attempts >= 1, attempts < maxAttempts else { return nil }
    return date.addingTimeInterval(retryDelays[min(attempts - 1, retryDelays.count - 1)])
  }

  /// Checks a webhook as created or changed: a name (1–100 characters, one line) and a
  /// URL that is `https`, or `http` to a loopback address, with a host and no user or
  /// password in it.
  public static func check(_ webhook: Webhook) throws(DomainError) {
    var violations = Violations()
    let name = webhook.name.trimmingCharacters(in: .whitespacesAndNewlines)
    if name.isEmpty {
      violations.invalid("webhook.name", "REQUIRED", "a webhook needs a name")
    } else if name.count > 100 || name.contains(where: \.isNewline) {
      violations.invalid("webhook.name", "TOO_LONG", "a name has at most 100 characters, on one line")
    }
    if let problem = urlProblem(webhook.url) {
      violations.invalid("webhook.url", "INVALID_URL", problem)
    }
    try violations.throwIfAny("invalid webhook")
  }

  /// Why `text` cannot be a webhook's URL, or nil when it can.
  static func urlProblem(_ text: String) -> String? {
    guard text.count <= 2000, let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(),
      let host = url.host, !host.isEmpty
    else { return "not an absolute URL with a host" }
    if url.user != nil || url.password != nil { return "a URL must not carry a user or password" }
    switch scheme {
    case "https": return nil
    case "http" where ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host.lowercased()): return nil
    case "http": return "deliveries go over https (http only to a loopback address)"
    default: return "the scheme must be https"
    }
  }
}
