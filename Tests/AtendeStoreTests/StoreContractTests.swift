import AtendeDomain
import AtendeStore
import AtendeStorePostgres
import Foundation
import Logging
import Testing

/// What every store must do, the same on SQLite and PostgreSQL: reference data, subjects,
/// parameters and API tokens (the aggregates both engines implement).
@Suite("Store contract")
struct StoreContractTests {
  // MARK: Reference data

  @Test("upserts count created, updated and unchanged records, and audit only the changes", arguments: Engine.available)
  func upsertCounts(engine: Engine) async throws {
    let clock = SteppingClock()
    try await withStore(engine, now: clock.now) { store in
      let first = try await store.upsert(
        .departments([Department(id: 10, name: "Suporte"), Department(id: 11, name: "SAC")]), actor: "erp")
      #expect(first == UpsertCounts(created: 2))
      let second = try await store.upsert(
        .departments([
          Department(id: 10, name: "Suporte"), Department(id: 11, name: "SAC 2"), Department(id: 12, name: "NOC"),
          Department(id: 12, name: "NOC"),
        ]), actor: "erp")
      #expect(second == UpsertCounts(created: 1, updated: 1, unchanged: 2))
      // An employee's departments in another order, or repeated, are the same employee.
      #expect(
        try await store.upsert(.employees([Employee(id: 40, name: "Carla", departmentIDs: [11, 10])]))
          == UpsertCounts(created: 1))
      #expect(
        try await store.upsert(.employees([Employee(id: 40, name: "Carla", departmentIDs: [10, 11, 10])]))
          == UpsertCounts(unchanged: 1))
      #expect(try await store.reference(Employee.self, id: 40)?.departmentIDs == [10, 11])

