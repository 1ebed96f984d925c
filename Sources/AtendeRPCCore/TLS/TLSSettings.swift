/// The TLS settings as values (paths and choices): the TCP transport (`AtendeRPC`) makes
/// them into swift-nio-ssl contexts.

/// TLS for a server: its certificate chain and private key and, for mutual TLS, the
/// certificate authority its clients' certificates must chain to.
///
/// The files are PEM. TLS 1.2 is the minimum and 1.3 is chosen whenever the client
/// speaks it; the ALPN protocol name is ``applicationProtocol``. `RPCServer.reloadTLS()`
/// reads the files again (new connections use them; open ones keep theirs).
public struct ServerTLSConfiguration: Sendable, Hashable {
  /// The server's certificate, then any intermediates, in PEM.
  public var certificateChainPath: String
  /// The server's private key, in PEM.
  public var privateKeyPath: String
  /// Certificates (PEM) of the authorities a client certificate must chain to; nil = no
  /// client certificates are asked for.
  public var clientCertificateAuthorityPath: String?
  /// With ``clientCertificateAuthorityPath``: whether a client must present a
  /// certificate (true, the default), or may connect without one (a certificate it
  /// presents must still verify).
  public var requireClientCertificate: Bool

  public init(
    certificateChainPath: String, privateKeyPath: String, clientCertificateAuthorityPath: String? = nil,
    requireClientCertificate: Bool = true
  ) {
    self.certificateChainPath = certificateChainPath
    self.privateKeyPath = privateKeyPath
    self.clientCertificateAuthorityPath = clientCertificateAuthorityPath
    self.requireClientCertificate = requireClientCertificate
  }

  /// The ALPN protocol name of this protocol over TLS.
  public static let applicationProtocol = "atende/1"
}

/// TLS for a client: whom it trusts and, for mutual TLS, its own certificate.
public struct ClientTLSConfiguration: Sendable, Hashable {
  /// Certificates (PEM) of the authorities the server's certificate must chain to; nil =
  /// the system's trust store.
  public var trustRootsPath: String?
  /// The client's certificate chain (PEM), for servers that ask for one.
  public var certificateChainPath: String?
  /// The client's private key (PEM), with ``certificateChainPath``.
  public var privateKeyPath: String?
  /// The name the server's certificate must carry (and the SNI name sent); nil = the
  /// endpoint's host (an IP address is then checked against the certificate's IP
  /// addresses).
  public var serverName: String?

  public init(
    trustRootsPath: String? = nil, certificateChainPath: String? = nil, privateKeyPath: String? = nil,
    serverName: String? = nil
  ) {
    self.trustRootsPath = trustRootsPath
    self.certificateChainPath = certificateChainPath
    self.privateKeyPath = privateKeyPath
    self.serverName = serverName
  }
}

/// The certificate a peer presented in the TLS handshake, once verified.
public struct PeerCertificate: Sendable, Hashable {
  /// The subject's distinguished name, e.g. `"CN=billing,O=Provedor"`.
  public var subject: String
  /// The subject's common name (`CN`), when it has one.
  public var commonName: String?
  /// The DNS names of the subject alternative names.
  public var dnsNames: [String]
  /// The SHA-256 digest of the certificate (DER), in lower-case hex: a stable id.
  public var sha256Fingerprint: String

  public init(subject: String, commonName: String?, dnsNames: [String] = [], sha256Fingerprint: String) {
    self.subject = subject
    self.commonName = commonName
    self.dnsNames = dnsNames
    self.sha256Fingerprint = sha256Fingerprint
  }
}

/// A TLS configuration could not be used (a missing or unreadable file, a key that does
/// not match its certificate...).
public struct TLSConfigurationError: Error, CustomStringConvertible {
  public var description: String

  package init(description: String) {
    self.description = description
  }
}

extension TLSConfigurationError: RPCErrorConvertible {
  public var rpcError: RPCError {
    RPCError(code: .failedPrecondition, message: description, reason: "TLS_CONFIGURATION", cause: self)
  }
}
