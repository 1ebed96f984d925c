import AtendeAPI
import AtendeStoreTestSupport
import Testing

@Suite("Subjects through SubjectService")
struct SubjectTests {
  /// A service with departments 1 (active) and 2 (inactive) and its subject client.
  static func withSubjects(_ engine: Engine, _ body: (SubjectService.Client) async throws -> Void) async throws {
    try await withAtendeServer(engine) { client, _ in
      _ = try await ReferenceDataService.Client(client).upsertDepartments(
        .init(departments: [
          Department(id: 1, name: "Suporte", active: true), Department(id: 2, name: "Antigo", active: false),
        ]))
      try await body(SubjectService.Client(client))
    }
  }

  static let outage = Subject(
    name: "Outage", active: true, defaultPriority: .high, defaultDepartmentId: 1, firstResponseSlaHours: 4,
    solutionSlaHours: 24)

  @Test(arguments: Engine.available) func createAndGet(engine: Engine) async throws {
    try await Self.withSubjects(engine) { subjects in
      var sent = Self.outage
      sent.active = false  // ignored: new subjects are active
      sent.id = 77
      sent.version = 9
      sent.name = "  Outage "
      sent.contractRequired = true
      let created = try await subjects.createSubject(.init(subject: sent), options: asTester)
      #expect(created.id > 0)
      #expect(created.version == 1)
      #expect(created.name == "Outage")
      #expect(created.active)
      #expect(created.defaultPriority == .high)
      #expect(created.defaultDepartmentId == 1)
      #expect(created.contractRequired && !created.loginRequired)
      #expect(created.firstResponseSlaHours == 4 && created.solutionSlaHours == 24)
      #expect(created.createdAt != nil && created.createdAt == created.updatedAt)
      #expect(try await subjects.getSubject(.init(id: created.id)) == created)

      let history = try await subjects.listSubjectHistory(.init(id: created.id)).entries
      #expect(history.map(\.kind) == ["CREATED"])
      #expect(history.first?.actor == adminActingFor("tester"))
    }
  }

  @Test(arguments: Engine.available) func invalidSubjectsAreRejected(engine: Engine) async throws {
    try await Self.withSubjects(engine) { subjects in
      let missing = await #expect(throws: RPCError.self) { try await subjects.createSubject(.init()) }
      #expect(missing?.violationSummary == ["subject REQUIRED"])

      var nameless = Self.outage
      nameless.name = "   "
      let noName = await #expect(throws: RPCError.self) { try await subjects.createSubject(.init(subject: nameless)) }
      #expect(noName?.code == .invalidArgument)
      #expect(noName?.violationSummary == ["subject.name REQUIRED"])

      var unknownDepartment = Self.outage
      unknownDepartment.defaultDepartmentId = 99
      let notFound = await #expect(throws: RPCError.self) {
        try await subjects.createSubject(.init(subject: unknownDepartment))
      }
      #expect(notFound?.violationSummary == ["subject.default_department_id NOT_FOUND"])

      var inactiveDepartment = Self.outage
      inactiveDepartment.defaultDepartmentId = 2
      let inactive = await #expect(throws: RPCError.self) {
        try await subjects.createSubject(.init(subject: inactiveDepartment))
      }
      #expect(inactive?.code == .failedPrecondition)

