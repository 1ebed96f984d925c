internal import AtendeProtobuf
internal import CProtocPlugin

/// The protoc plugin protocol: a `CodeGeneratorRequest` in, a `CodeGeneratorResponse`
/// out, both decoded and encoded with protobuf-c (C generated from
/// google/protobuf/compiler/plugin.proto), so the plugin needs no other protobuf runtime.
package enum ProtocPlugin {
  /// The descriptors of descriptor.proto and plugin.proto.
  static let registry: DescriptorRegistry = {
    var count = 0
    let table = CProtocPlugin_message_descriptors(&count)!
    return DescriptorRegistry(table, count: count)
  }()

  /// The encoded response to an encoded request: the generated files, or the error that
  /// stopped generation (protoc prints it).
  package static func respond(to request: [UInt8]) throws -> [UInt8] {
    do {
      let request = try decodeRequest(request)
      return try encodeResponse(files: try generate(request), error: nil)
    } catch {
      return try encodeResponse(files: [], error: "\(error)")
    }
  }

  static func decodeRequest(_ bytes: [UInt8]) throws -> CodeGeneratorRequest {
    try bytes.withUnsafeBytes { (buffer) throws(ProtobufDecodingError) in
      try withDecodedMessage(
        registry.message("google.protobuf.compiler.CodeGeneratorRequest"), from: buffer,
        options: ProtobufDecodingOptions(allocationBudget: Int.max)
      ) { (r) throws(ProtobufDecodingError) in try CodeGeneratorRequest(r) }
    }
  }

  /// The files of a `FileDescriptorSet` (`protoc --descriptor_set_out --include_imports
  /// --include_source_info`), for tests.
  static func decodeDescriptorSet(_ bytes: [UInt8]) throws -> [FileDesc] {
    try bytes.withUnsafeBytes { (buffer) throws(ProtobufDecodingError) in
      try withDecodedMessage(
        registry.message("google.protobuf.FileDescriptorSet"), from: buffer,
        options: ProtobufDecodingOptions(allocationBudget: Int.max)
      ) { (r) throws(ProtobufDecodingError) in
        try r.repeatedMessage(1) { (f) throws(ProtobufDecodingError) in try FileDesc(f) }
      }
    }
  }

  static func generate(_ request: CodeGeneratorRequest) throws(GeneratorError) -> [(name: String, content: String)] {
    let options = try GeneratorOptions(parameter: request.parameter)
    var byName: [String: FileDesc] = [:]
    for file in request.files where byName[file.name] == nil { byName[file.name] = file }
    var toGenerate: [FileDesc] = []
    for name in request.filesToGenerate {
      guard let file = byName[name] else { throw GeneratorError("protoc did not send \(name)") }
      if file.syntax != "proto3" { throw GeneratorError("\(name): only proto3 is supported") }
      toGenerate.append(file)
    }
    switch options.output {
    case .scopes:
      return [(ScopeTableTranslator.fileName, try ScopeTableTranslator().translate(toGenerate))]
    case .python:
      var files: [(name: String, content: String)] = [PythonTranslator.packageFile]
      for file in toGenerate {
        if let module = try PythonTranslator().translate(file, files: request.files) {
          files.append((PythonTranslator.fileName(file.name), module))
        }
      }
      return files
    case .swift:
      let translator = SwiftFileTranslator(options: options, types: TypeTable(files: request.files, options: options))
      var files: [(name: String, content: String)] = []
      for file in toGenerate where SwiftFileTranslator.hasDeclarations(file) {
        files.append((SwiftFileTranslator.fileName(file.name), try translator.translate(file)))
      }
      let module = toGenerate.first.flatMap { options.modules[$0.package] } ?? ""
      files.append((RegistryTranslator.fileName, RegistryTranslator(options: options, module: module).translate()))
      files.append(
        (
          FileDescriptorTranslator.fileName,
          FileDescriptorTranslator(access: options.access, module: module).translate(toGenerate)
        ))
      return files
    }
  }

  static func encodeResponse(files: [(name: String, content: String)], error: String?) throws -> [UInt8] {
    try packMessage(registry.message("google.protobuf.compiler.CodeGeneratorResponse")) {
      (w) throws(ProtobufEncodingError) in
      if let error { try w.setString(1, error) }
      w.setScalar(2, UInt64(0))
      try w.setRepeatedMessages(15, files) { (f, file) throws(ProtobufEncodingError) in
        try f.setString(1, file.name)
        try f.setString(15, file.content)
      }
    }
  }
}
