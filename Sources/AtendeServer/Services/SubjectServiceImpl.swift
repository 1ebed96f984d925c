public import AtendeAPI
internal import AtendeDomain
public import AtendeStore

/// The subject RPCs over a store.
public struct SubjectServiceImpl: SubjectService.ServiceProtocol {
  let store: any AtendeStore

  public init(store: any AtendeStore) {
    self.store = store
  }

  public func createSubject(_ request: CreateSubjectRequest, context: ServerContext) async throws -> AtendeAPI.Subject {
    guard let subject = request.subject else { throw invalidArgument("subject", "REQUIRED", "subject is required") }
    return AtendeAPI.Subject(
      try await store.createSubject(AtendeDomain.Subject(creating: subject), actor: context.actor))
  }

  public func getSubject(_ request: GetSubjectRequest, context: ServerContext) async throws -> AtendeAPI.Subject {
    AtendeAPI.Subject(try await store.subject(id: request.id))
  }

  public func updateSubject(_ request: UpdateSubjectRequest, context: ServerContext) async throws -> AtendeAPI.Subject {
    guard let subject = request.subject, subject.id > 0 else {
      throw invalidArgument("subject.id", "REQUIRED", "the subject's id is required")
    }
    let paths = try maskFields(request.updateMask, prefix: "subject", allowed: SubjectField.names) {
      SubjectField.allCases.filter { $0.isSet(in: subject) }.map(\.rawValue)
    }
    let fields = Set(paths.compactMap(SubjectField.init(rawValue:)))
    guard !fields.isEmpty else {
      throw invalidArgument(
        "update_mask", "REQUIRED", "nothing to update; name the fields in update_mask to set them to false, 0 or none")
    }
    return AtendeAPI.Subject(
      try await store.updateSubject(
        id: subject.id, expectedVersion: request.expectedVersion, changes: SubjectChanges(subject, fields: fields),
        actor: context.actor))
  }

  public func listSubjects(_ request: ListSubjectsRequest, context: ServerContext) async throws -> ListSubjectsResponse
  {
    let page = try await store.listSubjects(
      query: try searchText(request.query, field: "query"), activeOnly: request.activeOnly,
      page: try PageRequest(requested: request.pageSize, token: request.pageToken))
    return ListSubjectsResponse(subjects: page.items.map(AtendeAPI.Subject.init), nextPageToken: page.nextPageToken)
  }

  public func listSubjectHistory(_ request: ListHistoryRequest, context: ServerContext) async throws
    -> ListHistoryResponse
  {
    ListHistoryResponse(
      try await store.subjectHistory(
        id: request.id, kind: request.kind, page: try PageRequest(requested: request.pageSize, token: request.pageToken)
      ))
  }
}
