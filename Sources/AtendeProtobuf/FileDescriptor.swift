#if canImport(FoundationEssentials)
  internal import FoundationEssentials
#else
  internal import Foundation
#endif

/// A `.proto` file's descriptor (a serialized `google.protobuf.FileDescriptorProto`, its
/// comments included) as generated code carries it, for reflection.
public struct ProtobufFileDescriptor: Sendable, Hashable {
  /// The name the file is imported under, e.g. `atende/tickets/v1/tickets.proto`.
  public let name: String
  /// The files it imports, by name.
  public let dependencies: [String]
  /// The full names it defines (without a leading dot): its messages and enums (nested
  /// ones too), its services and their methods (`package.Service.Method`).
  public let symbols: [String]
  private let base64: String

  /// Generated code calls this.
  public init(name: String, dependencies: [String], symbols: [String], base64: String) {
    self.name = name
    self.dependencies = dependencies
    self.symbols = symbols
    self.base64 = base64
  }

  /// The encoded `google.protobuf.FileDescriptorProto`.
  public var serialized: [UInt8] {
    guard let data = Data(base64Encoded: base64) else { preconditionFailure("\(name): corrupt generated descriptor") }
    return [UInt8](data)
  }
}
