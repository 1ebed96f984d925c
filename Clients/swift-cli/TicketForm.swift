import AtendeAPI
import Foundation

/// Asks a person at a terminal for the fields of a new ticket that were not given as
/// options, in the order of a support call: client → department → priority → subject →
/// what the subject requires → title → description. Used only when stdin and stdout are
/// terminals.
struct TicketForm {
  let client: RPCClient
  let options: CallOptions

  private var reference: ReferenceDataService.Client { ReferenceDataService.Client(client) }

  /// Fills in the missing fields of `ticket`.
  func complete(_ ticket: inout Ticket) async throws {
    let missingBasics =
      (ticket.clientId == 0 && ticket.structureId == 0) || ticket.departmentId == 0
      || ticket.title.trimmingCharacters(in: .whitespaces).isEmpty
      || ticket.description.trimmingCharacters(in: .whitespaces).isEmpty
    var subjectRequired = false
    if ticket.subjectId == 0 {
      subjectRequired = try await ParameterService.Client(client).getParameters(
        GetParametersRequest(), options: options
      ).subjectRequired
    }
    let asking = missingBasics || subjectRequired
    if asking { Prompt.say(Style.paint("New ticket", .bold) + " (Ctrl-D to give up)") }

    if ticket.clientId == 0 && ticket.structureId == 0 {
      ticket.kind = .client
      ticket.clientId = try await askClient()
    }
    if ticket.departmentId == 0 {
      let departments = try await reference.listDepartments(
        ListReferenceRequest(filter: ReferenceFilter(activeOnly: true), pageSize: 500), options: options
      ).departments
      ticket.departmentId = try Prompt.choose(
        "Department", departments.map { Prompt.Option(id: $0.id, name: $0.name) }, required: true)
    }
    if ticket.priority == .unspecified && asking {
      ticket.priority = try Prompt.priority("Priority (low, normal, high, critical; Enter = the subject's default)")
    }
    var subject: Subject?
    if ticket.subjectId == 0 && asking {
      let all = try await SubjectService.Client(client).listSubjects(
        ListSubjectsRequest(activeOnly: true, pageSize: 500), options: options
      ).subjects
      let department = ticket.departmentId
      let ofDepartment = all.filter { $0.defaultDepartmentId == department || $0.defaultDepartmentId == 0 }
      let choices = (ofDepartment.isEmpty ? all : ofDepartment).map { subject in
        Prompt.Option(
          id: subject.id, name: subject.name,
          detail: subject.defaultPriority == .unspecified ? "" : "default priority \(subject.defaultPriority.label)")
      }
      ticket.subjectId = try Prompt.choose(
        subjectRequired ? "Subject" : "Subject (Enter = none)", choices, required: subjectRequired)
      if ticket.subjectId != 0 { subject = all.first { $0.id == ticket.subjectId } }
    } else if ticket.subjectId != 0 {
      subject = try await self.subject(id: ticket.subjectId)  // an unknown one is left to the server to report
    }
    if let subject { try await askRequiredBy(subject, &ticket) }
    if ticket.priority == .unspecified && (subject?.defaultPriority ?? .unspecified) == .unspecified {
      if let subject { Prompt.say("Subject \(subject.name) has no default priority.") }
      ticket.priority = try Prompt.priority("Priority (low, normal, high, critical)", required: true)
    }
    if ticket.title.trimmingCharacters(in: .whitespaces).isEmpty {
      ticket.title = try Prompt.text("Title (one line)")
    }
    if ticket.description.trimmingCharacters(in: .whitespaces).isEmpty {
      ticket.description = try Prompt.text("Description")
    }
  }

  /// The client: by id, or searched by a part of the name or document.
  private func askClient() async throws -> Int64 {
    while true {
      let answer = try Prompt.ask("Client (id, or part of the name or document)")
      if answer.isEmpty {
        Prompt.say("  a client is required")
        continue
      }
      // Not an id: maybe a document number; searched below.
      if let id = Int64(answer), let found = try await client(id: id) {
        Prompt.say("  → \(found.id) \(found.name)\(found.active ? "" : " (inactive)")")
        return found.id
      }
      let found = try await reference.listClients(
        ListReferenceRequest(filter: ReferenceFilter(query: answer, activeOnly: true), pageSize: 20), options: options
      ).clients
      switch found.count {
      case 0:
        Prompt.say("  no active client matches '\(answer)'")
      case 1:
        Prompt.say("  → \(found[0].id) \(found[0].name)")
        return found[0].id
      default:
        return try Prompt.choose(
          "Clients matching '\(answer)'",
          found.map { Prompt.Option(id: $0.id, name: $0.name, detail: $0.document) }, required: true)
      }
    }
  }

  /// Client `id`, or nil when there is none.
  private func client(id: Int64) async throws(RPCError) -> AtendeAPI.Client? {
    do {
      return try await reference.getClient(GetReferenceRequest(id: id), options: options)
    } catch {
      if error.code == .notFound { return nil }
      throw error
    }
  }

  /// Subject `id`, or nil when there is none.
  private func subject(id: Int64) async throws(RPCError) -> Subject? {
    do {
      return try await SubjectService.Client(client).getSubject(GetSubjectRequest(id: id), options: options)
    } catch {
      if error.code == .notFound { return nil }
      throw error
    }
  }

