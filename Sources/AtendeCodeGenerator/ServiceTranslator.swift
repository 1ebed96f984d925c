/// Translates a proto service into its Swift namespace: the service name, one
/// `MethodDescriptor` per method (call kind, idempotency, required access), the protocol a
/// server implements, and the extension registering an implementation's methods with a
/// router.
struct ServiceTranslator {
  var access: String
  var types: TypeTable

  /// The service's enum (name, `Method`, `ServiceProtocol`) and the registration extension.
  func declarations(_ service: ServiceDesc, in file: FileDesc) throws(GeneratorError) -> [Declaration] {
    let name = Naming.escaped(service.name)
    var descriptors: [Declaration] = []
    for method in service.methods {
      descriptors.append(
        .property(
          Property(
            doc: file.documentation(method.path), access: access, isStatic: true, isLet: true,
            name: Naming.escaped(method.swiftName),
            value: "MethodDescriptor(\(try descriptorArguments(method, service)))"
          )))
    }
    descriptors.append(
      .property(
        Property(
          doc: ["Every method, in declaration order."], access: access, isStatic: true, isLet: true, name: "all",
          type: "[MethodDescriptor]",
          value: "[" + service.methods.map { Naming.escaped($0.swiftName) }.joined(separator: ", ") + "]")))

    var requirements: [Declaration] = []
    for method in service.methods {
      let input = try types.qualifiedName(method.inputType)
      let output = try types.qualifiedName(method.outputType)
      let fn = Naming.escaped(method.swiftName)
      let signature =
        switch (method.clientStreaming, method.serverStreaming) {
        case (false, false): "func \(fn)(_ request: \(input), context: ServerContext) async throws -> \(output)"
        case (false, true):
          "func \(fn)(_ request: \(input), responses: RPCWriter<\(output)>, context: ServerContext) async throws"
        case (true, false):
          "func \(fn)(_ requests: RPCAsyncSequence<\(input)>, context: ServerContext) async throws -> \(output)"
        case (true, true):
          "func \(fn)(_ requests: RPCAsyncSequence<\(input)>, responses: RPCWriter<\(output)>, context: ServerContext) async throws"
        }
      requirements.append(.requirement(Documented(doc: file.documentation(method.path), value: signature)))
    }

    let namespace = TypeDeclaration(
      doc: file.documentation(service.path, fallback: "The `\(service.fullName)` service."), access: access,
      kind: .enum, name: name,
      members: [
        .property(
          Property(
            doc: ["The fully qualified service name."], access: access, isStatic: true, isLet: true,
            name: "serviceName", value: "\"\(service.fullName)\"")),
        .blank,
        .type(
          TypeDeclaration(
            doc: ["The service's methods."], access: access, kind: .enum, name: "Method", members: descriptors)),
        .blank,
        .type(
          TypeDeclaration(
            doc: ["Implement this to serve `\(service.fullName)`; register it with the server."], access: access,
            kind: .protocol, name: "ServiceProtocol", inherits: ["RPCService"], members: requirements)),
      ])

    var registrations: [Statement] = []
    for method in service.methods {
      let fn = method.swiftName
      let descriptor = "\(name).Method.\(Naming.escaped(fn))"
      let registration =
        switch (method.clientStreaming, method.serverStreaming) {
        case (false, false):
          "router.registerUnary(\(descriptor)) { request, context in try await self.\(fn)(request, context: context) }"
        case (false, true):
          "router.registerServerStreaming(\(descriptor)) { request, responses, context in try await self.\(fn)(request, responses: responses, context: context) }"
        case (true, false):
          "router.registerClientStreaming(\(descriptor)) { requests, context in try await self.\(fn)(requests, context: context) }"
        case (true, true):
          "router.registerBidirectionalStreaming(\(descriptor)) { requests, responses, context in try await self.\(fn)(requests, responses: responses, context: context) }"
        }
      registrations.append(.line(registration))
    }
    let registration = TypeDeclaration(
      kind: .extension, name: "\(name).ServiceProtocol",
      members: [
        .function(
          Function(
            doc: ["Registers every method of `\(service.fullName)` with `router`."], access: access,
            kind: .function("registerMethods"), parameters: ["with router: inout RPCRouter"], body: registrations))
      ])
    return [.type(namespace), .blank, .type(registration), .blank]
  }

