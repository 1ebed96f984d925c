import AtendeAPI
import AtendeRPC
import AtendeServer
import Foundation
import Testing

/// TLS and mutual TLS end to end, with certificates from a throwaway authority.
@Suite("End to end: TLS and mutual TLS")
struct TLSTests {
  /// Answers with the common name of the client's certificate, or "-".
  struct PeerService: RPCService {
    static let peer = MethodDescriptor(service: "atende.testing.Peer", method: "Peer", kind: .unary)

    func registerMethods(with router: inout RPCRouter) {
      router.registerUnary(Self.peer) { (_: EchoRequest, context: ServerContext) -> EchoResponse in
        EchoResponse(text: context.peerCertificate?.commonName ?? "-")
      }
    }
  }

  static func certificates(_ name: String = "Atende test CA", clients: [String] = ["billing"]) throws
    -> DevelopmentCertificates
  {
    try DevelopmentCertificates.write(
      to: FileManager.default.temporaryDirectory.appendingPathComponent("atende-tls-\(UUID().uuidString)"),
      clients: clients, authorityName: name)
  }

  static func server(_ files: DevelopmentCertificates, clientCA: String? = nil, required: Bool = true)
    -> ServerTLSConfiguration
  {
    ServerTLSConfiguration(
      certificateChainPath: files.serverCertificatePath, privateKeyPath: files.serverKeyPath,
      clientCertificateAuthorityPath: clientCA, requireClientCertificate: required)
  }

  static func client(
    trusting authority: String, certificate: (certificate: String, key: String)? = nil
  ) -> ClientConfiguration {
    var configuration = ClientConfiguration.defaults
    configuration.tls = ClientTLSConfiguration(
      trustRootsPath: authority, certificateChainPath: certificate?.certificate, privateKeyPath: certificate?.key,
      serverName: nil)
    configuration.connectTimeout = .seconds(20)
    configuration.retry.maxAttempts = 1
    return configuration
  }

  static func peer(_ client: RPCClient) async throws -> String {
    let response: EchoResponse = try await client.unary(request: EchoRequest(), method: PeerService.peer)
    return response.text
  }

  static func connectFails(_ configuration: ClientConfiguration, port: Int) async throws -> RPCError {
    let client = RPCClient(host: "127.0.0.1", port: port, configuration: configuration)
    defer { client.close() }
    return try await #require(throws: RPCError.self) { try await peer(client) }
  }

  @Test("a client trusting the server's authority talks over TLS, by IP address and by name")
  func tls() async throws {
    let files = try Self.certificates()
    try await withTestServer(
      extra: [PeerService()], configure: { $0.tls = Self.server(files) },
      clientConfiguration: Self.client(trusting: files.authorityPath)
    ) { (_: RPCServer, client: RPCClient, port: Int) async throws in
      #expect(try await Diagnostics.Client(client).echo(.init(text: "olá")).text == "olá")
      #expect(try await Self.peer(client) == "-")  // no client certificate asked for
      let byName = RPCClient(host: "localhost", port: port, configuration: Self.client(trusting: files.authorityPath))
      defer { byName.close() }
      #expect(try await Diagnostics.Client(byName).echo(.init(text: "oi")).text == "oi")
    }
  }

  @Test("a client trusting another authority cannot connect, nor can a plain-TCP client")
  func wrongAuthority() async throws {
    let files = try Self.certificates()
    let other = try Self.certificates("Some other CA")
    try await withTestServer(extra: [PeerService()], configure: { $0.tls = Self.server(files) }) {
      (_: RPCServer, _: RPCClient, port: Int) async throws in
      let wrongCA = try await Self.connectFails(Self.client(trusting: other.authorityPath), port: port)
      #expect(wrongCA.code == .unavailable)
      #expect(wrongCA.reason == RPCErrorReason.connectFailed)
      // A plain-TCP client gets no answer it can read: its HELLO is not a TLS handshake.
      var plain = ClientConfiguration.defaults
      plain.connectTimeout = .seconds(20)
      plain.retry.maxAttempts = 1
      #expect(try await Self.connectFails(plain, port: port).code == .unavailable)
    }
  }

