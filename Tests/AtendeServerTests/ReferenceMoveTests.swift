import AtendeAPI
import AtendeServer
import AtendeStoreTestSupport
import Testing

/// Rule 7 (a ticket's contract and login belong to its client) against reference data
/// that changes: an upsert may not move a contract or login that open tickets use to
/// another client.
@Suite("Reference upserts re-check the tickets of a contract or login that moves")
struct ReferenceMoveTests {
  static func anaTicket() -> Ticket {
    var opened = ticket()
    opened.contractId = Demo.anaContract
    opened.loginId = Demo.anaLogin
    return opened
  }

  @Test(
    "a contract or login used by an open ticket cannot move to another client; once the ticket is closed it can",
    arguments: Engine.available)
  func moveRefusedWhileInUse(engine: Engine) async throws {
    try await withTicketServer(engine) { tickets, _ in
      let reference = ReferenceDataService.Client(tickets.client)
      let opened = try await tickets.createTicket(CreateTicketRequest(ticket: Self.anaTicket()))
      let contract = try await reference.getContract(.init(id: Demo.anaContract))
      var moved = contract
      moved.clientId = Demo.bomPreco
      let refused = await #expect(throws: RPCError.self) {
        try await reference.upsertContracts(.init(contracts: [moved]))
      }
      #expect(refused?.code == .failedPrecondition)
      #expect(refused?.fieldViolations.map(\.field) == ["contracts[0].client_id"])
      #expect(refused?.fieldViolations.first?.reason == "IN_USE")
      #expect(refused?.fieldViolations.first?.description.contains(opened.protocol) == true)
      #expect(try await reference.getContract(.init(id: Demo.anaContract)) == contract)

      let login = try await reference.getLogin(.init(id: Demo.anaLogin))
      var movedLogin = login
      movedLogin.clientId = Demo.bomPreco
      movedLogin.contractId = 0
      let refusedLogin = await #expect(throws: RPCError.self) {
        try await reference.upsertLogins(.init(logins: [movedLogin]))
      }
      #expect(refusedLogin?.code == .failedPrecondition)
      #expect(refusedLogin?.fieldViolations.map(\.field) == ["logins[0].client_id"])

      // Other changes to the record go through while it is in use.
      var renamed = contract
      renamed.description = "Fibra 1 Gbps"
      #expect(try await reference.upsertContracts(.init(contracts: [renamed])) == UpsertResult(updated: 1))

      // A closed ticket keeps the record as history and does not hold it back.
      _ = try await tickets.cancelTicket(
        CancelTicketRequest(id: opened.id, expectedVersion: opened.version, reason: "aberto por engano"))
      moved.description = renamed.description
      #expect(try await reference.upsertContracts(.init(contracts: [moved])) == UpsertResult(updated: 1))
      #expect(try await reference.upsertLogins(.init(logins: [movedLogin])) == UpsertResult(updated: 1))
      let kept = try await tickets.getTicket(GetTicketRequest(key: .id(opened.id)))
      #expect(kept.contractId == Demo.anaContract)
      #expect(kept.loginId == Demo.anaLogin)
    }
  }

  @Test(
    "a contract moving while tickets are opened with it: the move is refused, or no ticket opened with it remains open",
    arguments: Engine.available)
  func moveRacingCreates(engine: Engine) async throws {
    try await withTicketServer(engine) { tickets, _ in
      let reference = ReferenceDataService.Client(tickets.client)
      let contract = try await reference.getContract(.init(id: Demo.anaContract))
      let moved = {
        var moved = contract
        moved.clientId = Demo.bomPreco
        return moved
      }()
      for _ in 0..<5 {
        let (moveSucceeded, created) = await withTaskGroup(of: (Bool?, Ticket?).self) { group in
          for _ in 0..<12 {
            group.addTask {
              var opened = Self.anaTicket()
              opened.loginId = 0
              return (nil, try? await tickets.createTicket(CreateTicketRequest(ticket: opened)))
            }
          }
          group.addTask { ((try? await reference.upsertContracts(.init(contracts: [moved]))) != nil, nil) }
          var moveSucceeded = false
          var created: [Ticket] = []
          for await (move, ticket) in group {
            if let move { moveSucceeded = move }
            if let ticket { created.append(ticket) }
          }
          return (moveSucceeded, created)
        }
        // Rule 7 holds: a contract of another client is on no open ticket.
        if moveSucceeded {
          #expect(created.count == 0, "the contract moved while open tickets used it: \(created.map(\.protocol))")
        }
        for ticket in created {
          _ = try await tickets.cancelTicket(
            CancelTicketRequest(id: ticket.id, expectedVersion: ticket.version, reason: "teste"))
        }
        if moveSucceeded { _ = try await reference.upsertContracts(.init(contracts: [contract])) }
      }
    }
  }
}
