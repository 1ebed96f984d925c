public import AtendeDomain
public import AtendeStore
internal import Foundation
internal import PostgresNIO

extension PostgresStore {
  public func linkTickets(_ link: TicketLink, expectedVersion: Int64?, actor: String) async throws -> TicketLink {
    let now = self.now()
    return try await transaction { connection in
      let (ticket, other) = try await lockPair(connection, link.ticketID, link.otherTicketID, hidden: nil)
      if let expectedVersion {
        try Versioning.check(expectedVersion, current: ticket.version, what: "ticket \(ticket.protocolNumber)")
      }
      let normalized = TicketLinkRules.normalized(link)
      var facts = TicketLinkRules.Facts()
      facts.exists = try await !connection.query(
        """
        SELECT 1 FROM ticket_link WHERE ticket_id = \(normalized.ticketID)
          AND kind = \(Int64(normalized.kind.rawValue)) AND other_ticket_id = \(normalized.otherTicketID)
        """, logger: logger
      ).collect().isEmpty
      facts.duplicateOf = try await connection.query(
        """
        SELECT other_ticket_id FROM ticket_link
        WHERE ticket_id = \(ticket.id) AND kind = \(Int64(TicketLinkKind.duplicateOf.rawValue))
        """, logger: logger
      ).collect().first?.makeRandomAccess().value("other_ticket_id", as: Int64.self)
      if link.kind == .parentOf {
        facts.parentOfOther = try await parent(connection, of: other.id)
        facts.children = Int(
          try await connection.query(
            """
            SELECT count(*) AS n FROM ticket_link
            WHERE ticket_id = \(ticket.id) AND kind = \(Int64(TicketLinkKind.parentOf.rawValue))
            """, logger: logger
          ).collect()[0].makeRandomAccess().value("n", as: Int64.self))
        var current = ticket.id
        while facts.ancestors.count <= TicketLinkRules.maxDepth, let parent = try await parent(connection, of: current)
        {
          facts.ancestors.append(parent)
          current = parent
        }
      }
      var (stored, ticketOutcome, otherOutcome) = try TicketLinkRules.link(
        link, ticket: ticket, other: other, facts: facts, actor: actor, now: now)
      stored.id = try await connection.query(
        """
        INSERT INTO ticket_link (ticket_id, kind, other_ticket_id, created_by, created_at)
        VALUES (\(stored.ticketID), \(Int64(stored.kind.rawValue)), \(stored.otherTicketID), \(stored.createdBy),
          \(stored.createdAt.micros))
        RETURNING id
        """, logger: logger
      ).collect()[0].makeRandomAccess().value("id")
      try await save(connection, [(ticket, ticketOutcome), (other, otherOutcome)], actor: actor)
      return stored
    }
  }

  public func unlinkTickets(id: Int64, expectedVersion: Int64?, actor: String) async throws {
    let now = self.now()
    try await transaction { connection in
      guard
        let row = try await connection.query("SELECT * FROM ticket_link WHERE id = \(id)", logger: logger).collect()
          .first
      else { throw DomainError.notFound("link \(id)") }
      let link = try Self.link(row.makeRandomAccess())
      let (ticket, other) = try await lockPair(connection, link.ticketID, link.otherTicketID, hidden: "link \(id)")
      if let expectedVersion {
        try Versioning.check(expectedVersion, current: ticket.version, what: "ticket \(ticket.protocolNumber)")
      }
      let (ticketOutcome, otherOutcome) = try TicketLinkRules.unlink(
        link, ticket: ticket, other: other, actor: actor, now: now)
      try await connection.query("DELETE FROM ticket_link WHERE id = \(id)", logger: logger)
      try await save(connection, [(ticket, ticketOutcome), (other, otherOutcome)], actor: actor)
    }
  }

