import AtendeAPI
import AtendeServer
import AtendeStore
import Foundation
import Logging
import Testing

@Suite("Tickets end to end: concurrency and durability")
struct TicketsDurabilityTests {
  @Test("two clients update the same version: one succeeds, the other gets ABORTED, nothing is lost")
  func sameVersion() async throws {
    try await withTicketServer { tickets, _ in
      let created = try await tickets.createTicket(CreateTicketRequest(ticket: ticket()))
      let outcomes = await withTaskGroup(of: Result<Ticket, RPCError>.self) { group in
        for title in ["Título A", "Título B"] {
          group.addTask {
            do throws(RPCError) {
              return .success(
                try await tickets.updateTicket(
                  UpdateTicketRequest(
                    ticket: Ticket(id: created.id, title: title), updateMask: .init(paths: ["title"]),
                    expectedVersion: created.version)))
            } catch {
              return .failure(error)
            }
          }
        }
        return await group.reduce(into: []) { $0.append($1) }
      }
      let winners = outcomes.compactMap { try? $0.get() }
      #expect(winners.count == 1)
      let failures = outcomes.compactMap { outcome -> RPCError? in
        if case .failure(let error) = outcome { return error }
        return nil
      }
      #expect(failures.map(\.code) == [.aborted])
      let stored = try await tickets.getTicket(GetTicketRequest(key: .id(created.id)))
      #expect(stored.title == winners[0].title)
      #expect(stored.version == 2)
    }
  }

  @Test("protocol numbers stay unique when many clients open tickets at once")
  func parallelCreation() async throws {
    try await withTicketServer { tickets, _ in
      let protocols = try await withThrowingTaskGroup(of: String.self) { group in
        for index in 0..<100 {
          group.addTask {
            try await tickets.createTicket(CreateTicketRequest(ticket: ticket(title: "Chamado \(index)"))).protocol
          }
        }
        return try await group.reduce(into: [String]()) { $0.append($1) }
      }
      #expect(Set(protocols).count == 100)
    }
  }

  @Test("a graceful shutdown loses no acknowledged write, and the data is there after a restart")
  func noLostWrites() async throws {
    let directory = NSTemporaryDirectory() + "atende-durability-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/atende.sqlite"
    let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
    let store = try SQLiteStore(path: path)
    try await DemoData.load(into: store)
    let auth = try await TestAuth(store)
    let server = try AtendeServer.makeServer(
      configuration: inProcessOnly, store: store, files: try temporaryFileStorage(),
      auth: auth.configuration, logger: logger)
    let serving = Task { try await server.run() }
    let client = RPCClient(inProcess: server, configuration: auth.adminClient)
    defer { client.close() }
    let tickets = TicketService.Client(client)
    let first = try await tickets.createTicket(CreateTicketRequest(ticket: ticket(title: "Primeiro")))
    let outcomes = await withTaskGroup(of: Result<String, RPCError>.self) { group in
      for index in 0..<200 {
        group.addTask {
          if index == 50 { server.beginGracefulShutdown() }
          do throws(RPCError) {
            return .success(
              try await tickets.createTicket(CreateTicketRequest(ticket: ticket(title: "Chamado \(index)"))).protocol)
          } catch {
            return .failure(error)
          }
        }
      }
      return await group.reduce(into: []) { $0.append($1) }
    }
    let acknowledged = [first.protocol] + outcomes.compactMap { try? $0.get() }
    // Calls refused by the shutdown say so, with a retryable code.
    for case .failure(let error) in outcomes {
      #expect(error.code == .unavailable)
    }
    try await serving.value
    // Reopen the file as a restarted server would: every acknowledged ticket is there.
    let reopened = try SQLiteStore(path: path)
    for number in acknowledged {
      #expect(try await storedProtocol(number, in: reopened) == number)
    }
  }
}
