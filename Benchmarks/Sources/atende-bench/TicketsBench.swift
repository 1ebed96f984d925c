import ArgumentParser
import AtendeAPI
import AtendeDomain
import AtendeServer
import AtendeStore
import AtendeStorePostgres
import Foundation
import Logging

/// Ticket RPCs over the network against a database of a given size.
struct TicketsBench: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tickets",
    abstract: "Create, get, list and search throughput with N tickets in the database; prints JSON lines.")

  @Option(help: "Tickets in the database before measuring.") var tickets = 10_000
  @Option(help: "SQLite file or postgres:// URL (reused when it already holds enough tickets).") var database =
    "/tmp/atende-bench.sqlite"
  @Option(help: "Servers on the database (PostgreSQL only), each with its own connection pool.") var servers = 1
  @Option(help: "Measured seconds per operation.") var seconds = 5
  @Option(help: "Connections.") var connections = 2
  @Option(help: "Calls in flight per connection.") var concurrency = 16

  static let words = [
    "internet", "lenta", "sem", "conexão", "fibra", "rompida", "poste", "roteador", "queda", "sinal", "wifi",
    "cobrança", "indevida", "plano", "troca", "instalação", "técnico", "visita", "ONU", "LOS", "vermelho",
    "cliente", "reclama", "oscilação", "noite", "manhã", "empresa", "matriz", "filial", "cabo", "rompido",
  ]

  var isPostgres: Bool { database.hasPrefix("postgres://") || database.hasPrefix("postgresql://") }

  func run() async throws {
    guard servers == 1 || isPostgres else { throw ValidationError("--servers needs a PostgreSQL database") }
    let logger = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
    if isPostgres {
      // One store (one connection pool) per server, all on the same database.
      let stores = try (0..<servers).map { _ in try PostgresStore(url: database, logger: logger) }
      try await Self.withRunning(stores[...]) { try await measure(stores: $0) }
    } else {
      try await measure(stores: [SQLiteStore(path: database)])
    }
  }

  /// Runs `body` while every store's connection pool runs.
  static func withRunning(
    _ stores: ArraySlice<PostgresStore>, _ body: ([any AtendeStore]) async throws -> Void
  ) async throws {
    guard let first = stores.first else { return try await body([]) }
    try await first.withRunning { running in
      try await withRunning(stores.dropFirst()) { rest in try await body([running] + rest) }
    }
  }

  func measure(stores: [any AtendeStore]) async throws {
    let store = stores[0]
    try await DemoData.load(into: store)
    let subjects = try await store.listSubjects(query: "", activeOnly: true, page: PageRequest(size: 100)).items
    let plain = subjects.filter {
      !$0.requiresContract && !$0.loginRequired && !$0.channelRequired && !$0.complementaryStatusRequired
    }
    var existing = try await store.listTickets(TicketQuery(), page: PageRequest(size: 1)).items.first?.id ?? 0
    let seedStart = ContinuousClock.now
    let toSeed = max(0, tickets - Int(existing))
    if toSeed > 0 {
      try await withThrowingTaskGroup(of: Void.self) { group in
        for worker in 0..<4 {
          group.addTask {
            var generator = SystemRandomNumberGenerator()
            for index in stride(from: worker, to: toSeed, by: 4) {
              _ = try await store.createTicket(
                Self.randomFields(index, subjects: plain, using: &generator), actor: "seed")
            }
          }
        }
        try await group.waitForAll()
      }
      existing = Int64(tickets)
    }
    let seedSeconds =
      Double((ContinuousClock.now - seedStart).components.attoseconds) / 1e18
      + Double((ContinuousClock.now - seedStart).components.seconds)
    let size = isPostgres ? 0 : Self.fileSize(database) + Self.fileSize(database + "-wal")
    print(
      """
      {"benchmark":"tickets-db","engine":"\(isPostgres ? "postgres" : "sqlite")","tickets":\(existing),"seeded":\(toSeed),\
      "seed_per_s":\(toSeed > 0 ? Int(Double(toSeed) / seedSeconds) : 0),"db_bytes":\(size),\
      "bytes_per_ticket":\(existing > 0 ? Int(size) / Int(existing) : 0)}
      """)

    let logger = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
    let files = try temporaryFileStorage()
    let rpcServers = try stores.map { store in
      try AtendeServer.makeServer(
        configuration: ServerConfiguration(host: "127.0.0.1", port: 0), store: store, files: files, auth: nil,
        logger: logger)
    }
    let maxID = existing
    let (connections, concurrency, seconds) = (connections, concurrency, seconds)
    let engine = isPostgres ? "postgres" : "sqlite"
    try await Self.withServers(rpcServers[...]) { ports in
      // Each client spreads its calls over every server.
      let endpoints = ports.map { Endpoint(host: "127.0.0.1", port: $0) }
      let clients = (0..<connections).map { _ in TicketService.Client(RPCClient(endpoints: endpoints)) }
      defer { clients.forEach { $0.client.close() } }
      let operations:
        [(String, @Sendable (TicketService.Client, inout SystemRandomNumberGenerator) async throws -> Void)] = [
          (
            "create",
            { client, generator in
              let fields = Self.randomWire(
                Int.random(in: 0..<1_000_000, using: &generator), subjects: plain, using: &generator)
              _ = try await client.createTicket(CreateTicketRequest(ticket: fields))
            }
          ),
          (
            "get",
            { client, generator in
              _ = try await client.getTicket(GetTicketRequest(key: .id(Int64.random(in: 1...maxID, using: &generator))))
            }
          ),
          (
            "list",
            { client, generator in
              let statuses: [AtendeAPI.TicketStatus] = [.new, .pending, .inProgress]
              _ = try await client.listTickets(
                ListTicketsRequest(
                  statuses: [statuses.randomElement(using: &generator)!],
                  departmentId: Int64.random(in: 1...2, using: &generator), pageSize: 50))
            }
          ),
          (
            "search",
            { client, generator in
              let word = Self.words.randomElement(using: &generator)!
              _ = try await client.listTickets(ListTicketsRequest(query: String(word.prefix(5)), pageSize: 20))
            }
          ),
        ]
      for (name, operation) in operations {
        let tally = await Self.measure(clients: clients, concurrency: concurrency, seconds: seconds, operation)
        print(tally.json(name: name, tickets: maxID, seconds: seconds, engine: engine, servers: ports.count))
      }
    }
  }

  /// Runs `body` with the ports of `servers`, all running.
  static func withServers(_ servers: ArraySlice<RPCServer>, _ body: ([Int]) async throws -> Void) async throws {
    guard let first = servers.first else { return try await body([]) }
    try await withRPCServer(first) { server in
      let port = try await server.listeningPort()
      try await withServers(servers.dropFirst()) { rest in try await body([port] + rest) }
    }
  }

  static func measure(
    clients: [TicketService.Client], concurrency: Int, seconds: Int,
    _ operation: @escaping @Sendable (TicketService.Client, inout SystemRandomNumberGenerator) async throws -> Void
  ) async -> Tally {
    let clock = ContinuousClock()
    let measureFrom = clock.now.advanced(by: .seconds(1))
    let stopAt = measureFrom.advanced(by: .seconds(seconds))
    // CPU time over the measured window: this process (servers and load), and the
    // PostgreSQL processes of the machine.
    let cpuAtStart = Task {
      try? await Task.sleep(until: measureFrom, clock: clock)
      return CPUTime.now()
    }
    var tally = await withTaskGroup(of: Tally.self) { group in
      for client in clients {
        for _ in 0..<concurrency {
          group.addTask {
            var tally = Tally()
            var generator = SystemRandomNumberGenerator()
            while true {
              let start = clock.now
              if start >= stopAt { break }
              let ok: Bool
              do {
                try await operation(client, &generator)
                ok = true
              } catch {
                ok = false
              }
              guard start >= measureFrom else { continue }
              if ok { tally.latenciesNs.append((clock.now - start).nanoseconds) } else { tally.errors += 1 }
            }
            return tally
          }
        }
      }
      return await group.reduce(into: Tally()) { $0.merge($1) }
    }
    tally.cpu = CPUTime.now() - (await cpuAtStart.value)
    return tally
  }

  static func randomFields(
    _ index: Int, subjects: [AtendeDomain.Subject], using generator: inout SystemRandomNumberGenerator
  ) -> TicketFields {
    let clients: [Int64] = [1001, 1002, 1003]
    return TicketFields(
      kind: .client, clientID: clients[index % 3], subjectID: subjects.randomElement(using: &generator)?.id,
      title: sentence(4, &generator), departmentID: Int64(1 + index % 2),
      priority: AtendeDomain.Priority.allCases.randomElement(using: &generator), description: sentence(30, &generator))
  }

  static func randomWire(
    _ index: Int, subjects: [AtendeDomain.Subject], using generator: inout SystemRandomNumberGenerator
  ) -> AtendeAPI.Ticket {
    let fields = randomFields(index, subjects: subjects, using: &generator)
    return AtendeAPI.Ticket(
      kind: .client, clientId: fields.clientID ?? 0, subjectId: fields.subjectID ?? 0, title: fields.title,
      departmentId: fields.departmentID ?? 0, priority: .normal, description: fields.description)
  }

  static func sentence(_ count: Int, _ generator: inout SystemRandomNumberGenerator) -> String {
    (0..<count).map { _ in words.randomElement(using: &generator)! }.joined(separator: " ")
  }

  static func fileSize(_ path: String) -> Int64 {
    ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
  }
}

