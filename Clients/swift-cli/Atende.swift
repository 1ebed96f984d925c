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
    subcommands: [Health.self, Info.self, Echo.self])
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

  var callOptions: CallOptions { CallOptions(timeout: .milliseconds(Int64(timeout * 1000))) }
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

struct Health: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Check that the server is serving.",
    discussion: """
      Examples:
        atende health
        atende health --service atende.diagnostics.v1.Diagnostics --server 10.0.0.5:7400
      """)

  @OptionGroup var connection: ConnectionOptions
  @Option(help: "A fully qualified service name; empty = the whole server.")
  var service: String = ""

  func run() async throws {
    try await reportingErrors {
      let client = try connection.client()
      defer { client.close() }
      let response = try await Diagnostics.Client(client).check(
        HealthCheckRequest(service: service), options: connection.callOptions)
      print(response.status == .serving ? "SERVING" : "\(response.status)")
      if response.status != .serving { throw ExitCode(2) }
    }
  }
}

struct Info: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Show the server's version and the services and methods it hosts.",
    discussion: "Example:\n  atende info")

  @OptionGroup var connection: ConnectionOptions

  func run() async throws {
    try await reportingErrors {
      let client = try connection.client()
      defer { client.close() }
      let info = try await Diagnostics.Client(client).getServerInfo(
        GetServerInfoRequest(), options: connection.callOptions)
      print("server   \(connection.server)")
      print("version  \(info.version)")
      print("protocol \(info.protocolVersions.map(String.init).joined(separator: ", "))")
      for service in info.services {
        print("service  \(service.name)")
        for method in service.methods {
          let name = method.name + String(repeating: " ", count: max(1, 24 - method.name.count))
          print("  \(name)\(method.kind)")
        }
      }
    }
  }
}

struct Echo: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Echo a text through the server and report the round-trip latency.",
    discussion: """
      Examples:
        atende echo hello
        atende echo --count 1000 probe        # latency percentiles over 1000 calls
      """)

  @OptionGroup var connection: ConnectionOptions
  @Option(help: "How many calls to make (one after another).")
  var count: Int = 1
  @Argument(help: "The text to echo.")
  var text: String = "ping"

  func run() async throws {
    try await reportingErrors {
      let client = try connection.client()
      defer { client.close() }
      let diagnostics = Diagnostics.Client(client)
      let clock = ContinuousClock()
      var latencies: [Duration] = []
      var last = EchoResponse()
      for _ in 0..<max(1, count) {
        let start = clock.now
        last = try await diagnostics.echo(EchoRequest(text: text), options: connection.callOptions)
        latencies.append(clock.now - start)
      }
      latencies.sort()
      func micros(_ quantile: Double) -> Int {
        let index = min(latencies.count - 1, Int(Double(latencies.count) * quantile))
        let (seconds, attoseconds) = latencies[index].components
        return Int(seconds) * 1_000_000 + Int(attoseconds / 1_000_000_000_000)
      }
      print(last.text)
      print("calls \(latencies.count)  p50 \(micros(0.5)) µs  p99 \(micros(0.99)) µs  max \(micros(1.0)) µs")
    }
  }
}
