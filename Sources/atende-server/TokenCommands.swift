import ArgumentParser
import AtendeServer
import AtendeStore
import Foundation
import Logging

/// `atende-server token …`: mint, list and revoke API tokens, straight in the database.
struct TokenCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "token",
    abstract: "Mint, list and revoke API tokens.",
    discussion: """
      Tokens are stored as SHA-256 digests: a token is shown once, when created. A running
      server notices a revocation within 5 seconds.
      """,
    subcommands: [Create.self, List.self, Revoke.self])

  struct Create: AsyncParsableCommand {
    /// Where the store's own messages go (a PostgreSQL pool's, for one).
    static let logger = Logger(label: "atende.token")

    static let configuration = CommandConfiguration(
      abstract: "Mint a token and print it (once).",
      discussion: """
        Scopes: \(Scope.all.joined(separator: ", ")) (docs/SECURITY.md).

        Examples:
          atende-server token create --name billing --scopes tickets.read,tickets.write,act_as
          atende-server token create --name ixc-agent --scopes tickets.read,tickets.write --departments 1,2 --expires 90d
          atende-server token create --name filial-norte --scopes tickets.read,tickets.write --branches 2
        """)

    @OptionGroup var storage: DatabaseOptions

    @Option(help: "Who the token is for; the history records this name.")
    var name: String

    @Option(help: "Comma-separated scopes.")
    var scopes: String

    @Option(help: "Comma-separated department ids the token is restricted to (default: every department).")
    var departments: String?

    @Option(help: "Comma-separated branch ids the token is restricted to (default: every branch).")
    var branches: String?

    @Option(help: "Lifetime, e.g. 90d, 12h, 30m (default: no expiry).")
    var expires: String?

    func run() async throws {
      let name = name.trimmingCharacters(in: .whitespaces)
      guard !name.isEmpty, name.count <= 120, !name.contains(where: \.isNewline) else {
        throw ValidationError("--name must be 1 to 120 characters on one line")
      }
      let scopes = scopes.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
      let unknown = scopes.filter { !Scope.all.contains($0) }
      guard !scopes.isEmpty, unknown.isEmpty else {
        throw ValidationError(
          "unknown scope\(unknown.count == 1 ? "" : "s") \(unknown.joined(separator: ", ")); known: \(Scope.all.joined(separator: ", "))"
        )
      }
      let departmentIDs = try departments.map { try Self.ids($0, option: "departments", of: "department") }
      let branchIDs = try branches.map { try Self.ids($0, option: "branches", of: "branch") }
      let now = Date()
      let expiresAt = try expires.map { try now.addingTimeInterval(Self.lifetime($0)) }
      let (token, record) = APIToken.mint(
        name: name, scopes: scopes, departments: departmentIDs, branches: branchIDs, expiresAt: expiresAt, now: now)
      try await storage.withStore(logger: Create.logger) { store in try await store.insertAPIToken(record) }
      FileHandle.standardError.write(
        Data(
          "Created token \(record.id) for \(name); it is shown once, keep it in a secret store:\n".utf8))
      print(token)
    }

    /// The ids of a restriction option (`1,2`): positive, at least one.
    static func ids(_ text: String, option: String, of kind: String) throws -> [Int64] {
      let ids = text.split(separator: ",").map { Int64($0.trimmingCharacters(in: .whitespaces)) }
      guard !ids.isEmpty, ids.allSatisfy({ ($0 ?? 0) > 0 }) else {
        throw ValidationError("--\(option) must be positive \(kind) ids separated by commas")
      }
      return ids.compactMap { $0 }
    }

    /// Seconds in `90d`, `12h`, `30m`.
    static func lifetime(_ text: String) throws -> TimeInterval {
      let units: [Character: TimeInterval] = ["d": 86_400, "h": 3_600, "m": 60]
      guard let unit = text.last.flatMap({ units[$0] }), let count = Int(text.dropLast()), count > 0 else {
        throw ValidationError("--expires takes a number and a unit: 90d, 12h or 30m")
      }
      return TimeInterval(count) * unit
    }
  }

  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the tokens (never the tokens themselves).")

    @OptionGroup var storage: DatabaseOptions

    @Flag(help: "One JSON object per line.")
    var json = false

    func run() async throws {
      let tokens = try await storage.withStore(logger: Create.logger) { store in try await store.apiTokens() }
      let formatter = ISO8601DateFormatter()
      if json {
        for token in tokens {
          var object: [String: Any] = [
            "id": token.id, "name": token.name, "scopes": token.scopes,
            "created_at": formatter.string(from: token.createdAt),
          ]
          object["departments"] = token.departments
          object["branches"] = token.branches
          object["expires_at"] = token.expiresAt.map(formatter.string(from:))
          object["last_used_at"] = token.lastUsedAt.map(formatter.string(from:))
          object["revoked_at"] = token.revokedAt.map(formatter.string(from:))
          let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
          print(String(decoding: data, as: UTF8.self))
        }
        return
      }
      func ids(_ values: [Int64]?) -> String { values.map { $0.map(String.init).joined(separator: ",") } ?? "all" }
      let rows: [[String]] = tokens.map { token in
        let revoked: String = token.revokedAt.map { "revoked " + formatter.string(from: $0) } ?? "active"
        return [
          token.id, token.name, token.scopes.joined(separator: ","), ids(token.departments), ids(token.branches),
          formatter.string(from: token.createdAt), token.expiresAt.map(formatter.string(from:)) ?? "never",
          token.lastUsedAt.map(formatter.string(from:)) ?? "never", revoked,
        ]
      }
      let header = ["ID", "NAME", "SCOPES", "DEPARTMENTS", "BRANCHES", "CREATED", "EXPIRES", "LAST USED", "STATE"]
      let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
      for row in [header] + rows {
        print(
          row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
            .trimmingCharacters(in: .whitespaces))
      }
    }
  }

  struct Revoke: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Revoke tokens by id or by name (every token of that name).")

    @OptionGroup var storage: DatabaseOptions

    @Argument(help: "A token id (from `token list`) or name.")
    var token: String

    func run() async throws {
      let revoked = try await storage.withStore(logger: Create.logger) { store in
        try await store.revokeAPITokens(idOrName: token, at: Date())
      }
      guard !revoked.isEmpty else { throw ValidationError("no token has the id or name \(token)") }
      for record in revoked { print("Revoked \(record.id) (\(record.name))") }
    }
  }
}
