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
  /// What a caller needs to call the method (the .proto's `option
  /// (atende.auth.v1.required_scope)`); nil when the method declares nothing, which an
  /// authorizing server refuses.
  public let access: Access?
  /// The path sent on the wire: `"/<service>/<method>"`.
  public let path: String

  public init(service: String, method: String, kind: Kind, isIdempotent: Bool = false, access: Access? = nil) {
    self.service = service
    self.method = method
    self.kind = kind
    self.isIdempotent = isIdempotent
    self.access = access
    self.path = "/\(service)/\(method)"
  }

  public var description: String { path }
}

extension MethodDescriptor {
  /// What a caller needs to call a method.
  public enum Access: Sendable, Hashable, CustomStringConvertible {
    /// Anyone who reaches the server, without credentials (health checks, server info).
    case `public`
    /// Any caller with a valid credential, whatever its scopes.
    case authenticated
    /// A caller with a valid credential that holds this scope, e.g. `"tickets.write"`.
    case scope(String)

    /// The access a declared option value stands for: `"public"`, `"authenticated"`
    /// or a scope name (lower-case words joined by dots or underscores); nil for
    /// anything else.
    public init?(declared value: String) {
      switch value {
      case "public": self = .public
      case "authenticated": self = .authenticated
      default:
        let words = value.split(separator: ".", omittingEmptySubsequences: false)
        guard !words.isEmpty,
          words.allSatisfy({ word in !word.isEmpty && word.allSatisfy { ("a"..."z").contains($0) || $0 == "_" } })
        else { return nil }
        self = .scope(value)
      }
    }

    /// The declared option value: `"public"`, `"authenticated"` or the scope.
    public var description: String {
      switch self {
      case .public: "public"
      case .authenticated: "authenticated"
      case .scope(let scope): scope
      }
    }
  }
}
