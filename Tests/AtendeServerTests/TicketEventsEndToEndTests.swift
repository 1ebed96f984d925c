import AtendeAPI
import AtendeServer
import AtendeStore
import Logging
import Testing

@Suite("Live ticket events end to end")
struct TicketEventsEndToEndTests {
  func withEventServer<Result: Sendable>(
    bufferSize: Int = 1024, _ body: (TicketService.Client, TicketEventService.Client) async throws -> Result
  ) async throws -> Result {
    let store = try SQLiteStore.inMemory()
    try await DemoData.load(into: store)
    let auth = try await TestAuth(store)
    let server = try AtendeServer.makeServer(
      configuration: inProcessOnly, store: store, files: try temporaryFileStorage(),
      events: TicketEventBus(bufferSize: bufferSize), auth: auth.configuration,
      logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    return try await withRPCServer(server) { server in
      // The watcher has a connection of its own: a stream whose reader stops applies
      // backpressure to its whole connection (docs/PROTOCOL.md, "Flow control").
      let client = RPCClient(inProcess: server, configuration: auth.adminClient)
      let watcher = RPCClient(inProcess: server, configuration: auth.adminClient)
      defer {
        client.close()
        watcher.close()
      }
      return try await body(TicketService.Client(client), TicketEventService.Client(watcher))
    }
  }

  @Test("a subscriber receives created, message, status and assignment events of its department, in order")
  func events() async throws {
    try await withEventServer { tickets, events in
      let received = try await events.watchTickets(WatchTicketsRequest(departmentId: Demo.sac)) { stream in
        // Let the subscription reach the server before changing anything.
        try await Task.sleep(for: .milliseconds(200))
        _ = try await tickets.createTicket(
          CreateTicketRequest(ticket: ticket(department: Demo.suporte, title: "other department")))
        var current = try await tickets.createTicket(
          CreateTicketRequest(ticket: ticket(department: Demo.sac)), options: asAttendant)
        _ = try await TicketMessageService.Client(tickets.client).addTicketMessage(
          AddTicketMessageRequest(
            message: TicketMessage(
              ticketId: current.id, authorKind: .employee, authorId: 3, visibility: .public, text: "Olá")))
        current = try await tickets.getTicket(GetTicketRequest(key: .id(current.id)))
        current = try await tickets.changeTicketStatus(
          ChangeTicketStatusRequest(id: current.id, expectedVersion: current.version, status: .pending))
        _ = try await tickets.assignTicket(
          AssignTicketRequest(id: current.id, expectedVersion: current.version, assigneeId: 3))
        var kinds: [TicketEventKind] = []
        var sequences: [UInt64] = []
        for try await event in stream {
          kinds.append(event.kind)
          sequences.append(event.sequence)
          #expect(event.ticket?.departmentId == Demo.sac)
          if kinds.count == 4 { break }
        }
        #expect(sequences == sequences.sorted())
        return kinds
      }
      #expect(received == [.created, .messageAdded, .statusChanged, .assigned])
    }
  }

  @Test("a subscriber that stops reading does not slow down writes, and can read again afterwards")
  func stalledSubscriber() async throws {
    try await withEventServer(bufferSize: 8) { tickets, events in
      try await events.watchTickets(WatchTicketsRequest()) { stream in
        try await Task.sleep(for: .milliseconds(200))
        // The subscriber reads nothing while 300 tickets are opened.
        try await withThrowingTaskGroup(of: Void.self) { group in
          for index in 0..<300 {
            group.addTask {
              _ = try await tickets.createTicket(CreateTicketRequest(ticket: ticket(title: "carga \(index)")))
            }
          }
          try await group.waitForAll()
        }
        // Now it reads: everything it gets is in order, and the stream is alive — a ticket
        // opened once it has caught up reaches it. (Tickets opened while its buffer is still
        // full are dropped for it, so new ones keep coming until one arrives; a stream that
        // stays dead fails the test after 20 s instead of hanging it.)
        let count = try await withThrowingTaskGroup(of: Int?.self) { group in
          group.addTask {
            for index in 0..<400 {
              _ = try await tickets.createTicket(CreateTicketRequest(ticket: ticket(title: "depois \(index)")))
              try await Task.sleep(for: .milliseconds(50))
            }
            try await Task.sleep(for: .seconds(20))
            return nil
          }
          var last: UInt64 = 0
          var count = 0
          for try await event in stream {
            if event.kind != .lagged {
              #expect(event.sequence > last)
              last = event.sequence
            }
            count += 1
            if event.ticket?.title.hasPrefix("depois") == true { break }
          }
          group.cancelAll()
          return count
        }
        #expect(count >= 1)
      }
    }
  }
}
