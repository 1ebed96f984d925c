public import ArgumentParser
public import AtendeAPI
import Foundation

struct TicketCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ticket",
    abstract: "Open, read, change and search tickets.",
    discussion: """
      A ticket is named by its id or its protocol number everywhere.

      Examples:
        atende ticket open               # asks for what is missing, on a terminal
        atende ticket show 2026000000001
        atende ticket list --query "sem conexão" --status new
        atende ticket tag 2026000000001 --add queda-massiva
        atende ticket list --tag queda-massiva --branch 2
      """,
    subcommands: [
      OpenTicket.self, ShowTicket.self, ListTickets.self, UpdateTicket.self, ChangeStatus.self, AssignTicket.self,
      ReopenTicket.self, CancelTicket.self, TicketLocation.self, TicketHistory.self, LinkTicket.self, UnlinkTicket.self,
      TicketLinks.self, MergeTicket.self, TagTicket.self, ListTags.self,
    ])
}

extension Priority: ExpressibleByArgument {
  public static var allValueStrings: [String] { argumentNames }

  /// The .proto's names (`high`), and the Portuguese ones people type.
  public init?(argument: String) {
    let aliases: [String: Priority] = ["baixa": .low, "alta": .high, "critica": .critical, "crítica": .critical]
    guard let priority = Priority(argumentName: argument) ?? aliases[argument.lowercased()] else { return nil }
    self = priority
  }
}

extension TicketStatus: ExpressibleByArgument {
  public static var allValueStrings: [String] { argumentNames }

  /// The .proto's names (`in-progress`), and two spellings people type.
  public init?(argument: String) {
    let aliases: [String: TicketStatus] = ["progress": .inProgress, "cancelled": .canceled]
    guard let status = TicketStatus(argumentName: argument) ?? aliases[argument.lowercased()] else { return nil }
    self = status
  }
}

/// A ticket's location for people.
func describeLocation(_ location: Location?) -> String {
  guard let location, !location.address.isEmpty || location.hasCoordinates else { return "-" }
  var text = location.address.isEmpty ? "(no address)" : location.address
  if location.hasCoordinates { text += String(format: " (%.5f, %.5f)", location.latitude, location.longitude) }
  return text + " [\(location.origin.label)]"
}

/// A ticket, for people or for scripts.
func describe(_ ticket: Ticket, json: Bool) -> String {
  if json { return canonicalJSON(ticket) }
  let id = Render.id
  let rows: [(String, String)] = [
    ("Protocol", ticket.protocol), ("Status", ticket.status.styled), ("Title", ticket.title),
    ("Priority", ticket.priority.styled), ("Department", id(ticket.departmentId)),
    ticket.kind == .structure ? ("Structure", id(ticket.structureId)) : ("Client", id(ticket.clientId)),
    ("Contract", id(ticket.contractId)), ("Login", id(ticket.loginId)), ("Subject", id(ticket.subjectId)),
    ("Channel", id(ticket.channelId)), ("Compl. status", id(ticket.complementaryStatusId)),
    ("Assignee", id(ticket.assigneeId)), ("Branch", id(ticket.branchId)),
    ("Tags", ticket.tags.isEmpty ? "-" : ticket.tags.joined(separator: ", ")),
    ("Location", describeLocation(ticket.location)),
    ("Opened", "\(Render.date(ticket.createdAt)) by \(ticket.openedBy)"), ("Updated", Render.date(ticket.updatedAt)),
    ("Closed", Render.date(ticket.closedAt)), ("Version", String(ticket.version)),
    ("Id", String(ticket.id)),
  ]
  return Render.fields(rows + slaRows(ticket.sla) + [("Description", ticket.description)], width: 14)
}

