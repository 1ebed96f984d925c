import ArgumentParser
import AtendeAPI
import AtendeCodeGenerator
import Foundation

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
          print(service)
          // A hosted service whose file is not served is still listed, without methods.
          let schema = try? await schema(containing: service, reflection, options)
          for method in schema?.methodNames(of: service) ?? [] { print("  \(service)/\(method)") }
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

struct Call: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Call any method of the server, JSON in and out, through its reflection service.",
    discussion: """
      The request is proto3 JSON (field names as the API's JSON writes them or as the
      .proto spells them), given with --data, from a file with --data @FILE, or from
      standard input with --data -; without --data it is {}. A method that takes a stream
      reads one JSON object per line. Each response is printed as one line of JSON.

      Examples:
        atende call atende.tickets.v1.TicketService/GetTicket --data '{"protocol": "2026000000001"}'
        atende ticket show 12 --json > t.json   # edit the title, then:
        atende call atende.tickets.v1.TicketService/UpdateTicket \\
          --data "{\\"ticket\\": $(cat t.json), \\"updateMask\\": \\"title\\", \\"expectedVersion\\": \\"3\\"}"
        printf '{"text":"a"}\\n{"text":"b"}\\n' | atende call atende.diagnostics.v1.Diagnostics/EchoChat --data -
      """)

  @OptionGroup var connection: ConnectionOptions
  @Argument(help: "The method, as Service/Method (full service name).") var method: String
  @Option(name: [.short, .long], help: "The request as JSON, or @FILE, or - for standard input.") var data: String?
  @Flag(help: "Print fields at their default value too.") var emitDefaults = false
  @Option(help: "Stop after this many responses of a stream.") var count: Int?

  func validate() throws {
    if let count, count < 1 { throw ValidationError("--count must be at least 1") }
  }

  func run() async throws {
    try await connection.withClient { client in
      let options = connection.callOptions
      let reflection = ServerReflection.Client(client)
      let service = method.split(separator: "/").first.map(String.init) ?? method
      let files = try await reflection.getFileContainingSymbol(
        GetFileContainingSymbolRequest(symbol: service), options: options)
      let schema = try ProtoSchema(serializedFiles: files.fileDescriptorProtos)
      guard let shape = schema.method(method) else { throw CLIError.notFound("the server does not define \(method)") }
      let requests = try requests(schema, shape)
      let kind: MethodDescriptor.Kind =
        switch (shape.clientStreaming, shape.serverStreaming) {
        case (false, false): .unary
        case (false, true): .serverStreaming
        case (true, false): .clientStreaming
        case (true, true): .bidirectionalStreaming
        }
      let descriptor = MethodDescriptor(
        service: shape.service, method: shape.name, kind: kind, isIdempotent: shape.idempotent)
      let print = { (response: SerializedMessage) throws in
        do {
          Swift.print(try schema.decode(response.bytes, as: shape.outputType, includeDefaults: emitDefaults).text)
        } catch {
          throw CLIError.invalid("the response could not be read: \(error)")
        }
      }
      let limit = count ?? Int.max
      let read = { (responses: RPCAsyncSequence<SerializedMessage>) async throws in
        var seen = 0
        for try await response in responses {
          try print(response)
          seen += 1
          if seen >= limit { break }
        }
      }
      switch kind {
      case .unary:
        try print(try await client.unary(request: requests[0], method: descriptor, options: options))
      case .serverStreaming:
        try await client.serverStreaming(request: requests[0], method: descriptor, options: options, onResponses: read)
      case .clientStreaming:
        let response: SerializedMessage = try await client.clientStreaming(method: descriptor, options: options) {
          writer in try await writer.write(contentsOf: requests)
        }
        try print(response)
      case .bidirectionalStreaming:
        try await client.bidirectionalStreaming(
          method: descriptor, options: options, requests: { writer in try await writer.write(contentsOf: requests) },
          onResponses: read)
      }
    }
  }

  /// The requests, encoded: one for a method that takes one, one per line for a stream.
  private func requests(_ schema: ProtoSchema, _ shape: MethodShape) throws -> [SerializedMessage] {
    let text: String
    switch data {
    case nil: text = "{}"
    case "-"?: text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    case let value? where value.hasPrefix("@"):
      guard let contents = FileManager.default.contents(atPath: String(value.dropFirst())) else {
        throw CLIError.invalid("cannot read \(value.dropFirst())")
      }
      text = String(decoding: contents, as: UTF8.self)
    case let value?: text = value
    }
    let documents =
      shape.clientStreaming
      ? text.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.allSatisfy(\.isWhitespace) }
      : [text.allSatisfy(\.isWhitespace) ? "{}" : text]
    return try documents.enumerated().map { index, document in
      let origin = shape.clientStreaming ? "request line \(index + 1)" : "request"
      do {
        return SerializedMessage(bytes: try schema.encode(try JSONNode(parsing: document), as: shape.inputType))
      } catch {
        throw CLIError.invalid("\(origin): \(error)")
      }
    }
  }
}
