import AtendeDomain
import Foundation
import Testing

@Suite("Reference upsert rules")
struct ReferenceRulesTests {
  /// The small world, with open and closed tickets of client 1 on contract 100 / login 200.
  func world(statuses: [TicketStatus]) -> InMemoryReferences {
    var world = InMemoryReferences.world()
    world.tickets = statuses.enumerated().map { index, status in
      Ticket(
        id: Int64(index + 1), protocolNumber: "2026\(String(format: "%09d", index + 1))", kind: .client, clientID: 1,
        contractID: 100, loginID: 200, title: "t", departmentID: 10, priority: .normal, description: "d",
        status: status, createdAt: now, updatedAt: now, openedBy: "test")
    }
    return world
  }

  func violations(_ batch: ReferenceBatch, _ world: InMemoryReferences) -> [DomainError.Violation]? {
    do {
      _ = try ReferenceRules.plan(batch, actor: "test", now: now, lookup: world)
      return nil
    } catch let error as DomainError {
      return error.violations
    } catch {
      Issue.record("unexpected \(error)")
      return nil
    }
  }

  @Test("rule 7: a contract or login used by open tickets does not move to another client; the tickets are named")
  func moveInUse() throws {
    let world = world(statuses: [.new, .inProgress, .pending, .solved, .canceled])
    var contract = try #require(world.contracts[100])
    contract.clientID = 2
    let refused = try #require(violations(.contracts([contract]), world))
    #expect(refused.map(\.field) == ["contracts[0].client_id"])
    #expect(refused.first?.reason == "IN_USE")
    #expect(refused.first?.isPrecondition == true)
    let description = refused.first?.description ?? ""
    #expect(description.contains("2026000000001") && description.contains("2026000000003"))
    #expect(!description.contains("2026000000004"))  // solved: not in use

    var login = try #require(world.logins[200])
    login.clientID = 2
    login.contractID = nil
    #expect(violations(.logins([login]), world)?.map(\.reason) == ["IN_USE"])

    // The same client, another description: not a move.
    var renamed = try #require(world.contracts[100])
    renamed.description = "Fibra"
    #expect(violations(.contracts([renamed]), world) == nil)
  }

  @Test("an id twice in one batch: only the record written (the last) is checked for a move")
  func duplicateIDs() throws {
    let world = world(statuses: [.new])
    let current = try #require(world.contracts[100])
    var moved = current
    moved.clientID = 2
    // Moved, then back: nothing moves.
    #expect(violations(.contracts([moved, current]), world) == nil)
    // Back, then moved: the move is what is written, and it is refused.
    #expect(violations(.contracts([current, moved]), world)?.map(\.field) == ["contracts[1].client_id"])
  }

  @Test("rule 7: with only solved and canceled tickets (or none), the move is planned")
  func moveWithoutOpenTickets() throws {
    for statuses in [[TicketStatus.solved, .canceled], []] {
      let world = world(statuses: statuses)
      var contract = try #require(world.contracts[100])
      contract.clientID = 2
      let plan = try ReferenceRules.plan(.contracts([contract]), actor: "test", now: now, lookup: world)
      #expect(plan.counts.updated == 1)
      #expect(
        try ReferenceRules.moves(in: .contracts([contract]), lookup: world) == [
          .openTickets(.contract, id: 100, client: 1)
        ])
    }
  }

  @Test("a ticket list longer than the error names is cut with 'and more'")
  func manyTickets() throws {
    let world = world(statuses: Array(repeating: .new, count: 9))
    var contract = try #require(world.contracts[100])
    contract.clientID = 2
    let description = try #require(violations(.contracts([contract]), world)?.first?.description)
    #expect(description.contains("and more"))
    #expect(description.components(separatedBy: ", ").count == 5)
  }
}
