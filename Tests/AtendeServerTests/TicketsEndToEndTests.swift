import AtendeAPI
import AtendeServer
import AtendeStore
import AtendeStoreTestSupport
import Foundation
import Logging
import Testing

/// A real server (a fresh store of `engine` with the demo data) and a client with the
/// test admin token, in process; `asAttendant` calls act for "atendente".
func withTicketServer<Result: Sendable>(
  _ engine: Engine = .sqlite, now: @escaping @Sendable () -> Date = Date.init,
  _ body: (TicketService.Client, any AtendeStore) async throws -> Result
) async throws -> Result {
  try await withStore(engine, now: now) { store in try await withTicketServer(store: store, body) }
}

private func withTicketServer<Result: Sendable>(
  store: any ContractStore, _ body: (TicketService.Client, any AtendeStore) async throws -> Result
) async throws -> Result {
  try await DemoData.load(into: store)
  let auth = try await TestAuth(store)
  let server = try AtendeServer.makeServer(
    configuration: inProcessOnly, store: store, files: try temporaryFileStorage(),
    auth: auth.configuration, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
  return try await withRPCServer(server) { server in
    let client = RPCClient(inProcess: server, configuration: auth.adminClient)
    defer { client.close() }
    return try await body(TicketService.Client(client), store)
  }
}

let asAttendant = CallOptions(metadata: ["actor": "atendente"])

/// Demo-data ids.
enum Demo {
  static let ana: Int64 = 1001  // one contract, one login
  static let bomPreco: Int64 = 1002  // several
  static let anaContract: Int64 = 5001
  static let anaLogin: Int64 = 7001
  static let bomPrecoContract: Int64 = 5002
  static let suporte: Int64 = 1
  static let sac: Int64 = 2
  static let inactiveDepartment: Int64 = 4
  static let phone: Int64 = 1
  static let fax: Int64 = 5  // inactive
  static let waitingCustomer: Int64 = 1
  static let carla: Int64 = 1
  static let pop: Int64 = 1

  static func subject(_ name: String, _ store: any AtendeStore) async throws -> Int64 {
    try await subjectID(named: name, in: store)
  }
}

func ticket(
  client: Int64 = Demo.ana, department: Int64 = Demo.suporte, priority: Priority = .high, subject: Int64 = 0,
  title: String = "Sem internet desde ontem", description: String = "Cliente relata queda total da conexão."
) -> Ticket {
  Ticket(
    kind: .client, clientId: client, subjectId: subject, title: title, departmentId: department, priority: priority,
    description: description)
}

@Suite("Tickets end to end: the seed flows and every rule through the client")
struct TicketsEndToEndTests {
  @Test(
    "technical support call: client, Suporte Técnico, priority, subject, description, save", arguments: Engine.available
  )
  func technicalSupportFlow(engine: Engine) async throws {
    try await withTicketServer(engine) { tickets, store in
      let subject = try await Demo.subject("Sem conexão", store)
      let created = try await tickets.createTicket(
        CreateTicketRequest(ticket: ticket(priority: .unspecified, subject: subject)), options: asAttendant)
      #expect(created.id > 0)
      #expect(created.protocol.count == 13)
      #expect(created.status == .new)
      #expect(created.priority == .high)  // the subject's default
      #expect(created.openedBy == adminActingFor("atendente"))
      #expect(created.location?.origin == .client)
      #expect(created.version == 1)
      var fetched = try await tickets.getTicket(GetTicketRequest(key: .protocol(created.protocol)))
      // A read carries the SLA clocks: the subject's own hours, around the clock.
      #expect(fetched.sla?.policyName == "Sem conexão")
      #expect(fetched.sla?.firstResponse?.target?.seconds == 14_400)  // 4 hours
      #expect(fetched.sla?.resolution?.state == .running)
      fetched.sla = nil
      #expect(fetched == created)
      let history = try await tickets.listTicketHistory(ListHistoryRequest(id: created.id))
      #expect(history.entries.map(\.kind) == ["CREATED"])
      #expect(history.entries.first?.actor == adminActingFor("atendente"))
    }
  }

  @Test(
    "complaint: client, SAC, priority, subject that requires channel and complementary status, description, save",
    arguments: Engine.available)
  func complaintFlow(engine: Engine) async throws {
    try await withTicketServer(engine) { tickets, store in
      let subject = try await Demo.subject("Reclamação", store)
      var complaint = ticket(
        client: Demo.bomPreco, department: Demo.sac, priority: .normal, subject: subject, title: "Cobrança indevida")
      let missing = await #expect(throws: RPCError.self) {
        try await tickets.createTicket(CreateTicketRequest(ticket: complaint))
      }
      #expect(missing?.code == .failedPrecondition)
      #expect(
        Set(missing?.fieldViolations.map(\.field) ?? []) == ["ticket.channel_id", "ticket.complementary_status_id"])
      complaint.channelId = Demo.phone
      complaint.complementaryStatusId = Demo.waitingCustomer
      let created = try await tickets.createTicket(CreateTicketRequest(ticket: complaint), options: asAttendant)
      #expect(created.departmentId == Demo.sac)
      #expect(created.channelId == Demo.phone)
    }
  }

  @Test(
    "rule violations come back with the right code, field and reason",
    arguments: [
      (
        "no title", { @Sendable (t: inout Ticket) in t.title = "  " }, RPCError.Code.invalidArgument, "ticket.title",
        "REQUIRED"
      ),
      (
        "long title", { @Sendable (t: inout Ticket) in t.title = String(repeating: "x", count: 201) }, .invalidArgument,
        "ticket.title", "TOO_LONG"
      ),
      (
        "no description", { @Sendable (t: inout Ticket) in t.description = "" }, .invalidArgument, "ticket.description",
        "REQUIRED"
      ),
      (
        "no department", { @Sendable (t: inout Ticket) in t.departmentId = 0 }, .invalidArgument,
        "ticket.department_id",
        "REQUIRED"
      ),
      (
        "inactive department", { @Sendable (t: inout Ticket) in t.departmentId = Demo.inactiveDepartment },
        .failedPrecondition,
        "ticket.department_id", "INACTIVE"
      ),
      (
        "no kind", { @Sendable (t: inout Ticket) in t.kind = .unspecified }, .invalidArgument, "ticket.kind", "REQUIRED"
      ),
      (
        "unknown client", { @Sendable (t: inout Ticket) in t.clientId = 999_999 }, .invalidArgument, "ticket.client_id",
        "NOT_FOUND"
      ),
      (
        "client ticket with a structure", { @Sendable (t: inout Ticket) in t.structureId = Demo.pop }, .invalidArgument,
        "ticket.structure_id", "MUST_BE_EMPTY"
      ),
      (
        "structure ticket without one",
        { @Sendable (t: inout Ticket) in
          t.kind = .structure; t.clientId = 0
        }, .invalidArgument, "ticket.structure_id", "REQUIRED"
      ),
      (
        "no priority and no default", { @Sendable (t: inout Ticket) in t.priority = .unspecified }, .invalidArgument,
        "ticket.priority", "REQUIRED"
      ),
      (
        "inactive channel", { @Sendable (t: inout Ticket) in t.channelId = Demo.fax }, .failedPrecondition,
        "ticket.channel_id",
        "INACTIVE"
      ),
      (
        "contract of another client", { @Sendable (t: inout Ticket) in t.contractId = Demo.bomPrecoContract },
        .invalidArgument,
        "ticket.contract_id", "NOT_OF_CLIENT"
      ),
    ] as [(String, @Sendable (inout Ticket) -> Void, RPCError.Code, String, String)])
  func violations(
    name: String, mutate: @Sendable (inout Ticket) -> Void, code: RPCError.Code, field: String, reason: String
  ) async throws {
    try await withTicketServer { tickets, _ in
      var bad = ticket()
      mutate(&bad)
      let error = await #expect(throws: RPCError.self) {
        try await tickets.createTicket(CreateTicketRequest(ticket: bad))
      }
      #expect(error?.code == code)
      #expect(
        error?.fieldViolations.contains { $0.field == field && $0.reason == reason } == true,
        "\(error?.fieldViolations ?? [])")
    }
  }

  @Test("all violations of one request are reported together", arguments: Engine.available)
  func allViolationsTogether(engine: Engine) async throws {
    try await withTicketServer(engine) { tickets, _ in
      let error = await #expect(throws: RPCError.self) {
        try await tickets.createTicket(CreateTicketRequest(ticket: Ticket(kind: .client)))
      }
      #expect(error?.code == .invalidArgument)
      let fields = Set(error?.fieldViolations.map(\.field) ?? [])
      #expect(
        fields.isSuperset(of: [
          "ticket.title", "ticket.description", "ticket.department_id", "ticket.client_id", "ticket.priority",
        ]))
    }
  }

  @Test(
    "subject flags: contract and login required; signature requires the contract; location from the login",
    arguments: Engine.available)
  func subjectFlags(engine: Engine) async throws {
    try await withTicketServer(engine) { tickets, store in
      let slow = try await Demo.subject("Lentidão", store)
      let error = await #expect(throws: RPCError.self) {
        try await tickets.createTicket(CreateTicketRequest(ticket: ticket(subject: slow)))
      }
      #expect(error?.code == .failedPrecondition)
      #expect(Set(error?.fieldViolations.map(\.reason) ?? []) == ["REQUIRED_BY_SUBJECT"])
      var withBoth = ticket(subject: slow)
      withBoth.contractId = Demo.anaContract
      withBoth.loginId = Demo.anaLogin
      let created = try await tickets.createTicket(CreateTicketRequest(ticket: withBoth))
      #expect(created.location?.origin == .login)

      let installation = try await Demo.subject("Instalação", store)
      let signature = await #expect(throws: RPCError.self) {
        try await tickets.createTicket(CreateTicketRequest(ticket: ticket(subject: installation)))
      }
      #expect(signature?.fieldViolations.first?.field == "ticket.contract_id")
    }
  }

  @Test(
    "changing the client re-derives contract and login; CANCELED accepts nothing; stale versions are ABORTED",
    arguments: Engine.available)
  func updates(engine: Engine) async throws {
    try await withTicketServer(engine) { tickets, _ in
      var created = try await tickets.createTicket(CreateTicketRequest(ticket: ticket(client: Demo.bomPreco)))
      #expect(created.contractId == 0)
      // Ana has exactly one active contract and login: they are filled in.
      created = try await tickets.updateTicket(
        UpdateTicketRequest(
          ticket: Ticket(id: created.id, clientId: Demo.ana), updateMask: .init(paths: ["client_id"]),
          expectedVersion: created.version))
      #expect(created.contractId == Demo.anaContract)
      #expect(created.loginId == Demo.anaLogin)
      #expect(created.version == 2)

      let stale = await #expect(throws: RPCError.self) {
        try await tickets.updateTicket(
          UpdateTicketRequest(
            ticket: Ticket(id: created.id, title: "x"), updateMask: .init(paths: ["title"]), expectedVersion: 1))
      }
      #expect(stale?.code == .aborted)
      let unknownPath = await #expect(throws: RPCError.self) {
        try await tickets.updateTicket(
          UpdateTicketRequest(
            ticket: Ticket(id: created.id), updateMask: .init(paths: ["status"]), expectedVersion: created.version))
      }
      #expect(unknownPath?.fieldViolations.first?.field == "update_mask")

      let canceled = try await tickets.cancelTicket(
        CancelTicketRequest(id: created.id, expectedVersion: created.version, reason: "duplicado"))
      #expect(canceled.status == .canceled)
      let frozen = await #expect(throws: RPCError.self) {
        try await tickets.updateTicket(
          UpdateTicketRequest(
            ticket: Ticket(id: created.id, title: "x"), updateMask: .init(paths: ["title"]),
            expectedVersion: canceled.version))
      }
      #expect(frozen?.code == .failedPrecondition)
      #expect(frozen?.fieldViolations.first?.reason == "TICKET_CANCELED")
    }
  }

  @Test(
    "rule 9 through the API: a location set by hand is MANUAL and survives a client change", arguments: Engine.available
  )
  func manualLocation(engine: Engine) async throws {
    try await withTicketServer(engine) { tickets, _ in
      var current = try await tickets.createTicket(CreateTicketRequest(ticket: ticket()))
      #expect(current.location?.origin == .client)
      current = try await tickets.updateTicket(
        UpdateTicketRequest(
          ticket: Ticket(
            id: current.id,
            location: Location(address: "Poste 42, Rua B", latitude: -27.1, longitude: -52.6, hasCoordinates: true)),
          updateMask: .init(paths: ["location"]), expectedVersion: current.version))
      #expect(current.location?.origin == .manual)
      current = try await tickets.updateTicket(
        UpdateTicketRequest(
          ticket: Ticket(id: current.id, clientId: Demo.bomPreco), updateMask: .init(paths: ["client_id"]),
          expectedVersion: current.version))
      #expect(current.location?.origin == .manual)
      #expect(current.location?.address == "Poste 42, Rua B")
      let changes = try await tickets.listTicketHistory(ListHistoryRequest(id: current.id, kind: "FIELD_CHANGED"))
      #expect(changes.entries.allSatisfy { $0.kind == "FIELD_CHANGED" })
      #expect(changes.entries.map(\.field).contains("location"))
    }
  }

  @Test("workflow through the API: interaction needed, solve, reopen, assign", arguments: Engine.available)
  func workflow(engine: Engine) async throws {
    try await withTicketServer(engine) { tickets, _ in
      var current = try await tickets.createTicket(CreateTicketRequest(ticket: ticket()))
      let needsInteraction = await #expect(throws: RPCError.self) {
        try await tickets.changeTicketStatus(
          ChangeTicketStatusRequest(id: current.id, expectedVersion: current.version, status: .inProgress))
      }
      #expect(needsInteraction?.code == .failedPrecondition)
      current = try await tickets.changeTicketStatus(
        ChangeTicketStatusRequest(
          id: current.id, expectedVersion: current.version, status: .inProgress, message: "Técnico a caminho"))
      #expect(current.interactionCount == 1)
      #expect(current.firstResponseAt != nil)
      current = try await tickets.assignTicket(
        AssignTicketRequest(id: current.id, expectedVersion: current.version, assigneeId: Demo.carla))
      #expect(current.assigneeId == Demo.carla)
      current = try await tickets.changeTicketStatus(
        ChangeTicketStatusRequest(id: current.id, expectedVersion: current.version, status: .solved))
      #expect(current.closedAt != nil)
      current = try await tickets.reopenTicket(
        ReopenTicketRequest(id: current.id, expectedVersion: current.version, reason: "Voltou a cair"))
      #expect(current.status == .inProgress)
      #expect(current.closedAt == nil)
      let kinds = try await tickets.listTicketHistory(ListHistoryRequest(id: current.id)).entries.map(\.kind)
      #expect(kinds == ["CREATED", "INTERACTION", "STATUS_CHANGED", "ASSIGNED", "STATUS_CHANGED", "REOPENED"])
    }
  }

  @Test("listing: filters, search, pages, and a missing ticket is NOT_FOUND", arguments: Engine.available)
  func listing(engine: Engine) async throws {
    try await withTicketServer(engine) { tickets, _ in
      for index in 0..<5 {
        _ = try await tickets.createTicket(CreateTicketRequest(ticket: ticket(title: "Queda número \(index)")))
      }
      let fiber = try await tickets.createTicket(
        CreateTicketRequest(ticket: ticket(department: Demo.sac, title: "Fibra rompida")))
      let found = try await tickets.listTickets(ListTicketsRequest(query: "fibr"))
      #expect(found.tickets.map(\.id) == [fiber.id])
      let sac = try await tickets.listTickets(ListTicketsRequest(departmentId: Demo.sac))
      #expect(sac.tickets.map(\.id) == [fiber.id])
      var ids: [Int64] = []
      var token = ""
      repeat {
        let page = try await tickets.listTickets(ListTicketsRequest(pageSize: 4, pageToken: token))
        ids += page.tickets.map(\.id)
        token = page.nextPageToken
      } while !token.isEmpty
      #expect(ids.count == 6)
      #expect(Set(ids).count == 6)
      let missing = await #expect(throws: RPCError.self) {
        try await tickets.getTicket(GetTicketRequest(key: .id(424_242)))
      }
      #expect(missing?.code == .notFound)
    }
  }
}
