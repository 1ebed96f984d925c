import AtendeDomain
import Foundation
import Testing

@testable import AtendeStore

/// Branches as reference data, and tickets' branches and tags in lists, search, tag
/// counts, metrics and views restricted to branches: the same on every engine.
@Suite("Tags and branches in the store")
struct TagBranchStoreTests {
  func tagged(
    _ store: some AtendeStore, _ title: String, branch: Int64?, tags: [String], department: Int64 = 10
  ) async throws -> Ticket {
    var ticketFields = fields(title: title)
    ticketFields.branchID = branch
    ticketFields.tags = tags
    ticketFields.departmentID = department
    return try await store.createTicket(ticketFields, actor: "admin")
  }

  @Test(
    "branches are upserted, read back, and a ticket keeps its branch and normalised tags", arguments: Engine.available)
  func roundTrip(engine: Engine) async throws {
    try await withStore(engine) { store in
      _ = try await loadReferences(store)
      let counts = try await store.upsert(
        .branches([Branch(id: 1, name: "Matriz"), Branch(id: 2, name: "Filial Norte", active: false)]))
      #expect(counts.created == 2)
      #expect(try await store.upsert(.branches([Branch(id: 1, name: "Matriz")])).unchanged == 1)
      #expect(try await store.reference(Branch.self, id: 2) == Branch(id: 2, name: "Filial Norte", active: false))

      let ticket = try await tagged(store, "Sem sinal", branch: 1, tags: ["Queda Massiva", "#fibra"])
      #expect(ticket.branchID == 1)
      #expect(ticket.tags == ["fibra", "queda-massiva"])
      #expect(try await store.ticket(id: ticket.id) == ticket)

      // An inactive branch is refused; the tags are replaced as a whole by an update.
      await #expect(throws: DomainError.self) { _ = try await tagged(store, "x", branch: 2, tags: []) }
      var change = TicketFields()
      change.tags = ["vip"]
      let updated = try await store.updateTicket(
        id: ticket.id, expectedVersion: ticket.version, fields: change, mask: [.tags], actor: "agent")
      #expect(updated.tags == ["vip"])
      #expect(try await store.ticket(id: ticket.id).tags == ["vip"])
      let history = try await store.ticketHistory(id: ticket.id, kind: "", page: PageRequest()).items
      #expect(history.contains { $0.field == "tags" && $0.oldValue == "fibra queda-massiva" && $0.newValue == "vip" })
    }
  }

  @Test(
    "lists filter by branch and by every tag given; search finds tags; tags are counted", arguments: Engine.available)
  func filters(engine: Engine) async throws {
    try await withStore(engine) { store in
      _ = try await loadReferences(store)
      _ = try await store.upsert(.branches([Branch(id: 1, name: "Matriz"), Branch(id: 2, name: "Filial Norte")]))
      let a = try await tagged(store, "Sem sinal", branch: 1, tags: ["fibra", "queda-massiva"])
      let b = try await tagged(store, "Lento", branch: 2, tags: ["fibra"])
      let c = try await tagged(store, "Boleto", branch: nil, tags: ["financeiro"])

      func ids(_ configure: (inout TicketQuery) -> Void) async throws -> [Int64] {
        var query = TicketQuery()
        configure(&query)
        return try await store.listTickets(query, page: PageRequest()).items.map(\.id).sorted()
      }
      #expect(try await ids { $0.branchID = 1 } == [a.id])
      #expect(try await ids { $0.tags = ["fibra"] } == [a.id, b.id])
      #expect(try await ids { $0.tags = ["fibra", "queda-massiva"] } == [a.id])
      #expect(try await ids { $0.tags = ["fibra", "financeiro"] } == [])
      #expect(
        try await ids {
          $0.tags = ["fibra"]; $0.branchID = 2
        } == [b.id])
      #expect(try await ids { $0.text = "massiva" } == [a.id])
      #expect(try await ids { $0.text = "financeiro" } == [c.id])

      // Tag counts: the most used first, then by name; a prefix narrows them.
      #expect(
        try await store.ticketTags(prefix: "", limit: 10) == [
          TagCount(tag: "fibra", tickets: 2), TagCount(tag: "financeiro", tickets: 1),
          TagCount(tag: "queda-massiva", tickets: 1),
        ])
      #expect(try await store.ticketTags(prefix: "fi", limit: 1) == [TagCount(tag: "fibra", tickets: 2)])
      #expect(try await store.ticketTags(prefix: "queda", limit: 10).map(\.tag) == ["queda-massiva"])
      // A tag removed from its only ticket is no longer counted.
      var change = TicketFields()
      change.tags = []
      _ = try await store.updateTicket(id: c.id, expectedVersion: c.version, fields: change, mask: [.tags], actor: "a")
      #expect(try await store.ticketTags(prefix: "fin", limit: 10) == [])
      #expect(try await ids { $0.tags = ["financeiro"] } == [])

      // Metrics count the open tickets by branch, and filter by it.
      let metrics = try await store.ticketMetrics(from: .distantPast, to: Date(), scope: .everything)
      #expect(
        Dictionary(uniqueKeysWithValues: metrics.openByBranch.map { ($0.id, $0.count) }) == [0: 1, 1: 1, 2: 1])
      #expect(metrics.openByBranch.first { $0.id == 2 }?.name == "Filial Norte")
      let north = try await store.ticketMetrics(from: .distantPast, to: Date(), scope: TicketScope(branches: [2]))
      #expect(north.openByBranch.map(\.id) == [2])
    }
  }

  @Test(
    "a view restricted to branches sees only their tickets, never those without a branch", arguments: Engine.available)
  func restricted(engine: Engine) async throws {
    try await withStore(engine) { store in
      _ = try await loadReferences(store)
      _ = try await store.upsert(.branches([Branch(id: 1, name: "Matriz"), Branch(id: 2, name: "Filial Norte")]))
      let matriz = try await tagged(store, "Sem sinal", branch: 1, tags: ["fibra"])
      let norte = try await tagged(store, "Lento", branch: 2, tags: ["fibra", "norte"])
      let none = try await tagged(store, "Boleto", branch: nil, tags: ["fibra"])
      let view = store.restricted(to: TicketScope(branches: [2]))

      #expect(try await view.ticket(id: norte.id) == norte)
      for other in [matriz, none] {
        await #expect(throws: DomainError.self) { _ = try await view.ticket(id: other.id) }
        await #expect(throws: DomainError.self) {
          _ = try await view.changeTicketStatus(
            id: other.id, expectedVersion: other.version, to: .pending, message: "", actor: "agent")
        }
        #expect(try await store.ticket(id: other.id) == other)
      }
      #expect(try await view.listTickets(TicketQuery(), page: PageRequest()).items.map(\.id) == [norte.id])
      #expect(
        try await view.ticketTags(prefix: "", limit: 10) == [
          TagCount(tag: "fibra", tickets: 1), TagCount(tag: "norte", tickets: 1),
        ])
      let metrics = try await view.ticketMetrics(from: .distantPast, to: Date(), scope: .everything)
      #expect(metrics.openByBranch.map(\.id) == [2])
      // Departments and branches restrict together.
      let both = store.restricted(to: TicketScope(departments: [11], branches: [2]))
      #expect(try await both.listTickets(TicketQuery(), page: PageRequest()).items.isEmpty)
      #expect(try await view.restricted(to: [10]).listTickets(TicketQuery(), page: PageRequest()).items.count == 1)
    }
  }
}