  public func ticketLinks(ticketID: Int64, page: PageRequest) async throws -> Page<TicketLink> {
    let fingerprint = PageToken.fingerprint("links|\(ticketID)")
    let token = try PageToken.decode(page.token, filter: fingerprint, keys: 1)
    let after = token?.after.first.flatMap { Int64($0) } ?? 0
    return try await read { connection in
      _ = try await fetchTicket(connection, id: ticketID)
      let links = try await connection.query(
        """
        SELECT * FROM ticket_link WHERE (ticket_id = \(ticketID) OR other_ticket_id = \(ticketID)) AND id > \(after)
        ORDER BY id LIMIT \(Int64(page.size + 1))
        """, logger: logger
      ).collect().map { try Self.link($0.makeRandomAccess()) }
      return Page.cut(links, size: page.size, filter: fingerprint) { [String($0.id)] }
    }
  }

  public func mergeTickets(
    sourceID: Int64, sourceVersion: Int64, targetID: Int64, targetVersion: Int64, actor: String
  ) async throws -> (source: Ticket, target: Ticket) {
    let now = self.now()
    return try await transaction { connection in
      let (source, target) = try await lockPair(connection, sourceID, targetID, hidden: nil)
      try Versioning.check(sourceVersion, current: source.version, what: "ticket \(source.protocolNumber)")
      try Versioning.check(targetVersion, current: target.version, what: "ticket \(target.protocolNumber)")
      func count(_ table: String) async throws -> Int {
        Int(
          try await connection.query(
            PostgresQuery(unsafeSQL: "SELECT count(*) AS n FROM \(table) WHERE ticket_id = \(sourceID)"),
            logger: logger
          ).collect()[0].makeRandomAccess().value("n", as: Int64.self))
      }
      let moved = TicketLinkRules.MergeCounts(
        messages: try await count("ticket_message"), files: try await count("ticket_file"),
        contacts: try await count("ticket_contact"))
      let children = Int(
        try await connection.query(
          """
          SELECT count(*) AS n FROM ticket_link
          WHERE ticket_id = \(sourceID) AND kind = \(Int64(TicketLinkKind.parentOf.rawValue))
          """, logger: logger
        ).collect()[0].makeRandomAccess().value("n", as: Int64.self))
      let (solved, received) = try await applying(connection, keys: ReferenceSnapshot.keys(of: target)) { lookup in
        try TicketLinkRules.merge(
          source, into: target, moved: moved, sourceChildren: children, actor: actor, now: now, lookup: lookup)
      }
      for table in ["ticket_message", "ticket_file", "ticket_contact"] {
        try await connection.query(
          PostgresQuery(unsafeSQL: "UPDATE \(table) SET ticket_id = \(targetID) WHERE ticket_id = \(sourceID)"),
          logger: logger)
      }
      // The conversation is searched with the ticket that has it now.
      try await connection.query(
        """
        UPDATE ticket SET messages_text = messages_text || ' ' || (SELECT messages_text FROM ticket WHERE id = \(sourceID))
        WHERE id = \(targetID)
        """, logger: logger)
      try await connection.query("UPDATE ticket SET messages_text = '' WHERE id = \(sourceID)", logger: logger)
      try await connection.query(
        """
        INSERT INTO ticket_link (ticket_id, kind, other_ticket_id, created_by, created_at)
        SELECT \(sourceID), \(Int64(TicketLinkKind.duplicateOf.rawValue)), \(targetID), \(actor), \(now.micros)
        WHERE NOT EXISTS (
          SELECT 1 FROM ticket_link WHERE ticket_id = \(sourceID) AND kind = \(Int64(TicketLinkKind.duplicateOf.rawValue)))
        """, logger: logger)
      for (before, outcome, event, fields) in [
        (source, solved, TicketChangeEvent.Kind.statusChanged, [String]()),
        (target, received, .changed, ["messages", "files", "contacts"]),
      ] {
        try await saveTicket(connection, outcome.ticket, previousVersion: before.version)
        for entry in outcome.entries {
          try await insertHistory(connection, table: "ticket_history", owner: ("ticket_id", before.id), entry)
        }
        try await record(
          connection, TicketChangeEvent(kind: event, ticket: outcome.ticket, actor: actor, at: now, fields: fields))
      }
      return (solved.ticket, received.ticket)
    }
  }

