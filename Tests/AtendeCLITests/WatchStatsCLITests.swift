import AtendeAPI
import AtendeTesting
import Foundation
import Testing

/// Calls `change` every 50 ms until `running` has exited (it cannot know when the server
/// has registered its subscription, so changes keep coming until it has seen enough), at
/// most 15 seconds; then returns what it printed.
func keepChanging(
  until running: RunningCLI, _ change: () async throws -> Void
) async throws -> CLIResult {
  let deadline = ContinuousClock.now + .seconds(15)
  while running.isRunning && ContinuousClock.now < deadline {
    try await change()
    try await Task.sleep(for: .milliseconds(50))
  }
  return running.isRunning ? await running.interrupt() : await running.result()
}

@Suite("CLI: watch and stats")
struct WatchStatsCLITests {
  @Test("watch --count N prints N events of changes made through the API, as JSON lines, then exits")
  func watchJSON() async throws {
    try await withAtendeTestServer(transport: .tcp) { server in
      let ticket = try await openSupportTicket(server)
      let id = try #require(int(ticket["id"]))
      let other = try #require(int(try await openSupportTicket(server, title: "Outro")["id"]))
      let watching = try startAtende(["watch", "--ticket", String(id), "--count", "3", "--json"], server: server)
      let messages = TicketMessageService.Client(server.client)
      let options = CallOptions(timeout: .seconds(30), metadata: ["actor": "api-test"])
      let result = try await keepChanging(until: watching) {
        for target in [other, id] {  // events of the other ticket are filtered out
          _ = try await messages.addTicketMessage(
            AddTicketMessageRequest(
              message: TicketMessage(
                ticketId: target, authorKind: .employee, authorId: 1, visibility: .public, text: "Verificando")),
            options: options)
        }
      }
      #expect(result.status == 0, "\(result.errors)")
      let events = try result.jsonLines()
      #expect(events.count == 3)
      #expect(events.allSatisfy { $0["kind"] as? String == "TICKET_EVENT_KIND_MESSAGE_ADDED" })
      #expect(events.allSatisfy { $0["actor"] as? String == "test-admin on behalf of api-test" })
      #expect(events.allSatisfy { int(($0["ticket"] as? [String: Any])?["id"]) == id })
      let sequences = events.compactMap { int($0["sequence"]) }
      #expect(sequences == sequences.sorted() && Set(sequences).count == 3)
    }
  }

