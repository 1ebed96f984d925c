import ArgumentParser
import AtendeAPI
import Foundation

struct ReferenceCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "reference",
    abstract: "Reference data: clients, contracts, logins, structures, departments, employees, channels, "
      + "complementary statuses, branches.",
    discussion: """
      Kinds: clients, contracts, logins, structures, departments, employees,
      channels, complementary-statuses, branches.

      Examples:
        atende reference list departments --active-only
        atende reference list contracts --client 1002
        atende reference show clients 1001
        atende reference import clients clientes.csv
      """,
    subcommands: [ListReference.self, ShowReference.self, ImportReference.self])
}

/// The kinds of reference data.
enum ReferenceKind: String, CaseIterable, ExpressibleByArgument {
  case clients, contracts, logins, structures, departments, employees, channels
  case complementaryStatuses = "complementary-statuses"
  case branches

  init?(argument: String) {
    var key = argument.lowercased().replacingOccurrences(of: "_", with: "-")
    if key == "complementary-status" { key = "complementary-statuses" }
    if key == "branch" { key = "branches" }
    guard let kind = ReferenceKind(rawValue: key) ?? ReferenceKind(rawValue: key + "s") else { return nil }
    self = kind
  }

  static var allValueStrings: [String] { allCases.map(\.rawValue) }

  /// The proto message's repeated field in the Upsert request (used in error paths).
  var requestField: String { self == .complementaryStatuses ? "complementary_statuses" : rawValue }

  /// The singular, for messages.
  var singular: String {
    switch self {
    case .complementaryStatuses: "complementary status"
    case .branches: "branch"
    default: String(rawValue.dropLast())
    }
  }

  /// The fields an import file may have.
  var importFields: [String] {
    let address = [
      "address", "address.text", "address_text", "latitude", "longitude", "address.latitude", "address.longitude",
    ]
    return switch self {
    case .clients: ["id", "name", "document", "active"] + address
    case .contracts: ["id", "client_id", "description", "active"] + address
    case .logins: ["id", "client_id", "contract_id", "username", "active"] + address
    case .structures: ["id", "name", "active"] + address
    case .departments, .channels, .branches: ["id", "name", "active"]
    case .employees: ["id", "name", "active", "department_ids"]
    case .complementaryStatuses: ["id", "description", "active"]
    }
  }

  /// The fields, as the help lists them.
  var documentedFields: String {
    importFields.filter { !["address.text", "address_text", "address.latitude", "address.longitude"].contains($0) }
      .joined(separator: ", ")
  }

  var tableHeader: [String] {
    switch self {
    case .clients: ["ID", "NAME", "DOCUMENT", "ACTIVE", "ADDRESS"]
    case .contracts: ["ID", "CLIENT", "DESCRIPTION", "ACTIVE", "ADDRESS"]
    case .logins: ["ID", "CLIENT", "CONTRACT", "USERNAME", "ACTIVE", "ADDRESS"]
    case .structures: ["ID", "NAME", "ACTIVE", "ADDRESS"]
    case .departments, .channels, .branches: ["ID", "NAME", "ACTIVE"]
    case .employees: ["ID", "NAME", "ACTIVE", "DEPARTMENTS"]
    case .complementaryStatuses: ["ID", "DESCRIPTION", "ACTIVE"]
    }
  }
}

/// One reference record as JSON and as a table row.
struct ReferenceView {
  var json: String
  var row: [String]
}

private func active(_ value: Bool) -> String { value ? "yes" : Style.paint("no", .dim) }

private func addressText(_ address: Address?) -> String {
  guard let address else { return "-" }
  var text = address.text.isEmpty ? "-" : address.text
  if address.hasCoordinates { text += String(format: " (%.4f, %.4f)", address.latitude, address.longitude) }
  return text
}

extension ReferenceView {
  init(_ r: AtendeAPI.Client) {
    json = canonicalJSON(r)
    row = [String(r.id), r.name, r.document, active(r.active), addressText(r.address)]
  }

  init(_ r: Contract) {
    json = canonicalJSON(r)
    row = [String(r.id), String(r.clientId), r.description, active(r.active), addressText(r.address)]
  }

  init(_ r: Login) {
    json = canonicalJSON(r)
    row = [
      String(r.id), String(r.clientId), Render.id(r.contractId), r.username, active(r.active), addressText(r.address),
    ]
  }

  init(_ r: Structure) {
    json = canonicalJSON(r)
    row = [String(r.id), r.name, active(r.active), addressText(r.address)]
  }

