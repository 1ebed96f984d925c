// libFuzzer target: the request decoder of every method the Atende server hosts,
// enumerated from its router (scripts/fuzz.sh requests). The first byte picks the method,
// the rest is the request message.

import AtendeRPC
import AtendeServer
import AtendeStore
import Foundation
import FuzzSupport
import Logging

/// The whole server, never run: it lives as long as the process (a server dropped without
/// running trips NIO's check for a promise never completed).
let server = try! AtendeServer.makeServer(
  configuration: ServerConfiguration(host: "127.0.0.1", port: 0), store: try! SQLiteStore.inMemory(),
  files: try! FileStorage(directory: NSTemporaryDirectory() + "atende-fuzz-files"), auth: nil,
  logger: Logger(label: "fuzz", factory: { _ in SwiftLogNoOpLogHandler() }))
let decoders = server.requestDecoders

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequests(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  guard size > 0 else { return 0 }
  let decoder = decoders[Int(data[0]) % decoders.count]
  _ = try? decoder.decode(Array(UnsafeBufferPointer(start: data + 1, count: size - 1)))
  return 0
}

runFuzzer(fuzzRequests)
