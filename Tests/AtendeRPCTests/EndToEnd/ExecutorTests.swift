import AtendeAPI
import AtendeRPC
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// Reports, for each call, whether its handler ran on an event loop thread.
private struct WhereService: RPCService {
  static let unary = MethodDescriptor(service: "atende.testing.Where", method: "Unary", kind: .unary)
  static let stream = MethodDescriptor(service: "atende.testing.Where", method: "Stream", kind: .serverStreaming)
  static let flood = MethodDescriptor(service: "atende.testing.Where", method: "Flood", kind: .serverStreaming)

  var placement: ServerConfiguration.HandlerPlacement?
  var handlerPlacement: ServerConfiguration.HandlerPlacement? { placement }

  static func onEventLoop() -> String { MultiThreadedEventLoopGroup.currentEventLoop == nil ? "global" : "loop" }

  func registerMethods(with router: inout RPCRouter) {
    router.registerUnary(Self.unary) { (_: EchoRequest, _: ServerContext) -> EchoResponse in
      // After a real suspension too: the task resumes where it prefers to run.
      let before = Self.onEventLoop()
      try await Task.sleep(for: .milliseconds(1))
      return EchoResponse(text: before + "," + Self.onEventLoop())
    }
    router.registerServerStreaming(Self.stream) {
      (_: EchoRequest, responses: RPCWriter<EchoResponse>, _: ServerContext) in
      try await responses.write(EchoResponse(text: Self.onEventLoop()))
    }
    router.registerServerStreaming(Self.flood) {
      (_: EchoRequest, responses: RPCWriter<EchoResponse>, _: ServerContext) in
      while true { try await responses.write(EchoResponse(payload: [UInt8](repeating: 1, count: 512))) }
    }
  }
}

@Suite("End to end: where handlers run")
struct ExecutorTests {
  private func unaryPlace(_ client: RPCClient) async throws -> String {
    let response: EchoResponse = try await client.unary(request: EchoRequest(), method: WhereService.unary)
    return response.text
  }

  private func streamPlace(_ client: RPCClient) async throws -> String {
    try await client.serverStreaming(request: EchoRequest(), method: WhereService.stream) {
      (responses: RPCAsyncSequence<EchoResponse>) in
      var text = ""
      for try await response in responses { text = response.text }
      return text
    }
  }

  @Test("unary handlers run on the connection's event loop; streaming-response handlers do not")
  func defaultPlacement() async throws {
    try await withTestServer(extra: [WhereService()]) { _, client, _ in
      let unary = try await unaryPlace(client)
      let stream = try await streamPlace(client)
      #expect(unary == "loop,loop")
      #expect(stream == "global")
    }
  }

  @Test("a service or the configuration can keep handlers off the event loop")
  func globalPlacement() async throws {
    try await withTestServer(extra: [WhereService(placement: .globalExecutor)]) { _, client, _ in
      let place = try await unaryPlace(client)
      #expect(place == "global,global")
    }
    try await withTestServer(extra: [WhereService()], configure: { $0.handlerPlacement = .globalExecutor }) {
      _, client, _ in
      let place = try await unaryPlace(client)
      #expect(place == "global,global")
    }
  }

  @Test("a handler flooding responses does not keep its connection from serving other calls")
  func floodDoesNotStarve() async throws {
    try await withTestServer(extra: [WhereService()]) { _, client, _ in
      try await withThrowingTaskGroup(of: Void.self) { group in
        let started = Atomic<Int>(0)
        group.addTask {
          try await client.serverStreaming(request: EchoRequest(), method: WhereService.flood) {
            (responses: RPCAsyncSequence<EchoResponse>) in
            for try await _ in responses { started.add(1, ordering: .relaxed) }
          }
        }
        while started.load(ordering: .relaxed) < 100 { try await Task.sleep(for: .milliseconds(1)) }
        // Served promptly, these 20 calls take milliseconds; behind a loop that only
        // writes, they took seconds. The shared deadline is a liveness check, 30× the need.
        let deadline = ContinuousClock.now.advanced(by: .seconds(3))
        for _ in 0..<20 {
          let response: EchoResponse = try await client.unary(
            request: EchoRequest(text: "ping"), method: Diagnostics.Method.echo,
            options: CallOptions(timeout: deadline - ContinuousClock.now))
          #expect(response.text == "ping")
        }
        group.cancelAll()
      }
    }
  }

  @Test("calls made from a task on the client's executor complete there")
  func clientExecutor() async throws {
    try await withTestServer { _, client, _ in
      let task = Task(executorPreference: client.taskExecutor) {
        var places: [Bool] = []
        for index in 0..<50 {
          let response: EchoResponse = try await client.unary(
            request: EchoRequest(text: "\(index)"), method: Diagnostics.Method.echo)
          #expect(response.text == "\(index)")
          places.append(MultiThreadedEventLoopGroup.currentEventLoop != nil)
        }
        return places
      }
      let places = try await task.value
      #expect(places.count == 50 && places.allSatisfy { $0 })
    }
  }
}
