import Testing

@testable import AtendeRPC
@testable import AtendeRPCCore

@Suite("Server connection state machine")
struct ServerConnectionStateMachineTests {
  static func active(maxCalls: Int = 4) throws -> ServerConnectionStateMachine {
    var machine = ServerConnectionStateMachine(maxConcurrentCalls: maxCalls)
    _ = try machine.validate(type: .hello, flags: [], streamID: 0, payloadLength: 0)
    _ = try machine.receiveHello(versions: [1])
    return machine
  }

  @Test("only HELLO may come first")
  func helloFirst() {
    var machine = ServerConnectionStateMachine(maxConcurrentCalls: 4)
    #expect(throws: ServerConnectionStateMachine.ConnectionError.self) {
      try machine.validate(type: .headers, flags: [], streamID: 1, payloadLength: 0)
    }
  }

  @Test("the highest common version is chosen; none in common is an error")
  func versions() throws {
    var machine = ServerConnectionStateMachine(maxConcurrentCalls: 4)
    #expect(try machine.receiveHello(versions: [7, 1, 3]) == 1)
    #expect(!machine.hasFlowControl)
    var both = ServerConnectionStateMachine(maxConcurrentCalls: 4)
    #expect(try both.receiveHello(versions: [1, 2]) == 2)
    #expect(both.hasFlowControl)
    var other = ServerConnectionStateMachine(maxConcurrentCalls: 4)
    let error = #expect(throws: ServerConnectionStateMachine.ConnectionError.self) {
      try other.receiveHello(versions: [3])
    }
    #expect(error?.code == .failedPrecondition)
    #expect(other.state == .closed)
  }

  @Test("a max_frame_size below the minimum is an error; 0 (the default) and the minimum are fine")
  func minimumFrameSize() throws {
    for accepted: UInt32 in [0, UInt32(Frame.minimumMaxPayloadSize), 1 << 20] {
      var machine = ServerConnectionStateMachine(maxConcurrentCalls: 4)
      #expect(try machine.receiveHello(versions: [1], maxFrameSize: accepted) == 1)
    }
    var machine = ServerConnectionStateMachine(maxConcurrentCalls: 4)
    let error = #expect(throws: ServerConnectionStateMachine.ConnectionError.self) {
      try machine.receiveHello(versions: [1], maxFrameSize: UInt32(Frame.minimumMaxPayloadSize - 1))
    }
    #expect(error?.code == .invalidArgument)
    #expect(error?.message.contains("max_frame_size") == true)
    #expect(machine.state == .closed)
  }

  @Test("a second HELLO, call frames on stream 0, connection frames on a stream are errors")
  func placement() throws {
    var machine = try Self.active()
    #expect(throws: ServerConnectionStateMachine.ConnectionError.self) {
      try machine.validate(type: .hello, flags: [], streamID: 0, payloadLength: 0)
    }
    #expect(throws: ServerConnectionStateMachine.ConnectionError.self) {
      try machine.validate(type: .message, flags: [], streamID: 0, payloadLength: 0)
    }
    #expect(throws: ServerConnectionStateMachine.ConnectionError.self) {
      try machine.validate(type: .ping, flags: [], streamID: 3, payloadLength: 8)
    }
    #expect(throws: ServerConnectionStateMachine.ConnectionError.self) {
      try machine.validate(type: .ping, flags: [], streamID: 0, payloadLength: 7)
    }
  }

  @Test("stream ids must increase; frames for finished streams are ignored; unopened ones are errors")
  func streamIDs() throws {
    var machine = try Self.active()
    #expect(try machine.validate(type: .headers, flags: [], streamID: 5, payloadLength: 0) == .process)
    #expect(machine.openStream(5, kind: .unary, endStream: false) == .open)
    #expect(throws: ServerConnectionStateMachine.ConnectionError.self) {
      try machine.validate(type: .headers, flags: [], streamID: 5, payloadLength: 0)
    }
    #expect(machine.closeStream(5) == .none)
    #expect(try machine.validate(type: .message, flags: [], streamID: 5, payloadLength: 0) == .ignore)
    #expect(throws: ServerConnectionStateMachine.ConnectionError.self) {
      try machine.validate(type: .message, flags: [], streamID: 9, payloadLength: 0)
    }
  }

  @Test("calls beyond the concurrency limit are refused, and accepted again once one ends")
  func concurrency() throws {
    var machine = try Self.active(maxCalls: 2)
    #expect(machine.openStream(1, kind: .unary, endStream: false) == .open)
    #expect(machine.openStream(2, kind: .unary, endStream: false) == .open)
    guard case .refuse(let code, let reason, _) = machine.openStream(3, kind: .unary, endStream: false) else {
      Issue.record("expected a refusal")
      return
    }
    #expect(code == .resourceExhausted)
    #expect(reason == RPCErrorReason.tooManyCalls)
    _ = machine.closeStream(1)
    #expect(machine.openStream(4, kind: .unary, endStream: false) == .open)
  }

  @Test("a unary call takes exactly one request")
  func singleRequest() throws {
    var machine = try Self.active()
    _ = machine.openStream(1, kind: .unary, endStream: false)
    #expect(machine.receiveMessage(1, endStream: false) == .deliver)
    #expect(machine.isSingleRequestComplete(1) == false)
    guard case .fail(.invalidArgument, _, _) = machine.receiveMessage(1, endStream: true) else {
      Issue.record("a second request must fail the call")
      return
    }
    _ = machine.openStream(2, kind: .serverStreaming, endStream: false)
    guard case .fail(.invalidArgument, _) = machine.receiveHalfClose(2) else {
      Issue.record("no request must fail the call")
      return
    }
    _ = machine.openStream(3, kind: .unary, endStream: false)
    #expect(machine.receiveMessage(3, endStream: false) == .deliver)
    #expect(machine.receiveHalfClose(3) == .endRequests)
    #expect(machine.isSingleRequestComplete(3))
  }

  @Test("graceful shutdown refuses new calls as retryable and closes after the last one")
  func drain() throws {
    var machine = try Self.active()
    _ = machine.openStream(1, kind: .bidirectionalStreaming, endStream: false)
    #expect(machine.beginShutdown() == .sendGoAway(lastStreamID: 1, close: false))
    #expect(
      machine.openStream(2, kind: .unary, endStream: false)
        == .refuse(.unavailable, reason: RPCErrorReason.shuttingDown, message: "the server is shutting down"))
    #expect(machine.closeStream(1) == .closeConnection)
    #expect(machine.state == .closed)
  }

  @Test("a HEADERS frame too large to read is refused: too large, or as any call while draining or over the limit")
  func oversizedHeaders() throws {
    var machine = try Self.active(maxCalls: 1)
    #expect(
      machine.openOversizedStream(1) == .refuse(.resourceExhausted, reason: RPCErrorReason.messageTooLarge, message: "")
    )
    #expect(machine.lastStreamID == 1)
    #expect(machine.isIdle)
    // Its id counts as used.
    #expect(throws: ServerConnectionStateMachine.ConnectionError.self) {
      try machine.validate(type: .headers, flags: [], streamID: 1, payloadLength: 2048)
    }
    #expect(try machine.validate(type: .message, flags: [], streamID: 1, payloadLength: 2048) == .ignore)
    #expect(machine.openStream(2, kind: .unary, endStream: false) == .open)
    guard case .refuse(.resourceExhausted, let reason, _) = machine.openOversizedStream(3) else {
      Issue.record("expected a refusal over the concurrency limit")
      return
    }
    #expect(reason == RPCErrorReason.tooManyCalls)
    _ = machine.beginShutdown()
    #expect(
      machine.openOversizedStream(4)
        == .refuse(.unavailable, reason: RPCErrorReason.shuttingDown, message: "the server is shutting down"))
  }

  @Test("shutting down an idle connection closes it at once")
  func idleShutdown() throws {
    var machine = try Self.active()
    #expect(machine.beginShutdown() == .sendGoAway(lastStreamID: 0, close: true))
  }

  // MARK: Flow control (version 2)

  static func activeV2(window: Int = 1034) throws -> ServerConnectionStateMachine {
    var machine = ServerConnectionStateMachine(maxConcurrentCalls: 4, initialWindow: window)
    _ = try machine.validate(type: .hello, flags: [], streamID: 0, payloadLength: 0)
    #expect(try machine.receiveHello(versions: [1, 2], maxFrameSize: 256) == 2)
    return machine
  }

  @Test("version 2: a client window smaller than its frame limit + 10 is an error")
  func clientWindowTooSmall() throws {
    var machine = ServerConnectionStateMachine(maxConcurrentCalls: 4)
    let error = #expect(throws: ServerConnectionStateMachine.ConnectionError.self) {
      try machine.receiveHello(versions: [1, 2], maxFrameSize: 1024, initialWindow: 1033)
    }
    #expect(error?.code == .invalidArgument)
    #expect(error?.message.contains("initial_window_size") == true)
    // A version 1 client's window means nothing.
    var v1 = ServerConnectionStateMachine(maxConcurrentCalls: 4)
    #expect(try v1.receiveHello(versions: [1], maxFrameSize: 1024, initialWindow: 1) == 1)
    var fine = ServerConnectionStateMachine(maxConcurrentCalls: 4)
    #expect(try fine.receiveHello(versions: [2], maxFrameSize: 1024, initialWindow: 1034) == 2)
  }

  @Test("WINDOW_UPDATE: unknown in version 1; in version 2 4 bytes on a stream that was opened")
  func windowUpdatePlacement() throws {
    var v1 = try Self.active()
    #expect(v1.openStream(1, kind: .serverStreaming, endStream: true) == .open)
    #expect(throws: ServerConnectionStateMachine.ConnectionError.self) {
      try v1.validate(type: .windowUpdate, flags: [], streamID: 1, payloadLength: 4)
    }
    var machine = try Self.activeV2()
    #expect(machine.openStream(1, kind: .serverStreaming, endStream: true) == .open)
    #expect(try machine.validate(type: .windowUpdate, flags: [], streamID: 1, payloadLength: 4) == .process)
    #expect(throws: ServerConnectionStateMachine.ConnectionError.self) {
      try machine.validate(type: .windowUpdate, flags: [], streamID: 1, payloadLength: 8)
    }
    #expect(throws: ServerConnectionStateMachine.ConnectionError.self) {
      try machine.validate(type: .windowUpdate, flags: [], streamID: 0, payloadLength: 4)
    }
    #expect(throws: ServerConnectionStateMachine.ConnectionError.self) {
      try machine.validate(type: .windowUpdate, flags: [], streamID: 3, payloadLength: 4)
    }
    _ = machine.closeStream(1)
    #expect(try machine.validate(type: .windowUpdate, flags: [], streamID: 1, payloadLength: 4) == .ignore)
  }

  @Test("version 2: requests beyond the stream's window fail the call; consumed bytes are granted back")
  func requestWindow() throws {
    var machine = try Self.activeV2(window: 1034)
    #expect(machine.openStream(1, kind: .clientStreaming, endStream: false) == .open)
    #expect(machine.receiveMessage(1, endStream: false, payloadLength: 500) == .deliver)  // 510
    #expect(machine.receiveMessage(1, endStream: false, payloadLength: 500) == .deliver)  // 1020
    #expect(machine.takeWindowIncrement(1) == 0)  // nothing consumed yet
    guard case .fail(.resourceExhausted, _, let reason) = machine.receiveMessage(1, endStream: false, payloadLength: 5)
    else {
      Issue.record("expected the overrun to fail the call")
      return
    }
    #expect(reason == RPCErrorReason.flowControlViolation)
    // Another stream has its own window.
    #expect(machine.openStream(3, kind: .clientStreaming, endStream: false) == .open)
    #expect(machine.receiveMessage(3, endStream: false, payloadLength: 1000) == .deliver)  // 1010
    machine.consume(3, bytes: 1010)
    #expect(machine.takeWindowIncrement(3) == 1010)
    #expect(machine.receiveMessage(3, endStream: false, payloadLength: 1000) == .deliver)
    // Once the client half-closed, nothing is granted back.
    machine.consume(3, bytes: 1010)
    _ = machine.receiveHalfClose(3)
    #expect(machine.takeWindowIncrement(3) == 0)
  }
}
