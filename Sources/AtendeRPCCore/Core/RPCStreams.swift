public import AtendeProtobuf
internal import NIOCore

/// The stream of messages a call receives: requests on the server, responses on the
/// client. It can be iterated once; iteration ends when the peer finishes its side,
/// and throws ``RPCError`` when the call fails.
public struct RPCAsyncSequence<Element: ProtobufMessage>: AsyncSequence, Sendable {
  public typealias Failure = any Error
  let base: InboundMessages
  let decodingOptions: ProtobufDecodingOptions
  /// The error that ends the stream when a message cannot be decoded (and whatever that
  /// failure means for the call, such as cancelling it).
  let decodingFailed: @Sendable (ProtobufDecodingError) -> RPCError
  /// Told the cost of each message taken (flow control gives the bytes back to the peer).
  let consumed: (@Sendable (Int) -> Void)?

  package init(
    base: InboundMessages, decodingOptions: ProtobufDecodingOptions,
    decodingFailed: @escaping @Sendable (ProtobufDecodingError) -> RPCError,
    consumed: (@Sendable (Int) -> Void)? = nil
  ) {
    self.base = base
    self.decodingOptions = decodingOptions
    self.decodingFailed = decodingFailed
    self.consumed = consumed
  }

  public func makeAsyncIterator() -> AsyncIterator {
    AsyncIterator(
      base: base.makeAsyncIterator(), decodingOptions: decodingOptions, decodingFailed: decodingFailed,
      consumed: consumed)
  }

  /// Iterates the messages.
  public struct AsyncIterator: AsyncIteratorProtocol {
    var base: InboundMessages.AsyncIterator
    let decodingOptions: ProtobufDecodingOptions
    let decodingFailed: @Sendable (ProtobufDecodingError) -> RPCError
    let consumed: (@Sendable (Int) -> Void)?
    /// Set once a message could not be decoded: the stream is over.
    var failure: RPCError?

    public mutating func next() async throws -> Element? {
      if let failure { throw failure }
      guard let buffer = try await base.next() else { return nil }
      consumed?(FlowControl.cost(payload: buffer.readableBytes))
      do {
        return try buffer.decodeMessage(Element.self, options: decodingOptions)
      } catch {
        let failure = decodingFailed(error)
        self.failure = failure
        throw failure
      }
    }
  }
}

/// Sends the messages of a stream: responses on the server, requests on the client.
/// `write` waits while the connection cannot take more data (backpressure).
public struct RPCWriter<Element: ProtobufMessage>: Sendable {
  private let sink: @Sendable (Element) async throws -> Void

  /// A writer that hands each message to `sink` (for tests and in-process use).
  public init(_ sink: @escaping @Sendable (Element) async throws -> Void) {
    self.sink = sink
  }

  /// Sends one message.
  public func write(_ message: Element) async throws {
    try await sink(message)
  }

  /// Sends each message in order.
  public func write(contentsOf messages: some Sequence<Element>) async throws {
    for message in messages { try await sink(message) }
  }
}

extension RPCError {
  /// The error for a request message that could not be decoded: the caller sent it.
  package init(decoding error: ProtobufDecodingError) {
    if error.code == .allocationBudgetExceeded {
      self.init(code: .resourceExhausted, message: error.description, reason: "DECODE_BUDGET_EXCEEDED", cause: error)
    } else if error.code == .nestingTooDeep {
      self.init(code: .invalidArgument, message: error.description, reason: "NESTING_TOO_DEEP", cause: error)
    } else {
      self.init(code: .invalidArgument, message: error.description, cause: error)
    }
  }

  /// The error for a response message that could not be decoded: not the caller's fault.
  package init(undecodableResponse error: ProtobufDecodingError) {
    self.init(code: .internal, message: "the response could not be decoded: \(error)", cause: error)
  }
}
