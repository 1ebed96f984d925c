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
  /// The certificate the client presented over mutual TLS (verified against the
  /// configured authority); nil without TLS or without a client certificate.
  public let peerCertificate: PeerCertificate?
  /// Where interceptors leave what the server's observer reports of the call (shared by
  /// every copy of the context); nil when the server has no observer.
  package var record: CallRecord?

  public init(
    method: MethodDescriptor, metadata: Metadata = [:], deadline: ContinuousClock.Instant? = nil,
    remoteAddress: String = "in-process", callID: String = "0", logger: Logger, principal: Principal? = nil,
    peerCertificate: PeerCertificate? = nil
  ) {
    self.method = method
    self.metadata = metadata
    self.deadline = deadline
    self.remoteAddress = remoteAddress
    self.callID = callID
    self.logger = logger
    self.principal = principal
    self.peerCertificate = peerCertificate
  }
}

/// An authenticated caller: who it is and what it may do.
///
/// A value type; its fields live in one shared, copy-on-write box, so that passing it
/// along with every call costs a single reference count.
public struct Principal: Sendable, Hashable {
  /// Where the credential came from.
  public enum CredentialKind: String, Sendable, Hashable {
    /// An API token the server minted.
    case apiToken
    /// A JWT from an identity provider.
    case jwt
    /// A client certificate, verified in a mutual TLS handshake.
    case certificate
  }

  private final class Storage: Sendable, Hashable {
    let name: String
    let credentialKind: CredentialKind
    let credentialID: String
    let scopes: Set<String>
    let departments: Set<Int64>?
    let branches: Set<Int64>?
    let actingFor: String?
    let expiresAt: Double?

    init(
      name: String, credentialKind: CredentialKind, credentialID: String, scopes: Set<String>,
      departments: Set<Int64>?, branches: Set<Int64>?, actingFor: String?, expiresAt: Double?
    ) {
      self.name = name
      self.credentialKind = credentialKind
      self.credentialID = credentialID
      self.scopes = scopes
      self.departments = departments
      self.branches = branches
      self.actingFor = actingFor
      self.expiresAt = expiresAt
    }

    func with(actingFor: String?) -> Storage {
      Storage(
        name: name, credentialKind: credentialKind, credentialID: credentialID, scopes: scopes,
        departments: departments, branches: branches, actingFor: actingFor, expiresAt: expiresAt)
    }

    static func == (lhs: Storage, rhs: Storage) -> Bool {
      lhs === rhs
        || (lhs.name == rhs.name && lhs.credentialKind == rhs.credentialKind && lhs.credentialID == rhs.credentialID
          && lhs.scopes == rhs.scopes && lhs.departments == rhs.departments && lhs.branches == rhs.branches
          && lhs.actingFor == rhs.actingFor
          && lhs.expiresAt == rhs.expiresAt)
    }

    func hash(into hasher: inout Hasher) {
      hasher.combine(name)
      hasher.combine(credentialID)
      hasher.combine(actingFor)
    }
  }

  private var storage: Storage

  /// The identity's name: an API token's name, a JWT's subject.
  public var name: String { storage.name }
  /// What kind of credential it presented.
  public var credentialKind: CredentialKind { storage.credentialKind }
  /// The credential's public id (an API token's id, a JWT's `jti`), or "".
  public var credentialID: String { storage.credentialID }
  /// The scopes it holds.
  public var scopes: Set<String> { storage.scopes }
  /// The departments whose data it may reach; nil = every department.
  public var departments: Set<Int64>? { storage.departments }
  /// The branches whose tickets it may reach; nil = every branch.
  public var branches: Set<Int64>? { storage.branches }
  /// The person it acts for (the `actor` metadata, with the `act_as` scope), or nil.
  public var actingFor: String? {
    get { storage.actingFor }
    set { storage = storage.with(actingFor: newValue) }
  }
  /// When the credential expires, in seconds since 1970; nil = never.
  public var expiresAt: Double? { storage.expiresAt }

  public init(
    name: String, credentialKind: CredentialKind, credentialID: String = "", scopes: Set<String>,
    departments: Set<Int64>? = nil, branches: Set<Int64>? = nil, actingFor: String? = nil, expiresAt: Double? = nil
  ) {
    storage = Storage(
      name: name, credentialKind: credentialKind, credentialID: credentialID, scopes: scopes,
      departments: departments, branches: branches, actingFor: actingFor, expiresAt: expiresAt)
  }

  /// What a history records as the author of this identity's changes: the name, or
  /// "billing on behalf of maria" when it acts for someone.
  public var recordedActor: String {
    guard let actingFor else { return name }
    return "\(name) on behalf of \(actingFor)"
  }
}
