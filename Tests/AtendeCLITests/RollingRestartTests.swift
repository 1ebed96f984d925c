import AtendeAPI
import AtendeStoreTestSupport
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Three `atende-server` processes on one PostgreSQL database, restarted one after the
/// other with SIGTERM while a client keeps writing through all three and a subscriber
/// keeps watching (docs/OPERATIONS.md, "Several servers").
@Suite("Rolling restart of three servers on PostgreSQL", .serialized)
struct RollingRestartTests {
  /// One acknowledged write: the ticket and the version the server answered with.
  struct Write: Hashable, Sendable {
    var ticketID: Int64
    var version: Int64
  }

  /// What the writers and the subscriber saw.
  struct Observations: Sendable {
    var writes: [Write] = []
    var failures: [String] = []
    var events: [Write] = []
    var sequences: [UInt64] = []
    var resumes = 0
  }

  @Test(
    "each server in turn stops with SIGTERM and starts again: no call fails, no write is lost or doubled, the subscriber sees every event once, in order",
    .enabled(if: Engine.available.contains(.postgres)), .timeLimit(.minutes(5)))
  func rollingRestart() async throws {
    try await withPostgresDatabase { url in
      try await AtendeStoreTestSupport.withTemporaryDirectory { directory in
        let cluster = try ServerCluster(database: url, directory: directory, count: 3)
        defer { cluster.stopAll() }
        try await cluster.start(0, demoData: true)
        try await cluster.start(1)
        try await cluster.start(2)

        var configuration = ClientConfiguration.defaults
        configuration.connectTimeout = .seconds(2)
        configuration.backoff.initial = .milliseconds(50)
        configuration.backoff.maximum = .milliseconds(500)
        let client = RPCClient(endpoints: cluster.endpoints, configuration: configuration)
        let watcherClient = RPCClient(endpoints: cluster.endpoints, configuration: configuration)
        defer {
          client.close()
          watcherClient.close()
        }
        let tickets = TicketService.Client(client)
        let events = TicketEventService.Client(watcherClient)

        // The first event of the database: the subscriber starts after it.
        let first = try await tickets.createTicket(CreateTicketRequest(ticket: rollingTicket("primeiro")))
        let shared = Shared()
        shared.observations.withLock { $0.writes.append(Write(ticketID: first.id, version: first.version)) }

        try await withThrowingTaskGroup(of: Void.self) { group in
          // The subscriber: every event after the first, resuming after the last one it saw
          // whenever its stream ends (its server stops), on whichever server answers.
          group.addTask {
            var last: UInt64 = 1
            while !shared.stopWatching.load(ordering: .relaxed) {
              do {
                try await events.watchTickets(WatchTicketsRequest(afterSequence: last)) { stream in
                  for try await event in stream {
                    guard event.kind != .lagged else {
                      shared.observations.withLock { $0.failures.append("lagged: \(event)") }
                      continue
                    }
                    last = event.sequence
                    shared.observations.withLock {
                      $0.sequences.append(event.sequence)
                      $0.events.append(Write(ticketID: event.ticket?.id ?? 0, version: event.ticket?.version ?? 0))
                    }
                    if shared.stopWatching.load(ordering: .relaxed) { return }
                  }
                }
              } catch let error as RPCError where error.code == .unavailable {
                shared.observations.withLock { $0.resumes += 1 }
                try await Task.sleep(for: .milliseconds(20))
              }
            }
          }
          // Four writers: each opens a ticket, assigns it, then changes its title.
          for writer in 0..<4 {
            group.addTask {
              var round = 0
              while !shared.stopWriting.load(ordering: .relaxed) {
                round += 1
                do {
                  var current = try await tickets.createTicket(
                    CreateTicketRequest(ticket: rollingTicket("escritor \(writer) rodada \(round)")))
                  shared.observations.withLock {
                    $0.writes.append(Write(ticketID: current.id, version: current.version))
                  }
                  current = try await tickets.assignTicket(
                    AssignTicketRequest(id: current.id, expectedVersion: current.version, assigneeId: 3))
                  shared.observations.withLock {
                    $0.writes.append(Write(ticketID: current.id, version: current.version))
                  }
                  var retitled = current
                  retitled.title += " (revisto)"
                  current = try await tickets.updateTicket(
                    UpdateTicketRequest(
                      ticket: retitled, updateMask: Google_Protobuf_FieldMask(paths: ["title"]),
                      expectedVersion: current.version))
                  shared.observations.withLock {
                    $0.writes.append(Write(ticketID: current.id, version: current.version))
                  }
                } catch {
                  shared.observations.withLock { $0.failures.append("writer \(writer), round \(round): \(error)") }
                }
              }
            }
          }
          // Each server in turn: SIGTERM, wait for it to exit, start it again.
          try await Task.sleep(for: .seconds(1))
          for index in 0..<3 {
            let stopped = await cluster.stop(index)
            #expect(stopped.status == 0, "server \(index) exited with \(stopped.status): \(stopped.errors)")
            try await Task.sleep(for: .milliseconds(300))
            try await cluster.start(index)
            try await Task.sleep(for: .seconds(1))
          }
          shared.stopWriting.store(true, ordering: .relaxed)
          // Wait for the writers only (the subscriber is the first task added, so wait for
          // the others by count).
          for _ in 0..<4 { try await group.next() }
          // The subscriber catches up with every acknowledged write, then stops.
          let expected = shared.observations.withLock { $0.writes.count } - 1
          let deadline = ContinuousClock.now.advanced(by: .seconds(30))
          while shared.observations.withLock({ $0.events.count }) < expected && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
          }
          shared.stopWatching.store(true, ordering: .relaxed)
          // A last write wakes a subscriber waiting for one, so that it sees the flag.
          _ = try await tickets.createTicket(CreateTicketRequest(ticket: rollingTicket("último")))
          try await group.waitForAll()
        }

        let seen = shared.observations.withLock { $0 }
        print(
          "rolling restart: \(seen.writes.count) writes acknowledged, \(seen.events.count) events watched, \(seen.resumes) watch resumptions"
        )
        #expect(seen.failures.count == 0, "\(seen.failures.count) failed calls, the first: \(seen.failures.prefix(3))")
        #expect(seen.resumes >= 1, "the subscriber's server stopped at least once")
        // Enough traffic to mean something crossed every restart.
        #expect(seen.writes.count > 100)

        // No write lost or doubled: the database holds exactly the tickets whose creation
        // was acknowledged (plus the last one), each at the version of its last write.
        var latest: [Int64: Int64] = [:]
        for write in seen.writes { latest[write.ticketID] = max(latest[write.ticketID] ?? 0, write.version) }
        var stored: [Int64: Int64] = [:]
        var token = ""
        repeat {
          let page = try await tickets.listTickets(ListTicketsRequest(pageSize: 500, pageToken: token))
          for ticket in page.tickets {
            #expect(stored[ticket.id] == nil, "ticket \(ticket.id) listed twice")
            stored[ticket.id] = ticket.version
          }
          token = page.nextPageToken
        } while !token.isEmpty
        let last = stored.keys.max() ?? 0
        stored[last] = nil
        #expect(stored == latest)

        // The subscriber saw every write after the first once, in the log's order, and
        // each ticket's versions in order.
        let watched = seen.events.filter { $0.ticketID != last }
        #expect(Set(watched) == Set(seen.writes.dropFirst()))
        #expect(watched.count == seen.writes.count - 1)
        #expect(seen.sequences == seen.sequences.sorted() && Set(seen.sequences).count == seen.sequences.count)
        var versions: [Int64: Int64] = [:]
        for event in watched {
          #expect(event.version > versions[event.ticketID] ?? 0, "ticket \(event.ticketID) out of order")
          versions[event.ticketID] = event.version
        }

        // Attachments are shared: a file uploaded through one server downloads whole from
        // each of the others.
        let content = (0..<700_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let uploaded = try await TicketFileService.Client(client).uploadTicketFile { writer in
          try await writer.write(.init(part: .header(UploadHeader(ticketId: first.id, name: "foto.jpg"))))
          for start in stride(from: 0, to: content.count, by: 200_000) {
            try await writer.write(.init(part: .chunk(Array(content[start..<min(start + 200_000, content.count)]))))
          }
        }
        for port in cluster.ports {
          let single = RPCClient(host: "127.0.0.1", port: port)
          defer { single.close() }
          let downloaded = try await TicketFileService.Client(single).downloadTicketFile(
            DownloadTicketFileRequest(id: uploaded.id)
          ) { responses in
            var bytes: [UInt8] = []
            for try await response in responses { if case .chunk(let chunk)? = response.part { bytes += chunk } }
            return bytes
          }
          #expect(downloaded == content, "download through port \(port)")
        }
      }
    }
  }
}

/// What the test's tasks share.
private final class Shared: Sendable {
  let observations = Mutex(RollingRestartTests.Observations())
  let stopWriting = Atomic(false)
  let stopWatching = Atomic(false)
}

private func rollingTicket(_ title: String) -> Ticket {
  Ticket(kind: .client, clientId: 1001, title: title, departmentId: 1, priority: .high, description: "Reinício")
}

/// `atende-server` processes serving one database, each on a port of its own that it
/// keeps across restarts.
private final class ServerCluster: @unchecked Sendable {
  let database: String
  let directory: String
  let ports: [Int]
  private let running = Mutex<[Int: RunningCLI]>([:])

  init(database: String, directory: String, count: Int) throws {
    self.database = database
    self.directory = directory
    self.ports = try (0..<count).map { _ in try freeLoopbackPort() }
  }

  var endpoints: [Endpoint] { ports.map { Endpoint(host: "127.0.0.1", port: $0) } }

  /// Starts server `index` and waits until it answers.
  func start(_ index: Int, demoData: Bool = false) async throws {
    var environment = ProcessInfo.processInfo.environment
    environment["XDG_CONFIG_HOME"] = directory + "/config"
    environment["ATENDE_DATABASE"] = nil
    let arguments =
      [
        "serve", "--host", "127.0.0.1", "--port", "\(ports[index])", "--database", database,
        "--no-auth", "--log-level", "warning",
        "--shutdown-grace-seconds", "10",
      ] + (demoData ? ["--demo-data"] : [])
    let process = try startProcess(try builtBinary("atende-server"), arguments, environment: environment)
    running.withLock { $0[index] = process }
    let probe = RPCClient(host: "127.0.0.1", port: ports[index])
    defer { probe.close() }
    let deadline = ContinuousClock.now.advanced(by: .seconds(30))
    while true {
      do {
        _ = try await Diagnostics.Client(probe).check(HealthCheckRequest(), options: CallOptions(timeout: .seconds(1)))
        return
      } catch {
        guard process.isRunning, ContinuousClock.now < deadline else {
          let result = await process.interrupt()
          throw ClusterError(description: "server \(index) did not start: \(error)\n\(result.errors)")
        }
        try await Task.sleep(for: .milliseconds(100))
      }
    }
  }

