public import AtendeDomain
public import Foundation
internal import GRDB

extension SQLiteStore: WebhookStore {
  public func createWebhook(_ webhook: Webhook, actor: String) async throws -> Webhook {
    try WebhookRules.check(webhook)
    let now = self.now()
    return try await write(signalsEvents: false) { db in
      let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM webhook")!
      guard count < WebhookRules.maxWebhooks else {
        throw DomainError.tooMany("webhooks", limit: WebhookRules.maxWebhooks, field: "webhook")
      }
      var stored = webhook
      stored.name = webhook.name.trimmingCharacters(in: .whitespacesAndNewlines)
      try Self.requireUniqueWebhookName(db, stored.name, except: 0)
      stored.cursor = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM ticket_event")!
      stored.secretGeneration = 1
      stored.createdAt = now
      stored.updatedAt = now
      stored.updatedBy = actor
      stored.version = 1
      try db.execute(
        sql: """
          INSERT INTO webhook (name, name_key, url, event_kinds, department_ids, active, secret_generation, cursor,
            created_at, updated_at, updated_by, version)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          """,
        arguments: [
          stored.name, stored.name.lowercased(), stored.url, WebhookColumns.kinds(stored.eventKinds),
          WebhookColumns.departments(stored.departmentIDs), stored.active, stored.secretGeneration, stored.cursor,
          now.micros, now.micros, actor, stored.version,
        ])
      stored.id = db.lastInsertedRowID
      return stored
    }
  }

  public func webhook(id: Int64) async throws -> Webhook {
    try await read { db in try Self.fetchWebhook(db, id: id) }
  }

  public func webhooks() async throws -> [Webhook] {
    try await read { db in
      try Row.fetchAll(db, sql: "SELECT * FROM webhook ORDER BY id").map(Self.webhook)
    }
  }

  public func updateWebhook(_ webhook: Webhook, expectedVersion: Int64, rotateSecret: Bool, actor: String)
    async throws -> Webhook
  {
    try WebhookRules.check(webhook)
    let now = self.now()
    return try await write(signalsEvents: false) { db in
      var stored = try Self.fetchWebhook(db, id: webhook.id)
      try Self.requireVersion(expectedVersion, current: stored.version, what: "webhook \(webhook.id)")
      stored.name = webhook.name.trimmingCharacters(in: .whitespacesAndNewlines)
      try Self.requireUniqueWebhookName(db, stored.name, except: stored.id)
      stored.url = webhook.url
      stored.eventKinds = webhook.eventKinds
      stored.departmentIDs = webhook.departmentIDs
      stored.active = webhook.active
      if rotateSecret { stored.secretGeneration += 1 }
      stored.updatedAt = now
      stored.updatedBy = actor
      stored.version += 1
      try db.execute(
        sql: """
          UPDATE webhook SET name = ?, name_key = ?, url = ?, event_kinds = ?, department_ids = ?, active = ?,
            secret_generation = ?, updated_at = ?, updated_by = ?, version = ?
          WHERE id = ?
          """,
        arguments: [
          stored.name, stored.name.lowercased(), stored.url, WebhookColumns.kinds(stored.eventKinds),
          WebhookColumns.departments(stored.departmentIDs), stored.active, stored.secretGeneration, now.micros, actor,
          stored.version, stored.id,
        ])
      return stored
    }
  }

  public func deleteWebhook(id: Int64, expectedVersion: Int64) async throws {
    try await write(signalsEvents: false) { db in
      let stored = try Self.fetchWebhook(db, id: id)
      try Self.requireVersion(expectedVersion, current: stored.version, what: "webhook \(id)")
      try db.execute(sql: "DELETE FROM webhook_delivery WHERE webhook_id = ?", arguments: [id])
      try db.execute(sql: "DELETE FROM webhook WHERE id = ?", arguments: [id])
    }
  }

