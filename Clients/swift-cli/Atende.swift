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
      The server address comes from --server or the ATENDE_SERVER environment
      variable (default 127.0.0.1:7400); several servers of one database are given
      comma-separated (a:7400,b:7400), and calls go to whichever answers. The credential comes from --token or
      ATENDE_TOKEN, else from the local token file (~/.config/atende/token, which
      atende-server writes on its first start): `atende whoami` shows who the
      server takes you for, and the history records that name. A service acting
      for a person names that person with --actor or ATENDE_ACTOR (its token needs
      the act_as scope).

      Output is made for people (aligned tables, local dates, colours on a
      terminal unless NO_COLOR is set or TERM=dumb); --json prints JSON for
      scripts.

      Exit codes: 0 success, 1 other failures, 2 server not serving, 3 invalid
      request or a rule of the system (the field and the rule are named on
      stderr), 4 not found, 5 conflict (already exists, or someone else changed
      the record: reload and retry), 6 server unavailable or too slow, 7 not
      allowed, 64 wrong command-line usage.
      """,
    subcommands: [
      TicketCommand.self, MessageCommand.self, ContactCommand.self, FileCommand.self, ServiceOrderCommand.self,
      Watch.self, Stats.self, Trends.self, SubjectCommand.self, SLACommand.self, ParametersCommand.self,
      ReferenceCommand.self,
      WebhookCommand.self, Health.self,
      Info.self, Describe.self, Call.self, Echo.self, WhoAmI.self, Top.self,
    ])
}

/// Options every subcommand shares.
struct ConnectionOptions: ParsableArguments {
  @Option(name: .long, help: "Server address as host:port, or several comma-separated (env ATENDE_SERVER).")
  var server: String = getenv("ATENDE_SERVER").map { String(cString: $0) } ?? "127.0.0.1:7400"

  @Option(
    name: .long,
    help: "Seconds each call may take (default 10; file transfers and watch: no limit unless given).")
  var timeout: Double?

  @Flag(name: .long, help: "Connect over TLS (env ATENDE_TLS=1; implied by --ca, --cert).")
  var tls = false

  @Option(
    name: .long,
    help: "Certificate authority (PEM) the server's certificate must chain to (default: the system's; env ATENDE_CA).")
  var ca: String?

  @Option(name: .long, help: "Client certificate (PEM) for servers that ask for one (mutual TLS; env ATENDE_CERT).")
  var cert: String?

  @Option(name: .long, help: "The client certificate's private key (PEM; env ATENDE_KEY).")
  var key: String?

  private static func environment(_ name: String) -> String? {
    getenv(name).map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
  }

  /// The TLS of --tls, --ca, --cert and --key (or their environment variables); nil =
  /// plain TCP.
  var tlsConfiguration: ClientTLSConfiguration? {
    let ca = ca ?? Self.environment("ATENDE_CA")
    let cert = cert ?? Self.environment("ATENDE_CERT")
    let key = key ?? Self.environment("ATENDE_KEY")
    guard tls || Self.environment("ATENDE_TLS") == "1" || ca != nil || cert != nil else { return nil }
    return ClientTLSConfiguration(trustRootsPath: ca, certificateChainPath: cert, privateKeyPath: key)
  }

  /// The servers of --server: one host:port, or several comma-separated.
  var endpoints: [Endpoint]? {
    let endpoints = server.split(separator: ",").map { Endpoint(String($0.filter { !$0.isWhitespace })) }
    guard !endpoints.isEmpty, !endpoints.contains(where: { $0 == nil }) else { return nil }
    return endpoints.compactMap { $0 }
  }

  func client() throws -> RPCClient {
    guard let endpoints else {
      throw ValidationError("--server must be host:port (or several, comma-separated), got '\(server)'")
    }
    var configuration = ClientConfiguration.defaults
    configuration.tls = tlsConfiguration
    return RPCClient(endpoints: endpoints, configuration: configuration)
  }

  /// Runs `body` with a client of the server, closed afterwards; an RPC error is
  /// printed for people and becomes the exit code of its kind (``reportingErrors``).
  func withClient(_ body: (RPCClient) async throws -> Void) async throws {
    try await reportingErrors {
      let client = try client()
      defer { client.close() }
      try await body(client)
    }
  }

  @Option(
    name: .long,
    help: "The person you act for, recorded with your identity (env ATENDE_ACTOR; the token needs act_as).")
  var actor: String?

  @Option(name: .long, help: "An API token or JWT (env ATENDE_TOKEN; default: the local token file).")
  var token: String?

  /// --token, else ATENDE_TOKEN, else the local token file (read here so that help
  /// never shows it). The local token is the local server's admin token: it is sent only
  /// to a server on this machine (a loopback address), never to whatever --server names.
  private var credential: String? {
    if let token { return token }
    if let environment = getenv("ATENDE_TOKEN").map({ String(cString: $0) }), !environment.isEmpty {
      return environment
    }
    guard let endpoints, endpoints.allSatisfy({ LocalToken.isLoopback($0.host) }) else { return nil }
    return LocalToken.read()
  }

  /// --actor, else ATENDE_ACTOR: sent as the `actor` metadata when given.
  private var metadata: Metadata {
    let name = actor ?? getenv("ATENDE_ACTOR").map { String(cString: $0) } ?? ""
    return name.isEmpty ? [:] : ["actor": name]
  }

  func validate() throws {
    if ((cert ?? Self.environment("ATENDE_CERT")) == nil) != ((key ?? Self.environment("ATENDE_KEY")) == nil) {
      throw ValidationError("--cert and --key go together")
    }
    if let timeout, !(timeout.isFinite && timeout > 0 && timeout <= 86_400) {
      throw ValidationError("--timeout must be a number of seconds above 0 and at most 86400, got \(timeout)")
    }
  }

  /// Options of an ordinary call: the --timeout, 10 seconds by default.
  var callOptions: CallOptions {
    CallOptions(
      timeout: .milliseconds(Int64((timeout ?? 10) * 1000)), metadata: metadata, authToken: credential)
  }

  /// Options of a call that lasts as long as it needs (transfers, live events): no
  /// deadline unless --timeout is given.
  var longCallOptions: CallOptions {
    CallOptions(
      timeout: timeout.map { .milliseconds(Int64($0 * 1000)) }, metadata: metadata, authToken: credential)
  }
}

/// Exit codes by failure kind, so scripts can tell them apart.
enum ExitCodes {
  static let invalid = ExitCode(3)
  static let notFound = ExitCode(4)
  static let conflict = ExitCode(5)

  static func forError(_ error: RPCError) -> ExitCode {
    switch error.code {
    case .invalidArgument, .failedPrecondition, .outOfRange, .resourceExhausted: invalid
    case .notFound: notFound
    case .alreadyExists, .aborted: conflict
    case .unavailable, .deadlineExceeded: ExitCode(6)
    case .unauthenticated, .permissionDenied: ExitCode(7)
    default: ExitCode(1)
    }
  }
}

/// A failure found by the client itself, with the exit code of its kind.
struct CLIError: Error {
  var message: String
  var exitCode: ExitCode = ExitCode(1)
  /// Lines printed under the message (e.g. "line 3, client_id: ...").
  var details: [String] = []

  init(_ message: String, exitCode: ExitCode = ExitCode(1), details: [String] = []) {
    self.message = message
    self.exitCode = exitCode
    self.details = details
  }

  static func notFound(_ message: String) -> CLIError { CLIError(message, exitCode: ExitCodes.notFound) }
  static func invalid(_ message: String, details: [String] = []) -> CLIError {
    CLIError(message, exitCode: ExitCodes.invalid, details: details)
  }
}

/// Runs `body`, printing a failure the way a person can read and exiting with its code.
func reportingErrors(_ body: () async throws -> Void) async throws {
  do {
    try await body()
  } catch let error as RPCError {
    reportError(error)
    throw ExitCodes.forError(error)
  } catch let error as CLIError {
    FileHandleOutput.standardError(
      ([Style.paint("error:", .red, on: Terminal.colorErrors) + " " + error.message] + error.details.map { "  " + $0 })
        .joined(separator: "\n"))
    throw error.exitCode
  } catch let error as ExitCode {
    throw error
  } catch let error as ValidationError {
    throw error
  } catch is CancellationError {
    throw ExitCode(130)
  } catch {
    FileHandleOutput.standardError(Style.paint("error:", .red, on: Terminal.colorErrors) + " \(error)")
    throw ExitCode(1)
  }
}

/// Prints `error: <CODE>: <message>` and every field violation on stderr.
func reportError(_ error: RPCError) {
  var text = Style.paint("error:", .red, on: Terminal.colorErrors) + " \(error.code): \(error.message)"
  if !error.reason.isEmpty && error.fieldViolations.isEmpty { text += " [\(error.reason)]" }
  for violation in error.fieldViolations {
    text +=
      "\n  \(Style.paint(violation.field, .bold, on: Terminal.colorErrors)): \(violation.description) (\(violation.reason))"
  }
  if error.code == .unauthenticated && error.reason == "CREDENTIALS_MISSING" {
    text +=
      "\n  give a token with --token or ATENDE_TOKEN, or keep one in \(LocalToken.defaultPath); an administrator mints one with `atende-server token create`"
  }
  FileHandleOutput.standardError(text)
}

enum FileHandleOutput {
  static func standardError(_ text: String) {
    var line = text + "\n"
    line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
  }

  /// Writes `text` to stderr as is (no newline), for progress bars.
  static func standardErrorRaw(_ text: String) {
    var text = text
    text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
  }

  /// Prints a line on stdout and flushes it at once (for streams read by other programs).
  static func printFlushed(_ text: String) {
    print(text)
    fflush(nil)
  }
}
