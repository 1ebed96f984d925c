public import AtendeDomain
public import Foundation

/// What both stores share to keep SLA calendars and compute tickets' clocks: the column
/// forms of a calendar's hours and holidays, and the evaluation over what a store read.
public enum SLAStorage {
  /// A calendar's working periods or holidays as the JSON text of their column.
  public static func encode<Value: Encodable>(_ value: Value) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    return String(decoding: try encoder.encode(value), as: UTF8.self)
  }

  /// The values of a column written by ``encode(_:)``.
  public static func decode<Value: Decodable>(_ type: Value.Type, from text: String) throws -> Value {
    try JSONDecoder().decode(type, from: Data(text.utf8))
  }

  /// The key that keeps names unique regardless of case.
  public static func nameKey(_ name: String) -> String { name.lowercased() }

  /// The tickets some target applies to: a policy matches, or their subject has SLA hours.
  public static func measured(_ tickets: [Ticket], policies: [SLAPolicy], subjects: [Int64: Subject]) -> [Ticket] {
    tickets.filter { ticket in
      if SLAClock.policy(for: ticket, among: policies) != nil { return true }
      guard let subject = ticket.subjectID.flatMap({ subjects[$0] }) else { return false }
      return (subject.firstResponseSLAHours ?? 0) > 0 || (subject.solutionSLAHours ?? 0) > 0
    }
  }

  /// The SLA of each ticket at `now`, from the policies and calendars, the tickets'
  /// subjects (by id) and their status history entries (by ticket id, oldest first).
  public static func evaluate(
    _ tickets: [Ticket], policies: [SLAPolicy], calendars: [BusinessCalendar], subjects: [Int64: Subject],
    statusEntries: [Int64: [(at: Date, status: String)]], now: Date
  ) -> [Int64: TicketSLA] {
    let calendarsByID = Dictionary(calendars.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    var result: [Int64: TicketSLA] = [:]
    for ticket in tickets {
      let timeline = SLAClock.timeline(createdAt: ticket.createdAt, statusEntries: statusEntries[ticket.id] ?? [])
      if let sla = SLAClock.evaluate(
        ticket, subject: ticket.subjectID.flatMap { subjects[$0] }, policies: policies, calendars: calendarsByID,
        timeline: timeline, now: now)
      {
        result[ticket.id] = sla
      }
    }
    return result
  }
}
