internal import AtendeDomain
internal import Foundation
internal import GRDB

// Mapping between rows and domain values. Timestamps are stored as INTEGER
// microseconds since 1970 (portable, sortable, exact).

extension Date {
  /// Microseconds since 1970: how every store keeps times.
  package var micros: Int64 { Int64((timeIntervalSince1970 * 1_000_000).rounded()) }
  package init(micros: Int64) { self.init(timeIntervalSince1970: Double(micros) / 1_000_000) }
}

extension Row {
  func date(_ column: String) -> Date { Date(micros: self[column]) }
  func optionalDate(_ column: String) -> Date? { (self[column] as Int64?).map(Date.init(micros:)) }

  func address(prefix: String = "") -> Address {
    let latitude: Double? = self[prefix + "latitude"]
    let longitude: Double? = self[prefix + "longitude"]
    let text: String? = self[prefix.isEmpty ? "address" : prefix + "address"]
    let coordinates = latitude.flatMap { lat in longitude.map { Coordinates(latitude: lat, longitude: $0) } }
    return Address(text: text ?? "", coordinates: coordinates)
  }
}

enum Rows {
  static func client(_ row: Row) -> Client {
    Client(id: row["id"], name: row["name"], document: row["document"], active: row["active"], address: row.address())
  }

  static func contract(_ row: Row) -> Contract {
    Contract(
      id: row["id"], clientID: row["client_id"], description: row["description"], active: row["active"],
      address: row.address())
  }

  static func login(_ row: Row) -> Login {
    Login(
      id: row["id"], clientID: row["client_id"], contractID: row["contract_id"], username: row["username"],
      active: row["active"], address: row.address())
  }

  static func structure(_ row: Row) -> Structure {
    Structure(id: row["id"], name: row["name"], active: row["active"], address: row.address())
  }

  static func department(_ row: Row) -> Department {
    Department(id: row["id"], name: row["name"], active: row["active"])
  }

  static func channel(_ row: Row) -> Channel {
    Channel(id: row["id"], name: row["name"], active: row["active"])
  }

  static func branch(_ row: Row) -> Branch {
    Branch(id: row["id"], name: row["name"], active: row["active"])
  }

  static func complementaryStatus(_ row: Row) -> ComplementaryStatus {
    ComplementaryStatus(id: row["id"], description: row["description"], active: row["active"])
  }

  /// An employee; `departments` is the comma-separated list from GROUP_CONCAT.
  static func employee(_ row: Row) -> Employee {
    let departments: String? = row["department_ids"]
    return Employee(
      id: row["id"], name: row["name"], active: row["active"],
      departmentIDs: (departments ?? "").split(separator: ",").compactMap { Int64($0) }.sorted())
  }

  static let employeeSelect = """
    SELECT e.id, e.name, e.active, GROUP_CONCAT(ed.department_id) AS department_ids
    FROM employee e LEFT JOIN employee_department ed ON ed.employee_id = e.id
    """

  static func subject(_ row: Row) -> Subject {
    Subject(
      id: row["id"], name: row["name"], active: row["active"],
      defaultPriority: (row["default_priority"] as Int?).flatMap(Priority.init(rawValue:)),
      defaultDepartmentID: row["default_department_id"], contractRequired: row["contract_required"],
      loginRequired: row["login_required"], channelRequired: row["channel_required"],
      complementaryStatusRequired: row["complementary_status_required"],
      serviceOrderRequiresSignature: row["service_order_requires_signature"],
      firstResponseSLAHours: row["first_response_sla_hours"], solutionSLAHours: row["solution_sla_hours"],
      version: row["version"], createdAt: row.date("created_at"), updatedAt: row.date("updated_at"))
  }

  static func parameters(_ row: Row) -> GeneralParameters {
    GeneralParameters(
      subjectRequired: row["subject_required"], version: row["version"], updatedAt: row.date("updated_at"),
      updatedBy: row["updated_by"])
  }

  static func history(_ row: Row) -> HistoryEntry {
    HistoryEntry(
      id: row["id"], at: row.date("at"), actor: row["actor"], kind: row["kind"], field: row["field"],
      oldValue: row["old_value"], newValue: row["new_value"], note: row["note"])
  }

  static func ticket(_ row: Row) -> Ticket {
    var location: Location?
    if let origin = (row["location_origin"] as Int?).flatMap(LocationOrigin.init(rawValue:)) {
      location = Location(address: row.address(prefix: "location_"), origin: origin)
    }
    return Ticket(
      id: row["id"], protocolNumber: row["protocol"], kind: TicketKind(rawValue: row["kind"]) ?? .client,
      clientID: row["client_id"], structureID: row["structure_id"], contractID: row["contract_id"],
      loginID: row["login_id"], subjectID: row["subject_id"], title: row["title"], departmentID: row["department_id"],
      priority: Priority(rawValue: row["priority"]) ?? .normal, description: row["description"],
      status: TicketStatus(rawValue: row["status"]) ?? .new, complementaryStatusID: row["complementary_status_id"],
      channelID: row["channel_id"], assigneeID: row["assignee_id"], location: location,
      createdAt: row.date("created_at"), updatedAt: row.date("updated_at"), closedAt: row.optionalDate("closed_at"),
      openedBy: row["opened_by"], version: row["version"], firstResponseAt: row.optionalDate("first_response_at"),
      interactionCount: row["interaction_count"], branchID: row["branch_id"], tags: TagList.decode(row["tags"]))
  }