      let history = try await store.referenceHistory(kind: "", page: PageRequest()).items
      #expect(history.map(\.kind) == ["CREATED", "CREATED", "UPDATED", "CREATED", "CREATED"])
      #expect(history.map(\.newValue) == ["10", "11", "11", "12", "40"])
      #expect(history.map(\.field) == ["departments", "departments", "departments", "departments", "employees"])
      #expect(history[0].actor == "erp" && history[4].actor == "system")
      #expect(history.map(\.at) == history.map(\.at).sorted())
      #expect(try await store.referenceHistory(kind: "UPDATED", page: PageRequest()).items.map(\.newValue) == ["11"])
    }
  }

  @Test("an invalid batch reports every problem at its path and writes nothing", arguments: Engine.available)
  func upsertValidation(engine: Engine) async throws {
    try await withStore(engine) { store in
      _ = try await store.upsert(.clients([Client(id: 1, name: "Ana"), Client(id: 2, name: "Bruno")]))
      _ = try await store.upsert(.contracts([Contract(id: 100, clientID: 1)]))
      _ = try await store.upsert(.departments([Department(id: 10, name: "Suporte")]))

      let logins = await #expect(throws: DomainError.self) {
        try await store.upsert(
          .logins([
            Login(id: 200, clientID: 1, contractID: 100, username: "ana"),
            Login(id: 201, clientID: 2, contractID: 100, username: "b"),
            Login(id: 202, clientID: 9, contractID: 999, username: ""),
            Login(id: 0, clientID: 1, username: "zero"),
          ]))
      }
      #expect(logins?.kind == .invalidArgument)
      #expect(
        logins?.violations.map { "\($0.field) \($0.reason)" } == [
          "logins[1].contract_id NOT_OF_CLIENT", "logins[2].username REQUIRED", "logins[2].client_id NOT_FOUND",
          "logins[2].contract_id NOT_FOUND", "logins[3].id INVALID",
        ])
      let employees = await #expect(throws: DomainError.self) {
        try await store.upsert(
          .employees([
            Employee(id: 40, name: " ", departmentIDs: [10, 77]),
            Employee(id: 41, name: "Muitos", departmentIDs: Array(1...65)),
          ]))
      }
      #expect(
        employees?.violations.map { "\($0.field) \($0.reason)" } == [
          "employees[0].name REQUIRED", "employees[0].department_ids[1] NOT_FOUND",
          "employees[1].department_ids TOO_MANY",
        ])
      let tooMany = await #expect(throws: DomainError.self) {
        try await store.upsert(.channels((1...1001).map { AtendeDomain.Channel(id: Int64($0), name: "c\($0)") }))
      }
      #expect(tooMany?.violations.map(\.reason) == ["TOO_MANY"])

      #expect(try await store.reference(Login.self, id: 200) == nil)
      #expect(try await store.reference(Employee.self, id: 40) == nil)
      #expect(try await store.referenceHistory(kind: "", page: PageRequest()).items.count == 4)
    }
  }

  @Test("records read back as written, with addresses and coordinates", arguments: Engine.available)
  func referenceRoundTrip(engine: Engine) async throws {
    try await withStore(engine) { store in
      let client = Client(
        id: 1, name: "Ana Paula", document: "123", active: false,
        address: Address(text: "Rua A, 10", coordinates: Coordinates(latitude: -27.5, longitude: -48.25)))
      let contract = Contract(id: 100, clientID: 1, description: "Fibra", address: Address(text: "Rua B"))
      let login = Login(id: 200, clientID: 1, contractID: 100, username: "ana")
      _ = try await store.upsert(.clients([client]))
      _ = try await store.upsert(.contracts([contract]))
      _ = try await store.upsert(.logins([login]))
      _ = try await store.upsert(.structures([Structure(id: 5, name: "POP")]))
      _ = try await store.upsert(.complementaryStatuses([ComplementaryStatus(id: 30, description: "Aguardando")]))
      #expect(try await store.reference(Client.self, id: 1) == client)
      #expect(try await store.reference(Contract.self, id: 100) == contract)
      #expect(try await store.reference(Login.self, id: 200) == login)
      #expect(try await store.reference(Structure.self, id: 5) == Structure(id: 5, name: "POP"))
      #expect(
        try await store.reference(ComplementaryStatus.self, id: 30)
          == ComplementaryStatus(id: 30, description: "Aguardando"))
      #expect(try await store.reference(Client.self, id: 2) == nil)
    }
  }

  @Test(
    "lists filter by text, activity and owner, in name order, every record on exactly one page",
    arguments: Engine.available)
  func listReferences(engine: Engine) async throws {
    try await withStore(engine) { store in
      _ = try await store.upsert(
        .clients([
          Client(id: 1, name: "Bruno", document: "111"), Client(id: 2, name: "ana", document: "222"),
          Client(id: 3, name: "Carla", document: "333", active: false), Client(id: 4, name: "Ana", document: "444"),
          Client(id: 5, name: "100% Fibra", document: "555"),
        ]))
      _ = try await store.upsert(
        .contracts([
          Contract(id: 100, clientID: 1, description: "b"), Contract(id: 101, clientID: 2, description: "a"),
        ]))
      _ = try await store.upsert(.logins([Login(id: 200, clientID: 1, contractID: 100, username: "x")]))
      _ = try await store.upsert(.departments([Department(id: 10, name: "D10"), Department(id: 11, name: "D11")]))
      _ = try await store.upsert(
        .employees([
          Employee(id: 40, name: "E40", departmentIDs: [10]), Employee(id: 41, name: "E41", departmentIDs: [11]),
        ]))

      func ids(_ filter: ReferenceFilter) async throws -> [Int64] {
        try await store.listReferences(Client.self, filter: filter, page: PageRequest()).items.map(\.id)
      }
      // Byte order: digits, then upper case, then lower case.
      #expect(try await ids(ReferenceFilter()) == [5, 4, 1, 3, 2])
      #expect(try await ids(ReferenceFilter(query: "AN")) == [4, 2])
      #expect(try await ids(ReferenceFilter(query: "33")) == [3])
      #expect(try await ids(ReferenceFilter(query: "%")) == [5])
      #expect(try await ids(ReferenceFilter(activeOnly: true)) == [5, 4, 1, 2])
      #expect(
        try await store.listReferences(Contract.self, filter: ReferenceFilter(clientID: 2), page: PageRequest()).items
          .map(\.id) == [101])
      #expect(
        try await store.listReferences(Login.self, filter: ReferenceFilter(contractID: 101), page: PageRequest())
          .items.isEmpty)
      #expect(
        try await store.listReferences(Employee.self, filter: ReferenceFilter(departmentID: 11), page: PageRequest())
          .items == [Employee(id: 41, name: "E41", departmentIDs: [11])])

      var seen: [Int64] = []
      var token = ""
      repeat {
        let page = try await store.listReferences(
          Client.self, filter: ReferenceFilter(), page: PageRequest(size: 2, token: token))
        #expect(page.items.count <= 2)
        seen += page.items.map(\.id)
        token = page.nextPageToken
      } while !token.isEmpty
      #expect(seen == [5, 4, 1, 3, 2])

      let first = try await store.listReferences(Client.self, filter: ReferenceFilter(), page: PageRequest(size: 1))
      let error = await #expect(throws: DomainError.self) {
        try await store.listReferences(
          Client.self, filter: ReferenceFilter(activeOnly: true), page: PageRequest(size: 1, token: first.nextPageToken)
        )
      }
      #expect(error?.violations.map(\.field) == ["page_token"])
    }
  }

  // MARK: Subjects

  @Test(
    "subjects: created trimmed at version 1, names unique regardless of case, departments checked",
    arguments: Engine.available)
  func createSubjects(engine: Engine) async throws {
    let clock = SteppingClock()
    try await withStore(engine, now: clock.now) { store in
      _ = try await store.upsert(
        .departments([Department(id: 10, name: "Suporte"), Department(id: 11, name: "Antigo", active: false)]))
      let subject = try await store.createSubject(
        Subject(id: 99, name: "  Sem conexão ", defaultPriority: .high, defaultDepartmentID: 10, solutionSLAHours: 8),
        actor: "maria")
      #expect(subject.id > 0 && subject.id != 99)
      #expect(subject.name == "Sem conexão" && subject.version == 1 && subject.createdAt == subject.updatedAt)
      #expect(try await store.subject(id: subject.id) == subject)

      let taken = await #expect(throws: DomainError.self) {
        try await store.createSubject(Subject(name: "SEM CONEXÃO"), actor: "maria")
      }
      #expect(taken?.kind == .alreadyExists)
      let takenASCII = await #expect(throws: DomainError.self) {
        try await store.createSubject(Subject(name: "sem conexão"), actor: "maria")
      }
      #expect(takenASCII?.kind == .alreadyExists)
      #expect(takenASCII?.violations.map(\.field) == ["subject.name"])

      let inactive = await #expect(throws: DomainError.self) {
        try await store.createSubject(Subject(name: "Outro", defaultDepartmentID: 11), actor: "maria")
      }
      #expect(inactive?.kind == .failedPrecondition)
      let invalid = await #expect(throws: DomainError.self) {
        try await store.createSubject(
          Subject(name: "", defaultDepartmentID: 77, firstResponseSLAHours: -1), actor: "maria")
      }
      #expect(
        invalid?.violations.map { "\($0.field) \($0.reason)" } == [
          "subject.name REQUIRED", "subject.first_response_sla_hours OUT_OF_RANGE",
          "subject.default_department_id NOT_FOUND",
        ])
      let unknown = await #expect(throws: DomainError.self) { try await store.subject(id: 12345) }
      #expect(unknown?.kind == .notFound)
      let history = try await store.subjectHistory(id: subject.id, kind: "", page: PageRequest()).items
      #expect(history.map(\.kind) == ["CREATED"] && history[0].actor == "maria")
    }
  }

  @Test("subject updates: versioned, recorded field by field, a no-op changes nothing", arguments: Engine.available)
  func updateSubjects(engine: Engine) async throws {
    let clock = SteppingClock()
    try await withStore(engine, now: clock.now) { store in
      _ = try await store.upsert(.departments([Department(id: 10, name: "Suporte")]))
      let subject = try await store.createSubject(Subject(name: "Lentidão"), actor: "maria")
      let other = try await store.createSubject(Subject(name: "Outro"), actor: "maria")
      var changes = SubjectChanges()
      changes.active = false
      changes.defaultDepartmentID = .some(10)
      changes.contractRequired = true
      let updated = try await store.updateSubject(
        id: subject.id, expectedVersion: 1, changes: changes, actor: "joao")
      #expect(updated.version == 2 && !updated.active && updated.defaultDepartmentID == 10)
      #expect(updated.updatedAt > subject.updatedAt && updated.createdAt == subject.createdAt)
      #expect(try await store.subject(id: subject.id) == updated)

      let stale = await #expect(throws: DomainError.self) {
        try await store.updateSubject(id: subject.id, expectedVersion: 1, changes: changes, actor: "joao")
      }
      #expect(stale?.kind == .aborted)
      let missing = await #expect(throws: DomainError.self) {
        try await store.updateSubject(id: subject.id, expectedVersion: 0, changes: changes, actor: "joao")
      }
      #expect(missing?.violations.map(\.field) == ["expected_version"])
      #expect(
        try await store.updateSubject(id: subject.id, expectedVersion: 2, changes: changes, actor: "joao") == updated)

      var rename = SubjectChanges()
      rename.name = "outro"
      let taken = await #expect(throws: DomainError.self) {
        try await store.updateSubject(id: subject.id, expectedVersion: 2, changes: rename, actor: "joao")
      }
      #expect(taken?.kind == .alreadyExists)
      rename.name = "OUTRO"
      // Its own name in another case is not taken.
      #expect(
        try await store.updateSubject(id: other.id, expectedVersion: 1, changes: rename, actor: "joao").name
          == "OUTRO")

      let history = try await store.subjectHistory(id: subject.id, kind: "FIELD_CHANGED", page: PageRequest()).items
      #expect(
        history.map { "\($0.field) \($0.oldValue)→\($0.newValue)" } == [
          "active true→false", "default_department_id →10", "contract_required false→true",
        ])
      #expect(history.allSatisfy { $0.actor == "joao" })
    }
  }

  @Test("subject lists: text, activity, case-insensitive name order, pages", arguments: Engine.available)
  func listSubjects(engine: Engine) async throws {
    try await withStore(engine) { store in
      for name in ["beta", "Alfa", "gama", "Delta"] {
        _ = try await store.createSubject(Subject(name: name, active: name != "gama"), actor: "maria")
      }
      func names(_ query: String = "", activeOnly: Bool = false, size: Int = 0) async throws -> [String] {
        var names: [String] = []
        var token = ""
        repeat {
          let page = try await store.listSubjects(
            query: query, activeOnly: activeOnly, page: PageRequest(size: size, token: token))
          names += page.items.map(\.name)
          token = page.nextPageToken
        } while !token.isEmpty
        return names
      }
      #expect(try await names() == ["Alfa", "beta", "Delta", "gama"])
      #expect(try await names(size: 1) == ["Alfa", "beta", "Delta", "gama"])
      #expect(try await names("LTA") == ["Delta"])
      #expect(try await names(activeOnly: true, size: 2) == ["Alfa", "beta", "Delta"])
    }
  }

  @Test(
    "concurrent changes: one creation of a name wins, one update of a version wins",
    arguments: Engine.available)
  func concurrentSubjectChanges(engine: Engine) async throws {
    try await withStore(engine) { store in
      let results = await withTaskGroup(of: Bool.self) { group in
        for index in 0..<8 {
          group.addTask {
            (try? await store.createSubject(Subject(name: index.isMultiple(of: 2) ? "Duplo" : "duplo"), actor: "a"))
              != nil
          }
        }
        return await group.reduce(into: [Bool]()) { $0.append($1) }
      }
      #expect(results.filter { $0 }.count == 1)
      let subject = try #require(
        try await store.listSubjects(query: "", activeOnly: false, page: PageRequest()).items.first)
      let updates = await withTaskGroup(of: Bool.self) { group in
        for index in 0..<8 {
          group.addTask {
            var changes = SubjectChanges()
            changes.solutionSLAHours = .some(index + 1)
            return (try? await store.updateSubject(id: subject.id, expectedVersion: 1, changes: changes, actor: "a"))
              != nil
          }
        }
        return await group.reduce(into: [Bool]()) { $0.append($1) }
      }
      #expect(updates.filter { $0 }.count == 1)
      #expect(try await store.subject(id: subject.id).version == 2)
      #expect(
        try await store.subjectHistory(id: subject.id, kind: "FIELD_CHANGED", page: PageRequest()).items.count == 1)
    }
  }

  // MARK: Parameters

  @Test(
    "general parameters: versioned updates, recorded; stale and missing versions refused",
    arguments: Engine.available)
  func parameters(engine: Engine) async throws {
    let clock = SteppingClock()
    try await withStore(engine, now: clock.now) { store in
      let initial = try await store.parameters()
      #expect(initial.version == 1 && !initial.subjectRequired)
      let updated = try await store.updateParameters(expectedVersion: 1, subjectRequired: true, actor: "maria")
      #expect(updated.version == 2 && updated.subjectRequired && updated.updatedBy == "maria")
      #expect(try await store.parameters() == updated)
      #expect(try await store.updateParameters(expectedVersion: 2, subjectRequired: true, actor: "joao") == updated)
      #expect(try await store.updateParameters(expectedVersion: 2, subjectRequired: nil, actor: "joao") == updated)
      let stale = await #expect(throws: DomainError.self) {
        try await store.updateParameters(expectedVersion: 1, subjectRequired: false, actor: "joao")
      }
      #expect(stale?.kind == .aborted)
      let missing = await #expect(throws: DomainError.self) {
        try await store.updateParameters(expectedVersion: 0, subjectRequired: false, actor: "joao")
      }
      #expect(missing?.kind == .invalidArgument)
      let history = try await store.parameterHistory(kind: "", page: PageRequest()).items
      #expect(
        history.map { "\($0.actor) \($0.field) \($0.oldValue)→\($0.newValue)" } == ["maria subject_required false→true"]
      )
    }
  }

  // MARK: API tokens

  @Test("API tokens: found by digest, listed oldest first, revoked once, use recorded", arguments: Engine.available)
  func apiTokens(engine: Engine) async throws {
    try await withStore(engine) { store in
      let created = Date(micros: 1_780_000_000_000_000)
      let billing = APITokenRecord(
        id: "tok1", name: "billing", secretDigest: "d1", scopes: ["tickets.read", "tickets.write"],
        departments: [1, 2],
        createdAt: created, expiresAt: created.addingTimeInterval(3600))
      let admin = APITokenRecord(
        id: "tok2", name: "admin", secretDigest: "d2", scopes: ["admin"], departments: nil,
        createdAt: created.addingTimeInterval(1), expiresAt: nil)
      try await store.insertAPIToken(admin)
      try await store.insertAPIToken(billing)
      #expect(try await store.apiToken(secretDigest: "d1") == billing)
      #expect(try await store.apiToken(secretDigest: "nope") == nil)
      #expect(try await store.apiTokens().map(\.id) == ["tok1", "tok2"])
      await #expect(throws: (any Error).self) { try await store.insertAPIToken(billing) }

      let revokedAt = created.addingTimeInterval(60)
      let revoked = try await store.revokeAPITokens(idOrName: "billing", at: revokedAt)
      #expect(revoked.map(\.id) == ["tok1"] && revoked[0].revokedAt == revokedAt)
      let again = try await store.revokeAPITokens(idOrName: "tok1", at: revokedAt.addingTimeInterval(60))
      #expect(again[0].revokedAt == revokedAt)
      #expect(try await store.revokeAPITokens(idOrName: "nobody", at: revokedAt).isEmpty)

      try await store.recordAPITokenUse(id: "tok2", at: revokedAt)
      #expect(try await store.apiToken(secretDigest: "d2")?.lastUsedAt == revokedAt)
    }
  }
}

