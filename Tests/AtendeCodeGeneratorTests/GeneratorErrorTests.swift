import Testing

@testable import AtendeCodeGenerator

/// What the generator refuses, with a message protoc shows to the user.
@Suite("Generator errors")
struct GeneratorErrorTests {
  func request(_ files: [FileDesc], parameter: String = "c_module=C") -> CodeGeneratorRequest {
    CodeGeneratorRequest(filesToGenerate: files.map(\.name), parameter: parameter, files: files)
  }

  func service(scope: String?) -> FileDesc {
    var file = GoldenTests.file("kitchen_service")
    file.services[0].methods[0].requiredScope = scope
    return file
  }

  func error(_ request: CodeGeneratorRequest) -> String? {
    do {
      _ = try ProtocPlugin.generate(request)
      return nil
    } catch {
      return error.description
    }
  }

  @Test("a method without required_scope: no scope table")
  func missingScope() {
    let files = GoldenTests.files.filter { $0.name != "atende/testing/v1/kitchen_service.proto" }
    var generated = request(files + [service(scope: nil)], parameter: "output=scopes")
    generated.filesToGenerate = ["atende/testing/v1/kitchen_service.proto"]
    #expect(error(generated) == "atende.testing.v1.KitchenService.Cook declares no required_scope")
  }

  @Test("a required_scope that is not a scope name")
  func badScope() {
    let translator = ServiceTranslator(access: "public", types: GoldenTests.types)
    for bad in ["Tickets.Read", "tickets..read", "", "tickets-read"] {
      #expect(throws: GeneratorError.self) { try translator.declarations(service(scope: bad)) }
    }
    #expect(ServiceTranslator.isValidAccess("tickets.read"))
    #expect(ServiceTranslator.isValidAccess("kitchen.chat_admin"))
  }

  @Test("options: unknown, malformed, or without the C module")
  func options() {
    #expect(throws: GeneratorError.self) { try GeneratorOptions(parameter: "c_module=C,colour=red") }
    #expect(throws: GeneratorError.self) { try GeneratorOptions(parameter: "c_module") }
    #expect(throws: GeneratorError.self) { try GeneratorOptions(parameter: "access=private,c_module=C") }
    #expect(throws: GeneratorError.self) { try GeneratorOptions(parameter: "") }
    #expect((try? GeneratorOptions(parameter: "output=scopes")) != nil)
  }

  @Test("proto2 files and files protoc did not send")
  func files() {
    var file = GoldenTests.file("kitchen_sink")
    file.syntax = "proto2"
    #expect(error(request([file])) == "atende/testing/v1/kitchen_sink.proto: only proto3 is supported")
    var missing = request([])
    missing.filesToGenerate = ["nowhere.proto"]
    #expect(error(missing) == "protoc did not send nowhere.proto")
  }

  @Test("the plugin protocol: a request in, the files or the error out")
  func protocolRoundTrip() throws {
    // The response carries the error rather than failing the process.
    let response = try ProtocPlugin.respond(to: [0x0a])  // a truncated request
    #expect(!response.isEmpty)
    #expect(response.first == 0x0a)  // field 1 (error) comes first
  }
}
