public import Foundation

/// The rules of docs/DOMAIN.md for opening and editing tickets (rules 1–9, 11, 12).
/// Pure functions over a ``ReferenceLookup``; the store runs them inside the
/// transaction that saves the result.
public enum TicketRules {
  public static let maxTitleLength = 200
  public static let maxDescriptionLength = 20_000

  /// A field change recorded in the history.
  public struct Change: Hashable, Sendable {
    public var field: String
    public var oldValue: String
    public var newValue: String

    public init(field: String, oldValue: String, newValue: String) {
      self.field = field
      self.oldValue = oldValue
      self.newValue = newValue
    }
  }

  // MARK: Opening

  /// The ticket `fields` describe, checked against every rule (without id and
  /// protocol number, which the store assigns).
  public static func open(
    _ fields: TicketFields, actor: String, now: Date, lookup: some ReferenceLookup
  ) throws -> Ticket {
    var violations = Violations()
    let subject = try fields.subjectID.flatMap { try lookup.subject($0) }
    if fields.kind == nil {
      violations.invalid("ticket.kind", "REQUIRED", "kind must be CLIENT or STRUCTURE")
    }
    var ticket = draft(fields, kind: fields.kind ?? .client, subject: subject, actor: actor, now: now)
    if fields.priority == nil && subject?.defaultPriority == nil {
      violations.invalid(
        "ticket.priority", "REQUIRED", "priority is required (the subject has no default priority)")
    }
    try check(
      ticket, changed: Set(TicketField.allCases), kindKnown: fields.kind != nil, lookup: lookup, into: &violations)
    checkCoordinates(fields.manualLocation, into: &violations)
    TagRules.check(fields.tags, into: &violations)
    try violations.throwIfAny("cannot open the ticket")
    ticket.location = try deriveLocation(ticket, manual: fields.manualLocation, lookup: lookup)
    return ticket
  }

  private static func draft(_ fields: TicketFields, kind: TicketKind, subject: Subject?, actor: String, now: Date)
    -> Ticket
  {
    Ticket(
      kind: kind, clientID: fields.clientID, structureID: fields.structureID, contractID: fields.contractID,
      loginID: fields.loginID, subjectID: fields.subjectID,
      title: fields.title.trimmingCharacters(in: .whitespacesAndNewlines),
      departmentID: fields.departmentID ?? 0, priority: fields.priority ?? subject?.defaultPriority ?? .normal,
      description: fields.description, complementaryStatusID: fields.complementaryStatusID,
      channelID: fields.channelID, createdAt: now, updatedAt: now, openedBy: actor, branchID: fields.branchID,
      tags: TagRules.normalize(fields.tags))
  }

  // MARK: Editing

