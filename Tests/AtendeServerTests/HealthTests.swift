import AtendeAPI
import AtendeServer
import AtendeStore
import AtendeStoreTestSupport
import Foundation
import Logging
import Synchronization
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

@Suite("Health that tells the truth")
struct HealthTests {
  final class Counter: Sendable {
    let value = Atomic(0)
    let ready = Atomic(true)
  }

  @Test("SERVING while the probe succeeds; NOT_SERVING while it fails or hangs, and from the drain on")
  func status() async throws {
    let counter = Counter()
    let health = ServerHealth(probeInterval: .zero) {
      counter.value.add(1, ordering: .relaxed)
      return counter.ready.load(ordering: .relaxed)
    }
    #expect(await health.status() == .serving)
    counter.ready.store(false, ordering: .relaxed)
    #expect(await health.status() == .notServing)
    counter.ready.store(true, ordering: .relaxed)
    #expect(await health.status() == .serving)
    health.beginDraining()
    #expect(health.isDraining)
    #expect(await health.status() == .notServing)
    #expect(counter.value.load(ordering: .relaxed) == 3)  // a draining server does not probe

    let hanging = ServerHealth(probeInterval: .zero, probeTimeout: .milliseconds(20)) {
      try? await Task.sleep(for: .seconds(3600))
      return true
    }
    #expect(await hanging.status() == .notServing)
  }