  public func enqueueWebhookDeliveries(
    webhookID: Int64, version: Int64, from: Int64, to: Int64, _ deliveries: [WebhookDelivery]
  ) async throws -> Bool {
    try await write(signalsEvents: false) { db in
      try db.execute(
        sql: "UPDATE webhook SET cursor = ? WHERE id = ? AND cursor = ? AND version = ?",
        arguments: [to, webhookID, from, version])
      guard db.changesCount == 1 else { return false }
      for delivery in deliveries {
        try db.execute(
          sql: """
            INSERT OR IGNORE INTO webhook_delivery (webhook_id, event_sequence, event_kind, ticket_id, body, state,
              attempts, next_attempt_at, last_status, last_error, created_at)
            VALUES (?, ?, ?, ?, ?, ?, 0, ?, 0, '', ?)
            """,
          arguments: [
            webhookID, delivery.eventSequence, delivery.eventKind.rawValue, delivery.ticketID, delivery.body,
            WebhookDelivery.State.pending.rawValue, delivery.nextAttemptAt.micros, delivery.createdAt.micros,
          ])
      }
      return true
    }
  }

  public func claimWebhookDeliveries(dueBy now: Date, leaseUntil: Date, limit: Int) async throws -> [WebhookDelivery] {
    try await write(signalsEvents: false) { db in
      let rows = try Row.fetchAll(
        db,
        sql: """
          SELECT * FROM webhook_delivery
          WHERE state = ? AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until <= ?)
            AND webhook_id IN (SELECT id FROM webhook WHERE active)
          ORDER BY next_attempt_at, id LIMIT ?
          """, arguments: [WebhookDelivery.State.pending.rawValue, now.micros, now.micros, limit])
      let deliveries = rows.map(Self.delivery)
      for delivery in deliveries {
        try db.execute(
          sql: "UPDATE webhook_delivery SET lease_until = ? WHERE id = ?", arguments: [leaseUntil.micros, delivery.id])
      }
      return deliveries
    }
  }

  public func recordWebhookAttempt(id: Int64, leaseUntil: Date, outcome: WebhookAttemptOutcome, at date: Date)
    async throws -> WebhookDelivery?
  {
    try await write(signalsEvents: false) { db in
      guard
        let row = try Row.fetchOne(
          db, sql: "SELECT * FROM webhook_delivery WHERE id = ? AND state = ? AND lease_until = ?",
          arguments: [id, WebhookDelivery.State.pending.rawValue, leaseUntil.micros])
      else { return nil }
      var delivery = Self.delivery(row)
      let after = WebhookColumns.after(outcome, attempts: delivery.attempts, at: date)
      delivery.state = after.state
      delivery.attempts = after.attempts
      delivery.nextAttemptAt = after.nextAttemptAt
      delivery.lastStatus = after.status
      delivery.lastError = after.error
      delivery.deliveredAt = after.deliveredAt
      try db.execute(
        sql: """
          UPDATE webhook_delivery SET state = ?, attempts = ?, next_attempt_at = ?, last_status = ?, last_error = ?,
            delivered_at = ?, lease_until = NULL
          WHERE id = ?
          """,
        arguments: [
          delivery.state.rawValue, delivery.attempts, delivery.nextAttemptAt.micros, delivery.lastStatus,
          delivery.lastError, delivery.deliveredAt?.micros, id,
        ])
      return delivery
    }
  }

  public func webhookDeliveries(webhookID: Int64?, state: WebhookDelivery.State?, page: PageRequest) async throws
    -> Page<WebhookDelivery>
  {
    let filter = PageToken.fingerprint(WebhookColumns.filter(webhookID: webhookID, state: state))
    let token = try PageToken.decode(page.token, filter: filter, keys: 1)
    return try await read { db in
      var conditions = ["id < ?"]
      var arguments: StatementArguments = [token?.after.first.flatMap { Int64($0) } ?? Int64.max]
      if let webhookID {
        conditions.append("webhook_id = ?")
        _ = arguments.append(contentsOf: [webhookID])
      }
      if let state {
        conditions.append("state = ?")
        _ = arguments.append(contentsOf: [state.rawValue])
      }
      _ = arguments.append(contentsOf: [page.size + 1])
      let rows = try Row.fetchAll(
        db,
        sql: "SELECT * FROM webhook_delivery WHERE \(conditions.joined(separator: " AND ")) ORDER BY id DESC LIMIT ?",
        arguments: arguments)
      return Self.page(rows.map(Self.delivery), size: page.size, filter: filter) { [String($0.id)] }
    }
  }

