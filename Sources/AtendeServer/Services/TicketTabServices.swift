public import AtendeAPI
internal import AtendeDomain
public import AtendeStore

/// The Messages tab over a store.
public struct TicketMessageServiceImpl: TicketMessageService.ServiceProtocol {
  let store: any AtendeStore

  /// The store as the caller may see it (restricted to its departments, if it is).
  private func store(for context: ServerContext) -> any AtendeStore { context.visibleStore(store) }

  /// The service over `store` (which records the events of every change).
  public init(store: any AtendeStore) {
    self.store = store
  }

  public func addTicketMessage(_ request: AddTicketMessageRequest, context: ServerContext) async throws
    -> AddTicketMessageResponse
  {
    try await referringToTicket(as: "message.ticket_id") {
      guard let message = request.message else { throw invalidArgument("message", "REQUIRED", "message is required") }
      let status: AtendeDomain.TicketStatus? =
        request.status == .unspecified
        ? nil
        : try request.status.domain
          ?? {
            throw invalidArgument("status", "UNKNOWN", "unknown status")
          }()
      try await context.checkVisible(ticketID: message.ticketId, in: store)
      let (stored, ticket) = try await store(for: context).addTicketMessage(
        try message.domain(), status: status,
        expectedVersion: try optionalVersion(request.expectedVersion),
        actor: context.actor)
      return AddTicketMessageResponse(message: AtendeAPI.TicketMessage(stored), ticket: AtendeAPI.Ticket(ticket))
    }
  }

  public func listTicketMessages(_ request: ListTicketMessagesRequest, context: ServerContext) async throws
    -> ListTicketMessagesResponse
  {
    try await context.checkVisible(ticketID: request.ticketId, in: store)
    let page = try await store(for: context).listTicketMessages(
      ticketID: request.ticketId, newestFirst: request.newestFirst, publicOnly: request.publicOnly,
      page: try PageRequest(requested: request.pageSize, token: request.pageToken))
    return ListTicketMessagesResponse(
      messages: page.items.map(AtendeAPI.TicketMessage.init), nextPageToken: page.nextPageToken)
  }
}

/// The Contacts tab over a store.
public struct TicketContactServiceImpl: TicketContactService.ServiceProtocol {
  let store: any AtendeStore

  /// The store as the caller may see it (restricted to its departments, if it is).
  private func store(for context: ServerContext) -> any AtendeStore { context.visibleStore(store) }
  static let updatableFields: Set<String> = ["name", "phone", "email", "note"]

  /// The service over `store` (which records the events of every change).
  public init(store: any AtendeStore) {
    self.store = store
  }

  /// NOT_FOUND for a contact of a ticket the caller may not see.
  private func checkVisible(contactID: Int64, _ context: ServerContext) async throws {
    guard !context.ticketScope.isEverything else { return }
    let contact = try await store(for: context).ticketContact(id: contactID)
    try await context.checkVisible(ticketID: contact.ticketID, in: store, hidden: "contact \(contactID)")
  }

  public func addTicketContact(_ request: AddTicketContactRequest, context: ServerContext) async throws
    -> AtendeAPI.TicketContact
  {
    try await referringToTicket(as: "contact.ticket_id") {
      guard let contact = request.contact, contact.ticketId > 0 else {
        throw invalidArgument("contact.ticket_id", "REQUIRED", "the contact's ticket is required")
      }
      try await context.checkVisible(ticketID: contact.ticketId, in: store)
      let added = try await store(for: context).addTicketContact(contact.domain, actor: context.actor)
      return AtendeAPI.TicketContact(added)
    }
  }

  public func updateTicketContact(_ request: UpdateTicketContactRequest, context: ServerContext) async throws
    -> AtendeAPI.TicketContact
  {
    try await referringToTicket(as: "contact.id") {
      guard let contact = request.contact, contact.id > 0 else {
        throw invalidArgument("contact.id", "REQUIRED", "the contact's id is required")
      }
      let fields = try maskFields(request.updateMask, prefix: "contact", allowed: Self.updatableFields) {
        [("name", contact.name), ("phone", contact.phone), ("email", contact.email), ("note", contact.note)]
          .filter { !$0.1.isEmpty }.map(\.0)
      }
      try await checkVisible(contactID: contact.id, context)
      let updated = try await store(for: context).updateTicketContact(
        id: contact.id, with: contact.domain, fields: Set(fields),
        expectedVersion: try optionalVersion(request.expectedVersion),
        actor: context.actor)
      return AtendeAPI.TicketContact(updated)
    }
  }

  public func removeTicketContact(_ request: RemoveTicketContactRequest, context: ServerContext) async throws
    -> RemoveTicketContactResponse
  {
    try await referringToTicket(as: "id") {
      try await checkVisible(contactID: request.id, context)
      try await store(for: context).removeTicketContact(
        id: request.id, expectedVersion: try optionalVersion(request.expectedVersion), actor: context.actor)
      return RemoveTicketContactResponse()
    }
  }

  public func listTicketContacts(_ request: ListTicketContactsRequest, context: ServerContext) async throws
    -> ListTicketContactsResponse
  {
    try await context.checkVisible(ticketID: request.ticketId, in: store)
    return ListTicketContactsResponse(
      contacts: try await store(for: context).listTicketContacts(ticketID: request.ticketId).map(
        AtendeAPI.TicketContact.init))
  }
}
