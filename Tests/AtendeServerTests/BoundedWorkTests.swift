import AtendeAPI
import AtendeProtobuf
import AtendeServer
import AtendeStore
import Testing

/// One request full of errors costs a bounded answer: at most 100 field violations and a
/// count of the rest, in a frame the client's limit allows, while other clients go on.
@Suite("Bounded work per request")
struct BoundedWorkTests {
  /// About 600 KB: 1000 employees, each with an invalid id, no name and 64 departments
  /// that do not exist (9-byte ids): 66 000 violations.
  static let invalidEmployees = UpsertEmployeesRequest(
    employees: (0..<SQLiteStore.maxUpsertBatch).map { index in
      Employee(
        id: -1, name: "", active: true,
        departmentIds: (0..<SQLiteStore.maxDepartmentsPerEmployee).map { Int64(1 << 60) + Int64(index * 64 + $0) })
    })

  @Test("a large request of invalid entries: 100 violations and a count of the rest; other calls go on")
  func largeInvalidRequest() async throws {
    try #require(try Self.invalidEmployees.serializedBytes().count > 500_000)
    try await withAtendeServer { client, _, connect in
      let otherClient = connect { _ in }
      defer { otherClient.close() }
      let other = ReferenceDataService.Client(otherClient)
      _ = try await other.upsertDepartments(.init(departments: [Department(id: 1, name: "Suporte", active: true)]))
      async let refused: RPCError? = {
        do {
          _ = try await ReferenceDataService.Client(client).upsertEmployees(Self.invalidEmployees)
          return nil
        } catch let error as RPCError {
          return error
        }
      }()
      // Another client's calls all succeed while the large request is checked.
      for _ in 0..<20 { #expect(try await other.getDepartment(.init(id: 1)).name == "Suporte") }
      let error = try #require(await refused)
      #expect(error.code == .invalidArgument)
      #expect(error.fieldViolations.count == RPCError.maxFieldViolations)
      #expect(error.fieldViolations.count + error.omittedFieldViolations == 1000 * 66)
      #expect(error.fieldViolations.first.map { "\($0.field) \($0.reason)" } == "employees[0].id INVALID")
      #expect(error.message.contains("66000 problems"))
    }
  }

  @Test("the error fits the frame limit the client declared")
  func errorFitsClientFrameLimit() async throws {
    try await withAtendeServer { _, _, connect in
      let small = connect { $0.maxFrameSize = 4096 }
      defer { small.close() }
      // 40 invalid employees: the request fits the server's limit, the answer would not
      // fit 4096 bytes with all its violations.
      let request = UpsertEmployeesRequest(employees: Array(Self.invalidEmployees.employees.prefix(40)))
      let error = try await #require(throws: RPCError.self) {
        try await ReferenceDataService.Client(small).upsertEmployees(request)
      }
      #expect(error.code == .invalidArgument)
      #expect(error.fieldViolations.count > 10)
      #expect(error.fieldViolations.count < RPCError.maxFieldViolations)
      #expect(error.fieldViolations.count + error.omittedFieldViolations == 40 * 66)
    }
  }

  @Test("more departments than an employee may have: one TOO_MANY violation, nothing looked up")
  func tooManyDepartments() async throws {
    try await withAtendeServer { client, _ in
      let employee = Employee(id: 7, name: "Carla", active: true, departmentIds: Array(1...65))
      let error = try await #require(throws: RPCError.self) {
        try await ReferenceDataService.Client(client).upsertEmployees(.init(employees: [employee]))
      }
      #expect(error.violationSummary == ["employees[0].department_ids TOO_MANY"])
    }
  }
}
