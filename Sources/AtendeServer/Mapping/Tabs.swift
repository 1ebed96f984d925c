internal import AtendeAPI
internal import AtendeDomain
internal import Foundation

extension AtendeAPI.TicketMessage {
  init(_ message: AtendeDomain.TicketMessage) {
    self.init(
      id: message.id, ticketId: message.ticketID, authorKind: message.authorKind == .employee ? .employee : .customer,
      authorId: message.authorID ?? 0, authorName: message.authorName,
      visibility: message.visibility == .public ? .public : .internal, text: message.text,
      statusChange: message.statusChange.map(AtendeAPI.TicketStatus.init) ?? .unspecified,
      createdAt: Google_Protobuf_Timestamp(date: message.createdAt))
  }

  /// The domain message, or the violations of the fields a caller must set.
  func domain() throws -> AtendeDomain.TicketMessage {
    var violations: [RPCError.FieldViolation] = []
    let kind: AtendeDomain.AuthorKind? =
      switch authorKind {
      case .employee: .employee
      case .customer: .customer
      default: nil
      }
    let visibility: AtendeDomain.Visibility? =
      switch self.visibility {
      case .public: .public
      case .internal: .internal
      default: nil
      }
    if kind == nil {
      violations.append(.init(field: "message.author_kind", reason: "REQUIRED", description: "EMPLOYEE or CUSTOMER"))
    }
    if visibility == nil {
      violations.append(.init(field: "message.visibility", reason: "REQUIRED", description: "PUBLIC or INTERNAL"))
    }
    if ticketId <= 0 {
      violations.append(.init(field: "message.ticket_id", reason: "REQUIRED", description: "the ticket is required"))
    }
    guard let kind, let visibility, violations.isEmpty else {
      throw RPCError(code: .invalidArgument, message: "invalid message", fieldViolations: violations)
    }
    return AtendeDomain.TicketMessage(
      ticketID: ticketId, authorKind: kind, authorID: optionalID(authorId), authorName: authorName,
      visibility: visibility, text: text)
  }
}

extension AtendeAPI.TicketContact {
  init(_ contact: AtendeDomain.TicketContact) {
    self.init(
      id: contact.id, ticketId: contact.ticketID, name: contact.name, phone: contact.phone, email: contact.email,
      note: contact.note, createdAt: Google_Protobuf_Timestamp(date: contact.createdAt),
      updatedAt: Google_Protobuf_Timestamp(date: contact.updatedAt), version: contact.version)
  }

  var domain: AtendeDomain.TicketContact {
    AtendeDomain.TicketContact(id: id, ticketID: ticketId, name: name, phone: phone, email: email, note: note)
  }
}
