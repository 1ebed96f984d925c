import ArgumentParser
import AtendeAPI
import Foundation

struct MessageCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "message",
    abstract: "The conversation of a ticket: add and list messages.",
    discussion: """
      A message is an interaction: the first one on a NEW ticket moves it to
      IN_PROGRESS unless the message sets another status.

      Examples:
        atende message add 2026000000001 "Técnico agendado para amanhã" --employee 1
        atende message list 2026000000001
      """,
    subcommands: [AddMessage.self, ListMessages.self])
}

/// A message, for people or for scripts.
func describe(_ message: TicketMessage, json: Bool) -> String {
  if json { return canonicalJSON(message) }
  var header = "\(Render.date(message.createdAt))  \(message.authorName.isEmpty ? "-" : message.authorName)"
  header += " (\(message.authorKind == .customer ? "customer" : "employee \(message.authorId)"))"
  if message.visibility == .internal { header += "  " + Style.paint("[INTERNAL]", .magenta) }
  if message.statusChange != .unspecified { header += "  → " + message.statusChange.styled }
  return Style.paint(header, .bold) + "\n"
    + message.text.split(separator: "\n", omittingEmptySubsequences: false)
    .map { "  " + $0 }.joined(separator: "\n")
}

/// The text of an argument, or stdin when it is "-".
func textArgument(_ text: String) -> String {
  guard text == "-" else { return text }
  let data = FileHandle.standardInput.readDataToEndOfFile()
  return String(decoding: data, as: UTF8.self)
}

struct AddMessage: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "add", abstract: "Add a message to a ticket (an interaction).",
    discussion: """
      The author is an employee (--employee <id>) or the customer (--customer). A
      customer's message is always PUBLIC; an employee's may be --internal (staff
      only). --status moves the ticket with the message (pending, in-progress or
      solved).

      Examples:
        atende message add 2026000000001 "Reiniciamos a ONU" --employee 1
        atende message add 2026000000001 "Voltou a funcionar, obrigado" \\
          --customer --name "Ana" --status solved
        atende message add 12 "Cliente difícil de contatar" --employee 2 --internal
        echo "Texto longo..." | atende message add 12 - --employee 1
      """)

  @OptionGroup var connection: ConnectionOptions
  @Argument(help: "Id or protocol number of the ticket.") var ticket: String
  @Argument(help: "The text (- = read it from stdin).") var text: String
  @Option(help: "The employee writing it.") var employee: Int64?
  @Flag(help: "The customer wrote it.") var customer = false
  @Option(help: "The author's name as shown (default: the employee's name).") var name: String = ""
  @Flag(help: "Staff only (not for customer messages).") var `internal` = false
  @Option(help: "Move the ticket to pending, in-progress or solved with this message.") var status: TicketStatus?
  @Option(help: "The ticket version the message is based on (exit 5 when stale).") var expectedVersion: Int64?
  @Flag(help: "Print JSON (the message and the ticket after it).") var json = false

  func validate() throws {
    if customer && employee != nil { throw ValidationError("--employee and --customer exclude each other") }
    if !customer && employee == nil { throw ValidationError("who wrote it? give --employee <id> or --customer") }
  }

  func run() async throws {
    try await connection.withClient { client in
      let target = try await fetchTicket(ticket, TicketService.Client(client), connection.callOptions)
      let message = TicketMessage(
        ticketId: target.id, authorKind: customer ? .customer : .employee,
        authorId: employee ?? 0, authorName: name, visibility: `internal` ? .internal : .public,
        text: textArgument(text))
      let response = try await TicketMessageService.Client(client).addTicketMessage(
        AddTicketMessageRequest(
          message: message, status: status ?? .unspecified, expectedVersion: expectedVersion ?? 0),
        options: connection.callOptions)
      let added = response.message ?? TicketMessage()
      let after = response.ticket ?? target
      if json {
        print(
          Render.json([
            ("message", RawJSON(text: describe(added, json: true))),
            ("ticket", RawJSON(text: describe(after, json: true))),
          ]))
      } else {
        print("Added message \(added.id) to \(after.protocol); the ticket is \(after.status.styled)")
      }
    }
  }
}

struct ListMessages: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list", abstract: "Show the conversation of a ticket.",
    discussion: """
      Examples:
        atende message list 2026000000001
        atende message list 2026000000001 --public-only --newest-first
        atende message list 12 --json
      """)

  @OptionGroup var connection: ConnectionOptions
  @Argument(help: "Id or protocol number of the ticket.") var ticket: String
  @Flag(help: "Newest first.") var newestFirst = false
  @Flag(help: "Only what the customer sees (PUBLIC).") var publicOnly = false
  @Flag(help: "Print JSON lines, one message each.") var json = false

  func run() async throws {
    try await connection.withClient { client in
      let target = try await fetchTicket(ticket, TicketService.Client(client), connection.callOptions)
      let service = TicketMessageService.Client(client)
      var messages: [TicketMessage] = []
      var token = ""
      repeat {
        let page = try await service.listTicketMessages(
          ListTicketMessagesRequest(
            ticketId: target.id, newestFirst: newestFirst, publicOnly: publicOnly, pageSize: 500, pageToken: token),
          options: connection.callOptions)
        messages += page.messages
        token = page.nextPageToken
      } while !token.isEmpty
      if json {
        for message in messages { print(describe(message, json: true)) }
      } else if messages.isEmpty {
        print("No messages on \(target.protocol).")
      } else {
        print(messages.map { describe($0, json: false) }.joined(separator: "\n\n"))
      }
    }
  }
}
