import AtendeDomain
import Foundation
import Testing

@Suite("Ticket links, mass incidents and merges (rules)")
struct TicketLinkRulesTests {
  let world = InMemoryReferences.world()
  let now = Date(timeIntervalSince1970: 1_800_000_000)

  func ticket(_ id: Int64, status: TicketStatus = .inProgress, client: Int64 = 1, interactions: Int = 1) -> Ticket {
    Ticket(
      id: id, protocolNumber: "202600000000\(id)", kind: .client, clientID: client, title: "t", departmentID: 10,
      priority: .normal, description: "d", status: status, createdAt: now, updatedAt: now, openedBy: "t", version: 2,
      interactionCount: interactions)
  }

  @Test("RELATED is stored with the lower id first; other kinds keep their direction")
  func normalized() {
    #expect(TicketLinkRules.normalized(TicketLink(ticketID: 9, kind: .related, otherTicketID: 3)).ticketID == 3)
    #expect(TicketLinkRules.normalized(TicketLink(ticketID: 9, kind: .parentOf, otherTicketID: 3)).ticketID == 9)
  }

  @Test("parents: one per child, a bounded number of children and depth, no cycle")
  func parentRules() throws {
    let link = TicketLink(ticketID: 1, kind: .parentOf, otherTicketID: 2)
    func reason(_ facts: TicketLinkRules.Facts) -> String? {
      do {
        _ = try TicketLinkRules.link(link, ticket: ticket(1), other: ticket(2), facts: facts, actor: "a", now: now)
        return nil
      } catch {
        return error.violations.first.map { "\($0.field) \($0.reason)" }
      }
    }
    var facts = TicketLinkRules.Facts()
    #expect(reason(facts) == nil)
    facts.parentOfOther = 7
    #expect(reason(facts) == "link.other_ticket_id HAS_PARENT")
    facts = .init()
    facts.children = TicketLinkRules.maxChildren
    #expect(reason(facts) == "link.ticket_id TOO_MANY_CHILDREN")
    facts = .init()
    facts.ancestors = [5, 2]
    #expect(reason(facts) == "link.other_ticket_id CYCLE")
    facts.ancestors = Array(100..<(100 + Int64(TicketLinkRules.maxDepth)))
    #expect(reason(facts) == "link.ticket_id TOO_DEEP")
  }

  @Test("a link bumps both versions and tells each history its side")
  func histories() throws {
    let (stored, first, second) = try TicketLinkRules.link(
      TicketLink(ticketID: 1, kind: .duplicateOf, otherTicketID: 2), ticket: ticket(1),
      other: ticket(2, status: .solved),
      facts: .init(), actor: "maria", now: now)
    #expect(stored.createdBy == "maria" && stored.createdAt == now)
    #expect(first.ticket.version == 3 && second.ticket.version == 3)
    #expect(first.entries.map(\.newValue) == ["DUPLICATE_OF 2026000000002"])
    #expect(second.entries.map(\.newValue) == ["HAS_DUPLICATE 2026000000001"])
    #expect(throws: DomainError.self) {
      try TicketLinkRules.link(
        TicketLink(ticketID: 1, kind: .related, otherTicketID: 2), ticket: ticket(1, status: .solved),
        other: ticket(2), facts: .init(), actor: "a", now: now)
    }
  }

  @Test("a parent's solution solves an open child with one interaction; a closed one is left")
  func solveChild() throws {
    let parent = ticket(1, status: .solved)
    let outcome = try #require(
      try TicketLinkRules.solveChild(
        ticket(2, status: .new, interactions: 0), parent: parent, message: " ", actor: "a", now: now))
    #expect(outcome.ticket.status == .solved && outcome.ticket.closedAt == now)
    #expect(outcome.entries.first?.note == "Solved with incident 2026000000001.")
    #expect(
      try TicketLinkRules.solveChild(ticket(3, status: .solved), parent: parent, message: "x", actor: "a", now: now)
        == nil)
  }

  @Test("a merge: same customer, the target's rules after, the source solved")
  func merge() throws {
    let moved = TicketLinkRules.MergeCounts(messages: 2, files: 0, contacts: 1)
    var source = ticket(1, interactions: 2)
    source.firstResponseAt = now.addingTimeInterval(-60)
    let (solved, received) = try TicketLinkRules.merge(
      source, into: ticket(2, interactions: 1), moved: moved, sourceChildren: 0, actor: "a", now: now, lookup: world)
    #expect(solved.ticket.status == .solved)
    #expect(
      solved.entries.first?.kind == HistoryKind.merged && solved.entries.first?.note == "2 messages, 0 files, 1 contact"
    )
    #expect(received.ticket.interactionCount == 3)
    #expect(received.ticket.firstResponseAt == source.firstResponseAt)
    let otherCustomer = #expect(throws: DomainError.self) {
      try TicketLinkRules.merge(
        ticket(1), into: ticket(2, client: 2), moved: moved, sourceChildren: 0, actor: "a", now: now, lookup: world)
    }
    #expect(otherCustomer?.violations.first?.reason == "NOT_SAME_CUSTOMER")
    let parent = #expect(throws: DomainError.self) {
      try TicketLinkRules.merge(
        ticket(1), into: ticket(2), moved: moved, sourceChildren: 3, actor: "a", now: now, lookup: world)
    }
    #expect(parent?.violations.first?.reason == "HAS_CHILDREN")
    // The target must satisfy every rule after the merge.
    var broken = ticket(2)
    broken.description = " "
    let invalid = #expect(throws: DomainError.self) {
      try TicketLinkRules.merge(
        ticket(1), into: broken, moved: moved, sourceChildren: 0, actor: "a", now: now, lookup: world)
    }
    #expect(invalid?.violations.first?.field == "ticket.description")
  }
}