  init(_ message: some ProtobufJSONMessage, id: Int64, name: String, active isActive: Bool) {
    json = canonicalJSON(message)
    row = [String(id), name, active(isActive)]
  }

  init(_ r: Employee) {
    json = canonicalJSON(r)
    row = [String(r.id), r.name, active(r.active), r.departmentIds.map(String.init).joined(separator: ",")]
  }
}

/// Reference data calls by kind.
struct ReferenceAPI {
  let service: ReferenceDataService.Client
  let options: CallOptions

  func list(_ kind: ReferenceKind, _ request: ListReferenceRequest) async throws(RPCError) -> ([ReferenceView], String)
  {
    switch kind {
    case .clients:
      let page = try await service.listClients(request, options: options)
      return (page.clients.map(ReferenceView.init), page.nextPageToken)
    case .contracts:
      let page = try await service.listContracts(request, options: options)
      return (page.contracts.map(ReferenceView.init), page.nextPageToken)
    case .logins:
      let page = try await service.listLogins(request, options: options)
      return (page.logins.map(ReferenceView.init), page.nextPageToken)
    case .structures:
      let page = try await service.listStructures(request, options: options)
      return (page.structures.map(ReferenceView.init), page.nextPageToken)
    case .departments:
      let page = try await service.listDepartments(request, options: options)
      return (
        page.departments.map { ReferenceView($0, id: $0.id, name: $0.name, active: $0.active) }, page.nextPageToken
      )
    case .employees:
      let page = try await service.listEmployees(request, options: options)
      return (page.employees.map(ReferenceView.init), page.nextPageToken)
    case .channels:
      let page = try await service.listChannels(request, options: options)
      return (page.channels.map { ReferenceView($0, id: $0.id, name: $0.name, active: $0.active) }, page.nextPageToken)
    case .branches:
      let page = try await service.listBranches(request, options: options)
      return (page.branches.map { ReferenceView($0, id: $0.id, name: $0.name, active: $0.active) }, page.nextPageToken)
    case .complementaryStatuses:
      let page = try await service.listComplementaryStatuses(request, options: options)
      return (
        page.complementaryStatuses.map {
          ReferenceView($0, id: $0.id, name: $0.description, active: $0.active)
        }, page.nextPageToken
      )
    }
  }

  func get(_ kind: ReferenceKind, _ id: Int64) async throws(RPCError) -> ReferenceView {
    let request = GetReferenceRequest(id: id)
    switch kind {
    case .clients: return ReferenceView(try await service.getClient(request, options: options))
    case .contracts: return ReferenceView(try await service.getContract(request, options: options))
    case .logins: return ReferenceView(try await service.getLogin(request, options: options))
    case .structures: return ReferenceView(try await service.getStructure(request, options: options))
    case .departments:
      let r = try await service.getDepartment(request, options: options)
      return ReferenceView(r, id: r.id, name: r.name, active: r.active)
    case .employees: return ReferenceView(try await service.getEmployee(request, options: options))
    case .channels:
      let r = try await service.getChannel(request, options: options)
      return ReferenceView(r, id: r.id, name: r.name, active: r.active)
    case .branches:
      let r = try await service.getBranch(request, options: options)
      return ReferenceView(r, id: r.id, name: r.name, active: r.active)
    case .complementaryStatuses:
      let r = try await service.getComplementaryStatus(request, options: options)
      return ReferenceView(r, id: r.id, name: r.description, active: r.active)
    }
  }
}