  /// `ticket` with the fields in `mask` taken from `fields`, checked against every
  /// rule, and the changes to record. The version and update time are bumped when
  /// anything changed.
  public static func update(
    _ ticket: Ticket, with fields: TicketFields, mask: Set<TicketField>, actor: String, now: Date,
    lookup: some ReferenceLookup
  ) throws -> (Ticket, [Change]) {
    try TicketWorkflow.requireEditable(ticket)
    var violations = Violations()
    var next = ticket
    for field in mask {
      switch field {
      case .kind:
        if let kind = fields.kind {
          next.kind = kind
        } else {
          violations.invalid("ticket.kind", "REQUIRED", "kind must be CLIENT or STRUCTURE")
        }
      case .clientID: next.clientID = fields.clientID
      case .structureID: next.structureID = fields.structureID
      case .contractID: next.contractID = fields.contractID
      case .loginID: next.loginID = fields.loginID
      case .subjectID: next.subjectID = fields.subjectID
      case .title: next.title = fields.title.trimmingCharacters(in: .whitespacesAndNewlines)
      case .departmentID: next.departmentID = fields.departmentID ?? 0
      case .priority:
        if let priority = fields.priority {
          next.priority = priority
        } else {
          violations.invalid("ticket.priority", "REQUIRED", "priority cannot be cleared")
        }
      case .description: next.description = fields.description
      case .complementaryStatusID: next.complementaryStatusID = fields.complementaryStatusID
      case .channelID: next.channelID = fields.channelID
      case .location: break  // below, after derivation inputs are known
      case .branchID: next.branchID = fields.branchID
      case .tags: next.tags = TagRules.normalize(fields.tags)
      }
    }
    // Rule 8: a new client re-derives contract and login, unless the request sets them.
    if let clientID = next.clientID, clientID != ticket.clientID {
      let contracts = try lookup.activeContracts(ofClient: clientID)
      let logins = try lookup.activeLogins(ofClient: clientID)
      let single = contracts.count == 1 && logins.count == 1
      if !mask.contains(.contractID) { next.contractID = single ? contracts[0].id : nil }
      if !mask.contains(.loginID) { next.loginID = single ? logins[0].id : nil }
    }
    if next.kind == .structure && ticket.kind == .client && !mask.contains(.clientID) {
      // Switching to STRUCTURE drops the customer fields the request did not mention.
      next.clientID = nil
      if !mask.contains(.contractID) { next.contractID = nil }
      if !mask.contains(.loginID) { next.loginID = nil }
    }
    if next.kind == .client && ticket.kind == .structure && !mask.contains(.structureID) {
      next.structureID = nil
    }
    let changed = Set(TicketField.allCases.filter { value(of: $0, in: next) != value(of: $0, in: ticket) })
    try check(next, changed: changed, lookup: lookup, into: &violations)
    if mask.contains(.location) { checkCoordinates(fields.manualLocation, into: &violations) }
    if mask.contains(.tags) { TagRules.check(fields.tags, into: &violations) }
    try violations.throwIfAny("cannot update ticket \(ticket.protocolNumber)")

    // Rule 9: the location, set by hand or derived again when its inputs changed. A
    // derived location sent back as it was read (an update without a mask sends every
    // field) is not a location set by hand: it stays derived.
    let locationSentBack =
      ticket.location.map { $0.origin != .manual && fields.manualLocation == $0.address } ?? false
    if mask.contains(.location) && !locationSentBack {
      next.location = try deriveLocation(next, manual: fields.manualLocation, lookup: lookup)
    } else if next.location?.origin != .manual {
      let inputs: Set<TicketField> = [.kind, .clientID, .structureID, .contractID, .loginID, .subjectID]
      if !changed.isDisjoint(with: inputs) || next.location == nil {
        next.location = try deriveLocation(next, manual: nil, lookup: lookup)
      }
    }

    var changes: [Change] = []
    for field in TicketField.allCases {
      let old = value(of: field, in: ticket)
      let new = value(of: field, in: next)
      if old != new { changes.append(Change(field: field.rawValue, oldValue: old, newValue: new)) }
    }
    if !changes.isEmpty {
      next.version += 1
      next.updatedAt = now
    }
    return (next, changes)
  }

  /// A field's value as history text.
  public static func value(of field: TicketField, in ticket: Ticket) -> String {
    func id(_ value: Int64?) -> String { value.map(String.init) ?? "" }
    switch field {
    case .kind: return ticket.kind.name
    case .clientID: return id(ticket.clientID)
    case .structureID: return id(ticket.structureID)
    case .contractID: return id(ticket.contractID)
    case .loginID: return id(ticket.loginID)
    case .subjectID: return id(ticket.subjectID)
    case .title: return ticket.title
    case .departmentID: return id(ticket.departmentID == 0 ? nil : ticket.departmentID)
    case .priority: return "\(ticket.priority)".uppercased()
    case .description: return ticket.description
    case .complementaryStatusID: return id(ticket.complementaryStatusID)
    case .channelID: return id(ticket.channelID)
    case .location:
      guard let location = ticket.location else { return "" }
      return "\(location.address.text) [\(location.origin.name)]"
    case .branchID: return id(ticket.branchID)
    case .tags: return ticket.tags.joined(separator: " ")
    }
  }

  // MARK: The checks

  /// Every rule on the state `ticket`; `changed` says which fields this request set
  /// (existence and activity are checked only for those, so a record deactivated
  /// later does not block unrelated edits).
  static func check(
    _ ticket: Ticket, changed: Set<TicketField>, kindKnown: Bool = true, lookup: some ReferenceLookup,
    into violations: inout Violations
  ) throws {
    // Rule 1: required text fields.
    if ticket.title.isEmpty {
      violations.invalid("ticket.title", "REQUIRED", "title is required")
    } else if ticket.title.count > maxTitleLength {
      violations.invalid("ticket.title", "TOO_LONG", "title must be at most \(maxTitleLength) characters")
    } else if ticket.title.contains(where: \.isNewline) {
      violations.invalid("ticket.title", "NOT_ONE_LINE", "title must be a single line")
    }
    if ticket.description.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
      violations.invalid("ticket.description", "REQUIRED", "description is required")
    } else if ticket.description.count > maxDescriptionLength {
      violations.invalid(
        "ticket.description", "TOO_LONG", "description must be at most \(maxDescriptionLength) characters")
    }

