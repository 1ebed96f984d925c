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
      createdAt: try row.date("created_at"), expiresAt: try row.optionalDate("expires_at"),
      lastUsedAt: try row.optionalDate("last_used_at"), revokedAt: try row.optionalDate("revoked_at"))
  }
}
