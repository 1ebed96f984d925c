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
  /// Who is calling, as the server's authenticating interceptor established it; nil
  /// before authentication, for public methods, and on servers without one.
  public var principal: Principal?

  public init(
    method: MethodDescriptor, metadata: Metadata = [:], deadline: ContinuousClock.Instant? = nil,
    remoteAddress: String = "in-process", callID: String = "0", logger: Logger, principal: Principal? = nil
  ) {
    self.method = method
    self.metadata = metadata
    self.deadline = deadline
    self.remoteAddress = remoteAddress
    self.callID = callID
    self.logger = logger
    self.principal = principal
  }
}

/// An authenticated caller: who it is and what it may do.
public struct Principal: Sendable, Hashable {
  /// Where the credential came from.
  public enum CredentialKind: String, Sendable, Hashable {
    /// An API token the server minted.
    case apiToken
    /// A JWT from an identity provider.
    case jwt
  }

  /// The identity's name: an API token's name, a JWT's subject.
  public var name: String
  /// What kind of credential it presented.
  public var credentialKind: CredentialKind
  /// The credential's public id (an API token's id, a JWT's `jti`), or "".
  public var credentialID: String
  /// The scopes it holds.
  public var scopes: Set<String>
  /// The departments whose data it may reach; nil = every department.
  public var departments: Set<Int64>?
  /// The person it acts for (the `actor` metadata, with the `act_as` scope), or nil.
  public var actingFor: String?
  /// When the credential expires, in seconds since 1970; nil = never.
  public var expiresAt: Double?

  public init(
    name: String, credentialKind: CredentialKind, credentialID: String = "", scopes: Set<String>,
    departments: Set<Int64>? = nil, actingFor: String? = nil, expiresAt: Double? = nil
  ) {
    self.name = name
    self.credentialKind = credentialKind
    self.credentialID = credentialID
    self.scopes = scopes
    self.departments = departments
    self.actingFor = actingFor
    self.expiresAt = expiresAt
  }

  /// What a history records as the author of this identity's changes: the name, or
  /// "billing on behalf of maria" when it acts for someone.
  public var recordedActor: String {
    guard let actingFor else { return name }
    return "\(name) on behalf of \(actingFor)"
  }
}