    // Rule 1: department, existing and active.
    if ticket.departmentID == 0 {
      violations.invalid("ticket.department_id", "REQUIRED", "department is required")
    } else if changed.contains(.departmentID) {
      if let department = try lookup.department(ticket.departmentID) {
        if !department.active {
          violations.precondition(
            "ticket.department_id", "INACTIVE", "department \(department.name) is inactive")
        }
      } else {
        violations.invalid("ticket.department_id", "NOT_FOUND", "department \(ticket.departmentID) does not exist")
      }
    }

    // Rule 2: kind and its customer or structure.
    switch kindKnown ? ticket.kind : nil {
    case nil:
      break
    case .client?:
      if let clientID = ticket.clientID {
        if try lookup.client(clientID) == nil {
          violations.invalid("ticket.client_id", "NOT_FOUND", "client \(clientID) does not exist")
        }
      } else {
        violations.invalid("ticket.client_id", "REQUIRED", "a CLIENT ticket needs a client")
      }
      if ticket.structureID != nil {
        violations.invalid("ticket.structure_id", "MUST_BE_EMPTY", "a CLIENT ticket has no structure")
      }
    case .structure?:
      if let structureID = ticket.structureID {
        if try lookup.structure(structureID) == nil {
          violations.invalid("ticket.structure_id", "NOT_FOUND", "structure \(structureID) does not exist")
        }
      } else {
        violations.invalid("ticket.structure_id", "REQUIRED", "a STRUCTURE ticket needs a structure")
      }
      for (field, value) in [
        ("client_id", ticket.clientID), ("contract_id", ticket.contractID), ("login_id", ticket.loginID),
      ]
      where value != nil {
        violations.invalid("ticket.\(field)", "MUST_BE_EMPTY", "a STRUCTURE ticket has no \(field.dropLast(3))")
      }
    }

    // Rule 3: subject required by the parameters; the subject exists and is active.
    var subject: Subject?
    if let subjectID = ticket.subjectID {
      subject = try lookup.subject(subjectID)
      if let subject {
        if changed.contains(.subjectID) && !subject.active {
          violations.precondition("ticket.subject_id", "INACTIVE", "subject \(subject.name) is inactive")
        }
      } else {
        violations.invalid("ticket.subject_id", "NOT_FOUND", "subject \(subjectID) does not exist")
      }
    } else if try lookup.parameters().subjectRequired {
      violations.precondition(
        "ticket.subject_id", "REQUIRED_BY_PARAMETERS", "a subject is required (general parameter subject_required)")
    }

    // Rule 7: contract and login belong to the client and are active.
    if ticket.kind == .client, let clientID = ticket.clientID {
      /// One record of the client: it exists, is the client's, and is active when set now.
      func checkOwned(
        _ field: TicketField, _ id: Int64?, _ what: String,
        _ fetch: (Int64) throws -> (owner: Int64, active: Bool, name: String)?
      ) throws {
        guard let id, changed.contains(field) || changed.contains(.clientID) else { return }
        let path = "ticket.\(field.rawValue)"
        guard let record = try fetch(id) else {
          violations.invalid(path, "NOT_FOUND", "\(what) \(id) does not exist")
          return
        }
        if record.owner != clientID {
          violations.invalid(path, "NOT_OF_CLIENT", "\(what) \(record.name) does not belong to client \(clientID)")
        } else if !record.active && changed.contains(field) {
          violations.precondition(path, "INACTIVE", "\(what) \(record.name) is inactive")
        }
      }
      try checkOwned(.contractID, ticket.contractID, "contract") { id in
        try lookup.contract(id).map { ($0.clientID, $0.active, String($0.id)) }
      }
      try checkOwned(.loginID, ticket.loginID, "login") { id in
        try lookup.login(id).map { ($0.clientID, $0.active, $0.username) }
      }
    }

