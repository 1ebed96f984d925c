import AtendeTesting
import Foundation
import Testing

@Suite("CLI: reference data")
struct ReferenceCLITests {
  @Test("list with filters, show, unknown record")
  func listAndShow() async throws {
    try await withAtendeTestServer(transport: .tcp) { server in
      let departments = try await atende(["reference", "list", "departments"], server: server)
      #expect(departments.status == 0)
      #expect(departments.lines.first?.hasPrefix("ID") == true)
      #expect(departments.output.contains("Suporte Técnico"))
      #expect(departments.output.contains("Comercial (antigo)"))
      let active = try await atende(["reference", "list", "departments", "--active-only"], server: server)
      #expect(!active.output.contains("Comercial (antigo)"))

      let contracts = try await atende(
        ["reference", "list", "contracts", "--client", "1002", "--json"], server: server)
      let rows = try contracts.jsonLines()
      #expect(rows.dropLast().count == 3)
      #expect(rows.dropLast().allSatisfy { int($0["clientId"]) == 1002 })
      #expect(rows.last?["nextPageToken"] as? String == "")

      let ticket = try await openSupportTicket(server)
      let logins = try await atende(
        ["reference", "list", "logins", "--ticket", String(int(ticket["id"]) ?? 0), "--all", "--json"], server: server)
      #expect(try logins.jsonLines().map { $0["username"] as? String } == ["ana.ferreira"])

      let employees = try await atende(
        ["reference", "list", "employee", "--department", "2", "--json", "--all"], server: server)
      #expect(try employees.jsonLines().compactMap { $0["name"] as? String }.sorted() == ["Elisa Rocha", "Fábio Lima"])

      let client = try jsonObject(
        try await atende(["reference", "show", "clients", "1001", "--json"], server: server).output)
      #expect(client["name"] as? String == "Ana Paula Ferreira")
      let address = try #require(client["address"] as? [String: Any])
      #expect((address["latitude"] as? Double) == -27.1004)
      let statuses = try await atende(["reference", "show", "complementary-statuses", "3"], server: server)
      #expect(statuses.output.contains("Aguardando fornecedor"))

      let unknown = try await atende(["reference", "show", "channels", "99"], server: server)
      #expect(unknown.status == 4)
      let badKind = try await atende(["reference", "list", "planets"], server: server)
      #expect(badKind.status == 64)
    }
  }

