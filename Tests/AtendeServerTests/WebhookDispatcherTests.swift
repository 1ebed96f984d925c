import AtendeDomain
import AtendeServer
import AtendeStore
import AtendeStoreTestSupport
import Foundation
import Logging
import Synchronization
import Testing

/// A transport that records each request and answers by URL: 204 unless the URL is in
/// `failing` (500).
final class RecordingTransport: WebhookTransport {
  struct Request: Sendable {
    var url: String
    var headers: [String: String]
    var body: [UInt8]
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
  }

  private let state = Mutex<(requests: [Request], failing: Set<String>)>(([], []))

  var requests: [Request] { state.withLock { $0.requests } }

  func setFailing(_ urls: Set<String>) { state.withLock { $0.failing = urls } }

  func post(url: String, headers: [(String, String)], body: [UInt8], timeout: Duration) async -> WebhookAttemptOutcome {
    let failing = state.withLock { state in
      state.requests.append(
        Request(url: url, headers: Dictionary(headers, uniquingKeysWith: { _, last in last }), body: body))
      return state.failing.contains(url)
    }
    return failing ? .failed(status: 500, error: "the receiver answered 500") : .delivered(status: 204)
  }
}

/// A dispatcher over `store` on the manual `clock`, logging nothing.
func testDispatcher(
  _ store: any ContractStore, key: WebhookKey, transport: any WebhookTransport, timeout: Duration = .seconds(10),
  clock: ManualClock
) -> WebhookDispatcher {
  WebhookDispatcher(
    store: store, key: key, transport: transport, timeout: timeout, now: { clock.now },
    logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
}

@Suite("Webhook deliveries (dispatcher, manual clock)")
struct WebhookDispatcherTests {
  static let ok = "https://erp.example/hooks/atende"
  static let failing = "https://billing.example/hooks/atende"

  private func open(_ store: any ContractStore, department: Int64, title: String) async throws -> AtendeDomain.Ticket {
    var fields = TicketFields()
    fields.kind = .client
    fields.clientID = 1001
    fields.contractID = 5001
    fields.subjectID = try await subjectID(named: department == 1 ? "Sem conexão" : "Troca de plano", in: store)
    fields.departmentID = department
    fields.priority = .normal
    fields.title = title
    fields.description = "Descrição de \(title)"
    return try await store.createTicket(fields, actor: "atendente")
  }

  @Test(
    "events become signed deliveries once per webhook; failures back off, go dead, and are replayed",
    arguments: Engine.available)
  func deliveries(engine: Engine) async throws {
    let clock = ManualClock()
    try await withStore(engine, now: { clock.now }) { store in
      try await DemoData.load(into: store)
      let key = WebhookKey.random()
      let transport = RecordingTransport()
      transport.setFailing([Self.failing])
      let dispatcher = testDispatcher(store, key: key, transport: transport, clock: clock)
      // An event before the webhooks exist is not delivered.
      _ = try await open(store, department: 1, title: "Antes")
      let everything = try await store.createWebhook(
        AtendeDomain.Webhook(name: "erp", url: Self.ok), actor: "admin")
      let sac = try await store.createWebhook(
        AtendeDomain.Webhook(name: "billing", url: Self.failing, eventKinds: [.statusChanged], departmentIDs: [2]),
        actor: "admin")
      #expect(everything.cursor > 0 && everything.secretGeneration == 1)

      let support = try await open(store, department: 1, title: "Sem sinal")
      let billing = try await open(store, department: 2, title: "Cobrança em dobro")
      _ = try await store.changeTicketStatus(
        id: billing.id, expectedVersion: billing.version, to: .inProgress, message: "Verificando", actor: "atendente")

      var pass = try await dispatcher.runOnce()
      #expect(pass.enqueued == 4)  // three events for erp, the status change for billing
      #expect(pass.attempted == 4 && pass.delivered == 3)
      let delivered = transport.requests.filter { $0.url == Self.ok }
      #expect(
        delivered.map { $0.json["kind"] as? String } == [
          "TICKET_EVENT_KIND_CREATED", "TICKET_EVENT_KIND_CREATED", "TICKET_EVENT_KIND_STATUS_CHANGED",
        ])
      #expect(
        delivered.compactMap { ($0.json["ticket"] as? [String: Any])?["id"] as? String } == [
          String(support.id), String(billing.id), String(billing.id),
        ])
      for request in delivered {
        #expect(request.headers["Atende-Webhook-Id"] == String(everything.id))
        #expect(request.headers["Atende-Event-Sequence"] == request.json["sequence"] as? String)
        let signature = try #require(request.headers["Atende-Signature"])
        #expect(signature.hasPrefix("t=\(Int64(clock.now.timeIntervalSince1970)),v1="))
        #expect(WebhookSignature.verify(header: signature, secret: key.secret(for: everything), body: request.body))
        #expect(!WebhookSignature.verify(header: signature, secret: key.secret(for: sac), body: request.body))
      }

      // Nothing new, nothing due: a pass sends nothing.
      pass = try await dispatcher.runOnce()
      #expect(pass == WebhookDispatcher.Pass())
      // The failing receiver is tried again on the backoff schedule, then the delivery dies.
      var attempts = 1
      for wait in WebhookRules.retryDelays {
        clock.advance(by: wait - 1)
        #expect(try await dispatcher.runOnce().attempted == 0)
        clock.advance(by: 1)
        pass = try await dispatcher.runOnce()
        attempts += 1
        #expect(pass.attempted == 1)
      }
      #expect(attempts == WebhookRules.maxAttempts && pass.dead == 1)
      #expect(
        transport.requests.filter { $0.url == Self.failing }.map { $0.headers["Atende-Delivery-Attempt"] }
          == (1...8).map(String.init))
      let dead = try await store.webhookDeliveries(webhookID: sac.id, state: .dead, page: PageRequest()).items
      #expect(dead.count == 1 && dead[0].attempts == 8 && dead[0].lastStatus == 500)
      #expect(dead[0].eventKind == .statusChanged && dead[0].ticketID == billing.id)
      clock.advance(by: 86_400)
      #expect(try await dispatcher.runOnce().attempted == 0)

      // Replayed once the receiver is fixed: delivered, with the same event.
      transport.setFailing([])
      #expect(try await store.replayWebhookDeliveries(webhookID: sac.id, ids: [], at: clock.now) == 1)
      pass = try await dispatcher.runOnce()
      #expect(pass.delivered == 1)
      #expect(transport.requests.last?.body == transport.requests.first { $0.url == Self.failing }?.body)
      #expect(try await store.webhookDeliveries(webhookID: sac.id, state: .dead, page: PageRequest()).items.isEmpty)

      // An inactive webhook receives nothing of what happens meanwhile, even once active again.
      var paused = try await store.webhook(id: everything.id)
      paused.active = false
      paused = try await store.updateWebhook(paused, expectedVersion: paused.version, rotateSecret: false, actor: "a")
      _ = try await open(store, department: 1, title: "Durante a pausa")
      let before = transport.requests.count
      #expect(try await dispatcher.runOnce().attempted == 0)
      paused.active = true
      _ = try await store.updateWebhook(paused, expectedVersion: paused.version, rotateSecret: true, actor: "a")
      #expect(try await dispatcher.runOnce().attempted == 0)
      #expect(transport.requests.count == before)

      // Two servers' dispatchers at once deliver each event once.
      let other = testDispatcher(store, key: key, transport: transport, clock: clock)
      let last = try await open(store, department: 1, title: "Dois servidores")
      async let first = dispatcher.runOnce()
      async let second = other.runOnce()
      let passes = try await [first, second]
      #expect(passes.map(\.delivered).reduce(0, +) == 1)
      let forLast = transport.requests.filter {
        ($0.json["ticket"] as? [String: Any])?["id"] as? String == String(last.id)
      }
      #expect(forLast.count == 1)
      // After a rotation, the new secret signs.
      let rotated = try await store.webhook(id: everything.id)
      #expect(rotated.secretGeneration == 2)
      #expect(key.secret(for: rotated) != key.secret(for: everything))
      let signature = try #require(forLast.first?.headers["Atende-Signature"])
      #expect(WebhookSignature.verify(header: signature, secret: key.secret(for: rotated), body: forLast[0].body))
    }
  }

  @Test(
    "a changed webhook's cursor moves only at its new version; only the lease holder records an attempt",
    arguments: Engine.available)
  func guards(engine: Engine) async throws {
    let clock = ManualClock()
    try await withStore(engine, now: { clock.now }) { store in
      try await DemoData.load(into: store)
      let webhook = try await store.createWebhook(AtendeDomain.Webhook(name: "erp", url: Self.ok), actor: "admin")
      let ticket = try await open(store, department: 1, title: "Sem sinal")
      let sequence = try #require(try await store.events(after: webhook.cursor, limit: 10).last?.sequence)

      // The webhook changes between a dispatcher's read and its write: the write is refused.
      var changed = webhook
      changed.eventKinds = [.statusChanged]
      let current = try await store.updateWebhook(
        changed, expectedVersion: webhook.version, rotateSecret: false, actor: "a")
      let delivery = AtendeDomain.WebhookDelivery(
        webhookID: webhook.id, eventSequence: sequence, eventKind: .created, ticketID: ticket.id, body: "{}",
        nextAttemptAt: clock.now, createdAt: clock.now)
      #expect(
        try await !store.enqueueWebhookDeliveries(
          webhookID: webhook.id, version: webhook.version, from: webhook.cursor, to: sequence, [delivery]))
      #expect(try await store.webhookDeliveries(webhookID: webhook.id, state: nil, page: PageRequest()).items.isEmpty)
      // A dispatcher matches against the current version: the creation is not for it.
      let transport = RecordingTransport()
      let dispatcher = testDispatcher(store, key: WebhookKey.random(), transport: transport, clock: clock)
      #expect(try await dispatcher.runOnce().enqueued == 0)
      #expect(try await store.webhook(id: webhook.id).cursor == sequence)

      // A lease that ran out: the server that claimed the delivery first records nothing.
      #expect(
        try await store.enqueueWebhookDeliveries(
          webhookID: webhook.id, version: current.version, from: sequence, to: sequence + 1, [delivery]))
      let first = clock.now.addingTimeInterval(60)
      #expect(try await store.claimWebhookDeliveries(dueBy: clock.now, leaseUntil: first, limit: 10).count == 1)
      #expect(try await store.claimWebhookDeliveries(dueBy: clock.now, leaseUntil: first, limit: 10).isEmpty)
      clock.advance(by: 61)
      let second = clock.now.addingTimeInterval(60)
      let claimed = try await store.claimWebhookDeliveries(dueBy: clock.now, leaseUntil: second, limit: 10)
      #expect(claimed.count == 1)
      let id = try #require(claimed.first?.id)
      #expect(
        try await store.recordWebhookAttempt(id: id, leaseUntil: first, outcome: .delivered(status: 200), at: clock.now)
          == nil)
      let recorded = try await store.recordWebhookAttempt(
        id: id, leaseUntil: second, outcome: .failed(status: 503, error: "busy"), at: clock.now)
      #expect(recorded?.state == .pending && recorded?.attempts == 1 && recorded?.lastStatus == 503)
      // Once recorded, the lease is over: a late answer changes nothing.
      #expect(
        try await store.recordWebhookAttempt(
          id: id, leaseUntil: second, outcome: .delivered(status: 200), at: clock.now) == nil)
    }
  }

  @Test("signatures: HMAC-SHA256 over the timestamp and body, as any receiver computes it")
  func signature() throws {
    let header = WebhookSignature.header(secret: "whsec_test", timestamp: 1_800_000_000, body: Array(#"{"a":1}"#.utf8))
    // Python: hmac.new(b"whsec_test", b'1800000000.{"a":1}', hashlib.sha256).hexdigest()
    #expect(header == "t=1800000000,v1=7de5e6bbc99c65ef0ddccacd4308ba03a5a12eb8859a0db070c5ca731c4fdc19")
    #expect(WebhookSignature.verify(header: header, secret: "whsec_test", body: Array(#"{"a":1}"#.utf8)))
    #expect(!WebhookSignature.verify(header: header, secret: "whsec_test", body: Array(#"{"a":2}"#.utf8)))
    #expect(!WebhookSignature.verify(header: "v1=00", secret: "whsec_test", body: []))
  }

  @Test("the webhook key file is made once (owner only) and read back; secrets depend on id and generation")
  func keyFile() throws {
    let path = NSTemporaryDirectory() + "atende-webhook-key-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: path) }
    let made = try WebhookKey.load(path: path)
    let permissions = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
    #expect(permissions == 0o600)
    let read = try WebhookKey.load(path: path)
    let webhook = AtendeDomain.Webhook(id: 3, name: "erp", url: Self.ok)
    #expect(made.secret(for: webhook) == read.secret(for: webhook))
    #expect(made.secret(for: webhook).hasPrefix("whsec_") && made.secret(for: webhook).count == 70)
    var rotated = webhook
    rotated.secretGeneration = 2
    #expect(made.secret(for: rotated) != made.secret(for: webhook))
    #expect(WebhookKey.random().secret(for: webhook) != made.secret(for: webhook))
    try "not a key".write(toFile: path, atomically: true, encoding: .utf8)
    #expect(throws: WebhookKeyError.self) { try WebhookKey.load(path: path) }
  }
}
