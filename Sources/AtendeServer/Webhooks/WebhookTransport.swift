public import AsyncHTTPClient
internal import AtendeAPI
public import AtendeDomain
internal import Foundation
internal import NIOCore
internal import NIOHTTP1

/// Sends one webhook request. The server's is ``HTTPWebhookTransport``; tests give fakes.
public protocol WebhookTransport: Sendable {
  /// POSTs `body` to `url` with `headers`, waiting at most `timeout`, and says how it went.
  func post(url: String, headers: [(String, String)], body: [UInt8], timeout: Duration) async
    -> WebhookAttemptOutcome
}

/// Webhook requests over HTTP(S) with AsyncHTTPClient: redirects are not followed (the
/// subscription names the endpoint), the answer's body is read up to 64 KiB and dropped.
public final class HTTPWebhookTransport: WebhookTransport {
  let client: HTTPClient

  public init() {
    var configuration = HTTPClient.Configuration()
    configuration.redirectConfiguration = .disallow
    configuration.decompression = .disabled
    // A refused connection is a failed attempt at once (the next comes with the backoff),
    // not retried until the timeout.
    configuration.connectionPool.retryConnectionEstablishment = false
    client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
  }

  /// Closes the client's connections.
  public func shutdown() async throws {
    try await client.shutdown()
  }

  public func post(url: String, headers: [(String, String)], body: [UInt8], timeout: Duration) async
    -> WebhookAttemptOutcome
  {
    var request = HTTPClientRequest(url: url)
    request.method = .POST
    request.headers.add(name: "Content-Type", value: "application/json")
    request.headers.add(name: "User-Agent", value: "atende-webhooks/\(AtendeVersion.current)")
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    request.body = .bytes(ByteBuffer(bytes: body))
    let seconds = timeout.components.seconds
    let nanoseconds = timeout.components.attoseconds / 1_000_000_000
    do {
      let response = try await client.execute(request, timeout: .seconds(seconds) + .nanoseconds(nanoseconds))
      _ = try? await response.body.collect(upTo: 64 * 1024)
      let status = Int(response.status.code)
      if (200..<300).contains(status) { return .delivered(status: status) }
      return .failed(status: status, error: "the receiver answered \(status) \(response.status.reasonPhrase)")
    } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
      return .failed(status: 0, error: "no answer within \(timeout)")
    } catch {
      return .failed(status: 0, error: "\(error)")
    }
  }
}
