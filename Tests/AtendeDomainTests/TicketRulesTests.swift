import AtendeDomain
import Foundation
import Testing

@Suite("Ticket rules (DOMAIN.md 1–9)")
struct TicketRulesTests {
  let world = InMemoryReferences.world()

  func openError(_ fields: TicketFields, world: InMemoryReferences? = nil) -> DomainError? {
    do {
      _ = try TicketRules.open(fields, actor: "test", now: now, lookup: world ?? self.world)
      return nil
    } catch let error as DomainError {
      return error
    } catch {
      Issue.record("unexpected \(error)")
      return nil
    }
  }

  func reasons(_ error: DomainError?) -> [String: String] {
    Dictionary((error?.violations ?? []).map { ($0.field, $0.reason) }, uniquingKeysWith: { first, _ in first })
  }

  @Test("rule 1: a valid ticket opens as NEW with the given fields, trimmed title")
  func opens() throws {
    var fields = validFields()
    fields.title = "  Sem internet  "
    let ticket = try TicketRules.open(fields, actor: "maria", now: now, lookup: world)
    #expect(ticket.status == .new)
    #expect(ticket.title == "Sem internet")
    #expect(ticket.openedBy == "maria")
    #expect(ticket.version == 1)
    #expect(ticket.createdAt == now)
  }

  @Test("rule 1: kind, title, department and description are required, all reported together")
  func required() {
    let error = openError(TicketFields())
    #expect(error?.kind == .invalidArgument)
    let found = reasons(error)
    #expect(found["ticket.kind"] == "REQUIRED")
    #expect(found["ticket.title"] == "REQUIRED")
    #expect(found["ticket.department_id"] == "REQUIRED")
    #expect(found["ticket.description"] == "REQUIRED")
    #expect(found["ticket.priority"] == "REQUIRED")
  }

  @Test("rule 1: title at most 200 characters, one line; description bounded")
  func lengths() {
    var fields = validFields()
    fields.title = String(repeating: "a", count: 201)
    fields.description = String(repeating: "d", count: TicketRules.maxDescriptionLength + 1)
    let found = reasons(openError(fields))
    #expect(found["ticket.title"] == "TOO_LONG")
    #expect(found["ticket.description"] == "TOO_LONG")
    fields = validFields()
    fields.title = "two\nlines"
    #expect(reasons(openError(fields))["ticket.title"] == "NOT_ONE_LINE")
  }

  @Test("rule 1: the subject's default priority applies when priority is omitted, else it is an error")
  func defaultPriority() throws {
    var fields = validFields()
    fields.priority = nil
    #expect(try TicketRules.open(fields, actor: "t", now: now, lookup: world).priority == .high)
    fields.subjectID = 51
    fields.contractID = 100
    #expect(reasons(openError(fields))["ticket.priority"] == "REQUIRED")
  }

  @Test("rule 2: CLIENT needs an existing client and no structure; STRUCTURE the reverse")
  func kinds() {
    var fields = validFields()
    fields.clientID = nil
    #expect(reasons(openError(fields))["ticket.client_id"] == "REQUIRED")
    fields.clientID = 999
    #expect(reasons(openError(fields))["ticket.client_id"] == "NOT_FOUND")
    fields.clientID = 1
    fields.structureID = 1
    #expect(reasons(openError(fields))["ticket.structure_id"] == "MUST_BE_EMPTY")
    var structure = TicketFields(
      kind: .structure, structureID: 1, title: "Queda no POP", departmentID: 10, priority: .critical,
      description: "POP sem energia")
    #expect(openError(structure) == nil)
    structure.clientID = 1
    #expect(reasons(openError(structure))["ticket.client_id"] == "MUST_BE_EMPTY")
    structure.clientID = nil
    structure.structureID = nil
    #expect(reasons(openError(structure))["ticket.structure_id"] == "REQUIRED")
  }