  @Test("import a CSV (quotes, accents, defaults) and a JSON array; importing again changes nothing")
  func importFiles() async throws {
    try await withAtendeTestServer(transport: .tcp) { server in
      try await withTemporaryDirectory { directory in
        let csv = directory.appendingPathComponent("clientes.csv")
        try #"""
        id,name,document,active,address,latitude,longitude
        2001,"Silva, João",11122233344,true,"Rua A, 1 - Centro",-27.1,-52.6
        2002,Maria Conceição,55566677788,,Rua B,,
        2003,"Antiga ""Loja""",99988877766,não,,,

        """#.write(to: csv, atomically: true, encoding: .utf8)
        let imported = try await atende(["reference", "import", "clients", csv.path], server: server)
        #expect(imported.status == 0, "\(imported.errors)")
        #expect(imported.output.contains("Imported 3 clients"))
        #expect(imported.output.contains("3 created, 0 updated, 0 unchanged (1 call)"))

        let joao = try jsonObject(
          try await atende(["reference", "show", "clients", "2001", "--json"], server: server).output)
        #expect(joao["name"] as? String == "Silva, João")
        #expect((joao["address"] as? [String: Any])?["text"] as? String == "Rua A, 1 - Centro")
        #expect(((joao["address"] as? [String: Any])?["longitude"] as? Double) == -52.6)
        let maria = try jsonObject(
          try await atende(["reference", "show", "clients", "2002", "--json"], server: server).output)
        #expect(maria["active"] as? Bool == true)  // an empty cell keeps the default
        let old = try jsonObject(
          try await atende(["reference", "show", "clients", "2003", "--json"], server: server).output)
        #expect(old["name"] as? String == "Antiga \"Loja\"")
        #expect(old["active"] as? Bool == false)

        let again = try await atende(["reference", "import", "clients", csv.path, "--json"], server: server)
        let counts = try jsonObject(again.output)
        #expect(int(counts["unchanged"]) == 3)
        #expect(int(counts["created"]) == 0)

        let json = directory.appendingPathComponent("funcionarios.json")
        try """
        [
          {"id": 10, "name": "Gustavo Prado", "departmentIds": [1, 2]},
          {"id": 11, "name": "Helena Dias", "active": false, "department_ids": "2"}
        ]
        """.write(to: json, atomically: true, encoding: .utf8)
        let employees = try await atende(["reference", "import", "employees", json.path, "--json"], server: server)
        #expect(employees.status == 0, "\(employees.errors)")
        #expect(int(try jsonObject(employees.output)["created"]) == 2)
        let gustavo = try jsonObject(
          try await atende(["reference", "show", "employees", "10", "--json"], server: server).output)
        #expect((gustavo["departmentIds"] as? [Any])?.compactMap(int) == [1, 2])

        // Semicolon-separated, in batches of 2.
        let channels = directory.appendingPathComponent("canais.txt")
        try "id;name\n20;Instagram\n21;Telegram\n22;SMS\n".write(to: channels, atomically: true, encoding: .utf8)
        let batched = try await atende(
          ["reference", "import", "channels", channels.path, "--batch-size", "2"], server: server)
        #expect(batched.output.contains("3 created"))
        #expect(batched.output.contains("(2 calls)"))

        // What `list --all --json` prints imports back unchanged.
        let listed = try await atende(["reference", "list", "channels", "--all", "--json"], server: server)
        let roundTrip = try await atende(
          ["reference", "import", "channels", "-", "--format", "json"], server: server, input: listed.output)
        #expect(roundTrip.status == 0, "\(roundTrip.errors)")
        #expect(roundTrip.output.contains("0 created, 0 updated, 8 unchanged"))
        // Every kind: lowerCamel names, ids as strings, addresses with hasCoordinates.
        let kinds = [
          "clients", "contracts", "logins", "structures", "departments", "employees", "channels",
          "complementary-statuses",
        ]
        for kind in kinds {
          let records = try await atende(["reference", "list", kind, "--all", "--json"], server: server)
          #expect(records.status == 0, "\(kind): \(records.errors)")
          let again = try await atende(
            ["reference", "import", kind, "-", "--format", "json", "--json"], server: server, input: records.output)
          #expect(again.status == 0, "\(kind): \(again.errors)")
          let counts = try jsonObject(again.output)
          #expect(int(counts["created"]) == 0 && int(counts["updated"]) == 0, "\(kind): \(again.output)")
        }

        // JSON lines written on Windows (CRLF) import too, line numbers intact.
        let crlf = directory.appendingPathComponent("canais.jsonl")
        try "{\"id\": 23, \"name\": \"Discord\"}\r\n{\"id\": 24, \"name\": \"Signal\"}\r\n".write(
          to: crlf, atomically: true, encoding: .utf8)
        let windows = try await atende(["reference", "import", "channels", crlf.path], server: server)
        #expect(windows.status == 0, "\(windows.errors)")
        #expect(windows.output.contains("2 created"))
        try "{\"id\": 25, \"name\": \"Fax 2\"}\r\n{\"id\": \"x\"}\r\n".write(
          to: crlf, atomically: true, encoding: .utf8)
        let badLine = try await atende(["reference", "import", "channels", crlf.path], server: server)
        #expect(badLine.status == 3)
        #expect(badLine.errors.contains("line 2, id"))
      }
    }
  }

  @Test("a bad row stops the import before anything is sent, naming the line and the field (exit 3)")
  func badRows() async throws {
    try await withAtendeTestServer(transport: .tcp) { server in
      try await withTemporaryDirectory { directory in
        let csv = directory.appendingPathComponent("departamentos.csv")
        try "id,name,active\n30,Ouvidoria,true\nabc,Cobrança,true\n".write(to: csv, atomically: true, encoding: .utf8)
        let bad = try await atende(["reference", "import", "departments", csv.path], server: server)
        #expect(bad.status == 3)
        #expect(bad.errors.contains("line 3, id: 'abc' is not a whole number"))
        let notSaved = try await atende(["reference", "show", "departments", "30"], server: server)
        #expect(notSaved.status == 4)

        try "id,name,color\n31,Ouvidoria,azul\n".write(to: csv, atomically: true, encoding: .utf8)
        let unknownColumn = try await atende(["reference", "import", "departments", csv.path], server: server)
        #expect(unknownColumn.status == 3)
        #expect(unknownColumn.errors.contains("line 2, color: not a field of departments"))

        try "id,name,active\n32,Ouvidoria,talvez\n".write(to: csv, atomically: true, encoding: .utf8)
        let badBool = try await atende(["reference", "import", "departments", csv.path], server: server)
        #expect(badBool.errors.contains("line 2, active: 'talvez' is not true or false"))

        try "id,name\n33,\"Ouvidoria\n".write(to: csv, atomically: true, encoding: .utf8)
        let unclosed = try await atende(["reference", "import", "departments", csv.path], server: server)
        #expect(unclosed.status == 3)
        #expect(unclosed.errors.contains("line 2"))
        // Semicolons, a value over two lines, a blank line, CRLF: the bad row is still named
        // by the line it starts on.
        try "id;name\r\n34;\"Ouvi\ndoria\"\r\n\r\nabc;X\r\n".write(to: csv, atomically: true, encoding: .utf8)
        let multiline = try await atende(["reference", "import", "departments", csv.path], server: server)
        #expect(multiline.status == 3)
        #expect(multiline.errors.contains("line 5, id: 'abc' is not a whole number"), "\(multiline.errors)")
        // A short row is refused, never imported with its missing values at their defaults.
        try "id,name,active\n35,Ouvidoria,true\n36,Cobrança\n".write(to: csv, atomically: true, encoding: .utf8)
        let short = try await atende(["reference", "import", "departments", csv.path], server: server)
        #expect(short.status == 3)
        #expect(short.errors.contains("line 3: 2 values, but the header has 3 columns"), "\(short.errors)")
        // An empty last value at the end of a file without a final line break is a value;
        // a quote inside a value that does not start with one is a character; blank lines
        // before the header are skipped.
        try "\n\nid,name,active\n37,TV 42\",".write(to: csv, atomically: true, encoding: .utf8)
        let lenient = try await atende(["reference", "import", "departments", csv.path], server: server)
        #expect(lenient.status == 0, "\(lenient.errors)")
        let tv = try jsonObject(
          try await atende(["reference", "show", "departments", "37", "--json"], server: server).output)
        #expect(tv["name"] as? String == "TV 42\"")

        let json = directory.appendingPathComponent("canais.json")
        try "[{\"id\": 40, \"name\": \"A\"}, {\"id\": \"x\", \"name\": \"B\"}]".write(
          to: json, atomically: true, encoding: .utf8)
        let badItem = try await atende(["reference", "import", "channels", json.path], server: server)
        #expect(badItem.status == 3)
        #expect(badItem.errors.contains("item 2, id"))
        try "[{\"id\": 40,, }]".write(to: json, atomically: true, encoding: .utf8)
        let broken = try await atende(["reference", "import", "channels", json.path], server: server)
        #expect(broken.status == 3)
        #expect(broken.errors.contains("not valid JSON"))
      }
    }
  }

  @Test("a record the server rejects is named by its line; earlier batches are reported as saved")
  func serverRejection() async throws {
    try await withAtendeTestServer(transport: .tcp) { server in
      try await withTemporaryDirectory { directory in
        let csv = directory.appendingPathComponent("contratos.csv")
        try """
        id,client_id,description
        6001,1001,Fibra 1 Giga
        6002,1003,Fibra 600 Mega
        6003,4242,Cliente que não existe

        """.write(to: csv, atomically: true, encoding: .utf8)
        let rejected = try await atende(["reference", "import", "contracts", csv.path], server: server)
        #expect(rejected.status == 3)
        #expect(rejected.errors.contains("line 4, client_id"))
        #expect(rejected.errors.contains("nothing was saved"))

        let batched = try await atende(
          ["reference", "import", "contracts", csv.path, "--batch-size", "2"], server: server)
        #expect(batched.status == 3)
        #expect(batched.errors.contains("line 4, client_id"))
        #expect(batched.errors.contains("the 2 records before line 4 were saved: 2 created"))
        let saved = try await atende(["reference", "show", "contracts", "6002"], server: server)
        #expect(saved.status == 0)
      }
    }
  }
}
