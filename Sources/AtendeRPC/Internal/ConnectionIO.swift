internal import NIOCore

/// The I/O bookkeeping both connection handlers share, as a value: one flush per
/// event-loop tick however many frames were written, writers waiting for the channel to
/// become writable again, and reads held back while consumers are full (protocol
/// version 1's backpressure). The handlers perform what it decides.
struct ConnectionIO<Waiter> {
  /// A flush was asked for and has not happened yet.
  private(set) var flushScheduled = false
  /// Writers to resume once the channel is writable, oldest first.
  private(set) var writabilityWaiters: [Waiter] = []
  /// Consumers (calls or streams) that asked the connection to stop reading.
  private(set) var paused = 0
  /// NIO asked for a read while reading was paused.
  private(set) var readPending = false
  /// Streams whose consumer took messages since the last flush (protocol version 2):
  /// their WINDOW_UPDATEs go out with it.
  private(set) var windowUpdates: [UInt32] = []

  /// Asks for a flush; true the first time in a tick: the caller schedules it then.
  mutating func requestFlush() -> Bool {
    guard !flushScheduled else { return false }
    flushScheduled = true
    return true
  }

  /// Whether the scheduled flush is still due (it is then no longer).
  mutating func takeFlush() -> Bool {
    defer { flushScheduled = false }
    return flushScheduled
  }

  /// `streamID`'s consumer took messages: grant their bytes back at the next flush.
  mutating func grantLater(_ streamID: UInt32) {
    windowUpdates.append(streamID)
  }

  /// The streams to grant bytes back to now (a stream may be listed more than once).
  mutating func takeWindowUpdates() -> [UInt32] {
    defer { windowUpdates.removeAll(keepingCapacity: true) }
    return windowUpdates
  }

  /// A frame was written for `waiter`: it may go on at once when the channel is still
  /// writable (returned), or waits for ``writable()``.
  mutating func wrote(for waiter: Waiter, isWritable: Bool) -> Waiter? {
    if isWritable { return waiter }
    writabilityWaiters.append(waiter)
    return nil
  }

  /// The channel became writable: the waiters to resume.
  mutating func writable() -> [Waiter] {
    defer { writabilityWaiters.removeAll() }
    return writabilityWaiters
  }

  /// NIO asks for a read: true to read now, false when it waits for ``resume()``.
  mutating func read() -> Bool {
    guard paused > 0 else { return true }
    readPending = true
    return false
  }

  /// A consumer is full: stop reading until it resumes.
  mutating func pause() {
    paused += 1
  }

  /// A paused consumer resumed (or went away): true when the read NIO asked for must be
  /// issued now.
  mutating func resume() -> Bool {
    guard paused > 0 else { return false }  // cleared meanwhile (the connection failed)
    paused -= 1
    guard paused == 0, readPending else { return false }
    readPending = false
    return true
  }

  /// Every consumer went away at once (the connection is failing).
  mutating func clearPaused() {
    paused = 0
    readPending = false
  }

  /// The connection closed: every waiter, to fail; nothing stays paused.
  mutating func close() -> [Waiter] {
    clearPaused()
    return writable()
  }
}

/// A connection handler on top of ``ConnectionIO``: the NIO side of its decisions.
protocol ConnectionIOHandler: AnyObject {
  var io: ConnectionIO<EventLoopPromise<Void>> { get set }
  /// The handler's context while it is in a pipeline.
  var ioContext: ChannelHandlerContext? { get }
  /// The bytes to grant back to `streamID` now (0: none, or the stream ended); taking
  /// them adds them back to its receive window.
  func takeWindowIncrement(_ streamID: UInt32) -> Int
}

extension ConnectionIOHandler {
  /// Flushes once per event-loop tick, however many frames were written.
  func scheduleFlush() {
    guard let context = ioContext, io.requestFlush() else { return }
    let loop = NIOLoopBound(self, eventLoop: context.eventLoop)
    context.eventLoop.execute { loop.value.flushIfNeeded() }
  }

  /// The scheduled flush, if still due (reads also end with one).
  func flushIfNeeded() {
    guard io.takeFlush() else { return }
    writeWindowUpdates()
    ioContext?.flush()
  }

  /// A consumer took messages of `streamID`: its WINDOW_UPDATE goes out with the next flush.
  func grantLater(_ streamID: UInt32) {
    io.grantLater(streamID)
    scheduleFlush()
  }

  /// The WINDOW_UPDATEs gathered since the last flush, one per stream, in one write.
  private func writeWindowUpdates() {
    let streamIDs = io.takeWindowUpdates()
    guard !streamIDs.isEmpty, let context = ioContext else { return }
    var buffer = context.channel.allocator.buffer(
      capacity: streamIDs.count * (Frame.headerSize + FlowControl.windowUpdatePayloadSize))
    for streamID in streamIDs {
      let increment = takeWindowIncrement(streamID)
      if increment > 0 { FlowControl.writeWindowUpdate(increment, streamID: streamID, into: &buffer) }
    }
    if buffer.readableBytes > 0 { context.write(NIOAny(buffer), promise: nil) }
  }

  /// Writes `frame`, flushing with the tick; `promise` (if any) completes once the
  /// channel can take more.
  func write(_ frame: ByteBuffer, completing promise: EventLoopPromise<Void>? = nil) {
    guard let context = ioContext else {
      promise?.fail(ChannelError.ioOnClosedChannel)
      return
    }
    context.write(NIOAny(frame), promise: nil)
    scheduleFlush()
    if let promise, let ready = io.wrote(for: promise, isWritable: context.channel.isWritable) {
      ready.succeed()
    }
  }

  /// Resumes the writers once the channel is writable.
  func writabilityChanged(isWritable: Bool) {
    guard isWritable else { return }
    for waiter in io.writable() { waiter.succeed() }
  }

  /// NIO asks for a read.
  func readIfNotPaused() {
    if io.read() { ioContext?.read() }
  }

  /// A paused consumer resumed.
  func resumeReads() {
    if io.resume() { ioContext?.read() }
  }
}
