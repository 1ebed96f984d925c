public import AtendeAPI
internal import AtendeDomain
public import AtendeStore

/// The reference data RPCs over a store: bulk upserts, gets by id and filtered lists.
public struct ReferenceDataServiceImpl: ReferenceDataService.ServiceProtocol {
  let store: any AtendeStore

  public init(store: any AtendeStore) {
    self.store = store
  }

  // MARK: Helpers

  private func upsert(_ batch: ReferenceBatch, _ context: ServerContext) async throws -> UpsertResult {
    UpsertResult(try await store.upsert(batch, actor: context.actor))
  }

  public func listReferenceChanges(_ request: ListHistoryRequest, context: ServerContext) async throws
    -> ListHistoryResponse
  {
    ListHistoryResponse(
      try await store.referenceHistory(
        kind: request.kind, page: try PageRequest(requested: request.pageSize, token: request.pageToken)))
  }

  private func get<Entity: WireReference>(_ type: Entity.Type, _ request: GetReferenceRequest) async throws
    -> Entity.Wire
  {
    guard let record = try await store.reference(type, id: request.id) else {
      throw DomainError.notFound("\(Entity.kind.label) \(request.id)")
    }
    return record.wire
  }

  private func list<Entity: WireReference>(_ type: Entity.Type, _ request: ListReferenceRequest) async throws
    -> (items: [Entity.Wire], nextPageToken: String)
  {
    var filter = try StoreReferenceFilter(request.filter)
    let pageRequest = try PageRequest(requested: request.pageSize, token: request.pageToken)
    if let ticketID = optionalID(request.filter?.ticketId ?? 0), Entity.kind == .contract || Entity.kind == .login {
      // Rule 7: only the contracts and logins of the ticket's client (a ticket this
      // identity cannot see is NOT_FOUND; one without a client has none).
      let ticket = try await store.ticket(id: ticketID)
      guard let owner = ticket.clientID, filter.clientID == nil || filter.clientID == owner else {
        return ([], "")
      }
      filter.clientID = owner
    }
    let page = try await store.listReferences(type, filter: filter, page: pageRequest)
    return (page.items.map(\.wire), page.nextPageToken)
  }

  // MARK: Upserts

  public func upsertClients(_ request: UpsertClientsRequest, context: ServerContext) async throws -> UpsertResult {
    try await upsert(.clients(request.clients.map(AtendeDomain.Client.init(wire:))), context)
  }

  public func upsertContracts(_ request: UpsertContractsRequest, context: ServerContext) async throws -> UpsertResult {
    try await upsert(.contracts(request.contracts.map(AtendeDomain.Contract.init(wire:))), context)
  }

  public func upsertLogins(_ request: UpsertLoginsRequest, context: ServerContext) async throws -> UpsertResult {
    try await upsert(.logins(request.logins.map(AtendeDomain.Login.init(wire:))), context)
  }

  public func upsertStructures(_ request: UpsertStructuresRequest, context: ServerContext) async throws
    -> UpsertResult
  {
    try await upsert(.structures(request.structures.map(AtendeDomain.Structure.init(wire:))), context)
  }

  public func upsertDepartments(_ request: UpsertDepartmentsRequest, context: ServerContext) async throws
    -> UpsertResult
  {
    try await upsert(.departments(request.departments.map(AtendeDomain.Department.init(wire:))), context)
  }

  public func upsertEmployees(_ request: UpsertEmployeesRequest, context: ServerContext) async throws -> UpsertResult {
    try await upsert(.employees(request.employees.map(AtendeDomain.Employee.init(wire:))), context)
  }

  public func upsertChannels(_ request: UpsertChannelsRequest, context: ServerContext) async throws -> UpsertResult {
    try await upsert(.channels(request.channels.map(AtendeDomain.Channel.init(wire:))), context)
  }

  public func upsertComplementaryStatuses(_ request: UpsertComplementaryStatusesRequest, context: ServerContext)
    async throws -> UpsertResult
  {
    try await upsert(
      .complementaryStatuses(request.complementaryStatuses.map(AtendeDomain.ComplementaryStatus.init(wire:))),
      context)
  }

  // MARK: Gets

  public func getClient(_ request: GetReferenceRequest, context: ServerContext) async throws -> AtendeAPI.Client {
    try await get(AtendeDomain.Client.self, request)
  }

