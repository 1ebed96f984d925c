import AtendeDomain
@_exported import AtendeStoreTestSupport
import Foundation
import Synchronization

@testable import AtendeStore

/// A clock that advances one millisecond per reading (deterministic, strictly increasing).
final class SteppingClock: Sendable {
  private let micros = Mutex<Int64>(1_780_000_000_000_000)
  func now() -> Date {
    micros.withLock {
      $0 += 1000
      return Date(micros: $0)
    }
  }
}

/// Reference data for tickets: client 1 (one contract and login), client 2 (two of
/// each), structure 1, department 10, channel 20, employee 40, subject "Geral".
func loadReferences(_ store: some AtendeStore) async throws -> Subject {
  _ = try await store.upsert(
    .departments([Department(id: 10, name: "Suporte Técnico"), Department(id: 11, name: "SAC")]))
  _ = try await store.upsert(
    .channels([Channel(id: 20, name: "Telefone"), Channel(id: 21, name: "Fax", active: false)]))
  _ = try await store.upsert(.employees([Employee(id: 40, name: "Carla", departmentIDs: [10])]))
  _ = try await store.upsert(.clients([Client(id: 1, name: "Ana"), Client(id: 2, name: "Bruno")]))
  _ = try await store.upsert(
    .contracts([Contract(id: 100, clientID: 1), Contract(id: 101, clientID: 2), Contract(id: 102, clientID: 2)]))
  _ = try await store.upsert(
    .logins([
      Login(id: 200, clientID: 1, username: "ana"), Login(id: 201, clientID: 2, username: "b1"),
      Login(id: 202, clientID: 2, username: "b2"),
    ]))
  _ = try await store.upsert(.structures([Structure(id: 1, name: "POP Centro")]))
  return try await store.createSubject(Subject(name: "Geral", defaultPriority: .normal), actor: "setup")
}

func fields(title: String = "Sem internet", description: String = "Cliente sem conexão", clientID: Int64 = 1)
  -> TicketFields
{
  TicketFields(
    kind: .client, clientID: clientID, title: title, departmentID: 10, priority: .normal, description: description)
}
