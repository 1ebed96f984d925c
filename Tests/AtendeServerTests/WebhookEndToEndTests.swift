import AtendeAPI
import AtendeServer
import AtendeStore
import AtendeStoreTestSupport
import Foundation
import Hummingbird
import Logging
import Synchronization
import Testing

import enum AtendeDomain.WebhookRules

/// A local HTTP receiver of webhooks (Hummingbird, on a loopback port): POST /ok answers
/// 204, /fail 500, /slow 200 once the test ends (at most 10 seconds later); it records
/// what reached it. It stops once every request is answered (a server stopped in the
/// middle of one aborts the process).
final class WebhookReceiver: Sendable {
  struct Received: Sendable {
    var path: String
    var signature: String
    var sequence: String
    var body: [UInt8]
  }

  private let log = Mutex<[Received]>([])
  /// Requests being answered (the slow ones outlive the sender's timeout).
  fileprivate let inFlight = Mutex(0)
  /// Set when the test ends: slow requests are answered then.
  fileprivate let closing = Mutex(false)

  var received: [Received] { log.withLock { $0 } }

  /// Runs a receiver during `body`, with its port.
  static func run<Result: Sendable>(_ body: (WebhookReceiver, Int) async throws -> Result) async throws -> Result {
    let receiver = WebhookReceiver()
    let router = Router()
    for (path, status, slow) in [
      ("ok", HTTPResponse.Status.noContent, false), ("fail", .internalServerError, false), ("slow", .ok, true),
    ] {
      router.post(RouterPath(stringLiteral: path)) { request, _ -> HTTPResponse.Status in
        receiver.inFlight.withLock { $0 += 1 }
        defer { receiver.inFlight.withLock { $0 -= 1 } }
        let body = try await request.body.collect(upTo: 1 << 20)
        receiver.log.withLock {
          $0.append(
            Received(
              path: path, signature: request.headers.first { $0.name.canonicalName == "atende-signature" }?.value ?? "",
              sequence: request.headers.first { $0.name.canonicalName == "atende-event-sequence" }?.value ?? "",
              body: Array(buffer: body)))
        }
        for _ in 0..<(slow ? 200 : 0) where !receiver.closing.withLock({ $0 }) {
          try await Task.sleep(for: .milliseconds(50))
        }
        return status
      }
    }
    let (ports, port) = AsyncStream.makeStream(of: Int.self)
    let app = Application(
      router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
      onServerRunning: { channel in port.yield(channel.localAddress?.port ?? 0) },
      logger: Logger(label: "receiver", factory: { _ in SwiftLogNoOpLogHandler() }))
    return try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask { try await app.run() }
      var iterator = ports.makeAsyncIterator()
      let listening = await iterator.next() ?? 0
      let result: Result
      do {
        result = try await body(receiver, listening)
      } catch {
        await receiver.settle()
        group.cancelAll()
        throw error
      }
      await receiver.settle()
      group.cancelAll()
      return result
    }
  }
}

extension WebhookReceiver {
  /// Returns once no request is being answered (at most 10 seconds).
  func settle() async {
    closing.withLock { $0 = true }
    for _ in 0..<200 where inFlight.withLock({ $0 }) > 0 {
      try? await Task.sleep(for: .milliseconds(50))
    }
  }
}

