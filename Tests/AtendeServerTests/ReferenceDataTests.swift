import AtendeAPI
import AtendeServer
import AtendeStoreTestSupport
import Testing

@Suite("Reference data through ReferenceDataService")
struct ReferenceDataTests {
  @Test(arguments: Engine.available)
  func upsertsCountCreatedUpdatedAndUnchangedRecords(engine: Engine) async throws {
    try await withAtendeServer(engine) { client, _ in
      let reference = ReferenceDataService.Client(client)
      let departments = [
        Department(id: 1, name: "Suporte", active: true), Department(id: 2, name: "SAC", active: true),
      ]
      let first = try await reference.upsertDepartments(.init(departments: departments), options: asTester)
      #expect(first == UpsertResult(created: 2))

      // The same batch again changes nothing.
      let again = try await reference.upsertDepartments(.init(departments: departments), options: asTester)
      #expect(again == UpsertResult(unchanged: 2))

      var changed = departments
      changed[1].active = false
      let mixed = try await reference.upsertDepartments(
        .init(departments: changed + [Department(id: 3, name: "Financeiro", active: true)]), options: asTester)
      #expect(mixed == UpsertResult(created: 1, updated: 1, unchanged: 1))
      #expect(try await reference.getDepartment(.init(id: 2)) == changed[1])
      #expect(try await reference.getDepartment(.init(id: 3)).name == "Financeiro")
    }
  }

