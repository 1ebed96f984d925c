import AtendeAPI
import AtendeStore
import Foundation
import Logging
import Testing

@testable import AtendeServer

/// Every method the Atende server hosts, as registered from the generated descriptors.
private let hostedMethods: [MethodDescriptor] = {
  var router = RPCRouter()
  let services = AtendeServer.services(
    store: try! SQLiteStore.inMemory(), files: try! temporaryFileStorage())
  for service in services { router.register(service) }
  return router.methods
}()

/// Calls `method` with an empty request (or none) and returns the error it ended with,
/// nil when it succeeded. Calls are given 10 s: a stream still open then was let through
/// (an authorization error comes at once; the client is connected beforehand, see
/// `connected`, so a loaded machine's slow connect does not count).
private func call(_ method: MethodDescriptor, on client: RPCClient, actor: String? = nil) async -> RPCError? {
  let options = CallOptions(timeout: .seconds(10), metadata: actor.map { ["actor": $0] } ?? [:])
  do {
    switch method.kind {
    case .unary:
      let _: Google_Protobuf_Empty = try await client.unary(
        request: Google_Protobuf_Empty(), method: method, options: options)
    case .serverStreaming:
      try await client.serverStreaming(request: Google_Protobuf_Empty(), method: method, options: options) {
        (responses: RPCAsyncSequence<Google_Protobuf_Empty>) in
        for try await _ in responses {}
      }
    case .clientStreaming:
      let _: Google_Protobuf_Empty = try await client.clientStreaming(method: method, options: options) {
        (_: RPCWriter<Google_Protobuf_Empty>) in
      }
    case .bidirectionalStreaming:
      try await client.bidirectionalStreaming(method: method, options: options) {
        (_: RPCWriter<Google_Protobuf_Empty>) in
      } onResponses: { (responses: RPCAsyncSequence<Google_Protobuf_Empty>) in
        for try await _ in responses {}
      }
    }
    return nil
  } catch let error as RPCError {
    return error
  } catch {
    return RPCError(code: .unknown, message: "\(error)")
  }
}

/// `client`, once its connection is up (a public call, without a deadline).
private func connected(_ client: RPCClient) async throws -> RPCClient {
  _ = try await Diagnostics.Client(client).check(HealthCheckRequest())
  return client
}

private func isAuthError(_ error: RPCError?) -> Bool {
  error?.code == .unauthenticated || error?.code == .permissionDenied
}

@Suite("Authorization of every method")
struct AuthorizationTests {
  @Test("every hosted method declares its access in the .proto, with a known scope")
  func everyMethodDeclares() {
    #expect(hostedMethods.count > 50)
    for method in hostedMethods {
      #expect(method.access != nil, "\(method) declares no required_scope")
      if case .scope(let scope)? = method.access { #expect(Scope.all.contains(scope), "\(method): \(scope)") }
    }
    let publicMethods = hostedMethods.filter { $0.access == .public }.map(\.path).sorted()
    #expect(
      publicMethods == [
        "/atende.diagnostics.v1.Diagnostics/Check", "/atende.diagnostics.v1.Diagnostics/GetServerInfo",
        "/atende.diagnostics.v1.Diagnostics/Watch",
      ])
  }

  @Test("a server hosting a method without an access declaration does not start")
  func undeclaredMethodRefused() throws {
    let store = try SQLiteStore.inMemory()
    let undeclared = MethodDescriptor(service: "atende.test.v1.Test", method: "Open", kind: .unary)
    #expect(throws: AuthConfigurationError.self) {
      try AuthInterceptor(configuration: AuthConfiguration(tokens: store), methods: hostedMethods + [undeclared])
    }
    _ = try AuthInterceptor(configuration: AuthConfiguration(tokens: store), methods: hostedMethods)
  }

  // One server per test, the methods one after the other: every method of every service,
  // as the generated descriptors list them (a method added without a scope fails above).

  @Test("no credentials: UNAUTHENTICATED on every method but the public ones")
  func noCredentials() async throws {
    try await withAuthServer { server in
      let client = try await connected(server.client(nil))
      defer { client.close() }
      for method in hostedMethods {
        let error = await call(method, on: client)
        if method.access == .public {
          #expect(!isAuthError(error), "\(method): \(String(describing: error))")
        } else {
          #expect(error?.code == .unauthenticated, "\(method): \(String(describing: error))")
          #expect(error?.reason == AuthReason.credentialsMissing, "\(method)")
        }
      }
    }
  }

  @Test("a token without the method's scope: PERMISSION_DENIED; with it: no auth error")
  func scopes() async throws {
    try await withAuthServer { server in
      // public and authenticated methods: any valid token passes.
      let anyone = try await connected(server.client(try await server.token("someone", scopes: [Scope.actAs])))
      defer { anyone.close() }
      for method in hostedMethods {
        guard case .scope(let scope)? = method.access else {
          let error = await call(method, on: anyone)
          #expect(!isAuthError(error), "\(method): \(String(describing: error))")
          continue
        }
        let lacking = try await connected(
          server.client(try await server.token("lacking", scopes: Scope.all.filter { $0 != scope })))
        let holding = try await connected(server.client(try await server.token("holding", scopes: [scope])))
        defer {
          lacking.close()
          holding.close()
        }
        let denied = await call(method, on: lacking)
        #expect(denied?.code == .permissionDenied, "\(method): \(String(describing: denied))")
        #expect(denied?.reason == AuthReason.scopeMissing, "\(method)")
        #expect(denied?.message.contains(scope) == true, "\(method)")
        let allowed = await call(method, on: holding)
        #expect(!isAuthError(allowed), "\(method): \(String(describing: allowed))")
      }
    }
  }
}