@Suite("Webhooks end to end: the API, a real HTTP receiver, slow and failing ones")
struct WebhookEndToEndTests {
  @Test(
    "create, deliver signed over HTTP, back off on 500 and on no answer, list the dead, replay",
    arguments: Engine.available)
  func endToEnd(engine: Engine) async throws {
    let clock = ManualClock()
    try await withStore(engine, now: { clock.now }) { store in
      try await DemoData.load(into: store)
      let auth = try await TestAuth(store)
      let key = WebhookKey.random()
      let server = try AtendeServer.makeServer(
        configuration: inProcessOnly, store: store, files: try temporaryFileStorage(), webhookKey: key,
        auth: auth.configuration, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
      try await withRPCServer(server) { server in
        let client = RPCClient(inProcess: server, configuration: auth.adminClient)
        defer { client.close() }
        let webhooks = WebhookService.Client(client)
        try await WebhookReceiver.run { receiver, port in
          let base = "http://127.0.0.1:\(port)/"
          var secrets: [String: String] = [:]
          var ids: [String: Int64] = [:]
          for name in ["ok", "fail", "slow"] {
            let created = try await webhooks.createWebhook(
              CreateWebhookRequest(
                webhook: Webhook(name: name, url: base + name, eventKinds: [.created], active: true)))
            secrets[name] = created.secret
            ids[name] = created.webhook?.id
            #expect(created.secret.hasPrefix("whsec_"))
          }
          let bad = await failure {
            _ = try await webhooks.createWebhook(
              CreateWebhookRequest(webhook: Webhook(name: "plain", url: "http://erp.example/hook", active: true)))
          }
          #expect(bad?.code == .invalidArgument && bad?.fieldViolations.first?.field == "webhook.url")
          let taken = await failure {
            _ = try await webhooks.createWebhook(
              CreateWebhookRequest(webhook: Webhook(name: "OK", url: base + "ok", active: true)))
          }
          #expect(taken?.code == .alreadyExists)
          #expect(
            try await webhooks.listWebhooks(ListWebhooksRequest()).webhooks.map(\.name) == ["ok", "fail", "slow"])

          let opened = try await TicketService.Client(client).createTicket(CreateTicketRequest(ticket: ticket()))
          let transport = HTTPWebhookTransport()
          let dispatcher = testDispatcher(store, key: key, transport: transport, timeout: .seconds(2), clock: clock)
          do {
            try await exercise(dispatcher)
          } catch {
            try? await transport.shutdown()
            throw error
          }
          try await transport.shutdown()

          func exercise(_ dispatcher: WebhookDispatcher) async throws {
            var pass = try await dispatcher.runOnce()
            #expect(pass.enqueued == 3 && pass.attempted == 3 && pass.delivered == 1)
            let delivered = try #require(receiver.received.first { $0.path == "ok" })
            #expect(WebhookSignature.verify(header: delivered.signature, secret: secrets["ok"]!, body: delivered.body))
            let event = try TicketEvent(jsonString: String(decoding: delivered.body, as: UTF8.self))
            #expect(
              event.kind == .created && event.ticket?.id == opened.id && String(event.sequence) == delivered.sequence)

            let pending = try await webhooks.listWebhookDeliveries(ListWebhookDeliveriesRequest(state: .pending))
            let byWebhook = Dictionary(uniqueKeysWithValues: pending.deliveries.map { ($0.webhookId, $0) })
            #expect(byWebhook[ids["fail"]!]?.lastStatus == 500 && byWebhook[ids["fail"]!]?.attempts == 1)
            #expect(byWebhook[ids["slow"]!]?.lastStatus == 0)
            #expect(byWebhook[ids["slow"]!]?.lastError.contains("no answer") == true)
            // The slow receiver is paused: its delivery waits, its attempts uncounted.
            let slow = try await webhooks.getWebhook(GetWebhookRequest(id: ids["slow"]!))
            var paused = slow
            paused.active = false
            _ = try await webhooks.updateWebhook(UpdateWebhookRequest(webhook: paused, expectedVersion: slow.version))

            // Every attempt of the failing one fails until its delivery dies.
            for wait in WebhookRules.retryDelays {
              clock.advance(by: wait)
              pass = try await dispatcher.runOnce()
              #expect(pass.attempted == 1)
            }
            #expect(pass.dead == 1)
            let dead = try await webhooks.listWebhookDeliveries(ListWebhookDeliveriesRequest(state: .dead))
            #expect(dead.deliveries.map(\.webhookId) == [ids["fail"]!])
            let held = try await webhooks.listWebhookDeliveries(
              ListWebhookDeliveriesRequest(webhookId: ids["slow"]!, state: .pending))
            #expect(held.deliveries.map(\.attempts) == [1])
            #expect(receiver.received.filter { $0.path == "slow" }.count == 1)
            #expect(dead.deliveries.allSatisfy { $0.attempts == 8 && $0.ticketId == opened.id })

            // Replayed: pending again, one more attempt at the next pass.
            let replayed = try await webhooks.replayWebhookDeliveries(
              ReplayWebhookDeliveriesRequest(webhookId: ids["fail"]!))
            #expect(replayed.replayed == 1)
            #expect(try await dispatcher.runOnce().attempted == 1)
            #expect(receiver.received.filter { $0.path == "fail" }.count == 9)

            // A rotated secret signs what follows; a deleted webhook receives nothing more.
            let current = try await webhooks.getWebhook(GetWebhookRequest(id: ids["ok"]!))
            let rotated = try await webhooks.rotateWebhookSecret(
              RotateWebhookSecretRequest(id: current.id, expectedVersion: current.version))
            #expect(rotated.secret != secrets["ok"] && rotated.webhook?.secretGeneration == 2)
            for name in ["fail", "slow"] {
              let webhook = try await webhooks.getWebhook(GetWebhookRequest(id: ids[name]!))
              _ = try await webhooks.deleteWebhook(
                DeleteWebhookRequest(id: webhook.id, expectedVersion: webhook.version))
            }
            _ = try await TicketService.Client(client).createTicket(CreateTicketRequest(ticket: ticket(title: "Outro")))
            #expect(try await dispatcher.runOnce().delivered == 1)
            let last = try #require(receiver.received.last)
            #expect(last.path == "ok")
            #expect(WebhookSignature.verify(header: last.signature, secret: rotated.secret, body: last.body))
          }
        }
      }
    }
  }

  @Test("without a webhook key the service says webhooks are off")
  func disabled() async throws {
    try await withAtendeServer { client, _ in
      let error = await failure {
        _ = try await WebhookService.Client(client).listWebhooks(ListWebhooksRequest())
      }
      #expect(error?.code == .failedPrecondition && error?.reason == "WEBHOOKS_DISABLED")
    }
  }
}
