import AtendeDomain
import AtendeStore
import Foundation

// Store lookups for the end-to-end tests, kept apart because AtendeDomain's type names
// (Ticket, Priority...) clash with the wire types the other test files use.

/// The id of the demo subject called `name`.
func subjectID(named name: String, in store: any AtendeStore) async throws -> Int64 {
  try await store.listSubjects(query: name, activeOnly: false, page: PageRequest()).items.first { $0.name == name }!.id
}

/// The protocol number of the stored ticket with that number (throws NOT_FOUND otherwise).
func storedProtocol(_ number: String, in store: any AtendeStore) async throws -> String {
  try await store.ticket(protocolNumber: number).protocolNumber
}

/// An attachment storage in a new temporary directory.
func temporaryFileStorage() throws -> FileStorage {
  try FileStorage(directory: NSTemporaryDirectory() + "atende-test-files-" + UUID().uuidString)
}

/// The ESCALATED events of the store's log, oldest first: each ticket's id and the fields
/// the escalation changed.
func escalatedEvents(in store: any AtendeStore) async throws -> [(ticketID: Int64, fields: [String])] {
  try await store.events(after: 0, limit: 1000).filter { $0.kind == .escalated }.map { ($0.ticket.id, $0.fields) }
}

/// A business calendar, Monday to Friday 08:00–18:00 in São Paulo; its id.
func putWeekdayCalendar(in store: any AtendeStore) async throws -> Int64 {
  try await store.putCalendar(
    BusinessCalendar(
      name: "Comercial SP", timeZone: "America/Sao_Paulo",
      hours: (1...5).map { WorkingPeriod(weekday: $0, startMinute: 480, endMinute: 1080) }),
    expectedVersion: 0
  ).id
}
