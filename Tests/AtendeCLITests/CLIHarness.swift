import AtendeTesting
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What one run of the `atende` binary printed and how it exited.
struct CLIResult {
  var status: Int32
  var output: String
  var errors: String

  /// The non-empty lines of stdout.
  var lines: [String] { output.split(separator: "\n").map(String.init) }

  /// Each line of stdout as a JSON object.
  func jsonLines() throws -> [[String: Any]] { try lines.map(jsonObject) }
}

/// The `atende` executable built next to this test bundle.
func cliBinary() throws -> URL { try builtBinary("atende") }

/// The executable `name` built next to this test bundle.
func builtBinary(_ name: String) throws -> URL {
  var directory = Bundle.main.bundleURL
  for _ in 0..<4 {
    let candidate = directory.appendingPathComponent(name)
    if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    directory = directory.deletingLastPathComponent()
  }
  throw CLIHarnessError.binaryNotFound(Bundle.main.bundleURL.path)
}

enum CLIHarnessError: Error {
  case binaryNotFound(String)
  case notJSON(String)
  case timedOut([String])
  case terminal(String)
}

/// Runs `body` on a thread of its own, so that blocking reads and waits never hold a
/// thread of the concurrency pool the in-process server needs.
func onThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
  await withCheckedContinuation { continuation in
    Thread { continuation.resume(returning: body()) }.start()
  }
}

/// A process, shared with the thread that waits for it.
private final class ProcessBox: @unchecked Sendable {
  let process = Process()
  /// What the process has written to stderr so far.
  let errors = Mutex(Data())
}

/// A started `atende` process.
struct RunningCLI: Sendable {
  fileprivate let box: ProcessBox
  fileprivate let outcome: Task<CLIResult, Never>

  var isRunning: Bool { box.process.isRunning }

  /// What the process has written to stderr so far, while it runs.
  var errorsSoFar: String { box.errors.withLock { String(decoding: $0, as: UTF8.self) } }

  /// Waits for the process to exit.
  func result() async -> CLIResult { await outcome.value }

  /// Stops the process (SIGINT, like Ctrl-C) and waits for it.
  func interrupt() async -> CLIResult {
    if box.process.isRunning { box.process.interrupt() }
    return await outcome.value
  }

  /// Asks the process to stop (SIGTERM, as a service manager does) and waits for it.
  func terminate() async -> CLIResult {
    if box.process.isRunning { box.process.terminate() }
    return await outcome.value
  }

  /// Kills the process (SIGKILL) without waiting.
  func kill() {
    if box.process.isRunning { sendSignal(SIGKILL, to: box.process.processIdentifier) }
  }
}

private func sendSignal(_ signal: Int32, to process: Int32) {
  _ = kill(process, signal)
}

/// The environment of a run: the test server, its admin token acting for a fixed
/// actor, no colours.
private func cliEnvironment(_ server: AtendeTestServer, _ extra: [String: String]) -> [String: String] {
  var environment = ProcessInfo.processInfo.environment
  guard let address = server.address else {
    preconditionFailure("the CLI runs in another process: use withAtendeTestServer(transport: .tcp)")
  }
  environment["ATENDE_SERVER"] = address
  environment["ATENDE_ACTOR"] = "cli-test"
  environment["ATENDE_TOKEN"] = server.adminToken
  // Never the developer's own local token file.
  environment["XDG_CONFIG_HOME"] = NSTemporaryDirectory() + "atende-cli-test-no-config"
  environment["NO_COLOR"] = "1"
  for (key, value) in extra {
    if value.isEmpty { environment.removeValue(forKey: key) } else { environment[key] = value }
  }
  return environment
}

/// Starts `atende <arguments>` against `server`, with stdin not a terminal. `environment`
/// adds to (or, with "", removes from) the usual environment.
func startAtende(
  _ arguments: [String], server: AtendeTestServer, input: String = "", environment: [String: String] = [:]
) throws -> RunningCLI {
  try startProcess(try cliBinary(), arguments, environment: cliEnvironment(server, environment), input: input)
}

/// Starts `executable` with `arguments` and exactly `environment`, writes `input` to its
/// stdin (not a terminal) and collects its output until it exits.
func startProcess(
  _ executable: URL, _ arguments: [String], environment: [String: String], input: String = ""
) throws -> RunningCLI {
  let box = ProcessBox()
  let process = box.process
  process.executableURL = executable
  process.arguments = arguments
  process.environment = environment
  let stdout = Pipe()
  let stderr = Pipe()
  let stdin = Pipe()
  process.standardOutput = stdout
  process.standardError = stderr
  process.standardInput = stdin
  try process.run()
  let outcome = Task {
    await onThread {
      // A program that exits without reading its input closes the pipe: the test then
      // fails on what the program printed, not by a crash of the whole test process.
      try? stdin.fileHandleForWriting.write(contentsOf: Data(input.utf8))
      try? stdin.fileHandleForWriting.close()
      let errorsDone = DispatchSemaphore(value: 0)
      Thread {
        let handle = stderr.fileHandleForReading
        while case let data = handle.availableData, !data.isEmpty {
          box.errors.withLock { $0.append(data) }
        }
        errorsDone.signal()
      }.start()
      let output = stdout.fileHandleForReading.readDataToEndOfFile()
      errorsDone.wait()
      process.waitUntilExit()
      return CLIResult(
        status: process.terminationStatus, output: String(decoding: output, as: UTF8.self),
        errors: box.errors.withLock { String(decoding: $0, as: UTF8.self) })
    }
  }
  return RunningCLI(box: box, outcome: outcome)
}

