import AtendeDomain
import Foundation
import Testing

@Suite("Tags and branches on tickets (rules)")
struct TagBranchRulesTests {
  var world: InMemoryReferences {
    var world = InMemoryReferences.world()
    world.branches = [1: Branch(id: 1, name: "Matriz"), 2: Branch(id: 2, name: "Filial Sul", active: false)]
    return world
  }

  func reasons(_ tags: [String]) -> [String: String] {
    var violations = Violations()
    TagRules.check(tags, into: &violations)
    return Dictionary(violations.all.map { ($0.field, $0.reason) }, uniquingKeysWith: { first, _ in first })
  }

  func openReasons(_ fields: TicketFields) -> [String: String] {
    do {
      _ = try TicketRules.open(fields, actor: "t", now: now, lookup: world)
      return [:]
    } catch let error as DomainError {
      return Dictionary(error.violations.map { ($0.field, $0.reason) }, uniquingKeysWith: { first, _ in first })
    } catch {
      Issue.record("unexpected \(error)")
      return [:]
    }
  }

  @Test("a tag is trimmed, lower-cased, without leading #, spaces inside made one -")
  func normalizesOne() {
    #expect(TagRules.normalize("  Queda Massiva ") == "queda-massiva")
    #expect(TagRules.normalize("#QUEDA \t massiva") == "queda-massiva")
    #expect(TagRules.normalize("##vip") == "vip")
    #expect(TagRules.normalize("Instalação") == "instalação")
    #expect(TagRules.normalize("   ") == "")
    // An accent typed as a combining mark is the composed character, byte for byte.
    #expect(Array(TagRules.normalize("Manutenc\u{0327}a\u{0303}o").utf8) == Array("manuten\u{E7}\u{E3}o".utf8))
  }

  @Test("a ticket's tags are normalised, deduplicated, sorted, without empty ones")
  func normalizesList() {
    #expect(TagRules.normalize(["vip", "Fibra", " fibra", "#VIP", " "]) == ["fibra", "vip"])
  }

  @Test("each bad tag is named by its index and reason; too many is one violation")
  func checks() {
    #expect(reasons(["fibra", "vip"]).isEmpty)
    #expect(reasons(["ok", "#"]) == ["ticket.tags[1]": "EMPTY"])
    #expect(reasons([String(repeating: "a", count: 51)]) == ["ticket.tags[0]": "TOO_LONG"])
    #expect(reasons([String(repeating: "a", count: 50)]).isEmpty)
    #expect(reasons(["a/b"]) == ["ticket.tags[0]": "INVALID_CHARACTER"])
    #expect(reasons(["v1.2_beta-x"]).isEmpty)
    #expect(reasons((1...21).map { "t\($0)" }) == ["ticket.tags": "TOO_MANY"])
    // Duplicates count once: twenty distinct tags, sent with repeats, are accepted.
    #expect(reasons((1...20).map { "t\($0)" } + ["T1", "#t2"]).isEmpty)
  }

  @Test("opening stores the normalised tags and refuses bad ones")
  func openWithTags() throws {
    var fields = validFields()
    fields.tags = ["Queda Massiva", "fibra", "FIBRA"]
    let ticket = try TicketRules.open(fields, actor: "t", now: now, lookup: world)
    #expect(ticket.tags == ["fibra", "queda-massiva"])
    fields.tags = ["ok", "não/pode"]
    #expect(openReasons(fields) == ["ticket.tags[1]": "INVALID_CHARACTER"])
  }

  @Test("a ticket's branch must exist and be active")
  func branch() throws {
    var fields = validFields()
    fields.branchID = 1
    #expect(try TicketRules.open(fields, actor: "t", now: now, lookup: world).branchID == 1)
    fields.branchID = 2
    #expect(openReasons(fields) == ["ticket.branch_id": "INACTIVE"])
    fields.branchID = 9
    #expect(openReasons(fields) == ["ticket.branch_id": "NOT_FOUND"])
  }

  @Test("an update changes tags and branch only when masked, and records both")
  func update() throws {
    var fields = validFields()
    fields.branchID = 1
    let ticket = try TicketRules.open(fields, actor: "t", now: now, lookup: world)
    var change = TicketFields()
    change.tags = ["VIP", "fibra"]
    let (tagged, changes) = try TicketRules.update(
      ticket, with: change, mask: [.tags], actor: "t", now: now, lookup: world)
    #expect(tagged.tags == ["fibra", "vip"])
    #expect(tagged.branchID == 1)
    #expect(changes.map(\.field) == ["tags"])
    #expect(changes.first?.newValue == "fibra vip")
    // A ticket keeps a branch that became inactive; moving to one is refused.
    var inactive = world
    inactive.branches[1]?.active = false
    change = TicketFields()
    change.title = "Outro título"
    #expect(
      try TicketRules.update(tagged, with: change, mask: [.title], actor: "t", now: now, lookup: inactive).0.branchID
        == 1)
    change.branchID = 2
    #expect(throws: DomainError.self) {
      try TicketRules.update(tagged, with: change, mask: [.branchID], actor: "t", now: now, lookup: world)
    }
    change.branchID = nil
    let (cleared, _) = try TicketRules.update(
      tagged, with: change, mask: [.branchID], actor: "t", now: now, lookup: world)
    #expect(cleared.branchID == nil)
  }
}
