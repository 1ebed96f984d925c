import ArgumentParser
import AtendeAPI

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

@main
struct Atende: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "atende",
    abstract: "Command-line client of the Atende support-ticket server.",
    discussion: """
      The server address comes from --server or the ATENDE_SERVER environment variable
      (default 127.0.0.1:7400).
      """,
    subcommands: [TicketCommand.self, Health.self, Info.self, Echo.self])
}

/// Options every subcommand shares.
struct ConnectionOptions: ParsableArguments {
  @Option(name: .long, help: "Server address as host:port (env ATENDE_SERVER).")
  var server: String = getenv("ATENDE_SERVER").map { String(cString: $0) } ?? "127.0.0.1:7400"

  @Option(name: .long, help: "Seconds each call may take.")
  var timeout: Double = 10

  func client() throws -> RPCClient {
    guard let endpoint = Endpoint(server) else {
      throw ValidationError("--server must be host:port, got '\(server)'")
    }
    return RPCClient(endpoints: [endpoint])
  }

  @Option(name: .long, help: "Who you are, recorded in the history (env ATENDE_ACTOR, default $USER).")
  var actor: String =
    getenv("ATENDE_ACTOR").map { String(cString: $0) } ?? getenv("USER").map { String(cString: $0) } ?? "cli"

  var callOptions: CallOptions {
    CallOptions(timeout: .milliseconds(Int64(timeout * 1000)), metadata: ["actor": actor])
  }
}

/// Exit codes by failure kind, so scripts can tell them apart.
enum ExitCodes {
  static func forError(_ error: RPCError) -> ExitCode {
    switch error.code {
    case .invalidArgument, .failedPrecondition, .outOfRange: ExitCode(3)
    case .notFound: ExitCode(4)
    case .alreadyExists, .aborted: ExitCode(5)
    case .unavailable, .deadlineExceeded: ExitCode(6)
    case .unauthenticated, .permissionDenied: ExitCode(7)
    default: ExitCode(1)
    }
  }
}

/// Runs `body`, printing an RPC error the way a person can read and exiting with its code.
func reportingErrors(_ body: () async throws -> Void) async throws {
  do {
    try await body()
  } catch let error as RPCError {
    var text = "error: \(error.code): \(error.message)"
    for violation in error.fieldViolations {
      text += "\n  \(violation.field): \(violation.description) (\(violation.reason))"
    }
    FileHandleOutput.standardError(text)
    throw ExitCodes.forError(error)
  }
}

enum FileHandleOutput {
  static func standardError(_ text: String) {
    var line = text + "\n"
    line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
  }
}
