internal import AtendeAPI
internal import AtendeDomain
internal import AtendeProtobuf
internal import Foundation

// Conversions between wire calendars, policies and SLA clocks and the domain's.

extension AtendeAPI.BusinessCalendar {
  init(_ calendar: AtendeDomain.BusinessCalendar) {
    self.init(
      id: calendar.id, name: calendar.name, timeZone: calendar.timeZone,
      hours: calendar.hours.map {
        AtendeAPI.WorkingPeriod(
          weekday: AtendeAPI.Weekday(rawValue: Int32($0.weekday)), startMinute: UInt32(clamping: $0.startMinute),
          endMinute: UInt32(clamping: $0.endMinute))
      },
      holidays: calendar.holidays.map { AtendeAPI.Holiday(date: $0.date, name: $0.name) }, version: calendar.version,
      createdAt: Google_Protobuf_Timestamp(date: calendar.createdAt),
      updatedAt: Google_Protobuf_Timestamp(date: calendar.updatedAt))
  }
}

extension AtendeDomain.BusinessCalendar {
  /// A calendar from the wire (its version and timestamps are the store's to set). An
  /// unknown weekday reaches the rules as its number and is refused there.
  init(_ wire: AtendeAPI.BusinessCalendar) {
    self.init(
      id: wire.id, name: wire.name, timeZone: wire.timeZone,
      hours: wire.hours.map {
        WorkingPeriod(
          weekday: Int($0.weekday.rawValue), startMinute: Int($0.startMinute), endMinute: Int($0.endMinute))
      },
      holidays: wire.holidays.map { Holiday(date: $0.date, name: $0.name) })
  }
}

extension AtendeAPI.SlaPolicy {
  init(_ policy: AtendeDomain.SLAPolicy) {
    self.init(
      id: policy.id, name: policy.name, calendarId: policy.calendarID, subjectId: policy.subjectID ?? 0,
      priority: policy.priority?.wire ?? .unspecified,
      firstResponseMinutes: UInt32(clamping: policy.firstResponseMinutes ?? 0),
      resolutionMinutes: UInt32(clamping: policy.resolutionMinutes ?? 0), active: policy.active,
      version: policy.version, createdAt: Google_Protobuf_Timestamp(date: policy.createdAt),
      updatedAt: Google_Protobuf_Timestamp(date: policy.updatedAt))
  }
}

extension AtendeDomain.SLAPolicy {
  /// A policy from the wire: 0 ids, UNSPECIFIED priority and 0 minutes are "none".
  init(_ wire: AtendeAPI.SlaPolicy) throws {
    if case .unrecognized(let value) = wire.priority {
      throw invalidArgument("policy.priority", "UNKNOWN", "unknown priority \(value)")
    }
    self.init(
      id: wire.id, name: wire.name, calendarID: wire.calendarId, subjectID: optionalID(wire.subjectId),
      priority: AtendeDomain.Priority(wire.priority),
      firstResponseMinutes: wire.firstResponseMinutes > 0 ? Int(wire.firstResponseMinutes) : nil,
      resolutionMinutes: wire.resolutionMinutes > 0 ? Int(wire.resolutionMinutes) : nil, active: wire.active)
  }
}

extension AtendeAPI.TicketSla {
  init(_ sla: AtendeDomain.TicketSLA) {
    self.init(
      policyId: sla.policyID ?? 0, policyName: sla.policyName, calendarId: sla.calendarID ?? 0,
      firstResponse: sla.firstResponse.map(AtendeAPI.SlaTarget.init),
      resolution: sla.resolution.map(AtendeAPI.SlaTarget.init))
  }
}

extension AtendeAPI.SlaTarget {
  init(_ status: SLATargetStatus) {
    self.init(
      target: Google_Protobuf_Duration(interval: status.target), state: status.state.wire,
      dueAt: status.dueAt.map(Google_Protobuf_Timestamp.init(date:)),
      elapsed: Google_Protobuf_Duration(interval: status.elapsed),
      remaining: Google_Protobuf_Duration(interval: status.remaining), breached: status.breached,
      completedAt: status.completedAt.map(Google_Protobuf_Timestamp.init(date:)))
  }
}

extension SLAClockState {
  var wire: SlaClockState {
    switch self {
    case .running: .running
    case .paused: .paused
    case .completed: .completed
    case .canceled: .canceled
    }
  }
}

extension Google_Protobuf_Duration {
  /// `interval` seconds to the microsecond (the precision of stored times, so that
  /// floating-point noise does not show), `nanos` with the sign of `seconds`.
  init(interval: TimeInterval) {
    let micros = Int64((interval * 1e6).rounded())
    self.init(seconds: micros / 1_000_000, nanos: Int32(micros % 1_000_000) * 1000)
  }
}

extension AtendeAPI.EscalationRule {
  init(_ rule: AtendeDomain.EscalationRule) {
    self.init(
      id: rule.id, name: rule.name, active: rule.active, policyId: rule.policyID ?? 0,
      target: rule.target == .firstResponse ? .firstResponse : .resolution,
      offsetMinutes: Int32(clamping: rule.offsetMinutes), raisePriorityTo: rule.raisePriorityTo?.wire ?? .unspecified,
      reassignDepartmentId: rule.reassignDepartmentID ?? 0, assignEmployeeId: rule.assignEmployeeID ?? 0,
      version: rule.version, createdAt: Google_Protobuf_Timestamp(date: rule.createdAt),
      updatedAt: Google_Protobuf_Timestamp(date: rule.updatedAt))
  }
}

extension AtendeDomain.EscalationRule {
  /// A rule from the wire: 0 ids and UNSPECIFIED priority are "none"; the target is
  /// required.
  init(_ wire: AtendeAPI.EscalationRule) throws {
    let target: SLATargetKind
    switch wire.target {
    case .firstResponse: target = .firstResponse
    case .resolution: target = .resolution
    default: throw invalidArgument("rule.target", "REQUIRED", "target must be FIRST_RESPONSE or RESOLUTION")
    }
    if case .unrecognized(let value) = wire.raisePriorityTo {
      throw invalidArgument("rule.raise_priority_to", "UNKNOWN", "unknown priority \(value)")
    }
    self.init(
      id: wire.id, name: wire.name, active: wire.active, policyID: optionalID(wire.policyId), target: target,
      offsetMinutes: Int(wire.offsetMinutes), raisePriorityTo: AtendeDomain.Priority(wire.raisePriorityTo),
      reassignDepartmentID: optionalID(wire.reassignDepartmentId), assignEmployeeID: optionalID(wire.assignEmployeeId))
  }
}
