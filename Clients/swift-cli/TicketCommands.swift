public import ArgumentParser
public import AtendeAPI
import Foundation

struct TicketCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ticket",
    abstract: "Open, read, change and search tickets.",
    subcommands: [
      OpenTicket.self, ShowTicket.self, ListTickets.self, UpdateTicket.self, ChangeStatus.self, AssignTicket.self,
      ReopenTicket.self, CancelTicket.self, TicketHistory.self,
    ])
}

extension Priority: ExpressibleByArgument {
  public init?(argument: String) {
    switch argument.lowercased() {
    case "low", "baixa": self = .low
    case "normal": self = .normal
    case "high", "alta": self = .high
    case "critical", "critica", "crítica": self = .critical
    default: return nil
    }
  }
}

extension TicketStatus: ExpressibleByArgument {
  public init?(argument: String) {
    switch argument.lowercased().replacingOccurrences(of: "-", with: "_") {
    case "new": self = .new
    case "pending": self = .pending
    case "in_progress", "progress": self = .inProgress
    case "solved": self = .solved
    case "canceled", "cancelled": self = .canceled
    default: return nil
    }
  }
}

/// A ticket, for people or for scripts.
func describe(_ ticket: Ticket, json: Bool) -> String {
  if json {
    return Render.json([
      ("id", ticket.id), ("protocol", ticket.protocol), ("status", ticket.status.label),
      ("kind", ticket.kind == .structure ? "STRUCTURE" : "CLIENT"), ("client_id", ticket.clientId),
      ("structure_id", ticket.structureId), ("contract_id", ticket.contractId), ("login_id", ticket.loginId),
      ("subject_id", ticket.subjectId), ("title", ticket.title), ("department_id", ticket.departmentId),
      ("priority", ticket.priority.label), ("description", ticket.description),
      ("complementary_status_id", ticket.complementaryStatusId), ("channel_id", ticket.channelId),
      ("assignee_id", ticket.assigneeId), ("location", ticket.location?.address ?? ""),
      ("opened_by", ticket.openedBy), ("version", ticket.version), ("interaction_count", ticket.interactionCount),
      ("created_at", ticket.createdAt?.seconds ?? 0), ("updated_at", ticket.updatedAt?.seconds ?? 0),
    ])
  }
  func id(_ value: Int64) -> String { value == 0 ? "-" : String(value) }
  let rows: [(String, String)] = [
    ("Protocol", ticket.protocol), ("Status", ticket.status.label), ("Title", ticket.title),
    ("Priority", ticket.priority.label), ("Department", id(ticket.departmentId)),
    ticket.kind == .structure ? ("Structure", id(ticket.structureId)) : ("Client", id(ticket.clientId)),
    ("Contract", id(ticket.contractId)), ("Login", id(ticket.loginId)), ("Subject", id(ticket.subjectId)),
    ("Channel", id(ticket.channelId)), ("Assignee", id(ticket.assigneeId)),
    ("Location", ticket.location.map { "\($0.address) (\($0.origin))" } ?? "-"),
    ("Opened", "\(Render.date(ticket.createdAt)) by \(ticket.openedBy)"), ("Updated", Render.date(ticket.updatedAt)),
    ("Closed", Render.date(ticket.closedAt)), ("Version", String(ticket.version)),
    ("Id", String(ticket.id)), ("Description", ticket.description),
  ]
  return rows.map { $0.0.padding(12) + $0.1 }.joined(separator: "\n")
}

extension String {
  func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(1, width - count)) }
}

/// The ticket a user named by id or protocol number.
func fetchTicket(_ reference: String, _ tickets: TicketService.Client, _ options: CallOptions) async throws -> Ticket {
  if reference.count < 13, let id = Int64(reference) {
    return try await tickets.getTicket(GetTicketRequest(key: .id(id)), options: options)
  }
  return try await tickets.getTicket(GetTicketRequest(key: .protocol(reference)), options: options)
}

