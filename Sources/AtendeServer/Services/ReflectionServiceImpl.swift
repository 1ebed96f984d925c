public import AtendeAPI

/// `atende.reflection.v1.ServerReflection`: the hosted services, and the descriptors of
/// the files that define them, for generic tools (`atende describe`, `atende call`).
public struct ReflectionServiceImpl: ServerReflection.ServiceProtocol {
  private let services: [String]
  private let files: [String: ProtobufFileDescriptor]
  private let fileOfSymbol: [String: String]

  /// Reflection for a server hosting `services` (plus diagnostics and reflection itself),
  /// serving `files`.
  public init(describing services: [any RPCService], files: [ProtobufFileDescriptor] = AtendeAPIDescriptors.files) {
    var router = RPCRouter()
    for service in services { router.register(service) }
    let methods = router.methods + Diagnostics.Method.all + ServerReflection.Method.all
    self.services = Set(methods.map(\.service)).sorted()
    var byName: [String: ProtobufFileDescriptor] = [:]
    var fileOfSymbol: [String: String] = [:]
    for file in files {
      byName[file.name] = file
      for symbol in file.symbols { fileOfSymbol[symbol] = file.name }
    }
    self.files = byName
    self.fileOfSymbol = fileOfSymbol
  }

  public func listServices(_ request: ListServicesRequest, context: ServerContext) async throws
    -> ListServicesResponse
  {
    ListServicesResponse(services: services)
  }

  public func getFileContainingSymbol(_ request: GetFileContainingSymbolRequest, context: ServerContext)
    async throws -> FileDescriptors
  {
    let symbol = request.symbol.hasPrefix(".") ? String(request.symbol.dropFirst()) : request.symbol
    guard let name = fileOfSymbol[symbol] else {
      throw notFound("symbol", "no file served here defines '\(request.symbol)'")
    }
    return FileDescriptors(fileDescriptorProtos: closure(of: name))
  }

  public func getFileByName(_ request: GetFileByNameRequest, context: ServerContext) async throws -> FileDescriptors {
    guard files[request.name] != nil else {
      throw notFound("name", "no file named '\(request.name)' is served here")
    }
    return FileDescriptors(fileDescriptorProtos: closure(of: request.name))
  }

  private func notFound(_ field: String, _ message: String) -> RPCError {
    RPCError(
      code: .notFound, message: message,
      fieldViolations: [.init(field: field, reason: "NOT_FOUND", description: message)])
  }

  /// The file and everything it imports, each file after its imports. Imports not served
  /// (descriptor.proto, for method options) are left out.
  private func closure(of name: String) -> [[UInt8]] {
    var seen: Set<String> = []
    var ordered: [[UInt8]] = []
    func visit(_ name: String) {
      guard let file = files[name], seen.insert(name).inserted else { return }
      for dependency in file.dependencies { visit(dependency) }
      ordered.append(file.serialized)
    }
    visit(name)
    return ordered
  }
}
