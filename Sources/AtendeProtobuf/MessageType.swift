package import CProtobufC

/// The protobuf-c descriptor of a generated message type. Opaque outside this package.
public struct _MessageType: @unchecked Sendable {
  package let descriptor: UnsafePointer<ProtobufCMessageDescriptor>
  /// The deepest nesting of sub-messages the schema allows below this type (0 = no
  /// message fields), or nil when a type contains itself (directly or not) and the
  /// nesting is unbounded. Decoding checks the input's nesting only when this exceeds
  /// the limit.
  package let schemaDepth: Int?

  package init(_ descriptor: UnsafePointer<ProtobufCMessageDescriptor>) {
    self.descriptor = descriptor
    var depths: [UnsafePointer<ProtobufCMessageDescriptor>: Int?] = [:]
    self.schemaDepth = Self.depth(of: descriptor, known: &depths)
  }

  /// ``schemaDepth`` of `descriptor`: a depth-first walk of its message fields, each type
  /// once. A type met again before its walk ends is part of a cycle (nil).
  private static func depth(
    of descriptor: UnsafePointer<ProtobufCMessageDescriptor>,
    known: inout [UnsafePointer<ProtobufCMessageDescriptor>: Int?]
  ) -> Int? {
    if let depth = known[descriptor] { return depth }
    known[descriptor] = .some(nil)  // in progress: meeting it again means a cycle
    var deepest = 0
    let message = descriptor.pointee
    for index in 0..<Int(message.n_fields) {
      let field = message.fields[index]
      guard field.type == PROTOBUF_C_TYPE_MESSAGE, let child = field.descriptor else { continue }
      guard let depth = depth(of: child.assumingMemoryBound(to: ProtobufCMessageDescriptor.self), known: &known)
      else {
        known[descriptor] = .some(nil)
        return nil
      }
      deepest = max(deepest, depth + 1)
    }
    known[descriptor] = deepest
    return deepest
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
