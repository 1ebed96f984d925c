// libFuzzer target: the frame decoder on arbitrary bytes (scripts/fuzz.sh frames).

import FuzzSupport
import NIOCore

@testable import AtendeRPC

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFrames(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  var buffer = ByteBuffer(bytes: UnsafeBufferPointer(start: data, count: size))
  var decoder = FrameDecoder(maxPayloadSize: 4096)
  while let event = try? decoder.decode(buffer: &buffer) {
    switch event {
    case .frame(let frame): precondition(frame.payload.readableBytes <= 4096)
    case .oversized(_, _, _, let length): precondition(length > 4096)
    }
  }
  return 0
}

runFuzzer(fuzzFrames)
