internal import Instrumentation
internal import Logging
public import Tracing
internal import W3CTraceContext

/// Writes a tracer's propagation fields (W3C `traceparent` and `tracestate` with an
/// OpenTelemetry tracer) into call metadata.
struct MetadataInjector: Injector {
  func inject(_ value: String, forKey key: String, into carrier: inout Metadata) {
    carrier[key] = value
  }
}

/// Reads a tracer's propagation fields from call metadata.
struct MetadataExtractor: Extractor {
  func extract(key: String, from carrier: Metadata) -> String? {
    carrier[key]
  }
}

/// Reads propagation fields into a dictionary (to learn the trace id a span has).
private struct DictionaryInjector: Injector {
  func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) {
    carrier[key] = value
  }
}

enum CallTracing {
  /// The metadata key of the W3C trace context.
  static let traceParent = "traceparent"

  /// The trace id of a W3C `traceparent` value (32 hex digits), or nil when it is not one.
  static func traceID(traceParent value: String) -> String? {
    guard let context = try? TraceContext(traceParentHeaderValue: value) else { return nil }
    return "\(context.traceID)"
  }

  /// The trace id of `context` as `tracer` propagates it, when it propagates W3C trace
  /// context.
  static func traceID(of context: ServiceContext, tracer: any Tracer) -> String? {
    var fields: [String: String] = [:]
    tracer.inject(context, into: &fields, using: DictionaryInjector())
    return fields[traceParent].flatMap { traceID(traceParent: $0) }
  }

  /// The attributes every call span has (OpenTelemetry's RPC conventions).
  static func describe(_ span: any Span, _ method: MethodDescriptor) {
    span.attributes["rpc.system"] = "atende"
    span.attributes["rpc.service"] = method.service
    span.attributes["rpc.method"] = method.method
  }

  /// Runs a call in a client span when the caller is traced (a span is current): the
  /// span's context travels in the call's metadata (with an OpenTelemetry tracer, as a
  /// W3C `traceparent`). Without a current span, `body` runs as is, at no cost.
  static func client<Result>(
    _ method: MethodDescriptor, _ options: CallOptions, _ body: (CallOptions) async throws -> Result
  ) async throws -> Result {
    guard ServiceContext.current != nil else { return try await body(options) }
    return try await withSpan(String(method.path.dropFirst()), ofKind: .client) { span in
      describe(span, method)
      var options = options
      InstrumentationSystem.instrument.inject(span.context, into: &options.metadata, using: MetadataInjector())
      do {
        return try await body(options)
      } catch let error as RPCError {
        span.attributes["rpc.atende.status_code"] = error.code.rawValue
        throw error
      }
    }
  }
}

/// Traces every call a server handles with `tracer`: a server span per call, the child of
/// the caller's span when its metadata carries one (a W3C `traceparent` with an
/// OpenTelemetry tracer), named `<service>/<method>`, with OpenTelemetry's RPC attributes
/// and the call's status. The handler runs with `tracer` as its task's tracer, so the
/// spans it starts (the store's transactions) are children of the call's; its logger
/// carries the trace id (`trace_id`), and so does the access log.
///
/// Put it first among the server's interceptors, so that it also sees the calls that
/// authentication refuses.
public struct TracingServerInterceptor: ServerInterceptor {
  private let tracer: any Tracer

  public init(tracer: any Tracer) {
    self.tracer = tracer
  }

  public func intercept<Result: Sendable>(
    context: ServerContext, next: (ServerContext) async throws -> Result
  ) async throws -> Result {
    var parent = ServiceContext.topLevel
    tracer.extract(context.metadata, into: &parent, using: MetadataExtractor())
    let tracer = tracer
    return try await withTracer(tracer) {
      try await withSpan(String(context.method.path.dropFirst()), context: parent, ofKind: .server) { span in
        CallTracing.describe(span, context.method)
        span.attributes["rpc.atende.call_id"] = context.callID
        span.attributes["network.peer.address"] = context.remoteAddress
        var context = context
        if let traceID = CallTracing.traceID(of: span.context, tracer: tracer) {
          context.logger[metadataKey: "trace_id"] = .string(traceID)
          context.record?.traceID = traceID
        }
        do {
          return try await next(context)
        } catch {
          let code: RPCError.Code =
            if let convertible = error as? any RPCErrorConvertible {
              convertible.rpcError.code
            } else if error is CancellationError {
              .cancelled
            } else {
              .internal
            }
          span.attributes["rpc.atende.status_code"] = code.rawValue
          throw error
        }
      }
    }
  }
}