  @Test("the probe's answer is reused within its interval, however many checks arrive")
  func probeReuse() async throws {
    let counter = Counter()
    let health = ServerHealth(probeInterval: .seconds(3600)) {
      counter.value.add(1, ordering: .relaxed)
      return true
    }
    for _ in 0..<100 { #expect(await health.status() == .serving) }
    #expect(counter.value.load(ordering: .relaxed) == 1)
  }

  @Test(
    "a drain turns health NOT_SERVING, told to watchers, while the listener still accepts connections; then it closes"
  )
  func drain() async throws {
    try await withStore(.sqlite) { store in
      try await DemoData.load(into: store)
      var configuration = ServerConfiguration(host: "127.0.0.1", port: 0)
      configuration.timeouts.shutdownGracePeriod = .seconds(3600)  // a watch held to it would hang the test
      let server = try AtendeServer.makeServer(
        configuration: configuration, store: store, files: try temporaryFileStorage(), auth: nil,
        logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
      let acceptingAtDrain = Mutex<Bool?>(nil)
      try await withRPCServer(server) { server in
        let port = try await server.listeningPort()
        server.onGracefulShutdown(.beforeRefusingCalls) {
          acceptingAtDrain.withLock { $0 = canConnect(port: port) }
        }
        let client = RPCClient(host: "127.0.0.1", port: port)
        defer { client.close() }
        let diagnostics = Diagnostics.Client(client)
        #expect(try await diagnostics.check(HealthCheckRequest()).status == .serving)
        #expect(
          try await diagnostics.check(HealthCheckRequest(service: "atende.tickets.v1.TicketService")).status
            == .serving)
        #expect(try await diagnostics.check(HealthCheckRequest(service: "nope")).status == .serviceUnknown)

        let statuses = try await diagnostics.watch(HealthCheckRequest()) { stream in
          var statuses: [HealthCheckResponse.ServingStatus] = []
          for try await response in stream {
            statuses.append(response.status)
            if statuses.count == 1 { server.beginGracefulShutdown() }
          }
          return statuses
        }
        // SERVING, then NOT_SERVING at the drain, and the stream ended (it did not wait
        // for the grace period).
        #expect(statuses == [.serving, .notServing])
      }
      #expect(acceptingAtDrain.withLock { $0 } == true)
    }
  }
}

@Suite("Clients watching health")
struct HealthWatchingClientTests {
  /// A server named `name` (its ServerInfo label) over `store`, on a free loopback port.
  static func server(
    _ name: String, store: any AtendeStore, drainDelay: Duration = .zero, health: ServerHealth? = nil
  ) throws -> RPCServer {
    var configuration = ServerConfiguration(host: "127.0.0.1", port: 0)
    configuration.timeouts.drainDelay = drainDelay
    return try AtendeServer.makeServer(
      configuration: configuration, store: store, files: try temporaryFileStorage(), labels: ["name": name],
      auth: nil, health: health, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
  }

  /// The name of the server that answers `client`'s next call.
  static func answering(_ client: RPCClient) async throws -> String {
    try await Diagnostics.Client(client).getServerInfo(GetServerInfoRequest()).labels["name"] ?? "?"
  }

  /// Calls until `count` calls in a row are answered by `name` (true), or 30 s pass.
  static func settles(on name: String, count: Int = 12, _ client: RPCClient) async throws -> Bool {
    let deadline = ContinuousClock.now.advanced(by: .seconds(30))
    var run = 0
    while run < count && ContinuousClock.now < deadline {
      run = try await answering(client) == name ? run + 1 : 0
      if run == 0 { try await Task.sleep(for: .milliseconds(20)) }
    }
    return run >= count
  }

  /// Calls until one is answered by `name` (true), or 30 s pass.
  static func reaches(_ name: String, _ client: RPCClient) async throws -> Bool {
    let deadline = ContinuousClock.now.advanced(by: .seconds(30))
    while ContinuousClock.now < deadline {
      if try await answering(client) == name { return true }
      try await Task.sleep(for: .milliseconds(10))
    }
    return false
  }

  static func watching(_ endpoints: [Endpoint]) -> RPCClient {
    var configuration = ClientConfiguration()
    configuration.healthWatch = .atende
    return RPCClient(endpoints: endpoints, configuration: configuration)
  }

  @Test(
    "while a server drains (health NOT_SERVING, calls still taken), a watching client sends new calls to the other; one that does not watch goes on calling it"
  )
  func drainingServerAvoided() async throws {
    try await withStore(.sqlite) { store in
      let draining = try Self.server("a", store: store, drainDelay: .seconds(3600))
      let other = try Self.server("b", store: store)
      try await withRPCServer(draining) { draining in
        try await withRPCServer(other) { other in
          let endpoints = [
            Endpoint(host: "127.0.0.1", port: try await draining.listeningPort()),
            Endpoint(host: "127.0.0.1", port: try await other.listeningPort()),
          ]
          let watching = Self.watching(endpoints)
          let plain = RPCClient(endpoints: endpoints)
          let alone = Self.watching([endpoints[0]])
          defer { [watching, plain, alone].forEach { $0.close() } }
          // Both servers take calls, round-robin.
          for client in [watching, plain] {
            #expect(try await Self.reaches("a", client))
            #expect(try await Self.reaches("b", client))
          }
          #expect(try await Self.answering(alone) == "a")

          draining.beginGracefulShutdown()
          #expect(try await Diagnostics.Client(alone).check(HealthCheckRequest()).status == .notServing)
          // The watching client learns it at once and calls only the other server...
          #expect(try await Self.settles(on: "b", watching))
          for _ in 0..<20 { #expect(try await Self.answering(watching) == "b") }
          // ...while the draining server still takes calls: from a client that does not
          // watch, and from one that has no other server to call.
          #expect(try await Self.reaches("a", plain))
          for _ in 0..<5 { #expect(try await Self.answering(alone) == "a") }
          // A second request ends the drain delay: the listener closes, run() returns.
        }
      }
    }
  }

  @Test("a drain delay keeps the listener open that long after health turns NOT_SERVING; a second request ends it")
  func drainDelay() async throws {
    try await withStore(.sqlite) { store in
      // A long delay: calls and connections are still taken; a second request ends it.
      let held = try Self.server("a", store: store, drainDelay: .seconds(3600))
      try await withRPCServer(held) { server in
        let port = try await server.listeningPort()
        let client = RPCClient(host: "127.0.0.1", port: port)
        defer { client.close() }
        #expect(try await Diagnostics.Client(client).check(HealthCheckRequest()).status == .serving)
        server.beginGracefulShutdown()
        #expect(try await Diagnostics.Client(client).check(HealthCheckRequest()).status == .notServing)
        #expect(canConnect(port: port))
        server.beginGracefulShutdown()
        #expect(try await Self.listenerCloses(port: port))
      }
      // A short one: the listener closes, not before the delay has passed.
      let brief = try Self.server("b", store: store, drainDelay: .milliseconds(400))
      try await withRPCServer(brief) { server in
        let port = try await server.listeningPort()
        let began = ContinuousClock.now
        server.beginGracefulShutdown()
        #expect(try await Self.listenerCloses(port: port))
        #expect(ContinuousClock.now - began >= .milliseconds(400))
      }
    }
  }

  /// Whether 127.0.0.1:`port` stops accepting connections within 30 s.
  static func listenerCloses(port: Int) async throws -> Bool {
    let deadline = ContinuousClock.now.advanced(by: .seconds(30))
    while canConnect(port: port) && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
    return !canConnect(port: port)
  }

  @Test("a server that cannot read its database is avoided by a watching client, and called again once it can")
  func unreadyServerAvoidedThenReturnedTo() async throws {
    try await withStore(.sqlite) { store in
      let ready = Atomic(true)
      let health = ServerHealth(probeInterval: .milliseconds(50)) { ready.load(ordering: .relaxed) }
      let flaky = try Self.server("a", store: store, health: health)
      let other = try Self.server("b", store: store)
      try await withRPCServer(flaky) { flaky in
        try await withRPCServer(other) { other in
          let watching = Self.watching([
            Endpoint(host: "127.0.0.1", port: try await flaky.listeningPort()),
            Endpoint(host: "127.0.0.1", port: try await other.listeningPort()),
          ])
          defer { watching.close() }
          #expect(try await Self.reaches("a", watching))
          #expect(try await Self.reaches("b", watching))

          ready.store(false, ordering: .relaxed)
          #expect(try await Self.settles(on: "b", watching))
          ready.store(true, ordering: .relaxed)
          // Serving again: it gets its share of the calls back.
          #expect(try await Self.reaches("a", watching))
        }
      }
    }
  }

  @Test("close() ends the watches: the server's connections close and its shutdown does not wait for them")
  func closeEndsWatches() async throws {
    try await withStore(.sqlite) { store in
      let connections = ConnectionCounter()
      var configuration = ServerConfiguration(host: "127.0.0.1", port: 0)
      configuration.timeouts.shutdownGracePeriod = .seconds(3600)
      let server = try AtendeServer.makeServer(
        configuration: configuration, store: store, files: try temporaryFileStorage(), auth: nil,
        observers: [connections], logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
      try await withRPCServer(server) { server in
        let client = Self.watching([Endpoint(host: "127.0.0.1", port: try await server.listeningPort())])
        _ = try await Self.answering(client)
        #expect(connections.open.load(ordering: .relaxed) == 1)
        client.close()
        let deadline = ContinuousClock.now.advanced(by: .seconds(30))
        while connections.open.load(ordering: .relaxed) > 0 && ContinuousClock.now < deadline {
          try await Task.sleep(for: .milliseconds(20))
        }
        #expect(connections.open.load(ordering: .relaxed) == 0)
      }
    }
  }
}

/// Counts the connections a server has open.
final class ConnectionCounter: ServerObserver {
  let open = Atomic(0)
  func connectionOpened() { open.add(1, ordering: .relaxed) }
  func connectionClosed() { open.subtract(1, ordering: .relaxed) }
}

/// Whether a TCP connection to 127.0.0.1:`port` is accepted now.
private func canConnect(port: Int) -> Bool {
  #if canImport(Glibc)
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
  #else
    let descriptor = socket(AF_INET, SOCK_STREAM, 0)
  #endif
  guard descriptor >= 0 else { return false }
  defer { close(descriptor) }
  var address = sockaddr_in()
  address.sin_family = sa_family_t(AF_INET)
  address.sin_addr.s_addr = inet_addr("127.0.0.1")
  address.sin_port = in_port_t(UInt16(port).bigEndian)
  return withUnsafePointer(to: &address) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
      connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
    }
  }
}
