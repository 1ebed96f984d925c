public import ArgumentParser
public import AtendeAPI
import Foundation

extension TicketLinkKind: ExpressibleByArgument {
  public static var allValueStrings: [String] { argumentNames }

  /// `duplicate-of`, `related`, `parent-of`, `caused-by` (the .proto's names).
  public init?(argument: String) { self.init(argumentName: argument) }
}

struct LinkTicket: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "link", abstract: "Link two tickets: duplicate-of, related, parent-of or caused-by.",
    discussion: """
      parent-of makes a mass incident: solving the parent (the outage) solves its
      open children, each with one interaction naming it.

      Examples:
        atende ticket link 2026000000007 duplicate-of 2026000000003
        atende ticket link 2026000000010 parent-of 2026000000011
        atende ticket link 12 related 15 --json
      """)

  @OptionGroup var connection: ConnectionOptions
  @Argument(help: "The ticket (id or protocol number).") var ticket: String
  @Argument(help: "duplicate-of, related, parent-of or caused-by.") var kind: TicketLinkKind
  @Argument(help: "The other ticket (id or protocol number).") var other: String
  @Flag(help: "Print JSON.") var json = false

  func run() async throws {
    try await connection.withClient { client in
      let tickets = TicketService.Client(client)
      let first = try await fetchTicket(ticket, tickets, connection.callOptions)
      let second = try await fetchTicket(other, tickets, connection.callOptions)
      let link = try await TicketLinkService.Client(client).linkTickets(
        LinkTicketsRequest(link: TicketLink(ticketId: first.id, kind: kind, otherTicketId: second.id)),
        options: connection.callOptions)
      print(
        json
          ? canonicalJSON(link)
          : "Linked \(first.protocol) \(kind.argument) \(second.protocol) (link \(link.id))")
    }
  }
}

struct UnlinkTicket: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "unlink", abstract: "Remove a link between tickets, by its id (see ticket links).",
    discussion: "Examples:\n  atende ticket unlink 4")

  @OptionGroup var connection: ConnectionOptions
  @Argument(help: "The link's id.") var link: Int64

  func run() async throws {
    try await connection.withClient { client in
      _ = try await TicketLinkService.Client(client).unlinkTickets(
        UnlinkTicketsRequest(id: link), options: connection.callOptions)
      print("Removed link \(link)")
    }
  }
}

struct TicketLinks: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "links", abstract: "Show a ticket's links, either side.",
    discussion: """
      Examples:
        atende ticket links 2026000000010
        atende ticket links 10 --json
      """)

  @OptionGroup var connection: ConnectionOptions
  @Argument(help: "The ticket (id or protocol number).") var ticket: String
  @Flag(help: "Print JSON lines, one link each.") var json = false

  func run() async throws {
    try await connection.withClient { client in
      let tickets = TicketService.Client(client)
      let found = try await fetchTicket(ticket, tickets, connection.callOptions)
      let service = TicketLinkService.Client(client)
      var links: [TicketLink] = []
      var token = ""
      repeat {
        let page = try await service.listTicketLinks(
          ListTicketLinksRequest(ticketId: found.id, pageSize: 500, pageToken: token), options: connection.callOptions)
        links += page.links
        token = page.nextPageToken
      } while !token.isEmpty
      if json {
        for link in links { print(canonicalJSON(link)) }
        return
      }
      guard !links.isEmpty else {
        print("No links.")
        return
      }
      // Each link read from this ticket's side, with the other ticket's protocol and status.
      var rows: [[String]] = []
      for link in links {
        let outgoing = link.ticketId == found.id
        let otherID = outgoing ? link.otherTicketId : link.ticketId
        let relation =
          outgoing || link.kind == .related
          ? link.kind.argument
          : [.duplicateOf: "has-duplicate", .parentOf: "child-of", .causedBy: "caused"][link.kind] ?? link.kind.argument
        let other = try? await tickets.getTicket(GetTicketRequest(key: .id(otherID)), options: connection.callOptions)
        rows.append([
          String(link.id), relation, other?.protocol ?? String(otherID), other?.status.styled ?? "-",
          other?.title ?? "", Render.date(link.createdAt),
        ])
      }
      print(Render.table(["LINK", "RELATION", "TICKET", "STATUS", "TITLE", "LINKED"], rows))
    }
  }
}

struct MergeTicket: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "merge", abstract: "Merge a duplicate into the ticket that stays.",
    discussion: """
      The duplicate's messages, files and contacts move to the target; the duplicate
      is solved with an interaction naming the target and linked as its duplicate.
      Both tickets must be open and of the same customer. Without --source-version and
      --target-version, the current versions are used.

      Examples:
        atende ticket merge 2026000000012 --into 2026000000007
      """)

  @OptionGroup var connection: ConnectionOptions
  @Argument(help: "The duplicate (id or protocol number).") var source: String
  @Option(help: "The ticket that stays (id or protocol number).") var into: String
  @Option(help: "The duplicate's version the merge is based on.") var sourceVersion: Int64?
  @Option(help: "The target's version the merge is based on.") var targetVersion: Int64?
  @Flag(help: "Print JSON (the merged tickets: source, then target).") var json = false

  func run() async throws {
    try await connection.withClient { client in
      let tickets = TicketService.Client(client)
      let duplicate = try await fetchTicket(source, tickets, connection.callOptions)
      let target = try await fetchTicket(into, tickets, connection.callOptions)
      let merged = try await TicketLinkService.Client(client).mergeTickets(
        MergeTicketsRequest(
          sourceId: duplicate.id, sourceExpectedVersion: sourceVersion ?? duplicate.version, targetId: target.id,
          targetExpectedVersion: targetVersion ?? target.version), options: connection.callOptions)
      if json {
        print(canonicalJSON(merged))
      } else {
        print("Merged \(duplicate.protocol) into \(target.protocol); \(duplicate.protocol) is SOLVED")
      }
    }
  }
}
