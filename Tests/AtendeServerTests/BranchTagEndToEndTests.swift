import AtendeAPI
import AtendeServer
import AtendeStoreTestSupport
import Foundation
import Testing

/// Branches (filiais) as reference data, tickets' branches and tags through the API, and
/// identities restricted to branches, on the demo data: branches 1 "Matriz", 2 "Filial
/// Norte", 3 inactive.
@Suite("Branches and tags through the API")
struct BranchTagEndToEndTests {
  private func ticket(branch: Int64 = 0, tags: [String] = [], title: String = "Sem internet") -> Ticket {
    Ticket(
      kind: .client, clientId: 1001, contractId: 5001, subjectId: 1, title: title, departmentId: 1,
      priority: .normal, description: "Descrição de \(title)", branchId: branch, tags: tags)
  }

  @Test(
    "branches are upserted, read and listed; a ticket's branch must exist and be active", arguments: Engine.available)
  func branches(engine: Engine) async throws {
    try await withAuthServer(engine: engine) { server in
      let admin = server.client(server.adminToken)
      defer { admin.close() }
      let reference = ReferenceDataService.Client(admin)
      let result = try await reference.upsertBranches(
        UpsertBranchesRequest(branches: [
          Branch(id: 4, name: "Filial Oeste", active: true), Branch(id: 1, name: "Matriz", active: true),
        ]))
      #expect(result.created == 1 && result.unchanged == 1)
      #expect(try await reference.getBranch(GetReferenceRequest(id: 4)).name == "Filial Oeste")
      let listed = try await reference.listBranches(ListReferenceRequest(filter: ReferenceFilter(activeOnly: true)))
      #expect(listed.branches.map(\.id).sorted() == [1, 2, 4])
      let missing = await failure { _ = try await reference.getBranch(GetReferenceRequest(id: 99)) }
      #expect(missing?.code == .notFound)
      let unnamed = await failure {
        _ = try await reference.upsertBranches(UpsertBranchesRequest(branches: [Branch(id: 5, name: " ")]))
      }
      #expect(unnamed?.code == .invalidArgument && unnamed?.fieldViolations.first?.field == "branches[0].name")

      let tickets = TicketService.Client(admin)
      let opened = try await tickets.createTicket(CreateTicketRequest(ticket: ticket(branch: 2)))
      #expect(opened.branchId == 2)
      let unknown = await failure {
        _ = try await tickets.createTicket(CreateTicketRequest(ticket: ticket(branch: 99)))
      }
      #expect(unknown?.code == .invalidArgument)
      #expect(unknown?.fieldViolations.map(\.field) == ["ticket.branch_id"])
      #expect(unknown?.fieldViolations.first?.reason == "NOT_FOUND")
      let inactive = await failure {
        _ = try await tickets.createTicket(CreateTicketRequest(ticket: ticket(branch: 3)))
      }
      #expect(inactive?.code == .failedPrecondition && inactive?.fieldViolations.first?.reason == "INACTIVE")
      // Moving the ticket to another branch, and out of any.
      let moved = try await tickets.updateTicket(
        UpdateTicketRequest(
          ticket: Ticket(id: opened.id, branchId: 1), updateMask: .init(paths: ["branch_id"]),
          expectedVersion: opened.version))
      #expect(moved.branchId == 1)
      let cleared = try await tickets.updateTicket(
        UpdateTicketRequest(
          ticket: Ticket(id: opened.id), updateMask: .init(paths: ["branch_id"]), expectedVersion: moved.version))
      #expect(cleared.branchId == 0)
    }
  }

