public import AtendeAPI
internal import AtendeDomain
public import AtendeStore
internal import Foundation

/// Ticket events: those recorded after a position of the log (resuming a watch on this
/// server or any other of the database), then live ones from a ``TicketEventBus``.
public struct TicketEventServiceImpl: TicketEventService.ServiceProtocol {
  let events: TicketEventBus
  let log: any TicketEventLog

  /// Events from `log`, delivered through `events` (which must read the same log).
  public init(events: TicketEventBus, log: any TicketEventLog) {
    self.events = events
    self.log = log
  }

  /// Events replayed per read of the log.
  static let replayBatch = 256

  public func watchTickets(
    _ request: WatchTicketsRequest, responses: RPCWriter<TicketEvent>, context: ServerContext
  ) async throws {
    if let department = optionalID(request.departmentId) {
      try context.checkDepartment(department, field: "department_id")
    }
    let filter = TicketEventBus.Filter(
      departmentID: optionalID(request.departmentId), assigneeID: optionalID(request.assigneeId),
      ticketID: optionalID(request.ticketId), scope: context.ticketScope)
    // Subscribe first, so that nothing recorded from now on is missed; then replay what
    // the log holds after the caller's position. Live events already replayed are skipped.
    let subscription = try await events.subscribeToLog(filter)
    let end = try await log.lastEventSequence()
    var last: Int64
    if request.afterSequence > 0 {
      guard request.afterSequence <= UInt64(end) else {
        throw invalidArgument(
          "after_sequence", "OUT_OF_RANGE",
          "after_sequence \(request.afterSequence) is past the last event recorded (\(end))")
      }
      last = Int64(request.afterSequence)
      while true {
        let batch = try await log.events(after: last, limit: Self.replayBatch)
        for event in batch where filter.matches(event.ticket) {
          try await responses.write(TicketEvent(.event(event)))
        }
        last = batch.last?.sequence ?? last
        if batch.count < Self.replayBatch { break }
      }
    } else {
      last = max(end, subscription.liveAfter)
    }
    for await item in subscription.items {
      if case .event(let event) = item {
        guard event.sequence > last else { continue }
        last = event.sequence
      }
      try await responses.write(TicketEvent(item))
    }
    // The stream ended without the call being cancelled: the server is shutting down.
    try Task.checkCancellation()
    throw RPCError(
      code: .unavailable,
      message: "the server is shutting down: watch again with after_sequence \(last) (on another server)")
  }
}

extension TicketEvent {
  init(_ item: TicketEventBus.Item) {
    switch item {
    case .lagged(let dropped):
      self.init(kind: .lagged, at: Google_Protobuf_Timestamp(date: Date()), dropped: dropped)
    case .event(let event):
      self.init(event)
    }
  }

  init(_ event: TicketChangeEvent) {
    self.init(
      sequence: UInt64(event.sequence), kind: TicketEventKind(event.kind), ticket: AtendeAPI.Ticket(event.ticket),
      actor: event.actor, at: Google_Protobuf_Timestamp(date: event.at), fields: event.fields)
  }
}

extension TicketEventKind {
  init(_ kind: TicketChangeEvent.Kind) {
    self =
      switch kind {
      case .created: .created
      case .changed: .changed
      case .statusChanged: .statusChanged
      case .assigned: .assigned
      case .messageAdded: .messageAdded
      case .contactChanged: .contactChanged
      case .fileAdded: .fileAdded
      case .fileRemoved: .fileRemoved
      case .serviceOrderChanged: .serviceOrderChanged
      case .escalated: .escalated
      }
  }
}

extension TicketChangeEvent.Kind {
  /// The kind an API event kind names; nil for those no ticket change has (LAGGED,
  /// unspecified, unknown).
  init?(_ kind: TicketEventKind) {
    guard let match = Self.allCases.first(where: { TicketEventKind($0) == kind }) else { return nil }
    self = match
  }
}
