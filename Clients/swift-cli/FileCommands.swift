import ArgumentParser
import AtendeAPI
import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

struct FileCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "file",
    abstract: "Attachments of a ticket: upload, download, list, delete.",
    discussion: """
      Files travel in chunks; a progress bar is drawn on stderr when it is a
      terminal. Every transfer is checked end to end with SHA-256. The server
      limits the size (25 MiB by default).

      Examples:
        atende file upload 2026000000001 foto-roteador.jpg fatura.pdf \\
          --description "Evidências"
        atende file list 2026000000001
        atende file download 2026000000001 7 -o evidencia.jpg
      """,
    subcommands: [UploadFiles.self, DownloadFile.self, ListFiles.self, DeleteFile.self])
}

/// A file, for people or for scripts.
func describe(_ file: TicketFile, json: Bool) -> String {
  if json { return canonicalJSON(file) }
  return fileRow(file).joined(separator: "  ")
}

private let fileTableHeader = ["ID", "NAME", "SIZE", "TYPE", "UPLOADED", "BY", "DESCRIPTION"]

private func fileRow(_ file: TicketFile) -> [String] {
  [
    String(file.id), file.name, Render.bytes(file.size), file.contentType, Render.date(file.uploadedAt),
    file.uploadedBy, file.description,
  ]
}

/// The MIME type of a file name, by its extension.
func guessContentType(_ name: String) -> String {
  contentTypes[(name as NSString).pathExtension.lowercased()] ?? "application/octet-stream"
}

/// MIME types by file extension.
private let contentTypes: [String: String] = [
  "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif", "webp": "image/webp",
  "heic": "image/heic", "bmp": "image/bmp", "svg": "image/svg+xml", "tif": "image/tiff", "tiff": "image/tiff",
  "pdf": "application/pdf", "txt": "text/plain", "log": "text/plain", "csv": "text/csv", "html": "text/html",
  "json": "application/json", "xml": "application/xml", "zip": "application/zip", "gz": "application/gzip",
  "doc": "application/msword", "xls": "application/vnd.ms-excel",
  "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "odt": "application/vnd.oasis.opendocument.text", "ods": "application/vnd.oasis.opendocument.spreadsheet",
  "mp3": "audio/mpeg", "ogg": "audio/ogg", "opus": "audio/ogg", "wav": "audio/wav", "m4a": "audio/mp4",
  "mp4": "video/mp4", "mov": "video/quicktime", "webm": "video/webm", "eml": "message/rfc822",
]

/// A progress bar on stderr, drawn only when stderr is a terminal.
struct ProgressBar {
  let label: String
  let total: Int64
  let enabled: Bool
  private(set) var done: Int64 = 0
  private var drawn = -1

  init(label: String, total: Int64, enabled: Bool = Terminal.errorsIsTerminal) {
    self.label = label
    self.total = total
    self.enabled = enabled
  }

  mutating func advance(by count: Int) {
    done += Int64(count)
    guard enabled else { return }
    let permille = total > 0 ? Int(min(1000, done * 1000 / total)) : 1000
    if permille / 5 != drawn / 5 {  // redraw every half percent
      drawn = permille
      draw(permille)
    }
  }

  mutating func finish() {
    guard enabled else { return }
    draw(1000)
    FileHandleOutput.standardErrorRaw("\n")
  }

  private func draw(_ permille: Int) {
    let sizes = "\(Render.bytes(done)) / \(Render.bytes(total))"
    let name = label.count > 24 ? String(label.prefix(23)) + "…" : label
    let width = max(10, min(50, Terminal.errorColumns - name.count - sizes.count - 14))
    let filled = width * permille / 1000
    let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
    let percent = String(permille / 10)
    FileHandleOutput.standardErrorRaw(
      "\r\u{1B}[K\(name) \(Style.paint(bar, .cyan, on: Terminal.colorErrors)) "
        + String(repeating: " ", count: 3 - percent.count) + "\(percent)%  \(sizes)")
  }
}