  @Test("mutual TLS: the client's certificate reaches the handler; none or one from another authority is refused")
  func mutualTLS() async throws {
    let files = try Self.certificates(clients: ["billing"])
    let other = try Self.certificates("Some other CA", clients: ["intruder"])
    try await withTestServer(
      extra: [PeerService()], configure: { $0.tls = Self.server(files, clientCA: files.authorityPath) },
      clientConfiguration: Self.client(trusting: files.authorityPath, certificate: files.clientCertificates["billing"])
    ) { (_: RPCServer, client: RPCClient, port: Int) async throws in
      #expect(try await Self.peer(client) == "billing")
      let missing = try await Self.connectFails(Self.client(trusting: files.authorityPath), port: port)
      #expect(missing.code == .unavailable)
      let foreign = try await Self.connectFails(
        Self.client(trusting: files.authorityPath, certificate: other.clientCertificates["intruder"]), port: port)
      #expect(foreign.code == .unavailable)
    }
  }

  @Test("optional client certificates: a client without one connects, one with a certificate is identified")
  func optionalClientCertificate() async throws {
    let files = try Self.certificates(clients: ["billing"])
    try await withTestServer(
      extra: [PeerService()],
      configure: { $0.tls = Self.server(files, clientCA: files.authorityPath, required: false) },
      clientConfiguration: Self.client(trusting: files.authorityPath)
    ) { (_: RPCServer, client: RPCClient, port: Int) async throws in
      #expect(try await Self.peer(client) == "-")
      let identified = RPCClient(
        host: "127.0.0.1", port: port,
        configuration: Self.client(trusting: files.authorityPath, certificate: files.clientCertificates["billing"]))
      defer { identified.close() }
      #expect(try await Self.peer(identified) == "billing")
    }
  }

  @Test("reloading the files: open connections go on, new ones get the new certificate")
  func reload() async throws {
    let first = try Self.certificates("First CA")
    let second = try Self.certificates("Second CA")
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("atende-reload-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let certificate = directory.appendingPathComponent("server.pem").path
    let key = directory.appendingPathComponent("server-key.pem").path
    func install(_ files: DevelopmentCertificates) throws {
      for (source, target) in [(files.serverCertificatePath, certificate), (files.serverKeyPath, key)] {
        try? FileManager.default.removeItem(atPath: target)
        try FileManager.default.copyItem(atPath: source, toPath: target)
      }
    }
    try install(first)
    try await withTestServer(
      extra: [PeerService()],
      configure: { $0.tls = ServerTLSConfiguration(certificateChainPath: certificate, privateKeyPath: key) },
      clientConfiguration: Self.client(trusting: first.authorityPath)
    ) { (server: RPCServer, client: RPCClient, port: Int) async throws in
      #expect(try await Self.peer(client) == "-")
      try install(second)
      try server.reloadTLS()
      // The open connection keeps working...
      #expect(try await Self.peer(client) == "-")
      // ...new connections present the new certificate.
      let fresh = RPCClient(host: "127.0.0.1", port: port, configuration: Self.client(trusting: second.authorityPath))
      defer { fresh.close() }
      #expect(try await Self.peer(fresh) == "-")
      #expect(try await Self.connectFails(Self.client(trusting: first.authorityPath), port: port).code == .unavailable)
      // Unusable files are refused and the current ones stay.
      try "not a certificate".write(toFile: certificate, atomically: true, encoding: .utf8)
      #expect(throws: TLSConfigurationError.self) { try server.reloadTLS() }
      let again = RPCClient(host: "127.0.0.1", port: port, configuration: Self.client(trusting: second.authorityPath))
      defer { again.close() }
      #expect(try await Self.peer(again) == "-")
    }
  }

  @Test("a client whose TLS files are unusable fails its calls with FAILED_PRECONDITION")
  func badClientFiles() async throws {
    var configuration = ClientConfiguration.defaults
    configuration.tls = ClientTLSConfiguration(trustRootsPath: "/nonexistent/ca.pem")
    configuration.retry.maxAttempts = 1
    let error = try await Self.connectFails(configuration, port: 1)
    #expect(error.code == .failedPrecondition)
    #expect(error.reason == "TLS_CONFIGURATION")
  }
}
