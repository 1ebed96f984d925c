public import AtendeDomain
public import Foundation
internal import GRDB

extension SQLiteStore {

  static func serviceOrderArguments(_ order: ServiceOrder) -> StatementArguments {
    [
      order.ticketID, order.subjectID, order.departmentID, order.technicianID, order.priority.rawValue,
      order.status.rawValue, order.scheduledAt?.micros, order.description, order.requiresSignature,
      order.signedAt?.micros,
      order.signedBy, order.createdAt.micros, order.updatedAt.micros, order.version,
    ]
  }

  public func openServiceOrder(_ order: ServiceOrder, priority: Priority?, actor: String) async throws -> ServiceOrder {
    let now = self.now()
    return try await write { db in
      let ticket = try self.fetchTicket(db, id: order.ticketID)
      var opened = try ServiceOrderRules.open(
        order, priority: priority, ticket: ticket, now: now, lookup: DatabaseLookup(db: db))
      try db.execute(
        sql: """
          INSERT INTO service_order (\(Columns.serviceOrder.joined(separator: ", ")))
          VALUES (\(Columns.serviceOrder.map { _ in "?" }.joined(separator: ", ")))
          """, arguments: Self.serviceOrderArguments(opened))
      opened.id = db.lastInsertedRowID
      try self.recordOrderChange(
        db, ticket: ticket, actor: actor, now: now, entries: [TabChanges.orderOpened(opened, actor: actor, now: now)])
      return opened
    }
  }

  public func serviceOrder(id: Int64) async throws -> ServiceOrder {
    try await read { db in
      let order = try Self.fetchServiceOrder(db, id: id)
      _ = try self.fetchTicket(db, id: order.ticketID, hidden: "service order \(id)")
      return order
    }
  }

  static func fetchServiceOrder(_ db: Database, id: Int64) throws -> ServiceOrder {
    guard let row = try Row.fetchOne(db, sql: "SELECT * FROM service_order WHERE id = ?", arguments: [id]) else {
      throw DomainError.notFound("service order \(id)")
    }
    return Rows.serviceOrder(row)
  }

  public func changeServiceOrder(
    id: Int64, expectedVersion: Int64, actor: String, note: String,
    _ change: @escaping @Sendable (ServiceOrder, Ticket, any ReferenceLookup, Date) throws -> ServiceOrder
  ) async throws -> ServiceOrder {
    let now = self.now()
    return try await write { db in
      let current = try Self.fetchServiceOrder(db, id: id)
      try Self.requireVersion(expectedVersion, current: current.version, what: "service order \(id)")
      let ticket = try self.fetchTicket(db, id: current.ticketID)
      var next = try change(current, ticket, DatabaseLookup(db: db), now)
      // Times at the store's precision, so the order returned is the order read back.
      next.scheduledAt = next.scheduledAt.map { Date(micros: $0.micros) }
      // One change of the order is one change of its ticket, with an entry per field.
      let entries = TabChanges.orderChanged(from: current, to: next, note: note, actor: actor, now: now)
      guard !entries.isEmpty else { return current }
      var arguments = Self.serviceOrderArguments(next)
      arguments += [id]
      try db.execute(
        sql:
          "UPDATE service_order SET \(Columns.serviceOrder.map { "\($0) = ?" }.joined(separator: ", ")) WHERE id = ?",
        arguments: arguments)
      try self.recordOrderChange(db, ticket: ticket, actor: actor, now: now, entries: entries)
      return next
    }
  }

  public func listServiceOrders(_ requested: ServiceOrderFilter, page: PageRequest) async throws
    -> Page<ServiceOrder>
  {
    var filter = requested
    filter.ticketScope = filter.ticketScope.narrowed(by: scope)
    return try await listServiceOrders(filtered: filter, page: page)
  }

  private func listServiceOrders(filtered filter: ServiceOrderFilter, page: PageRequest) async throws
    -> Page<ServiceOrder>
  {
    let fingerprint = PageToken.fingerprint(filter.fingerprintText)
    let token = try PageToken.decode(page.token, filter: fingerprint, keys: 1)
    return try await read { db in
      var conditions: [String] = []
      var arguments: [(any DatabaseValueConvertible)?] = []
      if let value = filter.ticketID {
        conditions.append("ticket_id = ?")
        arguments.append(value)
      }
      if !filter.statuses.isEmpty {
        conditions.append("status IN (\(filter.statuses.map { String($0.rawValue) }.sorted().joined(separator: ", ")))")
      }
      if let value = filter.departmentID {
        conditions.append("department_id = ?")
        arguments.append(value)
      }
      if let value = filter.technicianID {
        conditions.append("technician_id = ?")
        arguments.append(value)
      }
      if let condition = filter.ticketScope.sqlCondition(table: "t") {
        conditions.append("ticket_id IN (SELECT t.id FROM ticket t WHERE \(condition))")
      }
      if let after = token?.after.first.flatMap({ Int64($0) }) {
        conditions.append("id < ?")
        arguments.append(after)
      }
      let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
      arguments.append(page.size + 1)
      let rows = try Row.fetchAll(
        db, sql: "SELECT * FROM service_order \(whereClause) ORDER BY id DESC LIMIT ?",
        arguments: StatementArguments(arguments))
      return Self.page(rows.map(Rows.serviceOrder), size: page.size, filter: fingerprint) { [String($0.id)] }
    }
  }

  /// A change of an order is a change of its ticket: version, update time, history, event.
  private func recordOrderChange(
    _ db: Database, ticket: Ticket, actor: String, now: Date, entries: [HistoryEntry]
  ) throws {
    let touched = try Self.touchTicket(db, ticket, now: now)
    for entry in entries {
      try insertHistory(db, table: "ticket_history", owner: ("ticket_id", ticket.id), entry)
    }
    try record(db, TicketChangeEvent(kind: .serviceOrderChanged, ticket: touched, actor: actor, at: now))
  }

}

extension Rows {
  static func serviceOrder(_ row: Row) -> ServiceOrder {
    ServiceOrder(
      id: row["id"], ticketID: row["ticket_id"], subjectID: row["subject_id"], departmentID: row["department_id"],
      technicianID: row["technician_id"], priority: Priority(rawValue: row["priority"]) ?? .normal,
      status: ServiceOrderStatus(rawValue: row["status"]) ?? .open, scheduledAt: row.optionalDate("scheduled_at"),
      description: row["description"], requiresSignature: row["requires_signature"],
      signedAt: row.optionalDate("signed_at"), signedBy: row["signed_by"], createdAt: row.date("created_at"),
      updatedAt: row.date("updated_at"), version: row["version"])
  }
}

extension ServiceOrderFilter {
  /// The filters as canonical text (sets sorted), for page-token fingerprints.
  package var fingerprintText: String {
    let statuses = statuses.map(\.rawValue).sorted()
    let allowed = ticketScope.fingerprintText
    return "orders|\(ticketID ?? 0)|\(statuses)|\(departmentID ?? 0)|\(technicianID ?? 0)|\(allowed)"
  }
}
