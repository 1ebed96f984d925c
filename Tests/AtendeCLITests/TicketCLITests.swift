import AtendeTesting
import Foundation
import Testing

/// Opens a ticket through the CLI and returns it as JSON.
func openTicket(_ server: AtendeTestServer, _ arguments: [String]) async throws -> [String: Any] {
  let result = try await atende(["ticket", "open", "--json"] + arguments, server: server)
  #expect(result.status == 0, "\(result.errors)")
  return try jsonObject(result.output)
}

/// A technical-support ticket of client 1001 (department 1, subject 1).
func openSupportTicket(_ server: AtendeTestServer, title: String = "Sem internet") async throws -> [String: Any] {
  try await openTicket(
    server,
    [
      "--client", "1001", "--department", "1", "--priority", "high", "--subject", "1", "--title", title,
      "--description", "Cliente sem conexão desde ontem",
    ])
}

@Suite("CLI: tickets")
struct TicketCLITests {
  @Test("technical support call: open with client, department, priority, subject, description; show; solve")
  func technicalSupportCall() async throws {
    try await withAtendeTestServer(transport: .tcp) { server in
      let opened = try await atende(
        [
          "ticket", "open", "--client", "1001", "--department", "1", "--priority", "high", "--subject", "1",
          "--title", "Sem internet", "--description", "Cliente sem conexão desde ontem",
        ], server: server)
      #expect(opened.status == 0, "\(opened.errors)")
      #expect(opened.output.contains("Opened ticket"))
      let protocolNumber = try #require(
        opened.output.split(separator: " ").first { $0.count == 13 && $0.allSatisfy(\.isNumber) }.map(String.init))

      let shown = try await atende(["ticket", "show", protocolNumber], server: server)
      #expect(shown.status == 0)
      #expect(shown.output.contains("Sem internet"))
      #expect(shown.output.contains("NEW"))
      let json = try jsonObject(try await atende(["ticket", "show", protocolNumber, "--json"], server: server).output)
      #expect(json["protocol"] as? String == protocolNumber)
      #expect(json["priority"] as? String == "PRIORITY_HIGH")
      #expect(int(json["departmentId"]) == 1)
      #expect(int(json["clientId"]) == 1001)
      #expect(int(json["subjectId"]) == 1)

      let working = try await atende(
        ["ticket", "status", protocolNumber, "in-progress", "--message", "Técnico a caminho"], server: server)
      #expect(working.status == 0, "\(working.errors)")
      #expect(working.output.contains("is now IN_PROGRESS"))
      let solved = try await atende(["ticket", "status", protocolNumber, "solved", "--json"], server: server)
      #expect(solved.status == 0, "\(solved.errors)")
      let final = try jsonObject(solved.output)
      #expect(final["status"] as? String == "TICKET_STATUS_SOLVED")
      #expect(jsonDate(final["closedAt"]) != nil)

      let history = try await atende(["ticket", "history", protocolNumber, "--json"], server: server)
      let kinds = try history.jsonLines().compactMap { $0["kind"] as? String }
      #expect(kinds.first == "CREATED")
      #expect(kinds.filter { $0 == "STATUS_CHANGED" }.count == 2)
      let filtered = try await atende(
        ["ticket", "history", protocolNumber, "--kind", "status_changed"], server: server)
      #expect(filtered.output.contains("IN_PROGRESS → SOLVED"))
      #expect(!filtered.output.contains("CREATED"))
    }
  }

  @Test("with stdin not a terminal, missing fields are not asked for: the server's error names them, exit 3")
  func missingFieldsNotPrompted() async throws {
    try await withAtendeTestServer(transport: .tcp) { server in
      let result = try await atende(
        ["ticket", "open", "--client", "1001", "--department", "1"], server: server,
        input: "Sem internet\nDescrição\n")
      #expect(result.status == 3)
      #expect(result.output.isEmpty)
      #expect(result.errors.contains("INVALID_ARGUMENT"))
      #expect(result.errors.contains("ticket.title"))
      #expect(result.errors.contains("ticket.description"))
      #expect(result.errors.contains("REQUIRED"))
      #expect(!result.errors.contains("Title ("))
    }
  }

  @Test("a rule of the subject names the field and the rule, exit 3")
  func subjectRuleViolation() async throws {
    try await withAtendeTestServer(transport: .tcp) { server in
      let result = try await atende(
        [
          "ticket", "open", "--client", "1002", "--department", "2", "--subject", "4", "--priority", "normal",
          "--title", "Cobrança indevida", "--description", "Valor em dobro",
        ], server: server)
      #expect(result.status == 3)
      #expect(result.errors.contains("error: FAILED_PRECONDITION"))
      #expect(result.errors.contains("ticket.channel_id"))
      #expect(result.errors.contains("ticket.complementary_status_id"))
      #expect(result.errors.contains("REQUIRED_BY_SUBJECT"))
    }
  }

  @Test("an unknown ticket exits 4; a stale version exits 5")
  func notFoundAndConflict() async throws {
    try await withAtendeTestServer(transport: .tcp) { server in
      let missing = try await atende(["ticket", "show", "999"], server: server)
      #expect(missing.status == 4)
      #expect(missing.errors.contains("NOT_FOUND"))
      let missingProtocol = try await atende(["message", "list", "2026999999999"], server: server)
      #expect(missingProtocol.status == 4)

      let ticket = try await openSupportTicket(server)
      let id = String(int(ticket["id"]) ?? 0)
      let first = try await atende(
        ["ticket", "update", id, "--title", "Lenta", "--expected-version", "1"], server: server)
      #expect(first.status == 0, "\(first.errors)")
      let stale = try await atende(
        ["ticket", "update", id, "--title", "Outra", "--expected-version", "1"], server: server)
      #expect(stale.status == 5)
      #expect(stale.errors.contains("ABORTED"))
      let nothing = try await atende(["ticket", "update", id], server: server)
      #expect(nothing.status == 64)
      #expect(nothing.errors.contains("nothing to change"))
      for timeout in ["0", "-1", "inf", "nan", "1e19"] {
        let bad = try await atende(["ticket", "show", id, "--timeout", timeout], server: server)
        #expect(bad.status == 64, "--timeout \(timeout)")
        #expect(bad.errors.contains("--timeout"))
      }
    }
  }

  @Test("list and search: filters, full text, JSON lines with the next page token")
  func listAndSearch() async throws {
    try await withAtendeTestServer(transport: .tcp) { server in
      _ = try await openSupportTicket(server, title: "Fibra rompida na rua")
      _ = try await openSupportTicket(server, title: "Roteador reiniciando")
      _ = try await openTicket(
        server,
        [
          "--structure", "1", "--department", "1", "--priority", "critical", "--title", "POP sem energia",
          "--description", "Queda de energia",
        ])
      let table = try await atende(["ticket", "list"], server: server)
      #expect(table.status == 0)
      #expect(table.lines.first?.hasPrefix("PROTOCOL") == true)
      #expect(table.lines.count == 4)

      let found = try await atende(["ticket", "list", "--query", "fibr romp", "--json"], server: server)
      let lines = try found.jsonLines()
      #expect(lines.count == 2)
      #expect(lines[0]["title"] as? String == "Fibra rompida na rua")
      #expect(lines[1]["nextPageToken"] as? String == "")

      let critical = try await atende(["ticket", "list", "--priority", "critical", "--json"], server: server)
      #expect(try critical.jsonLines().dropLast().map { $0["kind"] as? String } == ["TICKET_KIND_STRUCTURE"])

      let paged = try await atende(["ticket", "list", "--page-size", "2", "--json"], server: server)
      let token = try #require(try paged.jsonLines().last?["nextPageToken"] as? String)
      #expect(!token.isEmpty)
      let next = try await atende(
        ["ticket", "list", "--page-size", "2", "--page-token", token, "--json"], server: server)
      #expect(try next.jsonLines().count == 2)

      let bad = try await atende(["ticket", "list", "--created-after", "ontem"], server: server)
      #expect(bad.status == 64)
      #expect(bad.errors.contains("--created-after"))
    }
  }

  @Test("dates are shown in local time (TZ)")
  func localDates() async throws {
    try await withAtendeTestServer(transport: .tcp) { server in
      let ticket = try await openSupportTicket(server)
      let created = try #require(jsonDate(ticket["createdAt"]))
      for zone in ["UTC", "America/Sao_Paulo", "Asia/Tokyo"] {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        formatter.timeZone = TimeZone(identifier: zone)
        let shown = try await atende(
          ["ticket", "show", String(int(ticket["id"]) ?? 0)], server: server, environment: ["TZ": zone])
        let foundOpened = shown.lines.first { $0.hasPrefix("Opened") }
        let opened = try #require(foundOpened)
        #expect(opened.contains(formatter.string(from: created)), "\(zone): \(opened)")
      }
    }
  }

  @Test("location: set by hand with coordinates (MANUAL), then derived again")
  func location() async throws {
    try await withAtendeTestServer(transport: .tcp) { server in
      let ticket = try await openSupportTicket(server)
      let id = String(int(ticket["id"]) ?? 0)
      let derived = try await atende(["ticket", "location", id], server: server)
      #expect(derived.output.contains("Rua das Flores"))
      #expect(derived.output.contains("[CLIENT]"))

      let manual = try await atende(
        [
          "ticket", "location", id, "--address", "Rua Nova, 10 - fundos", "--latitude", "-27.2", "--longitude",
          "-52.7", "--json",
        ], server: server)
      #expect(manual.status == 0, "\(manual.errors)")
      let location = try #require(try jsonObject(manual.output)["location"] as? [String: Any])
      #expect(location["origin"] as? String == "LOCATION_ORIGIN_MANUAL")
      #expect(location["address"] as? String == "Rua Nova, 10 - fundos")
      #expect((location["latitude"] as? Double) == -27.2)

      let again = try await atende(["ticket", "location", id, "--derive"], server: server)
      #expect(again.output.contains("[CLIENT]"))
      let half = try await atende(["ticket", "location", id, "--latitude", "-27.2"], server: server)
      #expect(half.status == 64)
    }
  }

  @Test("reopen a solved ticket; nothing changes on a canceled one")
  func reopenAndCancel() async throws {
    try await withAtendeTestServer(transport: .tcp) { server in
      let ticket = try await openSupportTicket(server)
      let id = String(int(ticket["id"]) ?? 0)
      _ = try await atende(["ticket", "status", id, "solved", "--message", "Resolvido"], server: server)
      let reopened = try await atende(["ticket", "reopen", id, "--reason", "Voltou a cair"], server: server)
      #expect(reopened.status == 0, "\(reopened.errors)")
      #expect(reopened.output.contains("reopened"))
      let assigned = try await atende(["ticket", "assign", id, "1"], server: server)
      #expect(assigned.output.contains("assigned to 1"))
      let canceled = try await atende(["ticket", "cancel", id, "--reason", "Duplicado"], server: server)
      #expect(canceled.output.contains("canceled"))
      let edit = try await atende(["ticket", "update", id, "--title", "Nada"], server: server)
      #expect(edit.status == 3)
      #expect(edit.errors.contains("TICKET_CANCELED"))
    }
  }

  @Test("on a terminal, ticket open asks client → department → priority → subject → description")
  func interactiveTechnicalSupportCall() async throws {
    try await withAtendeTestServer(transport: .tcp) { server in
      let result = try await atendeInTerminal(
        ["ticket", "open"], server: server,
        answers: ["1001", "suporte", "high", "1", "Sem internet", "Cliente sem conexão desde ontem"])
      #expect(result.status == 0, "\(result.output)\n\(result.errors)")
      let output = result.output
      let questions = ["Client (", "Department", "Priority (", "Subject", "Title (", "Description:"].map {
        output.range(of: $0)?.lowerBound
      }
      #expect(questions.allSatisfy { $0 != nil }, "\(output)")
      #expect(questions.compactMap { $0 } == questions.compactMap { $0 }.sorted(), "asked out of order: \(output)")
      #expect(output.contains("→ 1001 Ana Paula Ferreira"))
      #expect(output.contains("SAC"))  // the active departments are listed
      #expect(!output.contains("Comercial (antigo)"))  // the inactive one is not
      #expect(output.contains("Sem conexão"))  // the department's subjects are listed
      #expect(!output.contains("Troca de plano"))  // SAC's are not
      #expect(output.contains("Opened ticket"))
      #expect(!output.contains("\u{1B}["))  // NO_COLOR

      let list = try await atende(["ticket", "list", "--json"], server: server)
      let ticket = try #require(try list.jsonLines().first)
      #expect(int(ticket["clientId"]) == 1001)
      #expect(int(ticket["departmentId"]) == 1)
      #expect(ticket["priority"] as? String == "PRIORITY_HIGH")
      #expect(int(ticket["subjectId"]) == 1)
      #expect(ticket["description"] as? String == "Cliente sem conexão desde ontem")
    }
  }

  @Test("on a terminal, a complaint: the client searched by name, SAC, the subject's default priority and rules")
  func interactiveComplaint() async throws {
    try await withAtendeTestServer(transport: .tcp) { server in
      let result = try await atendeInTerminal(
        ["ticket", "open", "--json"], server: server,
        answers: [
          "mercado", "2", "", "reclama", "whatsapp", "Aguardando cliente", "Cobrança indevida",
          "Valor cobrado em dobro na fatura",
        ])
      #expect(result.status == 0, "\(result.output)\n\(result.errors)")
      #expect(result.output.contains("Channel (subject Reclamação requires one)"))
      #expect(result.output.contains("Complementary status (subject Reclamação requires one)"))
      // The answers are echoed when typed, all at once, so the last prompt and the JSON share a line.
      let last = try #require(result.output.split(separator: "\n").last, "\(result.output)")
      let start = try #require(last.firstIndex(of: "{"), "\(result.output)")
      let json = try jsonObject(String(last[start...]))
      #expect(int(json["clientId"]) == 1002)
      #expect(int(json["departmentId"]) == 2)
      #expect(json["priority"] as? String == "PRIORITY_NORMAL")
      #expect(int(json["subjectId"]) == 4)
      #expect(int(json["channelId"]) == 2)
      #expect(int(json["complementaryStatusId"]) == 1)
    }
  }

  @Test("on a terminal, only missing fields are asked for; --no-input asks nothing; Ctrl-D saves nothing")
  func interactiveOnlyWhatIsMissing() async throws {
    try await withAtendeTestServer(transport: .tcp) { server in
      let complete = try await atendeInTerminal(
        [
          "ticket", "open", "--client", "1001", "--department", "1", "--priority", "low", "--title", "t",
          "--description", "d",
        ], server: server, answers: [])
      #expect(complete.status == 0, "\(complete.output)")
      #expect(!complete.output.contains("Choose"))

      let onlyTitle = try await atendeInTerminal(
        ["ticket", "open", "--client", "1001", "--department", "1", "--priority", "low", "--description", "d"],
        server: server, answers: ["", "Título perguntado"])
      #expect(onlyTitle.status == 0, "\(onlyTitle.output)")
      #expect(!onlyTitle.output.contains("Client ("))
      #expect(onlyTitle.output.contains("Título perguntado"))

      let noInput = try await atendeInTerminal(
        ["ticket", "open", "--client", "1001", "--no-input"], server: server, answers: ["1"])
      #expect(noInput.status == 3)
      #expect(!noInput.output.contains("Department"))
      #expect(noInput.errors.contains("ticket.department_id"))

      let gaveUp = try await atendeInTerminal(["ticket", "open"], server: server, answers: ["1001"])
      #expect(gaveUp.status == 1)
      #expect(gaveUp.errors.contains("nothing was saved"))
      let none = try await atende(["ticket", "list", "--json"], server: server)
      #expect(try none.jsonLines().count == 3)  // two tickets and the page token
    }
  }

  @Test("colours only on a terminal, without NO_COLOR and with a TERM that is not dumb")
  func colours() async throws {
    try await withAtendeTestServer(transport: .tcp) { server in
      _ = try await openSupportTicket(server)
      let terminal = try await atendeInTerminal(
        ["ticket", "list"], server: server, answers: [], environment: ["NO_COLOR": ""])
      #expect(terminal.output.contains("\u{1B}[34mNEW\u{1B}[0m"))
      let piped = try await atende(["ticket", "list"], server: server, environment: ["NO_COLOR": ""])
      #expect(!piped.output.contains("\u{1B}["))
      #expect(piped.output.contains("NEW"))
      let dumb = try await atendeInTerminal(
        ["ticket", "list"], server: server, answers: [], environment: ["NO_COLOR": "", "TERM": "dumb"])
      #expect(!dumb.output.contains("\u{1B}["))
      let noColor = try await atendeInTerminal(["ticket", "list"], server: server, answers: [])
      #expect(!noColor.output.contains("\u{1B}["))
    }
  }
}
