import AtendeAPI
import AtendeRPC
import AtendeServer
import NIOCore
import Synchronization
import Testing

/// Records what a server tells its observer.
final class RecordingObserver: ServerObserver {
  private let state = Mutex<
    (opened: Int, closed: Int, started: [String], finished: [FinishedCall], limits: [ServerLimit])
  >(
    (0, 0, [], [], []))

  func connectionOpened() { state.withLock { $0.opened += 1 } }
  func connectionClosed() { state.withLock { $0.closed += 1 } }
  func callStarted(_ method: MethodDescriptor) { state.withLock { $0.started.append(method.path) } }
  func callFinished(_ call: FinishedCall) { state.withLock { $0.finished.append(call) } }
  func limitReached(_ limit: ServerLimit) { state.withLock { $0.limits.append(limit) } }

  var opened: Int { state.withLock { $0.opened } }
  var closed: Int { state.withLock { $0.closed } }
  var started: [String] { state.withLock { $0.started } }
  var finished: [FinishedCall] { state.withLock { $0.finished } }
  var limits: [ServerLimit] { state.withLock { $0.limits } }

  /// Waits (up to 30 s, only a failure's bound) until `condition` holds.
  func wait(until condition: (RecordingObserver) -> Bool) async throws {
    let deadline = ContinuousClock.now.advanced(by: .seconds(30))
    while !condition(self) {
      guard ContinuousClock.now < deadline else { throw Probe.ProbeTimeout() }
      try await Task.sleep(for: .milliseconds(5))
    }
  }
}

@Suite("End to end: what the server tells its observer (metrics and access logs)")
struct ObserverTests {
  @Test("each call is reported once with its status, bytes and duration", arguments: TestTransport.allCases)
  func calls(transport: TestTransport) async throws {
    let observer = RecordingObserver()
    let probe = Probe()
    try await withTestServer(transport: transport, extra: [ProbeService(probe: probe)], observer: observer) {
      _, client, _ in
      let request = EchoRequest(payload: Array(repeating: 7, count: 100), text: "hello")
      let response = try await Diagnostics.Client(client).echo(request)
      let crashed = await #expect(throws: RPCError.self) {
        let _: EchoResponse = try await client.unary(request: EchoRequest(), method: ProbeService.crash)
      }
      #expect(crashed?.code == .internal)
      let task = Task {
        let _: EchoResponse = try await client.unary(request: EchoRequest(), method: ProbeService.wait)
      }
      try await probe.wait { $0.startedCount == 1 }
      task.cancel()
      try await observer.wait { $0.finished.count == 3 }

      #expect(observer.started == [Diagnostics.Method.echo.path, ProbeService.crash.path, ProbeService.wait.path])
      let finished = observer.finished
      #expect(finished.map(\.codeName) == ["OK", "INTERNAL", "CANCELLED"])
      let echo = finished[0]
      #expect(echo.method == Diagnostics.Method.echo)
      #expect(echo.requestBytes == (try request.serializedBytes().count))
      #expect(echo.responseBytes == (try response.serializedBytes().count))
      #expect(echo.duration > .zero)
      #expect(finished.allSatisfy { $0.identity == nil && !$0.callID.isEmpty })
      #expect(observer.limits.isEmpty)
      // One connection, or more when a loaded machine made the client replace it.
      #expect(observer.opened >= 1)
    }
    #expect(observer.closed == observer.opened)
  }

  @Test("a call the server ends at its deadline is DEADLINE_EXCEEDED, and the deadline is reported as a limit")
  func deadline() async throws {
    let observer = RecordingObserver()
    try await withTestServer(extra: [ProbeService(probe: Probe())], observer: observer) { _, _, port in
      // A raw client, which never cancels: the server's own deadline ends the call.
      let raw = try await RawConnection.connect(port: port)
      defer { raw.close() }
      try await raw.send(try Frames.hello())
      try await raw.send(try Frames.headers(1, method: ProbeService.wait.path, timeoutMicros: 50_000))
      try await raw.send(try Frames.message(1, EchoRequest()))
      try await observer.wait { $0.finished.count == 1 }
      #expect(observer.finished[0].code == .deadlineExceeded)
      #expect(observer.finished[0].duration >= .milliseconds(45))
      #expect(observer.limits == [.deadline])
    }
  }

  @Test("a streaming call counts every message's bytes", arguments: TestTransport.allCases)
  func streaming(transport: TestTransport) async throws {
    let observer = RecordingObserver()
    try await withTestServer(transport: transport, observer: observer) { _, client, _ in
      let sent = (0..<5).map { EchoRequest(text: "message \($0)") }
      let replies = try await Diagnostics.Client(client).echoChat(
        requests: { writer in for request in sent { try await writer.write(request) } },
        onResponses: { responses in
          var all: [EchoResponse] = []
          for try await response in responses { all.append(response) }
          return all
        })
      try await observer.wait { $0.finished.count == 1 }
      let call = observer.finished[0]
      #expect(call.code == nil)
      #expect(call.requestBytes == (try sent.map { try $0.serializedBytes().count }.reduce(0, +)))
      #expect(call.responseBytes == (try replies.map { try $0.serializedBytes().count }.reduce(0, +)))
    }
  }

  @Test("refusals are reported as limits, not as calls: unknown methods, too many calls, oversized frames")
  func limits() async throws {
    let observer = RecordingObserver()
    let probe = Probe()
    try await withTestServer(
      extra: [ProbeService(probe: probe)],
      configure: {
        $0.limits.maxConcurrentCallsPerConnection = 1
        $0.limits.maxFrameSize = 1024
      }, observer: observer
    ) { _, client, port in
      let unknown = MethodDescriptor(service: "atende.nothing.v1.Nope", method: "Missing", kind: .unary)
      await #expect(throws: RPCError.self) {
        let _: EchoResponse = try await client.unary(request: EchoRequest(), method: unknown)
      }
      let blocker = Task {
        let _: EchoResponse = try await client.unary(request: EchoRequest(), method: ProbeService.wait)
      }
      try await probe.wait { $0.startedCount == 1 }
      await #expect(throws: RPCError.self) { try await Diagnostics.Client(client).echo(EchoRequest()) }
      blocker.cancel()
      // The cancelled call ends before the next connection's refusal: the two are on
      // different connections, whose order nothing else fixes.
      try await observer.wait { $0.finished.count == 1 }
      let raw = try await RawConnection.connect(port: port)
      defer { raw.close() }
      try await raw.send(try Frames.hello())
      try await raw.send(try Frames.headers(1, method: Diagnostics.Method.echo.path))
      try await raw.send(try Frames.message(1, EchoRequest(payload: Array(repeating: 7, count: 4096))))
      try await observer.wait { $0.limits.contains(.frameSize) && $0.finished.count == 2 }
      #expect(observer.limits == [.unknownMethod, .concurrentCalls, .frameSize])
      #expect(observer.started == [ProbeService.wait.path, Diagnostics.Method.echo.path])
      #expect(observer.finished.map(\.codeName) == ["CANCELLED", "RESOURCE_EXHAUSTED"])
    }
  }

  @Test("a connection over the limit is reported")
  func connections() async throws {
    let observer = RecordingObserver()
    try await withTestServer(configure: { $0.limits.maxConnections = 1 }, observer: observer) { _, client, port in
      _ = try await Diagnostics.Client(client).echo(EchoRequest())
      let raw = try await RawConnection.connect(port: port)
      try await raw.waitForClose()
      #expect(observer.limits.contains(.connections))
      #expect(observer.opened >= 1)
    }
  }
}
