public import AtendeAPI
public import AtendeDomain
import Foundation

extension DomainError: RPCErrorConvertible {
  /// The status a caller sees: the kind picks the code, violations become field violations.
  public var rpcError: RPCError {
    let code: RPCError.Code =
      switch kind {
      case .invalidArgument: .invalidArgument
      case .failedPrecondition: .failedPrecondition
      case .notFound: .notFound
      case .alreadyExists: .alreadyExists
      case .aborted: .aborted
      }
    return RPCError(
      code: code, message: message,
      fieldViolations: violations.map { .init(field: $0.field, reason: $0.reason, description: $0.description) },
      omittedFieldViolations: omittedViolations, reason: kind == .aborted ? "STALE_VERSION" : "")
  }
}

extension ServerContext {
  /// Who the history records for this call: the authenticated identity ("billing", or
  /// "billing on behalf of maria" for a service acting for someone). On a server started
  /// without authentication (`--no-auth`), the `actor` metadata or "anonymous".
  var actor: String {
    if let principal { return principal.recordedActor }
    let value = metadata["actor"]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
    return value.isEmpty ? "anonymous" : String(value.prefix(120))
  }
}

/// Builds an INVALID_ARGUMENT error about one field.
func invalidArgument(_ field: String, _ reason: String, _ description: String) -> RPCError {
  RPCError(
    code: .invalidArgument, message: "\(field): \(description)",
    fieldViolations: [.init(field: field, reason: reason, description: description)])
}

/// Runs `body`, a call that refers to its ticket through `field` (`id`,
/// `message.ticket_id`…). The rules name the ticket's own fields (`ticket.status`,
/// `ticket.contract_id`); such a request has no `ticket`, so its violations name `field`,
/// keeping paths relative to the request (docs/API.md).
func referringToTicket<T>(as field: String, _ body: () async throws -> T) async throws -> T {
  do {
    return try await body()
  } catch let error as DomainError {
    var renamed = error
    renamed.violations = error.violations.map { violation in
      var violation = violation
      if violation.field == "ticket" || violation.field.hasPrefix("ticket.") { violation.field = field }
      return violation
    }
    throw renamed
  }
}
