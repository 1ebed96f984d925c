import AtendeDomain
import AtendeServer
import AtendeStore
import Foundation
import Synchronization
import Testing

@Suite("Ticket event bus")
struct TicketEventBusTests {
  static func ticket(id: Int64, department: Int64 = 1, assignee: Int64? = nil) -> AtendeDomain.Ticket {
    AtendeDomain.Ticket(
      id: id, kind: .client, clientID: 1, title: "t", departmentID: department, priority: .normal, description: "d",
      assigneeID: assignee, createdAt: Date(), updatedAt: Date(), openedBy: "t")
  }

  static func event(_ sequence: Int64, ticket: AtendeDomain.Ticket) -> TicketChangeEvent {
    TicketChangeEvent(sequence: sequence, kind: .created, ticket: ticket, actor: "a", at: Date())
  }

  @Test("subscribers get matching events in order, with increasing sequence numbers")
  func ordering() async throws {
    let bus = TicketEventBus(bufferSize: 100)
    let all = bus.subscribe(.init())
    let support = bus.subscribe(.init(departmentID: 1))
    let oneTicket = bus.subscribe(.init(ticketID: 3))
    for id: Int64 in 1...5 {
      bus.publish(Self.event(id, ticket: Self.ticket(id: id, department: id % 2 == 0 ? 2 : 1)))
    }
    func ids(_ stream: AsyncStream<TicketEventBus.Item>, _ count: Int) async -> [Int64] {
      var result: [Int64] = []
      for await item in stream {
        if case .event(let event) = item { result.append(event.ticket.id) }
        if result.count == count { break }
      }
      return result
    }
    #expect(await ids(all, 5) == [1, 2, 3, 4, 5])
    #expect(await ids(support, 3) == [1, 3, 5])
    #expect(await ids(oneTicket, 1) == [3])
  }

  @Test("close() ends every subscriber's stream after what it had, and later subscriptions at once")
  func closing() async throws {
    let bus = TicketEventBus(bufferSize: 100)
    let open = bus.subscribe(.init())
    bus.publish(Self.event(1, ticket: Self.ticket(id: 1)))
    #expect(!bus.isClosed)
    bus.close()
    #expect(bus.isClosed)
    #expect(bus.subscriberCount == 0)
    var delivered: [TicketEventBus.Item] = []
    for await item in open { delivered.append(item) }
    #expect(delivered.count == 1)  // what it had, then the end
    let later = bus.subscribe(.init())
    var after = 0
    for await _ in later { after += 1 }
    #expect(after == 0)
    bus.publish(Self.event(2, ticket: Self.ticket(id: 2)))  // nobody to deliver to, no crash
  }

  @Test("a stalled subscriber never blocks the publisher; it is told how many events it missed")
  func lagging() async throws {
    let bus = TicketEventBus(bufferSize: 8)
    let stalled = bus.subscribe(.init())
    let clock = ContinuousClock()
    let start = clock.now
    for id in 1...10_000 { bus.publish(Self.event(Int64(id), ticket: Self.ticket(id: Int64(id)))) }
    #expect(clock.now - start < .seconds(5))  // generous: publishing is a buffer append
    var iterator = stalled.makeAsyncIterator()
    var delivered: [Int64] = []
    for _ in 0..<8 {
      if case .event(let event)? = await iterator.next() { delivered.append(event.ticket.id) }
    }
    #expect(delivered == Array(1...8))  // the oldest events were kept
    // The next event published after the subscriber caught up is preceded by a LAGGED item.
    bus.publish(Self.event(10_001, ticket: Self.ticket(id: 10_001)))
    #expect(await iterator.next() == .lagged(dropped: 10_000 - 8))
    if case .event(let event)? = await iterator.next() {
      #expect(event.ticket.id == 10_001)
    } else {
      Issue.record("expected the event after the lag notice")
    }
  }

  @Test("a subscriber that goes away is removed")
  func unsubscribe() async throws {
    let bus = TicketEventBus()
    do {
      let stream = bus.subscribe(.init())
      let task = Task { for await _ in stream {} }
      task.cancel()
      await task.value
    }
    for _ in 0..<100 where bus.subscriberCount > 0 { try await Task.sleep(for: .milliseconds(10)) }
    #expect(bus.subscriberCount == 0)
  }

  @Test(
    "fed by a log: events recorded after the subscription arrive in log order; the feed stops with its last subscriber")
  func fedByLog() async throws {
    let log = MemoryEventLog()
    log.append(Self.ticket(id: 1))  // before: not delivered live
    let bus = TicketEventBus(log: log, pollInterval: .seconds(3600))  // signals only
    do {
      let subscription = try await bus.subscribeToLog(.init(departmentID: 1))
      #expect(subscription.liveAfter == 1)
      for id: Int64 in 2...6 { log.append(Self.ticket(id: id, department: id == 4 ? 2 : 1)) }
      var received: [Int64] = []
      for await item in subscription.items {
        guard case .event(let event) = item else { continue }
        received.append(event.sequence)
        if received.count == 4 { break }
      }
      #expect(received == [2, 3, 5, 6])
    }
    for _ in 0..<100 where bus.subscriberCount > 0 { try await Task.sleep(for: .milliseconds(10)) }
    #expect(bus.subscriberCount == 0)
    for _ in 0..<100 where log.signalListeners > 0 { try await Task.sleep(for: .milliseconds(10)) }
    #expect(log.signalListeners == 0)
  }
}

/// An event log in memory that signals on every append.
final class MemoryEventLog: TicketEventLog, Sendable {
  private let state = Mutex<(events: [TicketChangeEvent], listeners: [Int: AsyncStream<Void>.Continuation], next: Int)>(
    ([], [:], 0))

  func append(_ ticket: AtendeDomain.Ticket) {
    let listeners = state.withLock { state in
      state.events.append(
        TicketChangeEvent(
          sequence: Int64(state.events.count + 1), kind: .changed, ticket: ticket, actor: "a", at: Date()))
      return Array(state.listeners.values)
    }
    for listener in listeners { listener.yield() }
  }

  var signalListeners: Int { state.withLock { $0.listeners.count } }

  func events(after sequence: Int64, limit: Int) async throws -> [TicketChangeEvent] {
    state.withLock { Array($0.events.filter { $0.sequence > sequence }.prefix(limit)) }
  }

  func lastEventSequence() async throws -> Int64 { state.withLock { Int64($0.events.count) } }

  func eventSignals() -> AsyncStream<Void> {
    let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    let id = state.withLock { state in
      state.next += 1
      state.listeners[state.next] = continuation
      return state.next
    }
    continuation.onTermination = { [weak self] _ in _ = self?.state.withLock { $0.listeners.removeValue(forKey: id) } }
    return stream
  }
}
