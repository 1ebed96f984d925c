internal import Crypto
internal import NIOCore
internal import NIOSSL
internal import NIOTLS
internal import SwiftASN1
internal import X509

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