  @Test("tags are normalised, filter lists, are found by search and counted by ListTags", arguments: Engine.available)
  func tags(engine: Engine) async throws {
    try await withAuthServer(engine: engine) { server in
      let admin = server.client(server.adminToken)
      defer { admin.close() }
      let tickets = TicketService.Client(admin)
      let a = try await tickets.createTicket(
        CreateTicketRequest(ticket: ticket(branch: 1, tags: ["Queda Massiva", "#Fibra"], title: "Sem sinal")))
      #expect(a.tags == ["fibra", "queda-massiva"])
      let b = try await tickets.createTicket(
        CreateTicketRequest(ticket: ticket(branch: 2, tags: ["fibra"], title: "Lento")))
      let bad = await failure {
        _ = try await tickets.createTicket(CreateTicketRequest(ticket: ticket(tags: ["ok", "a b/c"])))
      }
      #expect(bad?.code == .invalidArgument)
      #expect(bad?.fieldViolations.map(\.field) == ["ticket.tags[1]"])
      #expect(bad?.fieldViolations.first?.reason == "INVALID_CHARACTER")

      #expect(
        try await tickets.listTickets(ListTicketsRequest(tags: ["FIBRA"])).tickets.map(\.id).sorted() == [a.id, b.id])
      #expect(
        try await tickets.listTickets(ListTicketsRequest(tags: ["fibra", "queda massiva"])).tickets.map(\.id) == [a.id])
      #expect(
        try await tickets.listTickets(ListTicketsRequest(branchId: 2, tags: ["fibra"])).tickets.map(\.id) == [b.id])
      #expect(try await tickets.listTickets(ListTicketsRequest(query: "massiva")).tickets.map(\.id) == [a.id])

      let counted = try await tickets.listTags(ListTagsRequest())
      #expect(counted.tags.map(\.tag) == ["fibra", "queda-massiva"])
      #expect(counted.tags.map(\.tickets) == [2, 1])
      #expect(try await tickets.listTags(ListTagsRequest(prefix: "#Que")).tags.map(\.tag) == ["queda-massiva"])
      #expect(try await tickets.listTags(ListTagsRequest(limit: 1)).tags.count == 1)
      let negative = await failure { _ = try await tickets.listTags(ListTagsRequest(limit: -1)) }
      #expect(negative?.code == .invalidArgument && negative?.fieldViolations.first?.field == "limit")

      // Tags are replaced as a whole under the mask, recorded in the history.
      let retagged = try await tickets.updateTicket(
        UpdateTicketRequest(
          ticket: Ticket(id: b.id, tags: ["vip"]), updateMask: .init(paths: ["tags"]), expectedVersion: b.version))
      #expect(retagged.tags == ["vip"])
      let history = try await tickets.listTicketHistory(ListHistoryRequest(id: b.id)).entries
      #expect(history.contains { $0.field == "tags" && $0.oldValue == "fibra" && $0.newValue == "vip" })

      // Metrics count the open tickets by branch and filter by one.
      let metrics = TicketMetricsService.Client(admin)
      let all = try await metrics.getTicketMetrics(GetTicketMetricsRequest())
      #expect(Dictionary(uniqueKeysWithValues: all.openByBranch.map { ($0.id, $0.count) }) == [1: 1, 2: 1])
      #expect(all.openByBranch.first { $0.id == 2 }?.name == "Filial Norte")
      let north = try await metrics.getTicketMetrics(GetTicketMetricsRequest(branchId: 2))
      #expect(north.openByBranch.map(\.id) == [2])
      #expect(north.openByStatus.reduce(0) { $0 + $1.count } == 1)
    }
  }

  @Test(
    "an identity restricted to branches sees only their tickets and opens none elsewhere", arguments: Engine.available)
  func restricted(engine: Engine) async throws {
    try await withAuthServer(engine: engine) { server in
      let admin = server.client(server.adminToken)
      let agent = server.client(
        try await server.token("filial-norte", scopes: ["tickets.read", "tickets.write"], branches: [2]))
      defer {
        admin.close()
        agent.close()
      }
      let adminTickets = TicketService.Client(admin)
      let tickets = TicketService.Client(agent)
      let north = try await adminTickets.createTicket(CreateTicketRequest(ticket: ticket(branch: 2, tags: ["norte"])))
      let matriz = try await adminTickets.createTicket(CreateTicketRequest(ticket: ticket(branch: 1, tags: ["matriz"])))
      let none = try await adminTickets.createTicket(CreateTicketRequest(ticket: ticket(tags: ["sem-filial"])))

      let me = try await IdentityService.Client(agent).whoAmI(WhoAmIRequest())
      #expect(me.branches == [2] && me.departments.isEmpty)

      #expect(try await tickets.getTicket(GetTicketRequest(key: .id(north.id))).id == north.id)
      for hidden in [matriz, none] {
        let error = await failure { _ = try await tickets.getTicket(GetTicketRequest(key: .id(hidden.id))) }
        #expect(error?.code == .notFound)
        let change = await failure {
          _ = try await tickets.assignTicket(
            AssignTicketRequest(id: hidden.id, expectedVersion: hidden.version, assigneeId: 1))
        }
        #expect(change?.code == .notFound)
      }
      #expect(try await tickets.listTickets(ListTicketsRequest()).tickets.map(\.id) == [north.id])
      #expect(try await tickets.listTags(ListTagsRequest()).tags.map(\.tag) == ["norte"])

      // Opening elsewhere, or without a branch, and moving a ticket out are refused.
      for branch: Int64 in [1, 0] {
        let error = await failure {
          _ = try await tickets.createTicket(CreateTicketRequest(ticket: ticket(branch: branch)))
        }
        #expect(error?.code == .permissionDenied, "branch \(branch)")
        #expect(error?.reason == AuthReason.branchNotAllowed, "branch \(branch)")
        #expect(error?.fieldViolations.first?.field == "ticket.branch_id", "branch \(branch)")
      }
      let moveOut = await failure {
        _ = try await tickets.updateTicket(
          UpdateTicketRequest(
            ticket: Ticket(id: north.id, branchId: 1), updateMask: .init(paths: ["branch_id"]),
            expectedVersion: north.version))
      }
      #expect(moveOut?.code == .permissionDenied)
      let otherBranch = await failure { _ = try await tickets.listTickets(ListTicketsRequest(branchId: 1)) }
      #expect(otherBranch?.code == .permissionDenied)
      let metrics = try await TicketMetricsService.Client(agent).getTicketMetrics(GetTicketMetricsRequest())
      #expect(metrics.openByBranch.map(\.id) == [2])
      let created = try await tickets.createTicket(CreateTicketRequest(ticket: ticket(branch: 2)))
      #expect(created.branchId == 2)

      // A restricted administrator manages no webhook: one would carry every ticket.
      let branchAdmin = server.client(try await server.token("filial-admin", scopes: ["admin"], branches: [2]))
      defer { branchAdmin.close() }
      let webhooks = await failure {
        _ = try await WebhookService.Client(branchAdmin).listWebhooks(ListWebhooksRequest())
      }
      #expect(webhooks?.code == .permissionDenied && webhooks?.reason == AuthReason.restrictedIdentity)
    }
  }
}
