import AtendeAPI
import AtendeStoreTestSupport
import Testing

@Suite("Metrics end to end")
struct MetricsEndToEndTests {
  @Test(
    "GetTicketMetrics counts open tickets by status, department, priority, assignee and channel",
    arguments: Engine.available)
  func openCounts(engine: Engine) async throws {
    try await withTicketServer(engine) { tickets, _ in
      let metrics = TicketMetricsService.Client(tickets.client)
      for department in [Demo.suporte, Demo.suporte, Demo.sac] {
        _ = try await tickets.createTicket(CreateTicketRequest(ticket: ticket(department: department)))
      }
      var assigned = try await tickets.createTicket(CreateTicketRequest(ticket: ticket(priority: .critical)))
      assigned = try await tickets.assignTicket(
        AssignTicketRequest(id: assigned.id, expectedVersion: assigned.version, assigneeId: Demo.carla))
      let figures = try await metrics.getTicketMetrics(GetTicketMetricsRequest())
      #expect(figures.openByStatus.map(\.name) == ["NEW"])
      #expect(figures.openByStatus.first?.count == 4)
      #expect(figures.openByDepartment.map(\.id) == [Demo.suporte, Demo.sac])
      #expect(figures.openByDepartment.map(\.count) == [3, 1])
      #expect(figures.openByDepartment.first?.name == "Suporte Técnico")
      #expect(figures.openByPriority.map(\.name) == ["HIGH", "CRITICAL"])
      #expect(figures.openByAssignee.first { $0.id == Demo.carla }?.count == 1)
      #expect(figures.openByChannel.map(\.id) == [0])
      #expect(figures.sla.contains { $0.subjectName == "Sem conexão" && $0.firstResponseTargetHours == 4 })
      let onlySAC = try await metrics.getTicketMetrics(GetTicketMetricsRequest(departmentId: Demo.sac))
      #expect(onlySAC.openByStatus.first?.count == 1)
      let bad = await #expect(throws: RPCError.self) {
        try await metrics.getTicketMetrics(
          GetTicketMetricsRequest(from: .init(seconds: 2_000_000_000), to: .init(seconds: 1)))
      }
      #expect(bad?.code == .invalidArgument)
    }
  }
}

@Suite("Server information end to end")
struct ServerInfoEndToEndTests {
  @Test(
    "GetServerInfo lists every hosted service, each with its methods in declaration order", arguments: Engine.available)
  func services(engine: Engine) async throws {
    try await withTicketServer(engine) { tickets, _ in
      let info = try await Diagnostics.Client(tickets.client).getServerInfo(GetServerInfoRequest())
      let names = info.services.map(\.name)
      #expect(names == names.sorted())
      for (service, methods) in [
        (TicketService.serviceName, TicketService.Method.all),
        (ServiceOrderService.serviceName, ServiceOrderService.Method.all),
        (ReferenceDataService.serviceName, ReferenceDataService.Method.all),
      ] {
        #expect(info.services.first { $0.name == service }?.methods.map(\.name) == methods.map(\.method))
      }
    }
  }
}
