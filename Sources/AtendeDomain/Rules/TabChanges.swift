public import Foundation

/// Changes to a ticket's tabs (contacts, files) and service orders, the same for every
/// store: what may change, the values to save and what the ticket's history records.
/// Each is a change of the ticket: its version and update time move
/// (``TicketWorkflow/touched(_:now:)``).
public enum TabChanges {
  // MARK: Contacts

  /// The contact to insert on `ticket`: validated, stamped `now`. The ticket must be
  /// editable.
  public static func newContact(_ contact: TicketContact, on ticket: Ticket, now: Date) throws -> TicketContact {
    try TicketWorkflow.requireEditable(ticket)
    var stored = try TabRules.validate(contact)
    stored.createdAt = now
    stored.updatedAt = now
    stored.version = 1
    return stored
  }

  /// The history entry of a contact inserted with its id.
  public static func contactAdded(_ stored: TicketContact, actor: String, now: Date) -> HistoryEntry {
    HistoryEntry(at: now, actor: actor, kind: HistoryKind.contactAdded, field: "contact_id", newValue: describe(stored))
  }

  /// `current` with the `fields` (name, phone, email, note) of `contact`, validated; nil
  /// when nothing changes. The ticket must be editable.
  public static func updatedContact(
    _ current: TicketContact, with contact: TicketContact, fields: Set<String>, on ticket: Ticket, actor: String,
    now: Date
  ) throws -> (contact: TicketContact, entry: HistoryEntry)? {
    try TicketWorkflow.requireEditable(ticket)
    var next = current
    if fields.contains("name") { next.name = contact.name }
    if fields.contains("phone") { next.phone = contact.phone }
    if fields.contains("email") { next.email = contact.email }
    if fields.contains("note") { next.note = contact.note }
    next = try TabRules.validate(next)
    guard next != current else { return nil }
    next.updatedAt = now
    next.version = current.version + 1
    let entry = HistoryEntry(
      at: now, actor: actor, kind: HistoryKind.contactUpdated, field: "contact_id", oldValue: describe(current),
      newValue: describe(next))
    return (next, entry)
  }

  /// The history entry of removing `contact` from `ticket`, which must be editable.
  public static func removedContact(_ contact: TicketContact, on ticket: Ticket, actor: String, now: Date) throws
    -> HistoryEntry
  {
    try TicketWorkflow.requireEditable(ticket)
    return HistoryEntry(
      at: now, actor: actor, kind: HistoryKind.contactRemoved, field: "contact_id", oldValue: describe(contact))
  }

  private static func describe(_ contact: TicketContact) -> String {
    "#\(contact.id) \(contact.name) \(contact.phone) \(contact.email)".trimmingCharacters(in: .whitespaces)
  }

  // MARK: Files

  /// The file record to insert on `ticket`: validated, uploaded by `actor` at `now`. The
  /// ticket must be editable.
  public static func newFile(_ file: TicketFile, on ticket: Ticket, actor: String, now: Date) throws -> TicketFile {
    try TicketWorkflow.requireEditable(ticket)
    var stored = try TabRules.validate(file)
    stored.uploadedBy = actor
    stored.uploadedAt = now
    return stored
  }

  /// The history entry of a file record inserted with its id.
  public static func fileAdded(_ stored: TicketFile, actor: String, now: Date) -> HistoryEntry {
    HistoryEntry(
      at: now, actor: actor, kind: HistoryKind.fileAdded, field: "file_id", newValue: String(stored.id),
      note: "\(stored.name) (\(stored.size) bytes, sha256 \(stored.sha256))")
  }

  /// The history entry of removing `file` from `ticket`, which must be editable.
  public static func removedFile(_ file: TicketFile, on ticket: Ticket, reason: String, actor: String, now: Date) throws
    -> HistoryEntry
  {
    try TicketWorkflow.requireEditable(ticket)
    return HistoryEntry(
      at: now, actor: actor, kind: HistoryKind.fileRemoved, field: "file_id", oldValue: String(file.id),
      note: [file.name, reason].filter { !$0.isEmpty }.joined(separator: " — "))
  }

  // MARK: Service orders

  /// The history entry of an order opened with its id.
  public static func orderOpened(_ order: ServiceOrder, actor: String, now: Date) -> HistoryEntry {
    HistoryEntry(
      at: now, actor: actor, kind: HistoryKind.serviceOrderOpened, field: "service_order_id",
      newValue: String(order.id), note: order.description)
  }

  /// The history entries of a change of order `old` to `new` (one per field); empty when
  /// nothing the history follows changed.
  public static func orderChanged(
    from old: ServiceOrder, to new: ServiceOrder, note: String, actor: String, now: Date
  ) -> [HistoryEntry] {
    func text<T>(_ value: T?) -> String { value.map { "\($0)" } ?? "" }
    func date(_ value: Date?) -> String { value.map { $0.formatted(.iso8601) } ?? "" }
    let pairs: [(String, String, String)] = [
      ("status", old.status.name, new.status.name),
      ("technician_id", text(old.technicianID), text(new.technicianID)),
      ("scheduled_at", date(old.scheduledAt), date(new.scheduledAt)),
      ("signed_by", old.signedBy, new.signedBy),
    ]
    return pairs.filter { $0.1 != $0.2 }.map { field, oldValue, newValue in
      HistoryEntry(
        at: now, actor: actor, kind: HistoryKind.serviceOrderChanged, field: "service_order.\(field)",
        oldValue: oldValue, newValue: newValue, note: "order \(old.id)" + (note.isEmpty ? "" : ": \(note)"))
    }
  }
}

extension TicketWorkflow {
  /// `ticket` after a change on one of its tabs: the next version, updated `now`.
  public static func touched(_ ticket: Ticket, now: Date) -> Ticket {
    var next = ticket
    next.version += 1
    next.updatedAt = now
    return next
  }
}

extension TicketRules {
  /// The protocol number of the `sequence`-th ticket of `year`: the year and nine digits.
  public static func protocolNumber(year: Int, sequence: Int64) -> String {
    let digits = String(sequence)
    return String(year) + String(repeating: "0", count: max(0, 9 - digits.count)) + digits
  }
}

extension TicketRules {
  /// ``update(_:with:mask:actor:now:lookup:)`` with its changes as the history entries
  /// to record (one FIELD_CHANGED per field).
  public static func edit(
    _ ticket: Ticket, with fields: TicketFields, mask: Set<TicketField>, actor: String, now: Date,
    lookup: some ReferenceLookup
  ) throws -> TicketWorkflow.Outcome {
    let (next, changes) = try update(ticket, with: fields, mask: mask, actor: actor, now: now, lookup: lookup)
    let entries = changes.map {
      HistoryEntry(
        at: now, actor: actor, kind: HistoryKind.fieldChanged, field: $0.field, oldValue: $0.oldValue,
        newValue: $0.newValue)
    }
    return TicketWorkflow.Outcome(ticket: next, entries: entries)
  }
}
