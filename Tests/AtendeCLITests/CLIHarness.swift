import AtendeTesting
import Foundation
import Testing

/// What one run of the `atende` binary printed and how it exited.
struct CLIResult {
  var status: Int32
  var output: String
  var errors: String
}

/// The `atende` executable built next to this test bundle.
func cliBinary() throws -> URL {
  var directory = Bundle.main.bundleURL
  for _ in 0..<4 {
    let candidate = directory.appendingPathComponent("atende")
    if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    directory = directory.deletingLastPathComponent()
  }
  throw CLIHarnessError.binaryNotFound(Bundle.main.bundleURL.path)
}

enum CLIHarnessError: Error { case binaryNotFound(String) }

/// Runs `atende <arguments>` against `server`, with stdin not a terminal.
func atende(_ arguments: [String], server: AtendeTestServer, input: String = "") throws -> CLIResult {
  let process = Process()
  process.executableURL = try cliBinary()
  process.arguments = arguments
  var environment = ProcessInfo.processInfo.environment
  environment["ATENDE_SERVER"] = server.address
  environment["ATENDE_ACTOR"] = "cli-test"
  environment["NO_COLOR"] = "1"
  process.environment = environment
  let stdout = Pipe()
  let stderr = Pipe()
  let stdin = Pipe()
  process.standardOutput = stdout
  process.standardError = stderr
  process.standardInput = stdin
  try process.run()
  stdin.fileHandleForWriting.write(Data(input.utf8))
  try stdin.fileHandleForWriting.close()
  let output = stdout.fileHandleForReading.readDataToEndOfFile()
  let errors = stderr.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return CLIResult(
    status: process.terminationStatus, output: String(decoding: output, as: UTF8.self),
    errors: String(decoding: errors, as: UTF8.self))
}

/// The JSON object printed on one line.
func jsonObject(_ text: String) throws -> [String: Any] {
  let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
  guard let dictionary = object as? [String: Any] else {
    throw CLIHarnessError.binaryNotFound("not an object: \(text)")
  }
  return dictionary
}
