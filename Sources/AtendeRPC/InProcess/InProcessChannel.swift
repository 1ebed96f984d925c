internal import NIOCore
internal import Synchronization

/// One end of a connection whose bytes travel in memory, inside one process: the
/// in-process transport. The client and the server run the same handlers, frames and
/// rules as over TCP; only the socket is gone (no port, no kernel, no network).
///
/// The pair behaves as a TCP connection does for the handlers above it:
/// - a flush hands the written bytes to the peer, which reads them on its event loop when
///   its pipeline asks to read (`read()`, so read pausing works as on a socket);
/// - the writer becomes unwritable while more than the high watermark of its bytes wait
///   unread at the peer, and writable again below the low watermark (backpressure);
/// - closing one end closes the other once it has read what was sent before.
///
/// Everything but the thread-safe properties runs on the channel's event loop.
final class InProcessChannel: Channel, ChannelCore, @unchecked Sendable {
  let eventLoop: any EventLoop
  let allocator = ByteBufferAllocator()
  let localAddress: SocketAddress?
  let remoteAddress: SocketAddress?
  var parent: (any Channel)? { nil }
  var _channelCore: any ChannelCore { self }
  var closeFuture: EventLoopFuture<Void> { closePromise.futureResult }
  var pipeline: ChannelPipeline { _pipeline }
  var isWritable: Bool { writable.load(ordering: .relaxed) }
  var isActive: Bool { active.load(ordering: .relaxed) }

  private let closePromise: EventLoopPromise<Void>
  private var _pipeline: ChannelPipeline!
  private let writable = Atomic<Bool>(true)
  private let active = Atomic<Bool>(false)

  // MARK: Event-loop state

  private enum Lifecycle { case idle, active, closed }
  private var lifecycle = Lifecycle.idle
  /// The other end; nil once either end closed.
  private var peer: InProcessChannel?
  /// Written, not yet flushed.
  private var pendingWrites: [(ByteBuffer, EventLoopPromise<Void>?)] = []
  /// Flushed by the peer, not yet read by this end's pipeline.
  private var inbound = CircularBuffer<ByteBuffer>()
  /// The peer closed: once `inbound` is read, this end closes too.
  private var peerClosed = false
  /// The pipeline asked to read (`read()`), and nothing was delivered since.
  private var readRequested = false
  private var deliveryScheduled = false
  /// This end's flushed bytes the peer has not read yet (its writability).
  private var unreadAtPeer = 0
  private var autoRead = true
  private var maxMessagesPerRead = 16
  private var waterMark = ChannelOptions.Types.WriteBufferWaterMark(low: 32 * 1024, high: 64 * 1024)

  private init(eventLoop: any EventLoop, local: SocketAddress?, remote: SocketAddress?) {
    self.eventLoop = eventLoop
    self.localAddress = local
    self.remoteAddress = remote
    self.closePromise = eventLoop.makePromise()
    self._pipeline = ChannelPipeline(channel: self)
  }

  /// Two connected ends on `eventLoop`, not yet active: add the handlers, then
  /// ``activate()`` each end.
  static func pair(on eventLoop: any EventLoop) -> (client: InProcessChannel, server: InProcessChannel) {
    let address = try? SocketAddress(unixDomainSocketPath: "in-process")
    let client = InProcessChannel(eventLoop: eventLoop, local: address, remote: address)
    let server = InProcessChannel(eventLoop: eventLoop, local: address, remote: address)
    client.peer = server
    server.peer = client
    return (client, server)
  }

  /// Registers the channel and makes it active (`channelActive`), then reads if
  /// `autoRead` is on. On the event loop.
  func activate() {
    eventLoop.preconditionInEventLoop()
    guard lifecycle == .idle else { return }
    lifecycle = .active
    active.store(true, ordering: .relaxed)
    pipeline.fireChannelRegistered()
    pipeline.fireChannelActive()
    if autoRead { pipeline.read() }
  }

  // MARK: Options

  func setOption<Option: ChannelOption>(_ option: Option, value: Option.Value) -> EventLoopFuture<Void> {
    let box = UncheckedSendable((option, value))
    return eventLoop.submit { try self.setOption0(box.value.0, value: box.value.1) }
  }

  func getOption<Option: ChannelOption>(_ option: Option) -> EventLoopFuture<Option.Value> {
    let box = UncheckedSendable(option)
    return eventLoop.submit { UncheckedSendable(try self.getOption0(box.value)) }.map { $0.value }
  }

  private func setOption0<Option: ChannelOption>(_ option: Option, value: Option.Value) throws {
    switch option {
    case is ChannelOptions.Types.AutoReadOption:
      autoRead = value as! Bool
      if autoRead && lifecycle == .active { pipeline.read() }
    case is ChannelOptions.Types.MaxMessagesPerReadOption:
      maxMessagesPerRead = max(1, Int(value as! UInt))
    case is ChannelOptions.Types.WriteBufferWaterMarkOption:
      waterMark = value as! ChannelOptions.Types.WriteBufferWaterMark
    case is ChannelOptions.Types.AllowRemoteHalfClosureOption:
      guard !(value as! Bool) else { throw ChannelError.operationUnsupported }
    default:
      throw ChannelError.operationUnsupported
    }
  }

  private func getOption0<Option: ChannelOption>(_ option: Option) throws -> Option.Value {
    switch option {
    case is ChannelOptions.Types.AutoReadOption: return autoRead as! Option.Value
    case is ChannelOptions.Types.MaxMessagesPerReadOption: return UInt(maxMessagesPerRead) as! Option.Value
    case is ChannelOptions.Types.WriteBufferWaterMarkOption: return waterMark as! Option.Value
    case is ChannelOptions.Types.AllowRemoteHalfClosureOption: return false as! Option.Value
    default: throw ChannelError.operationUnsupported
    }
  }

