import AtendeAPI
import AtendeServer
import AtendeStore
import AtendeStorePostgres
import AtendeStoreTestSupport
import Crypto
import Foundation
import Logging
import Testing

@Suite("Files end to end: streamed uploads and downloads")
struct FilesEndToEndTests {
  /// A server with the demo data on `engine`, attachment contents where that engine keeps
  /// them (a directory next to SQLite, the database with PostgreSQL), files up to
  /// `maxFileSize`.
  func withFileServer<Result: Sendable>(
    _ engine: Engine, maxFileSize: Int64 = 8 << 20,
    _ body: (TicketService.Client, TicketFileService.Client, any FileContentStore) async throws -> Result
  ) async throws -> Result {
    try await withStore(engine) { store in
      try await DemoData.load(into: store)
      let directory = try temporaryFileStorage()
      defer { try? FileManager.default.removeItem(atPath: directory.directory) }
      let storage: any FileContentStore = (store as? PostgresStore)?.fileContents ?? directory
      let auth = try await TestAuth(store)
      let server = try AtendeServer.makeServer(
        configuration: inProcessOnly, store: store, files: storage,
        maxFileSize: maxFileSize, auth: auth.configuration,
        logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
      return try await withRPCServer(server) { server in
        let client = RPCClient(inProcess: server, configuration: auth.adminClient)
        defer { client.close() }
        return try await body(TicketService.Client(client), TicketFileService.Client(client), storage)
      }
    }
  }

  static func bytes(_ count: Int, seed: UInt8 = 7) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed)) }
  }

  static func hex(_ bytes: [UInt8]) -> String {
    SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
  }

  static func upload(
    _ files: TicketFileService.Client, ticket: Int64, name: String, content: [UInt8], chunk: Int = 64 * 1024,
    sha256: String = "", expectedVersion: Int64 = 0
  ) async throws -> TicketFile {
    try await files.uploadTicketFile { writer in
      try await writer.write(
        .init(
          part: .header(
            UploadHeader(
              ticketId: ticket, name: name, contentType: "image/jpeg", sha256: sha256,
              expectedVersion: expectedVersion))))
      var offset = 0
      while offset < content.count {
        let end = min(offset + chunk, content.count)
        try await writer.write(.init(part: .chunk(Array(content[offset..<end]))))
        offset = end
      }
    }
  }

  static func download(_ files: TicketFileService.Client, id: Int64) async throws -> (TicketFile?, [UInt8]) {
    try await files.downloadTicketFile(DownloadTicketFileRequest(id: id)) { responses in
      var file: TicketFile?
      var content: [UInt8] = []
      for try await response in responses {
        switch response.part {
        case .file(let value)?: file = value
        case .chunk(let bytes)?: content += bytes
        case nil: break
        }
      }
      return (file, content)
    }
  }

  @Test("a multi-megabyte file uploads in chunks and downloads with the same SHA-256", arguments: Engine.available)
  func roundTrip(engine: Engine) async throws {
    try await withFileServer(engine) { tickets, files, storage in
      let created = try await tickets.createTicket(CreateTicketRequest(ticket: ticket()))
      let content = Self.bytes(5 * 1024 * 1024 + 123)
      let stored = try await Self.upload(
        files, ticket: created.id, name: "poste.jpg", content: content, sha256: Self.hex(content))
      #expect(stored.size == Int64(content.count))
      #expect(stored.sha256 == Self.hex(content))
      let (file, downloaded) = try await Self.download(files, id: stored.id)
      #expect(file == stored)
      #expect(downloaded.count == content.count)
      #expect(Self.hex(downloaded) == stored.sha256)
      #expect(try await storage.uploadsInProgress() == 0)
    }
  }

  @Test(
    "an upload over the limit is refused as soon as it passes it, and nothing is stored", arguments: Engine.available)
  func overLimit(engine: Engine) async throws {
    try await withFileServer(engine, maxFileSize: 1 << 20) { tickets, files, storage in
      let created = try await tickets.createTicket(CreateTicketRequest(ticket: ticket()))
      let content = Self.bytes(3 << 20)
      let error = await #expect(throws: RPCError.self) {
        _ = try await Self.upload(files, ticket: created.id, name: "big.jpg", content: content)
      }
      #expect(error?.code == .resourceExhausted)
      #expect(error?.reason == "FILE_TOO_LARGE")
      #expect(try await files.listTicketFiles(ListTicketFilesRequest(ticketId: created.id)).files.isEmpty)
      #expect(try await storage.uploadsInProgress() == 0)
      #expect(try await !storage.contains(sha256: Self.hex(content)))
      let history = try await tickets.listTicketHistory(ListHistoryRequest(id: created.id)).entries.map(\.kind)
      #expect(history == ["CREATED"])
    }
  }

  @Test(
    "a client that keeps sending past the limit is stopped: the call ends with the server's error",
    arguments: Engine.available)
  func endlessUpload(engine: Engine) async throws {
    try await withFileServer(engine, maxFileSize: 1 << 20) { tickets, files, storage in
      let created = try await tickets.createTicket(CreateTicketRequest(ticket: ticket()))
      let error = await #expect(throws: RPCError.self) {
        _ = try await files.uploadTicketFile { writer in
          try await writer.write(.init(part: .header(UploadHeader(ticketId: created.id, name: "endless.bin"))))
          while true { try await writer.write(.init(part: .chunk(Self.bytes(64 * 1024)))) }
        }
      }
      #expect(error?.code == .resourceExhausted)
      #expect(error?.reason == "FILE_TOO_LARGE")
      #expect(try await storage.uploadsInProgress() == 0)
    }
  }

  @Test("an interrupted upload leaves no trace", arguments: Engine.available)
  func interrupted(engine: Engine) async throws {
    try await withFileServer(engine) { tickets, files, storage in
      let created = try await tickets.createTicket(CreateTicketRequest(ticket: ticket()))
      let upload = Task {
        try await files.uploadTicketFile { writer in
          try await writer.write(.init(part: .header(UploadHeader(ticketId: created.id, name: "half.bin"))))
          for _ in 0..<1000 {
            try await writer.write(.init(part: .chunk(Self.bytes(64 * 1024))))
            try await Task.sleep(for: .milliseconds(5))
          }
        }
      }
      try await Task.sleep(for: .milliseconds(200))
      upload.cancel()
      _ = await upload.result
      // The server notices the cancellation and removes its temporary file.
      for _ in 0..<200 where try await storage.uploadsInProgress() > 0 { try await Task.sleep(for: .milliseconds(10)) }
      #expect(try await storage.uploadsInProgress() == 0)
      #expect(try await files.listTicketFiles(ListTicketFilesRequest(ticketId: created.id)).files.isEmpty)
    }
  }

  @Test("a wrong SHA-256, a missing header, a bad name and a canceled ticket are refused", arguments: Engine.available)
  func refusals(engine: Engine) async throws {
    try await withFileServer(engine) { tickets, files, storage in
      let created = try await tickets.createTicket(CreateTicketRequest(ticket: ticket()))
      let mismatch = await #expect(throws: RPCError.self) {
        _ = try await Self.upload(
          files, ticket: created.id, name: "a.jpg", content: Self.bytes(1000), sha256: String(repeating: "0", count: 64)
        )
      }
      #expect(mismatch?.fieldViolations.first?.field == "header.sha256")
      let noHeader = await #expect(throws: RPCError.self) {
        _ = try await files.uploadTicketFile { writer in try await writer.write(.init(part: .chunk([1, 2, 3]))) }
      }
      #expect(noHeader?.code == .invalidArgument)
      let badName = await #expect(throws: RPCError.self) {
        _ = try await Self.upload(files, ticket: created.id, name: "../etc/passwd", content: [1])
      }
      #expect(badName?.fieldViolations.first?.field == "header.name")
      let current = try await tickets.getTicket(GetTicketRequest(key: .id(created.id)))
      _ = try await tickets.cancelTicket(
        CancelTicketRequest(id: created.id, expectedVersion: current.version, reason: "x"))
      let canceled = await #expect(throws: RPCError.self) {
        _ = try await Self.upload(files, ticket: created.id, name: "late.jpg", content: Self.bytes(10))
      }
      #expect(canceled?.code == .failedPrecondition)
      #expect(try await storage.uploadsInProgress() == 0)
    }
  }

  @Test(
    "an upload or a removal based on an older ticket version is ABORTED and leaves the files as they were",
    arguments: Engine.available)
  func versions(engine: Engine) async throws {
    try await withFileServer(engine) { tickets, files, storage in
      let created = try await tickets.createTicket(CreateTicketRequest(ticket: ticket()))
      let content = Self.bytes(5_000, seed: 3)
      let first = try await Self.upload(
        files, ticket: created.id, name: "foto1.jpg", content: content, expectedVersion: created.version)
      let now = try await tickets.getTicket(GetTicketRequest(key: .id(created.id)))
      #expect(now.version == created.version + 1)
      let staleUpload = await #expect(throws: RPCError.self) {
        _ = try await Self.upload(
          files, ticket: created.id, name: "foto2.jpg", content: Self.bytes(5_000, seed: 9),
          expectedVersion: created.version)
      }
      #expect(staleUpload?.code == .aborted)
      #expect(staleUpload?.reason == "STALE_VERSION")
      #expect(try await !storage.contains(sha256: Self.hex(Self.bytes(5_000, seed: 9))))
      let staleRemoval = await #expect(throws: RPCError.self) {
        _ = try await files.deleteTicketFile(DeleteTicketFileRequest(id: first.id, expectedVersion: created.version))
      }
      #expect(staleRemoval?.code == .aborted)
      #expect(
        try await files.listTicketFiles(ListTicketFilesRequest(ticketId: created.id)).files.map(\.name) == ["foto1.jpg"]
      )
      _ = try await files.deleteTicketFile(DeleteTicketFileRequest(id: first.id, expectedVersion: now.version))
      #expect(try await files.listTicketFiles(ListTicketFilesRequest(ticketId: created.id)).files.isEmpty)
      let history = try await tickets.listTicketHistory(ListHistoryRequest(id: created.id)).entries
      #expect(history.map(\.kind) == ["CREATED", "FILE_ADDED", "FILE_REMOVED"])
    }
  }

  @Test(
    "list and delete with history; identical content is stored once and removed with its last record",
    arguments: Engine.available)
  func listAndDelete(engine: Engine) async throws {
    try await withFileServer(engine) { tickets, files, storage in
      let created = try await tickets.createTicket(CreateTicketRequest(ticket: ticket()))
      let content = Self.bytes(10_000)
      let first = try await Self.upload(files, ticket: created.id, name: "foto1.jpg", content: content)
      let second = try await Self.upload(files, ticket: created.id, name: "foto2.jpg", content: content)
      #expect(
        try await files.listTicketFiles(ListTicketFilesRequest(ticketId: created.id)).files.map(\.name) == [
          "foto1.jpg", "foto2.jpg",
        ])
      _ = try await files.deleteTicketFile(DeleteTicketFileRequest(id: first.id, reason: "duplicada"))
      #expect(try await storage.contains(sha256: second.sha256))  // still used by the second record
      _ = try await files.deleteTicketFile(DeleteTicketFileRequest(id: second.id))
      #expect(try await !storage.contains(sha256: second.sha256))
      let history = try await tickets.listTicketHistory(ListHistoryRequest(id: created.id)).entries
      #expect(history.map(\.kind) == ["CREATED", "FILE_ADDED", "FILE_ADDED", "FILE_REMOVED", "FILE_REMOVED"])
      #expect(history[3].note == "foto1.jpg — duplicada")
      let gone = await #expect(throws: RPCError.self) { _ = try await Self.download(files, id: first.id) }
      #expect(gone?.code == .notFound)
    }
  }

  @Test(
    "the complaint flow with evidence files: client, SAC, priority, subject, description, files, save",
    arguments: Engine.available)
  func complaintWithEvidence(engine: Engine) async throws {
    try await withFileServer(engine) { tickets, files, _ in
      let complaint = try await tickets.createTicket(
        CreateTicketRequest(
          ticket: Ticket(
            kind: .client, clientId: Demo.bomPreco, subjectId: 4, title: "Cobrança em dobro", departmentId: Demo.sac,
            priority: .normal, description: "Fatura de novembro cobrada duas vezes", complementaryStatusId: 1,
            channelId: Demo.phone)), options: asAttendant)
      let invoice = try await Self.upload(
        files, ticket: complaint.id, name: "fatura.pdf", content: Self.bytes(300_000, seed: 1))
      let receipt = try await Self.upload(
        files, ticket: complaint.id, name: "comprovante.jpg", content: Self.bytes(120_000, seed: 2))
      let listed = try await files.listTicketFiles(ListTicketFilesRequest(ticketId: complaint.id)).files
      #expect(listed.map(\.id) == [invoice.id, receipt.id])
      let saved = try await tickets.getTicket(GetTicketRequest(key: .protocol(complaint.protocol)))
      #expect(saved.departmentId == Demo.sac)
      #expect(saved.version == complaint.version + 2)
    }
  }
}