  @Test(arguments: Engine.available)
  func recordsRoundTripWithAddressesAndLinks(engine: Engine) async throws {
    try await withAtendeServer(engine) { client, _ in
      let reference = ReferenceDataService.Client(client)
      let home = Address(text: "Rua das Flores, 120", latitude: -27.1004, longitude: -52.6152, hasCoordinates: true)
      let clients = [
        Client(id: 10, name: "Ana", document: "12345678909", active: true, address: home),
        Client(id: 11, name: "Bia", document: "", active: false, address: Address(text: "Rua B")),
      ]
      let contract = Contract(id: 20, clientId: 10, description: "Fibra 500", active: true, address: home)
      let logins = [
        Login(id: 30, clientId: 10, contractId: 20, username: "ana", active: true, address: Address()),
        Login(id: 31, clientId: 10, contractId: 0, username: "ana.sem.contrato", active: false, address: Address()),
      ]
      let created = try await reference.upsertClients(.init(clients: clients))
      #expect(created == UpsertResult(created: 2))
      #expect(try await reference.upsertContracts(.init(contracts: [contract])) == UpsertResult(created: 1))
      #expect(try await reference.upsertLogins(.init(logins: logins)) == UpsertResult(created: 2))
      #expect(try await reference.getClient(.init(id: 10)) == clients[0])
      #expect(try await reference.getClient(.init(id: 11)) == clients[1])
      #expect(try await reference.getContract(.init(id: 20)) == contract)
      #expect(try await reference.getLogin(.init(id: 30)) == logins[0])
      #expect(try await reference.getLogin(.init(id: 31)) == logins[1])

      let structure = Structure(id: 1, name: "POP Centro", active: true, address: home)
      #expect(try await reference.upsertStructures(.init(structures: [structure])) == UpsertResult(created: 1))
      #expect(try await reference.getStructure(.init(id: 1)) == structure)

      let channel = Channel(id: 1, name: "WhatsApp", active: true)
      #expect(try await reference.upsertChannels(.init(channels: [channel])) == UpsertResult(created: 1))
      #expect(try await reference.getChannel(.init(id: 1)) == channel)

      let status = ComplementaryStatus(id: 1, description: "Aguardando cliente", active: true)
      #expect(
        try await reference.upsertComplementaryStatuses(.init(complementaryStatuses: [status]))
          == UpsertResult(created: 1))
      #expect(try await reference.getComplementaryStatus(.init(id: 1)) == status)
    }
  }

  @Test(arguments: Engine.available)
  func employeesKeepTheirDepartmentsAndAreIdempotentInAnyOrder(engine: Engine) async throws {
    try await withAtendeServer(engine) { client, _ in
      let reference = ReferenceDataService.Client(client)
      _ = try await reference.upsertDepartments(
        .init(departments: [
          Department(id: 1, name: "Suporte", active: true), Department(id: 2, name: "SAC", active: true),
        ]))
      let employee = Employee(id: 7, name: "Carla", active: true, departmentIds: [2, 1])
      #expect(try await reference.upsertEmployees(.init(employees: [employee])) == UpsertResult(created: 1))
      #expect(try await reference.getEmployee(.init(id: 7)).departmentIds == [1, 2])
      // The same departments in another order are the same employee.
      #expect(try await reference.upsertEmployees(.init(employees: [employee])) == UpsertResult(unchanged: 1))

      var moved = employee
      moved.departmentIds = [2]
      #expect(try await reference.upsertEmployees(.init(employees: [moved])) == UpsertResult(updated: 1))
      #expect(try await reference.getEmployee(.init(id: 7)).departmentIds == [2])
    }
  }

  @Test(arguments: Engine.available)
  func aContractOfAnUnknownClientIsRejectedNamingTheField(engine: Engine) async throws {
    try await withAtendeServer(engine) { client, _ in
      let reference = ReferenceDataService.Client(client)
      let error = await #expect(throws: RPCError.self) {
        try await reference.upsertContracts(
          .init(contracts: [Contract(id: 1, clientId: 999, description: "Fibra", active: true)]), options: asTester)
      }
      #expect(error?.code == .invalidArgument)
      #expect(error?.violationSummary == ["contracts[0].client_id NOT_FOUND"])
    }
  }

  @Test(arguments: Engine.available)
  func everyViolationOfABatchIsReportedAndNothingIsWritten(engine: Engine) async throws {
    try await withAtendeServer(engine) { client, store in
      let reference = ReferenceDataService.Client(client)
      let clients = [
        Client(id: 1, name: "Ana", active: true), Client(id: 0, name: "Sem id", active: true),
        Client(id: 3, name: "  ", active: true),
      ]
      let error = await #expect(throws: RPCError.self) {
        try await reference.upsertClients(.init(clients: clients), options: asTester)
      }
      #expect(error?.code == .invalidArgument)
      #expect(Set(error?.violationSummary ?? []) == ["clients[1].id INVALID", "clients[2].name REQUIRED"])
      // The valid record of the rejected batch was not written either.
      await #expect(throws: RPCError.self) { try await reference.getClient(.init(id: 1)) }

      let employeeError = await #expect(throws: RPCError.self) {
        try await reference.upsertEmployees(
          .init(employees: [Employee(id: 1, name: "", active: true, departmentIds: [7, 8])]))
      }
      #expect(
        Set(employeeError?.violationSummary ?? []) == [
          "employees[0].name REQUIRED", "employees[0].department_ids[0] NOT_FOUND",
          "employees[0].department_ids[1] NOT_FOUND",
        ])

      try await DemoData.load(into: store)
      let loginError = await #expect(throws: RPCError.self) {
        // Contract 5002 belongs to client 1002, not 1001.
        try await reference.upsertLogins(
          .init(logins: [
            Login(id: 9001, clientId: 1001, contractId: 5002, username: "ana.extra", active: true),
            Login(id: 9002, clientId: 999, username: "", active: true),
          ]))
      }
      #expect(loginError?.code == .invalidArgument)
      #expect(
        Set(loginError?.violationSummary ?? []) == [
          "logins[0].contract_id NOT_OF_CLIENT", "logins[1].username REQUIRED", "logins[1].client_id NOT_FOUND",
        ])
    }
  }

  @Test(arguments: Engine.available)
  func gettingAnUnknownRecordIsNotFound(engine: Engine) async throws {
    try await withAtendeServer(engine) { client, store in
      try await DemoData.load(into: store)
      let reference = ReferenceDataService.Client(client)
      let unknown = GetReferenceRequest(id: 999_999)
      let calls: [@Sendable () async throws -> Void] = [
        { _ = try await reference.getClient(unknown) }, { _ = try await reference.getContract(unknown) },
        { _ = try await reference.getLogin(unknown) }, { _ = try await reference.getStructure(unknown) },
        { _ = try await reference.getDepartment(unknown) }, { _ = try await reference.getEmployee(unknown) },
        { _ = try await reference.getChannel(unknown) }, { _ = try await reference.getComplementaryStatus(unknown) },
      ]
      for call in calls {
        let error = await #expect(throws: RPCError.self) { try await call() }
        #expect(error?.code == .notFound)
      }
    }
  }

  @Test(arguments: Engine.available)
  func listsApplyTheirFilters(engine: Engine) async throws {
    try await withAtendeServer(engine) { client, store in
      try await DemoData.load(into: store)
      let reference = ReferenceDataService.Client(client)
      func request(_ filter: ReferenceFilter) -> ListReferenceRequest { ListReferenceRequest(filter: filter) }

      let departments = try await reference.listDepartments(request(.init(activeOnly: true))).departments
      #expect(departments.map(\.name) == ["Financeiro", "SAC", "Suporte Técnico"])
      #expect(try await reference.listDepartments(.init()).departments.count == 4)

      let contracts = try await reference.listContracts(request(.init(clientId: 1002))).contracts
      #expect(contracts.map(\.id) == [5002, 5003, 5004])
      let activeContracts = try await reference.listContracts(request(.init(activeOnly: true, clientId: 1002)))
      #expect(activeContracts.contracts.map(\.id) == [5002, 5003])

      let logins = try await reference.listLogins(request(.init(clientId: 1002))).logins
      #expect(Set(logins.map(\.id)) == [7002, 7003])
      #expect(try await reference.listLogins(request(.init(contractId: 5003))).logins.map(\.id) == [7003])

      let employees = try await reference.listEmployees(request(.init(departmentId: 2))).employees
      #expect(employees.map(\.id) == [3, 4])
      #expect(employees.allSatisfy { $0.departmentIds == [2] })
      let active = try await reference.listEmployees(request(.init(activeOnly: true, departmentId: 2))).employees
      #expect(active.map(\.name) == ["Elisa Rocha"])

      #expect(try await reference.listClients(request(.init(query: "mercado"))).clients.map(\.id) == [1002])
      #expect(try await reference.listClients(request(.init(query: "11222333"))).clients.map(\.id) == [1002])
      #expect(try await reference.listClients(request(.init(query: "FERREIRA"))).clients.map(\.id) == [1001])
      #expect(try await reference.listClients(request(.init(activeOnly: true))).clients.count == 3)
      #expect(try await reference.listLogins(request(.init(query: "bompreco"))).logins.count == 2)
      #expect(try await reference.listChannels(request(.init(query: "whats"))).channels.map(\.name) == ["WhatsApp"])
      #expect(try await reference.listChannels(request(.init(activeOnly: true))).channels.count == 4)
      #expect(
        try await reference.listComplementaryStatuses(request(.init(activeOnly: true))).complementaryStatuses.count
          == 2)
      #expect(try await reference.listStructures(request(.init(query: "torre"))).structures.map(\.id) == [2])
    }
  }

  @Test(arguments: Engine.available)
  func listingForATicketShowsOnlyItsClientsContractsAndLogins(engine: Engine) async throws {
    try await withAtendeServer(engine) { client, store in
      try await DemoData.load(into: store)
      let reference = ReferenceDataService.Client(client)
      let ticket = try await TicketService.Client(client).createTicket(
        .init(
          ticket: Ticket(
            kind: .client, clientId: 1003, title: "Sem internet", departmentId: 1, priority: .high,
            description: "Cliente sem conexão desde ontem")), options: asTester)
      let filter = ListReferenceRequest(filter: ReferenceFilter(ticketId: ticket.id))
      #expect(try await reference.listContracts(filter).contracts.map(\.id) == [5005])
      #expect(try await reference.listLogins(filter).logins.map(\.id) == [7004])
      // Both filters hold together: another client's id with the ticket gives nothing.
      let both = ListReferenceRequest(filter: ReferenceFilter(clientId: 1001, ticketId: ticket.id))
      #expect(try await reference.listContracts(both).contracts.isEmpty)
      let same = ListReferenceRequest(filter: ReferenceFilter(clientId: 1003, ticketId: ticket.id))
      #expect(try await reference.listContracts(same).contracts.map(\.id) == [5005])
      // Other kinds ignore the ticket.
      #expect(try await reference.listDepartments(filter).departments.count > 1)

      let error = await #expect(throws: RPCError.self) {
        try await reference.listContracts(.init(filter: ReferenceFilter(ticketId: 999_999)))
      }
      #expect(error?.code == .notFound)
    }
  }

  @Test(arguments: Engine.available)
  func pagesReturnEveryRecordExactlyOnce(engine: Engine) async throws {
    try await withAtendeServer(engine) { client, store in
      let reference = ReferenceDataService.Client(client)
      // Equal names page by id.
      let names = ["Ana", "Zé", "Ana", "Bruno", "carla", "Ana", "Davi"]
      let clients = names.enumerated().map { Client(id: Int64($0.offset + 1), name: $0.element, active: true) }
      _ = try await reference.upsertClients(.init(clients: clients))
      let pages = try await collectPages { token in
        let response = try await reference.listClients(.init(pageSize: 2, pageToken: token))
        return (response.clients, response.nextPageToken)
      }
      #expect(pages.map(\.count) == [2, 2, 2, 1])
      let listed = pages.flatMap { $0 }
      #expect(listed.map(\.id).sorted() == Array(1...7))
      #expect(listed.map(\.name) == names.sorted())

      try await DemoData.load(into: store)
      let employees = try await collectPages { token in
        let response = try await reference.listEmployees(.init(pageSize: 2, pageToken: token))
        return (response.employees, response.nextPageToken)
      }
      #expect(employees.flatMap { $0 }.map(\.id) == [1, 2, 3, 4])
      let supportTeam = try await collectPages { token in
        let response = try await reference.listEmployees(
          .init(filter: ReferenceFilter(departmentId: 1), pageSize: 1, pageToken: token))
        return (response.employees, response.nextPageToken)
      }
      #expect(supportTeam.flatMap { $0 }.map(\.id) == [1, 2])
    }
  }

  @Test(arguments: Engine.available)
  func aBadPageTokenIsInvalid(engine: Engine) async throws {
    try await withAtendeServer(engine) { client, store in
      try await DemoData.load(into: store)
      let reference = ReferenceDataService.Client(client)
      let garbage = await #expect(throws: RPCError.self) {
        try await reference.listClients(.init(pageSize: 2, pageToken: "not-a-token"))
      }
      #expect(garbage?.code == .invalidArgument)
      #expect(garbage?.violationSummary == ["page_token INVALID"])

      // A token belongs to the filters it was issued for.
      let first = try await reference.listClients(.init(pageSize: 2))
      #expect(!first.nextPageToken.isEmpty)
      let otherFilter = await #expect(throws: RPCError.self) {
        try await reference.listClients(
          .init(filter: ReferenceFilter(activeOnly: true), pageSize: 2, pageToken: first.nextPageToken))
      }
      #expect(otherFilter?.code == .invalidArgument)
    }
  }
}

/// Every page of a listing, following next_page_token from the first page.
func collectPages<Item>(_ fetch: (String) async throws -> ([Item], String)) async throws -> [[Item]] {
  var pages: [[Item]] = []
  var token = ""
  repeat {
    let (items, next) = try await fetch(token)
    pages.append(items)
    token = next
  } while !token.isEmpty && pages.count < 100
  return pages
}
