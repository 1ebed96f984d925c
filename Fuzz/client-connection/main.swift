// libFuzzer target: a client connection fed the bytes a server could send, after its
// HELLO (scripts/fuzz.sh client-connection).

import FuzzSupport
import NIOCore
import NIOEmbedded

@testable import AtendeRPC

let configuration: ClientConfiguration = {
  var configuration = ClientConfiguration()
  configuration.maxFrameSize = 4096
  return configuration
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzClientConnection(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let channel = EmbeddedChannel()
  let ready = channel.eventLoop.makePromise(of: ServerHello.self)
  try! channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder(maxPayloadSize: 4096)))
  try! channel.pipeline.syncOperations.addHandler(
    ClientConnectionHandler(configuration: configuration, readyPromise: ready, onUnusable: {}))
  try! channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 7400)).wait()
  _ = try? channel.writeInbound(ByteBuffer(bytes: UnsafeBufferPointer(start: data, count: size)))
  channel.embeddedEventLoop.run()
  channel.embeddedEventLoop.advanceTime(by: .seconds(3600))
  while let _ = try? channel.readOutbound(as: ByteBuffer.self) {}
  _ = try? channel.finish(acceptAlreadyClosed: true)
  ready.fail(CancellationError())  // in case nothing completed it
  return 0
}

runFuzzer(fuzzClientConnection)
