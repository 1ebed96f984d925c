import Testing

@testable import AtendeRPC
@testable import AtendeRPCCore

/// The client side's protocol rules without I/O (the handler performing them runs in the
/// end-to-end and misbehaving-server suites). Mutating calls stay outside #expect.
@Suite("Client connection state machine")
struct ClientConnectionStateMachineTests {
  typealias Machine = ClientConnectionStateMachine

  static func ready(version: UInt32 = 2, initialWindowSize: UInt32 = 0) throws -> Machine {
    var machine = Machine()
    let problem = machine.receiveHello(
      ServerHello(version: version, maxFrameSize: 1024, maxConcurrentCalls: 8, initialWindowSize: initialWindowSize))
    try #require(problem == nil)
    return machine
  }

  @Test("before the server's HELLO only HELLO and GOAWAY may come; a second HELLO is an error")
  func handshake() throws {
    var machine = Machine()
    #expect(machine.validate(type: .hello, streamID: 0, payloadLength: 10) == .process)
    #expect(machine.validate(type: .goAway, streamID: 0, payloadLength: 0) == .process)
    #expect(
      machine.validate(type: .ping, streamID: 0, payloadLength: 8)
        == .connectionError("expected HELLO as the server's first frame, got PING"))
    let problem = machine.receiveHello(ServerHello(version: 1))
    #expect(problem == nil)
    #expect(machine.state == .ready)
    #expect(machine.validate(type: .hello, streamID: 0, payloadLength: 10) == .connectionError("HELLO sent twice"))
  }

  @Test("the server must choose an offered version, and a version 2 window must hold its largest frame")
  func helloChecks() {
    var machine = Machine()
    let unoffered = machine.receiveHello(ServerHello(version: 3))
    #expect(unoffered?.contains("did not offer") == true)
    let smallWindow = machine.receiveHello(ServerHello(version: 2, maxFrameSize: 1024, initialWindowSize: 1033))
    #expect(smallWindow?.contains("initial_window_size 1033") == true)
    #expect(machine.state == .handshaking)
    let fine = machine.receiveHello(ServerHello(version: 2, maxFrameSize: 1024, initialWindowSize: 1034))
    #expect(fine == nil)
    #expect(machine.hasFlowControl)
    #expect(machine.serverInitialWindow == 1034)
    #expect(machine.serverMaxFrameSize == 1024)
  }

  @Test("version 1 has no flow control: WINDOW_UPDATE is an unknown frame type there; 0 means the defaults")
  func versionOne() throws {
    let machine = try Self.ready(version: 1)
    #expect(!machine.hasFlowControl)
    #expect(
      machine.validate(type: .windowUpdate, streamID: 1, payloadLength: 4)
        == .connectionError("unknown frame type 0x9 (WINDOW_UPDATE is protocol version 2)"))
    var defaults = Machine()
    _ = defaults.receiveHello(ServerHello(version: 2))
    #expect(defaults.serverInitialWindow == FlowControl.defaultInitialWindow)
    #expect(defaults.serverMaxFrameSize == Frame.defaultMaxPayloadSize)
  }

  @Test("frames about calls: on a stream this connection opened, never on one it did not; no client-only frames")
  func placement() throws {
    var machine = try Self.ready()
    let first = machine.openStream()
    #expect(first?.id == 1)
    #expect(machine.validate(type: .message, streamID: 1, payloadLength: 3) == .process)
    #expect(machine.validate(type: .trailers, streamID: 1, payloadLength: 0) == .process)
    #expect(machine.validate(type: .windowUpdate, streamID: 1, payloadLength: 4) == .process)
    #expect(
      machine.validate(type: .message, streamID: 2, payloadLength: 3)
        == .connectionError("MESSAGE frame on stream 2, which was never opened"))
    #expect(
      machine.validate(type: .windowUpdate, streamID: 1, payloadLength: 3)
        == .connectionError("WINDOW_UPDATE payload must be 4 bytes, got 3"))
    #expect(
      machine.validate(type: .message, streamID: 0, payloadLength: 3) == .connectionError("MESSAGE frame on stream 0"))
    #expect(
      machine.validate(type: .ping, streamID: 1, payloadLength: 8)
        == .connectionError("PING frame on stream 1; it belongs on stream 0"))
    #expect(
      machine.validate(type: .ping, streamID: 0, payloadLength: 7)
        == .connectionError("PING payload must be 8 bytes, got 7"))
    for type in [FrameType.headers, .halfClose, .cancel] {
      #expect(
        machine.validate(type: type, streamID: 1, payloadLength: 0)
          == .connectionError("servers do not send \(type) frames"))
    }
  }

  @Test("stream ids increase from 1; after GOAWAY no new call is opened; a closed connection ignores everything")
  func streamsAndGoingAway() throws {
    var machine = try Self.ready()
    let ids = [machine.openStream()?.id, machine.openStream()?.id]
    #expect(ids == [1, 2])
    let wasUsable = machine.goAway()
    #expect(wasUsable)
    #expect(machine.state == .goingAway)
    let refused = machine.openStream()
    #expect(refused == nil)
    #expect(machine.validate(type: .trailers, streamID: 2, payloadLength: 0) == .process)  // open calls finish
    let again = machine.goAway()
    #expect(!again)  // told once
    let closing = machine.close()
    #expect(!closing)
    #expect(machine.validate(type: .message, streamID: 99, payloadLength: 0) == .ignore)
  }
}
