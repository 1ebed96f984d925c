public import AtendeDomain
internal import Foundation
internal import GRDB

extension SQLiteStore {
  public func linkTickets(_ link: TicketLink, expectedVersion: Int64?, actor: String) async throws -> TicketLink {
    let now = self.now()
    return try await write { db in
      let ticket = try self.fetchTicket(db, id: link.ticketID)
      let other = try self.fetchTicket(db, id: link.otherTicketID)
      if let expectedVersion {
        try Self.requireVersion(expectedVersion, current: ticket.version, what: "ticket \(ticket.protocolNumber)")
      }
      let normalized = TicketLinkRules.normalized(link)
      var facts = TicketLinkRules.Facts()
      facts.exists = try Bool.fetchOne(
        db, sql: "SELECT EXISTS (SELECT 1 FROM ticket_link WHERE ticket_id = ? AND kind = ? AND other_ticket_id = ?)",
        arguments: [normalized.ticketID, normalized.kind.rawValue, normalized.otherTicketID])!
      facts.duplicateOf = try Int64.fetchOne(
        db, sql: "SELECT other_ticket_id FROM ticket_link WHERE ticket_id = ? AND kind = ?",
        arguments: [ticket.id, TicketLinkKind.duplicateOf.rawValue])
      if link.kind == .parentOf {
        facts.parentOfOther = try Self.parent(db, of: other.id)
        facts.children = try Int.fetchOne(
          db, sql: "SELECT count(*) FROM ticket_link WHERE ticket_id = ? AND kind = ?",
          arguments: [ticket.id, TicketLinkKind.parentOf.rawValue])!
        var current = ticket.id
        while facts.ancestors.count <= TicketLinkRules.maxDepth, let parent = try Self.parent(db, of: current) {
          facts.ancestors.append(parent)
          current = parent
        }
      }
      var (stored, ticketOutcome, otherOutcome) = try TicketLinkRules.link(
        link, ticket: ticket, other: other, facts: facts, actor: actor, now: now)
      try db.execute(
        sql:
          "INSERT INTO ticket_link (ticket_id, kind, other_ticket_id, created_by, created_at) VALUES (?, ?, ?, ?, ?)",
        arguments: [
          stored.ticketID, stored.kind.rawValue, stored.otherTicketID, stored.createdBy, stored.createdAt.micros,
        ])
      stored.id = db.lastInsertedRowID
      try self.save(db, [(ticket, ticketOutcome), (other, otherOutcome)], actor: actor)
      return stored
    }
  }

  public func unlinkTickets(id: Int64, expectedVersion: Int64?, actor: String) async throws {
    let now = self.now()
    try await write { db in
      guard let row = try Row.fetchOne(db, sql: "SELECT * FROM ticket_link WHERE id = ?", arguments: [id]) else {
        throw DomainError.notFound("link \(id)")
      }
      let link = Self.link(row)
      let ticket = try self.fetchTicket(db, id: link.ticketID, hidden: "link \(id)")
      let other = try self.fetchTicket(db, id: link.otherTicketID, hidden: "link \(id)")
      if let expectedVersion {
        try Self.requireVersion(expectedVersion, current: ticket.version, what: "ticket \(ticket.protocolNumber)")
      }
      let (ticketOutcome, otherOutcome) = try TicketLinkRules.unlink(
        link, ticket: ticket, other: other, actor: actor, now: now)
      try db.execute(sql: "DELETE FROM ticket_link WHERE id = ?", arguments: [id])
      try self.save(db, [(ticket, ticketOutcome), (other, otherOutcome)], actor: actor)
    }
  }

  public func ticketLinks(ticketID: Int64, page: PageRequest) async throws -> Page<TicketLink> {
    let filter = PageToken.fingerprint("links|\(ticketID)")
    let token = try PageToken.decode(page.token, filter: filter, keys: 1)
    return try await read { db in
      _ = try self.fetchTicket(db, id: ticketID)
      let after = token?.after.first.flatMap { Int64($0) } ?? 0
      let rows = try Row.fetchAll(
        db,
        sql: """
          SELECT * FROM ticket_link WHERE (ticket_id = ? OR other_ticket_id = ?) AND id > ? ORDER BY id LIMIT ?
          """, arguments: [ticketID, ticketID, after, page.size + 1])
      return Self.page(rows.map(Self.link), size: page.size, filter: filter) { [String($0.id)] }
    }
  }