  @Test("watch prints one line per event for people, filtered by department")
  func watchLines() async throws {
    try await withAtendeTestServer(transport: .tcp) { server in
      let watching = try startAtende(["watch", "--department", "2", "--count", "2"], server: server)
      let tickets = TicketService.Client(server.client)
      let options = CallOptions(timeout: .seconds(30), metadata: ["actor": "api-test"])
      var opened = 0
      let result = try await keepChanging(until: watching) {
        for department: Int64 in [1, 2] {
          _ = try await tickets.createTicket(
            CreateTicketRequest(
              ticket: Ticket(
                kind: .client, clientId: 1003, title: "Aberto \(opened)", departmentId: department, priority: .low,
                description: "Pela API")), options: options)
          opened += 1
        }
      }
      #expect(result.status == 0, "\(result.errors)")
      #expect(result.lines.count == 2)
      #expect(result.lines.allSatisfy { $0.contains("CREATED") && $0.contains("api-test") && $0.contains("NEW") })
      // Only department 2's tickets (odd numbers): "Aberto 1", "Aberto 3"...
      #expect(
        result.lines.allSatisfy { line in ["0", "2", "4", "6", "8"].allSatisfy { !line.hasSuffix("Aberto \($0)") } })
    }
  }

  @Test("watch of an unknown ticket exits 4; --count 0 is a usage error")
  func watchErrors() async throws {
    try await withAtendeTestServer(transport: .tcp) { server in
      let unknown = try await atende(["watch", "--ticket", "999"], server: server)
      #expect(unknown.status == 4)
      let zero = try await atende(["watch", "--count", "0"], server: server)
      #expect(zero.status == 64)
    }
  }

  @Test("stats: bar charts of open tickets by status, department, priority, assignee; JSON with the same figures")
  func stats() async throws {
    try await withAtendeTestServer(transport: .tcp) { server in
      for title in ["a", "b", "c"] { _ = try await openSupportTicket(server, title: title) }
      let sac = try await openTicket(
        server,
        ["--client", "1003", "--department", "2", "--priority", "low", "--title", "d", "--description", "SAC"])
      let sacID = String(int(sac["id"]) ?? 0)
      _ = try await atende(["ticket", "assign", sacID, "3"], server: server)
      _ = try await atende(["message", "add", sacID, "Em análise", "--employee", "3"], server: server)

      let text = try await atende(["stats"], server: server)
      #expect(text.status == 0, "\(text.errors)")
      for heading in ["Open tickets: 4", "By status", "By department", "By priority", "By assignee", "By channel"] {
        #expect(text.output.contains(heading), "\(heading)")
      }
      let foundNewLine = text.lines.first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("NEW") }
      let newLine = try #require(foundNewLine)
      #expect(newLine.contains(" 3 "))
      #expect(newLine.filter { $0 == "█" }.count == 40)  // the largest bar is 40 columns when not a terminal
      let foundProgressLine = text.lines.first { $0.contains("IN_PROGRESS") }
      let progressLine = try #require(foundProgressLine)
      #expect((1...14).contains(progressLine.filter { $0 == "█" }.count))  // a third of it
      #expect(text.output.contains("Elisa Rocha"))
      #expect(text.output.contains("(nobody)"))
      #expect(text.output.contains("SLA per subject"))
      #expect(text.output.contains("Sem conexão"))

      let json = try jsonObject(try await atende(["stats", "--json"], server: server).output)
      let byStatus = try #require(json["openByStatus"] as? [[String: Any]])
      #expect(byStatus.first?["name"] as? String == "NEW")
      #expect(int(byStatus.first?["count"]) == 3)
      let byDepartment = try #require(json["openByDepartment"] as? [[String: Any]])
      #expect(byDepartment.map { $0["name"] as? String } == ["Suporte Técnico", "SAC"])
      let firstResponse = try #require(json["timeToFirstResponse"] as? [String: Any])
      #expect(int(firstResponse["count"]) == 1)
      let sla = try #require(json["sla"] as? [[String: Any]])
      #expect(sla.contains { $0["subjectName"] as? String == "Sem conexão" && int($0["tickets"]) == 3 })

      let sacOnly = try jsonObject(try await atende(["stats", "--department", "2", "--json"], server: server).output)
      #expect((sacOnly["openByStatus"] as? [[String: Any]])?.map { int($0["count"]) } == [1])
      let badDate = try await atende(["stats", "--from", "março"], server: server)
      #expect(badDate.status == 64)
    }
  }

  @Test("trends: openings and solutions per day as bar charts, grouped by department; times; JSON")
  func trends() async throws {
    try await withAtendeTestServer(transport: .tcp) { server in
      for title in ["a", "b"] { _ = try await openSupportTicket(server, title: title) }
      let solved = try await openSupportTicket(server, title: "c")
      let id = String(int(solved["id"]) ?? 0)
      _ = try await atende(["message", "add", id, "Verificando", "--employee", "1"], server: server)
      let done = try await atende(["ticket", "status", id, "solved"], server: server)
      #expect(done.status == 0, "\(done.errors)")

      let text = try await atende(["trends", "--by", "department"], server: server)
      #expect(text.status == 0, "\(text.errors)")
      for heading in ["Opened: 3, solved: 1", "Opened", "Solved", "By department", "to first response", "on the clock"]
      {
        #expect(text.output.contains(heading), "\(heading)")
      }
      #expect(text.output.contains("Suporte Técnico 3"), "\(text.output)")
      // Today's bars: the only ones, as long as a bar gets (40 columns when not a terminal).
      let bars = text.lines.filter { $0.contains("█") }
      #expect(bars.count == 2 && bars.allSatisfy { $0.filter { $0 == "█" }.count == 40 }, "\(bars)")

      let json = try jsonObject(try await atende(["trends", "--every", "week", "--json"], server: server).output)
      let periods = try #require(json["periods"] as? [[String: Any]])
      #expect(periods.compactMap { int($0["opened"]) }.reduce(0, +) == 3)
      #expect(periods.compactMap { int($0["solved"]) }.reduce(0, +) == 1)
      #expect(int((json["firstResponse"] as? [String: Any])?["count"]) == 1)
      let bad = try await atende(["trends", "--every", "month"], server: server)
      #expect(bad.status == 64)
    }
  }
}
