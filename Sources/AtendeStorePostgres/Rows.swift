internal import AtendeDomain
internal import AtendeStore
internal import Foundation
internal import PostgresNIO

// Mapping between PostgreSQL rows and domain values (column names as in the SQLite
// schema; times in microseconds since 1970).

extension PostgresRandomAccessRow {
  func value<Value: PostgresDecodable>(_ column: String, as type: Value.Type = Value.self) throws -> Value {
    try self[column].decode(Value.self)
  }

  func date(_ column: String) throws -> Date { Date(micros: try value(column, as: Int64.self)) }

  func optionalDate(_ column: String) throws -> Date? {
    try value(column, as: Int64?.self).map(Date.init(micros:))
  }

  func address() throws -> Address {
    let latitude = try value("latitude", as: Double?.self)
    let longitude = try value("longitude", as: Double?.self)
    let coordinates = latitude.flatMap { lat in longitude.map { Coordinates(latitude: lat, longitude: $0) } }
    return Address(text: try value("address", as: String.self), coordinates: coordinates)
  }
}

enum Rows {
  static func client(_ row: PostgresRandomAccessRow) throws -> Client {
    Client(
      id: try row.value("id"), name: try row.value("name"), document: try row.value("document"),
      active: try row.value("active"), address: try row.address())
  }

  static func contract(_ row: PostgresRandomAccessRow) throws -> Contract {
    Contract(
      id: try row.value("id"), clientID: try row.value("client_id"), description: try row.value("description"),
      active: try row.value("active"), address: try row.address())
  }

  static func login(_ row: PostgresRandomAccessRow) throws -> Login {
    Login(
      id: try row.value("id"), clientID: try row.value("client_id"), contractID: try row.value("contract_id"),
      username: try row.value("username"), active: try row.value("active"), address: try row.address())
  }

  static func structure(_ row: PostgresRandomAccessRow) throws -> Structure {
    Structure(
      id: try row.value("id"), name: try row.value("name"), active: try row.value("active"),
      address: try row.address())
  }

  static func department(_ row: PostgresRandomAccessRow) throws -> Department {
    Department(id: try row.value("id"), name: try row.value("name"), active: try row.value("active"))
  }

  static func channel(_ row: PostgresRandomAccessRow) throws -> AtendeDomain.Channel {
    AtendeDomain.Channel(id: try row.value("id"), name: try row.value("name"), active: try row.value("active"))
  }

  static func branch(_ row: PostgresRandomAccessRow) throws -> Branch {
    Branch(id: try row.value("id"), name: try row.value("name"), active: try row.value("active"))
  }

  static func complementaryStatus(_ row: PostgresRandomAccessRow) throws -> ComplementaryStatus {
    ComplementaryStatus(
      id: try row.value("id"), description: try row.value("description"), active: try row.value("active"))
  }

  /// An employee, from ``employeeSelect``.
  static func employee(_ row: PostgresRandomAccessRow) throws -> Employee {
    Employee(
      id: try row.value("id"), name: try row.value("name"), active: try row.value("active"),
      departmentIDs: try row.value("department_ids", as: [Int64].self))
  }

  /// Employees with their departments, sorted (alias `x`).
  static let employeeSelect = """
    SELECT x.id, x.name, x.active,
      ARRAY(SELECT department_id FROM employee_department WHERE employee_id = x.id ORDER BY department_id)
        AS department_ids
    FROM employee x
    """

  /// Any reference record of `Entity`'s kind.
  static func reference<Entity: ReferenceEntity>(_ type: Entity.Type, _ row: PostgresRandomAccessRow) throws
    -> Entity?
  {
    let value: Any =
      switch Entity.kind {
      case .client: try client(row)
      case .contract: try contract(row)
      case .login: try login(row)
      case .structure: try structure(row)
      case .department: try department(row)
      case .employee: try employee(row)
      case .channel: try channel(row)
      case .complementaryStatus: try complementaryStatus(row)
      case .branch: try branch(row)
      }
    return value as? Entity
  }