  private func descriptorArguments(_ method: MethodDesc, _ service: ServiceDesc) throws(GeneratorError) -> String {
    var arguments = "service: serviceName, method: \"\(method.name)\", kind: .\(method.kindName)"
    if method.idempotent { arguments += ", isIdempotent: true" }
    if let scope = method.requiredScope {
      guard Self.isValidAccess(scope) else {
        throw GeneratorError(
          "\(service.fullName).\(method.name): required_scope '\(scope)' is not \"public\", \"authenticated\" or a scope (lower-case words joined by dots)"
        )
      }
      switch scope {
      case "public": arguments += ", access: .public"
      case "authenticated": arguments += ", access: .authenticated"
      default: arguments += ", access: .scope(\"\(scope)\")"
      }
    }
    return arguments
  }

  /// Whether a required_scope value is "public", "authenticated" or a scope name.
  static func isValidAccess(_ value: String) -> Bool {
    let words = value.split(separator: ".", omittingEmptySubsequences: false)
    return words.allSatisfy { word in !word.isEmpty && word.allSatisfy { ("a"..."z").contains($0) || $0 == "_" } }
  }
}

/// Translates a proto service into a typed client: a `Client` struct in the service's
/// namespace with one async function per method over an `RPCClient`.
struct ClientTranslator {
  var access: String
  var types: TypeTable

  func declarations(_ service: ServiceDesc, in file: FileDesc) throws(GeneratorError) -> [Declaration] {
    var members: [Declaration] = [
      .property(
        Property(doc: ["The underlying client."], access: access, isLet: true, name: "client", type: "RPCClient")),
      .blank,
      .function(
        Function(
          doc: ["A typed client making its calls through `client`."], access: access, kind: .initializer,
          parameters: ["_ client: RPCClient"], body: [.line("self.client = client")], isOneLine: true)),
    ]
    for method in service.methods {
      let input = try types.qualifiedName(method.inputType)
      let output = try types.qualifiedName(method.outputType)
      let descriptor = "Method.\(Naming.escaped(method.swiftName))"
      var doc = file.documentation(method.path)
      var function = Function(access: access, kind: .function(Naming.escaped(method.swiftName)), body: [])
      switch (method.clientStreaming, method.serverStreaming) {
      case (false, false):
        function.parameters = ["_ request: \(input)", "options: CallOptions = .defaults"]
        function.effects = "async throws(RPCError)"
        function.returnType = output
        function.body = [.line("try await client.unary(request: request, method: \(descriptor), options: options)")]
      case (false, true):
        doc += ["", "`body` reads the responses; the call ends when it returns."]
        function.genericParameters = ["Result: Sendable"]
        function.parameters = [
          "_ request: \(input)", "options: CallOptions = .defaults",
          "onResponses body: (RPCAsyncSequence<\(output)>) async throws -> Result",
        ]
        function.effects = "async throws"
        function.returnType = "Result"
        function.body = [
          .line(
            "try await client.serverStreaming(request: request, method: \(descriptor), options: options, onResponses: body)"
          )
        ]
      case (true, false):
        doc += ["", "`requests` writes the requests; the call half-closes when it returns."]
        function.parameters = [
          "options: CallOptions = .defaults", "requests: @Sendable (RPCWriter<\(input)>) async throws -> Void",
        ]
        function.effects = "async throws"
        function.returnType = output
        function.body = [
          .line("try await client.clientStreaming(method: \(descriptor), options: options, requests: requests)")
        ]
      case (true, true):
        doc += [
          "", "`requests` writes the requests (the call half-closes when it returns) while",
          "`body` reads the responses; the call ends when `body` returns.",
        ]
        function.genericParameters = ["Result: Sendable"]
        function.parameters = [
          "options: CallOptions = .defaults",
          "requests: @escaping @Sendable (RPCWriter<\(input)>) async throws -> Void",
          "onResponses body: (RPCAsyncSequence<\(output)>) async throws -> Result",
        ]
        function.effects = "async throws"
        function.returnType = "Result"
        function.body = [
          .line(
            "try await client.bidirectionalStreaming(method: \(descriptor), options: options, requests: requests, onResponses: body)"
          )
        ]
      }
      function.doc = doc
      members.append(.blank)
      members.append(.function(function))
    }
    let client = TypeDeclaration(
      doc: ["A typed client of `\(service.fullName)` over an `RPCClient`."], access: access, kind: .struct,
      name: "Client", inherits: ["Sendable"], members: members)
    return [
      .type(TypeDeclaration(kind: .extension, name: Naming.escaped(service.name), members: [.type(client)])), .blank,
    ]
  }
}
