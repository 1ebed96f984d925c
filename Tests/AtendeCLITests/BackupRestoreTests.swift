import AtendeAPI
import AtendeStoreTestSupport
import Foundation
import Synchronization
import Testing

@Suite("atende-server backup and restore")
struct BackupRestoreTests {
  /// A write a client saw acknowledged: a ticket, and maybe a file with its content.
  struct Acknowledged: Sendable {
    var at: ContinuousClock.Instant
    var ticketID: Int64
    var protocolNumber: String
    var file: (id: Int64, content: [UInt8])?
  }

  @Test(
    "a backup taken under write load restores every write acknowledged before it began, and every file",
    arguments: Engine.available)
  func underLoad(engine: Engine) async throws {
    try await withTemporaryDirectory { directory in
      try await withDatabase(engine, directory, "source") { source in
        let port = try freeLoopbackPort()
        let server = try startServer(database: source, port: port, directory: directory, demoData: true)
        let client = RPCClient(host: "127.0.0.1", port: port)
        defer { client.close() }
        try await waitUntilServing(client)

        let writes = Writes()
        let backupDirectory = directory + "/backup"
        let (backupStarted, backupResult) = try await withThrowingTaskGroup(of: Void.self) {
          group -> (ContinuousClock.Instant, CLIResult) in
          for writer in 0..<3 {
            group.addTask {
              try await write(as: writer, through: client, into: writes)
            }
          }
          // Some writes first, then the backup while the writers go on.
          while writes.acknowledged.withLock({ $0.count }) < 30 { try await Task.sleep(for: .milliseconds(20)) }
          let started = ContinuousClock.now
          let result = await run(["backup", "--database", source, "--to", backupDirectory], directory: directory)
          // A few more writes after it, then stop.
          let count = writes.acknowledged.withLock { $0.count }
          while writes.acknowledged.withLock({ $0.count }) < count + 10 { try await Task.sleep(for: .milliseconds(20)) }
          writes.stop.store(true, ordering: .relaxed)
          try await group.waitForAll()
          return (started, result)
        }
        _ = await server.terminate()
        #expect(backupResult.status == 0, "\(backupResult.errors)")
        #expect(backupResult.output.contains("backed up"))

        let before = writes.acknowledged.withLock { $0 }.filter { $0.at < backupStarted }
        #expect(before.count >= 30)
        #expect(before.contains { $0.file != nil })

        let verified = await run(["restore", "--from", backupDirectory, "--verify-only"], directory: directory)
        #expect(verified.status == 0, "\(verified.errors)")

        try await withDatabase(engine, directory, "restored") { restored in
          let restore = await run(["restore", "--from", backupDirectory, "--database", restored], directory: directory)
          #expect(restore.status == 0, "\(restore.errors)")
          // Restoring over a database that now exists is refused.
          let again = await run(["restore", "--from", backupDirectory, "--database", restored], directory: directory)
          #expect(again.status != 0)

          let port = try freeLoopbackPort()
          let server = try startServer(database: restored, port: port, directory: directory, demoData: false)
          let client = RPCClient(host: "127.0.0.1", port: port)
          defer { client.close() }
          try await waitUntilServing(client)
          let tickets = TicketService.Client(client)
          let files = TicketFileService.Client(client)
          for write in before {
            let ticket = try await tickets.getTicket(GetTicketRequest(key: .id(write.ticketID)))
            #expect(ticket.protocol == write.protocolNumber)
            if let file = write.file {
              let content = try await download(files, id: file.id)
              #expect(content == file.content, "file \(file.id) of ticket \(write.ticketID)")
            }
          }
          _ = await server.terminate()
        }
      }
    }
  }

  @Test("a damaged or incomplete backup is refused, naming the file")
  func damaged() async throws {
    try await withTemporaryDirectory { directory in
      let source = directory + "/source.sqlite"
      let port = try freeLoopbackPort()
      let server = try startServer(database: source, port: port, directory: directory, demoData: true)
      let client = RPCClient(host: "127.0.0.1", port: port)
      defer { client.close() }
      try await waitUntilServing(client)
      let ticket = try await TicketService.Client(client).createTicket(
        CreateTicketRequest(ticket: backupTicket("anexo")))
      let content = Array(repeating: UInt8(42), count: 10_000)
      _ = try await upload(TicketFileService.Client(client), ticket: ticket.id, name: "a.bin", content: content)
      let backup = directory + "/backup"
      let taken = await run(["backup", "--database", source, "--to", backup], directory: directory)
      #expect(taken.status == 0, "\(taken.errors)")
      _ = await server.terminate()

      // Into a directory that is not empty: refused.
      let occupied = await run(["backup", "--database", source, "--to", backup], directory: directory)
      #expect(occupied.status != 0)
      #expect(occupied.errors.contains("not empty"))

      let contents = try FileManager.default.contentsOfDirectory(atPath: backup + "/files")
      #expect(contents.count == 1)
      let damaged = backup + "/files/" + contents[0]
      try Data(repeating: 7, count: 10_000).write(to: URL(fileURLWithPath: damaged))
      let refused = await run(
        ["restore", "--from", backup, "--database", directory + "/r.sqlite"], directory: directory)
      #expect(refused.status != 0)
      #expect(refused.errors.contains("files/\(contents[0]) differs from the manifest"), "\(refused.errors)")
      #expect(!FileManager.default.fileExists(atPath: directory + "/r.sqlite"))

      try FileManager.default.removeItem(atPath: backup + "/manifest.json")
      let unfinished = await run(["restore", "--from", backup, "--verify-only"], directory: directory)
      #expect(unfinished.status != 0)
      #expect(unfinished.errors.contains("manifest.json is missing"))
    }
  }
}