    // Rules 4 and 5: what the subject requires holds on every change.
    if let subject {
      let why = "subject \(subject.name) requires it"
      if subject.requiresContract && ticket.contractID == nil {
        let reason =
          subject.serviceOrderRequiresSignature && !subject.contractRequired
          ? "\(why) (its service orders need the customer's signature)" : why
        violations.precondition("ticket.contract_id", "REQUIRED_BY_SUBJECT", "a contract is required: \(reason)")
      }
      if subject.loginRequired && ticket.loginID == nil {
        violations.precondition("ticket.login_id", "REQUIRED_BY_SUBJECT", "a login is required: \(why)")
      }
      if subject.channelRequired && ticket.channelID == nil {
        violations.precondition("ticket.channel_id", "REQUIRED_BY_SUBJECT", "a channel is required: \(why)")
      }
      if subject.complementaryStatusRequired && ticket.complementaryStatusID == nil {
        violations.precondition(
          "ticket.complementary_status_id", "REQUIRED_BY_SUBJECT", "a complementary status is required: \(why)")
      }
    }

    if let branchID = ticket.branchID, changed.contains(.branchID) {
      if let branch = try lookup.branch(branchID) {
        if !branch.active {
          violations.precondition("ticket.branch_id", "INACTIVE", "branch \(branch.name) is inactive")
        }
      } else {
        violations.invalid("ticket.branch_id", "NOT_FOUND", "branch \(branchID) does not exist")
      }
    }

    // Rule 6: never an inactive channel.
    if let channelID = ticket.channelID, changed.contains(.channelID) {
      if let channel = try lookup.channel(channelID) {
        if !channel.active {
          violations.precondition("ticket.channel_id", "INACTIVE", "channel \(channel.name) is inactive")
        }
      } else {
        violations.invalid("ticket.channel_id", "NOT_FOUND", "channel \(channelID) does not exist")
      }
    }
    if let statusID = ticket.complementaryStatusID, changed.contains(.complementaryStatusID) {
      if let status = try lookup.complementaryStatus(statusID) {
        if !status.active {
          violations.precondition(
            "ticket.complementary_status_id", "INACTIVE", "complementary status \(status.description) is inactive")
        }
      } else {
        violations.invalid(
          "ticket.complementary_status_id", "NOT_FOUND", "complementary status \(statusID) does not exist")
      }
    }
  }

  // MARK: Location (rule 9)

  /// The ticket's location: `manual` when given (MANUAL); else from the login when the
  /// subject requires one, else from the contract when it requires one, else from the
  /// client or the structure.
  /// Latitude within ±90 and longitude within ±180 degrees, both finite.
  static func checkCoordinates(_ address: Address?, into violations: inout Violations) {
    guard let coordinates = address?.coordinates else { return }
    if !coordinates.latitude.isFinite || abs(coordinates.latitude) > 90 {
      violations.invalid(
        "ticket.location.latitude", "OUT_OF_RANGE", "latitude must be between -90 and 90 degrees")
    }
    if !coordinates.longitude.isFinite || abs(coordinates.longitude) > 180 {
      violations.invalid(
        "ticket.location.longitude", "OUT_OF_RANGE", "longitude must be between -180 and 180 degrees")
    }
  }

  public static func deriveLocation(
    _ ticket: Ticket, manual: Address?, lookup: some ReferenceLookup
  ) throws -> Location? {
    if let manual, !manual.text.isEmpty || manual.coordinates != nil {
      return Location(address: manual, origin: .manual)
    }
    // The first of login, contract (when the subject requires them) and client or
    // structure that has an address: a login or contract without one falls back to the
    // next.
    let subject = try ticket.subjectID.flatMap { try lookup.subject($0) }
    if subject?.loginRequired == true, let loginID = ticket.loginID, let login = try lookup.login(loginID),
      !login.address.isEmpty
    {
      return Location(address: login.address, origin: .login)
    }
    let contractWanted = subject?.contractRequired == true || subject?.loginRequired == true
    if contractWanted, let contractID = ticket.contractID, let contract = try lookup.contract(contractID),
      !contract.address.isEmpty
    {
      return Location(address: contract.address, origin: .contract)
    }
    switch ticket.kind {
    case .client:
      if let clientID = ticket.clientID, let client = try lookup.client(clientID) {
        return Location(address: client.address, origin: .client)
      }
    case .structure:
      if let structureID = ticket.structureID, let structure = try lookup.structure(structureID) {
        return Location(address: structure.address, origin: .structure)
      }
    }
    return nil
  }
}
