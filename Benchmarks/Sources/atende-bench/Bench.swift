import ArgumentParser
import AtendeAPI
import AtendeAdmin
import AtendeServer
import AtendeStore
import Foundation
import Logging

@main
struct Bench: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "atende-bench",
    abstract: "Atende benchmarks: an echo server, a load generator and codec rates.",
    subcommands: [
      Serve.self, Load.self, Codec.self, AuthBench.self, TicketsBench.self, FilesBench.self, EventsBench.self,
    ])
}

/// Serves the diagnostics service (echo) until killed.
struct Serve: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Serve Atende on 127.0.0.1:PORT until killed.",
    discussion: """
      With --auth, every call is authenticated as in production (the AuthInterceptor, an
      API token looked up through its cache, a per-identity rate limit high enough never
      to refuse): run `load --token \(Bench.token)` against it to measure what
      authentication costs a call.
      """)

  @Option(help: "Port to listen on.")
  var port: Int

  @Flag(help: "Authenticate every call (load must send --token).")
  var auth = false

  @Option(help: "Serve TLS with development certificates written to this directory (load: --tls-ca DIR/ca.pem).")
  var tls: String?

  @Flag(help: "Keep the server's metrics (RPCMetrics into a Prometheus registry, as --admin-port does).")
  var metrics = false

  @Flag(help: "Write the access log (one info line per call) to standard error.")
  var accessLog = false

  func run() async throws {
    let logger = Logger(label: "atende.bench", factory: { _ in SwiftLogNoOpLogHandler() })
    let store = try SQLiteStore.inMemory()
    var authConfiguration: AuthConfiguration?
    if auth {
      try await store.insertAPIToken(
        APITokenRecord(
          id: "00000000be4c", name: "bench", secretDigest: APIToken.digest(Bench.token), scopes: Scope.all,
          departments: nil, createdAt: Date(), expiresAt: nil))
      authConfiguration = AuthConfiguration(
        tokens: store, rateLimit: .init(callsPerSecond: 100_000_000, burst: 100_000_000))
    }
    var configuration = ServerConfiguration(host: "127.0.0.1", port: port)
    if let tls {
      let files = try DevelopmentCertificates.write(to: URL(fileURLWithPath: tls))
      configuration.tls = ServerTLSConfiguration(
        certificateChainPath: files.serverCertificatePath, privateKeyPath: files.serverKeyPath)
    }
    let registry = metrics ? PrometheusMetrics() : nil
    var access = Logger(label: "atende.access")
    access.logLevel = .info
    let server = try AtendeServer.makeServer(
      configuration: configuration, store: store, files: try temporaryFileStorage(), auth: authConfiguration,
      metricsFactory: registry?.factory, observers: accessLog ? [AccessLog(logger: access)] : [], logger: logger)
    try await server.run()
  }
}

extension Bench {
  /// The API token `serve --auth` accepts (a benchmark's fixed, well-formed token).
  static let token = "atd_00000000be4c_" + String(repeating: "0123456789abcdef", count: 4)
}