struct OpenTicket: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "open", abstract: "Open a ticket.",
    discussion: """
      Examples:
        atende ticket open --client 1001 --department 1 --priority high --subject 1 \\
          --title "Sem internet" --description "Cliente sem conexão desde ontem"
        atende ticket open --structure 1 --department 1 --priority critical \\
          --title "POP sem energia" --description "Queda de energia no POP Centro" --json
      """)

  @OptionGroup var connection: ConnectionOptions
  @Option(help: "The client (a CLIENT ticket).") var client: Int64 = 0
  @Option(help: "The structure (a STRUCTURE ticket).") var structure: Int64 = 0
  @Option(help: "The department.") var department: Int64 = 0
  @Option(help: "low, normal, high or critical; default: the subject's.") var priority: Priority?
  @Option(help: "The subject.") var subject: Int64 = 0
  @Option(help: "One-line summary.") var title: String = ""
  @Option(help: "The detailed description.") var description: String = ""
  @Option(help: "The contract.") var contract: Int64 = 0
  @Option(help: "The login.") var login: Int64 = 0
  @Option(help: "The contact channel.") var channel: Int64 = 0
  @Option(help: "The complementary status.") var complementaryStatus: Int64 = 0
  @Flag(help: "Print JSON.") var json = false

  func run() async throws {
    try await reportingErrors {
      let client = try connection.client()
      defer { client.close() }
      let ticket = Ticket(
        kind: structure != 0 ? .structure : .client, clientId: self.client, structureId: structure,
        contractId: contract, loginId: login, subjectId: subject, title: title, departmentId: department,
        priority: priority ?? .unspecified, description: description, complementaryStatusId: complementaryStatus,
        channelId: channel)
      let created = try await TicketService.Client(client).createTicket(
        CreateTicketRequest(ticket: ticket), options: connection.callOptions)
      print(
        json
          ? describe(created, json: true)
          : "Opened ticket \(created.protocol) (id \(created.id))\n" + describe(created, json: false))
    }
  }
}

struct ShowTicket: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "show", abstract: "Show a ticket by id or protocol number.",
    discussion: "Examples:\n  atende ticket show 2026000000001\n  atende ticket show 12 --json")

  @OptionGroup var connection: ConnectionOptions
  @Argument(help: "Id or protocol number.") var ticket: String
  @Flag(help: "Print JSON.") var json = false

  func run() async throws {
    try await reportingErrors {
      let client = try connection.client()
      defer { client.close() }
      print(describe(try await fetchTicket(ticket, TicketService.Client(client), connection.callOptions), json: json))
    }
  }
}

struct ListTickets: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list", abstract: "List and search tickets (newest first).",
    discussion: """
      Examples:
        atende ticket list --status new --status in-progress --department 1
        atende ticket list --query "fibra rompida" --order relevance
        atende ticket list --page-size 20 --page-token <token from the previous page>
      """)

  @OptionGroup var connection: ConnectionOptions
  @Option(help: "Only these statuses (repeatable).") var status: [TicketStatus] = []
  @Option(help: "Only this client.") var client: Int64 = 0
  @Option(help: "Only this department.") var department: Int64 = 0
  @Option(help: "Only this assignee.") var assignee: Int64 = 0
  @Option(help: "Only this subject.") var subject: Int64 = 0
  @Option(help: "Full-text query (prefix matching).") var query: String = ""
  @Option(help: "created-desc, created-asc, updated-desc, priority-desc or relevance.") var order: String =
    "created-desc"
  @Option(help: "Tickets per page.") var pageSize: Int32 = 20
  @Option(help: "Continue from this token.") var pageToken: String = ""
  @Flag(help: "Print JSON lines (one ticket each, then the next page token).") var json = false

  func run() async throws {
    let orders: [String: TicketOrder] = [
      "created-desc": .createdDesc, "created-asc": .createdAsc, "updated-desc": .updatedDesc,
      "priority-desc": .priorityDesc, "relevance": .relevance,
    ]
    guard let order = orders[order] else { throw ValidationError("unknown --order \(order)") }
    try await reportingErrors {
      let client = try connection.client()
      defer { client.close() }
      let page = try await TicketService.Client(client).listTickets(
        ListTicketsRequest(
          statuses: status, clientId: self.client, departmentId: department, assigneeId: assignee, subjectId: subject,
          query: query, order: order, pageSize: pageSize, pageToken: pageToken), options: connection.callOptions)
      if json {
        for ticket in page.tickets { print(describe(ticket, json: true)) }
        print(Render.json([("next_page_token", page.nextPageToken)]))
        return
      }
      let rows = page.tickets.map {
        [$0.protocol, $0.status.label, $0.priority.label, String($0.departmentId), Render.date($0.createdAt), $0.title]
      }
      print(Render.table(["PROTOCOL", "STATUS", "PRIORITY", "DEPT", "OPENED", "TITLE"], rows))
      if !page.nextPageToken.isEmpty { print("\nmore: --page-token \(page.nextPageToken)") }
    }
  }
}

