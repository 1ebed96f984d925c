public import AtendeAPI
internal import AtendeDomain
public import AtendeStore
internal import Foundation

/// Service orders over a store.
public struct ServiceOrderServiceImpl: ServiceOrderService.ServiceProtocol {
  let store: any AtendeStore

  /// The store as the caller may see it (restricted to its departments, if it is).
  private func store(for context: ServerContext) -> any AtendeStore { context.visibleStore(store) }

  /// The service over `store` (which records the events of every change).
  public init(store: any AtendeStore) {
    self.store = store
  }

  /// NOT_FOUND for an order of a ticket the caller may not see.
  private func checkVisible(orderID: Int64, _ context: ServerContext) async throws {
    guard !context.ticketScope.isEverything else { return }
    let order = try await store(for: context).serviceOrder(id: orderID)
    try await context.checkVisible(ticketID: order.ticketID, in: store, hidden: "service order \(orderID)")
  }

  public func openServiceOrder(_ request: OpenServiceOrderRequest, context: ServerContext) async throws
    -> AtendeAPI.ServiceOrder
  {
    try await referringToTicket(as: "order.ticket_id") {
      guard let wire = request.order, wire.ticketId > 0 else {
        throw invalidArgument("order.ticket_id", "REQUIRED", "the order's ticket is required")
      }
      let order = AtendeDomain.ServiceOrder(
        ticketID: wire.ticketId, subjectID: optionalID(wire.subjectId), departmentID: wire.departmentId,
        technicianID: optionalID(wire.technicianId), description: wire.description)
      try await context.checkVisible(ticketID: wire.ticketId, in: store)
      let opened = try await store(for: context).openServiceOrder(
        order, priority: AtendeDomain.Priority(wire.priority), actor: context.actor)
      return AtendeAPI.ServiceOrder(opened)
    }
  }

  public func getServiceOrder(_ request: GetServiceOrderRequest, context: ServerContext) async throws
    -> AtendeAPI.ServiceOrder
  {
    let order = try await store(for: context).serviceOrder(id: request.id)
    try await context.checkVisible(ticketID: order.ticketID, in: store, hidden: "service order \(request.id)")
    return AtendeAPI.ServiceOrder(order)
  }

  public func changeServiceOrderStatus(_ request: ChangeServiceOrderStatusRequest, context: ServerContext)
    async throws -> AtendeAPI.ServiceOrder
  {
    try await referringToTicket(as: "id") {
      guard let status = request.status.domain else {
        throw invalidArgument("status", "REQUIRED", "the new status is required")
      }
      try await checkVisible(orderID: request.id, context)
      let changed = try await store(for: context).changeServiceOrder(
        id: request.id, expectedVersion: request.expectedVersion, actor: context.actor, note: request.note
      ) { order, ticket, _, now in
        try ServiceOrderRules.changeStatus(order, to: status, ticket: ticket, now: now)
      }
      return AtendeAPI.ServiceOrder(changed)
    }
  }

  public func assignTechnician(_ request: AssignTechnicianRequest, context: ServerContext) async throws
    -> AtendeAPI.ServiceOrder
  {
    try await referringToTicket(as: "id") {
      let technician = request.technicianId
      try await checkVisible(orderID: request.id, context)
      let changed = try await store(for: context).changeServiceOrder(
        id: request.id, expectedVersion: request.expectedVersion, actor: context.actor, note: ""
      ) { order, ticket, lookup, now in
        try ServiceOrderRules.assign(order, technician: technician, ticket: ticket, now: now, lookup: lookup)
      }
      return AtendeAPI.ServiceOrder(changed)
    }
  }

  public func scheduleServiceOrder(_ request: ScheduleServiceOrderRequest, context: ServerContext) async throws
    -> AtendeAPI.ServiceOrder
  {
    try await referringToTicket(as: "id") {
      guard let when = request.scheduledAt?.date else {
        throw invalidArgument("scheduled_at", "REQUIRED", "the visit time is required")
      }
      try await checkVisible(orderID: request.id, context)
      let changed = try await store(for: context).changeServiceOrder(
        id: request.id, expectedVersion: request.expectedVersion, actor: context.actor, note: ""
      ) { order, ticket, _, now in
        try ServiceOrderRules.schedule(order, at: when, ticket: ticket, now: now)
      }
      return AtendeAPI.ServiceOrder(changed)
    }
  }

  public func recordSignature(_ request: RecordSignatureRequest, context: ServerContext) async throws
    -> AtendeAPI.ServiceOrder
  {
    try await referringToTicket(as: "id") {
      let name = request.signedBy
      try await checkVisible(orderID: request.id, context)
      let changed = try await store(for: context).changeServiceOrder(
        id: request.id, expectedVersion: request.expectedVersion, actor: context.actor, note: ""
      ) { order, ticket, _, now in
        try ServiceOrderRules.sign(order, by: name, ticket: ticket, now: now)
      }
      return AtendeAPI.ServiceOrder(changed)
    }
  }

  public func listServiceOrders(_ request: ListServiceOrdersRequest, context: ServerContext) async throws
    -> ListServiceOrdersResponse
  {
    var filter = ServiceOrderFilter(
      ticketID: optionalID(request.ticketId), statuses: Set(request.statuses.compactMap(\.domain)),
      departmentID: optionalID(request.departmentId), technicianID: optionalID(request.technicianId))
    if let ticketID = filter.ticketID { try await context.checkVisible(ticketID: ticketID, in: store) }
    filter.ticketScope = context.ticketScope
    let page = try await store(for: context).listServiceOrders(
      filter, page: try PageRequest(requested: request.pageSize, token: request.pageToken))
    return ListServiceOrdersResponse(
      orders: page.items.map(AtendeAPI.ServiceOrder.init), nextPageToken: page.nextPageToken)
  }
}

extension AtendeAPI.ServiceOrder {
  init(_ order: AtendeDomain.ServiceOrder) {
    self.init(
      id: order.id, ticketId: order.ticketID, subjectId: order.subjectID ?? 0, departmentId: order.departmentID,
      technicianId: order.technicianID ?? 0, priority: order.priority.wire,
      status: AtendeAPI.ServiceOrderStatus(rawValue: Int32(order.status.rawValue)),
      scheduledAt: order.scheduledAt.map(Google_Protobuf_Timestamp.init(date:)), description: order.description,
      requiresSignature: order.requiresSignature, signedAt: order.signedAt.map(Google_Protobuf_Timestamp.init(date:)),
      signedBy: order.signedBy, createdAt: Google_Protobuf_Timestamp(date: order.createdAt),
      updatedAt: Google_Protobuf_Timestamp(date: order.updatedAt), version: order.version)
  }
}

extension AtendeAPI.ServiceOrderStatus {
  /// The domain status (wire values match the domain's raw values), nil for UNSPECIFIED.
  var domain: AtendeDomain.ServiceOrderStatus? {
    AtendeDomain.ServiceOrderStatus(rawValue: Int(rawValue))
  }
}
