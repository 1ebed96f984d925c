import Testing

@testable import AtendeRPC
@testable import AtendeRPCCore

/// The I/O bookkeeping both connection handlers share, as a value (the handlers' use of
/// it runs in every end-to-end test). Mutating calls stay outside #expect, which cannot
/// expand them.
@Suite("Connection I/O bookkeeping")
struct ConnectionIOTests {
  @Test("one flush per tick: only the first request schedules it, taking it makes the next one schedule again")
  func flushCoalescing() {
    var io = ConnectionIO<String>()
    let requests = [io.requestFlush(), io.requestFlush(), io.requestFlush()]
    #expect(requests == [true, false, false])
    let taken = [io.takeFlush(), io.takeFlush()]
    #expect(taken == [true, false])  // the second finds nothing due
    let again = io.requestFlush()
    #expect(again)
  }

  @Test("a writer goes on while the channel is writable, and waits, in order, while it is not")
  func writability() {
    var io = ConnectionIO<String>()
    let ready = [
      io.wrote(for: "a", isWritable: true), io.wrote(for: "b", isWritable: false),
      io.wrote(for: "c", isWritable: false),
    ]
    #expect(ready == ["a", nil, nil])
    let resumed = [io.writable(), io.writable()]
    #expect(resumed == [["b", "c"], []])
    _ = io.wrote(for: "d", isWritable: false)
    let failed = io.close()
    #expect(failed == ["d"])
  }

  @Test("reads wait while any consumer is paused; the last resume issues the read NIO asked for")
  func pausedReads() {
    var io = ConnectionIO<String>()
    var steps = [io.read()]  // true: read now
    io.pause()
    io.pause()
    steps.append(io.read())  // false: remembered
    steps.append(io.resume())  // false: one consumer still paused
    steps.append(io.resume())  // true: the pending read goes out
    io.pause()
    steps.append(io.resume())  // false: NIO asked for nothing meanwhile
    steps.append(io.read())  // true
    #expect(steps == [true, false, false, true, false, true])
  }

  @Test("when the connection fails nothing stays paused")
  func clearing() {
    var io = ConnectionIO<String>()
    io.pause()
    let whilePaused = io.read()
    io.clearPaused()
    #expect(!whilePaused)
    #expect(io.paused == 0)
    #expect(!io.readPending)
    let afterwards = [io.read(), io.resume()]  // a late resume of a cleared consumer does nothing
    #expect(afterwards == [true, false])
  }

  @Test("streams to grant bytes back to are gathered until the flush takes them")
  func windowUpdates() {
    var io = ConnectionIO<String>()
    io.grantLater(3)
    io.grantLater(1)
    io.grantLater(3)
    let first = io.takeWindowUpdates()
    let second = io.takeWindowUpdates()
    #expect(first == [3, 1, 3])  // the handler asks each stream once for its increment; repeats get 0
    #expect(second.isEmpty)
  }
}
