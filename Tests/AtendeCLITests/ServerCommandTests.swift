import AtendeAPI
import Foundation
import Hummingbird
import Synchronization
import Testing

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// An executable built next to this test bundle (`atende`, `atende-server`).
private func binary(_ name: String) throws -> URL {
  try cliBinary().deletingLastPathComponent().appendingPathComponent(name)
}

/// A home of its own for one test: data and config folders under a temporary directory.
private struct TemporaryHome {
  let root = NSTemporaryDirectory() + "atende-home-" + UUID().uuidString

  var environment: [String: String] {
    var environment = ProcessInfo.processInfo.environment
    environment["HOME"] = root
    environment["XDG_DATA_HOME"] = root + "/data"
    environment["XDG_CONFIG_HOME"] = root + "/config"
    for key in [
      "ATENDE_TOKEN", "ATENDE_ACTOR", "ATENDE_DATABASE", "ATENDE_HOST", "ATENDE_PORT", "ATENDE_TLS", "ATENDE_CA",
      "ATENDE_CERT", "ATENDE_KEY",
    ] {
      environment.removeValue(forKey: key)
    }
    environment["NO_COLOR"] = "1"
    return environment
  }

  var tokenFile: String { root + "/config/atende/token" }
  var database: String { root + "/data/atende/atende.sqlite" }

  func remove() { try? FileManager.default.removeItem(atPath: root) }
}

/// Runs `name arguments` to completion in `home`.
private func run(_ name: String, _ arguments: [String], home: TemporaryHome, environment: [String: String] = [:])
  async throws -> CLIResult
{
  try await startProcess(try binary(name), arguments, environment: home.environment.merging(environment) { $1 })
    .result()
}

/// A running `atende-server serve` on a free loopback port.
private final class RunningServer: @unchecked Sendable {
  let process = Process()
  var port = 0
  var log = ""

  /// Starts the server and waits (up to 60 s) for its "listening" line.
  init(_ arguments: [String], home: TemporaryHome) async throws {
    process.executableURL = try binary("atende-server")
    process.arguments = ["serve", "--port", "0"] + arguments
    process.environment = home.environment
    let stderr = Pipe()
    process.standardError = stderr
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    let handle = stderr.fileHandleForReading
    let (port, log) = await onThread { () -> (Int, String) in
      var text = ""
      let deadline = Date().addingTimeInterval(60)
      while Date() < deadline {
        let data = handle.availableData
        if data.isEmpty { break }
        text += String(decoding: data, as: UTF8.self)
        // "... rpc.address=[IPv4]127.0.0.1/127.0.0.1:40123 ... listening"
        if let line = text.split(separator: "\n").first(where: { $0.hasSuffix("listening") }),
          let address = line.split(separator: " ").first(where: { $0.hasPrefix("rpc.address=") }),
          let port = address.split(separator: ":").last.flatMap({ Int($0) })
        {
          return (port, text)
        }
      }
      return (0, text)
    }
    self.port = port
    self.log = log
    if port == 0 {
      process.terminate()
      throw CLIHarnessError.timedOut([log])
    }
  }

  var address: String { "127.0.0.1:\(port)" }

  func stop() {
    process.terminate()
    process.waitUntilExit()
  }
}

/// Starts `atende-server serve` on a port of its choosing with `arguments`, and returns
/// once it has logged its "listening" line and answers a health check (through the
/// returned client), or after 60 s. The port comes from the server's own log: a port
/// picked in advance could be taken meanwhile by another test's server, which would
/// then answer in its place.
private func startAnswering(_ arguments: [String], home: TemporaryHome) async throws
  -> (server: RunningCLI, probe: RPCClient, port: Int)
{
  let server = try startProcess(
    try binary("atende-server"), ["serve", "--port", "0"] + arguments, environment: home.environment)
  let deadline = ContinuousClock.now.advanced(by: .seconds(60))
  var port = 0
  while port == 0 && server.isRunning && ContinuousClock.now < deadline {
    // Text: "... listening rpc.address=[IPv4]127.0.0.1/127.0.0.1:40123 ...";
    // JSON: {..., "message":"listening", "rpc.address":"[IPv4]127.0.0.1/127.0.0.1:40123", ...}
    let address = /rpc\.address"?[=:]"?\[IPv4\]127\.0\.0\.1\/127\.0\.0\.1:(\d+)/
    let lines = server.errorsSoFar.split(separator: "\n").filter { $0.contains("listening") }
    if let match = lines.lazy.compactMap({ $0.firstMatch(of: address) }).first, let listening = Int(match.1) {
      port = listening
    } else {
      try await Task.sleep(for: .milliseconds(50))
    }
  }
  if port == 0 {
    _ = await server.terminate()
    let errors = await server.result().errors
    try #require(Bool(false), "atende-server did not log its listening line: \(errors)")
  }
  let probe = RPCClient(host: "127.0.0.1", port: port)
  while (try? await Diagnostics.Client(probe).check(HealthCheckRequest())) == nil && ContinuousClock.now < deadline {
    try await Task.sleep(for: .milliseconds(100))
  }
  return (server, probe, port)
}

