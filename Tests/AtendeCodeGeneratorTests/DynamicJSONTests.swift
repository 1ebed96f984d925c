import AtendeProtobuf
import AtendeTestProtos
import Foundation
import Testing

@testable import AtendeCodeGenerator

/// The descriptor-driven codec (`atende call`) against the generated one: the same JSON
/// gives the same bytes' meaning, and the same bytes the same JSON.
@Suite("JSON through descriptors")
struct DynamicJSONTests {
  static let schema = try! ProtoSchema(serializedFiles: GoldenTests.files.map(\.serialized))

  static var sink: KitchenSink {
    var sink = KitchenSink()
    sink.fInt32 = -5
    sink.fInt64 = Int64.min
    sink.fUint32 = UInt32.max
    sink.fUint64 = UInt64.max
    sink.fSint32 = -7
    sink.fSint64 = -9_007_199_254_740_993
    sink.fFixed32 = 3
    sink.fFixed64 = UInt64.max
    sink.fSfixed32 = -3
    sink.fSfixed64 = -4
    sink.fFloat = 1.5
    sink.fDouble = -2.25
    sink.fBool = true
    sink.fString = "café ✓"
    sink.fBytes = [0, 250, 255]
    sink.fColour = .blue
    sink.fMood = .grumpy
    sink.fInner = .init(name: "inner", value: 42)
    sink.rInt32 = [1, -1, 0]
    sink.rSint64 = [Int64.max, -1]
    sink.rDouble = [1.5, .infinity]
    sink.rBool = [true, false]
    sink.rString = ["a", ""]
    sink.rBytes = [[1], []]
    sink.rColour = [.red, .unrecognized(99)]
    sink.rInner = [.init(name: "x"), .init()]
    sink.rFixed64 = [7]
    sink.mStringString = ["k": "v"]
    sink.mInt32Inner = [-1: .init(name: "minus one")]
    sink.mUint64Bytes = [UInt64.max: [9, 8]]
    sink.mStringColour = ["sky": .blue]
    sink.choice = .cInner(.init(name: "c"))
    sink.wTimestamp = .init(seconds: 1_700_000_000, nanos: 123_000_000)
    sink.wDuration = .init(seconds: -1, nanos: -500_000_000)
    sink.wMask = .init(paths: ["client_id", "a.b_c"])
    sink.wEmpty = .init()
    sink.protocol = "tcp"
    sink.clientIdNumber2 = 2
    return sink
  }

  func json(_ text: String) throws -> NSDictionary {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? NSDictionary)
  }

  @Test("bytes the generated code writes read as the JSON it writes, with and without defaults")
  func decode() throws {
    for sink in [Self.sink, KitchenSink(), KitchenSink(choice: .cNumber(0))] {
      let bytes = try sink.serializedBytes()
      let dynamic = try Self.schema.decode(bytes, as: "atende.testing.v1.KitchenSink")
      #expect(try json(dynamic.text) == json(sink.jsonString()))
      let withDefaults = try Self.schema.decode(bytes, as: "atende.testing.v1.KitchenSink", includeDefaults: true)
      #expect(try json(withDefaults.text) == json(sink.jsonString(options: .init(includeDefaultValues: true))))
    }
  }

  @Test("JSON the generated code writes encodes to the same message")
  func encode() throws {
    for sink in [Self.sink, KitchenSink()] {
      let node = try JSONNode(parsing: try sink.jsonString())
      let bytes = try Self.schema.encode(node, as: "atende.testing.v1.KitchenSink")
      #expect(try KitchenSink(serializedBytes: bytes) == sink)
    }
    // .proto names and numbers as strings are read too.
    let lenient = try JSONNode(parsing: #"{"f_int32": "12", "f_uint64": 5, "r_colour": ["GREEN", 7]}"#)
    let decoded = try KitchenSink(
      serializedBytes: try Self.schema.encode(lenient, as: "atende.testing.v1.KitchenSink"))
    #expect(decoded.fInt32 == 12 && decoded.fUint64 == 5 && decoded.rColour == [.green, .blue])
  }

  @Test("errors name the field and the reason")
  func errors() throws {
    func failure(_ text: String) -> DynamicCodingError? {
      do {
        _ = try Self.schema.encode(try JSONNode(parsing: text), as: "atende.testing.v1.KitchenSink")
        return nil
      } catch {
        return error
      }
    }
    #expect(failure(#"{"colour": 1}"#)?.path == "colour")
    #expect(failure(#"{"fInt32": 2147483648}"#)?.path == "fInt32")
    #expect(failure(#"{"fUint32": -1}"#)?.path == "fUint32")
    #expect(failure(#"{"fColour": "PURPLE"}"#)?.reason.contains("PURPLE") == true)
    #expect(failure(#"{"rInner": [{}, {"value": "x"}]}"#)?.path == "rInner[1].value")
    #expect(failure(#"{"mInt32Inner": {"x": {}}}"#)?.path == "mInt32Inner.x")
    #expect(failure(#"{"cText": "a", "cNumber": "1"}"#)?.reason.contains("oneof") == true)
    #expect(failure(#"{"wTimestamp": "yesterday"}"#)?.path == "wTimestamp")
    #expect(failure(#"{"fBytes": "not base64!"}"#)?.path == "fBytes")
    #expect(failure("[1]") != nil)
    #expect(failure(#"{"fInt32": 1, "f_int32": 2}"#)?.reason.contains("one field") == true)
    #expect(failure(#"{"fFloat": 1e39}"#)?.path == "fFloat")
    // A uint64 beyond Int64 given as a JSON number is read.
    let big = try Self.schema.encode(
      try JSONNode(parsing: #"{"fUint64": 18446744073709549568}"#), as: "atende.testing.v1.KitchenSink")
    #expect(try KitchenSink(serializedBytes: big).fUint64 == 18_446_744_073_709_549_568)
    // Malformed bytes are refused, never read past their end.
    for bytes: [UInt8] in [[0x08], [0x0a, 0x05, 0x01], [0x0b], [0x00], [0x92, 0x01, 0x02, 0x08]] {
      #expect(throws: DynamicCodingError.self) { try Self.schema.decode(bytes, as: "atende.testing.v1.KitchenSink") }
    }
  }
}
