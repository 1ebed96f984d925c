import AtendeAPI
import AtendeServer
import AtendeStore
import AtendeStorePostgres
import AtendeStoreTestSupport
import Foundation
import Logging
import Testing

@Suite("Ticket events end to end")
struct TicketEventsEndToEndTests {
  func withEventServer<Result: Sendable>(
    _ engine: Engine = .sqlite, bufferSize: Int = 1024,
    _ body: (TicketService.Client, TicketEventService.Client) async throws -> Result
  ) async throws -> Result {
    try await withStore(engine) { store in
      try await DemoData.load(into: store)
      let auth = try await TestAuth(store)
      return try await withEventServer(store: store, auth: auth, bufferSize: bufferSize, body)
    }
  }

  /// A server over `store` (its demo data and `auth`'s token in it already).
  func withEventServer<Result: Sendable>(
    store: any ContractStore, auth: TestAuth, bufferSize: Int = 1024, pollInterval: Duration = .milliseconds(200),
    _ body: (TicketService.Client, TicketEventService.Client) async throws -> Result
  ) async throws -> Result {
    let server = try AtendeServer.makeServer(
      configuration: inProcessOnly, store: store, files: try temporaryFileStorage(),
      events: TicketEventBus(bufferSize: bufferSize, log: store, pollInterval: pollInterval),
      auth: auth.configuration, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
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

  @Test(
    "a subscriber receives created, message, status and assignment events of its department, in order",
    arguments: Engine.available)
  func events(engine: Engine) async throws {
    try await withEventServer(engine) { tickets, events in
      // The first event of a new database is number 1: changes made after it are read back
      // from the log by a watch resumed after it (no waiting for a subscription to start).
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
      let received = try await events.watchTickets(WatchTicketsRequest(departmentId: Demo.sac, afterSequence: 1)) {
        stream in
        var kinds: [TicketEventKind] = []
        var sequences: [UInt64] = []
        for try await event in stream {
          kinds.append(event.kind)
          sequences.append(event.sequence)
          #expect(event.ticket?.departmentId == Demo.sac)
          #expect(event.actor == (kinds.count == 1 ? adminActingFor("atendente") : "test-admin"))
          if kinds.count == 4 { break }
        }
        #expect(sequences == [2, 3, 4, 5])
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

  @Test(
    "a watch resumed after the last event it saw gets the missed events once, in order, then live ones",
    arguments: Engine.available)
  func resume(engine: Engine) async throws {
    try await withEventServer(engine) { tickets, events in
      let first = try await tickets.createTicket(CreateTicketRequest(ticket: ticket(title: "antes")))  // event 1
      _ = try await tickets.createTicket(CreateTicketRequest(ticket: ticket(title: "visto")))  // event 2
      // A watcher sees one event, then goes away.
      let seen = try await events.watchTickets(WatchTicketsRequest(afterSequence: 1)) { stream in
        for try await event in stream { return event }
        return TicketEvent()
      }
      #expect(seen.ticket?.title == "visto" && seen.sequence == 2)
      // Changes while nobody watches.
      var missed: [String] = []
      for index in 0..<5 {
        missed.append("perdido \(index)")
        _ = try await tickets.createTicket(CreateTicketRequest(ticket: ticket(title: missed[index])))
      }
      _ = try await tickets.assignTicket(
        AssignTicketRequest(id: first.id, expectedVersion: first.version, assigneeId: 3))
      // Resuming gets them, in order, none twice, then live ones: the server subscribes
      // before it replays, so a change made once the replay is under way arrives live.
      let resumed = try await events.watchTickets(WatchTicketsRequest(afterSequence: seen.sequence)) { stream in
        var titles: [String] = []
        var sequences: [UInt64] = []
        for try await event in stream {
          titles.append(event.ticket?.title ?? "")
          sequences.append(event.sequence)
          if titles.count == 1 {
            _ = try await tickets.createTicket(CreateTicketRequest(ticket: ticket(title: "ao vivo")))
          }
          if titles.count == 7 { break }
        }
        return (titles, sequences)
      }
      #expect(resumed.0 == missed + ["antes", "ao vivo"])
      #expect(resumed.1 == Array(3...9))

      let error = await #expect(throws: RPCError.self) {
        try await events.watchTickets(WatchTicketsRequest(afterSequence: 1_000_000)) { stream in
          for try await _ in stream {}
        }
      }
      #expect(error?.code == .invalidArgument)
      #expect(error?.violationSummary == ["after_sequence OUT_OF_RANGE"])
    }
  }

  @Test(
    "a watch ends with UNAVAILABLE when its server begins shutting down, not at the end of the grace period",
    .timeLimit(.minutes(1)))
  func watchEndsAtShutdown() async throws {
    try await withStore(.sqlite) { store in
      try await DemoData.load(into: store)
      let auth = try await TestAuth(store)
      var configuration = inProcessOnly
      configuration.timeouts.shutdownGracePeriod = .seconds(3600)  // a watch held to it would hang the test
      let server = try AtendeServer.makeServer(
        configuration: configuration, store: store, files: try temporaryFileStorage(), auth: auth.configuration,
        logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
      try await withRPCServer(server) { server in
        let client = RPCClient(inProcess: server, configuration: auth.adminClient)
        let watcher = RPCClient(inProcess: server, configuration: auth.adminClient)
        defer {
          client.close()
          watcher.close()
        }
        let tickets = TicketService.Client(client)
        _ = try await tickets.createTicket(CreateTicketRequest(ticket: ticket(title: "um")))
        _ = try await tickets.createTicket(CreateTicketRequest(ticket: ticket(title: "dois")))
        var received: [UInt64] = []
        let error = await #expect(throws: RPCError.self) {
          // Event 2 is replayed after the watch subscribed: from then on it is live, and
          // the server starts shutting down under it.
          try await TicketEventService.Client(watcher).watchTickets(WatchTicketsRequest(afterSequence: 1)) {
            stream in
            for try await event in stream {
              received.append(event.sequence)
              server.beginGracefulShutdown()
            }
          }
        }
        #expect(received == [2])
        #expect(error?.code == .unavailable)
        #expect(error?.message.contains("after_sequence 2") == true)
      }
    }
  }

  @Test(
    "a watch on one server sees the changes made through another server of the same database",
    .enabled(if: Engine.available.contains(.postgres)))
  func acrossServers() async throws {
    try await withPostgresDatabase { url in
      let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
      try await PostgresStore.withStore(url: url, logger: logger) { first in
        try await DemoData.load(into: first)
        let auth = try await TestAuth(first)
        try await PostgresStore.withStore(url: url, logger: logger) { second in
          try await withEventServer(store: first, auth: auth) { tickets, _ in
            // No polling: only the first server's NOTIFY can wake the second's watchers.
            try await withEventServer(store: second, auth: auth, pollInterval: .seconds(3600)) { _, events in
              // Events 1 and 2, recorded through the first server.
              _ = try await tickets.createTicket(CreateTicketRequest(ticket: ticket(title: "no servidor 1")))
              _ = try await tickets.createTicket(CreateTicketRequest(ticket: ticket(title: "também no 1")))
              // The second server replays the log after event 1, then delivers live what the
              // first server records: LISTEN/NOTIFY (or its poll) wakes it.
              let titles = try await events.watchTickets(WatchTicketsRequest(afterSequence: 1)) { stream in
                var titles: [String] = []
                for try await event in stream {
                  titles.append(event.ticket?.title ?? "")
                  if titles.count == 1 {
                    _ = try await tickets.createTicket(CreateTicketRequest(ticket: ticket(title: "ao vivo no 1")))
                  }
                  if titles.count == 2 { break }
                }
                return titles
              }
              #expect(titles == ["também no 1", "ao vivo no 1"])
            }
          }
        }
      }
    }
  }
}