  /// Stops server `index` with SIGTERM and waits for it to exit.
  func stop(_ index: Int) async -> CLIResult {
    guard let process = running.withLock({ $0.removeValue(forKey: index) }) else {
      return CLIResult(status: -1, output: "", errors: "not running")
    }
    return await process.terminate()
  }

  func stopAll() {
    for process in running.withLock({ $0.values }) where process.isRunning { process.kill() }
  }
}

struct ClusterError: Error, CustomStringConvertible {
  var description: String
}

/// The ports ``freeLoopbackPort()`` handed out in this process: tests run in parallel,
/// and two of them could otherwise be given the same free port before either binds it.
private let handedOutPorts = Mutex<Set<Int>>([])

/// A loopback port free now and never handed out before in this process.
///
/// It is taken below the kernel's ephemeral range, where nothing that binds port 0 (the
/// in-process test servers, a client's own end of a connection) can be given it in the
/// time between this check and the server's bind.
func freeLoopbackPort() throws -> Int {
  let candidates = 10_000..<max(10_001, ephemeralPortRangeStart())
  for _ in 0..<1000 {
    let port = Int.random(in: candidates)
    if try isFreeLoopbackPort(port), handedOutPorts.withLock({ $0.insert(port).inserted }) { return port }
  }
  throw ClusterError(description: "no free loopback port in \(candidates)")
}

/// The first port of the kernel's ephemeral range (Linux: ip_local_port_range).
private func ephemeralPortRangeStart() -> Int {
  let range = try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)
  return range?.split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) } ?? 32768
}

/// Whether a socket can bind `port` on 127.0.0.1 now.
private func isFreeLoopbackPort(_ port: Int) throws -> Bool {
  #if canImport(Glibc)
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
  #else
    let descriptor = socket(AF_INET, SOCK_STREAM, 0)
  #endif
  guard descriptor >= 0 else { throw ClusterError(description: "socket: \(errno)") }
  defer { close(descriptor) }
  var address = sockaddr_in()
  address.sin_family = sa_family_t(AF_INET)
  address.sin_addr.s_addr = inet_addr("127.0.0.1")
  address.sin_port = UInt16(port).bigEndian
  let length = socklen_t(MemoryLayout<sockaddr_in>.size)
  return withUnsafeMutablePointer(to: &address) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 }
  }
}
