internal import AtendeAPI
internal import AtendeDomain
internal import AtendeStore
internal import Foundation

// Conversions between wire subjects and the domain's.

extension AtendeAPI.Subject {
  init(_ subject: AtendeDomain.Subject) {
    self.init(
      id: subject.id, name: subject.name, active: subject.active,
      defaultPriority: subject.defaultPriority?.wire ?? .unspecified,
      defaultDepartmentId: subject.defaultDepartmentID ?? 0, contractRequired: subject.contractRequired,
      loginRequired: subject.loginRequired, channelRequired: subject.channelRequired,
      complementaryStatusRequired: subject.complementaryStatusRequired,
      serviceOrderRequiresSignature: subject.serviceOrderRequiresSignature,
      firstResponseSlaHours: UInt32(clamping: subject.firstResponseSLAHours ?? 0),
      solutionSlaHours: UInt32(clamping: subject.solutionSLAHours ?? 0), version: subject.version,
      createdAt: Google_Protobuf_Timestamp(date: subject.createdAt),
      updatedAt: Google_Protobuf_Timestamp(date: subject.updatedAt))
  }

  /// The default priority: UNSPECIFIED = none; an unknown value is an error.
  func domainDefaultPriority() throws -> AtendeDomain.Priority? {
    if case .unrecognized(let value) = defaultPriority {
      throw invalidArgument("subject.default_priority", "UNKNOWN", "unknown priority \(value)")
    }
    return AtendeDomain.Priority(defaultPriority)
  }
}

/// SLA hours on the wire: 0 = no target.
private func slaHours(_ value: UInt32) -> Int? { value > 0 ? Int(value) : nil }

extension AtendeDomain.Subject {
  /// A new subject from the wire: always active (proto3 cannot tell an unset `active`
  /// from false); id, version and timestamps are ignored.
  init(creating wire: AtendeAPI.Subject) throws {
    self.init(
      name: wire.name, active: true, defaultPriority: try wire.domainDefaultPriority(),
      defaultDepartmentID: optionalID(wire.defaultDepartmentId), contractRequired: wire.contractRequired,
      loginRequired: wire.loginRequired, channelRequired: wire.channelRequired,
      complementaryStatusRequired: wire.complementaryStatusRequired,
      serviceOrderRequiresSignature: wire.serviceOrderRequiresSignature,
      firstResponseSLAHours: slaHours(wire.firstResponseSlaHours), solutionSLAHours: slaHours(wire.solutionSlaHours))
  }
}

/// A field of a subject an update may change, by its proto name.
enum SubjectField: String, CaseIterable {
  case name
  case active
  case defaultPriority = "default_priority"
  case defaultDepartmentID = "default_department_id"
  case contractRequired = "contract_required"
  case loginRequired = "login_required"
  case channelRequired = "channel_required"
  case complementaryStatusRequired = "complementary_status_required"
  case serviceOrderRequiresSignature = "service_order_requires_signature"
  case firstResponseSLAHours = "first_response_sla_hours"
  case solutionSLAHours = "solution_sla_hours"

  static let names = Set(allCases.map(\.rawValue))

  /// Whether `subject` holds a non-default value of this field (for an empty update mask).
  func isSet(in subject: AtendeAPI.Subject) -> Bool {
    switch self {
    case .name: !subject.name.isEmpty
    case .active: subject.active
    case .defaultPriority: subject.defaultPriority != .unspecified
    case .defaultDepartmentID: subject.defaultDepartmentId != 0
    case .contractRequired: subject.contractRequired
    case .loginRequired: subject.loginRequired
    case .channelRequired: subject.channelRequired
    case .complementaryStatusRequired: subject.complementaryStatusRequired
    case .serviceOrderRequiresSignature: subject.serviceOrderRequiresSignature
    case .firstResponseSLAHours: subject.firstResponseSlaHours != 0
    case .solutionSLAHours: subject.solutionSlaHours != 0
    }
  }
}

extension SubjectChanges {
  /// The changes `fields` make: each takes its value from `subject`, where UNSPECIFIED
  /// priority, id 0 and 0 hours clear the value.
  init(_ subject: AtendeAPI.Subject, fields: Set<SubjectField>) throws {
    self.init()
    for field in fields {
      switch field {
      case .name: name = subject.name
      case .active: active = subject.active
      case .defaultPriority: defaultPriority = .some(try subject.domainDefaultPriority())
      case .defaultDepartmentID: defaultDepartmentID = .some(optionalID(subject.defaultDepartmentId))
      case .contractRequired: contractRequired = subject.contractRequired
      case .loginRequired: loginRequired = subject.loginRequired
      case .channelRequired: channelRequired = subject.channelRequired
      case .complementaryStatusRequired: complementaryStatusRequired = subject.complementaryStatusRequired
      case .serviceOrderRequiresSignature: serviceOrderRequiresSignature = subject.serviceOrderRequiresSignature
      case .firstResponseSLAHours: firstResponseSLAHours = .some(slaHours(subject.firstResponseSlaHours))
      case .solutionSLAHours: solutionSLAHours = .some(slaHours(subject.solutionSlaHours))
      }
    }
  }
}