/// The size of the regular file at `path`, or a clear error.
func localFileSize(_ path: String) throws -> Int64 {
  var isDirectory: ObjCBool = false
  guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
    throw CLIError("\(path): no such file")
  }
  guard !isDirectory.boolValue else { throw CLIError("\(path) is a directory") }
  guard FileManager.default.isReadableFile(atPath: path) else { throw CLIError("\(path): permission denied") }
  let attributes = try FileManager.default.attributesOfItem(atPath: path)
  // The file is read twice (its SHA-256 first, then the upload): a pipe would send nothing.
  guard attributes[.type] as? FileAttributeType == .typeRegular else {
    throw CLIError("\(path) is not a regular file (pipes and devices cannot be uploaded; save it to a file first)")
  }
  return (attributes[.size] as? NSNumber)?.int64Value ?? 0
}

/// Calls `body` with each chunk of the file at `path`.
func readChunks(_ path: String, size: Int = 256 * 1024, _ body: ([UInt8]) async throws -> Void) async throws {
  guard let handle = FileHandle(forReadingAtPath: path) else { throw CLIError("\(path): cannot be opened") }
  defer { try? handle.close() }
  while let data = try handle.read(upToCount: size), !data.isEmpty {
    try await body([UInt8](data))
  }
}

struct UploadFiles: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "upload", abstract: "Attach files to a ticket.",
    discussion: """
      Each file is streamed in chunks of 256 KiB with its SHA-256, which the
      server checks. The content type comes from the extension unless
      --content-type is given.

      Examples:
        atende file upload 2026000000001 foto.jpg
        atende file upload 12 tela1.png tela2.png --description "Telas" --json
      """)

  @OptionGroup var connection: ConnectionOptions
  @Argument(help: "Id or protocol number of the ticket.") var ticket: String
  @Argument(help: "The files to upload.") var paths: [String]

  func validate() throws {
    if paths.isEmpty { throw ValidationError("give at least one file to upload") }
  }
  @Option(help: "A description of the files.") var description: String = ""
  @Option(help: "The MIME type (default: from each file's extension).") var contentType: String?
  @Flag(help: "Print JSON lines, one file each.") var json = false

  func run() async throws {
    try await reportingErrors {
      let sizes = try paths.map(localFileSize)
      let client = try connection.client()
      defer { client.close() }
      let target = try await fetchTicket(ticket, TicketService.Client(client), connection.callOptions)
      let files = TicketFileService.Client(client)
      var uploaded: [TicketFile] = []
      for (path, size) in zip(paths, sizes) {
        var digest = FileDigest()
        try await readChunks(path) { digest.update($0) }
        let sha256 = digest.hexDigest()
        let name = (path as NSString).lastPathComponent
        let header = UploadHeader(
          ticketId: target.id, name: name, contentType: contentType ?? guessContentType(name),
          description: description, sha256: sha256)
        let file: TicketFile
        do {
          file = try await files.uploadTicketFile(options: connection.longCallOptions) { writer in
            try await writer.write(UploadTicketFileRequest(part: .header(header)))
            var progress = ProgressBar(label: name, total: size)
            try await readChunks(path) { chunk in
              try await writer.write(UploadTicketFileRequest(part: .chunk(chunk)))
              progress.advance(by: chunk.count)
            }
            progress.finish()
          }
        } catch {
          // Say what is attached already, so that trying again does not attach it twice.
          if !uploaded.isEmpty && !json {
            FileHandleOutput.standardError(
              "note: already attached to \(target.protocol): "
                + uploaded.map { "\($0.name) (file \($0.id))" }.joined(separator: ", "))
          }
          throw error
        }
        guard file.sha256 == sha256 else {
          throw CLIError("\(path): the server stored SHA-256 \(file.sha256), the file has \(sha256)")
        }
        uploaded.append(file)
        if json { FileHandleOutput.printFlushed(describe(file, json: true)) }
      }
      if !json {
        print("Uploaded \(uploaded.count) file\(uploaded.count == 1 ? "" : "s") to \(target.protocol)")
        print(Render.table(fileTableHeader, uploaded.map(fileRow)))
      }
    }
  }
}

