public import AtendeAPI

/// The diagnostics service every Atende server hosts: health, server information
/// and echo calls of the four kinds.
public struct DiagnosticsService: Diagnostics.ServiceProtocol {
  /// The longest delay an echo request may ask for.
  public static let maxDelayMillis: UInt32 = 60_000
  /// The most responses an EchoExpand request may ask for.
  public static let maxRepeat: UInt32 = 100_000
  /// The most bytes (payloads and texts) EchoCollect gathers: its answer has to fit one
  /// frame anyway.
  public static let maxCollected = 1 << 20

  private let startedAt: Google_Protobuf_Timestamp
  private let services: [ServiceInfo]
  private let labels: [String: String]
  private let health: ServerHealth

  /// Diagnostics describing a server that hosts `services` (plus diagnostics itself),
  /// reporting `health`.
  public init(
    describing services: [any RPCService], labels: [String: String] = [:], startedAt: Double,
    health: ServerHealth = ServerHealth()
  ) {
    self.health = health
    var router = RPCRouter()
    for service in services { router.register(service) }
    var byService: [String: [MethodInfo]] = [:]
    for method in router.methods + Diagnostics.Method.all {
      let kind: MethodInfo.Kind =
        switch method.kind {
        case .unary: .unary
        case .serverStreaming: .serverStreaming
        case .clientStreaming: .clientStreaming
        case .bidirectionalStreaming: .bidirectionalStreaming
        }
      if byService[method.service, default: []].contains(where: { $0.name == method.method }) { continue }
      byService[method.service, default: []].append(
        MethodInfo(name: method.method, kind: kind, requiredScope: method.access?.description ?? ""))
    }
    self.services = byService.keys.sorted().map { ServiceInfo(name: $0, methods: byService[$0]!) }
    self.labels = labels
    self.startedAt = Google_Protobuf_Timestamp(secondsSince1970: startedAt)
  }

  private func hosts(_ service: String) -> Bool {
    service.isEmpty || services.contains(where: { $0.name == service })
  }

  private func currentStatus() async -> HealthCheckResponse.ServingStatus {
    switch await health.status() {
    case .serving: .serving
    case .notServing: .notServing
    }
  }

  public func check(_ request: HealthCheckRequest, context: ServerContext) async throws -> HealthCheckResponse {
    guard hosts(request.service) else { return HealthCheckResponse(status: .serviceUnknown) }
    return HealthCheckResponse(status: await currentStatus())
  }

  public func watch(
    _ request: HealthCheckRequest, responses: RPCWriter<HealthCheckResponse>, context: ServerContext
  ) async throws {
    guard hosts(request.service) else {
      try await responses.write(HealthCheckResponse(status: .serviceUnknown))
      return
    }
    // Look again when draining begins, and every probe interval (the database may come
    // and go); send only changes; end once draining.
    let changes = health.changes()
    let (looks, look) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    let interval = max(health.probeInterval, .seconds(1))
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask {
        for await _ in changes { look.yield() }
      }
      group.addTask {
        while true {
          try await Task.sleep(for: interval)
          look.yield()
        }
      }
      look.yield()
      var last: HealthCheckResponse.ServingStatus?
      for await _ in looks {
        let status = await currentStatus()
        if status != last {
          try await responses.write(HealthCheckResponse(status: status))
          last = status
        }
        // Ends once it has said NOT_SERVING because of the drain (a drain that began after
        // this look is announced by the next one, which its signal brings at once).
        if status == .notServing && health.isDraining { break }
      }
      group.cancelAll()
    }
  }

  public func getServerInfo(_ request: GetServerInfoRequest, context: ServerContext) async throws -> ServerInfo {
    ServerInfo(
      version: AtendeVersion.current, protocolVersions: [1], startedAt: startedAt, services: services, labels: labels)
  }

  public func echo(_ request: EchoRequest, context: ServerContext) async throws -> EchoResponse {
    try Self.authorize(request, context)
    try await Self.apply(request)
    return EchoResponse(payload: request.payload, text: request.text)
  }

  public func echoExpand(
    _ request: EchoRequest, responses: RPCWriter<EchoResponse>, context: ServerContext
  ) async throws {
    guard request.repeat <= Self.maxRepeat else {
      throw RPCError(
        code: .invalidArgument, message: "repeat must be at most \(Self.maxRepeat)",
        fieldViolations: [.init(field: "repeat", reason: "TOO_LARGE", description: "at most \(Self.maxRepeat)")])
    }
    try Self.authorize(request, context)
    try await Self.apply(request)
    for sequence in 0..<max(1, request.repeat) {
      try Task.checkCancellation()
      try await responses.write(EchoResponse(payload: request.payload, text: request.text, sequence: sequence))
    }
  }

  public func echoCollect(_ requests: RPCAsyncSequence<EchoRequest>, context: ServerContext) async throws
    -> EchoResponse
  {
    var response = EchoResponse()
    for try await request in requests {
      try Self.authorize(request, context)
      try await Self.apply(request)
      guard
        response.payload.count + response.text.utf8.count + request.payload.count + request.text.utf8.count
          <= Self.maxCollected
      else {
        throw RPCError(
          code: .resourceExhausted, message: "EchoCollect collects at most \(Self.maxCollected) bytes",
          reason: "TOO_MUCH_DATA")
      }
      response.payload += request.payload
      response.text += request.text
      response.sequence += 1
    }
    return response
  }

  public func echoChat(
    _ requests: RPCAsyncSequence<EchoRequest>, responses: RPCWriter<EchoResponse>, context: ServerContext
  ) async throws {
    var sequence: UInt32 = 0
    for try await request in requests {
      try Self.authorize(request, context)
      try await Self.apply(request)
      try await responses.write(EchoResponse(payload: request.payload, text: request.text, sequence: sequence))
      sequence += 1
    }
  }

  /// Echo calls that wait or repeat hold a server's resources: they need the
  /// `diagnostics` scope (when the server authenticates calls).
  private static func authorize(_ request: EchoRequest, _ context: ServerContext) throws {
    guard request.delayMillis > 0 || request.repeat > 1, let principal = context.principal,
      !principal.scopes.contains(Scope.diagnostics)
    else { return }
    throw RPCError.permissionDenied(
      AuthReason.scopeMissing, "echo with delay_millis or repeat requires the scope \(Scope.diagnostics)")
  }

  /// The request's optional delay and forced failure.
  private static func apply(_ request: EchoRequest) async throws {
    guard request.delayMillis <= maxDelayMillis else {
      throw RPCError(
        code: .invalidArgument, message: "delay_millis must be at most \(maxDelayMillis)",
        fieldViolations: [
          .init(field: "delay_millis", reason: "TOO_LARGE", description: "at most \(maxDelayMillis) ms")
        ])
    }
    if request.delayMillis > 0 {
      try await Task.sleep(for: .milliseconds(request.delayMillis))
    }
    if request.failWithCode != 0 {
      guard let code = RPCError.Code(rawValue: Int(request.failWithCode)) else {
        throw RPCError(
          code: .invalidArgument, message: "fail_with_code must be a status code between 1 and 16",
          fieldViolations: [.init(field: "fail_with_code", reason: "OUT_OF_RANGE", description: "between 1 and 16")])
      }
      throw RPCError(code: code, message: request.text)
    }
  }
}