/// Runs `atende <arguments>` against `server`, with stdin not a terminal, and waits for it.
func atende(
  _ arguments: [String], server: AtendeTestServer, input: String = "", environment: [String: String] = [:]
) async throws -> CLIResult {
  try await startAtende(arguments, server: server, input: input, environment: environment).result()
}

/// Runs `atende <arguments>` with stdin and stdout on a pseudo-terminal (as when a person
/// types the answers), writing `answers` one line each and then end-of-input (Ctrl-D), so
/// that a question nobody answers ends the run instead of waiting; stderr is a pipe.
/// `environment` adds to (or, with "", removes from) the usual environment. A run that
/// takes longer than `timeout` is killed.
func atendeInTerminal(
  _ arguments: [String], server: AtendeTestServer, answers: [String], environment: [String: String] = [:],
  timeout: Duration = .seconds(20)
) async throws -> CLIResult {
  let (master, slave) = try openPseudoTerminal()
  var size = winsize(ws_row: 40, ws_col: 100, ws_xpixel: 0, ws_ypixel: 0)
  _ = ioctl(slave, UInt(TIOCSWINSZ), &size)

  let box = ProcessBox()
  let process = box.process
  process.executableURL = try cliBinary()
  process.arguments = arguments
  var finalEnvironment = cliEnvironment(server, environment)
  if environment["TERM"] == nil { finalEnvironment["TERM"] = "xterm" }
  process.environment = finalEnvironment
  let terminal = FileHandle(fileDescriptor: slave, closeOnDealloc: false)
  let stderr = Pipe()
  process.standardInput = terminal
  process.standardOutput = terminal
  process.standardError = stderr
  try process.run()
  close(slave)

  let watchdog = Task {
    try? await Task.sleep(for: timeout)
    if box.process.isRunning { box.process.terminate() }
  }
  defer { watchdog.cancel() }
  let typed = answers.map { $0 + "\n" }.joined() + "\u{04}"
  typed.utf8CString.withUnsafeBufferPointer { buffer in
    _ = write(master, buffer.baseAddress, buffer.count - 1)
  }
  let result = await onThread {
    nonisolated(unsafe) var errors = Data()
    let errorsDone = DispatchSemaphore(value: 0)
    Thread {
      errors = stderr.fileHandleForReading.readDataToEndOfFile()
      errorsDone.signal()
    }.start()
    var output = [UInt8]()
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
      let count = read(master, &buffer, buffer.count)
      if count <= 0 { break }  // EIO once the process has exited and the terminal is closed
      output += buffer[0..<count]
    }
    errorsDone.wait()
    process.waitUntilExit()
    close(master)
    return CLIResult(
      status: process.terminationStatus,
      output: String(decoding: output, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n"),
      errors: String(decoding: errors, as: UTF8.self))
  }
  return result
}

/// A new pseudo-terminal: its master and slave descriptors (close-on-exec).
private func openPseudoTerminal() throws -> (master: Int32, slave: Int32) {
  #if os(Linux)
    let master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
    guard master >= 0 else { throw CLIHarnessError.terminal("/dev/ptmx: \(String(cString: strerror(errno)))") }
    // <asm-generic/ioctls.h>: TIOCSPTLCK = _IOW('T', 0x31, int), TIOCGPTN = _IOR('T', 0x30, unsigned int).
    var unlock: Int32 = 0
    var number: UInt32 = 0
    guard ioctl(master, 0x4004_5431, &unlock) == 0, ioctl(master, 0x8004_5430, &number) == 0 else {
      close(master)
      throw CLIHarnessError.terminal("cannot unlock the pseudo-terminal")
    }
    let path = "/dev/pts/\(number)"
  #else
    let master = posix_openpt(O_RDWR | O_NOCTTY)
    guard master >= 0, grantpt(master) == 0, unlockpt(master) == 0, let name = ptsname(master) else {
      throw CLIHarnessError.terminal("no pseudo-terminal")
    }
    let path = String(cString: name)
  #endif
  let slave = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC)
  guard slave >= 0 else {
    close(master)
    throw CLIHarnessError.terminal("cannot open \(path)")
  }
  return (master, slave)
}

/// The JSON object printed on one line.
func jsonObject(_ text: String) throws -> [String: Any] {
  let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
  guard let dictionary = object as? [String: Any] else { throw CLIHarnessError.notJSON(text) }
  return dictionary
}

/// A fresh temporary directory, removed after `body`.
func withTemporaryDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
  let directory = FileManager.default.temporaryDirectory.appendingPathComponent("atende-cli-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: directory) }
  return try await body(directory)
}

/// A number from a JSON object (JSONSerialization gives NSNumber or Int).
/// A time from JSON (RFC 3339, as proto3 JSON writes a Timestamp).
func jsonDate(_ value: Any?) -> Date? {
  guard let text = value as? String else { return nil }
  let formatter = ISO8601DateFormatter()
  formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
  return formatter.date(from: text) ?? ISO8601DateFormatter().date(from: text)
}

/// An integer from JSON: a number, or a string (canonical JSON writes 64-bit integers as strings).
func int(_ value: Any?) -> Int64? {
  (value as? String).flatMap { Int64($0) } ?? (value as? NSNumber)?.int64Value ?? (value as? Int).map(Int64.init)
}
