import ArgumentParser
import AtendeAPI

struct SubjectCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "subject",
    abstract: "Ticket subjects (Assuntos): create, show, update, list, history.",
    discussion: """
      A subject's flags make fields of its tickets required (contract, login,
      channel, complementary status); it may set a default priority and department
      and SLA targets.

      Examples:
        atende subject list --active-only
        atende subject create --name "Queda de energia" --default-priority high
        atende subject update 8 --channel-required true --solution-sla 48
      """,
    subcommands: [CreateSubject.self, ShowSubject.self, UpdateSubject.self, ListSubjects.self, SubjectHistory.self])
}

/// A subject, for people or for scripts.
func describe(_ subject: Subject, json: Bool) -> String {
  if json { return canonicalJSON(subject) }
  func sla(_ hours: UInt32) -> String { hours == 0 ? "-" : "\(hours) h" }
  return Render.fields(
    [
      ("Subject", "\(subject.id) \(subject.name)"),
      ("Active", subject.active ? Style.paint("yes", .green) : Style.paint("no", .dim)),
      ("Default priority", subject.defaultPriority.styled),
      ("Default department", Render.id(subject.defaultDepartmentId)), ("Requires", requirements(subject)),
      ("SLA first resp.", sla(subject.firstResponseSlaHours)), ("SLA solution", sla(subject.solutionSlaHours)),
      ("Version", String(subject.version)), ("Updated", Render.date(subject.updatedAt)),
    ], width: 20)
}

/// What a subject requires of its tickets, as text.
func requirements(_ subject: Subject) -> String {
  let flags = [
    (subject.contractRequired, "contract"), (subject.loginRequired, "login"), (subject.channelRequired, "channel"),
    (subject.complementaryStatusRequired, "complementary status"),
    (subject.serviceOrderRequiresSignature, "signed service orders"),
  ].filter(\.0).map(\.1)
  return flags.isEmpty ? "-" : flags.joined(separator: ", ")
}

/// The options that set a subject's fields.
struct SubjectFields: ParsableArguments {
  @Option(help: "The name (unique, 1..120 characters).") var name: String?
  @Option(help: "low, normal, high or critical.") var defaultPriority: Priority?
  @Option(help: "The department suggested for new tickets (0 = none).") var defaultDepartment: Int64?
  @Option(help: "Tickets need a contract (true/false).") var contractRequired: Bool?
  @Option(help: "Tickets need a login (true/false).") var loginRequired: Bool?
  @Option(help: "Tickets need a channel (true/false).") var channelRequired: Bool?
  @Option(help: "Tickets need a complementary status (true/false).") var complementaryStatusRequired: Bool?
  @Option(help: "Service orders must be signed by the customer (true/false).") var signatureRequired: Bool?
  @Option(help: "Target hours to the first response (0 = none).") var firstResponseSla: UInt32?
  @Option(help: "Target hours to the solution (0 = none).") var solutionSla: UInt32?

  /// Sets the given fields on `subject`; returns their proto names.
  func apply(to subject: inout Subject) -> [String] {
    var paths: [String] = []
    if let name { subject.name = name; paths.append("name") }
    if let defaultPriority { subject.defaultPriority = defaultPriority; paths.append("default_priority") }
    if let defaultDepartment { subject.defaultDepartmentId = defaultDepartment; paths.append("default_department_id") }
    if let contractRequired { subject.contractRequired = contractRequired; paths.append("contract_required") }
    if let loginRequired { subject.loginRequired = loginRequired; paths.append("login_required") }
    if let channelRequired { subject.channelRequired = channelRequired; paths.append("channel_required") }
    if let complementaryStatusRequired {
      subject.complementaryStatusRequired = complementaryStatusRequired
      paths.append("complementary_status_required")
    }
    if let signatureRequired {
      subject.serviceOrderRequiresSignature = signatureRequired
      paths.append("service_order_requires_signature")
    }
    if let firstResponseSla {
      subject.firstResponseSlaHours = firstResponseSla; paths.append("first_response_sla_hours")
    }
    if let solutionSla { subject.solutionSlaHours = solutionSla; paths.append("solution_sla_hours") }
    return paths
  }
}