struct ListReference: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list", abstract: "List reference records of one kind.",
    discussion: """
      --all follows every page (with --json the output can be imported back).

      Examples:
        atende reference list departments --active-only
        atende reference list clients --query ferreira
        atende reference list contracts --client 1002
        atende reference list logins --ticket 2026000000001   # its client's
        atende reference list employees --department 2 --json
        atende reference list clients --all --json > clientes.jsonl
      """)

  @OptionGroup var connection: ConnectionOptions
  @Argument(help: "The kind of records.")
  var kind: ReferenceKind
  @Option(help: "Text contained in the name (or description, username, document).") var query: String = ""
  @Flag(help: "Only active records.") var activeOnly = false
  @Option(help: "Contracts and logins: only those of this client.") var client: Int64 = 0
  @Option(help: "Logins: only those of this contract.") var contract: Int64 = 0
  @Option(help: "Contracts and logins: only those of this ticket's client (id or protocol).") var ticket: String?
  @Option(help: "Employees: only those of this department.") var department: Int64 = 0
  @Option(help: "Records per page (at most 500).") var pageSize: Int32 = 50
  @Option(help: "Continue from this token.") var pageToken: String = ""
  @Flag(help: "Every page.") var all = false
  @Flag(help: "Print JSON lines (one record each, then the next page token unless --all).") var json = false

  func run() async throws {
    try await connection.withClient { client in
      let ticketID = try await ticketID(ticket, client, connection.callOptions)
      let api = ReferenceAPI(service: ReferenceDataService.Client(client), options: connection.callOptions)
      let filter = ReferenceFilter(
        query: query, activeOnly: activeOnly, clientId: self.client, contractId: contract, ticketId: ticketID,
        departmentId: department)
      var records: [ReferenceView] = []
      var token = pageToken
      repeat {
        let (page, next) = try await api.list(
          kind, ListReferenceRequest(filter: filter, pageSize: all ? 500 : pageSize, pageToken: token))
        records += page
        token = next
        if json && all {
          for record in page { print(record.json) }
          records = []
        }
      } while all && !token.isEmpty
      if json {
        for record in records { print(record.json) }
        if !all { print(Render.json([("nextPageToken", token)])) }
        return
      }
      print(
        records.isEmpty
          ? "No \(kind.rawValue.replacingOccurrences(of: "-", with: " "))."
          : Render.table(kind.tableHeader, records.map(\.row)))
      if !token.isEmpty { print("\nmore: --page-token \(token)") }
    }
  }
}

struct ShowReference: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "show", abstract: "Show one reference record.",
    discussion: "Examples:\n  atende reference show clients 1001\n  atende reference show employees 3 --json")

  @OptionGroup var connection: ConnectionOptions
  @Argument(help: "The kind of records.")
  var kind: ReferenceKind
  @Argument(help: "The record's id.") var id: Int64
  @Flag(help: "Print JSON.") var json = false

  func run() async throws {
    try await connection.withClient { client in
      let record = try await ReferenceAPI(service: ReferenceDataService.Client(client), options: connection.callOptions)
        .get(kind, id)
      if json {
        print(record.json)
      } else {
        let labels = kind.tableHeader.map { String($0.prefix(1)) + $0.dropFirst().lowercased() }
        print(Render.fields(Array(zip(labels, record.row))))
      }
    }
  }
}

