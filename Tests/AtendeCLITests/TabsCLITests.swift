import AtendeAPI
import AtendeTesting
import Foundation
import Testing

/// The SHA-256 of a file by the system's sha256sum, when there is one.
func systemSHA256(_ path: String) -> String? {
  guard FileManager.default.isExecutableFile(atPath: "/usr/bin/sha256sum") else { return nil }
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
  process.arguments = [path]
  let output = Pipe()
  process.standardOutput = output
  guard (try? process.run()) != nil else { return nil }
  let data = output.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return String(decoding: data, as: UTF8.self).split(separator: " ").first.map(String.init)
}

@Suite("CLI: ticket tabs")
struct TabsCLITests {
  @Test("messages: an employee's first message moves a NEW ticket to IN_PROGRESS; customer and internal messages")
  func messages() async throws {
    try await withAtendeTestServer(transport: .tcp) { server in
      let ticket = try await openSupportTicket(server)
      let protocolNumber = try #require(ticket["protocol"] as? String)

      let first = try await atende(
        ["message", "add", protocolNumber, "Reiniciamos a ONU remotamente", "--employee", "1"], server: server)
      #expect(first.status == 0, "\(first.errors)")
      #expect(first.output.contains("the ticket is IN_PROGRESS"))
      let customer = try await atende(
        ["message", "add", protocolNumber, "-", "--customer", "--name", "Ana", "--json"], server: server,
        input: "Voltou a funcionar,\nobrigado")
      #expect(customer.status == 0, "\(customer.errors)")
      let added = try jsonObject(customer.output)
      let message = try #require(added["message"] as? [String: Any])
      #expect(message["authorKind"] as? String == "AUTHOR_KIND_CUSTOMER")
      #expect(message["text"] as? String == "Voltou a funcionar,\nobrigado")
      let internalNote = try await atende(
        ["message", "add", protocolNumber, "Cliente difícil", "--employee", "2", "--internal", "--status", "pending"],
        server: server)
      #expect(internalNote.output.contains("PENDING"))

      let all = try await atende(["message", "list", protocolNumber, "--json"], server: server).jsonLines()
      #expect(
        all.map { $0["authorKind"] as? String } == [
          "AUTHOR_KIND_EMPLOYEE", "AUTHOR_KIND_CUSTOMER", "AUTHOR_KIND_EMPLOYEE",
        ])
      #expect(all.map { $0["authorName"] as? String } == ["Carla Mendes", "Ana", "Diego Souza"])
      #expect(
        all.map { $0["statusChange"] as? String } == [
          "TICKET_STATUS_IN_PROGRESS", "TICKET_STATUS_UNSPECIFIED", "TICKET_STATUS_PENDING",
        ])
      let visible = try await atende(["message", "list", protocolNumber, "--public-only", "--json"], server: server)
      #expect(try visible.jsonLines().count == 2)
      let text = try await atende(["message", "list", protocolNumber, "--newest-first"], server: server)
      #expect(text.output.contains("[INTERNAL]"))
      #expect(text.output.range(of: "Cliente difícil")!.lowerBound < text.output.range(of: "Reiniciamos")!.lowerBound)