  @Test("rule 3: the general parameter makes the subject required")
  func subjectRequired() {
    var world = self.world
    var fields = validFields()
    fields.subjectID = nil
    #expect(openError(fields, world: world) == nil)
    world.generalParameters.subjectRequired = true
    let error = openError(fields, world: world)
    #expect(error?.kind == .failedPrecondition)
    #expect(reasons(error)["ticket.subject_id"] == "REQUIRED_BY_PARAMETERS")
  }

  @Test("an inactive subject or department cannot be set")
  func inactive() {
    var fields = validFields()
    fields.subjectID = 55
    fields.departmentID = 11
    let error = openError(fields)
    #expect(error?.kind == .failedPrecondition)
    #expect(reasons(error) == ["ticket.subject_id": "INACTIVE", "ticket.department_id": "INACTIVE"])
  }

  @Test(
    "rule 4: the subject's flags require contract, login, channel and complementary status",
    arguments: [
      (Int64(51), ["ticket.contract_id"]),
      (Int64(52), ["ticket.contract_id", "ticket.login_id"]),
      (Int64(53), ["ticket.channel_id", "ticket.complementary_status_id"]),
      (Int64(54), ["ticket.contract_id"]),
    ])
  func subjectFlags(subjectID: Int64, fields expected: [String]) throws {
    var fields = validFields()
    fields.subjectID = subjectID
    let error = openError(fields)
    #expect(error?.kind == .failedPrecondition)
    #expect(Set(reasons(error).keys) == Set(expected))
    #expect(reasons(error).values.allSatisfy { $0 == "REQUIRED_BY_SUBJECT" })
    // With the fields filled in, it opens.
    fields.contractID = 100
    fields.loginID = 200
    fields.channelID = 20
    fields.complementaryStatusID = 30
    #expect(openError(fields) == nil)
  }

  @Test("rule 5: a subject whose service orders need a signature requires the contract, and says why")
  func signature() {
    var fields = validFields()
    fields.subjectID = 54
    let violation = openError(fields)?.violations.first
    #expect(violation?.field == "ticket.contract_id")
    #expect(violation?.description.contains("signature") == true)
  }

  @Test("rule 6: an inactive channel is rejected")
  func inactiveChannel() {
    var fields = validFields()
    fields.channelID = 21
    let error = openError(fields)
    #expect(error?.kind == .failedPrecondition)
    #expect(reasons(error)["ticket.channel_id"] == "INACTIVE")
    fields.channelID = 20
    #expect(openError(fields) == nil)
  }

  @Test("rule 7: contract and login must belong to the client and be active")
  func ownership() {
    var fields = validFields()
    fields.contractID = 101  // client 2's
    fields.loginID = 201  // client 2's
    let found = reasons(openError(fields))
    #expect(found["ticket.contract_id"] == "NOT_OF_CLIENT")
    #expect(found["ticket.login_id"] == "NOT_OF_CLIENT")
    fields.clientID = 2
    fields.contractID = 103
    fields.loginID = nil
    #expect(reasons(openError(fields))["ticket.contract_id"] == "INACTIVE")
  }

  @Test("rule 8: changing the client fills contract and login when it has exactly one of each, else clears them")
  func clientChange() throws {
    var fields = validFields()
    fields.clientID = 2
    fields.contractID = 101
    fields.loginID = 201
    let ticket = try TicketRules.open(fields, actor: "t", now: now, lookup: world)
    // Client 1 has exactly one active contract and login: filled in.
    let (toOne, changes) = try TicketRules.update(
      ticket, with: TicketFields(clientID: 1), mask: [.clientID], actor: "t", now: now, lookup: world)
    #expect(toOne.contractID == 100)
    #expect(toOne.loginID == 200)
    #expect(changes.map(\.field).contains("contract_id"))
    // Client 2 has several: cleared for the user to choose.
    let (toMany, _) = try TicketRules.update(
      toOne, with: TicketFields(clientID: 2), mask: [.clientID], actor: "t", now: now, lookup: world)
    #expect(toMany.contractID == nil)
    #expect(toMany.loginID == nil)
    // Unless the same request sets them.
    let (explicit, _) = try TicketRules.update(
      toOne, with: TicketFields(clientID: 2, contractID: 102), mask: [.clientID, .contractID], actor: "t", now: now,
      lookup: world)
    #expect(explicit.contractID == 102)
    #expect(explicit.loginID == nil)
  }

