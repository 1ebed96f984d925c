import ArgumentParser
import AtendeAPI

struct ContactCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "contact",
    abstract: "People to talk to about a ticket: add, update, remove, list.",
    discussion: """
      A contact has a name and a phone (10 to 15 digits, optionally +, spaces,
      dots, dashes, parentheses) or an e-mail, and an optional note.

      Examples:
        atende contact add 2026000000001 --name "Ana" --phone "+55 (49) 99999-1234"
        atende contact list 2026000000001
      """,
    subcommands: [AddContact.self, UpdateContact.self, RemoveContact.self, ListContacts.self])
}

/// A contact, for people or for scripts.
func describe(_ contact: TicketContact, json: Bool) -> String {
  if json { return canonicalJSON(contact) }
  return Render.fields([
    ("Id", String(contact.id)), ("Name", contact.name), ("Phone", contact.phone.isEmpty ? "-" : contact.phone),
    ("E-mail", contact.email.isEmpty ? "-" : contact.email), ("Note", contact.note.isEmpty ? "-" : contact.note),
  ])
}

/// The contacts of the ticket named `reference`, and the ticket.
func ticketContacts(_ reference: String, _ client: RPCClient, _ options: CallOptions) async throws
  -> (Ticket, [TicketContact])
{
  let ticket = try await fetchTicket(reference, TicketService.Client(client), options)
  let contacts = try await TicketContactService.Client(client).listTicketContacts(
    ListTicketContactsRequest(ticketId: ticket.id), options: options
  ).contacts
  return (ticket, contacts)
}

/// Fails with "not found" unless `id` is one of `contacts`.
func requireContact(_ id: Int64, in contacts: [TicketContact], of ticket: Ticket) throws {
  guard contacts.contains(where: { $0.id == id }) else {
    throw CLIError.notFound("contact \(id) is not a contact of ticket \(ticket.protocol)")
  }
}

struct AddContact: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "add", abstract: "Add a contact to a ticket.",
    discussion: """
      Examples:
        atende contact add 2026000000001 --name "Ana" --phone "(49) 99999-1234"
        atende contact add 12 --name "Gerente" --email gerente@bompreco.com.br \\
          --note "Só à tarde" --json
      """)

  @OptionGroup var connection: ConnectionOptions
  @Argument(help: "Id or protocol number of the ticket.") var ticket: String
  @Option(help: "The person's name.") var name: String = ""
  @Option(help: "A phone number.") var phone: String = ""
  @Option(help: "An e-mail address.") var email: String = ""
  @Option(help: "A note (at most 500 characters).") var note: String = ""
  @Flag(help: "Print JSON.") var json = false

  func run() async throws {
    try await connection.withClient { client in
      let target = try await fetchTicket(ticket, TicketService.Client(client), connection.callOptions)
      let added = try await TicketContactService.Client(client).addTicketContact(
        AddTicketContactRequest(
          contact: TicketContact(ticketId: target.id, name: name, phone: phone, email: email, note: note)),
        options: connection.callOptions)
      print(json ? describe(added, json: true) : "Added contact \(added.id) to \(target.protocol)")
    }
  }
}

struct UpdateContact: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "update", abstract: "Change a contact of a ticket.",
    discussion: """
      Only the fields given change; an empty value clears it (e.g. --email "").

      Examples:
        atende contact update 2026000000001 3 --phone "+55 49 3322-1100"
        atende contact update 12 3 --note "" --json
      """)

  @OptionGroup var connection: ConnectionOptions
  @Argument(help: "Id or protocol number of the ticket.") var ticket: String
  @Argument(help: "The contact's id.") var contact: Int64
  @Option(help: "New name.") var name: String?
  @Option(help: "New phone.") var phone: String?
  @Option(help: "New e-mail.") var email: String?
  @Option(help: "New note.") var note: String?
  @Option(help: "The contact's version the change is based on (exit 5 when it changed since).")
  var expectedVersion: Int64?
  @Flag(help: "Print JSON.") var json = false

  func run() async throws {
    var changed = TicketContact(id: contact)
    var paths: [String] = []
    if let name { changed.name = name; paths.append("name") }
    if let phone { changed.phone = phone; paths.append("phone") }
    if let email { changed.email = email; paths.append("email") }
    if let note { changed.note = note; paths.append("note") }
    guard !paths.isEmpty else { throw ValidationError("nothing to change: give --name, --phone, --email or --note") }
    try await connection.withClient { client in
      let (target, contacts) = try await ticketContacts(ticket, client, connection.callOptions)
      try requireContact(contact, in: contacts, of: target)
      changed.ticketId = target.id
      let updated = try await TicketContactService.Client(client).updateTicketContact(
        UpdateTicketContactRequest(
          contact: changed, updateMask: .init(paths: paths), expectedVersion: expectedVersion ?? 0),
        options: connection.callOptions)
      print(json ? describe(updated, json: true) : "Updated contact \(updated.id) of \(target.protocol)")
    }
  }
}

struct RemoveContact: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "remove", abstract: "Remove a contact from a ticket.",
    discussion: "Example:\n  atende contact remove 2026000000001 3")

  @OptionGroup var connection: ConnectionOptions
  @Argument(help: "Id or protocol number of the ticket.") var ticket: String
  @Argument(help: "The contact's id.") var contact: Int64
  @Option(help: "The contact's version the removal is based on (exit 5 when it changed since).")
  var expectedVersion: Int64?
  @Flag(help: "Print JSON.") var json = false

  func run() async throws {
    try await connection.withClient { client in
      let (target, contacts) = try await ticketContacts(ticket, client, connection.callOptions)
      try requireContact(contact, in: contacts, of: target)
      _ = try await TicketContactService.Client(client).removeTicketContact(
        RemoveTicketContactRequest(id: contact, expectedVersion: expectedVersion ?? 0), options: connection.callOptions)
      print(
        json
          ? Render.json([("removed", String(contact)), ("ticketId", String(target.id))])
          : "Removed contact \(contact) from \(target.protocol)")
    }
  }
}

struct ListContacts: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list", abstract: "List the contacts of a ticket.",
    discussion: "Examples:\n  atende contact list 2026000000001\n  atende contact list 12 --json")

  @OptionGroup var connection: ConnectionOptions
  @Argument(help: "Id or protocol number of the ticket.") var ticket: String
  @Flag(help: "Print JSON lines, one contact each.") var json = false

  func run() async throws {
    try await connection.withClient { client in
      let (target, contacts) = try await ticketContacts(ticket, client, connection.callOptions)
      if json {
        for contact in contacts { print(describe(contact, json: true)) }
      } else if contacts.isEmpty {
        print("No contacts on \(target.protocol).")
      } else {
        print(
          Render.table(
            ["ID", "NAME", "PHONE", "E-MAIL", "NOTE"],
            contacts.map { [String($0.id), $0.name, $0.phone, $0.email, $0.note] }))
      }
    }
  }
}
