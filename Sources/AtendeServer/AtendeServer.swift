public import AtendeAPI
public import AtendeStore
public import CoreMetrics
public import Logging
public import Tracing

#if canImport(CoreFoundation)
  internal import CoreFoundation
#endif
#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Builds the Atende server: the RPC server with every Atende service.
public enum AtendeServer {
  /// The services an Atende server hosts over `store`, diagnostics included. Ticket
  /// events are read from the store's event log through `events` (by default a bus fed by
  /// `store`).
  public static func services(
    store: any AtendeStore, files: any FileContentStore, maxFileSize: Int64 = TicketFileServiceImpl.defaultMaxFileSize,
    events: TicketEventBus? = nil, health: ServerHealth? = nil, labels: [String: String] = [:],
    webhookKey: WebhookKey? = nil, startedAt: Double = currentTime()
  ) -> [any RPCService] {
    let hosted: [any RPCService] = [
      TicketFileServiceImpl(store: store, storage: files, maxFileSize: maxFileSize),
      TicketServiceImpl(store: store),
      TicketMessageServiceImpl(store: store),
      TicketContactServiceImpl(store: store),
      TicketLinkServiceImpl(store: store),
      TicketEventServiceImpl(events: events ?? TicketEventBus(log: store), log: store),
      TicketMetricsServiceImpl(store: store),
      ServiceOrderServiceImpl(store: store),
      SubjectServiceImpl(store: store),
      SlaServiceImpl(store: store),
      ParameterServiceImpl(store: store),
      ReferenceDataServiceImpl(store: store),
      IdentityServiceImpl(),
      WebhookServiceImpl(store: store as? any WebhookStore, key: webhookKey),
    ]
    var labels = labels
    labels["runtime"] = "swift-nio"
    let reflection = ReflectionServiceImpl(describing: hosted)
    return hosted + [
      reflection,
      DiagnosticsService(
        describing: hosted + [reflection], labels: labels, startedAt: startedAt,
        health: health ?? readiness(of: store)),
    ]
  }

  /// Health whose readiness probe reads the store (one small row).
  public static func readiness(of store: any AtendeStore) -> ServerHealth {
    ServerHealth { (try? await store.parameters()) != nil }
  }

  /// An RPC server hosting every Atende service over `store`.
  ///
  /// With `auth` (the production setting), every call is authenticated and authorized by
  /// an ``AuthInterceptor`` that runs before the other `interceptors`; it throws
  /// ``AuthConfigurationError`` when a hosted method declares no access requirement.
  /// Without, every call is allowed and the history records the `actor` metadata.
  ///
  /// When the server begins shutting down, its health (by default a probe reading
  /// `store`) turns NOT_SERVING first (health watchers are told before the listener
  /// closes), then, once calls are refused, `events` (by default a bus fed by `store`) is
  /// closed: watches end with UNAVAILABLE, to be resumed on another server.
  ///
  /// With `metricsFactory`, the server records ``RPCMetrics`` and its event bus's metrics
  /// with it; `observers` (an ``AccessLog``…) are told of every connection and call too.
  /// With `tracer`, every call has a server span (``TracingServerInterceptor``, first of
  /// all interceptors), the child of the caller's when it sent its trace context, and the
  /// store's transactions have spans of their own under it.
  ///
  /// With `webhookKey`, the WebhookService manages webhooks (a ``WebhookDispatcher``,
  /// run beside the server, delivers them); without, it answers FAILED_PRECONDITION.
  public static func makeServer(
    configuration: ServerConfiguration, store: any AtendeStore, files: any FileContentStore,
    maxFileSize: Int64 = TicketFileServiceImpl.defaultMaxFileSize, events: TicketEventBus? = nil,
    labels: [String: String] = [:], webhookKey: WebhookKey? = nil, auth: AuthConfiguration?,
    interceptors: [any ServerInterceptor] = [],
    health: ServerHealth? = nil, metricsFactory: (any MetricsFactory)? = nil, observers: [any ServerObserver] = [],
    tracer: (any Tracer)? = nil, logger: Logger
  ) throws -> RPCServer {
    var labels = labels
    labels["auth"] = auth == nil ? "none" : (auth?.jwt == nil ? "api-tokens" : "api-tokens,jwt")
    let events = events ?? TicketEventBus(log: store, metricsFactory: metricsFactory)
    let health = health ?? readiness(of: store)
    var observers = observers
    if let metricsFactory { observers.insert(RPCMetrics(factory: metricsFactory), at: 0) }
    let services = services(
      store: store, files: files, maxFileSize: maxFileSize, events: events, health: health, labels: labels,
      webhookKey: webhookKey)
    var interceptors = interceptors
    if let auth {
      var router = RPCRouter()
      for service in services { router.register(service) }
      interceptors.insert(try AuthInterceptor(configuration: auth, methods: router.methods), at: 0)
    }
    if let tracer { interceptors.insert(TracingServerInterceptor(tracer: tracer), at: 0) }
    let server = RPCServer(
      configuration: configuration, services: services, interceptors: interceptors,
      observer: observers.count > 1 ? ServerObservers(observers) : observers.first, logger: logger)
    server.onGracefulShutdown(.beforeRefusingCalls) { health.beginDraining() }
    server.onGracefulShutdown { events.close() }
    return server
  }

  /// Seconds on the system's monotonic clock (never set back).
  static func monotonicSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
  }

  /// Seconds since 1970.
  public static func currentTime() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
  }
}
