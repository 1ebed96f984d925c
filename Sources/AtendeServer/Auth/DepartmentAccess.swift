internal import AtendeAPI
internal import AtendeDomain
internal import AtendeStore

// An identity restricted to departments or branches (an API token created with
// --departments or --branches, a JWT with those claims, a certificate identity listing
// them) sees and changes only the tickets of those departments and branches. A ticket
// outside answers NOT_FOUND, exactly as a missing one, so its existence is not revealed;
// opening a ticket in, or moving one to, another department or branch answers
// PERMISSION_DENIED. Unrestricted identities pay nothing for these checks.

extension ServerContext {
  /// The departments the caller is restricted to; nil = every department.
  var allowedDepartments: Set<Int64>? { principal?.departments }

  /// The branches the caller is restricted to; nil = every branch.
  var allowedBranches: Set<Int64>? { principal?.branches }

  /// The tickets the caller may see.
  var ticketScope: TicketScope { TicketScope(departments: allowedDepartments, branches: allowedBranches) }

  /// The tickets the caller may see, narrowed to a request's `department_id` and
  /// `branch_id` filters (0 = none); PERMISSION_DENIED for one outside the caller's.
  func ticketScope(department: Int64, branch: Int64) throws -> TicketScope {
    var scope = ticketScope
    if let department = optionalID(department) {
      try checkDepartment(department, field: "department_id")
      scope.departments = [department]
    }
    if let branch = optionalID(branch) {
      try checkBranch(branch, field: "branch_id")
      scope.branches = [branch]
    }
    return scope
  }

  /// Throws NOT_FOUND, as for a missing ticket, when the caller may not see `ticket`.
  /// `hidden` is what the error says is missing: what the caller asked for (by default
  /// the ticket's id), so the error is the very one a missing ticket gives.
  func checkVisible(_ ticket: AtendeDomain.Ticket, hidden: String? = nil) throws {
    if !ticketScope.allows(ticket) { throw DomainError.notFound(hidden ?? "ticket \(ticket.id)") }
  }

  /// Throws NOT_FOUND unless the caller may see ticket `id` (checked only for restricted
  /// callers: the call itself reports a missing ticket otherwise). `hidden` names what the
  /// error says is missing: the ticket, or the contact, file or order asked for.
  func checkVisible(ticketID id: Int64, in store: any AtendeStore, hidden: String? = nil) async throws {
    let scope = ticketScope
    guard !scope.isEverything else { return }
    let ticket = try await store.ticket(id: id)
    if !scope.allows(ticket) { throw DomainError.notFound(hidden ?? "ticket \(id)") }
  }

  /// Throws PERMISSION_DENIED when the caller may not put a ticket in `departmentID`.
  func checkDepartment(_ departmentID: Int64, field: String) throws {
    if let allowed = allowedDepartments, !allowed.contains(departmentID) {
      throw RPCError(
        code: .permissionDenied,
        message: "\(field): department \(departmentID) is not one of \(principal?.name ?? "the caller")'s departments",
        fieldViolations: [
          .init(field: field, reason: AuthReason.departmentNotAllowed, description: "not one of your departments")
        ],
        reason: AuthReason.departmentNotAllowed)
    }
  }

  /// Throws PERMISSION_DENIED when the caller is restricted to branches and `branchID`
  /// (nil = no branch) is not one of them.
  func checkBranch(_ branchID: Int64?, field: String) throws {
    guard let allowed = allowedBranches, !(branchID.map(allowed.contains) ?? false) else { return }
    let what = branchID.map { "branch \($0) is" } ?? "a ticket without a branch is"
    throw RPCError(
      code: .permissionDenied,
      message: "\(field): \(what) not one of \(principal?.name ?? "the caller")'s branches",
      fieldViolations: [
        .init(field: field, reason: AuthReason.branchNotAllowed, description: "not one of your branches")
      ],
      reason: AuthReason.branchNotAllowed)
  }
}

extension ServerContext {
  /// `store` as the caller may see it: for an identity restricted to departments, a view
  /// that checks the ticket's department inside every transaction (so a ticket moved to
  /// another department between a check and a change is not changed).
  func visibleStore(_ store: any AtendeStore) -> any AtendeStore {
    let scope = ticketScope
    return scope.isEverything ? store : store.restricted(to: scope)
  }
}
