package import CProtobufC

/// The protobuf-c descriptor of a generated message type. Opaque outside this package.
public struct _MessageType: @unchecked Sendable {
  package let descriptor: UnsafePointer<ProtobufCMessageDescriptor>

  package init(_ descriptor: UnsafePointer<ProtobufCMessageDescriptor>) {
    self.descriptor = descriptor
  }

  /// The fully qualified protobuf name, e.g. `"atende.rpc.v1.CallHeader"`.
  public var fullName: String { String(cString: descriptor.pointee.name) }
}

/// The message descriptors of one protoc-c target, by fully qualified name.
///
/// Generated code builds one registry per C target from the table that
/// `scripts/generate.sh` emits, and looks its descriptors up once per type.
package struct DescriptorRegistry: @unchecked Sendable {
  private let byName: [String: UnsafePointer<ProtobufCMessageDescriptor>]

  package init(_ table: UnsafePointer<UnsafePointer<ProtobufCMessageDescriptor>?>, count: Int) {
    var byName: [String: UnsafePointer<ProtobufCMessageDescriptor>] = [:]
    for index in 0..<count {
      guard let descriptor = table[index] else { continue }
      byName[String(cString: descriptor.pointee.name)] = descriptor
    }
    self.byName = byName
  }

  /// The descriptor of `fullName`. A missing name means the generated Swift and C
  /// are out of step, which `scripts/generate.sh --check` catches; it traps.
  package func message(_ fullName: String) -> _MessageType {
    guard let descriptor = byName[fullName] else {
      fatalError("protobuf-c descriptor for \(fullName) is missing: regenerate with scripts/generate.sh")
    }
    return _MessageType(descriptor)
  }
}
