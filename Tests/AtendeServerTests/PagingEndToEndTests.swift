import AtendeAPI
import AtendeStoreTestSupport
import Testing

@Suite("Paging: page_size")
struct PagingEndToEndTests {
  @Test("a negative page_size is refused with the field and reason; 0 means the default", arguments: Engine.available)
  func negativePageSize(engine: Engine) async throws {
    try await withAtendeServer(engine) { client, _ in
      let tickets = TicketService.Client(client)
      let reference = ReferenceDataService.Client(client)
      let refusals: [RPCError?] = [
        await failure { _ = try await tickets.listTickets(ListTicketsRequest(pageSize: -1)) },
        await failure { _ = try await reference.listDepartments(ListReferenceRequest(pageSize: -5)) },
        await failure { _ = try await SubjectService.Client(client).listSubjects(ListSubjectsRequest(pageSize: -1)) },
      ]
      for refusal in refusals {
        #expect(refusal?.code == .invalidArgument)
        #expect(refusal?.violationSummary == ["page_size OUT_OF_RANGE"])
      }
      _ = try await tickets.listTickets(ListTicketsRequest(pageSize: 0))
      _ = try await reference.listDepartments(ListReferenceRequest(pageSize: 0))
    }
  }
}