/// The writes acknowledged so far, and when to stop writing.
private final class Writes: Sendable {
  let acknowledged = Mutex<[BackupRestoreTests.Acknowledged]>([])
  let stop = Atomic(false)
}

/// Writes tickets (and, every other one, a file) until `writes.stop`, recording each
/// write once it is acknowledged.
private func write(as writer: Int, through client: RPCClient, into writes: Writes) async throws {
  let tickets = TicketService.Client(client)
  let files = TicketFileService.Client(client)
  var round = 0
  while !writes.stop.load(ordering: .relaxed) {
    let ticket = try await tickets.createTicket(
      CreateTicketRequest(ticket: backupTicket("escritor \(writer) \(round)")))
    var file: (id: Int64, content: [UInt8])?
    if round % 2 == 0 {
      let content = (0..<(8_000 + writer * 1000 + round)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ writer &+ round) }
      let stored = try await upload(files, ticket: ticket.id, name: "foto-\(round).jpg", content: content)
      file = (stored.id, content)
    }
    let write = BackupRestoreTests.Acknowledged(
      at: .now, ticketID: ticket.id, protocolNumber: ticket.protocol, file: file)
    writes.acknowledged.withLock { $0.append(write) }
    round += 1
  }
}

private func backupTicket(_ title: String) -> Ticket {
  Ticket(kind: .client, clientId: 1001, title: title, departmentId: 1, priority: .high, description: "Cópia")
}

private func upload(
  _ files: TicketFileService.Client, ticket: Int64, name: String, content: [UInt8]
) async throws -> TicketFile {
  try await files.uploadTicketFile { writer in
    try await writer.write(
      .init(part: .header(UploadHeader(ticketId: ticket, name: name, contentType: "image/jpeg", sha256: ""))))
    try await writer.write(.init(part: .chunk(content)))
  }
}

private func download(_ files: TicketFileService.Client, id: Int64) async throws -> [UInt8] {
  try await files.downloadTicketFile(DownloadTicketFileRequest(id: id)) { responses in
    var content: [UInt8] = []
    for try await response in responses {
      if case .chunk(let bytes)? = response.part { content += bytes }
    }
    return content
  }
}

/// A database of `engine` for the test: a SQLite path in `directory`, or a new PostgreSQL
/// database (empty, dropped afterwards).
private func withDatabase<Result: Sendable>(
  _ engine: Engine, _ directory: String, _ name: String, _ body: (String) async throws -> Result
) async throws -> Result {
  switch engine {
  case .sqlite: try await body(directory + "/" + name + ".sqlite")
  case .postgres: try await withPostgresDatabase(body)
  }
}

/// `atende-server serve` on `database` without authentication.
private func startServer(database: String, port: Int, directory: String, demoData: Bool) throws -> RunningCLI {
  try startProcess(
    try builtBinary("atende-server"),
    ["serve", "--port", "\(port)", "--database", database, "--no-auth", "--log-level", "warning"]
      + (demoData ? ["--demo-data"] : []),
    environment: environment(directory))
}

/// Runs `atende-server arguments` to completion.
private func run(_ arguments: [String], directory: String) async -> CLIResult {
  do {
    return try await startProcess(try builtBinary("atende-server"), arguments, environment: environment(directory))
      .result()
  } catch {
    return CLIResult(status: -1, output: "", errors: "\(error)")
  }
}

private func environment(_ directory: String) -> [String: String] {
  var environment = ProcessInfo.processInfo.environment
  environment["XDG_CONFIG_HOME"] = directory + "/config"
  environment["ATENDE_DATABASE"] = nil
  return environment
}

/// Waits (up to 60 s) until the server answers.
private func waitUntilServing(_ client: RPCClient) async throws {
  let deadline = ContinuousClock.now.advanced(by: .seconds(60))
  while (try? await Diagnostics.Client(client).check(HealthCheckRequest(), options: CallOptions(timeout: .seconds(1))))
    == nil
  {
    guard ContinuousClock.now < deadline else { throw CLIHarnessError.timedOut(["the server did not answer"]) }
    try await Task.sleep(for: .milliseconds(100))
  }
}
