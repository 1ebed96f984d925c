import AtendeDomain
import AtendeServer
import Foundation
import Testing

@Suite("Ticket event bus")
struct TicketEventBusTests {
  static func ticket(id: Int64, department: Int64 = 1, assignee: Int64? = nil) -> AtendeDomain.Ticket {
    AtendeDomain.Ticket(
      id: id, kind: .client, clientID: 1, title: "t", departmentID: department, priority: .normal, description: "d",
      assigneeID: assignee, createdAt: Date(), updatedAt: Date(), openedBy: "t")
  }

  @Test("subscribers get matching events in order, with increasing sequence numbers")
  func ordering() async throws {
    let bus = TicketEventBus(bufferSize: 100)
    let all = bus.subscribe(.init())
    let support = bus.subscribe(.init(departmentID: 1))
    let oneTicket = bus.subscribe(.init(ticketID: 3))
    for id: Int64 in 1...5 {
      bus.publish(.created, ticket: Self.ticket(id: id, department: id % 2 == 0 ? 2 : 1), actor: "a")
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

  @Test("a stalled subscriber never blocks the publisher; it is told how many events it missed")
  func lagging() async throws {
    let bus = TicketEventBus(bufferSize: 8)
    let stalled = bus.subscribe(.init())
    let clock = ContinuousClock()
    let start = clock.now
    for id in 1...10_000 { bus.publish(.changed, ticket: Self.ticket(id: Int64(id)), actor: "a") }
    #expect(clock.now - start < .seconds(5))  // generous: publishing is a buffer append
    var iterator = stalled.makeAsyncIterator()
    var delivered: [Int64] = []
    for _ in 0..<8 {
      if case .event(let event)? = await iterator.next() { delivered.append(event.ticket.id) }
    }
    #expect(delivered == Array(1...8))  // the oldest events were kept
    // The next event published after the subscriber caught up is preceded by a LAGGED item.
    bus.publish(.created, ticket: Self.ticket(id: 10_001), actor: "a")
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
}