@Suite("API tokens")
struct APITokenTests {
  private func whoAmI(_ client: RPCClient, actor: String? = nil) async throws(RPCError) -> Identity {
    try await IdentityService.Client(client).whoAmI(
      WhoAmIRequest(), options: CallOptions(metadata: actor.map { ["actor": $0] } ?? [:]))
  }

  @Test("a minted token has its shape, and only its digest is stored")
  func mintedToken() async throws {
    let (token, record) = APIToken.mint(
      name: "billing", scopes: ["tickets.read"], departments: [1, 2],
      expiresAt: Date(timeIntervalSince1970: 1_900_000_000), now: Date(timeIntervalSince1970: 1_800_000_000))
    #expect(APIToken.looksLikeToken(token[...]))
    #expect(token.hasPrefix("atd_" + record.id + "_"))
    #expect(record.secretDigest == APIToken.digest(token) && record.secretDigest.count == 64)
    let store = try SQLiteStore.inMemory()
    try await store.insertAPIToken(record)
    let stored = try #require(try await store.apiTokens().first)
    #expect(stored == record)
    #expect(!"\(stored)".contains(token.suffix(64)))
    let (other, _) = APIToken.mint(name: "billing", scopes: [], departments: nil, expiresAt: nil, now: Date())
    #expect(other != token)
  }

  @Test("whoami names the token's identity, scopes and departments")
  func whoami() async throws {
    try await withAuthServer { server in
      let client = server.client(try await server.token("ixc-agent", scopes: ["tickets.read"], departments: [2, 1]))
      defer { client.close() }
      let identity = try await whoAmI(client)
      #expect(identity.name == "ixc-agent" && identity.kind == .apiToken)
      #expect(identity.scopes == ["tickets.read"] && identity.departments == [1, 2])
      #expect(identity.recordedActor == "ixc-agent")
    }
  }

  @Test("unknown, malformed, expired and revoked tokens: UNAUTHENTICATED with their reason")
  func badTokens() async throws {
    try await withAuthServer { server in
      let (unknown, _) = APIToken.mint(name: "x", scopes: [], departments: nil, expiresAt: nil, now: Date())
      let expiring = try await server.token("temp", scopes: ["tickets.read"], expiresIn: 60)
      let revoked = try await server.token("gone", scopes: ["tickets.read"])
      for (token, reason) in [
        (unknown, AuthReason.tokenUnknown), ("not-a-token", AuthReason.credentialsMalformed),
      ] {
        let client = server.client(token)
        defer { client.close() }
        let error = await failure { _ = try await whoAmI(client) }
        #expect(error?.code == .unauthenticated && error?.reason == reason, "\(reason): \(String(describing: error))")
      }
      let expiringClient = server.client(expiring)
      let revokedClient = server.client(revoked)
      defer {
        expiringClient.close()
        revokedClient.close()
      }
      _ = try await whoAmI(expiringClient)
      _ = try await whoAmI(revokedClient)
      server.clock.advance(by: 61)
      let expired = await failure { _ = try await whoAmI(expiringClient) }
      #expect(expired?.code == .unauthenticated && expired?.reason == AuthReason.tokenExpired)

      // Revoked from elsewhere (another process, straight in the database): the server
      // notices when it reads the cached token again (5 s).
      _ = try await server.store.revokeAPITokens(idOrName: "gone", at: server.clock.now)
      server.clock.advance(by: 6)
      let revokedError = await failure { _ = try await whoAmI(revokedClient) }
      #expect(revokedError?.code == .unauthenticated && revokedError?.reason == AuthReason.tokenRevoked)
    }
  }

