import ArgumentParser
import Logging
import OTel
import ServiceLifecycle
import Tracing

/// Tracing: off unless an OTLP endpoint is given.
struct TracingOptions: ParsableArguments {
  @Option(
    help: """
      OpenTelemetry collector to export traces to over OTLP/HTTP, e.g. http://127.0.0.1:4318 (traces go to \
      its /v1/traces); without it, tracing is off (env ATENDE_OTLP_ENDPOINT). The standard OTEL_* variables \
      (OTEL_TRACES_SAMPLER, OTEL_EXPORTER_OTLP_HEADERS, ...) apply.
      """)
  var otlpEndpoint: String?

  /// The endpoint from the flag, else from ATENDE_OTLP_ENDPOINT; nil: tracing off.
  var endpoint: String? {
    otlpEndpoint ?? Environment.value("ATENDE_OTLP_ENDPOINT")
  }

  func validate() throws {
    if let endpoint, !(endpoint.hasPrefix("http://") || endpoint.hasPrefix("https://")) {
      throw ValidationError("--otlp-endpoint must be an http:// or https:// URL, got \(endpoint)")
    }
  }

  /// The tracer exporting to the endpoint, and the service that exports its spans (run it
  /// in the server's service group: it sends what is left at shutdown); nil when tracing
  /// is off.
  func backend(logger: Logger) throws -> (tracer: any Tracer, service: any Service)? {
    guard let endpoint else { return nil }
    var configuration = OTel.Configuration.default
    configuration.serviceName = "atende-server"
    configuration.diagnosticLogger = .custom(logger)
    configuration.metrics.enabled = false
    configuration.logs.enabled = false
    configuration.traces.otlpExporter.protocol = .httpProtobuf
    var url = endpoint
    while url.hasSuffix("/") { url.removeLast() }
    configuration.traces.otlpExporter.endpoint = url.hasSuffix("/v1/traces") ? url : url + "/v1/traces"
    let backend = try OTel.makeTracingBackend(configuration: configuration)
    return (backend.factory, backend.service)
  }
}
