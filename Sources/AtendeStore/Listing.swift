package import AtendeDomain
package import Foundation
internal import Synchronization

/// An opaque cursor: the sort key of the last item returned, and a fingerprint of the
/// filters it belongs to (a token used with other filters is rejected).
package struct PageToken: Codable, Equatable {
  /// The last item's sort key values, as text.
  package var after: [String]
  /// Fingerprint of the request's filters.
  package var filter: String

  package init(after: [String], filter: String) {
    self.after = after
    self.filter = filter
  }

  package func encoded() -> String {
    let data = (try? JSONEncoder().encode(self)) ?? Data()
    return data.base64EncodedString()
      .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
      .replacingOccurrences(of: "=", with: "")
  }

  /// The token in `text` (nil for the first page), checked against `filter`.
  package static func decode(_ text: String, filter: String, keys: Int) throws(DomainError) -> PageToken? {
    guard !text.isEmpty else { return nil }
    var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    while base64.count % 4 != 0 { base64 += "=" }
    guard let data = Data(base64Encoded: base64), let token = try? JSONDecoder().decode(PageToken.self, from: data),
      token.after.count == keys
    else {
      throw invalid("page_token is not a token this server issued")
    }
    guard token.filter == filter else {
      throw invalid("page_token belongs to a request with other filters or order")
    }
    return token
  }

  private static func invalid(_ description: String) -> DomainError {
    DomainError(
      .invalidArgument, description,
      violations: [.init(field: "page_token", reason: "INVALID", description: description)])
  }

  /// A stable fingerprint (FNV-1a, 64 bits) of a description of the filters.
  package static func fingerprint(_ text: String) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
      hash ^= UInt64(byte)
      hash = hash &* 0x100_0000_01b3
    }
    return String(hash, radix: 16)
  }
}

extension Page {
  /// The first `size` items and a token for the rest, from `size + 1` fetched items;
  /// `key` gives an item's sort key for the token.
  package static func cut(_ items: [Item], size: Int, filter: String, key: (Item) -> [String]) -> Page<Item> {
    guard items.count > size else { return Page(items: items, nextPageToken: "") }
    let kept = Array(items.prefix(size))
    return Page(items: kept, nextPageToken: PageToken(after: key(kept[kept.count - 1]), filter: filter).encoded())
  }
}

/// `text` with LIKE's wildcards escaped (for `LIKE ? ESCAPE '\'`).
package func escapeLike(_ text: String) -> String {
  text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
    .replacingOccurrences(of: "_", with: "\\_")
}

extension ReferenceKind {
  /// The table of this kind, the column its lists sort by, and the columns a text query
  /// searches (the same in every store's schema).
  package var table: (name: String, sortColumn: String, searchColumns: [String]) {
    switch self {
    case .client: ("client", "name", ["name", "document"])
    case .contract: ("contract", "description", ["description"])
    case .login: ("login", "username", ["username"])
    case .structure: ("structure", "name", ["name"])
    case .department: ("department", "name", ["name"])
    case .employee: ("employee", "name", ["name"])
    case .channel: ("channel", "name", ["name"])
    case .complementaryStatus: ("complementary_status", "description", ["description"])
    case .branch: ("branch", "name", ["name"])
    }
  }
}

extension ReferenceEntity {
  /// The value lists sort by (``ReferenceKind/table``'s sort column).
  package var sortName: String {
    switch self {
    case let value as Client: value.name
    case let value as Contract: value.description
    case let value as Login: value.username
    case let value as Structure: value.name
    case let value as Department: value.name
    case let value as Employee: value.name
    case let value as Channel: value.name
    case let value as ComplementaryStatus: value.description
    case let value as Branch: value.name
    default: ""
    }
  }
}

/// Column lists shared by every store's schema (the values bound in this order).
package enum Columns {
  /// The ticket's columns but its id.
  package static let ticket = [
    "protocol", "kind", "client_id", "structure_id", "contract_id", "login_id", "subject_id", "title",
    "department_id", "priority", "description", "status", "complementary_status_id", "channel_id", "assignee_id",
    "location_address", "location_latitude", "location_longitude", "location_origin", "created_at", "updated_at",
    "closed_at", "opened_by", "version", "first_response_at", "interaction_count", "branch_id", "tags",
  ]

  /// The service order's columns but its id.
  package static let serviceOrder = [
    "ticket_id", "subject_id", "department_id", "technician_id", "priority", "status", "scheduled_at", "description",
    "requires_signature", "signed_at", "signed_by", "created_at", "updated_at", "version",
  ]
}

extension Calendar {
  /// The calendar protocol numbers count years in: Gregorian, in São Paulo's time zone.
  package static var protocolCalendar: Calendar {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "America/Sao_Paulo") ?? TimeZone(secondsFromGMT: 0)!
    return calendar
  }
}

/// Wakes the readers of an event log (``TicketEventLog/eventSignals()``).
package final class EventSignals: Sendable {
  private let subscribers = Mutex<[Int: AsyncStream<Void>.Continuation]>([:])
  private let nextID = Mutex(0)

  package init() {}

  /// A stream that receives a signal each time ``signal()`` is called (coalesced while
  /// the reader is busy).
  package func stream() -> AsyncStream<Void> {
    let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    let id = nextID.withLock { id in
      id += 1
      return id
    }
    subscribers.withLock { $0[id] = continuation }
    continuation.onTermination = { [weak self] _ in _ = self?.subscribers.withLock { $0.removeValue(forKey: id) } }
    return stream
  }

  package func signal() {
    for continuation in subscribers.withLock({ Array($0.values) }) { continuation.yield() }
  }
}

extension TicketChangeEvent {
  /// The ticket as the event log stores it (JSON).
  package static func encode(_ ticket: Ticket) throws -> String {
    String(decoding: try JSONEncoder().encode(ticket), as: UTF8.self)
  }

  package static func decode(_ text: String) throws -> Ticket {
    try JSONDecoder().decode(Ticket.self, from: Data(text.utf8))
  }
}