  /// The ticket's columns, in the order of `Columns.ticket`.
  static func ticketArguments(_ ticket: Ticket) -> StatementArguments {
    [
      ticket.protocolNumber, ticket.kind.rawValue, ticket.clientID, ticket.structureID, ticket.contractID,
      ticket.loginID, ticket.subjectID, ticket.title, ticket.departmentID, ticket.priority.rawValue,
      ticket.description, ticket.status.rawValue, ticket.complementaryStatusID, ticket.channelID, ticket.assigneeID,
      ticket.location?.address.text, ticket.location?.address.coordinates?.latitude,
      ticket.location?.address.coordinates?.longitude, ticket.location?.origin.rawValue, ticket.createdAt.micros,
      ticket.updatedAt.micros, ticket.closedAt?.micros, ticket.openedBy, ticket.version,
      ticket.firstResponseAt?.micros, ticket.interactionCount, ticket.branchID, TagList.encode(ticket.tags),
    ]
  }
}

/// Reads reference data, subjects and parameters inside a transaction, for the rules.
struct DatabaseLookup: ReferenceLookup {
  let db: Database

  func client(_ id: Int64) throws -> Client? {
    try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM client WHERE id = ?"), arguments: [id]).map(Rows.client)
  }
  func contract(_ id: Int64) throws -> Contract? {
    try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM contract WHERE id = ?"), arguments: [id]).map(
      Rows.contract)
  }
  func login(_ id: Int64) throws -> Login? {
    try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM login WHERE id = ?"), arguments: [id]).map(Rows.login)
  }
  func structure(_ id: Int64) throws -> Structure? {
    try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM structure WHERE id = ?"), arguments: [id]).map(
      Rows.structure)
  }
  func department(_ id: Int64) throws -> Department? {
    try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM department WHERE id = ?"), arguments: [id]).map(
      Rows.department)
  }
  func employee(_ id: Int64) throws -> Employee? {
    try Row.fetchOne(
      try db.cachedStatement(sql: Rows.employeeSelect + " WHERE e.id = ? GROUP BY e.id"), arguments: [id]
    ).map(Rows.employee)
  }
  func channel(_ id: Int64) throws -> Channel? {
    try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM channel WHERE id = ?"), arguments: [id]).map(
      Rows.channel)
  }
  func complementaryStatus(_ id: Int64) throws -> ComplementaryStatus? {
    try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM complementary_status WHERE id = ?"), arguments: [id])
      .map(Rows.complementaryStatus)
  }
  func branch(_ id: Int64) throws -> Branch? {
    try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM branch WHERE id = ?"), arguments: [id]).map(
      Rows.branch)
  }
  func subject(_ id: Int64) throws -> Subject? {
    try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM subject WHERE id = ?"), arguments: [id]).map(
      Rows.subject)
  }
  func activeContracts(ofClient clientID: Int64) throws -> [Contract] {
    try Row.fetchAll(
      try db.cachedStatement(sql: "SELECT * FROM contract WHERE client_id = ? AND active ORDER BY id"),
      arguments: [clientID]
    )
    .map(Rows.contract)
  }
  func activeLogins(ofClient clientID: Int64) throws -> [Login] {
    try Row.fetchAll(
      try db.cachedStatement(sql: "SELECT * FROM login WHERE client_id = ? AND active ORDER BY id"),
      arguments: [clientID]
    )
    .map(Rows.login)
  }
  func parameters() throws -> GeneralParameters {
    try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM general_parameters WHERE id = 1")).map(Rows.parameters)
      ?? GeneralParameters()
  }
  func openTickets(using kind: ReferenceKind, id: Int64, ofClient clientID: Int64, limit: Int) throws -> [TicketUse] {
    let column: String
    switch kind {
    case .contract: column = "contract_id"
    case .login: column = "login_id"
    default: return []  // tickets point to no other kind this way
    }
    return try Row.fetchAll(
      db,
      sql: """
        SELECT id, protocol, client_id FROM ticket
        WHERE client_id = ? AND \(column) = ? AND status IN (?, ?, ?) ORDER BY id LIMIT ?
        """,
      arguments: [
        clientID, id, TicketStatus.new.rawValue, TicketStatus.pending.rawValue, TicketStatus.inProgress.rawValue, limit,
      ]
    ).map { TicketUse(ticketID: $0["id"], protocolNumber: $0["protocol"], clientID: $0["client_id"]) }
  }
}

/// A ticket's tags as stored in its row: a JSON array of strings (read by SQLite's
/// `json_each` in the triggers that keep `ticket_tag`).
package enum TagList {
  package static func encode(_ tags: [String]) -> String {
    guard !tags.isEmpty, let data = try? JSONEncoder().encode(tags) else { return "[]" }
    return String(decoding: data, as: UTF8.self)
  }

  package static func decode(_ text: String?) -> [String] {
    guard let text, text != "[]" else { return [] }
    return (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []
  }
}