struct CreateSubject: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "create", abstract: "Create a subject (active).",
    discussion: """
      Examples:
        atende subject create --name "Queda de energia" --default-priority high \\
          --default-department 1
        atende subject create --name "Mudança de endereço" \\
          --contract-required true --signature-required true --json
      """)

  @OptionGroup var connection: ConnectionOptions
  @OptionGroup var fields: SubjectFields
  @Flag(help: "Print JSON.") var json = false

  func run() async throws {
    var subject = Subject()
    _ = fields.apply(to: &subject)
    try await connection.withClient { client in
      let created = try await SubjectService.Client(client).createSubject(
        CreateSubjectRequest(subject: subject), options: connection.callOptions)
      print(json ? describe(created, json: true) : "Created subject \(created.id)\n" + describe(created, json: false))
    }
  }
}

struct ShowSubject: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "show", abstract: "Show a subject.",
    discussion: "Examples:\n  atende subject show 4\n  atende subject show 4 --json")

  @OptionGroup var connection: ConnectionOptions
  @Argument(help: "The subject's id.") var subject: Int64
  @Flag(help: "Print JSON.") var json = false

  func run() async throws {
    try await connection.withClient { client in
      let found = try await SubjectService.Client(client).getSubject(
        GetSubjectRequest(id: subject), options: connection.callOptions)
      print(describe(found, json: json))
    }
  }
}

struct UpdateSubject: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "update", abstract: "Change a subject: activate or deactivate it, its flags, defaults, SLA.",
    discussion: """
      Only the options given change. Tickets are checked against the new flags on
      their next change.

      Examples:
        atende subject update 4 --active false
        atende subject update 2 --login-required false --default-priority high
        atende subject update 1 --first-response-sla 2 --expected-version 3
      """)

  @OptionGroup var connection: ConnectionOptions
  @Argument(help: "The subject's id.") var subject: Int64
  @OptionGroup var fields: SubjectFields
  @Option(help: "Active (true/false).") var active: Bool?
  @Option(help: "The version the change is based on (default: the current one).") var expectedVersion: Int64?
  @Flag(help: "Print JSON.") var json = false

  func run() async throws {
    var changed = Subject(id: subject)
    var paths = fields.apply(to: &changed)
    if let active { changed.active = active; paths.append("active") }
    guard !paths.isEmpty else { throw ValidationError("nothing to change: give at least one field option") }
    try await connection.withClient { client in
      let subjects = SubjectService.Client(client)
      var version = expectedVersion ?? 0
      if expectedVersion == nil {
        version = try await subjects.getSubject(GetSubjectRequest(id: subject), options: connection.callOptions).version
      }
      let updated = try await subjects.updateSubject(
        UpdateSubjectRequest(subject: changed, updateMask: .init(paths: paths), expectedVersion: version),
        options: connection.callOptions)
      print(json ? describe(updated, json: true) : "Updated subject \(updated.id)\n" + describe(updated, json: false))
    }
  }
}

struct ListSubjects: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list", abstract: "List subjects by name.",
    discussion: """
      Examples:
        atende subject list
        atende subject list --query conex --active-only --json
      """)

  @OptionGroup var connection: ConnectionOptions
  @Option(help: "Text contained in the name.") var query: String = ""
  @Flag(help: "Only active subjects.") var activeOnly = false
  @Flag(help: "Print JSON lines, one subject each.") var json = false

  func run() async throws {
    try await connection.withClient { client in
      let service = SubjectService.Client(client)
      var subjects: [Subject] = []
      var token = ""
      repeat {
        let page = try await service.listSubjects(
          ListSubjectsRequest(query: query, activeOnly: activeOnly, pageSize: 500, pageToken: token),
          options: connection.callOptions)
        subjects += page.subjects
        token = page.nextPageToken
      } while !token.isEmpty
      if json {
        for subject in subjects { print(describe(subject, json: true)) }
        return
      }
      let rows = subjects.map { subject in
        [
          String(subject.id), subject.name, subject.active ? "yes" : Style.paint("no", .dim),
          subject.defaultPriority.styled, Render.id(subject.defaultDepartmentId), requirements(subject),
          subject.firstResponseSlaHours == 0 && subject.solutionSlaHours == 0
            ? "-" : "\(subject.firstResponseSlaHours) h / \(subject.solutionSlaHours) h",
        ]
      }
      print(Render.table(["ID", "NAME", "ACTIVE", "PRIORITY", "DEPT", "REQUIRES", "SLA (1ST/SOLUTION)"], rows))
    }
  }
}

