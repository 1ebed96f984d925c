public import AtendeAPI
internal import AtendeDomain
public import AtendeStore

/// The general parameters RPCs over a store.
public struct ParameterServiceImpl: ParameterService.ServiceProtocol {
  let store: any AtendeStore

  public init(store: any AtendeStore) {
    self.store = store
  }

  static let updatableFields: Set<String> = ["subject_required"]

  public func getParameters(_ request: GetParametersRequest, context: ServerContext) async throws
    -> AtendeAPI.GeneralParameters
  {
    AtendeAPI.GeneralParameters(try await store.parameters())
  }

  public func updateParameters(_ request: UpdateParametersRequest, context: ServerContext) async throws
    -> AtendeAPI.GeneralParameters
  {
    let parameters = request.parameters ?? AtendeAPI.GeneralParameters()
    let paths = try maskFields(request.updateMask, prefix: "parameters", allowed: Self.updatableFields) {
      parameters.subjectRequired ? ["subject_required"] : []
    }
    guard !paths.isEmpty else {
      throw invalidArgument(
        "update_mask", "REQUIRED", "nothing to update; name subject_required in update_mask to turn it off")
    }
    return AtendeAPI.GeneralParameters(
      try await store.updateParameters(
        expectedVersion: request.expectedVersion, subjectRequired: parameters.subjectRequired, actor: context.actor))
  }

  public func listParameterChanges(_ request: ListHistoryRequest, context: ServerContext) async throws
    -> ListHistoryResponse
  {
    ListHistoryResponse(
      try await store.parameterHistory(
        kind: request.kind, page: try PageRequest(requested: request.pageSize, token: request.pageToken)))
  }
}
