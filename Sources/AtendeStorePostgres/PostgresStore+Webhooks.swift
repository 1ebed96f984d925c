public import AtendeDomain
public import AtendeStore
public import Foundation
internal import PostgresNIO

extension PostgresStore: WebhookStore {
  /// Serialises creating webhooks (their count and names).
  private static let webhookLock: Int64 = 0x6174_656e_6465_7768

  public func createWebhook(_ webhook: Webhook, actor: String) async throws -> Webhook {
    try WebhookRules.check(webhook)
    let now = self.now()
    return try await transaction(signalsEvents: false) { connection in
      try await connection.query("SELECT pg_advisory_xact_lock(\(Self.webhookLock))", logger: logger)
      let count = try await connection.query("SELECT count(*) AS n FROM webhook", logger: logger).collect()[0]
        .makeRandomAccess().value("n", as: Int64.self)
      guard count < WebhookRules.maxWebhooks else {
        throw DomainError.tooMany("webhooks", limit: WebhookRules.maxWebhooks, field: "webhook")
      }
      var stored = webhook
      stored.name = webhook.name.trimmingCharacters(in: .whitespacesAndNewlines)
      try await requireUniqueWebhookName(connection, stored.name, except: 0)
      stored.cursor = try await connection.query(
        "SELECT COALESCE(MAX(id), 0) AS last FROM ticket_event", logger: logger
      ).collect()[0].makeRandomAccess().value("last", as: Int64.self)
      stored.secretGeneration = 1
      stored.createdAt = now
      stored.updatedAt = now
      stored.updatedBy = actor
      stored.version = 1
      let kinds = WebhookColumns.kinds(stored.eventKinds)
      let departments = WebhookColumns.departments(stored.departmentIDs)
      stored.id = try await connection.query(
        """
        INSERT INTO webhook (name, name_key, url, event_kinds, department_ids, active, secret_generation, cursor,
          created_at, updated_at, updated_by, version)
        VALUES (\(stored.name), \(stored.name.lowercased()), \(stored.url), \(kinds), \(departments), \(stored.active),
          \(stored.secretGeneration), \(stored.cursor), \(now.micros), \(now.micros), \(actor), \(stored.version))
        RETURNING id
        """, logger: logger
      ).collect()[0].makeRandomAccess().value("id", as: Int64.self)
      return stored
    }
  }

  public func webhook(id: Int64) async throws -> Webhook {
    try await read { connection in try await fetchWebhook(connection, id: id) }
  }

  public func webhooks() async throws -> [Webhook] {
    try await read { connection in
      try await connection.query("SELECT * FROM webhook ORDER BY id", logger: logger).collect().map {
        try Self.webhook($0.makeRandomAccess())
      }
    }
  }

  public func updateWebhook(_ webhook: Webhook, expectedVersion: Int64, rotateSecret: Bool, actor: String)
    async throws -> Webhook
  {
    try WebhookRules.check(webhook)
    let now = self.now()
    return try await transaction(signalsEvents: false) { connection in
      try await connection.query("SELECT pg_advisory_xact_lock(\(Self.webhookLock))", logger: logger)
      var stored = try await fetchWebhook(connection, id: webhook.id, forUpdate: true)
      try Versioning.check(expectedVersion, current: stored.version, what: "webhook \(webhook.id)")
      stored.name = webhook.name.trimmingCharacters(in: .whitespacesAndNewlines)
      try await requireUniqueWebhookName(connection, stored.name, except: stored.id)
      stored.url = webhook.url
      stored.eventKinds = webhook.eventKinds
      stored.departmentIDs = webhook.departmentIDs
      stored.active = webhook.active
      if rotateSecret { stored.secretGeneration += 1 }
      stored.updatedAt = now
      stored.updatedBy = actor
      stored.version += 1
      let kinds = WebhookColumns.kinds(stored.eventKinds)
      let departments = WebhookColumns.departments(stored.departmentIDs)
      try await connection.query(
        """
        UPDATE webhook SET name = \(stored.name), name_key = \(stored.name.lowercased()), url = \(stored.url),
          event_kinds = \(kinds), department_ids = \(departments), active = \(stored.active),
          secret_generation = \(stored.secretGeneration), updated_at = \(now.micros), updated_by = \(actor),
          version = \(stored.version)
        WHERE id = \(stored.id)
        """, logger: logger)
      return stored
    }
  }

  public func deleteWebhook(id: Int64, expectedVersion: Int64) async throws {
    try await transaction(signalsEvents: false) { connection in
      let stored = try await fetchWebhook(connection, id: id, forUpdate: true)
      try Versioning.check(expectedVersion, current: stored.version, what: "webhook \(id)")
      try await connection.query("DELETE FROM webhook_delivery WHERE webhook_id = \(id)", logger: logger)
      try await connection.query("DELETE FROM webhook WHERE id = \(id)", logger: logger)
    }
  }

