import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The local token file: where `atende-server` writes the admin token it mints on first
/// start, and where the `atende` CLI looks for a token when given none.
///
/// The file holds one token on one line and is readable by its owner only.
public enum LocalToken {
  /// `$XDG_CONFIG_HOME/atende/token`, else `~/.config/atende/token`.
  public static var defaultPath: String {
    let environment = ProcessInfo.processInfo.environment
    if let config = environment["XDG_CONFIG_HOME"], !config.isEmpty { return config + "/atende/token" }
    return (environment["HOME"] ?? ".") + "/.config/atende/token"
  }

  /// The token in the file at `path`, or nil when there is no such file or it is empty.
  public static func read(from path: String = defaultPath) -> String? {
    guard let data = FileManager.default.contents(atPath: path) else { return nil }
    let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    return token.isEmpty ? nil : token
  }

  /// Writes `token` to `path` (replacing the file), readable and writable by the owner
  /// only; the folder is created owner-only when missing.
  public static func write(_ token: String, to path: String = defaultPath) throws {
    let directory = (path as NSString).deletingLastPathComponent
    if !directory.isEmpty {
      try FileManager.default.createDirectory(
        atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }
    // Opened with mode 0600 before anything is written, so the token is never readable by others.
    let temporary = path + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"
    unlink(temporary)
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
    guard descriptor >= 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path]) }
    let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    do {
      try handle.write(contentsOf: Data((token + "\n").utf8))
      try handle.close()
    } catch {
      unlink(temporary)
      throw error
    }
    guard rename(temporary, path) == 0 else {
      unlink(temporary)
      throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
    }
  }

  /// Whether `host` names this machine only: `localhost`, an IPv4 address in
  /// 127.0.0.0/8 or `::1` (a host *name* that merely starts with "127." is not).
  public static func isLoopback(_ host: String) -> Bool {
    if host == "localhost" { return true }
    var v4 = in_addr()
    if inet_pton(AF_INET, host, &v4) == 1 { return UInt32(bigEndian: v4.s_addr) >> 24 == 127 }
    var v6 = in6_addr()
    if inet_pton(AF_INET6, host, &v6) == 1 {
      return withUnsafeBytes(of: &v6) { bytes in bytes.prefix(15).allSatisfy { $0 == 0 } && bytes[15] == 1 }
    }
    return false
  }
}
