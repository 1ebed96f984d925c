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
