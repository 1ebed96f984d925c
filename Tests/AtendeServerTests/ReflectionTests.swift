import AtendeAPI
import AtendeServer
import Testing

@Suite("Reflection")
struct ReflectionTests {
  /// The name of the file whose descriptor is `bytes` (the files the API carries).
  static func name(of bytes: [UInt8]) -> String? {
    AtendeAPIDescriptors.files.first { $0.serialized == bytes }?.name
  }

  @Test("ListServices lists what GetServerInfo hosts; every service and method resolves to its file")
  func everySymbol() async throws {
    try await withAtendeServer { client, _ in
      let reflection = ServerReflection.Client(client)
      let listed = try await reflection.listServices(ListServicesRequest()).services
      let info = try await Diagnostics.Client(client).getServerInfo(GetServerInfoRequest())
      #expect(listed == info.services.map(\.name).sorted())
      #expect(listed.contains("atende.reflection.v1.ServerReflection"))
      for service in info.services {
        for symbol in [service.name] + service.methods.map({ service.name + "." + $0.name }) {
          let files = try await reflection.getFileContainingSymbol(GetFileContainingSymbolRequest(symbol: symbol))
          let names = files.fileDescriptorProtos.map(Self.name(of:))
          #expect(!names.contains(nil), "\(symbol)")
          // The defining file comes last, each file after the files it imports.
          let ordered = names.compactMap { $0 }
          for (index, name) in ordered.enumerated() {
            let file = try #require(AtendeAPIDescriptors.files.first { $0.name == name })
            for dependency in file.dependencies where dependency != "google/protobuf/descriptor.proto" {
              #expect(ordered[..<index].contains(dependency), "\(symbol): \(dependency) before \(name)")
            }
          }
          #expect(Set(ordered).count == ordered.count, "\(symbol): a file twice")
          let last = try #require(ordered.last)
          #expect(AtendeAPIDescriptors.files.first { $0.name == last }?.symbols.contains(symbol) == true)
        }
      }
    }
  }

  @Test("messages and files by name; unknown ones are NOT_FOUND naming the field")
  func lookups() async throws {
    try await withAtendeServer { client, _ in
      let reflection = ServerReflection.Client(client)
      let ticket = try await reflection.getFileContainingSymbol(.init(symbol: ".atende.tickets.v1.Ticket"))
      #expect(ticket.fileDescriptorProtos.last.flatMap(Self.name(of:)) == "atende/tickets/v1/tickets.proto")
      #expect(ticket.fileDescriptorProtos.contains { Self.name(of: $0) == "google/protobuf/timestamp.proto" })
      let byName = try await reflection.getFileByName(.init(name: "atende/tickets/v1/events.proto"))
      #expect(byName.fileDescriptorProtos.last.flatMap(Self.name(of:)) == "atende/tickets/v1/events.proto")
      let nested = try await reflection.getFileContainingSymbol(.init(symbol: "atende.auth.v1.Identity.Kind"))
      #expect(nested.fileDescriptorProtos.last.flatMap(Self.name(of:)) == "atende/auth/v1/identity.proto")

      let unknownSymbol = await #expect(throws: RPCError.self) {
        try await reflection.getFileContainingSymbol(.init(symbol: "atende.tickets.v1.Nope"))
      }
      #expect(unknownSymbol?.code == .notFound)
      #expect(unknownSymbol?.fieldViolations.first?.field == "symbol")
      let unknownFile = await #expect(throws: RPCError.self) {
        try await reflection.getFileByName(.init(name: "google/protobuf/descriptor.proto"))
      }
      #expect(unknownFile?.code == .notFound)
      #expect(unknownFile?.fieldViolations.first?.field == "name")
    }
  }
}
