import ArgumentParser
import AtendeAPI
import AtendeCodeGenerator

struct Describe: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Describe the server's API through its reflection service, in .proto syntax.",
    discussion: """
      Without an argument, lists the services and their methods. With a service, a method
      (Service/Method) or a message or enum (full names), prints its definition and
      comments; a method comes with its request and response messages.

      Examples:
        atende describe
        atende describe atende.tickets.v1.TicketService
        atende describe atende.tickets.v1.TicketService/UpdateTicket
        atende describe atende.tickets.v1.Ticket
      """)

  @OptionGroup var connection: ConnectionOptions
  @Argument(help: "A service, Service/Method, message or enum, by full name.") var symbol: String?

  func run() async throws {
    try await connection.withClient { client in
      let reflection = ServerReflection.Client(client)
      let options = connection.callOptions
      guard let symbol else {
        for service in try await reflection.listServices(ListServicesRequest(), options: options).services {
          let schema = try await schema(containing: service, reflection, options)
          print(service)
          for method in schema.methodNames(of: service) ?? [] { print("  \(service)/\(method)") }
        }
        return
      }
      // A method's service holds it: ask for the file of the part before the slash.
      let lookup = symbol.split(separator: "/").first.map(String.init) ?? symbol
      let schema = try await schema(containing: lookup, reflection, options)
      guard let text = schema.describe(symbol) else { throw CLIError.notFound("the server does not define \(symbol)") }
      print(text, terminator: "")
    }
  }

  private func schema(containing symbol: String, _ reflection: ServerReflection.Client, _ options: CallOptions)
    async throws -> ProtoSchema
  {
    let files = try await reflection.getFileContainingSymbol(
      GetFileContainingSymbolRequest(symbol: symbol), options: options)
    return try ProtoSchema(serializedFiles: files.fileDescriptorProtos)
  }
}