  static func subject(_ row: PostgresRandomAccessRow) throws -> Subject {
    Subject(
      id: try row.value("id"), name: try row.value("name"), active: try row.value("active"),
      defaultPriority: try row.value("default_priority", as: Int64?.self).flatMap { Priority(rawValue: Int($0)) },
      defaultDepartmentID: try row.value("default_department_id"),
      contractRequired: try row.value("contract_required"), loginRequired: try row.value("login_required"),
      channelRequired: try row.value("channel_required"),
      complementaryStatusRequired: try row.value("complementary_status_required"),
      serviceOrderRequiresSignature: try row.value("service_order_requires_signature"),
      firstResponseSLAHours: try row.value("first_response_sla_hours", as: Int64?.self).map { Int($0) },
      solutionSLAHours: try row.value("solution_sla_hours", as: Int64?.self).map { Int($0) },
      version: try row.value("version"), createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"))
  }

  static func parameters(_ row: PostgresRandomAccessRow) throws -> GeneralParameters {
    GeneralParameters(
      subjectRequired: try row.value("subject_required"), version: try row.value("version"),
      updatedAt: try row.date("updated_at"), updatedBy: try row.value("updated_by"))
  }

  static func history(_ row: PostgresRandomAccessRow) throws -> HistoryEntry {
    HistoryEntry(
      id: try row.value("id"), at: try row.date("at"), actor: try row.value("actor"), kind: try row.value("kind"),
      field: try row.value("field"), oldValue: try row.value("old_value"), newValue: try row.value("new_value"),
      note: try row.value("note"))
  }

  static func apiToken(_ row: PostgresRandomAccessRow) throws -> APITokenRecord {
    APITokenRecord(
      id: try row.value("id"), name: try row.value("name"), secretDigest: try row.value("secret_digest"),
      scopes: try row.value("scopes"), departments: try row.value("departments", as: [Int64]?.self),
      branches: try row.value("branches", as: [Int64]?.self),
      createdAt: try row.date("created_at"), expiresAt: try row.optionalDate("expires_at"),
      lastUsedAt: try row.optionalDate("last_used_at"), revokedAt: try row.optionalDate("revoked_at"))
  }
}

extension Rows {
  static func ticket(_ row: PostgresRandomAccessRow) throws -> Ticket {
    var location: Location?
    if let origin = try row.value("location_origin", as: Int64?.self).flatMap({ LocationOrigin(rawValue: Int($0)) }) {
      let latitude = try row.value("location_latitude", as: Double?.self)
      let longitude = try row.value("location_longitude", as: Double?.self)
      let coordinates = latitude.flatMap { lat in longitude.map { Coordinates(latitude: lat, longitude: $0) } }
      location = Location(
        address: Address(text: try row.value("location_address", as: String?.self) ?? "", coordinates: coordinates),
        origin: origin)
    }
    func enumValue<Value: RawRepresentable<Int>>(_ column: String, _ fallback: Value) throws -> Value {
      Value(rawValue: Int(try row.value(column, as: Int64.self))) ?? fallback
    }
    return Ticket(
      id: try row.value("id"), protocolNumber: try row.value("protocol"),
      kind: try enumValue("kind", TicketKind.client),
      clientID: try row.value("client_id"), structureID: try row.value("structure_id"),
      contractID: try row.value("contract_id"), loginID: try row.value("login_id"),
      subjectID: try row.value("subject_id"), title: try row.value("title"),
      departmentID: try row.value("department_id"), priority: try enumValue("priority", Priority.normal),
      description: try row.value("description"), status: try enumValue("status", TicketStatus.new),
      complementaryStatusID: try row.value("complementary_status_id"), channelID: try row.value("channel_id"),
      assigneeID: try row.value("assignee_id"), location: location, createdAt: try row.date("created_at"),
      updatedAt: try row.date("updated_at"), closedAt: try row.optionalDate("closed_at"),
      openedBy: try row.value("opened_by"), version: try row.value("version"),
      firstResponseAt: try row.optionalDate("first_response_at"),
      interactionCount: Int(try row.value("interaction_count", as: Int64.self)), branchID: try row.value("branch_id"),
      tags: try row.value("tags", as: [String].self))
  }

