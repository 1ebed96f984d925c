// protoc-gen-atende: protoc plugin that writes Swift for Atende's .proto files.
//
// protoc sends a CodeGeneratorRequest on stdin and expects a CodeGeneratorResponse on
// stdout. Both are decoded and encoded with protobuf-c (C generated from
// google/protobuf/compiler/plugin.proto), so the plugin needs no other protobuf runtime.
//
// Options (--atende_opt=...): c_module=<C target with the protoc-c output>,
// modules=<proto package>=<Swift module>;..., prefixes=<proto package>=<type prefix>;...
import AtendeProtobuf
import CProtobufC
import CProtocPlugin
import Foundation

let registry: DescriptorRegistry = {
  var count = 0
  let table = CProtocPlugin_message_descriptors(&count)!
  return DescriptorRegistry(table, count: count)
}()

/// The Swift file name for a .proto file: `atende/rpc/v1/protocol.proto` → `atende_rpc_v1_protocol.pb.swift`.
func swiftFileName(_ protoName: String) -> String {
  let base = protoName.hasSuffix(".proto") ? String(protoName.dropLast(6)) : protoName
  return base.replacingOccurrences(of: "/", with: "_") + ".pb.swift"
}

func respond(files: [(name: String, content: String)], error: String?) throws {
  let bytes = try packMessage(registry.message("google.protobuf.compiler.CodeGeneratorResponse")) {
    (w) throws(ProtobufEncodingError) in
    if let error { try w.setString(1, error) }
    w.setScalar(2, UInt64(0))
    try w.setRepeatedMessages(15, files) { (f, file) throws(ProtobufEncodingError) in
      try f.setString(1, file.name)
      try f.setString(15, file.content)
    }
  }
  FileHandle.standardOutput.write(Data(bytes))
}

let input = FileHandle.standardInput.readDataToEndOfFile()
do {
  let request = try input.withUnsafeBytes { (buffer) throws(ProtobufDecodingError) in
    try withDecodedMessage(
      registry.message("google.protobuf.compiler.CodeGeneratorRequest"), from: buffer,
      options: ProtobufDecodingOptions(allocationBudget: Int.max)
    ) { (r) throws(ProtobufDecodingError) in try CodeGeneratorRequest(r) }
  }
  let options = try GeneratorOptions(parameter: request.parameter)
  var generator = try Generator(request: request, options: options)
  var files: [(name: String, content: String)] = []
  let byName = Dictionary(request.files.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
  for name in request.filesToGenerate {
    guard let file = byName[name] else { throw GeneratorError("protoc did not send \(name)") }
    if file.syntax != "proto3" { throw GeneratorError("\(name): only proto3 is supported") }
    files.append((swiftFileName(name), try generator.file(file)))
  }
  files.append(("_ProtobufCRegistry.swift", generator.registryFile()))
  try respond(files: files, error: nil)
} catch {
  try respond(files: [], error: "\(error)")
}
