import NIOCore
import NIOEmbedded
import Testing

@testable import AtendeRPC
@testable import AtendeRPCCore

/// The in-memory connection the in-process transport runs on, driven by hand on an
/// embedded event loop: nothing moves until the loop runs, so every step is checked.
@Suite("In-process channel: bytes, read pausing, backpressure, close")
struct InProcessChannelTests {
  /// Records what reaches the end of a pipeline, and can hold back reads.
  final class Recorder: ChannelDuplexHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer

    var received: [String] = []
    var readCompletes = 0
    var writabilityChanges: [Bool] = []
    var active = false
    var inactive = false
    /// While true, the pipeline's read requests stop here (as a handler pausing reads does).
    var holdReads = false
    var heldRead = false

    func channelActive(context: ChannelHandlerContext) { active = true }
    func channelInactive(context: ChannelHandlerContext) { inactive = true }
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
      received.append(String(buffer: unwrapInboundIn(data)))
    }
    func channelReadComplete(context: ChannelHandlerContext) { readCompletes += 1 }
    func channelWritabilityChanged(context: ChannelHandlerContext) {
      writabilityChanges.append(context.channel.isWritable)
    }
    func read(context: ChannelHandlerContext) {
      if holdReads { heldRead = true } else { context.read() }
    }
  }

  /// A connected, active pair on `loop`, with a recorder at each end.
  func pair(_ loop: EmbeddedEventLoop) throws -> (InProcessChannel, Recorder, InProcessChannel, Recorder) {
    let (client, server) = InProcessChannel.pair(on: loop)
    let clientRecorder = Recorder()
    let serverRecorder = Recorder()
    try client.pipeline.syncOperations.addHandler(clientRecorder)
    try server.pipeline.syncOperations.addHandler(serverRecorder)
    server.activate()
    client.activate()
    return (client, clientRecorder, server, serverRecorder)
  }

  /// Sets an option: the embedded loop runs the task that does it.
  func set(
    _ channel: InProcessChannel, _ loop: EmbeddedEventLoop, _ setOption: (InProcessChannel) -> EventLoopFuture<Void>
  ) throws {
    let future = setOption(channel)
    loop.run()
    try future.wait()
  }

  func send(_ text: String, on channel: InProcessChannel, flush: Bool = true) -> EventLoopFuture<Void> {
    let future = channel.write(channel.allocator.buffer(string: text))
    if flush { channel.flush() }
    return future
  }

  @Test("a flush hands the bytes to the peer, which reads them on a later tick; unflushed bytes stay")
  func bytesTravelOnFlush() throws {
    let loop = EmbeddedEventLoop()
    let (client, clientRecorder, server, serverRecorder) = try pair(loop)
    #expect(clientRecorder.active && serverRecorder.active)
    #expect(client.isActive && server.isActive)
    let held = send("held", on: client, flush: false)
    loop.run()
    #expect(serverRecorder.received.isEmpty)
    let sent = send("hello", on: client)
    var completed = false
    held.and(sent).whenSuccess { _ in completed = true }
    #expect(completed)  // the writes are done once flushed
    #expect(serverRecorder.received.isEmpty)  // not read inside the flush
    loop.run()
    #expect(serverRecorder.received == ["held", "hello"])
    _ = send("back", on: server)
    loop.run()
    #expect(clientRecorder.received == ["back"])
  }

  @Test("nothing is read while the pipeline holds its read requests; reading resumes where it stopped")
  func readPausing() throws {
    let loop = EmbeddedEventLoop()
    let (client, _, server, serverRecorder) = try pair(loop)
    _ = send("one", on: client)
    loop.run()
    #expect(serverRecorder.received == ["one"])
    serverRecorder.holdReads = true
    _ = send("two", on: client)
    loop.run()  // delivers "two", then the next read request is held
    _ = send("three", on: client)
    loop.run()
    #expect(serverRecorder.received == ["one", "two"])
    #expect(serverRecorder.heldRead)
    serverRecorder.holdReads = false
    server.read()
    loop.run()
    #expect(serverRecorder.received == ["one", "two", "three"])
  }

  @Test("at most maxMessagesPerRead buffers per read, each read ending with channelReadComplete")
  func readsAreBatched() throws {
    let loop = EmbeddedEventLoop()
    let (client, _, server, serverRecorder) = try pair(loop)
    try set(server, loop) { $0.setOption(.maxMessagesPerRead, value: 2) }
    loop.run()
    let before = serverRecorder.readCompletes
    for index in 0..<5 { _ = send("\(index)", on: client, flush: false) }
    client.flush()
    loop.run()
    #expect(serverRecorder.received == ["0", "1", "2", "3", "4"])
    #expect(serverRecorder.readCompletes - before == 3)
  }

  @Test(
    "the writer turns unwritable above the high watermark of unread bytes, and writable below the low one once read")
  func backpressure() throws {
    let loop = EmbeddedEventLoop()
    let (client, clientRecorder, server, serverRecorder) = try pair(loop)
    try set(client, loop) { $0.setOption(.writeBufferWaterMark, value: .init(low: 4, high: 8)) }
    serverRecorder.holdReads = true
    loop.run()
    _ = send("12345", on: client)
    #expect(client.isWritable)  // 5 unread bytes: not over the high mark
    loop.run()  // read by the read request made on activation; the next one is held
    #expect(serverRecorder.received == ["12345"])
    #expect(serverRecorder.heldRead)
    _ = send("123456789", on: client)
    #expect(!client.isWritable)  // 9 unread bytes
    #expect(clientRecorder.writabilityChanges == [false])
    loop.run()
    #expect(!client.isWritable)  // the server still does not read
    serverRecorder.holdReads = false
    server.read()
    loop.run()
    #expect(serverRecorder.received == ["12345", "123456789"])
    #expect(client.isWritable)
    #expect(clientRecorder.writabilityChanges == [false, true])
  }

  @Test("closing one end: the other reads what was sent before, then closes; later writes fail")
  func close() throws {
    let loop = EmbeddedEventLoop()
    let (client, clientRecorder, server, serverRecorder) = try pair(loop)
    _ = send("last words", on: client)
    client.close(promise: nil)
    #expect(!client.isActive)
    #expect(clientRecorder.inactive)
    loop.run()
    #expect(serverRecorder.received == ["last words"])
    #expect(serverRecorder.inactive)
    #expect(!server.isActive)
    var closed = [false, false]
    client.closeFuture.whenSuccess { closed[0] = true }
    server.closeFuture.whenSuccess { closed[1] = true }
    loop.run()
    #expect(closed == [true, true])
    var failed = false
    send("too late", on: client).whenFailure { _ in failed = true }
    #expect(failed)
  }

  @Test("the peer's close waits behind unread bytes, as a socket's end of file does")
  func closeAfterUnreadBytes() throws {
    let loop = EmbeddedEventLoop()
    let (client, _, server, serverRecorder) = try pair(loop)
    loop.run()
    serverRecorder.holdReads = true
    loop.run()
    _ = send("a", on: client)
    loop.run()  // read by the pending request; the next one is held
    _ = send("b", on: client)
    client.close(promise: nil)
    loop.run()
    #expect(serverRecorder.received == ["a"])
    #expect(server.isActive)  // "b" is still unread
    serverRecorder.holdReads = false
    server.read()
    loop.run()
    #expect(serverRecorder.received == ["a", "b"])
    #expect(!server.isActive)
  }

  @Test("unsupported operations fail instead of pretending: connect, bind, half-closure, unknown options")
  func unsupported() throws {
    let loop = EmbeddedEventLoop()
    let (client, _, _, _) = try pair(loop)
    let address = try SocketAddress(ipAddress: "127.0.0.1", port: 1)
    #expect(throws: ChannelError.self) { try client.connect(to: address).wait() }
    #expect(throws: ChannelError.self) { try client.bind(to: address).wait() }
    #expect(throws: ChannelError.self) { try client.close(mode: .output).wait() }
    #expect(throws: ChannelError.self) {
      try set(client, loop) { $0.setOption(.allowRemoteHalfClosure, value: true) }
    }
    #expect(throws: ChannelError.self) { try set(client, loop) { $0.setOption(.socketOption(.tcp_nodelay), value: 1) } }
    #expect(client.remoteAddress?.pathname == "in-process")
  }
}
