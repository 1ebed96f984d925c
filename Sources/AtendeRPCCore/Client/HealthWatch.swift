public import AtendeProtobuf

extension ClientConfiguration {
  /// How each connection of a client learns whether its server is serving: a
  /// server-streaming health method the client calls on every connection it opens, and
  /// how to read its responses.
  ///
  /// A connection whose server says it is not serving (it is draining before a restart,
  /// or cannot reach its database) gets no new calls while another connection of the
  /// client can take them, and gets them again once its server says it serves. Calls
  /// already running on it go on. With no other connection to use, calls still go to it.
  ///
  /// The watch is sent on its connection as it is, without the client's interceptors or
  /// per-call credentials (a health method is public), and ends with its connection. A
  /// watch that fails (a server that does not host the method) leaves its connection
  /// counted as serving. The Atende API's is `ClientConfiguration.HealthWatch.atende`.
  public struct HealthWatch: Sendable {
    /// The method watched.
    public let method: MethodDescriptor
    package let run:
      @Sendable (any HealthWatchCaller, _ report: @escaping @Sendable (Bool) -> Void) async throws -> Void

    /// Calls `method` (server-streaming) with `request` on each connection; each
    /// response tells, through `isServing`, whether the server serves.
    public init<Request: ProtobufMessage, Response: ProtobufMessage>(
      method: MethodDescriptor, request: Request, isServing: @escaping @Sendable (Response) -> Bool
    ) {
      self.method = method
      self.run = { caller, report in
        try await caller.watch(request: request, method: method) { (response: Response) in report(isServing(response)) }
      }
    }
  }
}

/// Makes a health watch's call on one connection (the transport's side of
/// ``ClientConfiguration/HealthWatch``).
package protocol HealthWatchCaller: Sendable {
  /// Makes the server-streaming call, handing each response to `onResponse`, until the
  /// call ends.
  func watch<Request: ProtobufMessage, Response: ProtobufMessage>(
    request: Request, method: MethodDescriptor, onResponse: @escaping @Sendable (Response) -> Void
  ) async throws
}
