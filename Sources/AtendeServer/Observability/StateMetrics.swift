internal import AtendeDomain
public import AtendeStore
public import CoreMetrics
internal import Foundation
internal import Synchronization

#if canImport(Glibc)
  internal import Glibc
#elseif canImport(Darwin)
  internal import Darwin
#endif

/// Metrics of state rather than of events — open tickets by status, and the process's
/// memory, file descriptors and CPU time — read when ``refresh()`` is called (before
/// each scrape), at most once per `minimumInterval`.
public final class StateMetrics: Sendable {
  private let store: any AtendeStore
  private let minimumInterval: Duration
  private let openTickets: [TicketStatus: Meter]
  private let residentMemory: Meter
  private let virtualMemory: Meter
  private let openFileDescriptors: Meter
  private let maxFileDescriptors: Meter
  private let cpuSeconds: FloatingPointCounter
  private let startTime: Meter
  private let state = Mutex<(refreshedAt: ContinuousClock.Instant?, cpuSeconds: Double)>((nil, 0))

  /// Metrics of `store`'s tickets and of this process, made with `factory`;
  /// `startedAt` is when the process started, in seconds since 1970.
  public init(
    store: any AtendeStore, factory: any MetricsFactory, startedAt: Double,
    minimumInterval: Duration = .seconds(5)
  ) {
    self.store = store
    self.minimumInterval = minimumInterval
    var openTickets: [TicketStatus: Meter] = [:]
    for status in TicketStatus.allCases where status.isOpen {
      openTickets[status] = Meter(label: "atende_tickets_open", dimensions: [("status", status.name)], factory: factory)
    }
    self.openTickets = openTickets
    residentMemory = Meter(label: "process_resident_memory_bytes", factory: factory)
    virtualMemory = Meter(label: "process_virtual_memory_bytes", factory: factory)
    openFileDescriptors = Meter(label: "process_open_fds", factory: factory)
    maxFileDescriptors = Meter(label: "process_max_fds", factory: factory)
    cpuSeconds = FloatingPointCounter(label: "process_cpu_seconds_total", factory: factory)
    startTime = Meter(label: "process_start_time_seconds", factory: factory)
    startTime.set(startedAt)
  }

  /// Reads the state again, unless it was read less than `minimumInterval` ago. A store
  /// that cannot be read leaves the ticket figures as they were.
  public func refresh() async {
    let now = ContinuousClock.now
    let due = state.withLock { state in
      if let last = state.refreshedAt, now - last < minimumInterval { return false }
      state.refreshedAt = now
      return true
    }
    guard due else { return }
    refreshProcess()
    let date = Date()
    guard let metrics = try? await store.ticketMetrics(from: date.addingTimeInterval(-1), to: date, departments: nil)
    else { return }
    var counts: [TicketStatus: Int] = [:]
    for count in metrics.openByStatus {
      if let status = TicketStatus(rawValue: Int(count.id)) { counts[status] = count.count }
    }
    for (status, meter) in openTickets { meter.set(counts[status] ?? 0) }
  }

  private func refreshProcess() {
    let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
    if let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) {
      let fields = statm.split(separator: " ").compactMap { Double($0) }
      if fields.count >= 2 {
        virtualMemory.set(fields[0] * pageSize)
        residentMemory.set(fields[1] * pageSize)
      }
    }
    if let descriptors = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
      openFileDescriptors.set(descriptors.count)
    }
    var limit = rlimit()
    if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 { maxFileDescriptors.set(Double(limit.rlim_cur)) }
    var usage = rusage()
    if getrusage(RUSAGE_SELF.rawValue, &usage) == 0 {
      let total =
        Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec)
        + Double(usage.ru_stime.tv_usec) / 1e6
      let delta = state.withLock { state -> Double in
        defer { state.cpuSeconds = max(state.cpuSeconds, total) }
        return max(0, total - state.cpuSeconds)
      }
      if delta > 0 { cpuSeconds.increment(by: delta) }
    }
  }
}
