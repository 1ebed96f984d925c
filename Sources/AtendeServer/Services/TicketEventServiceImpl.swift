public import AtendeAPI
internal import AtendeDomain
internal import Foundation

/// Live ticket events from a ``TicketEventBus``.
public struct TicketEventServiceImpl: TicketEventService.ServiceProtocol {
  let events: TicketEventBus

  public init(events: TicketEventBus) {
    self.events = events
  }

  public func watchTickets(
    _ request: WatchTicketsRequest, responses: RPCWriter<TicketEvent>, context: ServerContext
  ) async throws {
    if let department = optionalID(request.departmentId) {
      try context.checkDepartment(department, field: "department_id")
    }
    let filter = TicketEventBus.Filter(
      departmentID: optionalID(request.departmentId), assigneeID: optionalID(request.assigneeId),
      ticketID: optionalID(request.ticketId), allowedDepartments: context.allowedDepartments)
    for await item in events.subscribe(filter) {
      try await responses.write(TicketEvent(item))
    }
  }
}

extension TicketEvent {
  init(_ item: TicketEventBus.Item) {
    switch item {
    case .lagged(let dropped):
      self.init(kind: .lagged, at: Google_Protobuf_Timestamp(Date()), dropped: dropped)
    case .event(let event):
      let kind: TicketEventKind =
        switch event.kind {
        case .created: .created
        case .changed: .changed
        case .statusChanged: .statusChanged
        case .assigned: .assigned
        case .messageAdded: .messageAdded
        case .contactChanged: .contactChanged
        case .fileAdded: .fileAdded
        case .fileRemoved: .fileRemoved
        case .serviceOrderChanged: .serviceOrderChanged
        }
      self.init(
        sequence: event.sequence, kind: kind, ticket: AtendeAPI.Ticket(event.ticket), actor: event.actor,
        at: Google_Protobuf_Timestamp(event.at), fields: event.fields)
    }
  }
}
