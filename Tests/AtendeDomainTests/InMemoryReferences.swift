import AtendeDomain
import Foundation

/// Reference data held in dictionaries, for testing the rules without a database.
struct InMemoryReferences: ReferenceLookup {
  var clients: [Int64: Client] = [:]
  var contracts: [Int64: Contract] = [:]
  var logins: [Int64: Login] = [:]
  var structures: [Int64: Structure] = [:]
  var departments: [Int64: Department] = [:]
  var employees: [Int64: Employee] = [:]
  var channels: [Int64: Channel] = [:]
  var statuses: [Int64: ComplementaryStatus] = [:]
  var subjects: [Int64: Subject] = [:]
  var branches: [Int64: Branch] = [:]
  var generalParameters = GeneralParameters()

  func client(_ id: Int64) -> Client? { clients[id] }
  func contract(_ id: Int64) -> Contract? { contracts[id] }
  func login(_ id: Int64) -> Login? { logins[id] }
  func structure(_ id: Int64) -> Structure? { structures[id] }
  func department(_ id: Int64) -> Department? { departments[id] }
  func employee(_ id: Int64) -> Employee? { employees[id] }
  func channel(_ id: Int64) -> Channel? { channels[id] }
  func complementaryStatus(_ id: Int64) -> ComplementaryStatus? { statuses[id] }
  func subject(_ id: Int64) -> Subject? { subjects[id] }
  func branch(_ id: Int64) -> Branch? { branches[id] }
  func activeContracts(ofClient clientID: Int64) -> [Contract] {
    contracts.values.filter { $0.clientID == clientID && $0.active }.sorted { $0.id < $1.id }
  }
  func activeLogins(ofClient clientID: Int64) -> [Login] {
    logins.values.filter { $0.clientID == clientID && $0.active }.sorted { $0.id < $1.id }
  }
  func parameters() -> GeneralParameters { generalParameters }
  /// The tickets the rules see, for ``openTickets(using:id:ofClient:limit:)``.
  var tickets: [Ticket] = []
  func openTickets(using kind: ReferenceKind, id: Int64, ofClient clientID: Int64, limit: Int) -> [TicketUse] {
    tickets.filter { ticket in
      ticket.status.isOpen && ticket.clientID == clientID
        && (kind == .login ? ticket.loginID : ticket.contractID) == id
    }
    .sorted { $0.id < $1.id }.prefix(limit)
    .map { TicketUse(ticketID: $0.id, protocolNumber: $0.protocolNumber, clientID: $0.clientID) }
  }

  /// A small world: client 1 with one contract and login, client 2 with two of each,
  /// structure 1, departments (10 active, 11 inactive), channels (20 active, 21
  /// inactive), statuses (30 active, 31 inactive), employees (40 active, 41 inactive),
  /// subjects 50 (plain, default priority HIGH), 51 (contract), 52 (login+contract),
  /// 53 (channel+status), 54 (signature), 55 (inactive).
  static func world() -> InMemoryReferences {
    var world = InMemoryReferences()
    world.clients[1] = Client(id: 1, name: "Ana", address: Address(text: "client 1 street"))
    world.clients[2] = Client(id: 2, name: "Bruno", address: Address(text: "client 2 street"))
    world.contracts[100] = Contract(id: 100, clientID: 1, address: Address(text: "contract 100 street"))
    world.logins[200] = Login(
      id: 200, clientID: 1, contractID: 100, username: "ana", address: Address(text: "login 200 street"))
    world.contracts[101] = Contract(id: 101, clientID: 2, address: Address(text: "contract 101 street"))
    world.contracts[102] = Contract(id: 102, clientID: 2)
    world.contracts[103] = Contract(id: 103, clientID: 2, active: false)
    world.logins[201] = Login(id: 201, clientID: 2, username: "bruno1")
    world.logins[202] = Login(id: 202, clientID: 2, username: "bruno2")
    world.structures[1] = Structure(id: 1, name: "POP Centro", address: Address(text: "pop street"))
    world.departments[10] = Department(id: 10, name: "Suporte Técnico")
    world.departments[11] = Department(id: 11, name: "Old", active: false)
    world.departments[12] = Department(id: 12, name: "SAC")
    world.channels[20] = Channel(id: 20, name: "Telefone")
    world.channels[21] = Channel(id: 21, name: "Fax", active: false)
    world.statuses[30] = ComplementaryStatus(id: 30, description: "Aguardando cliente")
    world.statuses[31] = ComplementaryStatus(id: 31, description: "Old", active: false)
    world.employees[40] = Employee(id: 40, name: "Carla", departmentIDs: [10])
    world.employees[41] = Employee(id: 41, name: "Gone", active: false)
    world.subjects[50] = Subject(id: 50, name: "Sem conexão", defaultPriority: .high)
    world.subjects[51] = Subject(id: 51, name: "Troca de plano", contractRequired: true)
    world.subjects[52] = Subject(id: 52, name: "Lentidão", contractRequired: true, loginRequired: true)
    world.subjects[53] = Subject(id: 53, name: "Reclamação", channelRequired: true, complementaryStatusRequired: true)
    world.subjects[54] = Subject(id: 54, name: "Instalação", serviceOrderRequiresSignature: true)
    world.subjects[55] = Subject(id: 55, name: "Antigo", active: false)
    return world
  }
}

let now = Date(timeIntervalSince1970: 1_780_000_000)

/// A valid client ticket for the world above.
func validFields() -> TicketFields {
  TicketFields(
    kind: .client, clientID: 1, subjectID: 50, title: "Sem internet", departmentID: 10, priority: .normal,
    description: "Cliente sem conexão desde ontem")
}
