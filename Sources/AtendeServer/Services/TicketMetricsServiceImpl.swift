public import AtendeAPI
internal import AtendeDomain
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
    let scope = try context.ticketScope(department: request.departmentId, branch: request.branchId)
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

  public func getTicketTrends(_ request: GetTicketTrendsRequest, context: ServerContext) async throws
    -> AtendeAPI.TicketTrends
  {
    let to = request.to?.date ?? Date()
    let from = request.from?.date ?? to.addingTimeInterval(-30 * 86_400)
    guard from < to else { throw invalidArgument("from", "OUT_OF_RANGE", "from must be before to") }
    let granularity: AtendeDomain.TicketTrends.Granularity =
      switch request.granularity {
      case .unspecified, .day: .day
      case .week: .week
      default: throw invalidArgument("granularity", "UNKNOWN", "granularity is DAY or WEEK")
      }
    let dimension: AtendeDomain.TicketTrends.Dimension? =
      switch request.groupBy {
      case .unspecified: nil
      case .channel: .channel
      case .department: .department
      case .subject: .subject
      case .branch: .branch
      default: throw invalidArgument("group_by", "UNKNOWN", "unknown dimension \(request.groupBy.rawValue)")
      }
    let scope = try context.ticketScope(department: request.departmentId, branch: request.branchId)
    var businessTime: BusinessTime?
    var zoneName = request.timeZone.isEmpty ? "America/Sao_Paulo" : request.timeZone
    if let calendarID = optionalID(request.calendarId) {
      let calendar: AtendeDomain.BusinessCalendar
      do {
        calendar = try await store.calendar(id: calendarID)
      } catch let error as DomainError where error.kind == .notFound {
        throw RPCError(
          code: .notFound, message: "calendar_id: business calendar \(calendarID) not found",
          fieldViolations: [.init(field: "calendar_id", reason: "NOT_FOUND", description: "no such calendar")])
      }
      businessTime = BusinessTime(calendar)
      zoneName = calendar.timeZone
    }
    guard let zone = TimeZone(identifier: zoneName) else {
      throw invalidArgument("time_zone", "UNKNOWN", "\(zoneName) is not an IANA time zone")
    }
    guard let periods = AtendeDomain.TicketTrends.periods(from: from, to: to, granularity, timeZone: zone) else {
      throw invalidArgument(
        "from", "OUT_OF_RANGE",
        "at most \(AtendeDomain.TicketTrends.maxPeriods) \(granularity.rawValue)s: ask for a shorter period or weeks")
    }
    let tickets = try await store.ticketActivity(from: from, to: to, scope: scope)
    let result = AtendeDomain.TicketTrends.compute(
      tickets, periods: periods, from: from, to: to, dimension: dimension, businessTime: businessTime)
    let names = try await self.names(
      dimension, ids: Set(result.periods.flatMap { $0.openedBy.map(\.id) + $0.solvedBy.map(\.id) }))
    func counts(_ values: [(id: Int64, count: Int)]) -> [Count] {
      values.map { Count(id: $0.id, name: names[$0.id] ?? "", count: Int64($0.count)) }
    }
    func percentiles(_ values: AtendeDomain.TicketTrends.Percentiles) -> Percentiles {
      Percentiles(
        count: Int64(values.count), p50Hours: values.p50 / 3600, p90Hours: values.p90 / 3600,
        p99Hours: values.p99 / 3600)
    }
    return AtendeAPI.TicketTrends(
      periods: result.periods.map {
        TrendPeriod(
          start: Google_Protobuf_Timestamp(date: $0.start), end: Google_Protobuf_Timestamp(date: $0.end),
          opened: Int64($0.opened), solved: Int64($0.solved), openedBy: counts($0.openedBy),
          solvedBy: counts($0.solvedBy))
      }, firstResponse: percentiles(result.firstResponse), solution: percentiles(result.solution),
      businessTime: businessTime != nil, timeZone: zoneName, from: Google_Protobuf_Timestamp(date: from),
      to: Google_Protobuf_Timestamp(date: to))
  }

  /// The names of the values of `dimension` (ids not found, and 0, have none).
  private func names(_ dimension: AtendeDomain.TicketTrends.Dimension?, ids: Set<Int64>) async throws -> [Int64: String]
  {
    var names: [Int64: String] = [:]
    for id in ids where id != 0 {
      switch dimension {
      case .channel?: names[id] = try await store.reference(AtendeDomain.Channel.self, id: id)?.name
      case .department?: names[id] = try await store.reference(AtendeDomain.Department.self, id: id)?.name
      case .branch?: names[id] = try await store.reference(AtendeDomain.Branch.self, id: id)?.name
      case .subject?: names[id] = try? await store.subject(id: id).name
      case nil: break
      }
    }
    return names
  }
}