  public func enqueueWebhookDeliveries(
    webhookID: Int64, version: Int64, from: Int64, to: Int64, _ deliveries: [WebhookDelivery]
  ) async throws -> Bool {
    try await transaction(signalsEvents: false) { connection in
      let moved = try await connection.query(
        """
        UPDATE webhook SET cursor = \(to)
        WHERE id = \(webhookID) AND cursor = \(from) AND version = \(version) RETURNING id
        """, logger: logger
      ).collect()
      guard !moved.isEmpty else { return false }
      let pending = Int64(WebhookDelivery.State.pending.rawValue)
      for delivery in deliveries {
        try await connection.query(
          """
          INSERT INTO webhook_delivery (webhook_id, event_sequence, event_kind, ticket_id, body, state, attempts,
            next_attempt_at, last_status, last_error, created_at)
          VALUES (\(webhookID), \(delivery.eventSequence), \(delivery.eventKind.rawValue), \(delivery.ticketID),
            \(delivery.body), \(pending), 0, \(delivery.nextAttemptAt.micros), 0, '', \(delivery.createdAt.micros))
          ON CONFLICT (webhook_id, event_sequence) DO NOTHING
          """, logger: logger)
      }
      return true
    }
  }

  public func claimWebhookDeliveries(dueBy now: Date, leaseUntil: Date, limit: Int) async throws -> [WebhookDelivery] {
    try await transaction(signalsEvents: false) { connection in
      let pending = Int64(WebhookDelivery.State.pending.rawValue)
      return try await connection.query(
        """
        UPDATE webhook_delivery SET lease_until = \(leaseUntil.micros)
        WHERE id IN (
          SELECT id FROM webhook_delivery
          WHERE state = \(pending) AND next_attempt_at <= \(now.micros)
            AND (lease_until IS NULL OR lease_until <= \(now.micros))
            AND webhook_id IN (SELECT id FROM webhook WHERE active)
          ORDER BY next_attempt_at, id LIMIT \(Int64(limit))
          FOR UPDATE SKIP LOCKED)
        RETURNING *
        """, logger: logger
      ).collect().map { try Self.delivery($0.makeRandomAccess()) }.sorted {
        ($0.nextAttemptAt, $0.id) < ($1.nextAttemptAt, $1.id)
      }
    }
  }

  public func recordWebhookAttempt(id: Int64, leaseUntil: Date, outcome: WebhookAttemptOutcome, at date: Date)
    async throws -> WebhookDelivery?
  {
    try await transaction(signalsEvents: false) { connection in
      let pending = Int64(WebhookDelivery.State.pending.rawValue)
      guard
        let row = try await connection.query(
          """
          SELECT * FROM webhook_delivery
          WHERE id = \(id) AND state = \(pending) AND lease_until = \(leaseUntil.micros) FOR UPDATE
          """, logger: logger
        ).collect().first
      else { return nil }
      var delivery = try Self.delivery(row.makeRandomAccess())
      let after = WebhookColumns.after(outcome, attempts: delivery.attempts, at: date)
      delivery.state = after.state
      delivery.attempts = after.attempts
      delivery.nextAttemptAt = after.nextAttemptAt
      delivery.lastStatus = after.status
      delivery.lastError = after.error
      delivery.deliveredAt = after.deliveredAt
      try await connection.query(
        """
        UPDATE webhook_delivery SET state = \(Int64(delivery.state.rawValue)), attempts = \(Int64(delivery.attempts)),
          next_attempt_at = \(delivery.nextAttemptAt.micros), last_status = \(Int64(delivery.lastStatus)),
          last_error = \(delivery.lastError), delivered_at = \(delivery.deliveredAt?.micros), lease_until = NULL
        WHERE id = \(id)
        """, logger: logger)
      return delivery
    }
  }

  public func webhookDeliveries(webhookID: Int64?, state: WebhookDelivery.State?, page: PageRequest) async throws
    -> Page<WebhookDelivery>
  {
    let filter = PageToken.fingerprint(WebhookColumns.filter(webhookID: webhookID, state: state))
    let token = try PageToken.decode(page.token, filter: filter, keys: 1)
    var sql = SQL()
    var conditions = ["id < \(try sql.bind(token?.after.first.flatMap { Int64($0) } ?? Int64.max))"]
    if let webhookID { conditions.append("webhook_id = \(try sql.bind(webhookID))") }
    if let state { conditions.append("state = \(try sql.bind(Int64(state.rawValue)))") }
    sql.append(
      """
      SELECT * FROM webhook_delivery WHERE \(conditions.joined(separator: " AND "))
      ORDER BY id DESC LIMIT \(try sql.bind(Int64(page.size + 1)))
      """)
    let statement = sql.query
    return try await read { connection in
      let deliveries = try await connection.query(statement, logger: logger).collect().map {
        try Self.delivery($0.makeRandomAccess())
      }
      return Page.cut(deliveries, size: page.size, filter: filter) { [String($0.id)] }
    }
  }

