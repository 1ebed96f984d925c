package import NIOCore

/// Per-stream flow control of protocol version 2 (docs/PROTOCOL.md §13), shared by both
/// sides of a connection: each direction of a stream has a window of bytes. A MESSAGE
/// frame costs its whole size (header and payload); the sender spends window on it, and
/// the receiver gives the bytes back with WINDOW_UPDATE as its consumer takes messages.
package enum FlowControl {
  /// The first protocol version with flow control.
  package static let version: UInt32 = 2
  /// The window a peer gets when the other side declares 0 (2 MiB).
  package static let defaultInitialWindow = 2 << 20
  /// No window may grow beyond this (2³¹ − 1 bytes).
  static let maxWindow = Int(Int32.max)
  /// The size of a WINDOW_UPDATE payload: one u32 increment.
  package static let windowUpdatePayloadSize = 4

  /// What a MESSAGE frame with `payload` bytes costs.
  package static func cost(payload: Int) -> Int { Frame.headerSize + payload }

  /// The smallest window a receiver accepting payloads of up to `maxFrameSize` bytes may
  /// declare: room for one frame of the largest size, so a full window always fits the
  /// next message.
  static func minimumWindow(maxFrameSize: Int) -> Int { cost(payload: maxFrameSize) }

  /// The window to declare in HELLO: the configured one, raised to the minimum.
  package static func declaredWindow(configured: Int, maxFrameSize: Int) -> UInt32 {
    UInt32(clamping: min(maxWindow, max(configured, minimumWindow(maxFrameSize: maxFrameSize))))
  }

  /// Why a peer's HELLO window is not acceptable, if it is not: `declared` (0 = default)
  /// from a peer that accepts payloads of up to `maxFrameSize` bytes.
  static func problem(declared: UInt32, maxFrameSize: Int) -> String? {
    guard declared != 0 else { return nil }
    let minimum = minimumWindow(maxFrameSize: maxFrameSize)
    guard Int(declared) >= minimum, Int(declared) <= maxWindow else {
      return "initial_window_size \(declared) is outside \(minimum)...\(maxWindow) (max_frame_size + 10 at least)"
    }
    return nil
  }

  /// The window a declared value (0 = default) stands for.
  package static func window(declared: UInt32) -> Int {
    declared == 0 ? defaultInitialWindow : Int(declared)
  }

  /// A WINDOW_UPDATE frame for `streamID` granting `increment` bytes.
  package static func writeWindowUpdate(_ increment: Int, streamID: UInt32, into buffer: inout ByteBuffer) {
    buffer.writeFrameHeader(length: windowUpdatePayloadSize, type: .windowUpdate, flags: [], streamID: streamID)
    buffer.writeInteger(UInt32(increment))
  }

  /// The increment of a WINDOW_UPDATE payload (its length was checked), or a problem.
  package static func increment(_ payload: ByteBuffer) -> Result<Int, WindowError> {
    guard let value = payload.getInteger(at: payload.readerIndex, as: UInt32.self), value > 0 else {
      return .failure(WindowError(message: "WINDOW_UPDATE with an increment of 0"))
    }
    return .success(Int(value))
  }

  /// A flow-control rule broken by the peer.
  package struct WindowError: Error, Equatable {
    package var message: String
  }
}

/// The sending side of one stream's window. Frames that do not fit wait, in order, with
/// what to tell once they went out (`Waiter`).
package struct SendWindow<Waiter> {
  /// Bytes that may still be sent.
  package private(set) var available: Int
  /// Frames waiting for credit, oldest first.
  package private(set) var blocked: [(frame: ByteBuffer, waiter: Waiter)] = []

  package init(_ initial: Int) {
    available = initial
  }

  package enum SendAction {
    /// Write the frame now (its cost was taken from the window).
    case write
    /// Keep it: it goes out when enough credit arrives (``grant(_:)`` returns it).
    case wait
  }

  /// A frame (header included) is ready to go.
  package mutating func send(_ frame: ByteBuffer, waiter: Waiter) -> SendAction {
    if blocked.isEmpty, frame.readableBytes <= available {
      available -= frame.readableBytes
      return .write
    }
    blocked.append((frame, waiter))
    return .wait
  }

  /// The peer granted `increment` bytes: the blocked frames that now fit, in order (their
  /// cost is taken), or a problem when the window would exceed its maximum.
  package mutating func grant(_ increment: Int) -> Result<
    [(frame: ByteBuffer, waiter: Waiter)], FlowControl.WindowError
  > {
    guard available + increment <= FlowControl.maxWindow else {
      return .failure(.init(message: "WINDOW_UPDATE takes the window beyond \(FlowControl.maxWindow) bytes"))
    }
    available += increment
    var released = 0
    while released < blocked.count, blocked[released].frame.readableBytes <= available {
      available -= blocked[released].frame.readableBytes
      released += 1
    }
    defer { blocked.removeFirst(released) }
    return .success(Array(blocked.prefix(released)))
  }

  /// The stream ended: the waiters of the blocked frames, to be failed.
  package mutating func close() -> [Waiter] {
    defer { blocked = [] }
    return blocked.map(\.waiter)
  }
}

/// The receiving side of one stream's window: the credit the peer has left, and the
/// bytes consumed since the last WINDOW_UPDATE.
package struct ReceiveWindow: Equatable {
  /// What the peer may still send.
  package private(set) var remaining: Int
  /// Consumed bytes not yet granted back.
  package private(set) var consumed = 0

  package init(_ initial: Int) {
    remaining = initial
  }

  /// A MESSAGE frame of `cost` bytes arrived. False when the peer overran the window
  /// (the frame must be dropped, the stream failed).
  package mutating func receive(_ cost: Int) -> Bool {
    guard cost <= remaining else { return false }
    remaining -= cost
    return true
  }

  /// The consumer took messages worth `bytes`.
  package mutating func consume(_ bytes: Int) {
    consumed += bytes
  }

  /// The increment to send now (0 = none), which renews the peer's credit.
  package mutating func takeIncrement() -> Int {
    let increment = consumed
    remaining += increment
    consumed = 0
    return increment
  }
}
