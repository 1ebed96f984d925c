/// Identifies one RPC method: its service, its name and its kind of call.
public struct MethodDescriptor: Sendable, Hashable, CustomStringConvertible {
  /// The kind of call of a method.
  public enum Kind: Sendable, Hashable {
    /// One request, one response.
    case unary
    /// One request, a stream of responses.
    case serverStreaming
    /// A stream of requests, one response.
    case clientStreaming
    /// Streams in both directions.
    case bidirectionalStreaming

    /// Whether the client sends exactly one request message.
    public var hasSingleRequest: Bool { self == .unary || self == .serverStreaming }
    /// Whether the server sends exactly one response message.
    public var hasSingleResponse: Bool { self == .unary || self == .clientStreaming }
  }

  /// The fully qualified service name, e.g. `"atende.diagnostics.v1.Diagnostics"`.
  public let service: String
  /// The method name, e.g. `"Echo"`.
  public let method: String
  /// The kind of call.
  public let kind: Kind
  /// Whether a call may safely run more than once (the .proto's `option
  /// idempotency_level` is `NO_SIDE_EFFECTS` or `IDEMPOTENT`): the client sends such a
  /// call again when its connection failed before the answer came.
  public let isIdempotent: Bool
  /// The path sent on the wire: `"/<service>/<method>"`.
  public let path: String

  public init(service: String, method: String, kind: Kind, isIdempotent: Bool = false) {
    self.service = service
    self.method = method
    self.kind = kind
    self.isIdempotent = isIdempotent
    self.path = "/\(service)/\(method)"
  }

  public var description: String { path }
}
