public import AtendeAPI
internal import AtendeDomain
public import AtendeStore

/// Links between tickets over a store: duplicates, related, parent and child (mass
/// incidents: solving the parent solves its children, in the store), cause.
public struct TicketLinkServiceImpl: TicketLinkService.ServiceProtocol {
  let store: any AtendeStore

  /// The store as the caller may see it (restricted to its departments, if it is).
  func store(for context: ServerContext) -> any AtendeStore { context.visibleStore(store) }

  public init(store: any AtendeStore) {
    self.store = store
  }

  public func linkTickets(_ request: LinkTicketsRequest, context: ServerContext) async throws -> AtendeAPI.TicketLink {
    let link = try request.link.map(AtendeDomain.TicketLink.init)
    try TicketLinkRules.validate(link)
    guard let link else { throw invalidArgument("link", "REQUIRED", "link is required") }
    try await context.checkVisible(ticketID: link.ticketID, in: store)
    try await context.checkVisible(ticketID: link.otherTicketID, in: store)
    return AtendeAPI.TicketLink(
      try await store(for: context).linkTickets(
        link, expectedVersion: try optionalVersion(request.expectedVersion), actor: context.actor))
  }

  public func unlinkTickets(_ request: UnlinkTicketsRequest, context: ServerContext) async throws
    -> UnlinkTicketsResponse
  {
    guard request.id > 0 else { throw invalidArgument("id", "REQUIRED", "the link's id is required") }
    try await store(for: context).unlinkTickets(
      id: request.id, expectedVersion: try optionalVersion(request.expectedVersion), actor: context.actor)
    return UnlinkTicketsResponse()
  }

  public func listTicketLinks(_ request: ListTicketLinksRequest, context: ServerContext) async throws
    -> ListTicketLinksResponse
  {
    try await context.checkVisible(ticketID: request.ticketId, in: store)
    let page = try await store(for: context).ticketLinks(
      ticketID: request.ticketId, page: try PageRequest(requested: request.pageSize, token: request.pageToken))
    return ListTicketLinksResponse(links: page.items.map(AtendeAPI.TicketLink.init), nextPageToken: page.nextPageToken)
  }
}

extension TicketLinkServiceImpl {
  public func mergeTickets(_ request: MergeTicketsRequest, context: ServerContext) async throws
    -> MergeTicketsResponse
  {
    var violations = Violations()
    if request.sourceId <= 0 { violations.invalid("source_id", "REQUIRED", "source_id is required") }
    if request.targetId <= 0 { violations.invalid("target_id", "REQUIRED", "target_id is required") }
    if request.sourceId > 0 && request.sourceId == request.targetId {
      violations.invalid("target_id", "SAME_TICKET", "a ticket cannot be merged into itself")
    }
    if request.sourceExpectedVersion <= 0 {
      violations.invalid("source_expected_version", "REQUIRED", "send the source's version the merge is based on")
    }
    if request.targetExpectedVersion <= 0 {
      violations.invalid("target_expected_version", "REQUIRED", "send the target's version the merge is based on")
    }
    try violations.throwIfAny("cannot merge")
    try await context.checkVisible(ticketID: request.sourceId, in: store)
    try await context.checkVisible(ticketID: request.targetId, in: store)
    let (source, target) = try await referringToTicket(as: "target_id") {
      try await store(for: context).mergeTickets(
        sourceID: request.sourceId, sourceVersion: request.sourceExpectedVersion, targetID: request.targetId,
        targetVersion: request.targetExpectedVersion, actor: context.actor)
    }
    return MergeTicketsResponse(source: AtendeAPI.Ticket(source), target: AtendeAPI.Ticket(target))
  }
}

extension AtendeAPI.TicketLink {
  init(_ link: AtendeDomain.TicketLink) {
    let kind: AtendeAPI.TicketLinkKind =
      switch link.kind {
      case .duplicateOf: .duplicateOf
      case .related: .related
      case .parentOf: .parentOf
      case .causedBy: .causedBy
      }
    self.init(
      id: link.id, ticketId: link.ticketID, kind: kind, otherTicketId: link.otherTicketID, createdBy: link.createdBy,
      createdAt: Google_Protobuf_Timestamp(date: link.createdAt))
  }
}

extension AtendeDomain.TicketLink {
  /// A link from the wire; the kind is required.
  init(_ wire: AtendeAPI.TicketLink) throws {
    let kind: AtendeDomain.TicketLinkKind
    switch wire.kind {
    case .duplicateOf: kind = .duplicateOf
    case .related: kind = .related
    case .parentOf: kind = .parentOf
    case .causedBy: kind = .causedBy
    default:
      throw invalidArgument("link.kind", "REQUIRED", "kind must be DUPLICATE_OF, RELATED, PARENT_OF or CAUSED_BY")
    }
    self.init(ticketID: wire.ticketId, kind: kind, otherTicketID: wire.otherTicketId)
  }
}