struct SubjectHistory: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "history", abstract: "Show every recorded change of a subject.",
    discussion: "Examples:\n  atende subject history 4\n  atende subject history 4 --json")

  @OptionGroup var connection: ConnectionOptions
  @Argument(help: "The subject's id.") var subject: Int64
  @Flag(help: "Print JSON lines.") var json = false

  func run() async throws {
    try await connection.withClient { client in
      let subjects = SubjectService.Client(client)
      _ = try await subjects.getSubject(GetSubjectRequest(id: subject), options: connection.callOptions)
      let entries = try await allHistory(
        { request throws(RPCError) in try await subjects.listSubjectHistory(request, options: connection.callOptions) },
        id: subject)
      let text = renderHistory(entries, json: json)
      if !text.isEmpty { print(text) }
    }
  }
}

// MARK: - General parameters

struct ParametersCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "parameters",
    abstract: "The general parameters of the support module: show, set, history.",
    discussion: """
      Examples:
        atende parameters show
        atende parameters set --subject-required true
        atende parameters history
      """,
    subcommands: [ShowParameters.self, SetParameters.self, ParametersHistory.self])
}

func describe(_ parameters: GeneralParameters, json: Bool) -> String {
  if json { return canonicalJSON(parameters) }
  return Render.fields(
    [
      ("subject_required", parameters.subjectRequired ? "true" : "false"),
      ("version", String(parameters.version)),
      (
        "updated",
        Render.date(parameters.updatedAt) == "-"
          ? "never" : "\(Render.date(parameters.updatedAt)) by \(parameters.updatedBy)"
      ),
    ], width: 18)
}

struct ShowParameters: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "show", abstract: "Show the general parameters.",
    discussion: "Examples:\n  atende parameters show\n  atende parameters show --json")

  @OptionGroup var connection: ConnectionOptions
  @Flag(help: "Print JSON.") var json = false

  func run() async throws {
    try await connection.withClient { client in
      print(
        describe(
          try await ParameterService.Client(client).getParameters(
            GetParametersRequest(), options: connection.callOptions),
          json: json))
    }
  }
}

struct SetParameters: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "set", abstract: "Change general parameters (recorded with who and when).",
    discussion: """
      Examples:
        atende parameters set --subject-required true
        atende parameters set --subject-required false --expected-version 4
      """)

  @OptionGroup var connection: ConnectionOptions
  @Option(help: "Tickets must have a subject (true/false).") var subjectRequired: Bool?
  @Option(help: "The version the change is based on (default: the current one).") var expectedVersion: Int64?
  @Flag(help: "Print JSON.") var json = false

  func run() async throws {
    guard let subjectRequired else { throw ValidationError("nothing to change: give --subject-required") }
    try await connection.withClient { client in
      let service = ParameterService.Client(client)
      var version = expectedVersion ?? 0
      if expectedVersion == nil {
        version = try await service.getParameters(GetParametersRequest(), options: connection.callOptions).version
      }
      let updated = try await service.updateParameters(
        UpdateParametersRequest(
          parameters: GeneralParameters(subjectRequired: subjectRequired),
          updateMask: .init(paths: ["subject_required"]), expectedVersion: version), options: connection.callOptions)
      print(describe(updated, json: json))
    }
  }
}

struct ParametersHistory: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "history", abstract: "Show every change of the general parameters.",
    discussion: "Examples:\n  atende parameters history\n  atende parameters history --json")

  @OptionGroup var connection: ConnectionOptions
  @Flag(help: "Print JSON lines.") var json = false

  func run() async throws {
    try await connection.withClient { client in
      let service = ParameterService.Client(client)
      let entries = try await allHistory(
        { request throws(RPCError) in try await service.listParameterChanges(request, options: connection.callOptions)
        },
        id: 0)
      let text = renderHistory(entries, json: json)
      if !text.isEmpty { print(text) } else if !json { print("No changes.") }
    }
  }
}
