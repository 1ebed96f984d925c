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
