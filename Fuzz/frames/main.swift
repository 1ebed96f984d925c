import NIOCore

@testable import AtendeRPC

// libFuzzer target: the frame decoder on arbitrary bytes (scripts/fuzz.sh frames).
#if canImport(Glibc)
  import Glibc
#endif

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

// The executable's main (SwiftPM names the entry point, so libFuzzer's own main is not used).
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzer(
  _ argc: UnsafeMutablePointer<CInt>,
  _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
  _ body: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(runFuzzer(&argc, &argv, fuzzFrames))
