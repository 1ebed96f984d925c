public import AtendeAPI

/// `atende.auth.v1.IdentityService`: tells callers who the server takes them to be.
public struct IdentityServiceImpl: IdentityService.ServiceProtocol {
  public init() {}

  public func whoAmI(_ request: WhoAmIRequest, context: ServerContext) async throws -> Identity {
    guard let principal = context.principal else {
      throw RPCError(
        code: .unauthenticated, message: "this server does not authenticate calls (started with --no-auth)",
        reason: AuthReason.credentialsMissing)
    }
    return Identity(
      name: principal.name, kind: Identity.Kind(principal.credentialKind),
      scopes: principal.scopes.sorted(), departments: principal.departments?.sorted() ?? [],
      actingFor: principal.actingFor ?? "", recordedActor: principal.recordedActor,
      credentialId: principal.credentialID,
      expiresAt: principal.expiresAt.map { Google_Protobuf_Timestamp(secondsSince1970: $0) },
      branches: principal.branches?.sorted() ?? [])
  }
}

extension Identity.Kind {
  init(_ kind: Principal.CredentialKind) {
    switch kind {
    case .apiToken: self = .apiToken
    case .jwt: self = .jwt
    case .certificate: self = .certificate
    }
  }
}