/// The id of the ticket a filter names (by id or protocol number); 0 when it names none.
func ticketID(_ reference: String?, _ client: RPCClient, _ options: CallOptions) async throws -> Int64 {
  guard let reference else { return 0 }
  return try await fetchTicket(reference, TicketService.Client(client), options).id
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
      On a terminal, the fields a ticket needs that are not given as options are
      asked for, in the order of a support call: client → department (chosen from
      the active ones) → priority → subject (chosen from the department's) → the
      fields the subject requires (contract, login, channel, complementary status)
      → title → description. When stdin or stdout is not a terminal (scripts,
      pipes) or with --no-input, nothing is asked: the ticket goes to the server
      as given and its errors name the fields.

      Examples:
        atende ticket open                      # asks for everything, on a terminal
        atende ticket open --client 1001 --department 1 --priority high \\
          --subject 1 \\
          --title "Sem internet" --description "Cliente sem conexão desde ontem"
        atende ticket open --client 1002 --department 2 --priority normal \\
          --subject 4 \\
          --channel 1 --complementary-status 1 --title "Cobrança indevida" \\
          --description "Valor cobrado em dobro na fatura de março"
        atende ticket open --structure 1 --department 1 --priority critical \\
          --title "POP sem energia" --description "Queda de energia" --json
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
  @Option(help: "The branch (filial).") var branch: Int64 = 0
  @Option(help: "A tag (repeatable).") var tag: [String] = []
  @Flag(help: "Never ask for missing fields, even on a terminal.") var noInput = false
  @Flag(help: "Print JSON.") var json = false

  func run() async throws {
    try await connection.withClient { client in
      var ticket = Ticket(
        kind: structure != 0 ? .structure : .client, clientId: self.client, structureId: structure,
        contractId: contract, loginId: login, subjectId: subject, title: title, departmentId: department,
        priority: priority ?? .unspecified, description: description, complementaryStatusId: complementaryStatus,
        channelId: channel, branchId: branch, tags: tag)
      if Terminal.interactive && !noInput {
        try await TicketForm(client: client, options: connection.callOptions).complete(&ticket)
      }
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
    try await connection.withClient { client in
      print(describe(try await fetchTicket(ticket, TicketService.Client(client), connection.callOptions), json: json))
    }
  }
}

struct ListTickets: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list", abstract: "List and search tickets (newest first).",
    discussion: """
      --query searches the title, the description, the messages and the protocol
      number; words match as prefixes ("fibr rompid" finds "fibra rompida").

      Examples:
        atende ticket list --status new --status in-progress --department 1
        atende ticket list --query "fibra rompida" --order relevance
        atende ticket list --priority critical --created-after 2026-03-01
        atende ticket list --page-size 20 --page-token <token of the last page>
        atende ticket list --client 1001 --json | jq -r .protocol
        atende ticket list --branch 2 --tag fibra --tag queda-massiva
      """)

  @OptionGroup var connection: ConnectionOptions
  @Option(help: "Only these statuses (repeatable).") var status: [TicketStatus] = []
  @Option(help: "Only these priorities (repeatable).") var priority: [Priority] = []
  @Option(help: "Only this client.") var client: Int64 = 0
  @Option(help: "Only this structure.") var structure: Int64 = 0
  @Option(help: "Only this department.") var department: Int64 = 0
  @Option(help: "Only this assignee.") var assignee: Int64 = 0
  @Option(help: "Only this subject.") var subject: Int64 = 0
  @Option(help: "Only this channel.") var channel: Int64 = 0
  @Option(help: "Only this branch.") var branch: Int64 = 0
  @Option(help: "Only tickets carrying this tag (repeatable: every one given).") var tag: [String] = []
  @Option(help: "Created at or after this date (local time, e.g. 2026-03-01 or \"2026-03-01 14:00\").")
  var createdAfter: String?
  @Option(help: "Created before this date (local time).") var createdBefore: String?
  @Option(help: "Full-text query (prefix matching).") var query: String = ""
  @Option(help: "created-desc, created-asc, updated-desc, priority-desc or relevance.") var order: String =
    "created-desc"
  @Option(help: "Tickets per page (at most 500).") var pageSize: Int32 = 20
  @Option(help: "Continue from this token.") var pageToken: String = ""
  @Flag(help: "Print JSON lines (one ticket each, then the next page token).") var json = false

  func run() async throws {
    let orders: [String: TicketOrder] = [
      "created-desc": .createdDesc, "created-asc": .createdAsc, "updated-desc": .updatedDesc,
      "priority-desc": .priorityDesc, "relevance": .relevance,
    ]
    guard let order = orders[order] else { throw ValidationError("unknown --order \(order)") }
    let after = try createdAfter.map { try timestampOption($0, "--created-after") }
    let before = try createdBefore.map { try timestampOption($0, "--created-before") }
    try await connection.withClient { client in
      let page = try await TicketService.Client(client).listTickets(
        ListTicketsRequest(
          statuses: status, clientId: self.client, structureId: structure, departmentId: department,
          assigneeId: assignee, priorities: priority, subjectId: subject, channelId: channel, createdAfter: after,
          createdBefore: before, query: query, order: order, pageSize: pageSize, pageToken: pageToken, branchId: branch,
          tags: tag),
        options: connection.callOptions)
      if json {
        for ticket in page.tickets { print(describe(ticket, json: true)) }
        print(Render.json([("nextPageToken", page.nextPageToken)]))
        return
      }
      let rows = page.tickets.map {
        [
          $0.protocol, $0.status.styled, $0.priority.styled, Render.id($0.departmentId), Render.id($0.assigneeId),
          Render.date($0.createdAt), $0.title,
        ]
      }
      print(Render.table(["PROTOCOL", "STATUS", "PRIORITY", "DEPT", "ASSIGNEE", "OPENED", "TITLE"], rows))
      if !page.nextPageToken.isEmpty { print("\nmore: --page-token \(page.nextPageToken)") }
    }
  }
}

