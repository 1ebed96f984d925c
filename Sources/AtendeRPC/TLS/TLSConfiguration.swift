internal import Crypto
internal import NIOCore
internal import NIOSSL
internal import NIOTLS
internal import SwiftASN1
internal import X509

/// TLS for a server: its certificate chain and private key and, for mutual TLS, the
/// certificate authority its clients' certificates must chain to.
///
/// The files are PEM. TLS 1.2 is the minimum and 1.3 is chosen whenever the client
/// speaks it; the ALPN protocol name is ``applicationProtocol``. ``RPCServer/reloadTLS()``
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
}

extension ServerTLSConfiguration {
  /// A context from the files as they are now.
  func makeContext() throws(TLSConfigurationError) -> NIOSSLContext {
    do {
      let chain = try NIOSSLCertificate.fromPEMFile(certificateChainPath).map {
        NIOSSLCertificateSource.certificate($0)
      }
      guard !chain.isEmpty else {
        throw TLSConfigurationError(description: "\(certificateChainPath) holds no certificate")
      }
      let key = try NIOSSLPrivateKey(file: privateKeyPath, format: .pem)
      var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
      tls.minimumTLSVersion = .tlsv12
      tls.applicationProtocols = [Self.applicationProtocol]
      if let clientCertificateAuthorityPath {
        let authorities = try NIOSSLCertificate.fromPEMFile(clientCertificateAuthorityPath)
        guard !authorities.isEmpty else {
          throw TLSConfigurationError(description: "\(clientCertificateAuthorityPath) holds no certificate")
        }
        tls.trustRoots = .certificates(authorities)
        tls.certificateVerification = requireClientCertificate ? .noHostnameVerification : .optionalVerification
      }
      return try NIOSSLContext(configuration: tls)
    } catch let error as TLSConfigurationError {
      throw error
    } catch {
      throw TLSConfigurationError(description: "cannot use the server's TLS files: \(error)")
    }
  }
}

extension ClientTLSConfiguration {
  func makeContext() throws(TLSConfigurationError) -> NIOSSLContext {
    do {
      var tls = TLSConfiguration.makeClientConfiguration()
      tls.minimumTLSVersion = .tlsv12
      tls.applicationProtocols = [ServerTLSConfiguration.applicationProtocol]
      if let trustRootsPath { tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(trustRootsPath)) }
      switch (certificateChainPath, privateKeyPath) {
      case (let chain?, let key?):
        tls.certificateChain = try NIOSSLCertificate.fromPEMFile(chain).map { .certificate($0) }
        tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
      case (nil, nil):
        break
      default:
        throw TLSConfigurationError(description: "a client certificate needs both its chain and its private key")
      }
      return try NIOSSLContext(configuration: tls)
    } catch let error as TLSConfigurationError {
      throw error
    } catch {
      throw TLSConfigurationError(description: "cannot use the client's TLS files: \(error)")
    }
  }
}

extension PeerCertificate {
  /// The identity of a verified certificate; nil when it cannot be parsed.
  init?(_ certificate: NIOSSLCertificate) {
    guard let der = try? certificate.toDERBytes(), let parsed = try? Certificate(derEncoded: der) else { return nil }
    let commonName = parsed.subject.lazy.flatMap { $0 }.first { $0.type == .RDNAttributeType.commonName }
    var dnsNames: [String] = []
    if let names = try? parsed.extensions.subjectAlternativeNames {
      for name in names {
        if case .dnsName(let dns) = name { dnsNames.append(dns) }
      }
    }
    self.init(
      subject: parsed.subject.description, commonName: commonName.map { String(describing: $0.value) },
      dnsNames: dnsNames,
      sha256Fingerprint: SHA256.hash(data: der).map { byte in String(byte, radix: 16).leftPadded(to: 2) }.joined())
  }
}

extension String {
  fileprivate func leftPadded(to width: Int) -> String {
    count >= width ? self : String(repeating: "0", count: width - count) + self
  }
}

/// Hands the client's verified certificate to its connection's handler when the TLS
/// handshake completes (before any frame can arrive).
final class PeerCertificateHandler: ChannelInboundHandler, RemovableChannelHandler {
  typealias InboundIn = ByteBuffer
  typealias InboundOut = ByteBuffer

  private let connection: ServerConnectionHandler

  init(connection: ServerConnectionHandler) {
    self.connection = connection
  }

  func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    if case TLSUserEvent.handshakeCompleted = event {
      let tls = try? context.pipeline.syncOperations.handler(type: NIOSSLServerHandler.self)
      connection.peerCertificate = tls?.peerCertificate.flatMap(PeerCertificate.init)
      context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
    context.fireUserInboundEventTriggered(event)
  }
}

/// A client's TLS context, made once for all of its connections.
struct TLSContext: Sendable {
  let context: NIOSSLContext
  let configuration: ClientTLSConfiguration

  init(_ configuration: ClientTLSConfiguration) throws(TLSConfigurationError) {
    self.context = try configuration.makeContext()
    self.configuration = configuration
  }

  /// The name to send (SNI) and verify for `host`: the configured one, else the host
  /// unless it is an IP address (which is then checked against the certificate's IP
  /// addresses).
  func serverName(for host: String) -> String? {
    if let name = configuration.serverName { return name }
    return (try? SocketAddress(ipAddress: host, port: 0)) == nil ? host : nil
  }
}

extension TLSConfigurationError: RPCErrorConvertible {
  public var rpcError: RPCError {
    RPCError(code: .failedPrecondition, message: description, reason: "TLS_CONFIGURATION", cause: self)
  }
}
