import ArgumentParser
import AtendeAPI
import AtendeServer
import Foundation

/// `serve`'s TLS options.
struct TLSOptions: ParsableArguments {
  @Option(help: "The server's certificate chain (PEM): serve over TLS. Needs --tls-key.")
  var tlsCert: String?

  @Option(help: "The server's private key (PEM).")
  var tlsKey: String?

  @Option(help: "Certificate authority (PEM) of client certificates: mutual TLS, clients must present one.")
  var tlsClientCa: String?

  @Flag(help: "With --tls-client-ca: clients may connect without a certificate (one they present must verify).")
  var tlsClientOptional = false

  @Option(
    help: ArgumentHelp(
      "JSON file naming what client certificates may do, by common name.",
      discussion: #"[{"common_name": "billing", "scopes": ["tickets.read"], "departments": [1, 2], "branches": [1]}]"#))
  var tlsClientIdentities: String?

  func validate() throws {
    if (tlsCert == nil) != (tlsKey == nil) { throw ValidationError("--tls-cert and --tls-key go together") }
    if tlsClientCa != nil && tlsCert == nil { throw ValidationError("--tls-client-ca needs --tls-cert and --tls-key") }
    if tlsClientOptional && tlsClientCa == nil { throw ValidationError("--tls-client-optional needs --tls-client-ca") }
    if tlsClientIdentities != nil && tlsClientCa == nil {
      throw ValidationError("--tls-client-identities needs --tls-client-ca")
    }
  }

  /// The server's TLS, nil without --tls-cert.
  var configuration: ServerTLSConfiguration? {
    guard let tlsCert, let tlsKey else { return nil }
    return ServerTLSConfiguration(
      certificateChainPath: tlsCert, privateKeyPath: tlsKey, clientCertificateAuthorityPath: tlsClientCa,
      requireClientCertificate: !tlsClientOptional)
  }

  /// One entry of the identities file.
  private struct IdentityEntry: Decodable {
    var common_name: String
    var scopes: [String]
    var departments: [Int64]?
    var branches: [Int64]?
  }

  /// The client-certificate identities of --tls-client-identities (none without it).
  func identities() throws -> [String: AuthConfiguration.CertificateIdentity] {
    guard let tlsClientIdentities else { return [:] }
    guard let data = FileManager.default.contents(atPath: tlsClientIdentities) else {
      throw ValidationError("cannot read \(tlsClientIdentities)")
    }
    let entries: [IdentityEntry]
    do {
      entries = try JSONDecoder().decode([IdentityEntry].self, from: data)
    } catch {
      throw ValidationError(
        "\(tlsClientIdentities): not a list of {common_name, scopes, departments, branches}: \(error)")
    }
    var identities: [String: AuthConfiguration.CertificateIdentity] = [:]
    for entry in entries {
      let unknown = entry.scopes.filter { !Scope.all.contains($0) }
      guard unknown.isEmpty else {
        throw ValidationError(
          "\(tlsClientIdentities): \(entry.common_name): unknown scopes \(unknown.joined(separator: ", ")); known: \(Scope.all.joined(separator: ", "))"
        )
      }
      guard identities[entry.common_name] == nil else {
        throw ValidationError("\(tlsClientIdentities): \(entry.common_name) is listed twice")
      }
      identities[entry.common_name] = .init(
        scopes: Set(entry.scopes), departments: entry.departments.map(Set.init), branches: entry.branches.map(Set.init))
    }
    return identities
  }
}

/// `atende-server dev-certificates`: a throwaway certificate authority for trying TLS.
struct DevCertificates: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dev-certificates",
    abstract: "Write a throwaway certificate authority, a server certificate and client certificates (PEM).",
    discussion: """
      For trying TLS and mutual TLS on one machine, never for production (the authority's
      key is thrown away; everything is valid for 30 days). The server certificate is for
      localhost, 127.0.0.1 and ::1.

      Examples:
        atende-server dev-certificates --out ./tls --client billing
        atende-server serve --tls-cert tls/server.pem --tls-key tls/server-key.pem
        atende --tls --ca tls/ca.pem tickets list
      """)

  @Option(help: "Directory to write ca.pem, server.pem, server-key.pem and client-NAME(-key).pem into.")
  var out: String

  @Option(help: "A client certificate to make, with this common name (repeatable).")
  var client: [String] = []

  func run() throws {
    let files = try DevelopmentCertificates.write(to: URL(fileURLWithPath: out), clients: client)
    print("authority:          \(files.authorityPath)")
    print("server certificate: \(files.serverCertificatePath)")
    print("server key:         \(files.serverKeyPath)")
    for name in client {
      if let pair = files.clientCertificates[name] {
        print("client \(name): \(pair.certificate) \(pair.key)")
      }
    }
  }
}
