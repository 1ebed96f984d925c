public import Foundation

/// Rules of the Messages and Contacts tabs (docs/DOMAIN.md, "What hangs off a ticket", and
/// rule 10 for messages). Nothing changes on a CANCELED ticket; a SOLVED one must be
/// reopened first.
public enum TabRules {
  public static let maxMessageLength = 10_000
  public static let maxContactNameLength = 120
  public static let maxContactNoteLength = 500

  // MARK: Messages

  /// Adds `message` to `ticket`: validates it, counts the interaction, and applies the
  /// status it carries — or, for the first message of a NEW ticket, IN_PROGRESS.
  public static func addMessage(
    _ message: TicketMessage, to ticket: Ticket, status: TicketStatus?, actor: String, now: Date,
    lookup: some ReferenceLookup
  ) throws -> (TicketMessage, TicketWorkflow.Outcome) {
    try TicketWorkflow.requireEditable(ticket)
    var message = message
    message.text = message.text.trimmingCharacters(in: .whitespacesAndNewlines)
    var violations = Violations()
    if message.text.isEmpty {
      violations.invalid("message.text", "REQUIRED", "text is required")
    } else if message.text.count > maxMessageLength {
      violations.invalid("message.text", "TOO_LONG", "text must be at most \(maxMessageLength) characters")
    }
    switch message.authorKind {
    case .employee:
      if let authorID = message.authorID {
        if let employee = try lookup.employee(authorID) {
          if !employee.active {
            violations.precondition("message.author_id", "INACTIVE", "employee \(employee.name) is inactive")
          }
          if message.authorName.isEmpty { message.authorName = employee.name }
        } else {
          violations.invalid("message.author_id", "NOT_FOUND", "employee \(authorID) does not exist")
        }
      } else {
        violations.invalid("message.author_id", "REQUIRED", "an employee message needs the employee's id")
      }
    case .customer:
      message.authorID = nil
      if message.visibility == .internal {
        violations.invalid("message.visibility", "NOT_ALLOWED", "a customer's message is always PUBLIC")
      }
    }
    if let status, status == .new || status == .canceled {
      violations.invalid("status", "NOT_ALLOWED", "a message can move a ticket to PENDING, IN_PROGRESS or SOLVED")
    }
    try violations.throwIfAny("cannot add the message")

    // Rule 10: the first message on a NEW ticket moves it to IN_PROGRESS.
    let target = status ?? (ticket.status == .new ? .inProgress : nil)
    var next = ticket
    next.interactionCount += 1
    if message.authorKind == .employee && next.firstResponseAt == nil { next.firstResponseAt = now }
    // The store fills in the message's id (field message_id) once it is saved.
    var entries = [
      HistoryEntry(
        at: now, actor: actor, kind: HistoryKind.message, field: "message_id",
        note: "[\(message.visibility == .public ? "PUBLIC" : "INTERNAL")] \(message.text.prefix(200))")
    ]
    if let target, target != ticket.status {
      next.status = target
      if target == .solved { next.closedAt = now }
      message.statusChange = target
      entries.append(
        HistoryEntry(
          at: now, actor: actor, kind: HistoryKind.statusChanged, field: "status", oldValue: ticket.status.name,
          newValue: target.name))
    }
    next.version += 1
    next.updatedAt = now
    message.createdAt = now
    return (message, TicketWorkflow.Outcome(ticket: next, entries: entries))
  }

  // MARK: Contacts

  /// Checks a contact: a name, a valid phone or e-mail (at least one), a short note.
  public static func validate(_ contact: TicketContact) throws(DomainError) -> TicketContact {
    var contact = contact
    contact.name = contact.name.trimmingCharacters(in: .whitespacesAndNewlines)
    contact.phone = contact.phone.trimmingCharacters(in: .whitespaces)
    contact.email = contact.email.trimmingCharacters(in: .whitespaces)
    var violations = Violations()
    if contact.name.isEmpty {
      violations.invalid("contact.name", "REQUIRED", "name is required")
    } else if contact.name.count > maxContactNameLength {
      violations.invalid("contact.name", "TOO_LONG", "name must be at most \(maxContactNameLength) characters")
    }
    if contact.phone.isEmpty && contact.email.isEmpty {
      violations.invalid("contact.phone", "REQUIRED", "a phone or an e-mail is required")
    }
    if !contact.phone.isEmpty && !isValidPhone(contact.phone) {
      violations.invalid(
        "contact.phone", "INVALID",
        "a phone has 10 to 15 digits, optionally a leading + and spaces, dots, dashes or parentheses")
    }
    if !contact.email.isEmpty && !isValidEmail(contact.email) {
      violations.invalid("contact.email", "INVALID", "not an e-mail address")
    }
    if contact.note.count > maxContactNoteLength {
      violations.invalid("contact.note", "TOO_LONG", "note must be at most \(maxContactNoteLength) characters")
    }
    try violations.throwIfAny("invalid contact")
    return contact
  }

  /// 10 to 15 digits, an optional leading '+', and separators (space . - ( )).
  public static func isValidPhone(_ phone: String) -> Bool {
    var digits = 0
    for (index, character) in phone.enumerated() {
      if character.isASCII && character.isNumber {
        digits += 1
      } else if character == "+" && index == 0 {
        continue
      } else if !" .-()".contains(character) {
        return false
      }
    }
    return (10...15).contains(digits)
  }

  /// `local@domain.tld`: one '@', no spaces, a dot in the domain, no empty labels.
  public static func isValidEmail(_ email: String) -> Bool {
    let parts = email.split(separator: "@", omittingEmptySubsequences: false)
    guard parts.count == 2, !parts[0].isEmpty, email.count <= 254, !email.contains(where: \.isWhitespace) else {
      return false
    }
    let labels = parts[1].split(separator: ".", omittingEmptySubsequences: false)
    return labels.count >= 2 && labels.allSatisfy { !$0.isEmpty } && (labels.last?.count ?? 0) >= 2
  }

  // MARK: Files

  public static let maxFileNameLength = 255

  /// Checks an attachment's description (before its content is read).
  public static func validate(_ file: TicketFile) throws(DomainError) -> TicketFile {
    var file = file
    file.name = file.name.trimmingCharacters(in: .whitespacesAndNewlines)
    file.contentType = file.contentType.trimmingCharacters(in: .whitespaces)
    if file.contentType.isEmpty { file.contentType = "application/octet-stream" }
    var violations = Violations()
    if file.name.isEmpty {
      violations.invalid("header.name", "REQUIRED", "a file name is required")
    } else if file.name.count > maxFileNameLength || file.name.contains("/") || file.name.contains("\u{0}") {
      violations.invalid("header.name", "INVALID", "a file name has at most \(maxFileNameLength) characters and no '/'")
    }
    let parts = file.contentType.split(separator: "/")
    if parts.count != 2 || parts.contains(where: { $0.isEmpty || $0.contains(where: \.isWhitespace) }) {
      violations.invalid("header.content_type", "INVALID", "a content type looks like type/subtype")
    }
    if file.description.count > maxContactNoteLength {
      violations.invalid(
        "header.description", "TOO_LONG", "description must be at most \(maxContactNoteLength) characters")
    }
    try violations.throwIfAny("invalid file")
    return file
  }
}
