public import AtendeAPI
internal import AtendeDomain
public import AtendeStore
public import Foundation

/// `atende.webhooks.v1.WebhookService`: webhook subscriptions, their deliveries and the
/// dead-letter list. Without a webhook key (or on a store that keeps no webhooks) every
/// call answers FAILED_PRECONDITION, reason `WEBHOOKS_DISABLED`.
public struct WebhookServiceImpl: WebhookService.ServiceProtocol {
  let store: (any WebhookStore)?
  let key: WebhookKey?
  let now: @Sendable () -> Date

  public init(store: (any WebhookStore)?, key: WebhookKey?, now: @escaping @Sendable () -> Date = Date.init) {
    self.store = store
    self.key = key
    self.now = now
  }

  /// The store and key, or FAILED_PRECONDITION; PERMISSION_DENIED for an identity
  /// restricted to departments or branches (a webhook would carry it every ticket).
  private func enabled(_ context: ServerContext) throws(RPCError) -> (any WebhookStore, WebhookKey) {
    guard context.ticketScope.isEverything else {
      throw RPCError(
        code: .permissionDenied,
        message: "\(context.principal?.name ?? "the caller") is restricted to some departments or branches: "
          + "webhooks deliver every ticket, so they are managed by unrestricted identities only",
        reason: AuthReason.restrictedIdentity)
    }
    guard let store, let key else {
      throw RPCError(
        code: .failedPrecondition,
        message: "webhooks are off on this server: start it with a webhook key (--webhook-key-file)",
        reason: "WEBHOOKS_DISABLED")
    }
    return (store, key)
  }

  public func createWebhook(_ request: CreateWebhookRequest, context: ServerContext) async throws
    -> CreateWebhookResponse
  {
    let (store, key) = try enabled(context)
    let created = try await store.createWebhook(
      try AtendeDomain.Webhook(request.webhook ?? .init()), actor: context.actor)
    return CreateWebhookResponse(webhook: AtendeAPI.Webhook(created), secret: key.secret(for: created))
  }

  public func getWebhook(_ request: GetWebhookRequest, context: ServerContext) async throws -> AtendeAPI.Webhook {
    AtendeAPI.Webhook(try await enabled(context).0.webhook(id: request.id))
  }

  public func listWebhooks(_ request: ListWebhooksRequest, context: ServerContext) async throws
    -> ListWebhooksResponse
  {
    ListWebhooksResponse(webhooks: try await enabled(context).0.webhooks().map(AtendeAPI.Webhook.init))
  }

  public func updateWebhook(_ request: UpdateWebhookRequest, context: ServerContext) async throws
    -> AtendeAPI.Webhook
  {
    let store = try enabled(context).0
    guard request.expectedVersion > 0 else {
      throw invalidArgument("expected_version", "REQUIRED", "give the version the change is based on")
    }
    let webhook = try AtendeDomain.Webhook(request.webhook ?? .init())
    return AtendeAPI.Webhook(
      try await store.updateWebhook(
        webhook, expectedVersion: request.expectedVersion, rotateSecret: false, actor: context.actor))
  }

  public func rotateWebhookSecret(_ request: RotateWebhookSecretRequest, context: ServerContext) async throws
    -> CreateWebhookResponse
  {
    let (store, key) = try enabled(context)
    guard request.expectedVersion > 0 else {
      throw invalidArgument("expected_version", "REQUIRED", "give the version the change is based on")
    }
    let current = try await store.webhook(id: request.id)
    let rotated = try await store.updateWebhook(
      current, expectedVersion: request.expectedVersion, rotateSecret: true, actor: context.actor)
    return CreateWebhookResponse(webhook: AtendeAPI.Webhook(rotated), secret: key.secret(for: rotated))
  }

  public func deleteWebhook(_ request: DeleteWebhookRequest, context: ServerContext) async throws
    -> DeleteWebhookResponse
  {
    let store = try enabled(context).0
    guard request.expectedVersion > 0 else {
      throw invalidArgument("expected_version", "REQUIRED", "give the version the change is based on")
    }
    try await store.deleteWebhook(id: request.id, expectedVersion: request.expectedVersion)
    return DeleteWebhookResponse()
  }