@Suite("atende-server: authentication set-up and tokens")
struct ServerCommandTests {
  @Test("SIGHUP reads the TLS files again: new connections get the new certificate")
  func tlsReloadOnSIGHUP() async throws {
    let home = TemporaryHome()
    defer { home.remove() }
    for set in ["first", "second"] {
      let made = try await run("atende-server", ["dev-certificates", "--out", home.root + "/" + set], home: home)
      #expect(made.status == 0, "\(made.errors)")
    }
    let live = home.root + "/live"
    func install(_ set: String) throws {
      try? FileManager.default.removeItem(atPath: live)
      try FileManager.default.copyItem(atPath: home.root + "/" + set, toPath: live)
    }
    try install("first")
    let server = try await RunningServer(
      ["--tls-cert", live + "/server.pem", "--tls-key", live + "/server-key.pem"], home: home)
    defer { server.stop() }
    func whoami(trusting set: String) async throws -> CLIResult {
      try await run(
        "atende", ["whoami", "--server", server.address, "--ca", home.root + "/\(set)/ca.pem", "--timeout", "3"],
        home: home)
    }
    #expect(try await whoami(trusting: "first").status == 0)
    try install("second")
    kill(server.process.processIdentifier, SIGHUP)
    // The signal is handled asynchronously: poll, a real process being the subject.
    var reloaded = false
    for _ in 0..<100 where !reloaded {
      reloaded = try await whoami(trusting: "second").status == 0
      if !reloaded { try await Task.sleep(for: .milliseconds(100)) }
    }
    #expect(reloaded)
    #expect(try await whoami(trusting: "first").status == 6)
  }