/// A timestamp given as an option's date, or a usage error naming the option.
func timestampOption(_ text: String, _ option: String) throws -> Google_Protobuf_Timestamp {
  guard let date = Render.parseDate(text) else {
    throw ValidationError(
      "\(option): '\(text)' is not a date (use 2026-03-01, \"2026-03-01 14:30\" or ISO 8601)")
  }
  return Google_Protobuf_Timestamp(date: date)
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
    try await connection.withClient { client in
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
      Only the fields given change. --expected-version makes the change fail (exit
      5) when someone else changed the ticket since you read that version.

      Examples:
        atende ticket update 2026000000001 --title "Lenta à noite" --priority normal
        atende ticket update 12 --client 1002 --expected-version 3
      """)

  @OptionGroup var change: ChangeOptions
  @OptionGroup var connection: ConnectionOptions
  @Option(help: "New one-line summary.") var title: String?
  @Option(help: "New description.") var description: String?
  @Option(help: "low, normal, high or critical.") var priority: Priority?
  @Option(help: "New department.") var department: Int64?
  @Option(help: "New subject (its rules are checked again).") var subject: Int64?
  @Option(help: "New client (contract and login are derived again unless given).") var client: Int64?
  @Option(help: "New contract (0 = none).") var contract: Int64?
  @Option(help: "New login (0 = none).") var login: Int64?
  @Option(help: "New channel (0 = none).") var channel: Int64?
  @Option(help: "New complementary status (0 = none).") var complementaryStatus: Int64?
  @Option(help: "Set the location by hand (address text; see also 'ticket location').") var location: String?
  @Option(help: "New branch (0 = none).") var branch: Int64?

  func run() async throws {
    try await connection.withClient { client in
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
      if let branch { ticket.branchId = branch; paths.append("branch_id") }
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
      "\($0.protocol) is now \($0.status.styled)"
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
      "\($0.protocol) reopened: \($0.status.styled)"
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

struct TicketLocation: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "location", abstract: "Show or set where a ticket's service happens.",
    discussion: """
      The location is derived from the client, the contract or login (when the
      subject requires them) or the structure. Setting it by hand makes it MANUAL:
      it is no longer derived. --derive goes back to the derived one.

      Examples:
        atende ticket location 2026000000001
        atende ticket location 2026000000001 --address "Rua das Flores, 120" \\
          --latitude -27.1004 --longitude -52.6152
        atende ticket location 2026000000001 --derive
      """)

  @OptionGroup var change: ChangeOptions
  @OptionGroup var connection: ConnectionOptions
  @Option(help: "The address text.") var address: String?
  @Option(
    parsing: .unconditional, help: "Latitude in degrees (with --longitude).",
    transform: { try coordinate($0, "--latitude", 90) })
  var latitude: Double?
  @Option(
    parsing: .unconditional, help: "Longitude in degrees (with --latitude).",
    transform: { try coordinate($0, "--longitude", 180) })
  var longitude: Double?
  @Flag(help: "Drop the location set by hand and derive it again.") var derive = false

  func validate() throws {
    if (latitude == nil) != (longitude == nil) {
      throw ValidationError("--latitude and --longitude go together")
    }
    if derive && (address != nil || latitude != nil) {
      throw ValidationError("--derive cannot be combined with --address, --latitude or --longitude")
    }
  }

  func run() async throws {
    guard derive || address != nil || latitude != nil else {
      try await connection.withClient { client in
        let ticket = try await fetchTicket(change.ticket, TicketService.Client(client), connection.callOptions)
        print(change.json ? ticket.location.map(canonicalJSON) ?? "null" : describeLocation(ticket.location))
      }
      return
    }
    var location = Location()
    if !derive {
      location.address = address ?? ""
      if let latitude, let longitude {
        location.latitude = latitude
        location.longitude = longitude
        location.hasCoordinates = true
      }
    }
    try await change.apply(connection) { tickets, id, version, options in
      try await tickets.updateTicket(
        UpdateTicketRequest(
          ticket: Ticket(id: id, location: location), updateMask: .init(paths: ["location"]),
          expectedVersion: version), options: options)
    } summary: {
      "\($0.protocol) location: \(describeLocation($0.location))"
    }
  }
}

/// A coordinate option within ±`limit` degrees.
func coordinate(_ text: String, _ option: String, _ limit: Double) throws -> Double {
  guard let value = Double(text), abs(value) <= limit else {
    throw ValidationError("\(option) must be a number of degrees between -\(Int(limit)) and \(Int(limit))")
  }
  return value
}

struct TicketHistory: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "history", abstract: "Show every recorded change of a ticket, oldest first.",
    discussion: """
      Kinds: CREATED, FIELD_CHANGED, STATUS_CHANGED, ASSIGNED, REOPENED, CANCELED,
      INTERACTION, MESSAGE, CONTACT_ADDED, CONTACT_UPDATED, CONTACT_REMOVED,
      FILE_ADDED, FILE_REMOVED, SERVICE_ORDER_OPENED, SERVICE_ORDER_CHANGED.

      Examples:
        atende ticket history 2026000000001
        atende ticket history 2026000000001 --kind STATUS_CHANGED --json
      """)

  @OptionGroup var connection: ConnectionOptions
  @Argument(help: "Id or protocol number.") var ticket: String
  @Option(help: "Only entries of this kind.") var kind: String = ""
  @Flag(help: "Print JSON lines.") var json = false

  func run() async throws {
    try await connection.withClient { client in
      let tickets = TicketService.Client(client)
      let current = try await fetchTicket(ticket, tickets, connection.callOptions)
      let entries = try await allHistory(
        { request throws(RPCError) in try await tickets.listTicketHistory(request, options: connection.callOptions) },
        id: current.id, kind: kind.uppercased())
      let text = renderHistory(entries, json: json)
      if !text.isEmpty { print(text) }
    }
  }
}

struct TagTicket: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tag", abstract: "Add tags to a ticket or remove them.",
    discussion: """
      Tags are normalised by the server: trimmed, lower-cased, without a leading
      '#', spaces inside turned into '-' ("Queda Massiva" is queda-massiva). With
      neither --add nor --remove, prints the ticket's tags.

      Examples:
        atende ticket tag 2026000000001 --add "Queda Massiva" --add fibra
        atende ticket tag 12 --remove fibra
      """)

  @OptionGroup var change: ChangeOptions
  @OptionGroup var connection: ConnectionOptions
  @Option(help: "A tag to add (repeatable).") var add: [String] = []
  @Option(help: "A tag to remove (repeatable).") var remove: [String] = []

  func run() async throws {
    try await connection.withClient { client in
      let tickets = TicketService.Client(client)
      let current = try await fetchTicket(change.ticket, tickets, connection.callOptions)
      if add.isEmpty && remove.isEmpty {
        print(change.json ? describe(current, json: true) : current.tags.joined(separator: "\n"))
        return
      }
      // The server normalises; removals are matched on the normal form it shows.
      let removed = Set(remove.map(Self.normalised))
      if let both = add.first(where: { removed.contains(Self.normalised($0)) }) {
        throw ValidationError("\(both) is both added and removed")
      }
      var tags = current.tags.filter { !removed.contains($0) }
      tags += add.filter { !tags.contains(Self.normalised($0)) }
      let updated = try await tickets.updateTicket(
        UpdateTicketRequest(
          ticket: Ticket(id: current.id, tags: tags), updateMask: .init(paths: ["tags"]),
          expectedVersion: change.expectedVersion ?? current.version),
        options: connection.callOptions)
      print(
        change.json
          ? describe(updated, json: true)
          : "Ticket \(updated.protocol): \(updated.tags.isEmpty ? "no tags" : updated.tags.joined(separator: ", "))")
    }
  }

  /// A tag as the server stores it, for matching removals (the server checks the rest).
  static func normalised(_ tag: String) -> String {
    var text = tag.trimmingCharacters(in: .whitespacesAndNewlines)
    while text.hasPrefix("#") { text.removeFirst() }
    return text.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: "-")
  }
}

struct ListTags: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tags", abstract: "List the tags in use, the most used first.",
    discussion: """
      Examples:
        atende ticket tags
        atende ticket tags --prefix fib --json
      """)

  @OptionGroup var connection: ConnectionOptions
  @Option(help: "Only tags starting with this.") var prefix: String = ""
  @Option(help: "At most this many (default 50, at most 500).") var limit: Int32 = 50
  @Flag(help: "Print JSON lines.") var json = false

  func run() async throws {
    try await connection.withClient { client in
      let response = try await TicketService.Client(client).listTags(
        ListTagsRequest(prefix: prefix, limit: limit), options: connection.callOptions)
      if json {
        for tag in response.tags { print(canonicalJSON(tag)) }
        return
      }
      print(Render.table(["TAG", "TICKETS"], response.tags.map { [$0.tag, String($0.tickets)] }))
    }
  }
}