  public func replayWebhookDeliveries(webhookID: Int64, ids: [Int64], at date: Date) async throws -> Int {
    try await write(signalsEvents: false) { db in
      _ = try Self.fetchWebhook(db, id: webhookID)
      let scope: String
      var arguments: StatementArguments = [
        WebhookDelivery.State.pending.rawValue, date.micros, webhookID, WebhookDelivery.State.dead.rawValue,
      ]
      if ids.isEmpty {
        scope = ""
      } else {
        scope = " AND id IN (\(ids.map { _ in "?" }.joined(separator: ", ")))"
        _ = arguments.append(contentsOf: StatementArguments(ids))
      }
      try db.execute(
        sql: """
          UPDATE webhook_delivery SET state = ?, attempts = 0, next_attempt_at = ?, lease_until = NULL
          WHERE webhook_id = ? AND state = ?\(scope)
          """, arguments: arguments)
      return db.changesCount
    }
  }

  public func purgeWebhookDeliveries(deliveredBefore date: Date) async throws -> Int {
    try await write(signalsEvents: false) { db in
      try db.execute(
        sql: "DELETE FROM webhook_delivery WHERE state = ? AND delivered_at < ?",
        arguments: [WebhookDelivery.State.delivered.rawValue, date.micros])
      return db.changesCount
    }
  }

  private static func fetchWebhook(_ db: Database, id: Int64) throws -> Webhook {
    guard let row = try Row.fetchOne(db, sql: "SELECT * FROM webhook WHERE id = ?", arguments: [id]) else {
      throw DomainError.notFound("webhook \(id)")
    }
    return webhook(row)
  }

  private static func requireUniqueWebhookName(_ db: Database, _ name: String, except id: Int64) throws {
    if try Int64.fetchOne(
      db, sql: "SELECT id FROM webhook WHERE name_key = ? AND id <> ?", arguments: [name.lowercased(), id]) != nil
    {
      throw DomainError(
        .alreadyExists, "a webhook named \(name) exists already",
        violations: [.init(field: "webhook.name", reason: "ALREADY_EXISTS", description: "the name is taken")])
    }
  }

  private static func webhook(_ row: Row) -> Webhook {
    Webhook(
      id: row["id"], name: row["name"], url: row["url"], eventKinds: WebhookColumns.kinds(row["event_kinds"] as String),
      departmentIDs: WebhookColumns.departments(row["department_ids"] as String?), active: row["active"],
      secretGeneration: row["secret_generation"], cursor: row["cursor"],
      createdAt: Date(micros: row["created_at"]), updatedAt: Date(micros: row["updated_at"]),
      updatedBy: row["updated_by"], version: row["version"])
  }

  private static func delivery(_ row: Row) -> WebhookDelivery {
    WebhookDelivery(
      id: row["id"], webhookID: row["webhook_id"], eventSequence: row["event_sequence"],
      eventKind: TicketChangeEvent.Kind(rawValue: row["event_kind"]) ?? .changed, ticketID: row["ticket_id"],
      body: row["body"], state: WebhookDelivery.State(rawValue: row["state"]) ?? .pending, attempts: row["attempts"],
      nextAttemptAt: Date(micros: row["next_attempt_at"]), lastStatus: row["last_status"],
      lastError: row["last_error"], createdAt: Date(micros: row["created_at"]),
      deliveredAt: (row["delivered_at"] as Int64?).map(Date.init(micros:)))
  }
}
