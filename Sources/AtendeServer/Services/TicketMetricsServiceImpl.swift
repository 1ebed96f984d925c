public import AtendeAPI
public import AtendeStore
internal import Foundation

/// Metrics for the support team over a store.
public struct TicketMetricsServiceImpl: TicketMetricsService.ServiceProtocol {
  let store: any AtendeStore

  public init(store: any AtendeStore) {
    self.store = store
  }

  public func getTicketMetrics(_ request: GetTicketMetricsRequest, context: ServerContext) async throws
    -> AtendeAPI.TicketMetrics
  {
    let to = request.to?.date ?? Date()
    let from = request.from?.date ?? to.addingTimeInterval(-30 * 86_400)
    guard from < to else { throw invalidArgument("from", "OUT_OF_RANGE", "from must be before to") }
    var scope = context.ticketScope
    if let department = optionalID(request.departmentId) {
      try context.checkDepartment(department, field: "department_id")
      scope.departments = [department]
    }
    if let branch = optionalID(request.branchId) {
      try context.checkBranch(branch, field: "branch_id")
      scope.branches = [branch]
    }
    let metrics = try await store.ticketMetrics(from: from, to: to, scope: scope)
    func counts(_ values: [StoreTicketMetrics.Count]) -> [Count] {
      values.map { Count(id: $0.id, name: $0.name, count: Int64($0.count)) }
    }
    func stats(_ durations: StoreTicketMetrics.Durations) -> DurationStats {
      DurationStats(count: Int64(durations.count), medianHours: durations.median / 3600, p90Hours: durations.p90 / 3600)
    }
    return AtendeAPI.TicketMetrics(
      openByStatus: counts(metrics.openByStatus), openByDepartment: counts(metrics.openByDepartment),
      openByPriority: counts(metrics.openByPriority), openByAssignee: counts(metrics.openByAssignee),
      openByChannel: counts(metrics.openByChannel), timeToFirstResponse: stats(metrics.timeToFirstResponse),
      timeToSolution: stats(metrics.timeToSolution),
      sla: metrics.sla.map {
        SubjectSla(
          subjectId: $0.subjectID, subjectName: $0.subjectName,
          firstResponseTargetHours: UInt32($0.firstResponseTargetHours ?? 0),
          solutionTargetHours: UInt32($0.solutionTargetHours ?? 0), tickets: Int64($0.tickets),
          firstResponseBreaches: Int64($0.firstResponseBreaches), solutionBreaches: Int64($0.solutionBreaches))
      }, from: Google_Protobuf_Timestamp(date: metrics.from), to: Google_Protobuf_Timestamp(date: metrics.to),
      openByBranch: counts(metrics.openByBranch))
  }
}