struct DownloadFile: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "download", abstract: "Download a file of a ticket.",
    discussion: """
      Without -o the file is saved under its own name in the current directory; -o
      names the file or a directory to save it in. An existing file is kept unless
      --force. -o - writes it to stdout. The content
      is checked against the SHA-256 the server recorded; a file that does not
      match is not kept.

      Examples:
        atende file download 2026000000001 7
        atende file download 12 7 -o /tmp/evidencia.jpg
        atende file download 12 7 -o - | file -
      """)

  @OptionGroup var connection: ConnectionOptions
  @Argument(help: "Id or protocol number of the ticket.") var ticket: String
  @Argument(help: "The file's id (see 'atende file list').") var file: Int64
  @Option(name: [.short, .long], help: "Where to save it (a path, a directory, or - for stdout).") var output: String?
  @Flag(help: "Replace an existing file.") var force = false
  @Flag(help: "Print the file's description as JSON when done (not with -o -).") var json = false

  func run() async throws {
    try await connection.withClient { client in
      let target = try await fetchTicket(ticket, TicketService.Client(client), connection.callOptions)
      let toStdout = output == "-"
      let fileID = file
      let saved: (TicketFile, String) = try await TicketFileService.Client(client).downloadTicketFile(
        DownloadTicketFileRequest(id: fileID), options: connection.longCallOptions
      ) { responses in
        var iterator = responses.makeAsyncIterator()
        guard case .file(let description)? = try await iterator.next()?.part else {
          throw CLIError("the server sent no description of file \(fileID)")
        }
        guard description.ticketId == target.id else {
          throw CLIError.notFound("file \(fileID) is not a file of ticket \(target.protocol)")
        }
        let destination = toStdout ? "-" : try destinationPath(for: description)
        let sink = try DownloadSink(destination)
        var digest = FileDigest()
        var progress = ProgressBar(label: description.name, total: description.size)
        do {
          while let message = try await iterator.next() {
            guard case .chunk(let bytes)? = message.part else { continue }
            digest.update(bytes)
            try sink.write(bytes)
            progress.advance(by: bytes.count)
          }
          progress.finish()
          let sha256 = digest.hexDigest()
          guard sha256 == description.sha256 else {
            throw CLIError("the download of \(description.name) has SHA-256 \(sha256), not \(description.sha256)")
          }
          guard progress.done == description.size else {
            throw CLIError("the download of \(description.name) has \(progress.done) bytes, not \(description.size)")
          }
          try sink.commit()
        } catch {
          sink.discard()
          throw error
        }
        return (description, destination)
      }
      if toStdout { return }
      if json {
        print(describe(saved.0, json: true))
      } else {
        print("Saved \(saved.0.name) (\(Render.bytes(saved.0.size))) to \(saved.1)")
      }
    }
  }

  /// Where the file goes: -o, -o <directory>/<name>, or ./<name>.
  private func destinationPath(for file: TicketFile) throws -> String {
    // The server's name for the file, reduced to a plain name: never a path elsewhere.
    let name = (file.name as NSString).lastPathComponent
    guard !name.isEmpty, name != ".", name != ".." else {
      throw CLIError("the server sent an unusable file name '\(file.name)': use -o to name the file")
    }
    var isDirectory: ObjCBool = false
    if let output {
      if FileManager.default.fileExists(atPath: output, isDirectory: &isDirectory), isDirectory.boolValue {
        return try checkedNew((output as NSString).appendingPathComponent(name))
      }
      return try checkedNew(output)
    }
    return try checkedNew(name)
  }

  private func checkedNew(_ path: String) throws -> String {
    if FileManager.default.fileExists(atPath: path) && !force {
      throw CLIError("\(path) already exists: use --force to replace it, or -o", exitCode: ExitCodes.conflict)
    }
    return path
  }
}

/// Where a download is written: stdout, or a temporary file renamed into place once the
/// content has been checked.
final class DownloadSink {
  private let path: String
  private let temporary: String?
  private let handle: FileHandle

  init(_ path: String) throws {
    self.path = path
    if path == "-" {
      temporary = nil
      handle = FileHandle.standardOutput
      return
    }
    let directory = (path as NSString).deletingLastPathComponent
    let name = ".\((path as NSString).lastPathComponent).part-\(getpid())"
    let temporary = directory.isEmpty ? name : (directory as NSString).appendingPathComponent(name)
    guard FileManager.default.createFile(atPath: temporary, contents: nil),
      let handle = FileHandle(forWritingAtPath: temporary)
    else {
      throw CLIError("\(path): cannot be written")
    }
    self.temporary = temporary
    self.handle = handle
    InterruptCleanup.shared.add(temporary)
  }

