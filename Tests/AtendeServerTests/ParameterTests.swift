import AtendeAPI
import AtendeServer
import AtendeStoreTestSupport
import Testing

@Suite("General parameters through ParameterService")
struct ParameterTests {
  @Test(arguments: Engine.available)
  func defaults(engine: Engine) async throws {
    try await withAtendeServer(engine) { client, _ in
      let parameters = ParameterService.Client(client)
      let current = try await parameters.getParameters(.init())
      #expect(current.subjectRequired == false)
      #expect(current.version == 1)
      #expect(try await parameters.listParameterChanges(.init()).entries.isEmpty)
    }
  }

  @Test(arguments: Engine.available)
  func anUpdateBumpsTheVersionAndIsLogged(engine: Engine) async throws {
    try await withAtendeServer(engine) { client, _ in
      let parameters = ParameterService.Client(client)
      let updated = try await parameters.updateParameters(
        .init(parameters: GeneralParameters(subjectRequired: true), expectedVersion: 1), options: asTester)
      #expect(updated.subjectRequired && updated.version == 2 && updated.updatedBy == adminActingFor("tester"))
      #expect(try await parameters.getParameters(.init()) == updated)

      let changes = try await parameters.listParameterChanges(.init()).entries
      #expect(changes.count == 1)
      let change = try #require(changes.first)
      #expect(change.kind == "FIELD_CHANGED" && change.field == "subject_required")
      #expect(change.oldValue == "false" && change.newValue == "true" && change.actor == adminActingFor("tester"))
      #expect(change.at != nil)

      let stale = await #expect(throws: RPCError.self) {
        try await parameters.updateParameters(
          .init(parameters: GeneralParameters(subjectRequired: true), expectedVersion: 1), options: asTester)
      }
      #expect(stale?.code == .aborted)

      // Turning it off needs the mask (false is the default value).
      let noMask = await #expect(throws: RPCError.self) {
        try await parameters.updateParameters(
          .init(parameters: GeneralParameters(subjectRequired: false), expectedVersion: 2), options: asTester)
      }
      #expect(noMask?.violationSummary == ["update_mask REQUIRED"])
      let unknown = await #expect(throws: RPCError.self) {
        try await parameters.updateParameters(
          .init(parameters: GeneralParameters(), updateMask: .init(paths: ["updated_by"]), expectedVersion: 2))
      }
      #expect(unknown?.violationSummary == ["update_mask UNKNOWN_FIELD"])

      let off = try await parameters.updateParameters(
        .init(
          parameters: GeneralParameters(), updateMask: .init(paths: ["parameters.subject_required"]),
          expectedVersion: 2), options: asTester)
      #expect(!off.subjectRequired && off.version == 3)
      #expect(try await parameters.listParameterChanges(.init()).entries.map(\.newValue) == ["true", "false"])
      #expect(try await parameters.listParameterChanges(.init(kind: "FIELD_CHANGED")).entries.count == 2)
      #expect(try await parameters.listParameterChanges(.init(kind: "CREATED")).entries.isEmpty)
    }
  }

  @Test(arguments: Engine.available)
  func subjectRequiredMakesATicketWithoutSubjectFail(engine: Engine) async throws {
    try await withAtendeServer(engine) { client, store in
      try await DemoData.load(into: store)
      let tickets = TicketService.Client(client)
      let withoutSubject = Ticket(
        kind: .client, clientId: 1001, title: "Sem internet", departmentId: 1, priority: .high,
        description: "Cliente sem conexão desde ontem")
      // Allowed while the parameter is off.
      _ = try await tickets.createTicket(.init(ticket: withoutSubject), options: asTester)

      _ = try await ParameterService.Client(client).updateParameters(
        .init(parameters: GeneralParameters(subjectRequired: true), expectedVersion: 1), options: asTester)
      let error = await #expect(throws: RPCError.self) {
        try await tickets.createTicket(.init(ticket: withoutSubject), options: asTester)
      }
      #expect(error?.code == .failedPrecondition)
      #expect(error?.violationSummary == ["ticket.subject_id REQUIRED_BY_PARAMETERS"])

      let subject = try #require(
        try await SubjectService.Client(client).listSubjects(.init(query: "Sem conex")).subjects.first)
      var withSubject = withoutSubject
      withSubject.subjectId = subject.id
      let created = try await tickets.createTicket(.init(ticket: withSubject), options: asTester)
      #expect(created.subjectId == subject.id)
    }
  }
}
