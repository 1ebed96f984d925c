public import AtendeProtobuf

/// Per-call options of a client call.
public struct CallOptions: Sendable {
  /// How long the call may take, from when it starts. nil = no deadline.
  public var timeout: Duration?
  /// Request metadata sent with the call.
  public var metadata: Metadata
  /// Limits on decoding the responses.
  public var decodingOptions: ProtobufDecodingOptions
  /// A credential for servers that authenticate their callers, sent as the
  /// `authorization` metadata entry `Bearer <token>`. nil = none.
  public var authToken: String?

  /// No deadline, no metadata.
  public static var defaults: CallOptions { CallOptions() }

  public init(
    timeout: Duration? = nil, metadata: Metadata = [:], authToken: String? = nil,
    decodingOptions: ProtobufDecodingOptions = .init()
  ) {
    self.timeout = timeout
    self.metadata = metadata
    self.authToken = authToken
    self.decodingOptions = decodingOptions
  }

  /// The metadata sent on the wire: ``metadata`` plus the `authorization` entry.
  package var wireMetadata: Metadata {
    guard let authToken else { return metadata }
    var metadata = metadata
    metadata.add("authorization", "Bearer \(authToken)")
    return metadata
  }
}
