import AtendeTesting
import Foundation
import Testing

@Suite("CLI: SLA calendars, policies and a ticket's clocks")
struct SLACLITests {
  @Test("calendars: put with hours and holidays, show, list, change by id; bad input named")
  func calendars() async throws {
    try await withAtendeTestServer(transport: .tcp) { server in
      let created = try await atende(
        [
          "sla", "calendar", "put", "--name", "Suporte SP", "--time-zone", "America/Sao_Paulo", "--hours",
          "mon-fri 08:00-12:00,13:00-18:00", "--hours", "sat 08:00-12:00", "--holiday", "2026-12-25=Natal", "--json",
        ], server: server)
      #expect(created.status == 0, "\(created.errors)")
      let calendar = try jsonObject(created.output)
      let id = String(int(calendar["id"]) ?? 0)
      #expect((calendar["hours"] as? [Any])?.count == 11)
      #expect((calendar["holidays"] as? [[String: Any]])?.first?["name"] as? String == "Natal")

      let shown = try await atende(["sla", "calendar", "show", id], server: server)
      #expect(shown.output.contains("mon-fri 08:00-12:00,13:00-18:00; sat 08:00-12:00"))
      #expect(shown.output.contains("2026-12-25 Natal"))

      let changed = try await atende(
        ["sla", "calendar", "put", "--id", id, "--holiday", "2026-12-25", "--holiday", "2027-01-01", "--json"],
        server: server)
      #expect(changed.status == 0, "\(changed.errors)")
      let afterChange = try jsonObject(changed.output)
      #expect(int(afterChange["version"]) == 2)
      #expect((afterChange["holidays"] as? [Any])?.count == 2)
      #expect((afterChange["hours"] as? [Any])?.count == 11)  // untouched
      let stale = try await atende(
        ["sla", "calendar", "put", "--id", id, "--time-zone", "UTC", "--expected-version", "1"], server: server)
      #expect(stale.status == 5)

      let listed = try await atende(["sla", "calendar", "list", "--json"], server: server).jsonLines()
      #expect(listed.map { $0["name"] as? String } == ["Suporte SP"])

      let badSyntax = try await atende(
        ["sla", "calendar", "put", "--name", "X", "--time-zone", "UTC", "--hours", "mon-fri 8-12"], server: server)
      #expect(badSyntax.status != 0)
      #expect(badSyntax.errors.contains("HH:MM"))
      let badZone = try await atende(
        ["sla", "calendar", "put", "--name", "X", "--time-zone", "Mars/Olympus", "--hours", "mon 08:00-09:00"],
        server: server)
      #expect(badZone.status == 3)
      #expect(badZone.errors.contains("calendar.time_zone"))
    }
  }

