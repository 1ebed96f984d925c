public import AtendeAPI
internal import AtendeDomain
public import AtendeStore

/// Business calendars, SLA policies and escalation rules over a store. Tickets' clocks are filled in by
/// ``TicketServiceImpl``.
public struct SlaServiceImpl: SlaService.ServiceProtocol {
  let store: any AtendeStore

  public init(store: any AtendeStore) {
    self.store = store
  }

  public func putCalendar(_ request: PutCalendarRequest, context: ServerContext) async throws
    -> AtendeAPI.BusinessCalendar
  {
    guard let calendar = request.calendar else { throw invalidArgument("calendar", "REQUIRED", "calendar is required") }
    guard calendar.id >= 0 else { throw invalidArgument("calendar.id", "INVALID", "an id is positive, or 0 to create") }
    return AtendeAPI.BusinessCalendar(
      try await store.putCalendar(AtendeDomain.BusinessCalendar(calendar), expectedVersion: request.expectedVersion))
  }

  public func getCalendar(_ request: GetCalendarRequest, context: ServerContext) async throws
    -> AtendeAPI.BusinessCalendar
  {
    AtendeAPI.BusinessCalendar(try await store.calendar(id: request.id))
  }

  public func listCalendars(_ request: ListCalendarsRequest, context: ServerContext) async throws
    -> ListCalendarsResponse
  {
    ListCalendarsResponse(calendars: try await store.calendars().map(AtendeAPI.BusinessCalendar.init))
  }

  public func putPolicy(_ request: PutPolicyRequest, context: ServerContext) async throws -> AtendeAPI.SlaPolicy {
    guard let policy = request.policy else { throw invalidArgument("policy", "REQUIRED", "policy is required") }
    guard policy.id >= 0 else { throw invalidArgument("policy.id", "INVALID", "an id is positive, or 0 to create") }
    return AtendeAPI.SlaPolicy(
      try await store.putPolicy(try AtendeDomain.SLAPolicy(policy), expectedVersion: request.expectedVersion))
  }

  public func getPolicy(_ request: GetPolicyRequest, context: ServerContext) async throws -> AtendeAPI.SlaPolicy {
    AtendeAPI.SlaPolicy(try await store.policy(id: request.id))
  }

  public func listPolicies(_ request: ListPoliciesRequest, context: ServerContext) async throws
    -> ListPoliciesResponse
  {
    ListPoliciesResponse(policies: try await store.policies().map(AtendeAPI.SlaPolicy.init))
  }

  public func putEscalationRule(_ request: PutEscalationRuleRequest, context: ServerContext) async throws
    -> AtendeAPI.EscalationRule
  {
    guard let rule = request.rule else { throw invalidArgument("rule", "REQUIRED", "rule is required") }
    guard rule.id >= 0 else { throw invalidArgument("rule.id", "INVALID", "an id is positive, or 0 to create") }
    return AtendeAPI.EscalationRule(
      try await store.putEscalationRule(
        try AtendeDomain.EscalationRule(rule), expectedVersion: request.expectedVersion))
  }

  public func getEscalationRule(_ request: GetEscalationRuleRequest, context: ServerContext) async throws
    -> AtendeAPI.EscalationRule
  {
    AtendeAPI.EscalationRule(try await store.escalationRule(id: request.id))
  }

  public func listEscalationRules(_ request: ListEscalationRulesRequest, context: ServerContext) async throws
    -> ListEscalationRulesResponse
  {
    ListEscalationRulesResponse(rules: try await store.escalationRules().map(AtendeAPI.EscalationRule.init))
  }
}
