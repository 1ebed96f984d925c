public import AtendeDomain
public import AtendeStore

/// A realistic demo data set for the README walkthrough and manual testing:
/// departments "Suporte Técnico" and "SAC", active and inactive channels, subjects
/// exercising every flag, clients with one and with several contracts and logins, and
/// a structure, and branches "Matriz" and "Filial Norte" (and a closed one). Loading it
/// twice changes nothing.
public enum DemoData {
  public static let departments = [
    Department(id: 1, name: "Suporte Técnico"), Department(id: 2, name: "SAC"),
    Department(id: 3, name: "Financeiro"), Department(id: 4, name: "Comercial (antigo)", active: false),
  ]
  public static let channels = [
    Channel(id: 1, name: "Telefone"), Channel(id: 2, name: "WhatsApp"), Channel(id: 3, name: "E-mail"),
    Channel(id: 4, name: "Presencial"), Channel(id: 5, name: "Fax", active: false),
  ]
  public static let branches = [
    Branch(id: 1, name: "Matriz"), Branch(id: 2, name: "Filial Norte"),
    Branch(id: 3, name: "Filial Sul (fechada)", active: false),
  ]
  public static let complementaryStatuses = [
    ComplementaryStatus(id: 1, description: "Aguardando cliente"),
    ComplementaryStatus(id: 2, description: "Aguardando técnico"),
    ComplementaryStatus(id: 3, description: "Aguardando fornecedor", active: false),
  ]
  public static let employees = [
    Employee(id: 1, name: "Carla Mendes", departmentIDs: [1]), Employee(id: 2, name: "Diego Souza", departmentIDs: [1]),
    Employee(id: 3, name: "Elisa Rocha", departmentIDs: [2]),
    Employee(id: 4, name: "Fábio Lima", active: false, departmentIDs: [2]),
  ]
  public static let clients = [
    // One active contract and one active login.
    Client(
      id: 1001, name: "Ana Paula Ferreira", document: "12345678909",
      address: Address(
        text: "Rua das Flores, 120 - Centro, Chapecó/SC", coordinates: .init(latitude: -27.1004, longitude: -52.6152))),
    // Several contracts and logins.
    Client(
      id: 1002, name: "Mercado Bom Preço Ltda", document: "11222333000181",
      address: Address(text: "Av. Getúlio Vargas, 2000 - Passo dos Fortes, Chapecó/SC")),
    Client(
      id: 1003, name: "Bruno Carvalho", document: "98765432100",
      address: Address(text: "Rua Marechal Deodoro, 45, Xaxim/SC")),
    Client(id: 1004, name: "Cliente Inativo", document: "11144477735", active: false),
  ]
  public static let contracts = [
    Contract(
      id: 5001, clientID: 1001, description: "Fibra 500 Mega",
      address: Address(text: "Rua das Flores, 120 - Centro, Chapecó/SC")),
    Contract(
      id: 5002, clientID: 1002, description: "Empresarial 1 Giga - matriz",
      address: Address(text: "Av. Getúlio Vargas, 2000, Chapecó/SC")),
    Contract(
      id: 5003, clientID: 1002, description: "Empresarial 300 Mega - filial",
      address: Address(text: "Rua Uruguai, 300, Chapecó/SC")),
    Contract(id: 5004, clientID: 1002, description: "Plano antigo", active: false),
    Contract(id: 5005, clientID: 1003, description: "Fibra 300 Mega"),
  ]
  public static let logins = [
    Login(
      id: 7001, clientID: 1001, contractID: 5001, username: "ana.ferreira",
      address: Address(text: "Rua das Flores, 120 - apto 3")),
    Login(
      id: 7002, clientID: 1002, contractID: 5002, username: "bompreco.matriz",
      address: Address(text: "Av. Getúlio Vargas, 2000 - sala TI")),
    Login(id: 7003, clientID: 1002, contractID: 5003, username: "bompreco.filial"),
    Login(id: 7004, clientID: 1003, contractID: 5005, username: "bruno.carvalho"),
  ]
  public static let structures = [
    Structure(
      id: 1, name: "POP Centro",
      address: Address(
        text: "Rua Nereu Ramos, 80, Chapecó/SC", coordinates: .init(latitude: -27.0964, longitude: -52.6182))),
    Structure(id: 2, name: "Torre Efapi"),
  ]
  public static let subjects = [
    Subject(
      name: "Sem conexão", defaultPriority: .high, defaultDepartmentID: 1, firstResponseSLAHours: 4,
      solutionSLAHours: 24),
    Subject(
      name: "Lentidão", defaultPriority: .normal, defaultDepartmentID: 1, contractRequired: true, loginRequired: true),
    Subject(name: "Troca de plano", defaultDepartmentID: 2, contractRequired: true),
    Subject(
      name: "Reclamação", defaultPriority: .normal, defaultDepartmentID: 2, channelRequired: true,
      complementaryStatusRequired: true, solutionSLAHours: 72),
    Subject(name: "Instalação", defaultPriority: .normal, defaultDepartmentID: 1, serviceOrderRequiresSignature: true),
    Subject(name: "Manutenção de rede", defaultPriority: .critical, defaultDepartmentID: 1),
    Subject(name: "Assunto desativado", active: false),
  ]

  /// Loads the demo set into `store` (idempotent).
  public static func load(into store: any AtendeStore, actor: String = "demo-data") async throws {
    _ = try await store.upsert(.departments(departments), actor: actor)
    _ = try await store.upsert(.channels(channels), actor: actor)
    _ = try await store.upsert(.branches(branches), actor: actor)
    _ = try await store.upsert(.complementaryStatuses(complementaryStatuses), actor: actor)
    _ = try await store.upsert(.employees(employees), actor: actor)
    _ = try await store.upsert(.clients(clients), actor: actor)
    _ = try await store.upsert(.contracts(contracts), actor: actor)
    _ = try await store.upsert(.logins(logins), actor: actor)
    _ = try await store.upsert(.structures(structures), actor: actor)
    let existing = Set(
      try await store.listSubjects(query: "", activeOnly: false, page: PageRequest(size: 500)).items.map(\.name))
    for subject in subjects where !existing.contains(subject.name) {
      _ = try await store.createSubject(subject, actor: actor)
    }
  }
}