  /// The contract, login, channel and complementary status the subject requires.
  private func askRequiredBy(_ subject: Subject, _ ticket: inout Ticket) async throws {
    let clientID = ticket.clientId
    if (subject.contractRequired || subject.serviceOrderRequiresSignature) && ticket.contractId == 0 && clientID != 0 {
      let contracts = try await reference.listContracts(
        ListReferenceRequest(filter: ReferenceFilter(activeOnly: true, clientId: clientID), pageSize: 500),
        options: options
      ).contracts
      ticket.contractId = try Prompt.choose(
        "Contract (subject \(subject.name) requires one)",
        contracts.map { Prompt.Option(id: $0.id, name: $0.description, detail: $0.address?.text ?? "") },
        required: true, defaultID: contracts.count == 1 ? contracts[0].id : nil)
    }
    if subject.loginRequired && ticket.loginId == 0 && clientID != 0 {
      let logins = try await reference.listLogins(
        ListReferenceRequest(
          filter: ReferenceFilter(activeOnly: true, clientId: clientID, contractId: ticket.contractId), pageSize: 500),
        options: options
      ).logins
      ticket.loginId = try Prompt.choose(
        "Login (subject \(subject.name) requires one)",
        logins.map { Prompt.Option(id: $0.id, name: $0.username, detail: "contract \(Render.id($0.contractId))") },
        required: true, defaultID: logins.count == 1 ? logins[0].id : nil)
    }
    if subject.channelRequired && ticket.channelId == 0 {
      let channels = try await reference.listChannels(
        ListReferenceRequest(filter: ReferenceFilter(activeOnly: true), pageSize: 500), options: options
      ).channels
      ticket.channelId = try Prompt.choose(
        "Channel (subject \(subject.name) requires one)", channels.map { Prompt.Option(id: $0.id, name: $0.name) },
        required: true)
    }
    if subject.complementaryStatusRequired && ticket.complementaryStatusId == 0 {
      let statuses = try await reference.listComplementaryStatuses(
        ListReferenceRequest(filter: ReferenceFilter(activeOnly: true), pageSize: 500), options: options
      ).complementaryStatuses
      ticket.complementaryStatusId = try Prompt.choose(
        "Complementary status (subject \(subject.name) requires one)",
        statuses.map { Prompt.Option(id: $0.id, name: $0.description) }, required: true)
    }
  }
}

/// Questions on the terminal.
enum Prompt {
  /// One of the records to choose from.
  struct Option {
    var id: Int64
    var name: String
    var detail: String = ""
  }

  static func say(_ text: String) {
    print(text)
    fflush(nil)
  }

  /// Asks `question` and returns the trimmed answer ("" for just Enter).
  static func ask(_ question: String) throws -> String {
    print(Style.paint(question, .bold) + ": ", terminator: "")
    fflush(nil)
    guard let line = readLine() else {
      print("")
      throw CLIError("input ended: nothing was saved")
    }
    return line.trimmingCharacters(in: .whitespaces)
  }

  /// A non-empty answer.
  static func text(_ question: String) throws -> String {
    while true {
      let answer = try ask(question)
      if !answer.isEmpty { return answer }
      say("  a value is required")
    }
  }

  /// A priority; unspecified for just Enter unless `required`.
  static func priority(_ question: String, required: Bool = false) throws -> Priority {
    while true {
      let answer = try ask(question)
      if answer.isEmpty && !required { return .unspecified }
      if let priority = Priority(argument: answer) { return priority }
      say("  one of: low, normal, high, critical")
    }
  }

  /// One of `options`, by id or by a part of its name (accents and case ignored); 0 for
  /// just Enter when not `required`.
  static func choose(_ title: String, _ options: [Option], required: Bool, defaultID: Int64? = nil) throws -> Int64 {
    if options.isEmpty {
      if required { throw CLIError.invalid("\(title): there is nothing to choose from") }
      return 0
    }
    say(Style.paint(title, .bold))
    say(
      Render.table(["ID", "NAME", ""], options.map { [String($0.id), $0.name, $0.detail] }).split(separator: "\n")
        .dropFirst().map { "  " + $0 }.joined(separator: "\n"))
    let question = defaultID.map { "Choose (id or name) [\($0)]" } ?? "Choose (id or name)"
    while true {
      let answer = try ask(question)
      if answer.isEmpty {
        if let defaultID { return defaultID }
        if !required { return 0 }
        say("  a value is required")
        continue
      }
      if let id = Int64(answer) {
        if options.contains(where: { $0.id == id }) { return id }
        say("  \(id) is not one of the options")
        continue
      }
      let key = fold(answer)
      let matches = options.filter { fold($0.name).contains(key) }
      if matches.count == 1 {
        say("  → \(matches[0].id) \(matches[0].name)")
        return matches[0].id
      }
      say(
        matches.isEmpty
          ? "  nothing matches '\(answer)'"
          : "  several match: " + matches.map { "\($0.id) \($0.name)" }.joined(separator: ", "))
    }
  }

  private static func fold(_ text: String) -> String {
    text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
  }
}
