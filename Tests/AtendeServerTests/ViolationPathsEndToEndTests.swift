import AtendeAPI
import AtendeStoreTestSupport
import Testing

/// The rules speak of the ticket's fields; calls that name their ticket by id get the
/// violations on that id field, relative to the request (docs/API.md).
@Suite("Violation paths are relative to the request")
struct ViolationPathsEndToEndTests {
  @Test(
    "on a canceled ticket: message.ticket_id, contact.ticket_id, order.ticket_id and id, never ticket.status",
    arguments: Engine.available)
  func canceledTicket(engine: Engine) async throws {
    try await withTicketServer(engine) { tickets, _ in
      let created = try await tickets.createTicket(CreateTicketRequest(ticket: ticket(title: "Duplicado")))
      let canceled = try await tickets.cancelTicket(
        CancelTicketRequest(id: created.id, expectedVersion: created.version, reason: "duplicado"))
      let client = tickets.client
      var refusals: [String: RPCError?] = [:]
      refusals["message"] = await failure {
        _ = try await TicketMessageService.Client(client).addTicketMessage(
          AddTicketMessageRequest(
            message: TicketMessage(
              ticketId: canceled.id, authorKind: .employee, authorId: Demo.carla, visibility: .public, text: "Oi")))
      }
      refusals["contact"] = await failure {
        _ = try await TicketContactService.Client(client).addTicketContact(
          AddTicketContactRequest(contact: TicketContact(ticketId: canceled.id, name: "Ana", phone: "49 99999 0000")))
      }
      refusals["order"] = await failure {
        _ = try await ServiceOrderService.Client(client).openServiceOrder(
          OpenServiceOrderRequest(order: ServiceOrder(ticketId: canceled.id, description: "Visita")))
      }
      refusals["status"] = await failure {
        _ = try await tickets.changeTicketStatus(
          ChangeTicketStatusRequest(
            id: canceled.id, expectedVersion: canceled.version, status: .inProgress, message: "x"))
      }
      refusals["reopen"] = await failure {
        _ = try await tickets.reopenTicket(
          ReopenTicketRequest(id: canceled.id, expectedVersion: canceled.version, reason: "voltou"))
      }
      let expected = [
        "message": "message.ticket_id", "contact": "contact.ticket_id", "order": "order.ticket_id", "status": "id",
        "reopen": "id",
      ]
      for (call, field) in expected {
        let refusal = refusals[call] ?? nil
        #expect(refusal?.code == .failedPrecondition, "\(call)")
        #expect(refusal?.violationSummary == ["\(field) TICKET_CANCELED"], "\(call)")
      }
    }
  }
}
