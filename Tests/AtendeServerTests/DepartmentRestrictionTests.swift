import AtendeAPI
import AtendeServer
import AtendeStoreTestSupport
import Foundation
import Testing

/// An identity restricted to department 1 (the IXC agent's view) against tickets of
/// departments 1 and 2, opened by the admin.
@Suite("Identities restricted to departments")
struct DepartmentRestrictionTests {
  private func open(_ tickets: TicketService.Client, department: Int64, title: String) async throws -> Ticket {
    try await tickets.createTicket(
      CreateTicketRequest(
        ticket: Ticket(
          kind: .client, clientId: 1001, contractId: 5001, subjectId: department == 1 ? 1 : 3, title: title,
          departmentId: department, priority: .normal, description: "Descrição de \(title)")))
  }

  @Test(
    "reads, lists, searches, history, tabs and changes of another department's tickets are refused",
    arguments: Engine.available)
  func readsAndChanges(engine: Engine) async throws {
    try await withAuthServer(engine: engine) { server in
      let admin = server.client(server.adminToken)
      let agent = server.client(
        try await server.token("ixc-agent", scopes: ["tickets.read", "tickets.write"], departments: [1]))
      defer {
        admin.close()
        agent.close()
      }
      let adminTickets = TicketService.Client(admin)
      let tickets = TicketService.Client(agent)
      let mine = try await open(adminTickets, department: 1, title: "Sem internet")
      let theirs = try await open(adminTickets, department: 2, title: "Cobrança indevida")
      let contact = try await TicketContactService.Client(admin).addTicketContact(
        AddTicketContactRequest(contact: TicketContact(ticketId: theirs.id, name: "Ana", phone: "49 99999-0000")))
      let order = try await ServiceOrderService.Client(admin).openServiceOrder(
        OpenServiceOrderRequest(order: ServiceOrder(ticketId: theirs.id, description: "Visita")))

      let file = try await TicketFileService.Client(admin).uploadTicketFile { writer in
        try await writer.write(.init(part: .header(UploadHeader(ticketId: theirs.id, name: "fatura.pdf"))))
        try await writer.write(.init(part: .chunk(Array("conteúdo".utf8))))
      }
      let theirsNow = try await adminTickets.getTicket(GetTicketRequest(key: .id(theirs.id)))

      // Read: another department's ticket is as good as missing, with the very error a
      // missing one gives (by id and by protocol).
      #expect(try await tickets.getTicket(GetTicketRequest(key: .id(mine.id))).id == mine.id)
      for (key, missing, text, missingText): (GetTicketRequest.Key, GetTicketRequest.Key, String, String) in [
        (.id(theirs.id), .id(999_999), "\(theirs.id)", "999999"),
        (.protocol(theirs.protocol), .protocol("2099000000001"), theirs.protocol, "2099000000001"),
      ] {
        let hidden = await failure { _ = try await tickets.getTicket(GetTicketRequest(key: key)) }
        let absent = await failure { _ = try await tickets.getTicket(GetTicketRequest(key: missing)) }
        #expect(hidden?.code == .notFound, "\(key)")
        #expect(hidden?.message == absent?.message.replacingOccurrences(of: missingText, with: text), "\(key)")
      }
      // List and search: only department 1.
      let listed = try await tickets.listTickets(ListTicketsRequest()).tickets.map(\.id)
      #expect(listed == [mine.id])
      #expect(try await tickets.listTickets(ListTicketsRequest(query: "Cobrança")).tickets.isEmpty)
      #expect(
        try await adminTickets.listTickets(ListTicketsRequest(query: "Cobrança")).tickets.map(\.id) == [theirs.id])
      let otherDepartment = await failure { _ = try await tickets.listTickets(ListTicketsRequest(departmentId: 2)) }
      #expect(otherDepartment?.code == .permissionDenied && otherDepartment?.reason == AuthReason.departmentNotAllowed)

      // History and tabs.
      var refusals: [String: RPCError?] = [:]
      refusals["history"] = await failure { _ = try await tickets.listTicketHistory(ListHistoryRequest(id: theirs.id)) }
      refusals["messages"] = await failure {
        _ = try await TicketMessageService.Client(agent).listTicketMessages(
          ListTicketMessagesRequest(ticketId: theirs.id))
      }
      refusals["add message"] = await failure {
        _ = try await TicketMessageService.Client(agent).addTicketMessage(
          AddTicketMessageRequest(
            message: TicketMessage(
              ticketId: theirs.id, authorKind: .employee, authorId: 1, visibility: .public, text: "Oi")))
      }
      refusals["contacts"] = await failure {
        _ = try await TicketContactService.Client(agent).listTicketContacts(
          ListTicketContactsRequest(ticketId: theirs.id))
      }
      refusals["remove contact"] = await failure {
        _ = try await TicketContactService.Client(agent).removeTicketContact(RemoveTicketContactRequest(id: contact.id))
      }
      refusals["files"] = await failure {
        _ = try await TicketFileService.Client(agent).listTicketFiles(ListTicketFilesRequest(ticketId: theirs.id))
      }
      refusals["order"] = await failure {
        _ = try await ServiceOrderService.Client(agent).getServiceOrder(GetServiceOrderRequest(id: order.id))
      }
      refusals["open order"] = await failure {
        _ = try await ServiceOrderService.Client(agent).openServiceOrder(
          OpenServiceOrderRequest(order: ServiceOrder(ticketId: theirs.id, description: "Outra")))
      }
      refusals["cancel"] = await failure {
        _ = try await tickets.cancelTicket(
          CancelTicketRequest(id: theirs.id, expectedVersion: theirs.version, reason: "x"))
      }
      refusals["assign"] = await failure {
        _ = try await tickets.assignTicket(
          AssignTicketRequest(id: theirs.id, expectedVersion: theirs.version, assigneeId: 1))
      }
      let version = theirsNow.version
      refusals["update"] = await failure {
        _ = try await tickets.updateTicket(
          UpdateTicketRequest(
            ticket: Ticket(id: theirs.id, title: "Outro título"),
            updateMask: Google_Protobuf_FieldMask(paths: ["title"]),
            expectedVersion: version))
      }
      refusals["status"] = await failure {
        _ = try await tickets.changeTicketStatus(
          ChangeTicketStatusRequest(id: theirs.id, expectedVersion: version, status: .pending))
      }
      refusals["reopen"] = await failure {
        _ = try await tickets.reopenTicket(ReopenTicketRequest(id: theirs.id, expectedVersion: version, reason: "x"))
      }
      refusals["add contact"] = await failure {
        _ = try await TicketContactService.Client(agent).addTicketContact(
          AddTicketContactRequest(contact: TicketContact(ticketId: theirs.id, name: "Bia", phone: "49 99999-1111")))
      }
      refusals["update contact"] = await failure {
        _ = try await TicketContactService.Client(agent).updateTicketContact(
          UpdateTicketContactRequest(
            contact: TicketContact(id: contact.id, name: "Outra"),
            updateMask: Google_Protobuf_FieldMask(paths: ["name"])))
      }
      refusals["upload"] = await failure {
        _ = try await TicketFileService.Client(agent).uploadTicketFile { writer in
          try await writer.write(.init(part: .header(UploadHeader(ticketId: theirs.id, name: "x.txt"))))
        }
      }
      refusals["download"] = await failure {
        try await TicketFileService.Client(agent).downloadTicketFile(DownloadTicketFileRequest(id: file.id)) {
          responses in for try await _ in responses {}
        }
      }
      refusals["delete file"] = await failure {
        _ = try await TicketFileService.Client(agent).deleteTicketFile(DeleteTicketFileRequest(id: file.id))
      }
      refusals["orders of the ticket"] = await failure {
        _ = try await ServiceOrderService.Client(agent).listServiceOrders(ListServiceOrdersRequest(ticketId: theirs.id))
      }
      refusals["order status"] = await failure {
        _ = try await ServiceOrderService.Client(agent).changeServiceOrderStatus(
          ChangeServiceOrderStatusRequest(id: order.id, expectedVersion: order.version, status: .analysis))
      }
      refusals["assign technician"] = await failure {
        _ = try await ServiceOrderService.Client(agent).assignTechnician(
          AssignTechnicianRequest(id: order.id, expectedVersion: order.version, technicianId: 1))
      }
      for (what, error) in refusals {
        #expect(error?.code == .notFound, "\(what): \(String(describing: error))")
      }
      #expect(
        try await ServiceOrderService.Client(agent).listServiceOrders(ListServiceOrdersRequest()).orders.isEmpty)
      #expect(
        try await ServiceOrderService.Client(admin).listServiceOrders(ListServiceOrdersRequest()).orders.map(\.id) == [
          order.id
        ])

      // Opening in, or moving to, another department.
      let create = await failure { _ = try await open(tickets, department: 2, title: "Outro") }
      #expect(create?.code == .permissionDenied && create?.reason == AuthReason.departmentNotAllowed)
      let move = await failure {
        _ = try await tickets.updateTicket(
          UpdateTicketRequest(
            ticket: Ticket(id: mine.id, departmentId: 2),
            updateMask: Google_Protobuf_FieldMask(paths: ["department_id"]),
            expectedVersion: mine.version))
      }
      #expect(move?.code == .permissionDenied)
      // Nothing changed on the other department's ticket.
      let after = try await adminTickets.getTicket(GetTicketRequest(key: .id(theirs.id)))
      #expect(after == theirsNow)

      // Own department: business as usual.
      _ = try await open(tickets, department: 1, title: "Lentidão à noite")

      // Metrics count only department 1.
      let metrics = try await TicketMetricsService.Client(agent).getTicketMetrics(GetTicketMetricsRequest())
      #expect(metrics.openByDepartment.map(\.id) == [1])
      let all = try await TicketMetricsService.Client(admin).getTicketMetrics(GetTicketMetricsRequest())
      #expect(Set(all.openByDepartment.map(\.id)) == [1, 2])
    }
  }

  @Test("a restricted watcher receives only its departments' events", arguments: Engine.available)
  func watch(engine: Engine) async throws {
    try await withAuthServer(engine: engine) { server in
      let admin = server.client(server.adminToken)
      let agent = server.client(try await server.token("ixc-agent", scopes: ["tickets.read"], departments: [1]))
      defer {
        admin.close()
        agent.close()
      }
      let denied = await failure {
        try await TicketEventService.Client(agent).watchTickets(WatchTicketsRequest(departmentId: 2)) { events in
          for try await _ in events {}
        }
      }
      #expect(denied?.code == .permissionDenied)

      let adminTickets = TicketService.Client(admin)
      let titles = try await TicketEventService.Client(agent).watchTickets(WatchTicketsRequest()) { events in
        // Let the subscription reach the server, then open tickets in both departments.
        let opener = Task {
          try await Task.sleep(for: .milliseconds(200))
          for index in 0..<3 {
            _ = try await open(adminTickets, department: 2, title: "SAC \(index)")
            _ = try await open(adminTickets, department: 1, title: "Suporte \(index)")
          }
        }
        defer { opener.cancel() }
        var titles: [String] = []
        for try await event in events {
          titles.append(event.ticket?.title ?? "")
          if titles.count == 3 { break }
        }
        return titles
      }
      #expect(titles == ["Suporte 0", "Suporte 1", "Suporte 2"])
    }
  }
}