  @Test("TLS: dev-certificates, serve --tls-cert, the CLI with --ca; mutual TLS identities by certificate")
  func tls() async throws {
    let home = TemporaryHome()
    defer { home.remove() }
    let tls = home.root + "/tls"
    let made = try await run(
      "atende-server", ["dev-certificates", "--out", tls, "--client", "billing", "--client", "stranger"], home: home)
    #expect(made.status == 0, "\(made.errors)")
    let identities = home.root + "/identities.json"
    try #"[{"common_name": "billing", "scopes": ["tickets.read"], "branches": [2]}]"#.write(
      toFile: identities, atomically: true, encoding: .utf8)
    let server = try await RunningServer(
      [
        "--demo-data", "--tls-cert", tls + "/server.pem", "--tls-key", tls + "/server-key.pem", "--tls-client-ca",
        tls + "/ca.pem", "--tls-client-optional", "--tls-client-identities", identities,
      ], home: home)
    defer { server.stop() }
    // Over TLS with the local admin token.
    let whoami = try await run("atende", ["whoami", "--server", server.address, "--ca", tls + "/ca.pem"], home: home)
    #expect(whoami.status == 0, "\(whoami.errors)")
    #expect(whoami.output.contains("local-admin"))
    // Without TLS the server cannot be reached.
    let plain = try await run("atende", ["whoami", "--server", server.address, "--timeout", "3"], home: home)
    #expect(plain.status == 6, "\(plain.errors)")
    // A client certificate listed in the identities file is that identity, without a token.
    let certificate = [
      "--server", server.address, "--ca", tls + "/ca.pem", "--cert", tls + "/client-billing.pem", "--key",
      tls + "/client-billing-key.pem",
    ]
    let environment = ["XDG_CONFIG_HOME": home.root + "/elsewhere"]  // no local token
    let billing = try await run("atende", ["whoami"] + certificate, home: home, environment: environment)
    #expect(billing.status == 0, "\(billing.errors)")
    #expect(billing.output.contains("billing"))
    #expect(billing.output.contains("branches     2"), "\(billing.output)")
    let listed = try await run("atende", ["ticket", "list"] + certificate, home: home, environment: environment)
    #expect(listed.status == 0, "\(listed.errors)")
    let refused = try await run(
      "atende",
      [
        "ticket", "open", "--client", "1001", "--department", "1", "--priority", "high", "--subject", "1", "--title",
        "x", "--description", "y",
      ] + certificate, home: home, environment: environment)
    #expect(refused.status == 7)
    #expect(refused.errors.contains("SCOPE_MISSING"), "\(refused.errors)")
    // A certificate the CA signed but the identities file does not list is no identity.
    let stranger = try await run(
      "atende",
      [
        "whoami", "--server", server.address, "--ca", tls + "/ca.pem", "--cert", tls + "/client-stranger.pem",
        "--key", tls + "/client-stranger-key.pem",
      ], home: home, environment: environment)
    #expect(stranger.status == 7)
    #expect(stranger.errors.contains("CERTIFICATE_UNKNOWN"), "\(stranger.errors)")
  }

  @Test("the first start mints a local admin token the CLI uses; a bad token is refused with exit 7")
  func firstStart() async throws {
    let home = TemporaryHome()
    defer { home.remove() }
    let server = try await RunningServer(["--demo-data"], home: home)
    defer { server.stop() }
    #expect(server.log.contains("minted the local admin token"))
    let token = try #require(LocalToken.read(from: home.tokenFile))
    #expect(!server.log.contains(token))
    let attributes = try FileManager.default.attributesOfItem(atPath: home.tokenFile)
    #expect((attributes[.posixPermissions] as? Int) == 0o600)

    let whoami = try await run("atende", ["whoami", "--server", server.address], home: home)
    #expect(whoami.status == 0, "\(whoami.errors)")
    #expect(whoami.output.contains("local-admin"))
    let opened = try await run(
      "atende",
      [
        "ticket", "open", "--server", server.address, "--client", "1001", "--department", "1", "--priority", "high",
        "--subject", "1", "--title", "Sem internet", "--description", "Cliente sem conexão",
      ], home: home, environment: ["ATENDE_ACTOR": "maria"])
    #expect(opened.status == 0, "\(opened.errors)")
    let history = try await run(
      "atende", ["ticket", "history", "2026000000001", "--server", server.address, "--json"], home: home)
    #expect(history.output.contains("local-admin on behalf of maria"), "\(history.output)")

    let refused = try await run(
      "atende", ["ticket", "list", "--server", server.address], home: home,
      environment: ["ATENDE_TOKEN": "atd_000000000000_" + String(repeating: "0", count: 64)])
    #expect(refused.status == 7)
    #expect(refused.errors.contains("UNAUTHENTICATED") && refused.errors.contains("TOKEN_UNKNOWN"))
    // No token anywhere: exit 7 and where to get one.
    let none = try await run(
      "atende", ["ticket", "list", "--server", server.address], home: home,
      environment: ["XDG_CONFIG_HOME": home.root + "/elsewhere"])
    #expect(none.status == 7)
    #expect(none.errors.contains("CREDENTIALS_MISSING") && none.errors.contains("atende-server token create"))
    // Health needs no credential.
    let health = try await run(
      "atende", ["health", "--server", server.address], home: home, environment: ["ATENDE_TOKEN": "nonsense"])
    #expect(health.status == 0)
  }

  @Test("token create prints the token once; list shows it without it; revoke by name")
  func tokenLifecycle() async throws {
    let home = TemporaryHome()
    defer { home.remove() }
    let created = try await run(
      "atende-server",
      [
        "token", "create", "--name", "billing", "--scopes", "tickets.read,act_as", "--departments", "1,2", "--branches",
        "2", "--expires", "90d",
      ],
      home: home)
    #expect(created.status == 0, "\(created.errors)")
    let token = created.output.trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(token.hasPrefix("atd_") && token.count == 81)

    let list = try await run("atende-server", ["token", "list", "--json"], home: home)
    #expect(list.status == 0)
    #expect(!list.output.contains(token) && !list.output.contains(String(token.suffix(64))))
    let row = try #require(try list.jsonLines().first)
    #expect(row["name"] as? String == "billing" && row["departments"] as? [Int] == [1, 2])
    #expect(row["branches"] as? [Int] == [2])
    #expect(row["expires_at"] != nil && row["revoked_at"] == nil)

    let server = try await RunningServer([], home: home)
    defer { server.stop() }
    // The database had a token already: no local admin token this time.
    #expect(LocalToken.read(from: home.tokenFile) == nil)
    let whoami = try await run(
      "atende", ["whoami", "--json", "--server", server.address], home: home, environment: ["ATENDE_TOKEN": token])
    #expect(whoami.status == 0, "\(whoami.errors)")
    #expect(whoami.output.contains("\"name\":\"billing\""))
    #expect(whoami.output.contains("\"branches\":[\"2\"]"), "\(whoami.output)")

    let revoked = try await run("atende-server", ["token", "revoke", "billing"], home: home)
    #expect(revoked.status == 0 && revoked.output.contains("Revoked"))
    let after = try await run("atende-server", ["token", "list", "--json"], home: home)
    #expect(try after.jsonLines().first?["revoked_at"] != nil)

    let unknownScope = try await run(
      "atende-server", ["token", "create", "--name", "x", "--scopes", "tickets.delete"], home: home)
    #expect(unknownScope.status == 64 && unknownScope.errors.contains("unknown scope"))
  }

  @Test("without authentication, only loopback addresses, unless --insecure")
  func noAuthOnlyOnLoopback() async throws {
    let home = TemporaryHome()
    defer { home.remove() }
    let refused = try await run(
      "atende-server", ["serve", "--host", "0.0.0.0", "--port", "0", "--no-auth"], home: home)
    #expect(refused.status == 64)
    #expect(refused.errors.contains("--insecure"))
  }

  @Test("an unknown --log-level or ATENDE_LOG_LEVEL is refused at start, naming it and the levels")
  func unknownLogLevel() async throws {
    let home = TemporaryHome()
    defer { home.remove() }
    let flag = try await run("atende-server", ["serve", "--port", "0", "--log-level", "verbose"], home: home)
    #expect(flag.status == 64)
    #expect(flag.errors.contains("--log-level"))
    #expect(flag.errors.contains("warning"))
    let environment = try await run(
      "atende-server", ["serve", "--port", "0"], home: home, environment: ["ATENDE_LOG_LEVEL": "loud"])
    #expect(environment.status == 64)
    #expect(environment.errors.contains("ATENDE_LOG_LEVEL=loud"))
  }

  @Test("--log-format json: every line on standard error is one JSON object with time, level, label and message")
  func jsonLogs() async throws {
    let home = TemporaryHome()
    defer { home.remove() }
    let (server, probe, port) = try await startAnswering(["--log-format", "json", "--no-auth"], home: home)
    defer { probe.close() }
    let result = await server.terminate()
    #expect(result.status == 0, "\(result.errors)")
    let lines = result.errors.split(separator: "\n").map(String.init)
    let objects = try lines.map(jsonObject)
    #expect(objects.count == lines.count && !objects.isEmpty)
    for object in objects {
      #expect(object["time"] is String && object["level"] is String && object["label"] is String)
    }
    let listening = try #require(objects.first { $0["message"] as? String == "listening" })
    #expect(listening["level"] as? String == "info")
    #expect((listening["rpc.address"] as? String)?.hasSuffix(":\(port)") == true)
    #expect(objects.contains { $0["message"] as? String == "stopped" })
  }

  @Test("a limit or timeout out of range is refused at start, naming its flag")
  func limitsOutOfRange() async throws {
    let home = TemporaryHome()
    defer { home.remove() }
    for (flag, value) in [
      ("--max-frame-size", "10"), ("--idle-timeout-seconds", "-1"), ("--keepalive-interval-seconds", "0"),
      ("--initial-window-size", "100"), ("--max-file-size", "0"), ("--admin-port", "70000"),
      ("--decode-budget-bytes", "100"),
    ] {
      let refused = try await run("atende-server", ["serve", "--port", "0", flag, value], home: home)
      #expect(refused.status == 64, "\(flag) \(value)")
      #expect(refused.errors.contains(flag), "\(refused.errors)")
    }
  }

  @Test("serve runs the SLA escalation rules every --escalation-interval-seconds; a rule acts on a ticket once")
  func escalationSchedule() async throws {
    let home = TemporaryHome()
    defer { home.remove() }
    let server = try await RunningServer(
      ["--no-auth", "--demo-data", "--escalation-interval-seconds", "1"], home: home)
    defer { server.stop() }
    func atende(_ arguments: [String]) async throws -> CLIResult {
      let result = try await run("atende", arguments + ["--server", server.address], home: home)
      #expect(result.status == 0, "\(arguments): \(result.errors)")
      return result
    }
    _ = try await atende([
      "sla", "calendar", "put", "--name", "24x7", "--time-zone", "UTC", "--hours", "mon-sun 00:00-24:00",
    ])
    _ = try await atende([
      "sla", "policy", "put", "--name", "Sem conexão", "--calendar", "1", "--subject", "1", "--first-response", "1h",
    ])
    // Due as soon as the ticket is open: an hour before a one-hour target.
    _ = try await atende([
      "sla", "escalation", "put", "--name", "Imediato", "--target", "first-response", "--offset", "-1h",
      "--raise-priority", "critical",
    ])
    let rules = try await atende(["sla", "escalation", "list"])
    #expect(rules.output.contains("1h before the breach"))
    let opened = try await atende([
      "ticket", "open", "--client", "1001", "--department", "1", "--priority", "high", "--subject", "1", "--title",
      "Sem internet", "--description", "Cliente sem conexão", "--json",
    ])
    let number = try #require(try jsonObject(opened.output)["protocol"] as? String)
    // The server's next pass, within a few seconds, escalates it.
    let deadline = ContinuousClock.now.advanced(by: .seconds(30))
    var history = ""
    repeat {
      try await Task.sleep(for: .milliseconds(200))
      history = try await atende(["ticket", "history", number]).output
    } while !history.contains("ESCALATED") && ContinuousClock.now < deadline
    #expect(history.contains("ESCALATED"), "\(history)")
    // Further passes leave it alone.
    try await Task.sleep(for: .seconds(2))
    let later = try await atende(["ticket", "history", number, "--json"]).jsonLines()
    #expect(later.filter { $0["kind"] as? String == "ESCALATED" }.count == 1)
    #expect(
      try jsonObject(try await atende(["ticket", "show", number, "--json"]).output)["priority"] as? String
        == "PRIORITY_CRITICAL")
  }

  @Test("--idle-timeout-seconds closes a connection that stays without calls")
  func idleTimeout() async throws {
    let home = TemporaryHome()
    defer { home.remove() }
    let (server, probe, _) = try await startAnswering(
      ["--no-auth", "--idle-timeout-seconds", "1", "--log-format", "json", "--log-level", "debug"], home: home)
    defer { probe.close() }
    // The probe's connection now has no call: after a second the server closes it.
    try await Task.sleep(for: .seconds(3))
    let result = await server.terminate()
    let messages = try result.errors.split(separator: "\n").map { try jsonObject(String($0))["message"] as? String }
    #expect(messages.contains("closing idle connection"), "\(result.errors)")
  }

  @Test(
    "--admin-port serves /metrics, /healthz and /readyz; the access log has a line per call with its identity, never the token"
  )
  func adminListenerAndAccessLog() async throws {
    let home = TemporaryHome()
    defer { home.remove() }
    let adminPort = try freeLoopbackPort()
    let (server, probe, port) = try await startAnswering(
      ["--admin-port", "\(adminPort)", "--log-format", "json"], home: home)
    defer { probe.close() }
    let token = try #require(LocalToken.read(from: home.tokenFile))
    let client = RPCClient(
      host: "127.0.0.1", port: port,
      configuration: { () -> ClientConfiguration in
        var configuration = ClientConfiguration()
        configuration.credentials = StaticCredentials(token: token)
        return configuration
      }())
    defer { client.close() }
    _ = try await IdentityService.Client(client).whoAmI(WhoAmIRequest())

    func get(_ path: String) async throws -> (Int, String) {
      let (data, response) = try await URLSession.shared.data(
        from: URL(string: "http://127.0.0.1:\(adminPort)\(path)")!)
      return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }
    let (status, metrics) = try await get("/metrics")
    #expect(status == 200)
    #expect(
      metrics.contains(
        #"atende_rpc_calls_finished_total{service="atende.auth.v1.IdentityService",method="WhoAmI",code="OK"} 1"#),
      "\(metrics)")
    #expect(try await get("/healthz").0 == 200)
    #expect(try await get("/readyz").0 == 200)

    let result = await server.terminate()
    #expect(result.status == 0, "\(result.errors)")
    let objects = try result.errors.split(separator: "\n").map { try jsonObject(String($0)) }
    let calls = objects.filter { $0["message"] as? String == "call" && $0["label"] as? String == "atende.access" }
    let whoAmI = try #require(calls.first { $0["rpc.method"] as? String == "/atende.auth.v1.IdentityService/WhoAmI" })
    #expect(whoAmI["rpc.identity"] as? String == "local-admin")
    #expect(whoAmI["rpc.status"] as? String == "OK")
    #expect(whoAmI["level"] as? String == "info")
    #expect(!result.errors.contains(token))
  }

  @Test(
    "--config: a YAML file sets what flags set; a flag or an environment variable overrides it; a bad key is refused naming it"
  )
  func configFile() async throws {
    let home = TemporaryHome()
    defer { home.remove() }
    let port = try freeLoopbackPort()
    let fileAdminPort = try freeLoopbackPort()
    let environmentAdminPort = try freeLoopbackPort()
    try FileManager.default.createDirectory(atPath: home.root, withIntermediateDirectories: true)
    let config = home.root + "/atende.yaml"
    try """
    # Atende server settings
    server:
      port: \(port)
    log:
      level: debug
      format: json
    limits:
      max_frame_size: 65536
    auth:
      enabled: false
    admin:
      port: \(fileAdminPort)
    """.write(toFile: config, atomically: true, encoding: .utf8)
    var environment = home.environment
    environment["ATENDE_ADMIN_PORT"] = "\(environmentAdminPort)"
    let server = try startProcess(
      try binary("atende-server"), ["serve", "--config", config, "--log-level", "warning"], environment: environment)
    let probe = RPCClient(host: "127.0.0.1", port: port)
    defer { probe.close() }
    let deadline = ContinuousClock.now.advanced(by: .seconds(60))
    while (try? await Diagnostics.Client(probe).check(HealthCheckRequest())) == nil && ContinuousClock.now < deadline {
      try await Task.sleep(for: .milliseconds(100))
    }
    // The file's port and no authentication (a call without a token works).
    #expect(try await Diagnostics.Client(probe).echo(EchoRequest(text: "configured")).text == "configured")
    _ = try await ParameterService.Client(probe).getParameters(GetParametersRequest())
    // The file's frame limit: a larger message is refused.
    let tooLarge = await #expect(throws: RPCError.self) {
      _ = try await Diagnostics.Client(probe).echo(EchoRequest(payload: Array(repeating: 1, count: 100_000)))
    }
    #expect(tooLarge?.code == .resourceExhausted)
    // The environment's admin port over the file's.
    let (_, response) = try await URLSession.shared.data(
      from: URL(string: "http://127.0.0.1:\(environmentAdminPort)/healthz")!)
    #expect((response as? HTTPURLResponse)?.statusCode == 200)
    let result = await server.terminate()
    #expect(result.status == 0, "\(result.errors)")
    // The file's JSON format, and the flag's level over the file's debug.
    let levels = try result.errors.split(separator: "\n").map { try jsonObject(String($0))["level"] as? String }
    #expect(!levels.isEmpty && !levels.contains("debug") && !levels.contains("info"), "\(result.errors)")

    for (yaml, key) in [
      ("limits:\n  max_frame_sise: 4096\n", "limits.max_frame_sise"),
      ("limits:\n  max_frame_size: big\n", "limits.max_frame_size must be an integer"),
      ("timeouts:\n  idle_seconds: -5\n", "timeouts.idle_seconds must be at least 0"),
      ("auth:\n  enabled: maybe\n", "auth.enabled must be true or false"),
    ] {
      try yaml.write(toFile: config, atomically: true, encoding: .utf8)
      let refused = try await run("atende-server", ["serve", "--config", config], home: home)
      #expect(refused.status == 64, "\(yaml)")
      #expect(refused.errors.contains(key), "\(refused.errors)")
    }
    // The documented example is a valid file.
    let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("docs/atende.example.yaml").path
    let checked = try await run("atende-server", ["serve", "--config", example, "--help"], home: home)
    #expect(checked.status == 0, "\(checked.errors)")
    let viaEnvironment = try await run(
      "atende-server", ["serve"], home: home, environment: ["ATENDE_CONFIG": home.root + "/missing.yaml"])
    #expect(viaEnvironment.status == 64)
    #expect(viaEnvironment.errors.contains("missing.yaml"))
  }

  @Test("atende top shows calls per second, errors and p99 per method from the admin listener's metrics")
  func top() async throws {
    let home = TemporaryHome()
    defer { home.remove() }
    let adminPort = try freeLoopbackPort()
    let (server, probe, _) = try await startAnswering(
      ["--no-auth", "--admin-port", "\(adminPort)", "--no-access-log"], home: home)
    defer { probe.close() }
    // Calls all along, from a few tasks (a busy machine runs each slowly).
    let load = Task {
      await withTaskGroup(of: Void.self) { group in
        for _ in 0..<4 {
          group.addTask {
            while !Task.isCancelled {
              _ = try? await Diagnostics.Client(probe).echo(EchoRequest(text: "busy"))
              _ = try? await TicketService.Client(probe).getTicket(GetTicketRequest(key: .id(424_242)))
            }
          }
        }
      }
    }
    let admin = "127.0.0.1:\(adminPort)"
    // Both at once; each interval is long enough for a loaded machine to finish some calls.
    async let jsonRun = run(
      "atende", ["top", "--admin", admin, "--interval", "2", "--count", "1", "--json"], home: home)
    async let textRun = run("atende", ["top", "--admin", admin, "--interval", "1.5", "--count", "2"], home: home)
    let (json, text) = try await (jsonRun, textRun)
    load.cancel()
    _ = await load.value
    _ = await server.terminate()

    #expect(json.status == 0, "\(json.errors)")
    let object = try jsonObject(json.output.trimmingCharacters(in: .whitespacesAndNewlines))
    let methods = try #require(object["methods"] as? [[String: Any]])
    let echo = try #require(methods.first { $0["method"] as? String == "atende.diagnostics.v1.Diagnostics/Echo" })
    #expect((echo["calls_per_second"] as? Double ?? 0) > 0)
    #expect(echo["errors_per_second"] as? Double == 0)
    #expect((echo["p99_seconds"] as? Double ?? 0) > 0)
    let get = try #require(methods.first { $0["method"] as? String == "atende.tickets.v1.TicketService/GetTicket" })
    #expect((get["errors_per_second"] as? Double ?? 0) > 0)  // NOT_FOUND

    #expect(text.status == 0, "\(text.errors)")
    #expect(text.output.components(separatedBy: "atende top  ").count == 3, "\(text.output)")  // two refreshes
    #expect(text.output.contains("CALLS/S"), "\(text.output)")

    let unreachable = try await run("atende", ["top", "--admin", "127.0.0.1:1", "--count", "1"], home: home)
    #expect(unreachable.status == 6)
    #expect(unreachable.errors.contains("--admin-port"))
  }

  @Test("--otlp-endpoint exports the server's spans over OTLP/HTTP, in the trace named by the caller's traceparent")
  func otlpExport() async throws {
    let home = TemporaryHome()
    defer { home.remove() }
    // A collector that keeps what arrives at /v1/traces.
    let received = Mutex<[UInt8]>([])
    let router = Router()
    router.post("v1/traces") { request, _ -> Response in
      let body = try await request.body.collect(upTo: 16 << 20)
      received.withLock { $0 += Array(body.readableBytesView) }
      return Response(status: .ok, headers: [.contentType: "application/x-protobuf"])
    }
    let (ports, listening) = AsyncStream<Int>.makeStream()
    let collector = Application(
      router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
      onServerRunning: { listening.yield($0.localAddress?.port ?? 0) })
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask { try await collector.run() }
      defer { group.cancelAll() }
      var iterator = ports.makeAsyncIterator()
      let collectorPort = try #require(await iterator.next())
      let (server, probe, _) = try await startAnswering(
        ["--no-auth", "--otlp-endpoint", "http://127.0.0.1:\(collectorPort)"], home: home)
      defer { probe.close() }
      let traceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
      _ = try await Diagnostics.Client(probe).echo(
        EchoRequest(text: "traced"), options: CallOptions(metadata: ["traceparent": traceParent]))
      let result = await server.terminate()  // the exporter sends what is left as the server stops
      #expect(result.status == 0, "\(result.errors)")
      let body = received.withLock { $0 }
      let traceID: [UInt8] = [
        0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36,
      ]
      let parentSpanID: [UInt8] = [0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7]
      #expect(body.contains(traceID), "\(body.count) bytes received")
      #expect(body.contains(parentSpanID))
      #expect(body.contains(Array("atende.diagnostics.v1.Diagnostics/Echo".utf8)))
      #expect(body.contains(Array("atende-server".utf8)))  // the service name
    }
  }

  @Test(
    "webhooks through the CLI on a real server: create (secret once), deliveries tried by the server, update, delete")
  func webhooks() async throws {
    let home = TemporaryHome()
    defer { home.remove() }
    let server = try await RunningServer(["--demo-data"], home: home)
    defer { server.stop() }
    let at = ["--server", server.address]
    // Nothing listens on port 9 of the loopback: every attempt is refused.
    let created = try await run(
      "atende",
      ["webhook", "create", "--name", "erp", "--url", "http://127.0.0.1:9/hooks", "--event", "created"] + at,
      home: home)
    #expect(created.status == 0, "\(created.errors)")
    let secret = created.output.trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(secret.hasPrefix("whsec_") && secret.count == 70)
    #expect(!server.log.contains(secret))
    let keyFile = home.database + ".webhook-key"
    #expect((try FileManager.default.attributesOfItem(atPath: keyFile)[.posixPermissions] as? Int) == 0o600)

    let opened = try await run(
      "atende",
      [
        "ticket", "open", "--client", "1001", "--department", "1", "--priority", "high", "--subject", "1", "--title",
        "Sem sinal", "--description", "Bairro sem conexão",
      ] + at, home: home)
    #expect(opened.status == 0, "\(opened.errors)")
    // The server's dispatcher tries the delivery within a few seconds.
    var delivery: [String: Any]?
    for _ in 0..<100 {
      let listed = try await run("atende", ["webhook", "deliveries", "--json"] + at, home: home)
      delivery = try listed.jsonLines().first
      if let attempts = delivery?["attempts"] as? Int, attempts >= 1 { break }
      try await Task.sleep(for: .milliseconds(100))
    }
    #expect(delivery?["attempts"] as? Int == 1, "\(String(describing: delivery))")
    #expect(delivery?["state"] as? String == "WEBHOOK_DELIVERY_STATE_PENDING")
    #expect(delivery?["eventKind"] as? String == "TICKET_EVENT_KIND_CREATED")
    #expect((delivery?["lastError"] as? String)?.isEmpty == false)
    let table = try await run("atende", ["webhook", "deliveries", "--state", "pending"] + at, home: home)
    #expect(table.output.contains("PENDING"), "\(table.output)")
    #expect(
      try await run("atende", ["webhook", "deliveries", "--state", "dead", "--json"] + at, home: home).output.isEmpty)

    let paused = try await run("atende", ["webhook", "update", "1", "--deactivate"] + at, home: home)
    #expect(paused.status == 0, "\(paused.errors)")
    #expect(paused.output.contains("no"))
    let listed = try await run("atende", ["webhook", "list"] + at, home: home)
    #expect(listed.output.contains("erp") && listed.output.contains("CREATED"), "\(listed.output)")
    let refused = try await run(
      "atende", ["webhook", "create", "--name", "x", "--url", "http://erp.example/"] + at, home: home)
    #expect(refused.status == 3 && refused.errors.contains("webhook.url"), "\(refused.errors)")
    let deleted = try await run("atende", ["webhook", "delete", "1"] + at, home: home)
    #expect(deleted.status == 0 && deleted.output.contains("Deleted webhook 1"))
    #expect(try await run("atende", ["webhook", "list", "--json"] + at, home: home).output.isEmpty)
  }
}

extension Array where Element == UInt8 {
  /// Whether `bytes` appear in a row.
  func contains(_ bytes: [UInt8]) -> Bool {
    guard !bytes.isEmpty, bytes.count <= count else { return bytes.isEmpty }
    return (0...(count - bytes.count)).contains { start in self[start..<(start + bytes.count)].elementsEqual(bytes) }
  }
}
