internal import Crypto
public import Foundation
internal import SwiftASN1
internal import X509

/// A throwaway certificate authority, a server certificate it signed and client
/// certificates, in PEM files: for trying TLS and mutual TLS on one machine, and for
/// tests. Never for production: the authority's key is not kept, and everything is
/// valid for 30 days.
public struct DevelopmentCertificates: Sendable {
  /// The authority's certificate: what clients trust (`--ca`), and what the server
  /// checks client certificates against (`--tls-client-ca`).
  public let authorityPath: String
  /// The server's certificate (for `localhost`, `127.0.0.1` and `::1`) and its key.
  public let serverCertificatePath: String
  public let serverKeyPath: String
  /// Each client's certificate (common name = the name) and key, by name.
  public let clientCertificates: [String: (certificate: String, key: String)]

  /// Writes `ca.pem`, `server.pem`, `server-key.pem` and, for each name of `clients`,
  /// `client-NAME.pem` and `client-NAME-key.pem` into `directory` (created if needed;
  /// keys are written with mode 0600). `authorityName` names the authority (two sets
  /// with different names do not trust each other).
  public static func write(
    to directory: URL, clients: [String] = [], authorityName: String = "Atende development CA"
  ) throws -> DevelopmentCertificates {
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let now = Date()
    let validity = (now.addingTimeInterval(-3600), now.addingTimeInterval(30 * 86_400))
    let authorityKey = P256.Signing.PrivateKey()
    let authority = try DistinguishedName { CommonName(authorityName) }
    let authorityCertificate = try Certificate(
      version: .v3, serialNumber: .init(), publicKey: .init(authorityKey.publicKey), notValidBefore: validity.0,
      notValidAfter: validity.1, issuer: authority, subject: authority, signatureAlgorithm: .ecdsaWithSHA256,
      extensions: try Certificate.Extensions {
        Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
        Critical(KeyUsage(keyCertSign: true, cRLSign: true))
      }, issuerPrivateKey: .init(authorityKey))

    func leaf(_ name: String, usage: ExtendedKeyUsage.Usage, names: [GeneralName]) throws -> (String, String) {
      let key = P256.Signing.PrivateKey()
      let certificate = try Certificate(
        version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey), notValidBefore: validity.0,
        notValidAfter: validity.1, issuer: authority, subject: try DistinguishedName { CommonName(name) },
        signatureAlgorithm: .ecdsaWithSHA256,
        extensions: try Certificate.Extensions {
          Critical(BasicConstraints.notCertificateAuthority)
          Critical(KeyUsage(digitalSignature: true))
          try ExtendedKeyUsage([usage])
          if !names.isEmpty { SubjectAlternativeNames(names) }
        }, issuerPrivateKey: .init(authorityKey))
      return (try certificate.serializeAsPEM().pemString, key.pemRepresentation)
    }

    func write(_ text: String, _ name: String, secret: Bool = false) throws -> String {
      let path = directory.appendingPathComponent(name).path
      FileManager.default.createFile(
        atPath: path, contents: Data(text.utf8), attributes: secret ? [.posixPermissions: 0o600] : nil)
      guard FileManager.default.fileExists(atPath: path) else {
        throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
      }
      return path
    }

    let authorityPath = try write(try authorityCertificate.serializeAsPEM().pemString, "ca.pem")
    let server = try leaf(
      "localhost", usage: .serverAuth,
      names: [
        .dnsName("localhost"), .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1])),
        .ipAddress(ASN1OctetString(contentBytes: ArraySlice([UInt8](repeating: 0, count: 15) + [1]))),
      ])
    var clientFiles: [String: (certificate: String, key: String)] = [:]
    for client in clients {
      let (certificate, key) = try leaf(client, usage: .clientAuth, names: [])
      clientFiles[client] = (
        try write(certificate, "client-\(client).pem"), try write(key, "client-\(client)-key.pem", secret: true)
      )
    }
    return DevelopmentCertificates(
      authorityPath: authorityPath, serverCertificatePath: try write(server.0, "server.pem"),
      serverKeyPath: try write(server.1, "server-key.pem", secret: true), clientCertificates: clientFiles)
  }
}