  @Test("rule 4 holds on changes: a new subject re-checks, clearing a required field is rejected")
  func rule4OnUpdate() throws {
    var fields = validFields()
    fields.contractID = 100
    let ticket = try TicketRules.open(fields, actor: "t", now: now, lookup: world)
    #expect(throws: DomainError.self) {
      try TicketRules.update(
        ticket, with: TicketFields(subjectID: 52), mask: [.subjectID], actor: "t", now: now, lookup: world)
    }
    let (withSubject, _) = try TicketRules.update(
      ticket, with: TicketFields(subjectID: 51), mask: [.subjectID], actor: "t", now: now, lookup: world)
    let error = #expect(throws: DomainError.self) {
      try TicketRules.update(
        withSubject, with: TicketFields(), mask: [.contractID], actor: "t", now: now, lookup: world)
    }
    #expect(error?.violations.first?.reason == "REQUIRED_BY_SUBJECT")
  }

  @Test("rule 9: location comes from the login, else the contract, else the client or structure; MANUAL sticks")
  func location() throws {
    var fields = validFields()
    #expect(try TicketRules.open(fields, actor: "t", now: now, lookup: world).location?.origin == .client)
    fields.subjectID = 51
    fields.contractID = 100
    #expect(try TicketRules.open(fields, actor: "t", now: now, lookup: world).location?.origin == .contract)
    fields.subjectID = 52
    fields.loginID = 200
    let byLogin = try TicketRules.open(fields, actor: "t", now: now, lookup: world)
    #expect(byLogin.location == Location(address: Address(text: "login 200 street"), origin: .login))
    let structure = TicketFields(
      kind: .structure, structureID: 1, title: "x", departmentID: 10, priority: .low, description: "y")
    #expect(try TicketRules.open(structure, actor: "t", now: now, lookup: world).location?.origin == .structure)

    fields = validFields()
    fields.manualLocation = Address(text: "Rua X, 1", coordinates: Coordinates(latitude: -27.1, longitude: -52.6))
    let manual = try TicketRules.open(fields, actor: "t", now: now, lookup: world)
    #expect(manual.location?.origin == .manual)
    // Changing the client does not overwrite a manual location.
    let (moved, _) = try TicketRules.update(
      manual, with: TicketFields(clientID: 2), mask: [.clientID], actor: "t", now: now, lookup: world)
    #expect(moved.location?.origin == .manual)
    // A derived one follows the client.
    let derived = try TicketRules.open(validFields(), actor: "t", now: now, lookup: world)
    let (followed, _) = try TicketRules.update(
      derived, with: TicketFields(clientID: 2), mask: [.clientID], actor: "t", now: now, lookup: world)
    #expect(followed.location?.address.text == "client 2 street")
  }

  @Test("rule 9: a required login or contract without an address falls back to the contract, then the client")
  func locationFallback() throws {
    var fields = validFields()
    fields.clientID = 2
    fields.subjectID = 52  // login and contract required
    fields.loginID = 201  // no address
    fields.contractID = 101  // an address
    let byContract = try TicketRules.open(fields, actor: "t", now: now, lookup: world)
    #expect(byContract.location == Location(address: Address(text: "contract 101 street"), origin: .contract))
    fields.loginID = 202
    fields.contractID = 102  // neither has an address
    let byClient = try TicketRules.open(fields, actor: "t", now: now, lookup: world)
    #expect(byClient.location == Location(address: Address(text: "client 2 street"), origin: .client))
  }

  @Test("rule 9: a derived location sent back as it was read (an update without a mask) stays derived")
  func derivedLocationSentBack() throws {
    let ticket = try TicketRules.open(validFields(), actor: "t", now: now, lookup: world)
    #expect(ticket.location?.origin == .client)
    var fields = validFields()
    fields.manualLocation = ticket.location?.address
    let (sentBack, _) = try TicketRules.update(
      ticket, with: fields, mask: Set(TicketField.allCases), actor: "t", now: now, lookup: world)
    #expect(sentBack.location?.origin == .client)
    // So a later change of client still moves it.
    let (moved, _) = try TicketRules.update(
      sentBack, with: TicketFields(clientID: 2), mask: [.clientID], actor: "t", now: now, lookup: world)
    #expect(moved.location == Location(address: Address(text: "client 2 street"), origin: .client))
    // A different location sent the same way is one set by hand.
    fields.manualLocation = Address(text: "Rua Nova, 10")
    let (pinned, _) = try TicketRules.update(
      ticket, with: fields, mask: Set(TicketField.allCases), actor: "t", now: now, lookup: world)
    #expect(pinned.location == Location(address: Address(text: "Rua Nova, 10"), origin: .manual))
  }

  @Test("latitude beyond ±90 and longitude beyond ±180 (or not finite) are refused, on opening and updating")
  func coordinatesInRange() throws {
    var fields = validFields()
    for (latitude, longitude, bad) in [
      (91.0, 0.0, ["ticket.location.latitude"]),
      (-90.5, 180.5, ["ticket.location.latitude", "ticket.location.longitude"]),
      (0.0, -181.0, ["ticket.location.longitude"]), (Double.nan, 0.0, ["ticket.location.latitude"]),
      (0.0, Double.infinity, ["ticket.location.longitude"]),
    ] {
      fields.manualLocation = Address(text: "x", coordinates: Coordinates(latitude: latitude, longitude: longitude))
      let error = #expect(throws: DomainError.self) {
        try TicketRules.open(fields, actor: "t", now: now, lookup: world)
      }
      #expect(error?.violations.map(\.field) == bad)
      #expect(error?.violations.allSatisfy { $0.reason == "OUT_OF_RANGE" } == true)
    }
    fields.manualLocation = Address(text: "x", coordinates: Coordinates(latitude: 90, longitude: -180))
    let edge = try TicketRules.open(fields, actor: "t", now: now, lookup: world)
    #expect(edge.location?.origin == .manual)
    let update = TicketFields(
      manualLocation: Address(text: "y", coordinates: Coordinates(latitude: 0, longitude: 200)))
    let error = #expect(throws: DomainError.self) {
      try TicketRules.update(edge, with: update, mask: [.location], actor: "t", now: now, lookup: world)
    }
    #expect(error?.violations.map(\.field) == ["ticket.location.longitude"])
  }

  @Test("an update bumps the version and lists old and new values; a no-op changes nothing")
  func updateChanges() throws {
    let ticket = try TicketRules.open(validFields(), actor: "t", now: now, lookup: world)
    let later = now.addingTimeInterval(60)
    let (next, changes) = try TicketRules.update(
      ticket, with: TicketFields(title: "Internet lenta", priority: .high), mask: [.title, .priority], actor: "t",
      now: later, lookup: world)
    #expect(next.version == ticket.version + 1)
    #expect(next.updatedAt == later)
    #expect(changes.contains(.init(field: "title", oldValue: "Sem internet", newValue: "Internet lenta")))
    #expect(changes.contains(.init(field: "priority", oldValue: "NORMAL", newValue: "HIGH")))
    let (same, none) = try TicketRules.update(
      ticket, with: TicketFields(title: "Sem internet"), mask: [.title], actor: "t", now: later, lookup: world)
    #expect(none.isEmpty)
    #expect(same.version == ticket.version)
  }
}
