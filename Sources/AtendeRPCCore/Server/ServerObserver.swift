internal import Synchronization

/// Watches what a server does — connections, calls and their outcomes, limits that
/// refused something — for metrics and access logs.
///
/// The server calls it on the connection's event loop as things happen: implementations
/// must return quickly and never block (count, or hand the work to another task). Every
/// method has an empty default, so an observer implements only what it needs.
public protocol ServerObserver: Sendable {
  /// A connection was admitted (the TLS handshake, if any, still to come).
  func connectionOpened()
  /// An admitted connection closed.
  func connectionClosed()
  /// A call was admitted and its handler is about to start.
  func callStarted(_ method: MethodDescriptor)
  /// A started call ended, with its status sent to the client.
  func callFinished(_ call: FinishedCall)
  /// A limit or a protocol rule refused a connection, a call or a frame.
  func limitReached(_ limit: ServerLimit)
}

extension ServerObserver {
  public func connectionOpened() {}
  public func connectionClosed() {}
  public func callStarted(_ method: MethodDescriptor) {}
  public func callFinished(_ call: FinishedCall) {}
  public func limitReached(_ limit: ServerLimit) {}
}

/// What a server observed of a call that ended.
public struct FinishedCall: Sendable {
  /// The method called.
  public var method: MethodDescriptor
  /// The status sent to the client: nil for OK.
  public var code: RPCError.Code?
  /// From the call's admission to its trailers.
  public var duration: Duration
  /// The request messages' bytes (payloads, without the frames' headers).
  public var requestBytes: Int
  /// The response messages' bytes (payloads, without the frames' headers).
  public var responseBytes: Int
  /// The client's address.
  public var remoteAddress: String
  /// The call's id (``ServerContext/callID``).
  public var callID: String
  /// Who called, as the authenticating interceptor established it (nil before or without
  /// authentication).
  public var identity: String?
  /// The W3C trace id the call belonged to, when the client sent a `traceparent`.
  public var traceID: String?

  /// The status's name: `"OK"` or the error code's (`"NOT_FOUND"`…).
  public var codeName: String { code?.description ?? "OK" }

  public init(
    method: MethodDescriptor, code: RPCError.Code?, duration: Duration, requestBytes: Int, responseBytes: Int,
    remoteAddress: String, callID: String, identity: String? = nil, traceID: String? = nil
  ) {
    self.method = method
    self.code = code
    self.duration = duration
    self.requestBytes = requestBytes
    self.responseBytes = responseBytes
    self.remoteAddress = remoteAddress
    self.callID = callID
    self.identity = identity
    self.traceID = traceID
  }
}

/// A limit or rule a server enforced, refusing a connection, a call or a frame.
public struct ServerLimit: Sendable, Hashable, CustomStringConvertible {
  /// A short, stable snake_case name, fit for a metric label.
  public let name: String

  private init(_ name: String) { self.name = name }

  public var description: String { name }

  /// A connection over ``ServerConfiguration/Limits/maxConnections`` was refused.
  public static let connections = ServerLimit("max_connections")
  /// A call over ``ServerConfiguration/Limits/maxConcurrentCallsPerConnection`` was refused.
  public static let concurrentCalls = ServerLimit("max_concurrent_calls")
  /// A frame over ``ServerConfiguration/Limits/maxFrameSize`` was refused.
  public static let frameSize = ServerLimit("max_frame_size")
  /// A message went over its stream's flow-control credit.
  public static let flowControl = ServerLimit("flow_control")
  /// A call named a method the server does not host.
  public static let unknownMethod = ServerLimit("unknown_method")
  /// A connection sent no HELLO within the handshake timeout.
  public static let handshakeTimeout = ServerLimit("handshake_timeout")
  /// A connection did not answer a keepalive PING in time.
  public static let keepaliveTimeout = ServerLimit("keepalive_timeout")
  /// A connection broke a rule of the protocol and was closed.
  public static let protocolError = ServerLimit("protocol_error")
  /// A call's deadline expired before it completed.
  public static let deadline = ServerLimit("deadline")
}

/// What interceptors tell the server's observer about a call (who the caller is), shared
/// by every copy of the call's ``ServerContext``.
package final class CallRecord: Sendable {
  private let state = Mutex<(identity: String?, traceID: String?)>((nil, nil))

  package init() {}

  /// The authenticated caller's name.
  package var identity: String? {
    get { state.withLock { $0.identity } }
    set { state.withLock { $0.identity = newValue } }
  }

  /// The trace the call belongs to.
  package var traceID: String? {
    get { state.withLock { $0.traceID } }
    set { state.withLock { $0.traceID = newValue } }
  }
}
