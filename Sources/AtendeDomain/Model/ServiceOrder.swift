public import Foundation

/// Where a service order is.
public enum ServiceOrderStatus: Int, Hashable, Sendable, CaseIterable {
  case open = 1, analysis, forwarded, assumed, scheduled, enRoute, inExecution, awaitingReschedule, finished

  public var name: String {
    switch self {
    case .open: "OPEN"
    case .analysis: "ANALYSIS"
    case .forwarded: "FORWARDED"
    case .assumed: "ASSUMED"
    case .scheduled: "SCHEDULED"
    case .enRoute: "EN_ROUTE"
    case .inExecution: "IN_EXECUTION"
    case .awaitingReschedule: "AWAITING_RESCHEDULE"
    case .finished: "FINISHED"
    }
  }

  /// The statuses an order may move to from this one.
  public var next: Set<ServiceOrderStatus> {
    switch self {
    case .open: [.analysis, .forwarded, .assumed, .scheduled]
    case .analysis: [.forwarded, .assumed, .scheduled]
    case .forwarded: [.analysis, .assumed]
    case .assumed: [.scheduled, .enRoute, .inExecution]
    case .scheduled: [.assumed, .enRoute, .awaitingReschedule]
    case .enRoute: [.inExecution, .awaitingReschedule]
    case .inExecution: [.finished, .awaitingReschedule]
    case .awaitingReschedule: [.scheduled]
    case .finished: []
    }
  }
}

/// Field work opened from a ticket.
public struct ServiceOrder: Hashable, Sendable, Identifiable {
  public var id: Int64
  public var ticketID: Int64
  public var subjectID: Int64?
  public var departmentID: Int64
  public var technicianID: Int64?
  public var priority: Priority
  public var status: ServiceOrderStatus
  public var scheduledAt: Date?
  public var description: String
  public var requiresSignature: Bool
  public var signedAt: Date?
  public var signedBy: String
  public var createdAt: Date
  public var updatedAt: Date
  public var version: Int64

  public init(
    id: Int64 = 0, ticketID: Int64, subjectID: Int64? = nil, departmentID: Int64 = 0, technicianID: Int64? = nil,
    priority: Priority = .normal, status: ServiceOrderStatus = .open, scheduledAt: Date? = nil, description: String,
    requiresSignature: Bool = false, signedAt: Date? = nil, signedBy: String = "",
    createdAt: Date = Date(timeIntervalSince1970: 0), updatedAt: Date = Date(timeIntervalSince1970: 0),
    version: Int64 = 1
  ) {
    self.id = id
    self.ticketID = ticketID
    self.subjectID = subjectID
    self.departmentID = departmentID
    self.technicianID = technicianID
    self.priority = priority
    self.status = status
    self.scheduledAt = scheduledAt
    self.description = description
    self.requiresSignature = requiresSignature
    self.signedAt = signedAt
    self.signedBy = signedBy
    self.createdAt = createdAt
    self.updatedAt = updatedAt
    self.version = version
  }
}

extension HistoryKind {
  public static let serviceOrderOpened = "SERVICE_ORDER_OPENED"
  public static let serviceOrderChanged = "SERVICE_ORDER_CHANGED"
}
