public import Logging

/// What a handler knows about the call it serves.
public struct ServerContext: Sendable {
  /// The method called.
  public let method: MethodDescriptor
  /// The request metadata.
  public let metadata: Metadata
  /// When the call's deadline expires, if the client set one. The server cancels the
  /// handler then; long handlers can also check it to stop early.
  public let deadline: ContinuousClock.Instant?
  /// The client's address, e.g. `"127.0.0.1:51234"`.
  public let remoteAddress: String
  /// An id unique to this call within the server process, also in the logger's metadata.
  public let callID: String
  /// A logger carrying `rpc.method`, `rpc.call_id` and `rpc.stream_id`.
  public var logger: Logger

  public init(
    method: MethodDescriptor, metadata: Metadata = [:], deadline: ContinuousClock.Instant? = nil,
    remoteAddress: String = "in-process", callID: String = "0", logger: Logger
  ) {
    self.method = method
    self.metadata = metadata
    self.deadline = deadline
    self.remoteAddress = remoteAddress
    self.callID = callID
    self.logger = logger
  }
}
