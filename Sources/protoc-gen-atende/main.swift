// protoc-gen-atende: protoc plugin that writes Swift for Atende's .proto files.
//
// protoc sends a CodeGeneratorRequest on stdin and expects a CodeGeneratorResponse on
// stdout; AtendeCodeGenerator does the rest (one translator per output).
//
// Options (--atende_opt=...): c_module=<C target with the protoc-c output>,
// modules=<proto package>=<Swift module>;..., prefixes=<proto package>=<type prefix>;...,
// access=public|package, output=swift|scopes.
import AtendeCodeGenerator
import Foundation

let input = FileHandle.standardInput.readDataToEndOfFile()
FileHandle.standardOutput.write(Data(try ProtocPlugin.respond(to: [UInt8](input))))
