internal import AtendeAPI
internal import AtendeDomain
internal import AtendeStore

// An identity restricted to departments (an API token created with --departments, a JWT
// with a departments claim) sees and changes only those departments' tickets. A ticket
// of another department answers NOT_FOUND, exactly as a missing one, so its existence
// is not revealed; opening a ticket in, or moving one to, another department answers
// PERMISSION_DENIED. Unrestricted identities pay nothing for these checks.

extension ServerContext {
  /// The departments the caller is restricted to; nil = every department.
  var allowedDepartments: Set<Int64>? { principal?.departments }

  /// Throws NOT_FOUND, as for a missing ticket, when the caller may not see `ticket`.
  /// `hidden` is what the error says is missing: what the caller asked for (by default
  /// the ticket's id), so the error is the very one a missing ticket gives.
  func checkVisible(_ ticket: AtendeDomain.Ticket, hidden: String? = nil) throws {
    if let allowed = allowedDepartments, !allowed.contains(ticket.departmentID) {
      throw DomainError.notFound(hidden ?? "ticket \(ticket.id)")
    }
  }

  /// Throws NOT_FOUND unless the caller may see ticket `id` (checked only for restricted
  /// callers: the call itself reports a missing ticket otherwise). `hidden` names what the
  /// error says is missing: the ticket, or the contact, file or order asked for.
  func checkVisible(ticketID id: Int64, in store: any AtendeStore, hidden: String? = nil) async throws {
    guard let allowed = allowedDepartments else { return }
    let ticket = try await store.ticket(id: id)
    if !allowed.contains(ticket.departmentID) { throw DomainError.notFound(hidden ?? "ticket \(id)") }
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
}

extension ServerContext {
  /// `store` as the caller may see it: for an identity restricted to departments, a view
  /// that checks the ticket's department inside every transaction (so a ticket moved to
  /// another department between a check and a change is not changed).
  func visibleStore(_ store: any AtendeStore) -> any AtendeStore {
    guard let allowedDepartments else { return store }
    return store.restricted(to: allowedDepartments)
  }
}