struct ImportReference: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "import", abstract: "Create or update reference records from a CSV or JSON file.",
    discussion: """
      CSV: a header row naming the fields (proto names, e.g. client_id; clientId
      works too), then one record per row; comma, semicolon or tab separated;
      values may be quoted ("..."). JSON: an array of objects, or one object per
      line (what 'reference list --all --json' prints).

      Fields by kind (id is required; active defaults to true when absent; an
      address is 'address' (text, or in JSON an object {text, latitude,
      longitude}) or the columns address.text, latitude, longitude; an employee's
      department_ids are separated by semicolons, bars, commas or spaces):
        clients: id, name, document, active, address
        contracts: id, client_id, description, active, address
        logins: id, client_id, contract_id, username, active, address
        structures: id, name, active, address
        departments, channels, branches: id, name, active
        employees: id, name, active, department_ids
        complementary-statuses: id, description, active

      The whole file is read and checked first: a bad value stops the import
      before anything is sent, naming the line (or item) and the field (exit 3).
      The records are then sent in batches (--batch-size, 500 by default), each
      saved as a whole; records equal to the stored ones count as unchanged.
      Import clients before their contracts and logins, and departments before
      employees.

      Examples:
        atende reference import clients clientes.csv
        atende reference import employees funcionarios.json --batch-size 200
        atende reference list channels --all --json \\
          | atende reference import channels -
        atende reference import contracts contratos.csv --dry-run
      """)

  @OptionGroup var connection: ConnectionOptions
  @Argument(help: "The kind of records.")
  var kind: ReferenceKind
  @Argument(help: "A .csv or .json file (- = stdin).") var file: String
  @Option(help: "csv or json (default: from the extension, else from the content).") var format: String?
  @Option(help: "Records per call (1...1000).") var batchSize: Int = 500
  @Flag(help: "Only read and check the file; send nothing.") var dryRun = false
  @Flag(help: "Print the counts as JSON.") var json = false

  func validate() throws {
    guard (1...1000).contains(batchSize) else { throw ValidationError("--batch-size must be between 1 and 1000") }
    if let format, ImportFile.Format(rawValue: format.lowercased()) == nil {
      throw ValidationError("--format must be csv or json")
    }
  }

  func run() async throws {
    try await reportingErrors {
      let text = try readInput()
      var format = self.format.flatMap { ImportFile.Format(rawValue: $0.lowercased()) }
      if format == nil {
        switch (file as NSString).pathExtension.lowercased() {
        case "csv", "tsv", "txt": format = .csv
        case "json", "jsonl", "ndjson": format = .json
        default: break
        }
      }
      let records = try ImportFile.records(text, format: format)
      let allowed = Set(kind.importFields)
      for record in records {
        if let unknown = record.values.keys.sorted().first(where: { !allowed.contains($0) }) {
          throw CLIError.invalid(
            "\(record.origin), \(unknown): not a field of \(kind.rawValue) (its fields: \(kind.documentedFields))")
        }
      }
      let batch = try ImportBatch(kind, records)
      if dryRun {
        print(
          json
            ? Render.json([("kind", kind.rawValue), ("records", records.count), ("dry_run", true)])
            : "\(records.count) \(kind.rawValue) read from \(file): no problems found (nothing sent)")
        return
      }
      let client = try connection.client()
      defer { client.close() }
      let outcome = try await batch.send(
        ReferenceDataService.Client(client), options: connection.callOptions, batchSize: batchSize,
        origins: records.map(\.origin), field: kind.requestField)
      if json {
        print(
          Render.json([
            ("kind", kind.rawValue), ("records", records.count), ("created", outcome.result.created),
            ("updated", outcome.result.updated), ("unchanged", outcome.result.unchanged), ("calls", outcome.calls),
          ]))
      } else {
        print(
          "Imported \(records.count) \(kind.rawValue) from \(file): \(outcome.result.created) created, "
            + "\(outcome.result.updated) updated, \(outcome.result.unchanged) unchanged "
            + "(\(outcome.calls) call\(outcome.calls == 1 ? "" : "s"))")
      }
    }
  }

  private func readInput() throws -> String {
    let data: Data
    if file == "-" {
      data = FileHandle.standardInput.readDataToEndOfFile()
    } else {
      guard FileManager.default.fileExists(atPath: file) else { throw CLIError("\(file): no such file") }
      guard let contents = FileManager.default.contents(atPath: file) else { throw CLIError("\(file): cannot be read") }
      data = contents
    }
    guard let text = String(data: data, encoding: .utf8) ?? String(data: data, encoding: .isoLatin1) else {
      throw CLIError.invalid("\(file) is not text")
    }
    return text
  }
}

/// The records of an import, as API messages.
enum ImportBatch {
  case clients([AtendeAPI.Client])
  case contracts([Contract])
  case logins([Login])
  case structures([Structure])
  case departments([Department])
  case employees([Employee])
  case channels([AtendeAPI.Channel])
  case complementaryStatuses([ComplementaryStatus])
  case branches([AtendeAPI.Branch])

  init(_ kind: ReferenceKind, _ records: [ImportRecord]) throws {
    func address(_ record: ImportRecord) throws -> Address? {
      try record.address().map { value in
        Address(
          text: value.text, latitude: value.latitude ?? 0, longitude: value.longitude ?? 0,
          hasCoordinates: value.latitude != nil)
      }
    }
    switch kind {
    case .clients:
      self = .clients(
        try records.map {
          AtendeAPI.Client(
            id: try $0.id(), name: try $0.string("name"), document: try $0.string("document"),
            active: try $0.bool("active", default: true), address: try address($0))
        })
    case .contracts:
      self = .contracts(
        try records.map {
          Contract(
            id: try $0.id(), clientId: try $0.int64("client_id"), description: try $0.string("description"),
            active: try $0.bool("active", default: true), address: try address($0))
        })
    case .logins:
      self = .logins(
        try records.map {
          Login(
            id: try $0.id(), clientId: try $0.int64("client_id"), contractId: try $0.int64("contract_id"),
            username: try $0.string("username"), active: try $0.bool("active", default: true),
            address: try address($0))
        })
    case .structures:
      self = .structures(
        try records.map {
          Structure(
            id: try $0.id(), name: try $0.string("name"), active: try $0.bool("active", default: true),
            address: try address($0))
        })
    case .departments:
      self = .departments(
        try records.map {
          Department(id: try $0.id(), name: try $0.string("name"), active: try $0.bool("active", default: true))
        })
    case .employees:
      self = .employees(
        try records.map {
          Employee(
            id: try $0.id(), name: try $0.string("name"), active: try $0.bool("active", default: true),
            departmentIds: try $0.ids("department_ids"))
        })
    case .channels:
      self = .channels(
        try records.map {
          AtendeAPI.Channel(
            id: try $0.id(), name: try $0.string("name"), active: try $0.bool("active", default: true))
        })
    case .complementaryStatuses:
      self = .complementaryStatuses(
        try records.map {
          ComplementaryStatus(
            id: try $0.id(), description: try $0.string("description"), active: try $0.bool("active", default: true))
        })
    case .branches:
      self = .branches(
        try records.map {
          AtendeAPI.Branch(id: try $0.id(), name: try $0.string("name"), active: try $0.bool("active", default: true))
        })
    }
  }