  /// Solves the open children of `parent`, just solved with `message` (a mass incident):
  /// each with one interaction naming the parent, its history and a STATUS_CHANGED event.
  /// Children are read whatever this view's departments: the parent's solution is theirs.
  func solveChildren(
    _ connection: PostgresConnection, of parent: Ticket, message: String, actor: String, now: Date
  ) async throws {
    let ids = try await connection.query(
      """
      SELECT other_ticket_id FROM ticket_link
      WHERE ticket_id = \(parent.id) AND kind = \(Int64(TicketLinkKind.parentOf.rawValue)) ORDER BY id
      """, logger: logger
    ).collect().map { try $0.makeRandomAccess().value("other_ticket_id", as: Int64.self) }
    for id in ids {
      guard
        let row = try await connection.query("SELECT * FROM ticket WHERE id = \(id) FOR UPDATE", logger: logger)
          .collect().first
      else { continue }
      let child = try Rows.ticket(row.makeRandomAccess())
      guard
        let outcome = try TicketLinkRules.solveChild(child, parent: parent, message: message, actor: actor, now: now)
      else { continue }
      try await saveTicket(connection, outcome.ticket, previousVersion: child.version)
      for entry in outcome.entries {
        try await insertHistory(connection, table: "ticket_history", owner: ("ticket_id", id), entry)
      }
      try await record(
        connection, TicketChangeEvent(kind: .statusChanged, ticket: outcome.ticket, actor: actor, at: now))
    }
  }

  /// Both tickets, locked in id order (two links made at once between the same tickets
  /// wait for each other instead of deadlocking).
  private func lockPair(_ connection: PostgresConnection, _ first: Int64, _ second: Int64, hidden: String?)
    async throws -> (Ticket, Ticket)
  {
    if first <= second {
      let a = try await fetchTicket(connection, id: first, lock: true, hidden: hidden)
      let b = try await fetchTicket(connection, id: second, lock: true, hidden: hidden)
      return (a, b)
    }
    let b = try await fetchTicket(connection, id: second, lock: true, hidden: hidden)
    let a = try await fetchTicket(connection, id: first, lock: true, hidden: hidden)
    return (a, b)
  }

  /// Saves each ticket's outcome, its history and a CHANGED event on `links`.
  private func save(_ connection: PostgresConnection, _ changes: [(Ticket, TicketWorkflow.Outcome)], actor: String)
    async throws
  {
    for (before, outcome) in changes {
      try await saveTicket(connection, outcome.ticket, previousVersion: before.version)
      for entry in outcome.entries {
        try await insertHistory(connection, table: "ticket_history", owner: ("ticket_id", before.id), entry)
      }
      try await record(
        connection,
        TicketChangeEvent(
          kind: .changed, ticket: outcome.ticket, actor: actor, at: outcome.ticket.updatedAt, fields: ["links"]))
    }
  }

  private func parent(_ connection: PostgresConnection, of ticketID: Int64) async throws -> Int64? {
    try await connection.query(
      """
      SELECT ticket_id FROM ticket_link
      WHERE other_ticket_id = \(ticketID) AND kind = \(Int64(TicketLinkKind.parentOf.rawValue))
      """, logger: logger
    ).collect().first?.makeRandomAccess().value("ticket_id", as: Int64.self)
  }

  private static func link(_ row: PostgresRandomAccessRow) throws -> TicketLink {
    TicketLink(
      id: try row.value("id"), ticketID: try row.value("ticket_id"),
      kind: TicketLinkKind(rawValue: Int(try row.value("kind", as: Int64.self))) ?? .related,
      otherTicketID: try row.value("other_ticket_id"), createdBy: try row.value("created_by"),
      createdAt: try row.date("created_at"))
  }
}
