import AtendeAPI
import AtendeTesting
import Testing

// The code of the DocC article "Getting started" (Sources/AtendeAPI/AtendeAPI.docc),
// run against an in-process server: if the article's code breaks, this test does.

/// Opens a technical-support ticket for client 1001, works on it and solves it.
func supportCallExample(client: RPCClient) async throws -> Ticket {
  let tickets = TicketService.Client(client)
  let asMaria = CallOptions(timeout: .seconds(5), metadata: ["actor": "maria"])

  let opened = try await tickets.createTicket(
    CreateTicketRequest(
      ticket: Ticket(
        kind: .client, clientId: 1001, subjectId: 1, title: "Sem internet", departmentId: 1, priority: .high,
        description: "Cliente sem conexão desde ontem")),
    options: asMaria)

  let working = try await tickets.changeTicketStatus(
    ChangeTicketStatusRequest(
      id: opened.id, expectedVersion: opened.version, status: .inProgress, message: "Verificando a ONU"),
    options: asMaria)

  return try await tickets.changeTicketStatus(
    ChangeTicketStatusRequest(
      id: working.id, expectedVersion: working.version, status: .solved, message: "ONU trocada; conexão normal"),
    options: asMaria)
}

/// What a caller does with the errors of a change.
func describeFailure(_ error: RPCError) -> String {
  switch error.code {
  case .invalidArgument, .failedPrecondition:
    error.fieldViolations.map { "\($0.field): \($0.description)" }.joined(separator: "\n")
  case .aborted:
    "someone else changed the ticket; reload it and try again"
  case .notFound:
    "no such ticket"
  default:
    "\(error.code): \(error.message)"
  }
}

@Suite("Getting started (the DocC article's code)")
struct GettingStartedTests {
  @Test("the support call example opens, works on and solves a ticket")
  func supportCall() async throws {
    try await withAtendeTestServer { server in
      let solved = try await supportCallExample(client: server.client)
      #expect(solved.status == .solved)
      #expect(solved.closedAt != nil)
      let history = try await TicketService.Client(server.client).listTicketHistory(
        ListHistoryRequest(id: solved.id))
      #expect(history.entries.contains { $0.actor == "test-admin on behalf of maria" })
    }
  }

  @Test("a stale version and a missing field are described as the article shows")
  func failures() async throws {
    try await withAtendeTestServer { server in
      let tickets = TicketService.Client(server.client)
      do {
        _ = try await tickets.createTicket(CreateTicketRequest(ticket: Ticket(kind: .client, clientId: 1001)))
        Issue.record("a ticket without department was accepted")
      } catch let error as RPCError {
        #expect(error.code == .invalidArgument)
        #expect(describeFailure(error).contains("department_id"))
      }
      let solved = try await supportCallExample(client: server.client)
      do {
        _ = try await tickets.changeTicketStatus(
          ChangeTicketStatusRequest(id: solved.id, expectedVersion: 1, status: .inProgress, message: "again"))
        Issue.record("a stale version was accepted")
      } catch let error as RPCError {
        #expect(describeFailure(error) == "someone else changed the ticket; reload it and try again")
      }
    }
  }

  @Test("a test server with no demo data starts empty")
  func emptyServer() async throws {
    try await withAtendeTestServer(demoData: false) { server in
      let page = try await TicketService.Client(server.client).listTickets(ListTicketsRequest())
      #expect(page.tickets.isEmpty)
      let clients = try await ReferenceDataService.Client(server.client).listClients(ListReferenceRequest())
      #expect(clients.clients.isEmpty)
    }
  }
}