/// PostgreSQL only: its migrations and connection settings.
@Suite("PostgreSQL store", .enabled(if: Engine.postgresURL != nil))
struct PostgresStoreTests {
  @Test("an empty database is migrated once, even by servers starting together")
  func migrations() async throws {
    try await withPostgresDatabase { url in
      let logger = Logger(label: "test")
      let applied = try await withThrowingTaskGroup(of: [String].self) { group in
        for _ in 0..<3 {
          group.addTask {
            try await PostgresStore.withStore(url: url, logger: logger) { store in
              try await store.appliedMigrations()
            }
          }
        }
        return try await group.reduce(into: [[String]]()) { $0.append($1) }
      }
      #expect(applied == Array(repeating: PostgresStore.migrationNames.sorted(), count: 3))
      try await PostgresStore.withStore(url: url, logger: logger) { store in
        let again = try await store.migrate()
        #expect(again.isEmpty)
      }
    }
  }

  @Test("URLs: parameters understood, anything else refused with its reason")
  func urls() throws {
    let logger = Logger(label: "test")
    _ = try PostgresStore(url: "postgres://u:p@127.0.0.1:5433/db?sslmode=disable&pool_max=4", logger: logger)
    _ = try PostgresStore(url: "postgresql://u@db.example/atende", logger: logger)
    for bad in ["mysql://u@h/db", "postgres:///db", "postgres://u@h/db?pool_max=0", "postgres://u@h/db?foo=bar"] {
      #expect(throws: PostgresStoreError.self) { try PostgresStore(url: bad, logger: logger) }
    }
  }
}