  @Test("a live stream ends with UNAUTHENTICATED once its token expires or is revoked")
  func streamsEndWithTheirCredential() async throws {
    try await withAuthServer(streamCheckInterval: .milliseconds(20)) { server in
      let expiring = server.client(try await server.token("temp", scopes: ["tickets.read"], expiresIn: 60))
      let revoked = server.client(try await server.token("gone", scopes: ["tickets.read"]))
      defer {
        expiring.close()
        revoked.close()
      }
      /// Watches until the stream ends; its error (a 30 s deadline bounds a failure).
      func watch(_ client: RPCClient) -> Task<RPCError?, Never> {
        Task {
          await failure {
            try await TicketEventService.Client(client).watchTickets(
              WatchTicketsRequest(), options: CallOptions(timeout: .seconds(30))
            ) { events in for try await _ in events {} }
          }
        }
      }
      let first = watch(expiring)
      let second = watch(revoked)
      // Let both streams be checked and running, then end their credentials.
      try await Task.sleep(for: .milliseconds(200))
      _ = try await server.store.revokeAPITokens(idOrName: "gone", at: server.clock.now)
      server.clock.advance(by: 61)  // past the expiry, and past the 5 s token cache
      let expired = await first.value
      #expect(
        expired?.code == .unauthenticated && expired?.reason == AuthReason.tokenExpired,
        "\(String(describing: expired))")
      let gone = await second.value
      #expect(gone?.code == .unauthenticated && gone?.reason == AuthReason.tokenRevoked, "\(String(describing: gone))")
    }
  }

  @Test("an address causing many failed authentications is slowed down; known credentials go on")
  func failedAuthenticationLimit() async throws {
    try await withAuthServer(failedAuthenticationLimit: .init(callsPerSecond: 1, burst: 5)) { server in
      let known = server.client(try await server.token("known", scopes: ["tickets.read"]))
      let stranger = server.client(nil)
      defer {
        known.close()
        stranger.close()
      }
      _ = try await whoAmI(known)  // checked once: now in the cache
      for _ in 0..<5 {
        let error = await failure { _ = try await whoAmI(stranger) }
        #expect(error?.code == .unauthenticated)
      }
      let limited = await failure { _ = try await whoAmI(stranger) }
      #expect(limited?.code == .resourceExhausted && limited?.reason == AuthReason.rateLimited)
      #expect(limited?.retryAfter == .seconds(1))
      _ = try await whoAmI(known)
      server.clock.advance(by: 1)
      let again = await failure { _ = try await whoAmI(stranger) }
      #expect(again?.code == .unauthenticated)
    }
  }

  @Test("the last use of a token is recorded")
  func lastUse() async throws {
    try await withAuthServer { server in
      let client = server.client(try await server.token("billing", scopes: ["tickets.read"]))
      defer { client.close() }
      #expect(try await server.store.apiTokens().first { $0.name == "billing" }?.lastUsedAt == nil)
      _ = try await whoAmI(client)
      let used = try await server.store.apiTokens().first { $0.name == "billing" }?.lastUsedAt
      #expect(used == server.clock.now)
    }
  }

  @Test("an actor needs act_as; with it the history records both names")
  func actAs() async throws {
    try await withAuthServer { server in
      let plain = server.client(try await server.token("billing", scopes: ["tickets.read", "tickets.write"]))
      let service = server.client(
        try await server.token("billing", scopes: ["tickets.read", "tickets.write", "act_as"]))
      defer {
        plain.close()
        service.close()
      }
      let forged = await failure { _ = try await whoAmI(plain, actor: "maria") }
      #expect(forged?.code == .permissionDenied && forged?.reason == AuthReason.actAsRequired)
      let request = CreateTicketRequest(
        ticket: Ticket(
          kind: .client, clientId: 1001, subjectId: 1, title: "Sem internet", departmentId: 1, priority: .high,
          description: "Sem conexão"))
      let refused = await failure {
        _ = try await TicketService.Client(plain).createTicket(
          request, options: CallOptions(metadata: ["actor": "maria"]))
      }
      #expect(refused?.code == .permissionDenied)
      #expect(try await TicketService.Client(plain).listTickets(ListTicketsRequest()).tickets.isEmpty)

      let identity = try await whoAmI(service, actor: "maria")
      #expect(identity.actingFor == "maria" && identity.recordedActor == "billing on behalf of maria")
      let ticket = try await TicketService.Client(service).createTicket(
        request, options: CallOptions(metadata: ["actor": "maria"]))
      #expect(ticket.openedBy == "billing on behalf of maria")
      let history = try await TicketService.Client(service).listTicketHistory(ListHistoryRequest(id: ticket.id))
      #expect(history.entries.first?.actor == "billing on behalf of maria")
      // Without an actor, the service's own name.
      let own = try await TicketService.Client(service).createTicket(request)
      #expect(own.openedBy == "billing")
    }
  }

  @Test("reference-data upserts are audited with the identity that made them")
  func referenceAudit() async throws {
    try await withAuthServer { server in
      let sync = server.client(try await server.token("erp-sync", scopes: ["admin", "reference.read"]))
      defer { sync.close() }
      let reference = ReferenceDataService.Client(sync)
      let result = try await reference.upsertClients(
        UpsertClientsRequest(clients: [
          Client(id: 1001, name: "Ana Paula Souza", active: true),  // in the demo data: changed
          Client(id: 9001, name: "Nova Cliente", active: true),
        ]))
      #expect(result.created == 1 && result.updated == 1)
      _ = try await reference.upsertClients(
        UpsertClientsRequest(clients: [Client(id: 9001, name: "Nova Cliente", active: true)]))
      let changes = try await reference.listReferenceChanges(ListHistoryRequest()).entries.filter {
        $0.actor == "erp-sync"
      }
      #expect(
        changes.map { "\($0.kind) \($0.field) \($0.newValue)" } == ["UPDATED clients 1001", "CREATED clients 9001"])
      let demo = try await reference.listReferenceChanges(ListHistoryRequest(kind: "CREATED", pageSize: 500)).entries
      #expect(demo.contains { $0.actor == "demo-data" && $0.field == "departments" })
    }
  }

  @Test("echo calls that wait or repeat need the diagnostics scope")
  func echoNeedsDiagnostics() async throws {
    try await withAuthServer { server in
      let plain = server.client(try await server.token("probe", scopes: ["tickets.read"]))
      let diagnostics = server.client(try await server.token("ops", scopes: ["diagnostics"]))
      defer {
        plain.close()
        diagnostics.close()
      }
      _ = try await Diagnostics.Client(plain).echo(EchoRequest(text: "oi"))
      let delayed = await failure { _ = try await Diagnostics.Client(plain).echo(EchoRequest(delayMillis: 1)) }
      #expect(delayed?.code == .permissionDenied && delayed?.reason == AuthReason.scopeMissing)
      _ = try await Diagnostics.Client(diagnostics).echo(EchoRequest(delayMillis: 1))
    }
  }

  @Test("one identity flooding gets RESOURCE_EXHAUSTED with a retry delay; another keeps going")
  func rateLimit() async throws {
    try await withAuthServer(rateLimit: .init(callsPerSecond: 5, burst: 10)) { server in
      let noisy = server.client(try await server.token("noisy", scopes: ["tickets.read"]))
      let quiet = server.client(try await server.token("quiet", scopes: ["tickets.read"]))
      defer {
        noisy.close()
        quiet.close()
      }
      for _ in 0..<10 { _ = try await whoAmI(noisy) }
      let limited = await failure { _ = try await whoAmI(noisy) }
      #expect(limited?.code == .resourceExhausted && limited?.reason == AuthReason.rateLimited)
      #expect(limited?.retryAfter == .milliseconds(200))
      for _ in 0..<10 { _ = try await whoAmI(quiet) }
      server.clock.advance(by: 0.2)
      _ = try await whoAmI(noisy)
    }
  }
}

