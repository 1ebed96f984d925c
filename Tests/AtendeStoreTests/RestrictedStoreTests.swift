import AtendeDomain
import Foundation
import Testing

@testable import AtendeStore

/// A view of the store restricted to departments checks the ticket's department inside
/// the transaction that reads or changes it.
@Suite("Store views restricted to departments")
struct RestrictedStoreTests {
  @Test(
    "tickets of other departments are absent: reads, changes, tabs, lists, search and metrics",
    arguments: Engine.available)
  func restricted(engine: Engine) async throws {
    try await withStore(engine) { store in
      _ = try await loadReferences(store)
      let support = try await store.createTicket(fields(title: "Fibra rompida"), actor: "admin")
      var sacFields = fields(title: "Cobrança em dobro")
      sacFields.departmentID = 11
      let sac = try await store.createTicket(sacFields, actor: "admin")
      let view = store.restricted(to: [10])

      #expect(try await view.ticket(id: support.id) == support)
      for read in [
        { _ = try await view.ticket(id: sac.id) }, { _ = try await view.ticket(protocolNumber: sac.protocolNumber) },
        { _ = try await view.ticketHistory(id: sac.id, kind: "", page: PageRequest()) },
        { _ = try await view.listTicketContacts(ticketID: sac.id) },
      ] as [() async throws -> Void] {
        await #expect(throws: DomainError.self) { try await read() }
      }
      do {
        _ = try await view.ticket(protocolNumber: sac.protocolNumber)
      } catch let error as DomainError {
        #expect(error.kind == .notFound && error.message == "ticket with protocol \(sac.protocolNumber) not found")
      }
      // A change to the other department's ticket is refused inside its transaction and
      // leaves it as it was.
      await #expect(throws: DomainError.self) {
        _ = try await view.changeTicketStatus(
          id: sac.id, expectedVersion: sac.version, to: .pending, message: "", actor: "agent")
      }
      await #expect(throws: DomainError.self) {
        _ = try await view.addTicketContact(
          TicketContact(ticketID: sac.id, name: "Ana", phone: "49 99999-0000"), actor: "agent")
      }
      #expect(try await store.ticket(id: sac.id) == sac)
      _ = try await view.changeTicketStatus(
        id: support.id, expectedVersion: support.version, to: .inProgress, message: "Verificando", actor: "agent")

      // Lists, search and metrics leave the other department out.
      #expect(try await view.listTickets(TicketQuery(), page: PageRequest()).items.map(\.id) == [support.id])
      var search = TicketQuery()
      search.text = "cobrança"
      #expect(try await view.listTickets(search, page: PageRequest()).items.isEmpty)
      #expect(try await store.listTickets(search, page: PageRequest()).items.map(\.id) == [sac.id])
      let metrics = try await view.ticketMetrics(from: .distantPast, to: Date(), departments: nil)
      #expect(metrics.openByDepartment.map(\.id) == [10])

      // A view of a view keeps the narrower set.
      #expect(try await view.restricted(to: [10, 11]).listTickets(TicketQuery(), page: PageRequest()).items.count == 1)
    }
  }
}
