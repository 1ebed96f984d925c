import AtendeAPI
import AtendeProtobuf
import AtendeStore
import Testing

@testable import AtendeServer

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

  @Test("an update mask: each field once; unknown paths give at most 100 violations and a count")
  func updateMask() throws {
    let allowed: Set<String> = ["title", "priority"]
    let repeated = try maskFields(
      .init(paths: Array(repeating: "title", count: 10_000) + ["ticket.priority", "priority"]), prefix: "ticket",
      allowed: allowed, implied: { [] })
    #expect(repeated == ["title", "priority"])
    let error = try #require(throws: RPCError.self) {
      try maskFields(
        .init(paths: ["title"] + (0..<100_000).map { "no_such_\($0)" }), prefix: "ticket", allowed: allowed,
        implied: { [] })
    }
    #expect(error.fieldViolations.count == RPCError.maxFieldViolations)
    #expect(error.omittedFieldViolations == 100_000 - 100)
    #expect(error.fieldViolations[0].description == "'no_such_0' cannot be updated here")
  }

  @Test("an update mask of 100 000 unknown paths through the server: a bounded error")
  func updateMaskEndToEnd() async throws {
    try await withTicketServer { tickets, _ in
      let created = try await tickets.createTicket(CreateTicketRequest(ticket: ticket()))
      let error = try await #require(throws: RPCError.self) {
        try await tickets.updateTicket(
          UpdateTicketRequest(
            ticket: Ticket(id: created.id, title: "x"), updateMask: .init(paths: Array(repeating: "x", count: 100_000)),
            expectedVersion: created.version))
      }
      #expect(error.code == .invalidArgument)
      #expect(error.fieldViolations.count + error.omittedFieldViolations == 100_000)
      #expect(error.fieldViolations.count == RPCError.maxFieldViolations)
      let updated = try await tickets.updateTicket(
        UpdateTicketRequest(
          ticket: Ticket(id: created.id, title: "Título novo"),
          updateMask: .init(paths: Array(repeating: "title", count: 1000)), expectedVersion: created.version))
      #expect(updated.title == "Título novo")
      #expect(updated.version == created.version + 1)
    }
  }

  @Test("text searches: at most 256 bytes and 16 words, on every list that searches")
  func searchLimits() async throws {
    try await withAtendeServer { client, _ in
      let tickets = TicketService.Client(client)
      let sixteen = (1...16).map { "w\($0)" }.joined(separator: " ")
      _ = try await tickets.listTickets(.init(query: sixteen))
      let tooMany = try await #require(throws: RPCError.self) {
        try await tickets.listTickets(.init(query: sixteen + " w17"))
      }
      #expect(tooMany.violationSummary == ["query TOO_MANY_WORDS"])
      let tooLong = try await #require(throws: RPCError.self) {
        try await tickets.listTickets(.init(query: String(repeating: "a", count: 257)))
      }
      #expect(tooLong.violationSummary == ["query TOO_LONG"])
      let reference = try await #require(throws: RPCError.self) {
        try await ReferenceDataService.Client(client).listClients(
          .init(filter: .init(query: String(repeating: "ç", count: 129))))  // 258 bytes
      }
      #expect(reference.violationSummary == ["filter.query TOO_LONG"])
      let subjects = try await #require(throws: RPCError.self) {
        try await SubjectService.Client(client).listSubjects(.init(query: String(repeating: "a", count: 300)))
      }
      #expect(subjects.violationSummary == ["query TOO_LONG"])
    }
  }

  @Test("EchoCollect gathers at most 1 MiB")
  func echoCollectIsBounded() async throws {
    try await withAtendeServer { client, _ in
      let diagnostics = Diagnostics.Client(client)
      let chunk = [UInt8](repeating: 7, count: 300_000)
      let fits = try await diagnostics.echoCollect { writer in
        for _ in 0..<3 { try await writer.write(EchoRequest(payload: chunk)) }
      }
      #expect(fits.payload.count == 900_000)
      let error = try await #require(throws: RPCError.self) {
        try await diagnostics.echoCollect { writer in
          for _ in 0..<4 { try await writer.write(EchoRequest(payload: chunk)) }
        }
      }
      #expect(error.code == .resourceExhausted)
      #expect(error.reason == "TOO_MUCH_DATA")
    }
  }
}
