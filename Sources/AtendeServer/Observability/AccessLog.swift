public import AtendeRPC
public import Logging

/// The access log: one line per call at `info`, once it ends — method, status, duration,
/// peer, identity, bytes and trace id. Nothing of the request's metadata is logged, so no
/// credential ever reaches it.
public struct AccessLog: ServerObserver {
  private let logger: Logger

  /// An access log writing through `logger` (lines at `info`: a level above hides them).
  public init(logger: Logger) {
    self.logger = logger
  }

  public func callFinished(_ call: FinishedCall) {
    guard logger.logLevel <= .info else { return }
    var metadata: Logger.Metadata = [
      "rpc.method": .string(call.method.path),
      "rpc.status": .string(call.codeName),
      "rpc.duration_ms": .stringConvertible(Double(call.duration.nanosecondsClamped / 1000) / 1000),
      "rpc.remote_address": .string(call.remoteAddress),
      "rpc.call_id": .string(call.callID),
      "rpc.request_bytes": .stringConvertible(call.requestBytes),
      "rpc.response_bytes": .stringConvertible(call.responseBytes),
    ]
    if let identity = call.identity { metadata["rpc.identity"] = .string(identity) }
    if let traceID = call.traceID { metadata["trace_id"] = .string(traceID) }
    logger.info("call", metadata: metadata)
  }
}
