/// How a server listens, what it accepts and how long it waits.
public struct ServerConfiguration: Sendable {
  /// The address to listen on. Tests and development use `127.0.0.1`.
  public var host: String
  /// The port to listen on; 0 picks a free port (see `RPCServer.listeningPort()`).
  public var port: Int
  /// Size and count limits.
  public var limits: Limits
  /// Timeouts.
  public var timeouts: Timeouts
  /// Identification sent in the server's HELLO.
  public var agent: String
  /// Where call handlers run (default ``HandlerPlacement/eventLoop``).
  public var handlerPlacement: HandlerPlacement = .eventLoop
  /// TLS (and mutual TLS); nil = plain TCP.
  public var tls: ServerTLSConfiguration?
  /// Whether `RPCServer.run()` listens on ``host``:``port`` (default true). A server
  /// that does not is reached only from its own process, with
  /// `RPCClient(inProcess:)`: tests and embedding
  /// that need no port. In-process clients are served either way.
  public var listensOnTCP: Bool = true

  /// Where the tasks that run call handlers execute.
  public enum HandlerPlacement: Sendable {
    /// On the event loop of the call's connection, for methods with a single response
    /// (unary and client-streaming): such a call never hops between threads, which makes
    /// small calls several times cheaper. Their handlers must not block the thread (await
    /// slow work, or run it elsewhere); the store's queries run on its own queue. Methods
    /// that stream responses always run on the global executor, so a handler writing many
    /// responses in a row cannot keep its connection's loop from reading.
    case eventLoop
    /// On Swift's global concurrent executor: for handlers that block.
    case globalExecutor
  }

  /// Size and count limits, with safe defaults.
  public struct Limits: Sendable {
    /// The largest frame payload accepted, in bytes (default 1 MiB). Larger
    /// messages fail their call with `RESOURCE_EXHAUSTED`.
    public var maxFrameSize: Int = 1 << 20
    /// Calls one connection may have open at once (default 1024); more are refused
    /// with `RESOURCE_EXHAUSTED` and never started.
    public var maxConcurrentCallsPerConnection: Int = 1024
    /// Connections open at once (default 4096); more are closed at once.
    public var maxConnections: Int = 4096
    /// The most memory protobuf-c may allocate to decode one request (default 16 MiB).
    public var decodeAllocationBudget: Int = 16 << 20
    /// The flow-control window of each call's requests, in bytes (default 2 MiB; raised to
    /// `maxFrameSize` + 10 if smaller): what a client speaking protocol version 2 may send
    /// on a stream before the handler takes them. A connection buffers at most
    /// `maxConcurrentCallsPerConnection` times this in requests.
    public var initialWindowSize: Int = 2 << 20

    public init() {}
  }

  /// Timeouts, with safe defaults.
  public struct Timeouts: Sendable {
    /// Time a new connection has to send its HELLO (default 10 s).
    public var handshake: Duration = .seconds(10)
    /// A connection with no open call is closed after this long (default 5 min).
    public var idle: Duration = .seconds(300)
    /// A silent connection is pinged after this long (default 30 s)...
    public var keepaliveInterval: Duration = .seconds(30)
    /// ...and closed when the answer does not come within this (default 10 s).
    public var keepaliveTimeout: Duration = .seconds(10)
    /// At shutdown, calls still running after this long are ended (default 30 s).
    public var shutdownGracePeriod: Duration = .seconds(30)
    /// At shutdown, how long the server goes on taking connections and calls after its
    /// health has turned NOT_SERVING, before it refuses them (default 0): time for
    /// balancers polling `/readyz` and clients watching health to send their calls
    /// elsewhere first.
    public var drainDelay: Duration = .zero

    public init() {}
  }

  /// Listens on `host:port` with default limits and timeouts.
  public init(host: String = "127.0.0.1", port: Int = 7400, agent: String = "atende-server") {
    self.host = host
    self.port = port
    self.limits = Limits()
    self.timeouts = Timeouts()
    self.agent = agent
  }

  /// `127.0.0.1:7400`, default limits and timeouts.
  public static var defaults: ServerConfiguration { ServerConfiguration() }
}

extension Duration {
  package var nanosecondsClamped: Int64 {
    let (seconds, attoseconds) = components
    let (nanos, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
    return overflow ? .max : nanos + attoseconds / 1_000_000_000
  }
}