  // MARK: ChannelCore

  func localAddress0() throws -> SocketAddress {
    guard let localAddress else { throw ChannelError.operationUnsupported }
    return localAddress
  }

  func remoteAddress0() throws -> SocketAddress {
    guard let remoteAddress else { throw ChannelError.operationUnsupported }
    return remoteAddress
  }

  func register0(promise: EventLoopPromise<Void>?) { promise?.succeed() }
  func registerAlreadyConfigured0(promise: EventLoopPromise<Void>?) { promise?.succeed() }
  func bind0(to: SocketAddress, promise: EventLoopPromise<Void>?) { promise?.fail(ChannelError.operationUnsupported) }
  func connect0(to: SocketAddress, promise: EventLoopPromise<Void>?) {
    promise?.fail(ChannelError.operationUnsupported)
  }

  func write0(_ data: NIOAny, promise: EventLoopPromise<Void>?) {
    guard lifecycle != .closed else {
      promise?.fail(ChannelError.ioOnClosedChannel)
      return
    }
    guard let buffer = tryUnwrapData(data, as: ByteBuffer.self) else {
      promise?.fail(ChannelError.operationUnsupported)
      return
    }
    pendingWrites.append((buffer, promise))
  }

  func flush0() {
    guard lifecycle == .active, let peer, !pendingWrites.isEmpty else { return }
    let writes = pendingWrites
    pendingWrites.removeAll(keepingCapacity: true)
    var buffers: [ByteBuffer] = []
    buffers.reserveCapacity(writes.count)
    var bytes = 0
    for (buffer, _) in writes where buffer.readableBytes > 0 {
      buffers.append(buffer)
      bytes += buffer.readableBytes
    }
    unreadAtPeer += bytes
    if unreadAtPeer > waterMark.high && isWritable {
      writable.store(false, ordering: .relaxed)
      pipeline.fireChannelWritabilityChanged()
    }
    let delivery = UncheckedSendable(buffers)
    peer.eventLoop.execute { peer.received(delivery.value) }
    // The bytes are with the peer, as bytes in a socket's kernel buffer: the writes are done.
    for (_, promise) in writes { promise?.succeed() }
  }

  func read0() {
    guard lifecycle == .active else { return }
    readRequested = true
    scheduleDelivery()
  }

  func close0(error: any Error, mode: CloseMode, promise: EventLoopPromise<Void>?) {
    guard mode == .all else {
      promise?.fail(ChannelError.operationUnsupported)
      return
    }
    guard lifecycle != .closed else {
      promise?.fail(ChannelError.alreadyClosed)
      return
    }
    let wasActive = lifecycle == .active
    lifecycle = .closed
    active.store(false, ordering: .relaxed)
    let writes = pendingWrites
    pendingWrites.removeAll()
    inbound.removeAll()
    if let peer {
      self.peer = nil
      peer.eventLoop.execute { peer.peerDidClose() }
    }
    for (_, promise) in writes { promise?.fail(error) }
    promise?.succeed()
    if wasActive { pipeline.fireChannelInactive() }
    pipeline.fireChannelUnregistered()
    // As NIO's own channels do: the handlers go on a later tick, and the close future
    // completes once they are gone.
    eventLoop.execute {
      self.removeHandlers(pipeline: self.pipeline)
      self.closePromise.succeed()
    }
  }

  func triggerUserOutboundEvent0(_ event: Any, promise: EventLoopPromise<Void>?) {
    promise?.fail(ChannelError.operationUnsupported)
  }

  func channelRead0(_ data: NIOAny) {}
  func errorCaught0(error: any Error) {}

  // MARK: Between the two ends

  /// Bytes the peer flushed.
  private func received(_ buffers: [ByteBuffer]) {
    guard lifecycle != .closed else { return }
    inbound.append(contentsOf: buffers)
    scheduleDelivery()
  }

  /// The peer read `bytes` of what this end sent.
  private func peerRead(_ bytes: Int) {
    unreadAtPeer -= bytes
    if unreadAtPeer < waterMark.low && !isWritable && lifecycle == .active {
      writable.store(true, ordering: .relaxed)
      pipeline.fireChannelWritabilityChanged()
    }
  }

  private func peerDidClose() {
    peer = nil
    peerClosed = true
    scheduleDelivery()
  }

  /// Delivers on a later tick, as a socket's readiness would: never from inside the
  /// pipeline call that asked.
  private func scheduleDelivery() {
    guard !deliveryScheduled, lifecycle == .active else { return }
    guard (readRequested && !inbound.isEmpty) || (peerClosed && inbound.isEmpty) else { return }
    deliveryScheduled = true
    eventLoop.execute { self.deliver() }
  }

  private func deliver() {
    deliveryScheduled = false
    guard lifecycle == .active else { return }
    if inbound.isEmpty {
      // Everything the peer sent was read: its close arrives, as EOF would.
      if peerClosed { close0(error: ChannelError.eof, mode: .all, promise: nil) }
      return
    }
    guard readRequested else { return }
    readRequested = false
    var bytes = 0
    var count = 0
    while count < maxMessagesPerRead, let buffer = inbound.popFirst() {
      bytes += buffer.readableBytes
      count += 1
      pipeline.fireChannelRead(buffer)
      guard lifecycle == .active else { return }
    }
    pipeline.fireChannelReadComplete()
    if let peer {
      let read = bytes
      peer.eventLoop.execute { peer.peerRead(read) }
    }
    if autoRead && lifecycle == .active { pipeline.read() }
    scheduleDelivery()
  }
}
