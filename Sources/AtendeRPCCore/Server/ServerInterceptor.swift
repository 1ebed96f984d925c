/// Code that runs around every call a server handles: authentication, logging,
/// metrics. Interceptors run in the order given to the server, the first outermost.
///
/// An interceptor may reject a call by throwing (an ``RPCError`` reaches the client
/// as is), change the context passed on, or observe the outcome of `next`.
public protocol ServerInterceptor: Sendable {
  /// Runs the rest of the chain (and finally the handler) by calling `next`.
  func intercept<Result: Sendable>(
    context: ServerContext,
    next: (ServerContext) async throws -> Result
  ) async throws -> Result
}

/// Code that runs around every call a client makes: adding metadata (such as an
/// authentication token), logging, metrics. The first interceptor is outermost.
public protocol ClientInterceptor: Sendable {
  /// Runs the rest of the chain (and finally the call) by calling `next`.
  func intercept<Result: Sendable>(
    context: ClientCallContext,
    next: (ClientCallContext) async throws -> Result
  ) async throws -> Result
}

/// What a client interceptor sees of a call and may change.
public struct ClientCallContext: Sendable {
  /// The method called.
  public let method: MethodDescriptor
  /// The call's options, including its metadata and timeout.
  public var options: CallOptions

  public init(method: MethodDescriptor, options: CallOptions) {
    self.method = method
    self.options = options
  }
}

extension Array where Element == any ServerInterceptor {
  /// Runs `body` inside every interceptor, first one outermost.
  package func run<Result: Sendable>(
    context: ServerContext, from index: Int = 0,
    _ body: (ServerContext) async throws -> Result
  ) async throws -> Result {
    guard index < count else { return try await body(context) }
    // The last interceptor calls the body itself: one async step less per call.
    if index == count - 1 { return try await self[index].intercept(context: context, next: body) }
    return try await self[index].intercept(context: context) { context in
      try await run(context: context, from: index + 1, body)
    }
  }
}

extension Array where Element == any ClientInterceptor {
  /// Runs `body` inside every interceptor, first one outermost.
  package func run<Result: Sendable>(
    context: ClientCallContext, from index: Int = 0,
    _ body: (ClientCallContext) async throws -> Result
  ) async throws -> Result {
    guard index < count else { return try await body(context) }
    return try await self[index].intercept(context: context) { context in
      try await run(context: context, from: index + 1, body)
    }
  }
}