      var unknownPriority = Self.outage
      unknownPriority.defaultPriority = .unrecognized(9)
      let priority = await #expect(throws: RPCError.self) {
        try await subjects.createSubject(.init(subject: unknownPriority))
      }
      #expect(priority?.violationSummary == ["subject.default_priority UNKNOWN"])
    }
  }

  @Test(arguments: Engine.available) func aDuplicateNameAlreadyExists(engine: Engine) async throws {
    try await Self.withSubjects(engine) { subjects in
      let created = try await subjects.createSubject(.init(subject: Self.outage), options: asTester)
      var duplicate = Self.outage
      duplicate.name = "OUTAGE"
      // Even when the caller sends the existing subject's id (ids are ignored on create).
      duplicate.id = created.id
      let error = await #expect(throws: RPCError.self) {
        try await subjects.createSubject(.init(subject: duplicate), options: asTester)
      }
      #expect(error?.code == .alreadyExists)
      #expect(error?.violationSummary == ["subject.name ALREADY_EXISTS"])

      let other = try await subjects.createSubject(.init(subject: Subject(name: "Billing", active: true)))
      var renamed = other
      renamed.name = "outage"
      let rename = await #expect(throws: RPCError.self) {
        try await subjects.updateSubject(
          .init(subject: renamed, updateMask: .init(paths: ["name"]), expectedVersion: other.version))
      }
      #expect(rename?.code == .alreadyExists)
    }
  }

  @Test(arguments: Engine.available) func aStaleVersionIsAborted(engine: Engine) async throws {
    try await Self.withSubjects(engine) { subjects in
      let created = try await subjects.createSubject(.init(subject: Self.outage), options: asTester)
      var change = Subject(id: created.id, channelRequired: true)
      _ = try await subjects.updateSubject(.init(subject: change, expectedVersion: 1), options: asTester)
      change.loginRequired = true
      let stale = await #expect(throws: RPCError.self) {
        try await subjects.updateSubject(.init(subject: change, expectedVersion: 1), options: asTester)
      }
      #expect(stale?.code == .aborted)
      #expect(try await subjects.getSubject(.init(id: created.id)).loginRequired == false)

      let missing = await #expect(throws: RPCError.self) {
        try await subjects.updateSubject(.init(subject: change), options: asTester)
      }
      #expect(missing?.violationSummary == ["expected_version REQUIRED"])
    }
  }

  @Test(arguments: Engine.available) func aMaskedUpdateChangesAndClearsFieldsAndRecordsHistory(engine: Engine)
    async throws
  {
    try await Self.withSubjects(engine) { subjects in
      let created = try await subjects.createSubject(.init(subject: Self.outage), options: asTester)
      // Default values under the mask clear (priority, department, SLA) or turn off.
      let mask = Google_Protobuf_FieldMask(paths: [
        "contract_required", "subject.login_required", "default_priority", "default_department_id",
        "solution_sla_hours",
      ])
      let updated = try await subjects.updateSubject(
        .init(
          subject: Subject(id: created.id, contractRequired: true, loginRequired: true), updateMask: mask,
          expectedVersion: created.version), options: asTester)
      #expect(updated.version == 2)
      #expect(updated.contractRequired && updated.loginRequired)
      #expect(updated.defaultPriority == .unspecified)
      #expect(updated.defaultDepartmentId == 0)
      #expect(updated.solutionSlaHours == 0)
      // Fields outside the mask are kept.
      #expect(updated.name == "Outage" && updated.active && updated.firstResponseSlaHours == 4)
      #expect(try await subjects.getSubject(.init(id: created.id)) == updated)

      let history = try await subjects.listSubjectHistory(.init(id: created.id)).entries
      #expect(history.first?.kind == "CREATED")
      #expect(history.allSatisfy { $0.actor == adminActingFor("tester") })
      let changes = history.filter { $0.kind == "FIELD_CHANGED" }
      #expect(
        Set(changes.map { "\($0.field): \($0.oldValue) -> \($0.newValue)" }) == [
          "contract_required: false -> true", "login_required: false -> true", "default_priority: HIGH -> ",
          "default_department_id: 1 -> ", "solution_sla_hours: 24 -> ",
        ])
      #expect(changes.count == 5)
    }
  }

  @Test(arguments: Engine.available) func anEmptyMaskUpdatesTheFieldsThatAreSet(engine: Engine) async throws {
    try await Self.withSubjects(engine) { subjects in
      let created = try await subjects.createSubject(.init(subject: Self.outage), options: asTester)
      let updated = try await subjects.updateSubject(
        .init(subject: Subject(id: created.id, channelRequired: true, firstResponseSlaHours: 8), expectedVersion: 1))
      #expect(updated.channelRequired && updated.firstResponseSlaHours == 8)
      // Unset (default) fields are not touched.
      #expect(updated.name == "Outage" && updated.active && updated.defaultPriority == .high)
      #expect(updated.defaultDepartmentId == 1 && updated.solutionSlaHours == 24)

      let nothing = await #expect(throws: RPCError.self) {
        try await subjects.updateSubject(.init(subject: Subject(id: created.id), expectedVersion: 2))
      }
      #expect(nothing?.violationSummary == ["update_mask REQUIRED"])

      let unknown = await #expect(throws: RPCError.self) {
        try await subjects.updateSubject(
          .init(subject: updated, updateMask: .init(paths: ["name", "version", "colour"]), expectedVersion: 2))
      }
      #expect(unknown?.code == .invalidArgument)
      #expect(unknown?.violationSummary == ["update_mask UNKNOWN_FIELD", "update_mask UNKNOWN_FIELD"])

      let noID = await #expect(throws: RPCError.self) {
        try await subjects.updateSubject(.init(subject: Subject(name: "x"), expectedVersion: 2))
      }
      #expect(noID?.violationSummary == ["subject.id REQUIRED"])
    }
  }

  @Test(arguments: Engine.available) func deactivateAndList(engine: Engine) async throws {
    try await Self.withSubjects(engine) { subjects in
      let outage = try await subjects.createSubject(.init(subject: Self.outage), options: asTester)
      _ = try await subjects.createSubject(.init(subject: Subject(name: "Billing", active: true)))
      _ = try await subjects.createSubject(.init(subject: Subject(name: "Legacy", active: false)))  // created active

      let deactivated = try await subjects.updateSubject(
        .init(
          subject: Subject(id: outage.id, active: false), updateMask: .init(paths: ["active"]),
          expectedVersion: outage.version), options: asTester)
      #expect(!deactivated.active && deactivated.version == 2)
      let history = try await subjects.listSubjectHistory(.init(id: outage.id)).entries
      #expect(
        history.last.map { "\($0.kind) \($0.field) \($0.oldValue) \($0.newValue)" } == "FIELD_CHANGED active true false"
      )

      #expect(try await subjects.listSubjects(.init(activeOnly: true)).subjects.map(\.name) == ["Billing", "Legacy"])
      #expect(try await subjects.listSubjects(.init()).subjects.map(\.name) == ["Billing", "Legacy", "Outage"])
      #expect(try await subjects.listSubjects(.init(query: "uta")).subjects.map(\.id) == [outage.id])
      let pages = try await collectPages { token in
        let response = try await subjects.listSubjects(.init(pageSize: 2, pageToken: token))
        return (response.subjects, response.nextPageToken)
      }
      #expect(pages.map { $0.map(\.name) } == [["Billing", "Legacy"], ["Outage"]])
    }
  }

  @Test(arguments: Engine.available) func anUnknownSubjectIsNotFound(engine: Engine) async throws {
    try await Self.withSubjects(engine) { subjects in
      let get = await #expect(throws: RPCError.self) { try await subjects.getSubject(.init(id: 404)) }
      #expect(get?.code == .notFound)
      let history = await #expect(throws: RPCError.self) { try await subjects.listSubjectHistory(.init(id: 404)) }
      #expect(history?.code == .notFound)
      let update = await #expect(throws: RPCError.self) {
        try await subjects.updateSubject(.init(subject: Subject(id: 404, active: true), expectedVersion: 1))
      }
      #expect(update?.code == .notFound)
    }
  }
}