  func write(_ bytes: [UInt8]) throws {
    try handle.write(contentsOf: bytes)
  }

  func commit() throws {
    guard let temporary else { return }
    InterruptCleanup.shared.remove(temporary)
    try handle.close()
    guard rename(temporary, path) == 0 else {
      discard()
      throw CLIError("\(path): cannot be written (\(String(cString: strerror(errno))))")
    }
  }

  func discard() {
    guard let temporary else { return }
    InterruptCleanup.shared.remove(temporary)
    try? handle.close()
    try? FileManager.default.removeItem(atPath: temporary)
  }
}

/// Removes unfinished downloads when the user interrupts the program (Ctrl-C, SIGTERM),
/// then exits as an interrupted program does (128 + the signal).
final class InterruptCleanup: Sendable {
  static let shared = InterruptCleanup()
  private let paths = Mutex<Set<String>>([])
  private let sources = Mutex<[any DispatchSourceSignal]>([])

  func add(_ path: String) {
    let first = paths.withLock { paths in
      defer { paths.insert(path) }
      return paths.isEmpty
    }
    if first { installHandlers() }
  }

  func remove(_ path: String) {
    _ = paths.withLock { $0.remove(path) }
  }

  private func installHandlers() {
    sources.withLock { sources in
      guard sources.isEmpty else { return }
      for signalNumber in [SIGINT, SIGTERM] {
        signal(signalNumber, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
        source.setEventHandler { [self] in
          for path in paths.withLock({ $0 }) { unlink(path) }
          exit(128 + signalNumber)
        }
        source.resume()
        sources.append(source)
      }
    }
  }
}

struct ListFiles: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list", abstract: "List the files of a ticket, oldest first.",
    discussion: "Examples:\n  atende file list 2026000000001\n  atende file list 12 --json")

  @OptionGroup var connection: ConnectionOptions
  @Argument(help: "Id or protocol number of the ticket.") var ticket: String
  @Flag(help: "Print JSON lines, one file each.") var json = false

  func run() async throws {
    try await connection.withClient { client in
      let target = try await fetchTicket(ticket, TicketService.Client(client), connection.callOptions)
      let files = try await TicketFileService.Client(client).listTicketFiles(
        ListTicketFilesRequest(ticketId: target.id), options: connection.callOptions
      ).files
      if json {
        for file in files { print(describe(file, json: true)) }
      } else if files.isEmpty {
        print("No files on \(target.protocol).")
      } else {
        print(Render.table(fileTableHeader, files.map(fileRow)))
      }
    }
  }
}

struct DeleteFile: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "delete", abstract: "Remove a file from a ticket (recorded in its history).",
    discussion: "Example:\n  atende file delete 2026000000001 7 --reason \"Foto do cliente errado\"")

  @OptionGroup var connection: ConnectionOptions
  @Argument(help: "Id or protocol number of the ticket.") var ticket: String
  @Argument(help: "The file's id.") var file: Int64
  @Option(help: "Why (recorded in the history).") var reason: String = ""
  @Option(help: "The ticket version the removal is based on (exit 5 when the ticket changed since).")
  var expectedVersion: Int64?
  @Flag(help: "Print JSON.") var json = false

  func run() async throws {
    try await connection.withClient { client in
      let target = try await fetchTicket(ticket, TicketService.Client(client), connection.callOptions)
      let service = TicketFileService.Client(client)
      let files = try await service.listTicketFiles(
        ListTicketFilesRequest(ticketId: target.id), options: connection.callOptions
      ).files
      guard let found = files.first(where: { $0.id == file }) else {
        throw CLIError.notFound("file \(file) is not a file of ticket \(target.protocol)")
      }
      _ = try await service.deleteTicketFile(
        DeleteTicketFileRequest(id: file, reason: reason, expectedVersion: expectedVersion ?? 0),
        options: connection.callOptions)
      print(
        json
          ? Render.json([("deleted", String(file)), ("ticketId", String(target.id)), ("name", found.name)])
          : "Deleted \(found.name) (file \(file)) from \(target.protocol)")
    }
  }
}
