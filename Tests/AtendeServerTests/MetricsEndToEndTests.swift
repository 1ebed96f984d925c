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

@Suite("Ticket trends end to end")
struct TrendsEndToEndTests {
  @Test(
    "GetTicketTrends: opened and solved per day and week, by department and branch; times on the clock and in business hours",
    arguments: Engine.available)
  func trends(engine: Engine) async throws {
    // 2027-01-15 08:00 UTC: Friday 05:00 in São Paulo.
    let clock = ManualClock()
    try await withTicketServer(engine, now: { clock.now }) { tickets, store in
      let calendar = try await putWeekdayCalendar(in: store)
      let metrics = TicketMetricsService.Client(tickets.client)
      let messages = TicketMessageService.Client(tickets.client)
      // Friday 17:00: opened; Monday 09:00: answered; 12:00: solved; a SAC ticket of branch 2.
      clock.advance(by: 12 * 3600)
      let weekend = try await tickets.createTicket(CreateTicketRequest(ticket: ticket()))
      clock.advance(by: 64 * 3600)
      _ = try await messages.addTicketMessage(
        AddTicketMessageRequest(
          message: TicketMessage(
            ticketId: weekend.id, authorKind: .employee, authorId: Demo.carla, visibility: .public,
            text: "Vamos verificar")))
      clock.advance(by: 3 * 3600)
      let current = try await tickets.getTicket(GetTicketRequest(key: .id(weekend.id)))
      _ = try await tickets.changeTicketStatus(
        ChangeTicketStatusRequest(
          id: weekend.id, expectedVersion: current.version, status: .solved, message: "Resolvido"))
      var sac = ticket(department: Demo.sac, subject: try await Demo.subject("Troca de plano", store))
      sac.contractId = Demo.anaContract
      sac.branchId = 2
      _ = try await tickets.createTicket(CreateTicketRequest(ticket: sac))

      // Friday 00:00 to Tuesday 00:00 in São Paulo.
      let from = Google_Protobuf_Timestamp(seconds: 1_799_982_000)
      let to = Google_Protobuf_Timestamp(seconds: 1_799_982_000 + 4 * 86_400)
      let daily = try await metrics.getTicketTrends(
        GetTicketTrendsRequest(from: from, to: to, groupBy: .department, calendarId: calendar))
      #expect(daily.timeZone == "America/Sao_Paulo" && daily.businessTime)
      #expect(daily.periods.map(\.opened) == [1, 0, 0, 1])
      #expect(daily.periods.map(\.solved) == [0, 0, 0, 1])
      #expect(daily.periods.map { $0.start?.seconds } == (0..<4).map { 1_799_982_000 + Int64($0) * 86_400 })
      #expect(daily.periods[0].openedBy.map(\.name) == ["Suporte Técnico"])
      #expect(daily.periods[3].openedBy.map(\.name) == ["SAC"])
      #expect(daily.periods[3].solvedBy.map(\.id) == [Demo.suporte])
      // Business time: Friday 17–18 and Monday 08–09, then three more hours.
      #expect(daily.firstResponse?.count == 1 && daily.firstResponse?.p50Hours == 2)
      #expect(daily.solution?.p90Hours == 5)
      let onTheClock = try await metrics.getTicketTrends(
        GetTicketTrendsRequest(from: from, to: to, granularity: .week))
      #expect(!onTheClock.businessTime)
      #expect(onTheClock.periods.map(\.opened) == [1, 1])  // the weeks of the 11th and the 18th
      #expect(onTheClock.firstResponse?.p50Hours == 64 && onTheClock.solution?.p99Hours == 67)
      let north = try await metrics.getTicketTrends(
        GetTicketTrendsRequest(from: from, to: to, groupBy: .branch, branchId: 2))
      #expect(north.periods.map(\.opened) == [0, 0, 0, 1])
      #expect(north.periods[3].openedBy.map(\.name) == ["Filial Norte"])

      for (request, field) in [
        (GetTicketTrendsRequest(from: to, to: from), "from"),
        (GetTicketTrendsRequest(from: Google_Protobuf_Timestamp(seconds: 1), to: to), "from"),
        (GetTicketTrendsRequest(timeZone: "Mars/Olympus"), "time_zone"),
      ] {
        let error = await failure { _ = try await metrics.getTicketTrends(request) }
        #expect(error?.code == .invalidArgument && error?.fieldViolations.first?.field == field, "\(field)")
      }
      let noCalendar = await failure { _ = try await metrics.getTicketTrends(GetTicketTrendsRequest(calendarId: 99)) }
      #expect(noCalendar?.code == .notFound && noCalendar?.fieldViolations.first?.field == "calendar_id")
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
