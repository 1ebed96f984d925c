public import AtendeProtobuf

/// Per-call options of a client call.
public struct CallOptions: Sendable {
  /// How long the call may take, from when it starts. nil = no deadline.
  public var timeout: Duration?
  /// Request metadata sent with the call.
  public var metadata: Metadata
  /// Limits on decoding the responses.
  public var decodingOptions: ProtobufDecodingOptions

  /// No deadline, no metadata.
  public static var defaults: CallOptions { CallOptions() }

  public init(timeout: Duration? = nil, metadata: Metadata = [:], decodingOptions: ProtobufDecodingOptions = .init()) {
    self.timeout = timeout
    self.metadata = metadata
    self.decodingOptions = decodingOptions
  }
}