/// Options of the commands that change a ticket.
struct ChangeOptions: ParsableArguments {
  @Argument(help: "Id or protocol number.") var ticket: String
  @Option(help: "The version the change is based on (default: the current one).") var expectedVersion: Int64?
  @Flag(help: "Print JSON.") var json = false

  /// The ticket's id and the version to send.
  func target(_ tickets: TicketService.Client, _ options: CallOptions) async throws -> (Int64, Int64) {
    let current = try await fetchTicket(ticket, tickets, options)
    return (current.id, expectedVersion ?? current.version)
  }

  /// Connects, finds the ticket and its version, makes the change with `call`, and
  /// prints the result (`summary` for people, the ticket for --json).
  func apply(
    _ connection: ConnectionOptions,
    _ call: (TicketService.Client, _ id: Int64, _ version: Int64, CallOptions) async throws -> Ticket,
    summary: (Ticket) -> String
  ) async throws {
    try await reportingErrors {
      let client = try connection.client()
      defer { client.close() }
      let tickets = TicketService.Client(client)
      let (id, version) = try await target(tickets, connection.callOptions)
      let updated = try await call(tickets, id, version, connection.callOptions)
      print(json ? describe(updated, json: true) : summary(updated))
    }
  }
}

struct UpdateTicket: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "update", abstract: "Change fields of a ticket.",
    discussion: """
      Examples:
        atende ticket update 2026000000001 --title "Internet lenta à noite" --priority normal
        atende ticket update 12 --client 1002 --expected-version 3
      """)

  @OptionGroup var change: ChangeOptions
  @OptionGroup var connection: ConnectionOptions
  @Option var title: String?
  @Option var description: String?
  @Option var priority: Priority?
  @Option var department: Int64?
  @Option var subject: Int64?
  @Option var client: Int64?
  @Option var contract: Int64?
  @Option var login: Int64?
  @Option var channel: Int64?
  @Option var complementaryStatus: Int64?
  @Option(help: "Set the location by hand (address text).") var location: String?

  func run() async throws {
    try await reportingErrors {
      let client = try connection.client()
      defer { client.close() }
      let tickets = TicketService.Client(client)
      let (id, version) = try await change.target(tickets, connection.callOptions)
      var ticket = Ticket(id: id)
      var paths: [String] = []
      if let title { ticket.title = title; paths.append("title") }
      if let description { ticket.description = description; paths.append("description") }
      if let priority { ticket.priority = priority; paths.append("priority") }
      if let department { ticket.departmentId = department; paths.append("department_id") }
      if let subject { ticket.subjectId = subject; paths.append("subject_id") }
      if let value = self.client { ticket.clientId = value; paths.append("client_id") }
      if let contract { ticket.contractId = contract; paths.append("contract_id") }
      if let login { ticket.loginId = login; paths.append("login_id") }
      if let channel { ticket.channelId = channel; paths.append("channel_id") }
      if let complementaryStatus {
        ticket.complementaryStatusId = complementaryStatus; paths.append("complementary_status_id")
      }
      if let location { ticket.location = Location(address: location); paths.append("location") }
      guard !paths.isEmpty else { throw ValidationError("nothing to change: give at least one field option") }
      let updated = try await tickets.updateTicket(
        UpdateTicketRequest(ticket: ticket, updateMask: .init(paths: paths), expectedVersion: version),
        options: connection.callOptions)
      print(describe(updated, json: change.json))
    }
  }
}

