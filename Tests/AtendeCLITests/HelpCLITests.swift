import AtendeTesting
import Testing

@Suite("CLI: help")
struct HelpCLITests {
  static let commands: [[String]] = [
    [], ["ticket"], ["ticket", "open"], ["ticket", "show"], ["ticket", "list"], ["ticket", "update"],
    ["ticket", "status"], ["ticket", "assign"], ["ticket", "reopen"], ["ticket", "cancel"], ["ticket", "location"],
    ["ticket", "history"], ["message"], ["message", "add"], ["message", "list"], ["contact"], ["contact", "add"],
    ["contact", "update"], ["contact", "remove"], ["contact", "list"], ["file"], ["file", "upload"],
    ["file", "download"], ["file", "list"], ["file", "delete"], ["order"], ["order", "open"], ["order", "show"],
    ["order", "list"], ["order", "status"], ["order", "assign"], ["order", "schedule"], ["order", "sign"], ["watch"],
    ["stats"], ["subject"], ["subject", "create"], ["subject", "show"], ["subject", "update"], ["subject", "list"],
    ["subject", "history"], ["parameters"], ["parameters", "show"], ["parameters", "set"],
    ["parameters", "history"], ["reference"], ["reference", "list"], ["reference", "show"],
    ["reference", "import"], ["health"], ["info"], ["echo"],
  ]

  @Test("every command has --help with examples")
  func everyCommandHasExamples() async throws {
    try await withAtendeTestServer(transport: .tcp) { server in
      for command in Self.commands {
        let help = try await atende(command + ["--help"], server: server)
        #expect(help.status == 0, "\(command)")
        #expect(help.output.contains("USAGE: atende"), "\(command)")
        if !command.isEmpty {
          #expect(help.output.contains("Example"), "\(command) has no examples")
        }
      }
    }
  }
}
