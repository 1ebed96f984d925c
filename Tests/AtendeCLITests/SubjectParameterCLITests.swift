import AtendeTesting
import Foundation
import Testing

@Suite("CLI: subjects and parameters")
struct SubjectParameterCLITests {
  @Test("subjects: create, show, update flags and activity, list, history; taken name, stale version, unknown id")
  func subjects() async throws {
    try await withAtendeTestServer(transport: .tcp) { server in
      let created = try await atende(
        [
          "subject", "create", "--name", "Queda de energia", "--default-priority", "high", "--default-department",
          "1", "--first-response-sla", "2", "--json",
        ], server: server)
      #expect(created.status == 0, "\(created.errors)")
      let subject = try jsonObject(created.output)
      #expect(subject["active"] as? Bool == true)
      #expect(subject["defaultPriority"] as? String == "PRIORITY_HIGH")
      #expect(int(subject["firstResponseSlaHours"]) == 2)
      let id = String(int(subject["id"]) ?? 0)

      let shown = try await atende(["subject", "show", id], server: server)
      #expect(shown.output.contains("Queda de energia"))
      #expect(shown.output.contains("2 h"))

      let updated = try await atende(
        ["subject", "update", id, "--channel-required", "true", "--solution-sla", "48", "--json"], server: server)
      #expect(updated.status == 0, "\(updated.errors)")
      let afterUpdate = try jsonObject(updated.output)
      #expect(afterUpdate["channelRequired"] as? Bool == true)
      #expect(int(afterUpdate["solutionSlaHours"]) == 48)
      #expect(int(afterUpdate["version"]) == 2)

      let stale = try await atende(
        ["subject", "update", id, "--active", "false", "--expected-version", "1"], server: server)
      #expect(stale.status == 5)
      #expect(stale.errors.contains("STALE_VERSION"))
      let deactivated = try await atende(["subject", "update", id, "--active", "false"], server: server)
      #expect(deactivated.status == 0, "\(deactivated.errors)")

      let active = try await atende(["subject", "list", "--active-only", "--json"], server: server).jsonLines()
      #expect(!active.contains { $0["name"] as? String == "Queda de energia" })
      let all = try await atende(["subject", "list", "--query", "queda"], server: server)
      #expect(all.lines.count == 2)
      #expect(all.output.contains("channel"))

      let history = try await atende(["subject", "history", id, "--json"], server: server).jsonLines()
      #expect(history.first?["kind"] as? String == "CREATED")
      #expect(history.contains { $0["field"] as? String == "channel_required" && $0["newValue"] as? String == "true" })

      let taken = try await atende(["subject", "create", "--name", "Queda de energia"], server: server)
      #expect(taken.status == 5)
      #expect(taken.errors.contains("subject.name"))
      let unnamed = try await atende(["subject", "create", "--default-priority", "low"], server: server)
      #expect(unnamed.status == 3)
      #expect(unnamed.errors.contains("subject.name"))
      let unknown = try await atende(["subject", "show", "999"], server: server)
      #expect(unknown.status == 4)
      let unknownHistory = try await atende(["subject", "history", "999"], server: server)
      #expect(unknownHistory.status == 4)
    }
  }

  @Test("parameters: show, set subject_required (then a ticket without subject is refused), history, stale version")
  func parameters() async throws {
    try await withAtendeTestServer(transport: .tcp) { server in
      let initial = try jsonObject(try await atende(["parameters", "show", "--json"], server: server).output)
      #expect(initial["subjectRequired"] as? Bool == false)
      let version = int(initial["version"]) ?? 0

      let set = try await atende(["parameters", "set", "--subject-required", "true", "--json"], server: server)
      #expect(set.status == 0, "\(set.errors)")
      let after = try jsonObject(set.output)
      #expect(after["subjectRequired"] as? Bool == true)
      #expect(int(after["version"]) == version + 1)
      #expect(after["updatedBy"] as? String == "test-admin on behalf of cli-test")

      let withoutSubject = try await atende(
        [
          "ticket", "open", "--client", "1001", "--department", "1", "--priority", "low", "--title", "t",
          "--description", "d",
        ], server: server)
      #expect(withoutSubject.status == 3)
      #expect(withoutSubject.errors.contains("ticket.subject_id"))
      #expect(withoutSubject.errors.contains("REQUIRED_BY_PARAMETERS"))

      let history = try await atende(["parameters", "history"], server: server)
      #expect(history.output.contains("subject_required: false → true"))
      #expect(history.output.contains("cli-test"))
      let stale = try await atende(
        ["parameters", "set", "--subject-required", "false", "--expected-version", String(version)], server: server)
      #expect(stale.status == 5)
      let nothing = try await atende(["parameters", "set"], server: server)
      #expect(nothing.status == 64)
    }
  }
}
