internal import AtendeAPI
internal import AtendeDomain
internal import AtendeStore
internal import Foundation

extension AtendeAPI.Ticket {
  init(_ ticket: AtendeDomain.Ticket) {
    self.init(
      id: ticket.id, protocol: ticket.protocolNumber, kind: ticket.kind == .client ? .client : .structure,
      clientId: ticket.clientID ?? 0, structureId: ticket.structureID ?? 0, contractId: ticket.contractID ?? 0,
      loginId: ticket.loginID ?? 0, subjectId: ticket.subjectID ?? 0, title: ticket.title,
      departmentId: ticket.departmentID, priority: ticket.priority.wire, description: ticket.description,
      status: TicketStatus(ticket.status), complementaryStatusId: ticket.complementaryStatusID ?? 0,
      channelId: ticket.channelID ?? 0, assigneeId: ticket.assigneeID ?? 0,
      location: ticket.location.map(AtendeAPI.Location.init),
      createdAt: Google_Protobuf_Timestamp(date: ticket.createdAt),
      updatedAt: Google_Protobuf_Timestamp(date: ticket.updatedAt),
      closedAt: ticket.closedAt.map(Google_Protobuf_Timestamp.init(date:)),
      openedBy: ticket.openedBy, version: ticket.version,
      firstResponseAt: ticket.firstResponseAt.map(Google_Protobuf_Timestamp.init(date:)),
      interactionCount: UInt32(clamping: ticket.interactionCount), branchId: ticket.branchID ?? 0, tags: ticket.tags)
  }
}

extension AtendeAPI.Location {
  init(_ location: AtendeDomain.Location) {
    let origin: AtendeAPI.LocationOrigin =
      switch location.origin {
      case .client: .client
      case .login: .login
      case .contract: .contract
      case .structure: .structure
      case .manual: .manual
      }
    self.init(
      address: location.address.text, latitude: location.address.coordinates?.latitude ?? 0,
      longitude: location.address.coordinates?.longitude ?? 0, hasCoordinates: location.address.coordinates != nil,
      origin: origin)
  }

  var domainAddress: AtendeDomain.Address {
    AtendeDomain.Address(
      text: address, coordinates: hasCoordinates ? Coordinates(latitude: latitude, longitude: longitude) : nil)
  }
}

extension AtendeAPI.TicketStatus {
  init(_ status: AtendeDomain.TicketStatus) {
    switch status {
    case .new: self = .new
    case .pending: self = .pending
    case .inProgress: self = .inProgress
    case .solved: self = .solved
    case .canceled: self = .canceled
    }
  }

  var domain: AtendeDomain.TicketStatus? {
    switch self {
    case .new: .new
    case .pending: .pending
    case .inProgress: .inProgress
    case .solved: .solved
    case .canceled: .canceled
    case .unspecified, .unrecognized: nil
    }
  }
}

extension TicketFields {
  /// The settable fields of a wire ticket (unknown enum values become nil, which the
  /// rules report as missing).
  init(_ ticket: AtendeAPI.Ticket) {
    let kind: AtendeDomain.TicketKind? =
      switch ticket.kind {
      case .client: .client
      case .structure: .structure
      default: nil
      }
    self.init(
      kind: kind, clientID: optionalID(ticket.clientId), structureID: optionalID(ticket.structureId),
      contractID: optionalID(ticket.contractId), loginID: optionalID(ticket.loginId),
      subjectID: optionalID(ticket.subjectId), title: ticket.title, departmentID: optionalID(ticket.departmentId),
      priority: AtendeDomain.Priority(ticket.priority), description: ticket.description,
      complementaryStatusID: optionalID(ticket.complementaryStatusId), channelID: optionalID(ticket.channelId),
      manualLocation: ticket.location.map(\.domainAddress), branchID: optionalID(ticket.branchId), tags: ticket.tags)
  }

  /// The fields set (non-default) in a wire ticket, for an empty update mask.
  static func populated(_ ticket: AtendeAPI.Ticket) -> [String] {
    var fields: [String] = []
    if ticket.kind != .unspecified { fields.append("kind") }
    if ticket.clientId != 0 { fields.append("client_id") }
    if ticket.structureId != 0 { fields.append("structure_id") }
    if ticket.contractId != 0 { fields.append("contract_id") }
    if ticket.loginId != 0 { fields.append("login_id") }
    if ticket.subjectId != 0 { fields.append("subject_id") }
    if !ticket.title.isEmpty { fields.append("title") }
    if ticket.departmentId != 0 { fields.append("department_id") }
    if ticket.priority != .unspecified { fields.append("priority") }
    if !ticket.description.isEmpty { fields.append("description") }
    if ticket.complementaryStatusId != 0 { fields.append("complementary_status_id") }
    if ticket.channelId != 0 { fields.append("channel_id") }
    if ticket.location != nil { fields.append("location") }
    if ticket.branchId != 0 { fields.append("branch_id") }
    if !ticket.tags.isEmpty { fields.append("tags") }
    return fields
  }
}

/// Tags to filter on, normalised as on tickets: at most ``TagRules/maxTagsPerTicket``,
/// each valid (else INVALID_ARGUMENT at `field[i]`).
func tagFilter(_ tags: [String], field: String) throws -> Set<String> {
  var violations = Violations()
  TagRules.check(tags, into: &violations)
  if !violations.isEmpty {
    let renamed = violations.all.map {
      DomainError.Violation(
        field: $0.field.replacingOccurrences(of: "ticket.tags", with: field), reason: $0.reason,
        description: $0.description)
    }
    throw DomainError(.invalidArgument, "invalid tag filter", violations: renamed)
  }
  return Set(TagRules.normalize(tags))
}

extension TicketQuery {
  init(_ request: ListTicketsRequest) throws {
    self.init()
    statuses = Set(request.statuses.compactMap(\.domain))
    priorities = Set(request.priorities.compactMap { AtendeDomain.Priority($0) })
    clientID = optionalID(request.clientId)
    structureID = optionalID(request.structureId)
    departmentID = optionalID(request.departmentId)
    assigneeID = optionalID(request.assigneeId)
    subjectID = optionalID(request.subjectId)
    channelID = optionalID(request.channelId)
    branchID = optionalID(request.branchId)
    tags = try tagFilter(request.tags, field: "tags")
    createdFrom = request.createdAfter?.date
    createdBefore = request.createdBefore?.date
    updatedFrom = request.updatedAfter?.date
    updatedBefore = request.updatedBefore?.date
    text = try searchText(request.query, field: "query")
    order =
      switch request.order {
      case .unspecified, .createdDesc: .createdDescending
      case .createdAsc: .createdAscending
      case .updatedDesc: .updatedDescending
      case .priorityDesc: .priorityDescending
      case .relevance: .relevance
      case .unrecognized(let value):
        throw invalidArgument("order", "UNKNOWN", "unknown order \(value)")
      }
  }
}