/// Unary echo load: C connections × K calls in flight, one JSON line of results.
struct Load: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Unary echo load; prints one JSON line (the interface of run-peers.sh).")

  @Option(help: "Server port on 127.0.0.1.") var port: Int
  @Option(help: "Connections (one client each).") var connections = 1
  @Option(help: "Calls in flight per connection.") var concurrency = 1
  @Option(help: "Measured seconds (after a 1 s warm-up).") var seconds = 5
  @Option(help: "Payload bytes per request.") var payload = 64
  @Option(help: "API token sent with every call (for `serve --auth`).") var token: String?
  @Option(help: "Connect over TLS, trusting this CA (PEM; for `serve --tls DIR`: DIR/ca.pem).") var tlsCa: String?

  func run() async throws {
    let request = EchoRequest(payload: [UInt8](repeating: 0x61, count: payload))
    let clock = ContinuousClock()
    let measureFrom = clock.now.advanced(by: .seconds(1))
    let stopAt = measureFrom.advanced(by: .seconds(seconds))
    let (port, concurrency, token, tlsCa) = (port, concurrency, token, tlsCa)

    let total = await withTaskGroup(of: Tally.self) { group in
      for _ in 0..<connections {
        group.addTask {
          var configuration = ClientConfiguration()
          configuration.credentials = token.map { StaticCredentials(token: $0) }
          configuration.tls = tlsCa.map { ClientTLSConfiguration(trustRootsPath: $0) }
          let client = RPCClient(host: "127.0.0.1", port: port, configuration: configuration)
          defer { client.close() }
          let diagnostics = Diagnostics.Client(client)
          return await withTaskGroup(of: Tally.self) { callers in
            for _ in 0..<concurrency {
              callers.addTask(executorPreference: client.taskExecutor) {
                var tally = Tally()
                while true {
                  let start = clock.now
                  if start >= stopAt { break }
                  let ok = (try? await diagnostics.echo(request))?.payload.count == payload
                  guard start >= measureFrom else { continue }
                  if ok {
                    tally.latenciesNs.append((clock.now - start).nanoseconds)
                  } else {
                    tally.errors += 1
                  }
                }
                return tally
              }
            }
            return await callers.reduce(into: Tally()) { $0.merge($1) }
          }
        }
      }
      return await group.reduce(into: Tally()) { $0.merge($1) }
    }
    let sorted = total.latenciesNs.sorted()
    func percentileUs(_ p: Double) -> Double {
      guard !sorted.isEmpty else { return 0 }
      let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
      return (Double(sorted[max(rank, 1) - 1]) / 100).rounded() / 10
    }
    let rps = Int((Double(sorted.count) / Double(seconds)).rounded())
    print(
      """
      {"peer":"\(token == nil ? "atende" : "atende-auth")","connections":\(connections),"concurrency":\(concurrency),"payload":\(payload),\
      "calls":\(sorted.count),"rps":\(rps),"p50_us":\(percentileUs(50)),"p90_us":\(percentileUs(90)),\
      "p99_us":\(percentileUs(99)),"errors":\(total.errors)}
      """)
  }
}

struct Tally: Sendable {
  var latenciesNs: [Int64] = []
  var errors = 0
  /// CPU time over the measured window (set by the tickets benchmark).
  var cpu = CPUTime()

  mutating func merge(_ other: Tally) {
    latenciesNs += other.latenciesNs
    errors += other.errors
  }
}

extension Duration {
  var nanoseconds: Int64 {
    let (seconds, attoseconds) = components
    return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
  }
}

/// Encode and decode rates of a realistic message through protobuf-c.
struct Codec: AsyncParsableCommand {
  static let configuration = CommandConfiguration(abstract: "protobuf-c encode/decode rates of a realistic message.")

  @Option(help: "Seconds per measurement.") var seconds = 2.0

  func run() async throws {
    let message = Self.realisticMessage()
    let bytes = try message.serializedBytes()
    let clock = ContinuousClock()
    func rate(_ body: () throws -> Void) rethrows -> Double {
      let duration = Duration.milliseconds(Int64(seconds * 1000))
      let start = clock.now
      var count = 0
      while clock.now - start < duration {
        for _ in 0..<100 { try body() }
        count += 100
      }
      let elapsed = Double((clock.now - start).nanoseconds) / 1e9
      return Double(count) / elapsed
    }
    var sink = 0
    let encode = try rate { sink &+= try message.serializedBytes().count }
    let decode = try rate { sink &+= try ServerInfo(serializedBytes: bytes).services.count }
    print(
      """
      {"benchmark":"codec","message":"atende.diagnostics.v1.ServerInfo","bytes":\(bytes.count),\
      "encode_per_s":\(Int(encode)),"decode_per_s":\(Int(decode)),\
      "encode_mb_s":\(Int(encode * Double(bytes.count) / 1e6)),"decode_mb_s":\(Int(decode * Double(bytes.count) / 1e6)),\
      "check":\(sink % 2)}
      """)
  }

  /// A server description with nested messages, repeated fields, enums, a map and a timestamp.
  static func realisticMessage() -> ServerInfo {
    let kinds: [MethodInfo.Kind] = [.unary, .serverStreaming, .clientStreaming, .bidirectionalStreaming]
    let services = (0..<4).map { service in
      ServiceInfo(
        name: "atende.service\(service).v1.Service\(service)",
        methods: (0..<8).map { MethodInfo(name: "Method\($0)WithALongerName", kind: kinds[$0 % 4]) })
    }
    return ServerInfo(
      version: "0.1.0", protocolVersions: [1], startedAt: .init(seconds: 1_764_500_000, nanos: 123_456_789),
      services: services, labels: ["storage": "sqlite", "region": "sa-east-1", "build": "release"])
  }
}

/// Attachment storage for a benchmark server, in a new temporary directory.
func temporaryFileStorage() throws -> FileStorage {
  try FileStorage(directory: NSTemporaryDirectory() + "atende-bench-files-" + UUID().uuidString)
}