  public func mergeTickets(
    sourceID: Int64, sourceVersion: Int64, targetID: Int64, targetVersion: Int64, actor: String
  ) async throws -> (source: Ticket, target: Ticket) {
    let now = self.now()
    return try await write { db in
      let source = try self.fetchTicket(db, id: sourceID)
      let target = try self.fetchTicket(db, id: targetID)
      try Self.requireVersion(sourceVersion, current: source.version, what: "ticket \(source.protocolNumber)")
      try Self.requireVersion(targetVersion, current: target.version, what: "ticket \(target.protocolNumber)")
      func count(_ table: String) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table) WHERE ticket_id = ?", arguments: [sourceID])!
      }
      let moved = TicketLinkRules.MergeCounts(
        messages: try count("ticket_message"), files: try count("ticket_file"), contacts: try count("ticket_contact"))
      let children = try Int.fetchOne(
        db, sql: "SELECT count(*) FROM ticket_link WHERE ticket_id = ? AND kind = ?",
        arguments: [sourceID, TicketLinkKind.parentOf.rawValue])!
      let (solved, received) = try TicketLinkRules.merge(
        source, into: target, moved: moved, sourceChildren: children, actor: actor, now: now,
        lookup: DatabaseLookup(db: db))
      for table in ["ticket_message", "ticket_file", "ticket_contact"] {
        try db.execute(sql: "UPDATE \(table) SET ticket_id = ? WHERE ticket_id = ?", arguments: [targetID, sourceID])
      }
      // The conversation is searched with the ticket that has it now.
      try db.execute(
        sql: """
          UPDATE ticket_search SET messages = messages || ' ' || (SELECT messages FROM ticket_search WHERE rowid = ?)
          WHERE rowid = ?
          """, arguments: [sourceID, targetID])
      try db.execute(sql: "UPDATE ticket_search SET messages = '' WHERE rowid = ?", arguments: [sourceID])
      if try Int64.fetchOne(
        db, sql: "SELECT id FROM ticket_link WHERE ticket_id = ? AND kind = ?",
        arguments: [sourceID, TicketLinkKind.duplicateOf.rawValue]) == nil
      {
        try db.execute(
          sql:
            "INSERT INTO ticket_link (ticket_id, kind, other_ticket_id, created_by, created_at) VALUES (?, ?, ?, ?, ?)",
          arguments: [sourceID, TicketLinkKind.duplicateOf.rawValue, targetID, actor, now.micros])
      }
      for (before, outcome, event, fields) in [
        (source, solved, TicketChangeEvent.Kind.statusChanged, [String]()),
        (target, received, .changed, ["messages", "files", "contacts"]),
      ] {
        try Self.saveTicket(db, outcome.ticket, previousVersion: before.version)
        for entry in outcome.entries {
          try self.insertHistory(db, table: "ticket_history", owner: ("ticket_id", before.id), entry)
        }
        try self.record(
          db, TicketChangeEvent(kind: event, ticket: outcome.ticket, actor: actor, at: now, fields: fields))
      }
      return (solved.ticket, received.ticket)
    }
  }

  /// Solves the open children of `parent`, just solved with `message` (a mass incident):
  /// each with one interaction naming the parent, its history and a STATUS_CHANGED event.
  /// Children are read whatever this view's departments: the parent's solution is theirs.
  func solveChildren(_ db: Database, of parent: Ticket, message: String, actor: String, now: Date) throws {
    let ids = try Int64.fetchAll(
      db, sql: "SELECT other_ticket_id FROM ticket_link WHERE ticket_id = ? AND kind = ? ORDER BY id",
      arguments: [parent.id, TicketLinkKind.parentOf.rawValue])
    for id in ids {
      guard let row = try Row.fetchOne(db, sql: "SELECT * FROM ticket WHERE id = ?", arguments: [id]) else { continue }
      let child = Rows.ticket(row)
      guard
        let outcome = try TicketLinkRules.solveChild(child, parent: parent, message: message, actor: actor, now: now)
      else { continue }
      try Self.saveTicket(db, outcome.ticket, previousVersion: child.version)
      for entry in outcome.entries {
        try insertHistory(db, table: "ticket_history", owner: ("ticket_id", id), entry)
      }
      try record(db, TicketChangeEvent(kind: .statusChanged, ticket: outcome.ticket, actor: actor, at: now))
    }
  }

  /// Saves each ticket's outcome, its history and a CHANGED event on `links`.
  private func save(_ db: Database, _ changes: [(Ticket, TicketWorkflow.Outcome)], actor: String) throws {
    for (before, outcome) in changes {
      try Self.saveTicket(db, outcome.ticket, previousVersion: before.version)
      for entry in outcome.entries {
        try insertHistory(db, table: "ticket_history", owner: ("ticket_id", before.id), entry)
      }
      try record(
        db,
        TicketChangeEvent(
          kind: .changed, ticket: outcome.ticket, actor: actor, at: outcome.ticket.updatedAt, fields: ["links"]))
    }
  }

  private static func parent(_ db: Database, of ticketID: Int64) throws -> Int64? {
    try Int64.fetchOne(
      db, sql: "SELECT ticket_id FROM ticket_link WHERE other_ticket_id = ? AND kind = ?",
      arguments: [ticketID, TicketLinkKind.parentOf.rawValue])
  }

  private static func link(_ row: Row) -> TicketLink {
    TicketLink(
      id: row["id"], ticketID: row["ticket_id"], kind: TicketLinkKind(rawValue: row["kind"]) ?? .related,
      otherTicketID: row["other_ticket_id"], createdBy: row["created_by"], createdAt: row.date("created_at"))
  }
}
