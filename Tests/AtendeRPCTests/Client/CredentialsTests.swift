import AtendeRPC
import Foundation
import Synchronization
import Testing

@Suite("Client credentials")
struct CredentialsTests {
  /// A clock moved by hand and a token source that counts its fetches.
  final class Source: Sendable {
    let date = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
    let fetches = Mutex(0)
    let failNext = Mutex(false)

    var now: Date { date.withLock { $0 } }

    func advance(by seconds: TimeInterval) { date.withLock { $0 = $0.addingTimeInterval(seconds) } }

    func fetch() async throws -> (token: String, expiresAt: Date) {
      let count = fetches.withLock { count in
        count += 1
        return count
      }
      let fail = failNext.withLock { fail in
        defer { fail = false }
        return fail
      }
      if fail { throw CancellationError() }
      return ("jwt-\(count)", now.addingTimeInterval(300))
    }
  }

  @Test("a refreshing provider fetches once, reuses the token, and fetches again shortly before it expires")
  func refreshes() async throws {
    let source = Source()
    let credentials = RefreshingCredentials(refreshBefore: .seconds(30), now: { source.now }) {
      try await source.fetch()
    }
    #expect(try await credentials.token() == "jwt-1")
    #expect(try await credentials.token() == "jwt-1")
    source.advance(by: 269)
    #expect(try await credentials.token() == "jwt-1")
    source.advance(by: 2)  // 29 s left: inside the margin
    #expect(try await credentials.token() == "jwt-2")
    #expect(source.fetches.withLock { $0 } == 2)
  }

  @Test("concurrent calls share one fetch; a failed fetch fails them and the next call fetches again")
  func sharedFetchAndFailure() async throws {
    let source = Source()
    let credentials = RefreshingCredentials(now: { source.now }) { try await source.fetch() }
    let tokens = try await withThrowingTaskGroup(of: String.self) { group in
      for _ in 0..<20 { group.addTask { try await credentials.token() } }
      return try await group.reduce(into: Set<String>()) { $0.insert($1) }
    }
    #expect(tokens == ["jwt-1"])
    #expect(source.fetches.withLock { $0 } == 1)

    source.advance(by: 3600)
    source.failNext.withLock { $0 = true }
    await #expect(throws: CancellationError.self) { _ = try await credentials.token() }
    #expect(try await credentials.token() == "jwt-3")
  }

  @Test("a static provider returns its token")
  func staticToken() async throws {
    #expect(try await StaticCredentials(token: "atd_x").token() == "atd_x")
  }
}
