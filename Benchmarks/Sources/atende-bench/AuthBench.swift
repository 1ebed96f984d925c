import ArgumentParser
import AtendeAPI
import AtendeServer
import AtendeStore
import Foundation
import Logging

/// The authorization interceptor alone, in process: what it adds to a call that reaches
/// it with a cached API token (the usual case), without sockets or the other side's noise.
struct AuthBench: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "auth", abstract: "Nanoseconds the authorization interceptor adds to a call (in process).")

  @Option(help: "Calls per measurement.") var calls = 1_000_000
  @Option(help: "Tasks calling at once (each makes --calls calls), as the server's event loops do.") var tasks = 1

  func run() async throws {
    let store = try SQLiteStore.inMemory()
    try await store.insertAPIToken(
      APITokenRecord(
        id: "00000000be4c", name: "bench", secretDigest: APIToken.digest(Bench.token), scopes: Scope.all,
        departments: nil, createdAt: Date(), expiresAt: nil))
    let interceptor = try AuthInterceptor(
      configuration: AuthConfiguration(tokens: store, rateLimit: .init(callsPerSecond: 1e9, burst: 1e9)),
      methods: Diagnostics.Method.all)
    var metadata = Metadata()
    metadata.add("authorization", "Bearer \(Bench.token)")
    let context = ServerContext(
      method: Diagnostics.Method.echo, metadata: metadata,
      logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() }))
    let interceptors: [any ServerInterceptor] = [interceptor]
    let none: [any ServerInterceptor] = []
    let clock = ContinuousClock()

    let (calls, tasks) = (calls, tasks)
    /// Wall-clock nanoseconds per call of one task.
    func measure(_ chain: [any ServerInterceptor]) async throws -> Double {
      let start = clock.now
      try await withThrowingTaskGroup(of: Int.self) { group in
        for _ in 0..<tasks {
          group.addTask {
            var sink = 0
            for _ in 0..<calls {
              sink &+= try await chain.runForBenchmark(context: context) { $0.principal == nil ? 1 : 2 }
            }
            return sink
          }
        }
        let sink = try await group.reduce(0, +)
        precondition(sink > 0)
      }
      let elapsed = clock.now - start
      return Double(elapsed.components.attoseconds / 1_000_000_000 + elapsed.components.seconds * 1_000_000_000)
        / Double(calls)
    }
    _ = try await measure(interceptors)  // warm the cache
    let without = try await measure(none)
    let with = try await measure(interceptors)
    print(
      """
      {"benchmark":"auth-interceptor","calls":\(calls),"tasks":\(tasks),"ns_per_call_without":\((without * 10).rounded() / 10),\
      "ns_per_call_with":\((with * 10).rounded() / 10),"ns_added":\(((with - without) * 10).rounded() / 10)}
      """)
  }
}

extension Array where Element == any ServerInterceptor {
  /// Runs `body` inside every interceptor, first one outermost (as the server does).
  func runForBenchmark<Result: Sendable>(
    context: ServerContext, from index: Int = 0, _ body: (ServerContext) async throws -> Result
  ) async throws -> Result {
    guard index < count else { return try await body(context) }
    return try await self[index].intercept(context: context) { context in
      try await runForBenchmark(context: context, from: index + 1, body)
    }
  }
}