  public func replayWebhookDeliveries(webhookID: Int64, ids: [Int64], at date: Date) async throws -> Int {
    try await transaction(signalsEvents: false) { connection in
      _ = try await fetchWebhook(connection, id: webhookID)
      let pending = Int64(WebhookDelivery.State.pending.rawValue)
      let dead = Int64(WebhookDelivery.State.dead.rawValue)
      let rows =
        if ids.isEmpty {
          try await connection.query(
            """
            UPDATE webhook_delivery SET state = \(pending), attempts = 0, next_attempt_at = \(date.micros),
              lease_until = NULL
            WHERE webhook_id = \(webhookID) AND state = \(dead) RETURNING id
            """, logger: logger
          ).collect()
        } else {
          try await connection.query(
            """
            UPDATE webhook_delivery SET state = \(pending), attempts = 0, next_attempt_at = \(date.micros),
              lease_until = NULL
            WHERE webhook_id = \(webhookID) AND state = \(dead) AND id = ANY(\(ids)) RETURNING id
            """, logger: logger
          ).collect()
        }
      return rows.count
    }
  }

  public func purgeWebhookDeliveries(deliveredBefore date: Date) async throws -> Int {
    try await transaction(signalsEvents: false) { connection in
      let delivered = Int64(WebhookDelivery.State.delivered.rawValue)
      return try await connection.query(
        "DELETE FROM webhook_delivery WHERE state = \(delivered) AND delivered_at < \(date.micros) RETURNING id",
        logger: logger
      ).collect().count
    }
  }

  private func fetchWebhook(_ connection: PostgresConnection, id: Int64, forUpdate: Bool = false) async throws
    -> Webhook
  {
    let rows =
      if forUpdate {
        try await connection.query("SELECT * FROM webhook WHERE id = \(id) FOR UPDATE", logger: logger).collect()
      } else {
        try await connection.query("SELECT * FROM webhook WHERE id = \(id)", logger: logger).collect()
      }
    guard let row = rows.first else { throw DomainError.notFound("webhook \(id)") }
    return try Self.webhook(row.makeRandomAccess())
  }

  private func requireUniqueWebhookName(_ connection: PostgresConnection, _ name: String, except id: Int64)
    async throws
  {
    let taken = try await connection.query(
      "SELECT id FROM webhook WHERE name_key = \(name.lowercased()) AND id <> \(id)", logger: logger
    ).collect()
    if !taken.isEmpty {
      throw DomainError(
        .alreadyExists, "a webhook named \(name) exists already",
        violations: [.init(field: "webhook.name", reason: "ALREADY_EXISTS", description: "the name is taken")])
    }
  }

  private static func webhook(_ row: PostgresRandomAccessRow) throws -> Webhook {
    Webhook(
      id: try row.value("id"), name: try row.value("name"), url: try row.value("url"),
      eventKinds: WebhookColumns.kinds(try row.value("event_kinds", as: String.self)),
      departmentIDs: WebhookColumns.departments(try row.value("department_ids", as: String?.self)),
      active: try row.value("active"), secretGeneration: try row.value("secret_generation"),
      cursor: try row.value("cursor"), createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"),
      updatedBy: try row.value("updated_by"), version: try row.value("version"))
  }

  private static func delivery(_ row: PostgresRandomAccessRow) throws -> WebhookDelivery {
    WebhookDelivery(
      id: try row.value("id"), webhookID: try row.value("webhook_id"),
      eventSequence: try row.value("event_sequence"),
      eventKind: TicketChangeEvent.Kind(rawValue: try row.value("event_kind")) ?? .changed,
      ticketID: try row.value("ticket_id"), body: try row.value("body"),
      state: WebhookDelivery.State(rawValue: Int(try row.value("state", as: Int64.self))) ?? .pending,
      attempts: Int(try row.value("attempts", as: Int64.self)), nextAttemptAt: try row.date("next_attempt_at"),
      lastStatus: Int(try row.value("last_status", as: Int64.self)), lastError: try row.value("last_error"),
      createdAt: try row.date("created_at"), deliveredAt: try row.optionalDate("delivered_at"))
  }
}
