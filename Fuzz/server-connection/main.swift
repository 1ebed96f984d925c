// libFuzzer target: a server connection (frame decoder, state machine, control messages,
// limits) fed the bytes a client could send (scripts/fuzz.sh server-connection).

import FuzzSupport
import Logging
import NIOCore
import NIOEmbedded

@testable import AtendeRPC

let configuration: ServerConfiguration = {
  var configuration = ServerConfiguration(host: "127.0.0.1", port: 0)
  configuration.limits.maxFrameSize = 4096
  configuration.limits.maxConcurrentCallsPerConnection = 8
  return configuration
}()
let quiet = Logger(label: "fuzz", factory: { _ in SwiftLogNoOpLogHandler() })

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzServerConnection(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let channel = EmbeddedChannel()
  try! channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder(maxPayloadSize: 4096)))
  try! channel.pipeline.syncOperations.addHandler(
    ServerConnectionHandler(
      router: RPCRouter(), interceptors: [], configuration: configuration, connectionID: 1, logger: quiet,
      onClose: {}))
  try! channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 40_000)).wait()
  // The bytes in two reads, split where the first byte says: frames may straddle reads.
  let bytes = UnsafeBufferPointer(start: data, count: size)
  let split = size > 1 ? Int(bytes[0]) % size : size
  for part in [bytes[..<split], bytes[split...]] where channel.isActive {
    _ = try? channel.writeInbound(ByteBuffer(bytes: part))
    channel.embeddedEventLoop.run()
  }
  channel.embeddedEventLoop.advanceTime(by: .seconds(3600))  // every timer fires
  while let _ = try? channel.readOutbound(as: ByteBuffer.self) {}
  _ = try? channel.finish(acceptAlreadyClosed: true)
  return 0
}

runFuzzer(fuzzServerConnection)