struct ChangeStatus: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "status", abstract: "Move a ticket to pending, in-progress or solved.",
    discussion: """
      Examples:
        atende ticket status 2026000000001 in-progress --message "Técnico a caminho"
        atende ticket status 12 solved
      """)

  @OptionGroup var change: ChangeOptions
  @OptionGroup var connection: ConnectionOptions
  @Argument(help: "pending, in-progress or solved.") var status: TicketStatus
  @Option(help: "A message for the customer or the team (counts as an interaction).") var message: String = ""

  func run() async throws {
    try await change.apply(connection) { tickets, id, version, options in
      try await tickets.changeTicketStatus(
        ChangeTicketStatusRequest(id: id, expectedVersion: version, status: status, message: message), options: options)
    } summary: {
      "\($0.protocol) is now \($0.status.label)"
    }
  }
}

struct AssignTicket: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "assign", abstract: "Put an employee in charge of a ticket (0 = nobody).",
    discussion: "Example:\n  atende ticket assign 2026000000001 1")

  @OptionGroup var change: ChangeOptions
  @OptionGroup var connection: ConnectionOptions
  @Argument(help: "The employee's id, or 0.") var employee: Int64

  func run() async throws {
    try await change.apply(connection) { tickets, id, version, options in
      try await tickets.assignTicket(
        AssignTicketRequest(id: id, expectedVersion: version, assigneeId: employee), options: options)
    } summary: {
      "\($0.protocol) assigned to \($0.assigneeId == 0 ? "nobody" : String($0.assigneeId))"
    }
  }
}

struct ReopenTicket: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "reopen", abstract: "Reopen a solved ticket.",
    discussion: "Example:\n  atende ticket reopen 2026000000001 --reason \"Voltou a cair\"")

  @OptionGroup var change: ChangeOptions
  @OptionGroup var connection: ConnectionOptions
  @Option(help: "Why (required).") var reason: String

  func run() async throws {
    try await change.apply(connection) { tickets, id, version, options in
      try await tickets.reopenTicket(
        ReopenTicketRequest(id: id, expectedVersion: version, reason: reason), options: options)
    } summary: {
      "\($0.protocol) reopened: \($0.status.label)"
    }
  }
}

struct CancelTicket: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cancel", abstract: "Cancel a ticket for good.",
    discussion: "Example:\n  atende ticket cancel 2026000000001 --reason \"Aberto em duplicidade\"")

  @OptionGroup var change: ChangeOptions
  @OptionGroup var connection: ConnectionOptions
  @Option(help: "Why (required).") var reason: String

  func run() async throws {
    try await change.apply(connection) { tickets, id, version, options in
      try await tickets.cancelTicket(
        CancelTicketRequest(id: id, expectedVersion: version, reason: reason), options: options)
    } summary: {
      "\($0.protocol) canceled"
    }
  }
}

struct TicketHistory: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "history", abstract: "Show every recorded change of a ticket.",
    discussion: "Example:\n  atende ticket history 2026000000001")

  @OptionGroup var connection: ConnectionOptions
  @Argument(help: "Id or protocol number.") var ticket: String
  @Flag(help: "Print JSON lines.") var json = false

  func run() async throws {
    try await reportingErrors {
      let client = try connection.client()
      defer { client.close() }
      let tickets = TicketService.Client(client)
      let current = try await fetchTicket(ticket, tickets, connection.callOptions)
      var token = ""
      var entries: [HistoryEntry] = []
      repeat {
        let page = try await tickets.listTicketHistory(
          ListHistoryRequest(id: current.id, pageSize: 500, pageToken: token), options: connection.callOptions)
        entries += page.entries
        token = page.nextPageToken
      } while !token.isEmpty
      if json {
        for entry in entries {
          print(
            Render.json([
              ("at", entry.at?.seconds ?? 0), ("actor", entry.actor), ("kind", entry.kind), ("field", entry.field),
              ("old_value", entry.oldValue), ("new_value", entry.newValue), ("note", entry.note),
            ]))
        }
        return
      }
      let rows = entries.map { entry in
        let change = entry.field.isEmpty ? entry.newValue : "\(entry.field): \(entry.oldValue) → \(entry.newValue)"
        return [
          Render.date(entry.at), entry.actor, entry.kind,
          [change, entry.note].filter { !$0.isEmpty }.joined(separator: " — "),
        ]
      }
      print(Render.table(["WHEN", "WHO", "WHAT", "DETAIL"], rows))
    }
  }
}
