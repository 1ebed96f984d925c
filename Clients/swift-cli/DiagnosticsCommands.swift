import ArgumentParser
import AtendeAPI

struct Health: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Check that the server is serving.",
    discussion: """
      Examples:
        atende health
        atende health --service atende.diagnostics.v1.Diagnostics \\
          --server 10.0.0.5:7400
      """)

  @OptionGroup var connection: ConnectionOptions
  @Option(help: "A fully qualified service name; empty = the whole server.")
  var service: String = ""

  func run() async throws {
    try await connection.withClient { client in
      let response = try await Diagnostics.Client(client).check(
        HealthCheckRequest(service: service), options: connection.callOptions)
      print(response.status == .serving ? "SERVING" : "\(response.status)")
      if response.status != .serving { throw ExitCode(2) }
    }
  }
}

struct Info: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Show the server's version and the services and methods it hosts, with the scope each requires.",
    discussion: "Example:\n  atende info")

  @OptionGroup var connection: ConnectionOptions

  func run() async throws {
    try await connection.withClient { client in
      let info = try await Diagnostics.Client(client).getServerInfo(
        GetServerInfoRequest(), options: connection.callOptions)
      print("server   \(connection.server)")
      print("version  \(info.version)")
      print("protocol \(info.protocolVersions.map(String.init).joined(separator: ", "))")
      for service in info.services {
        print("service  \(service.name)")
        for method in service.methods {
          let name = method.name + String(repeating: " ", count: max(1, 28 - method.name.count))
          let kind = "\(method.kind)"
          print("  \(name)\(kind)\(String(repeating: " ", count: max(1, 24 - kind.count)))\(method.requiredScope)")
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
    try await connection.withClient { client in
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

struct WhoAmI: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "whoami",
    abstract: "Show who the server takes you for: name, scopes, departments, branches.",
    discussion: """
      Examples:
        atende whoami
        ATENDE_TOKEN=atd_... atende whoami --json
      """)

  @OptionGroup var connection: ConnectionOptions
  @Flag(help: "Print JSON.") var json = false

  func run() async throws {
    try await connection.withClient { client in
      let identity = try await IdentityService.Client(client).whoAmI(WhoAmIRequest(), options: connection.callOptions)
      let kind =
        switch identity.kind {
        case .jwt: "JWT"
        case .certificate: "client certificate"
        default: "API token"
        }
      func ids(_ values: [Int64]) -> String { values.isEmpty ? "all" : values.map(String.init).joined(separator: ", ") }
      let expires = identity.expiresAt.map { Render.date($0) } ?? "never"
      if json {
        print(
          canonicalJSON(identity))
        return
      }
      print("name         \(identity.name)")
      if !identity.actingFor.isEmpty { print("acting for   \(identity.actingFor)") }
      print("recorded as  \(identity.recordedActor)")
      print("credential   \(kind) \(identity.credentialId)")
      print("scopes       \(identity.scopes.joined(separator: " "))")
      print("departments  \(ids(identity.departments))")
      print("branches     \(ids(identity.branches))")
      print("expires      \(expires)")
    }
  }
}
