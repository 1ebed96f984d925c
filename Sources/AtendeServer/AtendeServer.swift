public import AtendeAPI
public import Logging

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Builds the Atende server: the RPC server with every Atende service.
public enum AtendeServer {
  /// The services an Atende server hosts, diagnostics included.
  public static func services(startedAt: Double = currentTime()) -> [any RPCService] {
    let hosted: [any RPCService] = []
    return hosted + [DiagnosticsService(describing: hosted, labels: ["runtime": "swift-nio"], startedAt: startedAt)]
  }

  /// An RPC server hosting every Atende service.
  public static func makeServer(
    configuration: ServerConfiguration, interceptors: [any ServerInterceptor] = [], logger: Logger
  ) -> RPCServer {
    RPCServer(configuration: configuration, services: services(), interceptors: interceptors, logger: logger)
  }

  /// Seconds since 1970.
  public static func currentTime() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
  }
}