extension APITokenTests {
  @Test("the rate limit runs on a clock that never steps: a wall clock set back an hour throttles nobody")
  func wallClockSetBack() async throws {
    try await withAuthServer(rateLimit: .init(callsPerSecond: 10, burst: 5)) { server in
      let caller = server.client(try await server.token("caller", scopes: ["tickets.read"]))
      defer { caller.close() }
      for _ in 0..<3 {
        for _ in 0..<5 { _ = try await whoAmI(caller) }
        server.clock.setWallClock(by: -3600)
        server.clock.advance(by: 0.5)  // refills the burst
      }
      for _ in 0..<5 { _ = try await whoAmI(caller) }
      let limited = await failure { _ = try await whoAmI(caller) }
      #expect(limited?.reason == AuthReason.rateLimited)  // still limited on the steady clock
    }
  }
}

@Suite("Token bucket")
struct TokenBucketTests {
  @Test("a full bucket admits its burst, then one call per 1/rate seconds")
  func bucket() {
    let limiter = RateLimiter<String>(rate: 2, burst: 3)
    #expect((0..<3).map { _ in limiter.admit("a", now: 100) } == [nil, nil, nil])
    #expect(limiter.admit("a", now: 100) == 0.5)
    #expect(limiter.admit("b", now: 100) == nil)
    #expect(limiter.admit("a", now: 100.5) == nil)
    #expect(limiter.admit("a", now: 100.5) == 0.5)
    #expect(limiter.admit("a", now: 200) == nil)  // refilled, capped at the burst
    #expect(limiter.admit("a", now: 200) == nil)
    #expect(limiter.admit("a", now: 200) == nil)
    #expect(limiter.admit("a", now: 200) != nil)
  }
}
