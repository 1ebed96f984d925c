import ArgumentParser

/// The admin listener (metrics, health for orchestrators) and the access log.
struct OperationsOptions: ParsableArguments {
  @Option(
    help: """
      Port of the admin HTTP listener: /metrics (Prometheus), /healthz, /readyz; 0 picks a free one. \
      Without it, no admin listener runs and no metrics are kept (env ATENDE_ADMIN_PORT).
      """)
  var adminPort: Int?

  @Option(help: "Address of the admin listener (env ATENDE_ADMIN_HOST).")
  var adminHost: String = Environment.value("ATENDE_ADMIN_HOST") ?? "127.0.0.1"

  @Flag(
    inversion: .prefixedNo,
    help: "One log line per call at info (method, status, duration, peer, identity, bytes).")
  var accessLog = true

  /// The admin port from the flag, else from ATENDE_ADMIN_PORT; nil: no admin listener.
  var admin: Int? {
    adminPort ?? Environment.value("ATENDE_ADMIN_PORT").flatMap(Int.init)
  }

  func validate() throws {
    if let adminPort, !(0...65_535).contains(adminPort) {
      throw ValidationError("--admin-port must be between 0 and 65535, got \(adminPort)")
    }
    if adminPort == nil, let value = Environment.value("ATENDE_ADMIN_PORT"),
      Int(value).map({ (0...65_535).contains($0) }) != true
    {
      throw ValidationError("ATENDE_ADMIN_PORT must be a port between 0 and 65535, got \(value)")
    }
  }
}