  public func getContract(_ request: GetReferenceRequest, context: ServerContext) async throws -> AtendeAPI.Contract {
    try await get(AtendeDomain.Contract.self, request)
  }

  public func getLogin(_ request: GetReferenceRequest, context: ServerContext) async throws -> AtendeAPI.Login {
    try await get(AtendeDomain.Login.self, request)
  }

  public func getStructure(_ request: GetReferenceRequest, context: ServerContext) async throws
    -> AtendeAPI.Structure
  {
    try await get(AtendeDomain.Structure.self, request)
  }

  public func getDepartment(_ request: GetReferenceRequest, context: ServerContext) async throws
    -> AtendeAPI.Department
  {
    try await get(AtendeDomain.Department.self, request)
  }

  public func getEmployee(_ request: GetReferenceRequest, context: ServerContext) async throws -> AtendeAPI.Employee {
    try await get(AtendeDomain.Employee.self, request)
  }

  public func upsertBranches(_ request: UpsertBranchesRequest, context: ServerContext) async throws -> UpsertResult {
    try await upsert(.branches(request.branches.map(AtendeDomain.Branch.init(wire:))), context)
  }

  public func getBranch(_ request: GetReferenceRequest, context: ServerContext) async throws -> AtendeAPI.Branch {
    try await get(AtendeDomain.Branch.self, request)
  }

  public func listBranches(_ request: ListReferenceRequest, context: ServerContext) async throws
    -> ListBranchesResponse
  {
    let page = try await list(AtendeDomain.Branch.self, request)
    return ListBranchesResponse(branches: page.items, nextPageToken: page.nextPageToken)
  }

  public func getChannel(_ request: GetReferenceRequest, context: ServerContext) async throws -> AtendeAPI.Channel {
    try await get(AtendeDomain.Channel.self, request)
  }

  public func getComplementaryStatus(_ request: GetReferenceRequest, context: ServerContext) async throws
    -> AtendeAPI.ComplementaryStatus
  {
    try await get(AtendeDomain.ComplementaryStatus.self, request)
  }

  // MARK: Lists

  public func listClients(_ request: ListReferenceRequest, context: ServerContext) async throws -> ListClientsResponse {
    let page = try await list(AtendeDomain.Client.self, request)
    return ListClientsResponse(clients: page.items, nextPageToken: page.nextPageToken)
  }

  public func listContracts(_ request: ListReferenceRequest, context: ServerContext) async throws
    -> ListContractsResponse
  {
    let page = try await list(AtendeDomain.Contract.self, request)
    return ListContractsResponse(contracts: page.items, nextPageToken: page.nextPageToken)
  }

  public func listLogins(_ request: ListReferenceRequest, context: ServerContext) async throws -> ListLoginsResponse {
    let page = try await list(AtendeDomain.Login.self, request)
    return ListLoginsResponse(logins: page.items, nextPageToken: page.nextPageToken)
  }

  public func listStructures(_ request: ListReferenceRequest, context: ServerContext) async throws
    -> ListStructuresResponse
  {
    let page = try await list(AtendeDomain.Structure.self, request)
    return ListStructuresResponse(structures: page.items, nextPageToken: page.nextPageToken)
  }

  public func listDepartments(_ request: ListReferenceRequest, context: ServerContext) async throws
    -> ListDepartmentsResponse
  {
    let page = try await list(AtendeDomain.Department.self, request)
    return ListDepartmentsResponse(departments: page.items, nextPageToken: page.nextPageToken)
  }

  public func listEmployees(_ request: ListReferenceRequest, context: ServerContext) async throws
    -> ListEmployeesResponse
  {
    let page = try await list(AtendeDomain.Employee.self, request)
    return ListEmployeesResponse(employees: page.items, nextPageToken: page.nextPageToken)
  }

  public func listChannels(_ request: ListReferenceRequest, context: ServerContext) async throws
    -> ListChannelsResponse
  {
    let page = try await list(AtendeDomain.Channel.self, request)
    return ListChannelsResponse(channels: page.items, nextPageToken: page.nextPageToken)
  }

  public func listComplementaryStatuses(_ request: ListReferenceRequest, context: ServerContext) async throws
    -> ListComplementaryStatusesResponse
  {
    let page = try await list(AtendeDomain.ComplementaryStatus.self, request)
    return ListComplementaryStatusesResponse(complementaryStatuses: page.items, nextPageToken: page.nextPageToken)
  }
}