  @Test("policies and a ticket's clocks: show and list carry them, PENDING pauses the resolution clock")
  func ticketClocks() async throws {
    try await withAtendeTestServer(transport: .tcp) { server in
      // Every hour of every day counts, whatever the time the test runs.
      let calendar = try jsonObject(
        try await atende(
          [
            "sla", "calendar", "put", "--name", "24x7", "--time-zone", "UTC", "--hours", "mon-sun 00:00-24:00",
            "--json",
          ], server: server
        ).output)
      let policy = try await atende(
        [
          "sla", "policy", "put", "--name", "Alta prioridade", "--calendar", String(int(calendar["id"]) ?? 0),
          "--priority", "high", "--first-response", "1h", "--resolution", "1d", "--json",
        ], server: server)
      #expect(policy.status == 0, "\(policy.errors)")
      let policyObject = try jsonObject(policy.output)
      #expect(int(policyObject["firstResponseMinutes"]) == 60)
      #expect(int(policyObject["resolutionMinutes"]) == 1440)
      let listed = try await atende(["sla", "policy", "list"], server: server)
      #expect(listed.output.contains("Alta prioridade"))
      #expect(listed.output.contains("24h"))

      let ticket = try await openSupportTicket(server)
      let number = try #require(ticket["protocol"] as? String)
      let shown = try await atende(["ticket", "show", number], server: server)
      #expect(shown.output.contains("Alta prioridade"))
      #expect(shown.output.contains("RUNNING · due"))
      let clocks = try jsonObject(try await atende(["sla", "show", number, "--json"], server: server).output)
      let resolution = try #require(clocks["resolution"] as? [String: Any])
      #expect(resolution["state"] as? String == "SLA_CLOCK_STATE_RUNNING")
      #expect(resolution["target"] as? String == "86400s")
      #expect(resolution["dueAt"] != nil)

      let pending = try await atende(
        ["ticket", "status", number, "pending", "--message", "Aguardando o cliente"], server: server)
      #expect(pending.status == 0, "\(pending.errors)")
      let paused = try await atende(["sla", "show", number], server: server)
      #expect(paused.output.contains("PAUSED"))
      #expect(paused.output.contains("COMPLETED"))  // the first response
      let inList = try await atende(["ticket", "list", "--json"], server: server).jsonLines()
      let listedClocks = inList.first { $0["protocol"] as? String == number }?["sla"] as? [String: Any]
      #expect((listedClocks?["resolution"] as? [String: Any])?["state"] as? String == "SLA_CLOCK_STATE_PAUSED")

      let inactive = try await atende(
        ["sla", "policy", "put", "--id", String(int(policyObject["id"]) ?? 0), "--active", "false"], server: server)
      #expect(inactive.status == 0, "\(inactive.errors)")
      // Without a policy, the subject's own hours (Sem conexão: 4 h, 24 h) count around the clock.
      let subjectHours = try await atende(["sla", "show", number], server: server)
      #expect(subjectHours.output.contains("Sem conexão (subject hours, 24x7)"))
      #expect(subjectHours.output.contains("of 24h"))
      let other = try await openTicket(
        server,
        [
          "--client", "1001", "--department", "1", "--priority", "low", "--title", "Dúvida", "--description",
          "Pergunta sobre a fatura",
        ])
      let none = try await atende(["sla", "show", try #require(other["protocol"] as? String)], server: server)
      #expect(none.output.contains("No SLA applies"))

      let badDuration = try await atende(
        ["sla", "policy", "put", "--name", "X", "--calendar", "1", "--resolution", "8 hours"], server: server)
      #expect(badDuration.status != 0)
      #expect(badDuration.errors.contains("--resolution"))
    }
  }

  @Test("escalation rules: put with an offset and actions, show, list, change by id; bad input named")
  func escalationRules() async throws {
    try await withAtendeTestServer(transport: .tcp) { server in
      let created = try await atende(
        [
          "sla", "escalation", "put", "--name", "Quase estourando", "--target", "resolution", "--offset", "-30m",
          "--raise-priority", "critical", "--department", "2", "--json",
        ], server: server)
      #expect(created.status == 0, "\(created.errors)")
      let rule = try jsonObject(created.output)
      #expect(rule["target"] as? String == "SLA_TARGET_KIND_RESOLUTION")
      #expect(int(rule["offsetMinutes"]) == -30)
      #expect(rule["raisePriorityTo"] as? String == "PRIORITY_CRITICAL")
      let id = String(int(rule["id"]) ?? 0)

      let shown = try await atende(["sla", "escalation", "show", id], server: server)
      #expect(shown.output.contains("resolution, 30m before the breach"))
      #expect(shown.output.contains("raise priority to CRITICAL, move to department 2, ESCALATED event"))

      let changed = try await atende(
        ["sla", "escalation", "put", "--id", id, "--offset", "1h", "--raise-priority", "none", "--json"],
        server: server)
      #expect(changed.status == 0, "\(changed.errors)")
      let afterChange = try jsonObject(changed.output)
      #expect(int(afterChange["offsetMinutes"]) == 60)
      #expect(afterChange["raisePriorityTo"] as? String == "PRIORITY_UNSPECIFIED")
      #expect(int(afterChange["reassignDepartmentId"]) == 2)
      let listed = try await atende(["sla", "escalation", "list"], server: server)
      #expect(listed.output.contains("1h after the breach"))

      let badTarget = try await atende(
        ["sla", "escalation", "put", "--name", "X", "--target", "lunch"], server: server)
      #expect(badTarget.status != 0)
      #expect(badTarget.errors.contains("--target"))
      let inactiveEmployee = try await atende(
        ["sla", "escalation", "put", "--name", "X", "--target", "resolution", "--employee", "4"], server: server)
      #expect(inactiveEmployee.status == 3)
      #expect(inactiveEmployee.errors.contains("rule.assign_employee_id"))
    }
  }
}
