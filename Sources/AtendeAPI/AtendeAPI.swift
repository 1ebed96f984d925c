/// The Atende API: messages, typed clients and service protocols generated from the
/// `.proto` files under `proto/` (see `Generated/`), re-exported with the runtime.
@_exported public import AtendeProtobuf
@_exported public import AtendeRPC

/// Version of this library and of the servers built from it.
public enum AtendeVersion {
  /// The semantic version.
  public static let current = "0.1.0"
}

/// The descriptors of the API's `.proto` files and of the well-known types they use:
/// what the reflection service serves.
public enum AtendeAPIDescriptors {
  /// Every file, each after the files it imports when protoc listed them so.
  public static var files: [ProtobufFileDescriptor] {
    AtendeProtobuf._ProtobufFileDescriptors.files + AtendeAPI._ProtobufFileDescriptors.files
  }
}

// Date ↔ Timestamp: `Google_Protobuf_Timestamp(date:)` and `.date`, in the runtime
// (AtendeProtobuf), one rounding rule for every client and the server.

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
