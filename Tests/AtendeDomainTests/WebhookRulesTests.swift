import AtendeDomain
import Foundation
import Testing

@Suite("Webhooks (rules)")
struct WebhookRulesTests {
  let start = Date(timeIntervalSince1970: 1_800_000_000)

  @Test("a failed delivery is tried again after 10 s, 30 s, 1 min, 5 min, 15 min, 1 h, 3 h, then is dead")
  func backoff() {
    var attempts = 0
    var at = start
    var waits: [TimeInterval] = []
    while true {
      attempts += 1
      guard let next = WebhookRules.nextAttempt(after: attempts, failedAt: at) else { break }
      waits.append(next.timeIntervalSince(at))
      at = next
    }
    #expect(waits == [10, 30, 60, 300, 900, 3600, 10_800])
    #expect(attempts == WebhookRules.maxAttempts)
    #expect(WebhookRules.nextAttempt(after: 0, failedAt: start) == nil)
  }

  @Test("a webhook needs a name and an https URL (http only to loopback), without credentials in it")
  func checks() {
    func reasons(_ name: String, _ url: String) -> [String] {
      do {
        try WebhookRules.check(Webhook(name: name, url: url))
        return []
      } catch {
        return error.violations.map { "\($0.field) \($0.reason)" }
      }
    }
    #expect(reasons("erp", "https://erp.provedor.example/hooks/atende").isEmpty)
    #expect(reasons("local", "http://127.0.0.1:8080/hook").isEmpty)
    #expect(reasons("local", "http://localhost/hook").isEmpty)
    #expect(reasons("erp", "http://erp.provedor.example/hook") == ["webhook.url INVALID_URL"])
    #expect(reasons("erp", "ftp://erp.provedor.example/hook") == ["webhook.url INVALID_URL"])
    #expect(reasons("erp", "https://user:pass@erp.provedor.example/") == ["webhook.url INVALID_URL"])
    #expect(reasons("erp", "/hooks") == ["webhook.url INVALID_URL"])
    #expect(reasons(" ", "https://erp.example/") == ["webhook.name REQUIRED"])
    #expect(reasons(String(repeating: "n", count: 101), "https://erp.example/") == ["webhook.name TOO_LONG"])
  }

  @Test("a webhook matches events of its kinds and departments, and none while inactive")
  func matches() {
    func event(_ kind: TicketChangeEvent.Kind, department: Int64) -> TicketChangeEvent {
      let ticket = Ticket(
        id: 1, protocolNumber: "2026000000001", kind: .client, clientID: 1, title: "t", departmentID: department,
        priority: .normal, description: "d", status: .new, createdAt: start, updatedAt: start, openedBy: "a",
        version: 1)
      return TicketChangeEvent(kind: kind, ticket: ticket, actor: "a", at: start)
    }
    var webhook = Webhook(name: "erp", url: "https://erp.example/")
    #expect(webhook.matches(event(.created, department: 1)))
    webhook.eventKinds = [.created, .statusChanged]
    webhook.departmentIDs = [2]
    #expect(webhook.matches(event(.statusChanged, department: 2)))
    #expect(!webhook.matches(event(.messageAdded, department: 2)))
    #expect(!webhook.matches(event(.created, department: 1)))
    webhook.active = false
    #expect(!webhook.matches(event(.created, department: 2)))
  }
}