extension Tally {
  func json(name: String, tickets: Int64, seconds: Int, engine: String, servers: Int) -> String {
    let sorted = latenciesNs.sorted()
    func perCall(_ seconds: Double) -> Double {
      sorted.isEmpty ? 0 : (seconds * 1e7 / Double(sorted.count)).rounded() / 10
    }
    func percentileUs(_ p: Double) -> Double {
      guard !sorted.isEmpty else { return 0 }
      let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
      return (Double(sorted[max(rank, 1) - 1]) / 100).rounded() / 10
    }
    return """
      {"benchmark":"tickets","engine":"\(engine)","servers":\(servers),"operation":"\(name)","tickets":\(tickets),"rps":\(Int(Double(sorted.count) / Double(seconds))),\
      "p50_us":\(percentileUs(50)),"p90_us":\(percentileUs(90)),"p99_us":\(percentileUs(99)),"errors":\(errors),\
      "process_cpu_us_per_call":\(perCall(cpu.process)),"postgres_cpu_us_per_call":\(perCall(cpu.postgres))}
      """
  }
}

/// CPU time used so far (user + system), in seconds: this process, and every process named
/// `postgres` (from /proc; 0 where there is none).
struct CPUTime: Sendable {
  var process = 0.0
  var postgres = 0.0

  static func now() -> CPUTime {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    let process =
      Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
      + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    return CPUTime(process: process, postgres: postgresSeconds())
  }

  static func - (lhs: CPUTime, rhs: CPUTime) -> CPUTime {
    CPUTime(process: lhs.process - rhs.process, postgres: lhs.postgres - rhs.postgres)
  }

  /// utime + stime (fields 14 and 15 of /proc/PID/stat, in clock ticks) of the postgres
  /// processes.
  private static func postgresSeconds() -> Double {
    let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
    var total = 0.0
    for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] where Int(entry) != nil {
      guard let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
        let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")"),
        stat[stat.index(after: open)..<close] == "postgres"
      else { continue }
      // The fields after the command name, from field 3 (state) on.
      let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
      guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { continue }
      total += (user + system) / ticks
    }
    return total
  }
}
