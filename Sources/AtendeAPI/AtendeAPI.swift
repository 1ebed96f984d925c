/// The Atende API: messages, typed clients and service protocols generated from the
/// `.proto` files under `proto/` (see `Generated/`), re-exported with the runtime.
@_exported public import AtendeProtobuf
@_exported public import AtendeRPC

/// Version of this library and of the servers built from it.
public enum AtendeVersion {
  /// The semantic version.
  public static let current = "0.1.0"
}

extension Google_Protobuf_Timestamp {
  /// The timestamp of `date`, as seconds and nanoseconds since 1970.
  public init(secondsSince1970 interval: Double) {
    let seconds = interval.rounded(.down)
    self.init(seconds: Int64(seconds), nanos: Int32(((interval - seconds) * 1e9).rounded()))
  }

  /// Seconds since 1970.
  public var secondsSince1970: Double { Double(seconds) + Double(nanos) / 1e9 }
}

extension ClientConfiguration.HealthWatch {
  /// Atende's health watch: `Diagnostics.Watch` for the whole server (public, no
  /// credential needed), serving while it answers SERVING.
  ///
  /// ```swift
  /// var configuration = ClientConfiguration()
  /// configuration.healthWatch = .atende
  /// let client = RPCClient(endpoints: [first, second], configuration: configuration)
  /// ```
  public static var atende: Self {
    Self(method: Diagnostics.Method.watch, request: HealthCheckRequest()) { (response: HealthCheckResponse) in
      response.status == .serving
    }
  }
}
