import AtendeStoreTestSupport
import Foundation
import Testing

/// `atende-server migrate-data`, the program itself, against the test cluster.
@Suite("atende-server migrate-data", .enabled(if: Engine.available.contains(.postgres)))
struct MigrateDataCommandTests {
  func server(_ arguments: [String]) async throws -> CLIResult {
    var environment = ProcessInfo.processInfo.environment
    environment["ATENDE_DATABASE"] = nil
    return await (try startProcess(try builtBinary("atende-server"), arguments, environment: environment)).result()
  }

  @Test(
    "copies a SQLite file into PostgreSQL and checks it; a second run copies nothing; contents alone from a directory")
  func migrate() async throws {
    try await withPostgresDatabase { url in
      try await AtendeStoreTestSupport.withTemporaryDirectory { directory in
        let sqlite = directory + "/atende.sqlite"
        let token = try await server([
          "token", "create", "--database", sqlite, "--name", "billing", "--scopes", "tickets.read",
        ])
        #expect(token.status == 0, "\(token.errors)")

        let first = try await server(["migrate-data", "--from", sqlite, "--to", url])
        #expect(first.status == 0, "\(first.errors)")
        #expect(first.output.contains("api_token: 1 rows, 1 copied now"))
        #expect(first.output.contains("attachments: 0 contents"))
        #expect(first.output.contains("done:"))
        let again = try await server(["migrate-data", "--from", sqlite, "--to", url])
        #expect(again.status == 0, "\(again.errors)")
        #expect(again.output.contains("api_token: 1 rows, 0 copied now"))

        let contentsOnly = try await server(["migrate-data", "--files-from", directory + "/files", "--to", url])
        #expect(contentsOnly.status == 0, "\(contentsOnly.errors)")
        #expect(contentsOnly.output.contains("attachments: 0 contents, 0 copied now"))
        let neither = try await server(["migrate-data", "--to", url])
        #expect(neither.status != 0)
        #expect(neither.errors.contains("--files-from"))
      }
    }
  }
}
