public import AtendeDomain
public import Foundation
internal import Synchronization

/// Fans ticket events out to live subscribers, in order, without ever blocking the
/// publisher: each subscriber has a bounded buffer, and one that falls behind loses
/// events and is told how many (a `.lagged` item) when it catches up.
public final class TicketEventBus: Sendable {
  /// What happened to a ticket.
  public enum Kind: Sendable, Hashable {
    case created, changed, statusChanged, assigned, messageAdded, contactChanged, fileAdded, fileRemoved,
      serviceOrderChanged
  }

  /// One published event.
  public struct Event: Sendable, Hashable {
    public var sequence: UInt64
    public var kind: Kind
    public var ticket: Ticket
    public var actor: String
    public var at: Date
    public var fields: [String]
  }

  /// What a subscriber receives.
  public enum Item: Sendable, Hashable {
    case event(Event)
    /// `dropped` events were not delivered (the subscriber's buffer was full).
    case lagged(dropped: UInt64)
  }

  /// Which events a subscriber wants.
  public struct Filter: Sendable, Hashable {
    public var departmentID: Int64?
    public var assigneeID: Int64?
    public var ticketID: Int64?
    /// The departments the subscriber may see (an identity restricted to departments);
    /// nil = every department.
    public var allowedDepartments: Set<Int64>?

    public init(
      departmentID: Int64? = nil, assigneeID: Int64? = nil, ticketID: Int64? = nil,
      allowedDepartments: Set<Int64>? = nil
    ) {
      self.departmentID = departmentID
      self.assigneeID = assigneeID
      self.ticketID = ticketID
      self.allowedDepartments = allowedDepartments
    }

    func matches(_ ticket: Ticket) -> Bool {
      (departmentID == nil || ticket.departmentID == departmentID)
        && (assigneeID == nil || ticket.assigneeID == assigneeID) && (ticketID == nil || ticket.id == ticketID)
        && (allowedDepartments?.contains(ticket.departmentID) ?? true)
    }
  }

  private struct Subscriber {
    let filter: Filter
    let continuation: AsyncStream<Item>.Continuation
    /// Events dropped since the last one delivered.
    var dropped: UInt64 = 0
  }

  private struct State {
    var sequence: UInt64 = 0
    var nextID = 0
    var subscribers: [Int: Subscriber] = [:]
  }

  private let state = Mutex(State())
  /// Events a subscriber may have waiting before it starts losing them.
  public let bufferSize: Int

  public init(bufferSize: Int = 1024) {
    self.bufferSize = max(2, bufferSize)
  }

  /// The number of live subscribers.
  public var subscriberCount: Int { state.withLock { $0.subscribers.count } }

  /// A stream of the events matching `filter`, from now on. It ends when the stream is
  /// dropped or cancelled.
  public func subscribe(_ filter: Filter) -> AsyncStream<Item> {
    let (stream, continuation) = AsyncStream<Item>.makeStream(bufferingPolicy: .bufferingOldest(bufferSize))
    let id = state.withLock { state in
      let id = state.nextID
      state.nextID += 1
      state.subscribers[id] = Subscriber(filter: filter, continuation: continuation)
      return id
    }
    continuation.onTermination = { [weak self] _ in
      _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
    }
    return stream
  }

  /// Publishes an event to every matching subscriber. Never waits.
  public func publish(_ kind: Kind, ticket: Ticket, actor: String, at: Date = Date(), fields: [String] = []) {
    state.withLock { state in
      state.sequence += 1
      let event = Event(sequence: state.sequence, kind: kind, ticket: ticket, actor: actor, at: at, fields: fields)
      for (id, var subscriber) in state.subscribers where subscriber.filter.matches(ticket) {
        if subscriber.dropped > 0 {
          guard case .enqueued = subscriber.continuation.yield(.lagged(dropped: subscriber.dropped)) else {
            subscriber.dropped += 1
            state.subscribers[id] = subscriber
            continue
          }
          subscriber.dropped = 0
        }
        if case .dropped = subscriber.continuation.yield(.event(event)) {
          subscriber.dropped += 1
        }
        state.subscribers[id] = subscriber
      }
    }
  }
}
