import AtendeTesting
import Foundation
import Testing

@Suite("CLI: branches and tags")
struct TagBranchCLITests {
  @Test("reference branches; open in a branch with tags; tag, untag, list by tag and branch; tags; stats by branch")
  func branchesAndTags() async throws {
    try await withAtendeTestServer(transport: .tcp) { server in
      let branches = try await atende(["reference", "list", "branches"], server: server)
      #expect(branches.status == 0, "\(branches.errors)")
      #expect(branches.output.contains("Filial Norte"))
      let imported = try await atende(
        ["reference", "import", "branches", "-"], server: server, input: "id,name,active\n7,Filial Leste,true\n")
      #expect(imported.status == 0, "\(imported.errors)")
      let shown = try await atende(["reference", "show", "branch", "7", "--json"], server: server)
      #expect(try jsonObject(shown.output)["name"] as? String == "Filial Leste")

      let opened = try await openTicket(
        server,
        [
          "--client", "1001", "--department", "1", "--priority", "high", "--subject", "1", "--title", "Sem sinal",
          "--description", "Bairro inteiro sem conexão", "--branch", "2", "--tag", "Queda Massiva", "--tag", "fibra",
        ])
      let number = try #require(opened["protocol"] as? String)
      #expect(int(opened["branchId"]) == 2)
      #expect(opened["tags"] as? [String] == ["fibra", "queda-massiva"])
      let other = try await openSupportTicket(server, title: "Lento à noite")
      let otherNumber = try #require(other["protocol"] as? String)

      let shownTicket = try await atende(["ticket", "show", number], server: server)
      #expect(shownTicket.output.contains("fibra, queda-massiva"))

      let tagged = try await atende(["ticket", "tag", otherNumber, "--add", "#Fibra", "--add", "vip"], server: server)
      #expect(tagged.status == 0, "\(tagged.errors)")
      #expect(tagged.output.contains("fibra, vip"))
      let untagged = try await atende(["ticket", "tag", otherNumber, "--remove", "VIP"], server: server)
      #expect(untagged.output.contains(": fibra"), "\(untagged.output)")
      let both = try await atende(["ticket", "tag", otherNumber, "--add", "vip", "--remove", "VIP"], server: server)
      #expect(both.status == 64 && both.errors.contains("both added and removed"), "\(both.errors)")
      let bad = try await atende(["ticket", "tag", otherNumber, "--add", "a/b"], server: server)
      #expect(bad.status != 0)
      #expect(bad.errors.contains("ticket.tags"), "\(bad.errors)")

      let byTag = try await atende(["ticket", "list", "--tag", "fibra", "--json"], server: server)
      let byTagNumbers = try byTag.jsonLines().compactMap { $0["protocol"] as? String }
      #expect(Set(byTagNumbers) == [number, otherNumber])
      let byBranch = try await atende(["ticket", "list", "--tag", "fibra", "--branch", "2", "--json"], server: server)
      #expect(try byBranch.jsonLines().compactMap { $0["protocol"] as? String } == [number])

      let tags = try await atende(["ticket", "tags"], server: server)
      #expect(tags.status == 0, "\(tags.errors)")
      let lines = tags.output.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
      #expect(lines.dropFirst().first == ["fibra", "2"], "\(tags.output)")
      let prefixed = try await atende(["ticket", "tags", "--prefix", "que", "--json"], server: server)
      #expect(try prefixed.jsonLines().compactMap { $0["tag"] as? String } == ["queda-massiva"])

      let stats = try await atende(["stats", "--branch", "2", "--json"], server: server)
      #expect(stats.status == 0, "\(stats.errors)")
      let byBranchCounts = try jsonObject(stats.output)["openByBranch"] as? [[String: Any]]
      #expect(byBranchCounts?.map { int($0["id"]) } == [2])
    }
  }
}