  public func listWebhookDeliveries(_ request: ListWebhookDeliveriesRequest, context: ServerContext) async throws
    -> ListWebhookDeliveriesResponse
  {
    let store = try enabled(context).0
    let state: AtendeDomain.WebhookDelivery.State? =
      switch request.state {
      case .unspecified: nil
      case .pending: .pending
      case .delivered: .delivered
      case .dead: .dead
      default: throw invalidArgument("state", "UNKNOWN", "unknown delivery state \(request.state.rawValue)")
      }
    let page = try await store.webhookDeliveries(
      webhookID: optionalID(request.webhookId), state: state,
      page: try PageRequest(requested: request.pageSize, token: request.pageToken))
    return ListWebhookDeliveriesResponse(
      deliveries: page.items.map(AtendeAPI.WebhookDelivery.init), nextPageToken: page.nextPageToken)
  }

  public func replayWebhookDeliveries(_ request: ReplayWebhookDeliveriesRequest, context: ServerContext)
    async throws -> ReplayWebhookDeliveriesResponse
  {
    let store = try enabled(context).0
    guard request.deliveryIds.count <= PageRequest.maxSize else {
      throw invalidArgument(
        "delivery_ids", "TOO_MANY", "at most \(PageRequest.maxSize) ids, not \(request.deliveryIds.count)")
    }
    let replayed = try await store.replayWebhookDeliveries(
      webhookID: request.webhookId, ids: request.deliveryIds, at: now())
    return ReplayWebhookDeliveriesResponse(replayed: UInt32(replayed))
  }
}

extension AtendeDomain.Webhook {
  /// The fields a caller sets; unknown event kinds are refused, naming their index.
  init(_ webhook: AtendeAPI.Webhook) throws(RPCError) {
    var kinds: Set<TicketChangeEvent.Kind> = []
    for (index, kind) in webhook.eventKinds.enumerated() {
      guard let known = TicketChangeEvent.Kind(kind) else {
        throw invalidArgument(
          "webhook.event_kinds[\(index)]", "UNKNOWN", "\(kind.protoName ?? String(kind.rawValue)) is no ticket change")
      }
      kinds.insert(known)
    }
    self.init(
      id: webhook.id, name: webhook.name, url: webhook.url, eventKinds: kinds,
      departmentIDs: webhook.departmentIds.isEmpty ? nil : Set(webhook.departmentIds), active: webhook.active)
  }
}

extension AtendeAPI.Webhook {
  init(_ webhook: AtendeDomain.Webhook) {
    self.init(
      id: webhook.id, name: webhook.name, url: webhook.url,
      eventKinds: webhook.eventKinds.map(TicketEventKind.init).sorted { $0.rawValue < $1.rawValue },
      departmentIds: webhook.departmentIDs?.sorted() ?? [], active: webhook.active,
      secretGeneration: webhook.secretGeneration, cursor: UInt64(webhook.cursor),
      createdAt: Google_Protobuf_Timestamp(date: webhook.createdAt),
      updatedAt: Google_Protobuf_Timestamp(date: webhook.updatedAt), updatedBy: webhook.updatedBy,
      version: webhook.version)
  }
}

extension AtendeAPI.WebhookDelivery {
  init(_ delivery: AtendeDomain.WebhookDelivery) {
    let state: WebhookDeliveryState =
      switch delivery.state {
      case .pending: .pending
      case .delivered: .delivered
      case .dead: .dead
      }
    self.init(
      id: delivery.id, webhookId: delivery.webhookID, eventSequence: UInt64(delivery.eventSequence),
      eventKind: TicketEventKind(delivery.eventKind), ticketId: delivery.ticketID, state: state,
      attempts: UInt32(delivery.attempts), nextAttemptAt: Google_Protobuf_Timestamp(date: delivery.nextAttemptAt),
      lastStatus: UInt32(clamping: delivery.lastStatus), lastError: delivery.lastError,
      createdAt: Google_Protobuf_Timestamp(date: delivery.createdAt),
      deliveredAt: delivery.deliveredAt.map { Google_Protobuf_Timestamp(date: $0) })
  }
}
