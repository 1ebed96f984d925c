public import AtendeDomain

/// The tickets a caller may see: an identity restricted to departments and/or branches
/// (an API token created with `--departments` or `--branches`, a JWT with those claims)
/// sees only the tickets of those departments *and* branches. nil = no restriction on
/// that dimension; an empty set allows nothing (a ticket without a branch is outside every
/// branch restriction).
public struct TicketScope: Sendable, Hashable {
  public var departments: Set<Int64>?
  public var branches: Set<Int64>?

  public init(departments: Set<Int64>? = nil, branches: Set<Int64>? = nil) {
    self.departments = departments
    self.branches = branches
  }

  /// Every ticket.
  public static let everything = TicketScope()

  /// Whether nothing is restricted.
  public var isEverything: Bool { departments == nil && branches == nil }

  /// Whether `ticket` is in the scope.
  public func allows(_ ticket: Ticket) -> Bool {
    (departments?.contains(ticket.departmentID) ?? true)
      && (branches.map { allowed in ticket.branchID.map(allowed.contains) ?? false } ?? true)
  }

  /// The tickets in both scopes.
  public func narrowed(by other: TicketScope) -> TicketScope {
    func both(_ a: Set<Int64>?, _ b: Set<Int64>?) -> Set<Int64>? {
      guard let a else { return b }
      return b.map(a.intersection) ?? a
    }
    return TicketScope(departments: both(departments, other.departments), branches: both(branches, other.branches))
  }

  /// The SQL condition on a ticket table aliased `table` (ids are integers, written into
  /// the text), or nil when nothing is restricted.
  package func sqlCondition(table: String) -> String? {
    func among(_ column: String, _ ids: Set<Int64>) -> String {
      // An empty set allows nothing: "IN (NULL)" matches no row.
      "\(table).\(column) IN (\(ids.isEmpty ? "NULL" : ids.sorted().map(String.init).joined(separator: ", ")))"
    }
    let conditions = [departments.map { among("department_id", $0) }, branches.map { among("branch_id", $0) }]
      .compactMap { $0 }
    return conditions.isEmpty ? nil : conditions.joined(separator: " AND ")
  }

  /// Canonical text, for page-token fingerprints.
  package var fingerprintText: String {
    func text(_ ids: Set<Int64>?) -> String { ids.map { $0.sorted().map(String.init).joined(separator: ",") } ?? "*" }
    return "\(text(departments))/\(text(branches))"
  }
}