  /// Sends the records in batches; a rejected batch stops the import with its problems
  /// named by line.
  func send(
    _ service: ReferenceDataService.Client, options: CallOptions, batchSize: Int, origins: [String], field: String
  ) async throws -> (result: UpsertResult, calls: Int) {
    switch self {
    case .clients(let records):
      try await Self.send(records, batchSize, origins, field) { batch throws(RPCError) in
        try await service.upsertClients(UpsertClientsRequest(clients: batch), options: options)
      }
    case .contracts(let records):
      try await Self.send(records, batchSize, origins, field) { batch throws(RPCError) in
        try await service.upsertContracts(UpsertContractsRequest(contracts: batch), options: options)
      }
    case .logins(let records):
      try await Self.send(records, batchSize, origins, field) { batch throws(RPCError) in
        try await service.upsertLogins(UpsertLoginsRequest(logins: batch), options: options)
      }
    case .structures(let records):
      try await Self.send(records, batchSize, origins, field) { batch throws(RPCError) in
        try await service.upsertStructures(UpsertStructuresRequest(structures: batch), options: options)
      }
    case .departments(let records):
      try await Self.send(records, batchSize, origins, field) { batch throws(RPCError) in
        try await service.upsertDepartments(UpsertDepartmentsRequest(departments: batch), options: options)
      }
    case .employees(let records):
      try await Self.send(records, batchSize, origins, field) { batch throws(RPCError) in
        try await service.upsertEmployees(UpsertEmployeesRequest(employees: batch), options: options)
      }
    case .channels(let records):
      try await Self.send(records, batchSize, origins, field) { batch throws(RPCError) in
        try await service.upsertChannels(UpsertChannelsRequest(channels: batch), options: options)
      }
    case .complementaryStatuses(let records):
      try await Self.send(records, batchSize, origins, field) { batch throws(RPCError) in
        try await service.upsertComplementaryStatuses(
          UpsertComplementaryStatusesRequest(complementaryStatuses: batch), options: options)
      }
    case .branches(let records):
      try await Self.send(records, batchSize, origins, field) { batch throws(RPCError) in
        try await service.upsertBranches(UpsertBranchesRequest(branches: batch), options: options)
      }
    }
  }

  private static func send<Record>(
    _ records: [Record], _ batchSize: Int, _ origins: [String], _ field: String,
    _ call: ([Record]) async throws(RPCError) -> UpsertResult
  ) async throws -> (result: UpsertResult, calls: Int) {
    var total = UpsertResult()
    var calls = 0
    var start = 0
    while start < records.count {
      let end = min(records.count, start + batchSize)
      do throws(RPCError) {
        let result = try await call(Array(records[start..<end]))
        total.created += result.created
        total.updated += result.updated
        total.unchanged += result.unchanged
        calls += 1
      } catch {
        var details = error.fieldViolations.map { violation in
          "\(origin(of: violation.field, field: field, offset: start, origins: origins)): "
            + "\(violation.description) (\(violation.reason))"
        }
        if start > 0 {
          details.append(
            "the \(start) records before \(origins[start]) were saved: \(total.created) created, "
              + "\(total.updated) updated, \(total.unchanged) unchanged")
        } else {
          details.append("nothing was saved")
        }
        throw CLIError(
          "\(error.code): \(error.message)", exitCode: ExitCodes.forError(error), details: details)
      }
      start = end
    }
    return (total, calls)
  }

  /// "line 14, name" for the violation path "clients[12].name" of the batch at `offset`.
  private static func origin(of path: String, field: String, offset: Int, origins: [String]) -> String {
    let prefix = field + "["
    guard path.hasPrefix(prefix), let close = path.firstIndex(of: "]"),
      let index = Int(path[path.index(path.startIndex, offsetBy: prefix.count)..<close]),
      index >= 0, offset + index < origins.count
    else { return path }
    var rest = path[path.index(after: close)...]
    if rest.hasPrefix(".") { rest = rest.dropFirst() }
    return origins[offset + index] + (rest.isEmpty ? "" : ", \(rest)")
  }
}