      let customerInternal = try await atende(
        ["message", "add", protocolNumber, "x", "--customer", "--internal"], server: server)
      #expect(customerInternal.status == 3)
      #expect(customerInternal.errors.contains("message.visibility"))
      let empty = try await atende(["message", "add", protocolNumber, "  ", "--employee", "1"], server: server)
      #expect(empty.status == 3)
      #expect(empty.errors.contains("message.text"))
      let noAuthor = try await atende(["message", "add", protocolNumber, "x"], server: server)
      #expect(noAuthor.status == 64)
      #expect(noAuthor.errors.contains("--employee"))
    }
  }

  @Test("contacts: add, validation of the phone, update, list, remove")
  func contacts() async throws {
    try await withAtendeTestServer(transport: .tcp) { server in
      let ticket = try await openSupportTicket(server)
      let id = String(int(ticket["id"]) ?? 0)
      let added = try await atende(
        ["contact", "add", id, "--name", "Ana Paula", "--phone", "+55 (49) 99999-1234", "--json"], server: server)
      #expect(added.status == 0, "\(added.errors)")
      let contactID = String(int(try jsonObject(added.output)["id"]) ?? 0)

      let badPhone = try await atende(["contact", "add", id, "--name", "Bob", "--phone", "123"], server: server)
      #expect(badPhone.status == 3)
      #expect(badPhone.errors.contains("contact.phone"))

      let updated = try await atende(
        [
          "contact", "update", id, contactID, "--email", "ana@example.com", "--note", "Só à tarde",
          "--expected-version", "1",
        ],
        server: server)
      #expect(updated.status == 0, "\(updated.errors)")
      // Based on version 1 again: someone else's change came first (exit 5).
      let stale = try await atende(
        ["contact", "update", id, contactID, "--note", "De manhã", "--expected-version", "1"], server: server)
      #expect(stale.status == 5, "\(stale.errors)")
      let staleRemoval = try await atende(
        ["contact", "remove", id, contactID, "--expected-version", "1"], server: server)
      #expect(staleRemoval.status == 5, "\(staleRemoval.errors)")
      let list = try await atende(["contact", "list", id, "--json"], server: server).jsonLines()
      #expect(list.count == 1)
      #expect(int(list.first?["version"]) == 2)
      #expect(list.first?["email"] as? String == "ana@example.com")
      #expect(list.first?["phone"] as? String == "+55 (49) 99999-1234")
      let table = try await atende(["contact", "list", id], server: server)
      #expect(table.output.contains("Só à tarde"))

      let otherTicket = try await openSupportTicket(server, title: "Outro")
      let wrongTicket = try await atende(
        ["contact", "remove", String(int(otherTicket["id"]) ?? 0), contactID], server: server)
      #expect(wrongTicket.status == 4)
      let removed = try await atende(["contact", "remove", id, contactID], server: server)
      #expect(removed.status == 0)
      #expect(try await atende(["contact", "list", id], server: server).output.contains("No contacts"))
      let history = try await atende(["ticket", "history", id, "--json"], server: server).jsonLines()
      let kinds = history.compactMap { $0["kind"] as? String }
      #expect(kinds.contains("CONTACT_ADDED") && kinds.contains("CONTACT_UPDATED") && kinds.contains("CONTACT_REMOVED"))
    }
  }

  @Test(
    "complaint with evidence: client, SAC, priority, subject, description; upload files; list; download the same bytes")
  func complaintWithEvidenceFiles() async throws {
    try await withAtendeTestServer(transport: .tcp) { server in
      try await withTemporaryDirectory { directory in
        let ticket = try await openTicket(
          server,
          [
            "--client", "1002", "--department", "2", "--priority", "normal", "--subject", "4", "--channel", "1",
            "--complementary-status", "1", "--title", "Cobrança indevida", "--description",
            "Valor cobrado em dobro na fatura de março",
          ])
        #expect(ticket["status"] as? String == "TICKET_STATUS_NEW")
        let protocolNumber = try #require(ticket["protocol"] as? String)

        var generator = SystemRandomNumberGenerator()
        let photo = Data((0..<700_000).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let photoPath = directory.appendingPathComponent("fatura-foto.jpg").path
        let notePath = directory.appendingPathComponent("relato.txt").path
        try photo.write(to: URL(fileURLWithPath: photoPath))
        try Data("Cliente relata cobrança em dobro.\n".utf8).write(to: URL(fileURLWithPath: notePath))

        let upload = try await atende(
          ["file", "upload", protocolNumber, photoPath, notePath, "--description", "Evidências"], server: server)
        #expect(upload.status == 0, "\(upload.errors)")
        #expect(upload.errors.isEmpty)  // no progress bar when stderr is not a terminal
        #expect(upload.output.contains("Uploaded 2 files"))

        let files = try await atende(["file", "list", protocolNumber, "--json"], server: server).jsonLines()
        #expect(files.map { $0["name"] as? String } == ["fatura-foto.jpg", "relato.txt"])
        #expect(files.map { $0["contentType"] as? String } == ["image/jpeg", "text/plain"])
        #expect(int(files[0]["size"]) == 700_000)
        #expect(files.allSatisfy { $0["description"] as? String == "Evidências" })
        if let expected = systemSHA256(photoPath) { #expect(files[0]["sha256"] as? String == expected) }
        let table = try await atende(["file", "list", protocolNumber], server: server)
        #expect(table.output.contains("683.6 KiB"))

        let photoID = String(int(files[0]["id"]) ?? 0)
        let copy = directory.appendingPathComponent("copia.jpg").path
        let download = try await atende(["file", "download", protocolNumber, photoID, "-o", copy], server: server)
        #expect(download.status == 0, "\(download.errors)")
        #expect(download.errors.isEmpty)
        #expect(FileManager.default.contents(atPath: copy) == photo)

        let noteID = String(int(files[1]["id"]) ?? 0)
        let toStdout = try await atende(["file", "download", protocolNumber, noteID, "-o", "-"], server: server)
        #expect(toStdout.output == "Cliente relata cobrança em dobro.\n")

        let intoDirectory = try await atende(
          ["file", "download", protocolNumber, noteID, "-o", directory.path], server: server)
        #expect(intoDirectory.status == 5)  // relato.txt is there already
        #expect(intoDirectory.errors.contains("--force"))
        let forced = try await atende(
          ["file", "download", protocolNumber, noteID, "-o", directory.path, "--force", "--json"], server: server)
        #expect(forced.status == 0, "\(forced.errors)")
        #expect(try jsonObject(forced.output)["name"] as? String == "relato.txt")

        let other = try await openSupportTicket(server)
        let wrongTicket = try await atende(
          ["file", "download", String(int(other["id"]) ?? 0), photoID, "-o", copy + ".2"], server: server)
        #expect(wrongTicket.status == 4)
        #expect(!FileManager.default.fileExists(atPath: copy + ".2"))

        let deleted = try await atende(
          ["file", "delete", protocolNumber, noteID, "--reason", "Enviado por engano"], server: server)
        #expect(deleted.output.contains("Deleted relato.txt"))
        #expect(try await atende(["file", "list", protocolNumber, "--json"], server: server).jsonLines().count == 1)
        let history = try await atende(["ticket", "history", protocolNumber], server: server)
        #expect(history.output.contains("FILE_ADDED"))
        #expect(history.output.contains("FILE_REMOVED"))

        let missing = try await atende(
          ["file", "upload", protocolNumber, directory.path + "/nada.pdf"], server: server)
        #expect(missing.status == 1)
        #expect(missing.errors.contains("no such file"))
        // A pipe would be read twice (digest, then upload) and send nothing: refused.
        let fromPipe = try await atende(["file", "upload", protocolNumber, "/dev/stdin"], server: server, input: "x")
        #expect(fromPipe.status == 1)
        #expect(fromPipe.errors.contains("not a regular file"))
        let noFiles = try await atende(["file", "upload", protocolNumber], server: server)
        #expect(noFiles.status == 64)
        // The second file is over the server's limit: the first stays attached, and the
        // error says so, so that trying again does not attach it twice.
        let small = directory.appendingPathComponent("pequeno.txt")
        try "ok".write(to: small, atomically: true, encoding: .utf8)
        let big = directory.appendingPathComponent("grande.bin")
        try Data(count: 26 << 20).write(to: big)
        let before = try await atende(["file", "list", protocolNumber, "--json"], server: server).jsonLines().count
        let partly = try await atende(["file", "upload", protocolNumber, small.path, big.path], server: server)
        #expect(partly.status == 3)
        #expect(partly.errors.contains("note: already attached to \(protocolNumber): pequeno.txt"))
        let after = try await atende(["file", "list", protocolNumber, "--json"], server: server).jsonLines().count
        #expect(after == before + 1)
        // An existing -o target is kept unless --force.
        let listed = try await atende(["file", "list", protocolNumber, "--json"], server: server).jsonLines()
        let fileID = String(int(listed[0]["id"]) ?? 0)
        let existing = directory.appendingPathComponent("existe.bin")
        try "keep".write(to: existing, atomically: true, encoding: .utf8)
        let refused = try await atende(
          ["file", "download", protocolNumber, fileID, "-o", existing.path], server: server)
        #expect(refused.status == 5)
        #expect(try String(contentsOf: existing, encoding: .utf8) == "keep")
      }
    }
  }

  @Test("service orders: open, schedule, move, assign, sign, list; rule violations, unknown order, stale version")
  func serviceOrders() async throws {
    try await withAtendeTestServer(transport: .tcp) { server in
      let ticket = try await openSupportTicket(server)
      let id = String(int(ticket["id"]) ?? 0)
      let opened = try await atende(
        ["order", "open", id, "--description", "Trocar ONU", "--technician", "1", "--json"], server: server)
      #expect(opened.status == 0, "\(opened.errors)")
      let order = try jsonObject(opened.output)
      #expect(order["status"] as? String == "SERVICE_ORDER_STATUS_OPEN")
      #expect(order["priority"] as? String == "PRIORITY_HIGH")  // the ticket's
      #expect(int(order["departmentId"]) == 1)
      let orderID = String(int(order["id"]) ?? 0)

      let scheduled = try await atende(["order", "schedule", orderID, "2030-01-10 14:00", "--json"], server: server)
      #expect(scheduled.status == 0, "\(scheduled.errors)")
      let when = try jsonObject(scheduled.output)
      #expect(when["status"] as? String == "SERVICE_ORDER_STATUS_SCHEDULED")
      var local = DateComponents(year: 2030, month: 1, day: 10, hour: 14, minute: 0)
      local.timeZone = .current
      let expected = Calendar(identifier: .gregorian).date(from: local)!.timeIntervalSince1970
      #expect(jsonDate(when["scheduledAt"])?.timeIntervalSince1970 == expected)

      let enRoute = try await atende(["order", "status", orderID, "en-route", "--ticket", id], server: server)
      #expect(enRoute.output.contains("is now EN_ROUTE"))
      let backwards = try await atende(["order", "status", orderID, "assumed"], server: server)
      #expect(backwards.status == 3)
      #expect(backwards.errors.contains("NOT_ALLOWED"))
      let otherDepartment = try await atende(["order", "assign", orderID, "3"], server: server)
      #expect(otherDepartment.status == 3)
      #expect(otherDepartment.errors.contains("technician_id"))
      let stale = try await atende(
        ["order", "status", orderID, "in-execution", "--expected-version", "1"], server: server)
      #expect(stale.status == 5)
      let unknown = try await atende(["order", "status", "999", "finished"], server: server)
      #expect(unknown.status == 4)
      let badStatus = try await atende(["order", "status", orderID, "flying"], server: server)
      #expect(badStatus.status == 64)

      _ = try await atende(["order", "status", orderID, "in-execution"], server: server)
      let finished = try await atende(["order", "status", orderID, "finished", "--note", "Sinal ok"], server: server)
      #expect(finished.output.contains("FINISHED"))

      // A subject whose orders need the customer's signature (Instalação, 5): the ticket needs its contract.
      let installation = try await openTicket(
        server,
        [
          "--client", "1001", "--contract", "5001", "--department", "1", "--priority", "normal", "--subject", "5",
          "--title", "Instalação", "--description", "Nova instalação",
        ])
      let installationID = String(int(installation["id"]) ?? 0)
      let signed = try await atende(
        ["order", "open", installationID, "--description", "Instalar", "--technician", "2", "--json"], server: server)
      let signedOrder = try jsonObject(signed.output)
      #expect(signedOrder["requiresSignature"] as? Bool == true)
      let signedID = String(int(signedOrder["id"]) ?? 0)
      let signature = try await atende(["order", "sign", signedID, "--by", "Ana Paula Ferreira"], server: server)
      #expect(signature.output.contains("signed by Ana Paula Ferreira"))
      let shown = try await atende(["order", "show", signedID], server: server)
      #expect(shown.output.contains("signed by Ana Paula Ferreira"))

      let all = try await atende(["order", "list", "--json"], server: server).jsonLines()
      #expect(all.dropLast().map { int($0["id"]) } == [int(signedOrder["id"]), int(order["id"])])
      let ofTicket = try await atende(["order", "list", id], server: server)
      #expect(ofTicket.output.contains("Trocar ONU"))
      #expect(!ofTicket.output.contains("Instalar"))
      let finishedOnly = try await atende(["order", "list", "--status", "finished", "--json"], server: server)
      #expect(try finishedOnly.jsonLines().count == 2)
      let history = try await atende(["ticket", "history", id], server: server)
      #expect(history.output.contains("SERVICE_ORDER_OPENED"))
    }
  }

  @Test(
    "order show and the change commands read the order's current version by id (GetServiceOrder); --ticket checks its ticket"
  )
  func orderCurrentVersion() async throws {
    try await withAtendeTestServer(transport: .tcp) { server in
      let ticket = try await openSupportTicket(server)
      let id = String(int(ticket["id"]) ?? 0)
      let protocolNumber = try #require(ticket["protocol"] as? String)
      let other = String(int(try await openSupportTicket(server, title: "Outro")["id"]) ?? 0)
      let opened = try jsonObject(
        try await atende(["order", "open", id, "--description", "Trocar ONU", "--json"], server: server).output)
      let orderID = try #require(int(opened["id"]))
      #expect(int(opened["version"]) == 1)

      // Someone else assigns a technician through the API.
      let orders = ServiceOrderService.Client(server.client)
      let options = CallOptions(timeout: .seconds(30), metadata: ["actor": "api-test"])
      let assigned = try await orders.assignTechnician(
        AssignTechnicianRequest(id: orderID, expectedVersion: 1, technicianId: 1), options: options)
      let shown = try await atende(["order", "show", String(orderID), "--json"], server: server)
      #expect(shown.status == 0, "\(shown.errors)")
      let current = try jsonObject(shown.output)
      #expect(int(current["version"]) == assigned.version)
      #expect(int(current["technicianId"]) == 1)
      let text = try await atende(["order", "show", String(orderID)], server: server)
      #expect(text.output.contains("Version") && text.output.contains(String(assigned.version)))

      // A change without --expected-version is based on the version read just before it.
      let assumed = try await atende(["order", "status", String(orderID), "assumed", "--json"], server: server)
      #expect(assumed.status == 0, "\(assumed.errors)")
      #expect(int(try jsonObject(assumed.output)["version"]) == assigned.version + 1)
      let read = try await orders.getServiceOrder(GetServiceOrderRequest(id: orderID), options: options)
      #expect(read.status == .assumed && read.version == assigned.version + 1)

      // --ticket: the order's own ticket (by id or protocol) is fine; another ticket is not,
      // and then nothing changes.
      #expect(
        try await atende(["order", "show", String(orderID), "--ticket", protocolNumber], server: server).status == 0)
      let elsewhere = try await atende(["order", "show", String(orderID), "--ticket", other], server: server)
      #expect(elsewhere.status == 4)
      #expect(elsewhere.errors.contains("service order \(orderID) is not an order of ticket \(other)"))
      let wrongTicket = try await atende(
        [
          "order", "status", String(orderID), "en-route", "--ticket", other, "--expected-version", String(read.version),
        ],
        server: server)
      #expect(wrongTicket.status == 4)
      #expect(try await orders.getServiceOrder(GetServiceOrderRequest(id: orderID), options: options) == read)
      let enRoute = try await atende(
        ["order", "status", String(orderID), "en-route", "--ticket", id, "--expected-version", String(read.version)],
        server: server)
      #expect(enRoute.status == 0, "\(enRoute.errors)")
      #expect(enRoute.output.contains("is now EN_ROUTE"))

      // An unknown order: the server's NOT_FOUND, exit 4, for show and for changes.
      let unknown = try await atende(["order", "show", "999"], server: server)
      #expect(unknown.status == 4)
      #expect(unknown.errors.contains("service order 999 not found"))
      let unknownChange = try await atende(["order", "assign", "999", "1", "--ticket", id], server: server)
      #expect(unknownChange.status == 4)
      #expect(unknownChange.errors.contains("service order 999 not found"))
    }
  }
}