  static func message(_ row: PostgresRandomAccessRow) throws -> TicketMessage {
    TicketMessage(
      id: try row.value("id"), ticketID: try row.value("ticket_id"),
      authorKind: AuthorKind(rawValue: Int(try row.value("author_kind", as: Int64.self))) ?? .employee,
      authorID: try row.value("author_id"), authorName: try row.value("author_name"),
      visibility: Visibility(rawValue: Int(try row.value("visibility", as: Int64.self))) ?? .internal,
      text: try row.value("text"),
      statusChange: try row.value("status_change", as: Int64?.self).flatMap { TicketStatus(rawValue: Int($0)) },
      createdAt: try row.date("created_at"))
  }

  static func contact(_ row: PostgresRandomAccessRow) throws -> TicketContact {
    TicketContact(
      id: try row.value("id"), ticketID: try row.value("ticket_id"), name: try row.value("name"),
      phone: try row.value("phone"), email: try row.value("email"), note: try row.value("note"),
      createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"), version: try row.value("version"))
  }

  static func file(_ row: PostgresRandomAccessRow) throws -> TicketFile {
    TicketFile(
      id: try row.value("id"), ticketID: try row.value("ticket_id"), name: try row.value("name"),
      contentType: try row.value("content_type"), size: try row.value("size"), sha256: try row.value("sha256"),
      description: try row.value("description"), uploadedBy: try row.value("uploaded_by"),
      uploadedAt: try row.date("uploaded_at"))
  }

  static func serviceOrder(_ row: PostgresRandomAccessRow) throws -> ServiceOrder {
    ServiceOrder(
      id: try row.value("id"), ticketID: try row.value("ticket_id"), subjectID: try row.value("subject_id"),
      departmentID: try row.value("department_id"), technicianID: try row.value("technician_id"),
      priority: Priority(rawValue: Int(try row.value("priority", as: Int64.self))) ?? .normal,
      status: ServiceOrderStatus(rawValue: Int(try row.value("status", as: Int64.self))) ?? .open,
      scheduledAt: try row.optionalDate("scheduled_at"), description: try row.value("description"),
      requiresSignature: try row.value("requires_signature"), signedAt: try row.optionalDate("signed_at"),
      signedBy: try row.value("signed_by"), createdAt: try row.date("created_at"),
      updatedAt: try row.date("updated_at"), version: try row.value("version"))
  }
}

extension SQL {
  /// Binds the ticket's columns (`Columns.ticket`'s order) and returns the placeholders.
  mutating func bind(ticket: Ticket) throws -> [String] {
    let coordinates = ticket.location?.address.coordinates
    return [
      try bind(ticket.protocolNumber), try bind(Int64(ticket.kind.rawValue)), try bind(ticket.clientID),
      try bind(ticket.structureID), try bind(ticket.contractID), try bind(ticket.loginID), try bind(ticket.subjectID),
      try bind(ticket.title), try bind(ticket.departmentID), try bind(Int64(ticket.priority.rawValue)),
      try bind(ticket.description), try bind(Int64(ticket.status.rawValue)), try bind(ticket.complementaryStatusID),
      try bind(ticket.channelID), try bind(ticket.assigneeID), try bind(ticket.location?.address.text),
      try bind(coordinates?.latitude), try bind(coordinates?.longitude),
      try bind(ticket.location.map { Int64($0.origin.rawValue) }), try bind(ticket.createdAt.micros),
      try bind(ticket.updatedAt.micros), try bind(ticket.closedAt?.micros), try bind(ticket.openedBy),
      try bind(ticket.version), try bind(ticket.firstResponseAt?.micros), try bind(Int64(ticket.interactionCount)),
      try bind(ticket.branchID), try bind(ticket.tags),
    ]
  }

  /// Binds the order's columns (`Columns.serviceOrder`'s order) and returns the placeholders.
  mutating func bind(order: ServiceOrder) throws -> [String] {
    [
      try bind(order.ticketID), try bind(order.subjectID), try bind(order.departmentID), try bind(order.technicianID),
      try bind(Int64(order.priority.rawValue)), try bind(Int64(order.status.rawValue)),
      try bind(order.scheduledAt?.micros), try bind(order.description), try bind(order.requiresSignature),
      try bind(order.signedAt?.micros), try bind(order.signedBy), try bind(order.createdAt.micros),
      try bind(order.updatedAt.micros), try bind(order.version),
    ]
  }
}
