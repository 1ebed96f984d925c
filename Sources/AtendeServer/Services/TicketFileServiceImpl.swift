public import AtendeAPI
internal import AtendeDomain
public import AtendeStore

/// The Files tab: streamed uploads and downloads of contents in a ``FileContentStore`` (a
/// directory, or the PostgreSQL database), descriptions in the store.
public struct TicketFileServiceImpl: TicketFileService.ServiceProtocol {
  /// The default largest attachment: 25 MiB.
  public static let defaultMaxFileSize: Int64 = 25 << 20
  /// Uploads and downloads read and write files synchronously, so they run on the
  /// global executor and never hold up an event loop.
  public var handlerPlacement: ServerConfiguration.HandlerPlacement? { .globalExecutor }

  /// The largest chunk a client may send.
  public static let maxChunkSize = 256 * 1024

  let store: any AtendeStore

  /// The store as the caller may see it (restricted to its departments, if it is).
  private func store(for context: ServerContext) -> any AtendeStore { context.visibleStore(store) }
  let storage: any FileContentStore
  let maxFileSize: Int64

  /// The service over `store` (which records the events of every change) and `storage`.
  public init(store: any AtendeStore, storage: any FileContentStore, maxFileSize: Int64 = defaultMaxFileSize) {
    self.store = store
    self.storage = storage
    self.maxFileSize = maxFileSize
  }

  public func uploadTicketFile(_ requests: RPCAsyncSequence<UploadTicketFileRequest>, context: ServerContext)
    async throws -> AtendeAPI.TicketFile
  {
    try await referringToTicket(as: "header.ticket_id") {
      var iterator = requests.makeAsyncIterator()
      guard case .header(let header)? = try await iterator.next()?.part else {
        throw invalidArgument("header", "REQUIRED", "the first message of an upload is its header")
      }
      let draft = try TabRules.validate(
        AtendeDomain.TicketFile(
          ticketID: header.ticketId, name: header.name, contentType: header.contentType, description: header.description
        ))
      try await context.checkVisible(ticketID: header.ticketId, in: store)
      // Fail before reading any content.
      let ticket = try await store(for: context).editableTicket(id: header.ticketId)
      let expectedVersion = try optionalVersion(header.expectedVersion, field: "header.expected_version")
      if let expectedVersion {
        try Versioning.check(expectedVersion, current: ticket.version, what: "ticket \(ticket.protocolNumber)")
      }

      let upload = try await storage.beginUpload()
      let sha256: String
      do {
        while let message = try await iterator.next() {
          guard case .chunk(let bytes)? = message.part else {
            throw invalidArgument("header", "DUPLICATE", "an upload has one header, then chunks")
          }
          guard bytes.count <= Self.maxChunkSize else {
            throw invalidArgument("chunk", "TOO_LARGE", "chunks are at most \(Self.maxChunkSize) bytes")
          }
          guard upload.size + Int64(bytes.count) <= maxFileSize else {
            throw RPCError(
              code: .resourceExhausted, message: "the file exceeds the limit of \(maxFileSize) bytes",
              fieldViolations: [
                .init(field: "chunk", reason: "FILE_TOO_LARGE", description: "at most \(maxFileSize) bytes")
              ],
              reason: "FILE_TOO_LARGE")
          }
          try await upload.append(bytes)
        }
        try Task.checkCancellation()
        guard let digest = try await upload.commit(expectedSHA256: header.sha256) else {
          throw invalidArgument("header.sha256", "MISMATCH", "the content does not have the announced SHA-256")
        }
        sha256 = digest
      } catch {
        await upload.discard()
        throw error
      }
      var file = draft
      file.size = upload.size
      file.sha256 = sha256
      do {
        let (stored, _) = try await store(for: context).addTicketFile(
          file, expectedVersion: expectedVersion, actor: context.actor)
        await upload.release()
        return AtendeAPI.TicketFile(stored)
      } catch {
        // The record was not saved: drop the content unless another record uses it.
        await upload.release()
        await storage.removeIfUnused(
          sha256: sha256, used: (try? await store(for: context).isFileContentUsed(sha256: sha256)) ?? true)
        throw error
      }
    }
  }

  public func downloadTicketFile(
    _ request: DownloadTicketFileRequest, responses: RPCWriter<DownloadTicketFileResponse>, context: ServerContext
  ) async throws {
    let file = try await store(for: context).ticketFile(id: request.id)
    try await context.checkVisible(ticketID: file.ticketID, in: store, hidden: "file \(request.id)")
    try await responses.write(DownloadTicketFileResponse(part: .file(AtendeAPI.TicketFile(file))))
    do {
      try await storage.read(sha256: file.sha256) { chunk in
        try await responses.write(DownloadTicketFileResponse(part: .chunk(chunk)))
      }
    } catch let error as FileContentMissing {
      // The record was deleted (and its content with it) while the download ran.
      throw RPCError(code: .notFound, message: "file \(request.id) was removed: \(error)")
    }
  }

  private func visibleFiles(ticketID: Int64, _ context: ServerContext) async throws -> [AtendeDomain.TicketFile] {
    try await context.checkVisible(ticketID: ticketID, in: store)
    return try await store(for: context).listTicketFiles(ticketID: ticketID)
  }

  public func listTicketFiles(_ request: ListTicketFilesRequest, context: ServerContext) async throws
    -> ListTicketFilesResponse
  {
    ListTicketFilesResponse(
      files: try await visibleFiles(ticketID: request.ticketId, context).map(AtendeAPI.TicketFile.init))
  }

  public func deleteTicketFile(_ request: DeleteTicketFileRequest, context: ServerContext) async throws
    -> DeleteTicketFileResponse
  {
    try await referringToTicket(as: "id") {
      if !context.ticketScope.isEverything {
        let file = try await store(for: context).ticketFile(id: request.id)
        try await context.checkVisible(ticketID: file.ticketID, in: store, hidden: "file \(request.id)")
      }
      let (file, _, stillUsed) = try await store(for: context).removeTicketFile(
        id: request.id, reason: request.reason, expectedVersion: try optionalVersion(request.expectedVersion),
        actor: context.actor)
      await storage.removeIfUnused(sha256: file.sha256, used: stillUsed)
      return DeleteTicketFileResponse()
    }
  }
}

extension AtendeAPI.TicketFile {
  init(_ file: AtendeDomain.TicketFile) {
    self.init(
      id: file.id, ticketId: file.ticketID, name: file.name, contentType: file.contentType, size: file.size,
      sha256: file.sha256, description: file.description, uploadedBy: file.uploadedBy,
      uploadedAt: Google_Protobuf_Timestamp(date: file.uploadedAt))
  }
}
