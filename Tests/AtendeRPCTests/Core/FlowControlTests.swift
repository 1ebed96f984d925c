import NIOCore
import Testing

@testable import AtendeRPC
@testable import AtendeRPCCore

/// The flow-control windows of protocol version 2 (docs/PROTOCOL.md §13), as values.
@Suite("Flow-control windows")
struct FlowControlTests {
  static func frame(payload: Int) -> ByteBuffer {
    var buffer = ByteBuffer()
    buffer.writeFrameHeader(length: payload, type: .message, flags: [], streamID: 1)
    buffer.writeRepeatingByte(7, count: payload)
    return buffer
  }

  @Test("a message costs its header and payload; a window has room for the largest frame")
  func costs() {
    #expect(FlowControl.cost(payload: 0) == 10)
    #expect(FlowControl.cost(payload: 100) == 110)
    #expect(FlowControl.declaredWindow(configured: 0, maxFrameSize: 1024) == 1034)
    #expect(FlowControl.declaredWindow(configured: 4096, maxFrameSize: 1024) == 4096)
    #expect(FlowControl.declaredWindow(configured: .max, maxFrameSize: 1024) == UInt32(Int32.max))
    #expect(FlowControl.problem(declared: 0, maxFrameSize: 1 << 20) == nil)
    #expect(FlowControl.problem(declared: 1034, maxFrameSize: 1024) == nil)
    #expect(FlowControl.problem(declared: 1033, maxFrameSize: 1024)?.contains("initial_window_size 1033") == true)
    #expect(FlowControl.problem(declared: UInt32(Int32.max) + 1, maxFrameSize: 1024) != nil)
    #expect(FlowControl.window(declared: 0) == 2 << 20)
  }

  @Test("a frame goes out while it fits; the next waits for credit, and later ones queue behind it in order")
  func sendWindow() throws {
    var window = SendWindow<String>(100)
    #expect(window.send(Self.frame(payload: 50), waiter: "a") == .write)  // 60
    #expect(window.available == 40)
    #expect(window.send(Self.frame(payload: 35), waiter: "b") == .wait)  // 45 > 40
    // Would fit on its own, but must not overtake "b".
    #expect(window.send(Self.frame(payload: 0), waiter: "c") == .wait)
    #expect(try window.grant(4).get().isEmpty)  // 44 < 45
    let released = try window.grant(11).get()  // 55: b (45) and c (10)
    #expect(released.map(\.waiter) == ["b", "c"])
    #expect(window.available == 0)
    #expect(window.blocked.isEmpty)
  }

  @Test("a grant beyond 2³¹ − 1 bytes is refused; closing hands back the waiters")
  func sendWindowLimits() {
    var window = SendWindow<Int>(FlowControl.maxWindow - 5)
    #expect(throws: FlowControl.WindowError.self) { try window.grant(6).get() }
    #expect(window.available == FlowControl.maxWindow - 5)
    var small = SendWindow<Int>(10)
    #expect(small.send(Self.frame(payload: 1), waiter: 1) == .wait)
    #expect(small.send(Self.frame(payload: 1), waiter: 2) == .wait)
    #expect(small.close() == [1, 2])
    #expect(small.blocked.isEmpty)
  }

  @Test("a receiver accepts up to its window, and grants back what was consumed")
  func receiveWindow() {
    var window = ReceiveWindow(100)
    var accepted = [window.receive(60), window.receive(40), window.receive(1)]
    #expect(accepted == [true, true, false])  // the third overruns
    window.consume(60)
    #expect(window.takeIncrement() == 60)
    #expect(window.takeIncrement() == 0)  // nothing new consumed
    #expect(window.remaining == 60)
    accepted = [window.receive(60), window.receive(10)]
    #expect(accepted == [true, false])
  }

  @Test("WINDOW_UPDATE carries a u32 increment, never 0")
  func windowUpdateFrame() throws {
    var buffer = ByteBuffer()
    FlowControl.writeWindowUpdate(300, streamID: 5, into: &buffer)
    #expect(Array(buffer.readableBytesView) == [0, 0, 0, 4, 0x09, 0, 0, 0, 0, 5, 0, 0, 1, 0x2c])
    var decoder = FrameDecoder()
    guard case .frame(let frame)? = try decoder.decode(buffer: &buffer) else {
      Issue.record("no frame")
      return
    }
    #expect(frame.type == .windowUpdate)
    #expect(try FlowControl.increment(frame.payload).get() == 300)
    #expect(throws: FlowControl.WindowError.self) { try FlowControl.increment(ByteBuffer(bytes: [0, 0, 0, 0])).get() }
  }
}
