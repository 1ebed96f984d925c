/// How a client connects and reconnects.
public struct ClientConfiguration: Sendable {
  /// Connections opened to each endpoint (calls are spread over them round-robin).
  public var connectionsPerEndpoint: Int = 1
  /// How long a connection attempt (TCP connect plus HELLO exchange) may take. A call
  /// waits for it no longer than its own deadline; the attempt goes on for other calls.
  public var connectTimeout: Duration = .seconds(5)
  /// Waits between failed connection attempts.
  public var backoff: Backoff = Backoff()
  /// The largest frame payload the client accepts (sent in its HELLO).
  public var maxFrameSize: Int = 1 << 20
  /// The flow-control window of each streaming call's responses, in bytes (default
  /// 2 MiB; raised to `maxFrameSize` + 10 if smaller): how much a server speaking
  /// protocol version 2 sends on a stream before the caller takes the responses. A
  /// stalled consumer holds at most this much, and stops only its own call.
  public var initialWindowSize: Int = 2 << 20
  /// Identification sent in the client's HELLO.
  public var agent: String = "atende-swift"
  /// When unary calls are sent again (calls the server never started, and idempotent
  /// calls that failed with `UNAVAILABLE`), with the client-wide retry budget.
  public var retry: RetryPolicy = RetryPolicy()
  /// The credential sent with every call that sets no ``CallOptions/authToken`` of its
  /// own: ``StaticCredentials`` for an API token, ``RefreshingCredentials`` for JWTs.
  /// A fixed token (``CredentialsProvider/fixedToken``) travels once per connection.
  public var credentials: (any CredentialsProvider)?
  /// TLS (and a client certificate for mutual TLS); nil = plain TCP.
  public var tls: ClientTLSConfiguration?
  /// How a connection that stopped answering is found out; nil = never pinged.
  public var keepalive: Keepalive? = Keepalive()
  /// How each connection learns whether its server serves, so that new calls avoid a
  /// server that is draining or cannot reach its database; nil (the default) = not
  /// watched: a draining server is left when it says GOAWAY. See ``HealthWatch``.
  public var healthWatch: HealthWatch?

  /// Keepalive: a connection from which nothing was read for ``interval`` is sent a
  /// PING; with no answer (or anything else read) within ``timeout`` it is closed and
  /// its calls fail with `UNAVAILABLE` (`CONNECTION_CLOSED`), so a dead server or network
  /// path is noticed within interval + timeout instead of at the calls' deadlines.
  public struct Keepalive: Sendable, Hashable {
    /// Silence before a PING (default 30 s).
    public var interval: Duration = .seconds(30)
    /// How long the answer may take (default 10 s).
    public var timeout: Duration = .seconds(10)

    public init(interval: Duration = .seconds(30), timeout: Duration = .seconds(10)) {
      self.interval = interval
      self.timeout = timeout
    }
  }

  /// The entries every connection sends in its HELLO for all of its calls: the fixed
  /// token, if any.
  package var connectionMetadata: Metadata {
    guard let token = credentials?.fixedToken else { return [:] }
    return ["authorization": "Bearer \(token)"]
  }

  /// Exponential backoff with jitter.
  public struct Backoff: Sendable {
    /// The first wait.
    public var initial: Duration = .milliseconds(100)
    /// The longest wait.
    public var maximum: Duration = .seconds(10)
    /// Each failure multiplies the wait by this.
    public var multiplier: Double = 1.6
    /// Random spread of each wait, as a fraction (0.2 = ±20%).
    public var jitter: Double = 0.2

    public init() {}

    /// The wait after `attempts` consecutive failures.
    package func delay(afterAttempts attempts: Int) -> Duration {
      let base = Double(initial.nanosecondsClamped) * pow(multiplier, Double(max(0, attempts - 1)))
      let capped = min(base, Double(maximum.nanosecondsClamped))
      let spread = capped * jitter
      return .nanoseconds(Int64(capped + Double.random(in: -spread...spread)))
    }
  }

  /// One connection per endpoint, default timeouts and backoff.
  public init() {}

  /// Defaults.
  public static var defaults: ClientConfiguration { ClientConfiguration() }
}

/// A server address.
public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
  /// Host name or IP address.
  public var host: String
  /// TCP port.
  public var port: Int

  public init(host: String, port: Int) {
    self.host = host
    self.port = port
  }

  /// Parses `"host:port"`.
  public init?(_ text: String) {
    guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]) else { return nil }
    self.init(host: String(text[..<colon]), port: port)
  }

  public var description: String { "\(host):\(port)" }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif
