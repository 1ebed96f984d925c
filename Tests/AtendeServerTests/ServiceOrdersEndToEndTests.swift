import AtendeAPI
import AtendeStoreTestSupport
import Foundation
import Testing

@Suite("Service orders end to end")
struct ServiceOrdersEndToEndTests {
  @Test(
    "open from a ticket, assign, schedule, run, sign, finish; listed per ticket and across tickets; all in history",
    arguments: Engine.available)
  func lifecycle(engine: Engine) async throws {
    try await withTicketServer(engine) { tickets, _ in
      let orders = ServiceOrderService.Client(tickets.client)
      // Installation (subject 5) requires a signature: the ticket has Ana's contract.
      var installation = ticket(subject: 5, title: "Instalação de fibra")
      installation.contractId = Demo.anaContract
      let created = try await tickets.createTicket(CreateTicketRequest(ticket: installation))
      var order = try await orders.openServiceOrder(
        OpenServiceOrderRequest(order: ServiceOrder(ticketId: created.id, description: "Instalar ONU e roteador")),
        options: asAttendant)
      #expect(order.status == .open)
      #expect(order.requiresSignature)
      #expect(order.departmentId == Demo.suporte)
      let wrongDepartment = await #expect(throws: RPCError.self) {
        try await orders.assignTechnician(
          AssignTechnicianRequest(id: order.id, expectedVersion: order.version, technicianId: 3))
      }
      #expect(wrongDepartment?.code == .failedPrecondition)
      #expect(wrongDepartment?.fieldViolations.first?.reason == "NOT_IN_DEPARTMENT")
      order = try await orders.assignTechnician(
        AssignTechnicianRequest(id: order.id, expectedVersion: order.version, technicianId: Demo.carla))
      let tomorrow = Date().addingTimeInterval(86_400)
      order = try await orders.scheduleServiceOrder(
        ScheduleServiceOrderRequest(
          id: order.id, expectedVersion: order.version,
          scheduledAt: .init(seconds: Int64(tomorrow.timeIntervalSince1970))))
      #expect(order.status == .scheduled)
      for status in [ServiceOrderStatus.enRoute, .inExecution] {
        order = try await orders.changeServiceOrderStatus(
          ChangeServiceOrderStatusRequest(id: order.id, expectedVersion: order.version, status: status))
      }
      let unsigned = await #expect(throws: RPCError.self) {
        try await orders.changeServiceOrderStatus(
          ChangeServiceOrderStatusRequest(id: order.id, expectedVersion: order.version, status: .finished))
      }
      #expect(unsigned?.fieldViolations.first?.reason == "SIGNATURE_REQUIRED")
      order = try await orders.recordSignature(
        RecordSignatureRequest(id: order.id, expectedVersion: order.version, signedBy: "Ana Paula Ferreira"))
      order = try await orders.changeServiceOrderStatus(
        ChangeServiceOrderStatusRequest(
          id: order.id, expectedVersion: order.version, status: .finished, note: "instalado"))
      #expect(order.status == .finished)
      let stale = await #expect(throws: RPCError.self) {
        try await orders.changeServiceOrderStatus(
          ChangeServiceOrderStatusRequest(id: order.id, expectedVersion: 1, status: .analysis))
      }
      #expect(stale?.code == .aborted)

      let other = try await tickets.createTicket(CreateTicketRequest(ticket: ticket()))
      _ = try await orders.openServiceOrder(
        OpenServiceOrderRequest(order: ServiceOrder(ticketId: other.id, description: "Verificar cabo")))
      #expect(
        try await orders.listServiceOrders(ListServiceOrdersRequest(ticketId: created.id)).orders.map(\.id) == [
          order.id
        ])
      let open = try await orders.listServiceOrders(ListServiceOrdersRequest(statuses: [.open]))
      #expect(open.orders.map(\.ticketId) == [other.id])
      let byTechnician = try await orders.listServiceOrders(ListServiceOrdersRequest(technicianId: Demo.carla))
      #expect(byTechnician.orders.map(\.id) == [order.id])

      let history = try await tickets.listTicketHistory(ListHistoryRequest(id: created.id)).entries
      #expect(history.first { $0.kind == "SERVICE_ORDER_OPENED" }?.actor == adminActingFor("atendente"))
      #expect(
        history.contains {
          $0.field == "service_order.status" && $0.newValue == "FINISHED" && $0.note.contains("instalado")
        })
    }
  }

  @Test("an order needing a signature cannot be opened on a ticket without a contract", arguments: Engine.available)
  func signatureNeedsContract(engine: Engine) async throws {
    try await withTicketServer(engine) { tickets, _ in
      let orders = ServiceOrderService.Client(tickets.client)
      let plain = try await tickets.createTicket(CreateTicketRequest(ticket: ticket()))
      let error = await #expect(throws: RPCError.self) {
        try await orders.openServiceOrder(
          OpenServiceOrderRequest(order: ServiceOrder(ticketId: plain.id, subjectId: 5, description: "Instalar")))
      }
      #expect(error?.code == .failedPrecondition)
      // Relative to the request, which names the ticket as order.ticket_id.
      #expect(error?.violationSummary == ["order.ticket_id REQUIRED_BY_SUBJECT"])
    }
  }

  /// Equal orders, times included: the times a change sets are at the store's precision,
  /// so the order a change returns is the order read back.
  func sameOrder(_ a: ServiceOrder, _ b: ServiceOrder) -> Bool { a == b }

  @Test(
    "an order is read by id with its current version; an unknown id is NOT_FOUND like an unknown ticket",
    arguments: Engine.available)
  func getByID(engine: Engine) async throws {
    try await withTicketServer(engine) { tickets, _ in
      let orders = ServiceOrderService.Client(tickets.client)
      #expect(ServiceOrderService.Method.getServiceOrder.isIdempotent)
      let created = try await tickets.createTicket(CreateTicketRequest(ticket: ticket()))
      let opened = try await orders.openServiceOrder(
        OpenServiceOrderRequest(order: ServiceOrder(ticketId: created.id, description: "Trocar ONU")))
      #expect(sameOrder(try await orders.getServiceOrder(GetServiceOrderRequest(id: opened.id)), opened))

      // Someone else changes the order twice: the order read afterwards carries the new
      // version, which a change can be based on; the version first read is stale.
      var changed = try await orders.assignTechnician(
        AssignTechnicianRequest(id: opened.id, expectedVersion: opened.version, technicianId: Demo.carla))
      changed = try await orders.changeServiceOrderStatus(
        ChangeServiceOrderStatusRequest(id: opened.id, expectedVersion: changed.version, status: .assumed))
      let current = try await orders.getServiceOrder(GetServiceOrderRequest(id: opened.id))
      #expect(sameOrder(current, changed))
      #expect(current.version == opened.version + 2)
      #expect(current.status == .assumed)
      #expect(current.technicianId == Demo.carla)
      #expect(
        try await orders.listServiceOrders(ListServiceOrdersRequest(ticketId: created.id)).orders == [current])
      let stale = await #expect(throws: RPCError.self) {
        try await orders.changeServiceOrderStatus(
          ChangeServiceOrderStatusRequest(id: opened.id, expectedVersion: opened.version, status: .enRoute))
      }
      #expect(stale?.code == .aborted)
      let moved = try await orders.changeServiceOrderStatus(
        ChangeServiceOrderStatusRequest(id: opened.id, expectedVersion: current.version, status: .enRoute))
      #expect(moved.version == current.version + 1)
      // Reading changes nothing: not the order, not its ticket.
      let ticketBefore = try await tickets.getTicket(GetTicketRequest(key: .id(created.id)))
      #expect(sameOrder(try await orders.getServiceOrder(GetServiceOrderRequest(id: opened.id)), moved))
      #expect(try await tickets.getTicket(GetTicketRequest(key: .id(created.id))) == ticketBefore)

      let unknown = await #expect(throws: RPCError.self) {
        try await orders.getServiceOrder(GetServiceOrderRequest(id: moved.id + 1000))
      }
      #expect(unknown?.code == .notFound)
      #expect(unknown?.message == "service order \(moved.id + 1000) not found")
      let zero = await #expect(throws: RPCError.self) { try await orders.getServiceOrder(GetServiceOrderRequest()) }
      #expect(zero?.code == .notFound)
      // The same shape as GetTicket's NOT_FOUND (docs/API.md: no details).
      let unknownTicket = await #expect(throws: RPCError.self) {
        try await tickets.getTicket(GetTicketRequest(key: .id(424_242)))
      }
      #expect(unknownTicket?.code == .notFound)
      #expect(unknownTicket?.fieldViolations.isEmpty == true)
      #expect(unknown?.fieldViolations.isEmpty == true)
    }
  }
}
