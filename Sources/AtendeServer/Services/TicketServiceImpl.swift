public import AtendeAPI
internal import AtendeDomain
public import AtendeStore

/// The ticket RPCs over a store.
public struct TicketServiceImpl: TicketService.ServiceProtocol {
  let store: any AtendeStore

  /// The store as the caller may see it (restricted to its departments, if it is).
  private func store(for context: ServerContext) -> any AtendeStore { context.visibleStore(store) }

  /// The ticket service over `store` (which records the events of every change).
  public init(store: any AtendeStore) {
    self.store = store
  }

  static let updatableFields: Set<String> = Set(TicketField.allCases.map(\.rawValue))

  public func createTicket(_ request: CreateTicketRequest, context: ServerContext) async throws -> AtendeAPI.Ticket {
    guard let ticket = request.ticket else { throw invalidArgument("ticket", "REQUIRED", "ticket is required") }
    try context.checkDepartment(ticket.departmentId, field: "ticket.department_id")
    try context.checkBranch(optionalID(ticket.branchId), field: "ticket.branch_id")
    return AtendeAPI.Ticket(try await store(for: context).createTicket(TicketFields(ticket), actor: context.actor))
  }

  public func getTicket(_ request: GetTicketRequest, context: ServerContext) async throws -> AtendeAPI.Ticket {
    let ticket =
      switch request.key {
      case .id(let id)?: try await store(for: context).ticket(id: id)
      case .protocol(let number)?: try await store(for: context).ticket(protocolNumber: number)
      case nil: throw invalidArgument("key", "REQUIRED", "give the ticket's id or protocol")
      }
    if case .protocol(let number)? = request.key {
      try context.checkVisible(ticket, hidden: "ticket with protocol \(number)")
    } else {
      try context.checkVisible(ticket)
    }
    var answer = AtendeAPI.Ticket(ticket)
    answer.sla = try await store.ticketSLAs([ticket])[ticket.id].map(AtendeAPI.TicketSla.init)
    return answer
  }

  public func updateTicket(_ request: UpdateTicketRequest, context: ServerContext) async throws -> AtendeAPI.Ticket {
    guard let ticket = request.ticket, ticket.id > 0 else {
      throw invalidArgument("ticket.id", "REQUIRED", "the ticket's id is required")
    }
    let paths = try maskFields(request.updateMask, prefix: "ticket", allowed: Self.updatableFields) {
      TicketFields.populated(ticket)
    }
    let mask = Set(paths.compactMap(TicketField.init(rawValue:)))
    guard !mask.isEmpty else { throw invalidArgument("update_mask", "REQUIRED", "nothing to update") }
    try await context.checkVisible(ticketID: ticket.id, in: store)
    if mask.contains(.departmentID) { try context.checkDepartment(ticket.departmentId, field: "ticket.department_id") }
    if mask.contains(.branchID) { try context.checkBranch(optionalID(ticket.branchId), field: "ticket.branch_id") }
    let updated = try await store(for: context).updateTicket(
      id: ticket.id, expectedVersion: request.expectedVersion, fields: TicketFields(ticket), mask: mask,
      actor: context.actor)
    return AtendeAPI.Ticket(updated)
  }

  public func listTickets(_ request: ListTicketsRequest, context: ServerContext) async throws -> ListTicketsResponse {
    var query = try TicketQuery(request)
    if let department = query.departmentID { try context.checkDepartment(department, field: "department_id") }
    if let branch = query.branchID { try context.checkBranch(branch, field: "branch_id") }
    let page = try await store(for: context).listTickets(
      query, page: try PageRequest(requested: request.pageSize, token: request.pageToken))
    let slas = try await store.ticketSLAs(page.items)
    return ListTicketsResponse(
      tickets: page.items.map { ticket in
        var answer = AtendeAPI.Ticket(ticket)
        answer.sla = slas[ticket.id].map(AtendeAPI.TicketSla.init)
        return answer
      }, nextPageToken: page.nextPageToken)
  }

  public func listTags(_ request: ListTagsRequest, context: ServerContext) async throws -> ListTagsResponse {
    guard request.limit >= 0 else {
      throw invalidArgument("limit", "OUT_OF_RANGE", "limit must be 0 (the default, 50) to 500, not \(request.limit)")
    }
    let limit = request.limit == 0 ? 50 : min(Int(request.limit), 500)
    let prefix = TagRules.normalize(request.prefix)
    guard prefix.count <= TagRules.maxTagLength else {
      throw invalidArgument("prefix", "TOO_LONG", "a tag has at most \(TagRules.maxTagLength) characters")
    }
    let tags = try await store(for: context).ticketTags(prefix: prefix, limit: limit)
    return ListTagsResponse(tags: tags.map { AtendeAPI.TagCount(tag: $0.tag, tickets: Int64($0.tickets)) })
  }

  public func changeTicketStatus(_ request: ChangeTicketStatusRequest, context: ServerContext) async throws
    -> AtendeAPI.Ticket
  {
    try await referringToTicket(as: "id") {
      guard let status = request.status.domain else {
        throw invalidArgument("status", "REQUIRED", "status must be PENDING, IN_PROGRESS or SOLVED")
      }
      try await context.checkVisible(ticketID: request.id, in: store)
      let changed = try await store(for: context).changeTicketStatus(
        id: request.id, expectedVersion: request.expectedVersion, to: status, message: request.message,
        actor: context.actor)
      return AtendeAPI.Ticket(changed)
    }
  }

  public func assignTicket(_ request: AssignTicketRequest, context: ServerContext) async throws -> AtendeAPI.Ticket {
    try await referringToTicket(as: "id") {
      try await context.checkVisible(ticketID: request.id, in: store)
      return AtendeAPI.Ticket(
        try await store(for: context).assignTicket(
          id: request.id, expectedVersion: request.expectedVersion, assigneeID: optionalID(request.assigneeId),
          actor: context.actor))
    }
  }

  public func reopenTicket(_ request: ReopenTicketRequest, context: ServerContext) async throws -> AtendeAPI.Ticket {
    try await referringToTicket(as: "id") {
      try await context.checkVisible(ticketID: request.id, in: store)
      return AtendeAPI.Ticket(
        try await store(for: context).reopenTicket(
          id: request.id, expectedVersion: request.expectedVersion, reason: request.reason, actor: context.actor))
    }
  }

  public func cancelTicket(_ request: CancelTicketRequest, context: ServerContext) async throws -> AtendeAPI.Ticket {
    try await referringToTicket(as: "id") {
      try await context.checkVisible(ticketID: request.id, in: store)
      return AtendeAPI.Ticket(
        try await store(for: context).cancelTicket(
          id: request.id, expectedVersion: request.expectedVersion, reason: request.reason, actor: context.actor))
    }
  }

  public func listTicketHistory(_ request: ListHistoryRequest, context: ServerContext) async throws
    -> ListHistoryResponse
  {
    try await context.checkVisible(ticketID: request.id, in: store)
    return ListHistoryResponse(
      try await store(for: context).ticketHistory(
        id: request.id, kind: request.kind, page: try PageRequest(requested: request.pageSize, token: request.pageToken)
      ))
  }
}
