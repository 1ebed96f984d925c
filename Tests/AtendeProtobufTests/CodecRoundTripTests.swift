import AtendeProtobuf
import AtendeTestProtos
import Testing

@Suite("protobuf-c codec round trips")
struct CodecRoundTripTests {
  static let full = KitchenSink(
    fInt32: -42, fInt64: .min, fUint32: .max, fUint64: .max, fSint32: -7, fSint64: -(1 << 40),
    fFixed32: 123_456, fFixed64: 1 << 60, fSfixed32: -9, fSfixed64: -(1 << 50), fFloat: 1.5, fDouble: -2.25,
    fBool: true, fString: "olá, mundo ✓", fBytes: [0, 1, 2, 255], fColour: .blue, fMood: .grumpy,
    fInner: .init(name: "inner", value: 9),
    rInt32: [1, -2, 3], rSint64: [-1, 0, .max], rDouble: [0.5, -0.25], rBool: [true, false, true],
    rString: ["a", "", "ç"], rBytes: [[], [1], [2, 3]], rColour: [.red, .green, .unrecognized(99)],
    rInner: [.init(name: "x"), .init(value: -1)], rFixed64: [0, 1, .max],
    mStringString: ["k": "v", "": "empty key"], mInt32Inner: [1: .init(name: "one"), -5: .init()],
    mUint64Bytes: [7: [7, 7], 0: []], mStringColour: ["sky": .blue],
    wTimestamp: .init(seconds: 1_700_000_000, nanos: 123), wDuration: .init(seconds: -3, nanos: -5),
    wMask: .init(paths: ["title", "status"]), wEmpty: .init(),
    protocol: "2026000001234", clientIdNumber2: 2, choice: .cInner(.init(name: "chosen")))

  @Test("every field kind survives encode and decode")
  func fullMessage() throws {
    let bytes = try Self.full.serializedBytes()
    let decoded = try KitchenSink(serializedBytes: bytes)
    #expect(decoded == Self.full)
  }

  @Test("a message with every field at its default encodes to nothing")
  func emptyMessage() throws {
    let bytes = try KitchenSink().serializedBytes()
    #expect(bytes.isEmpty)
    #expect(try KitchenSink(serializedBytes: []) == KitchenSink())
  }

  @Test("absent sub-messages stay nil and present empty ones are kept")
  func presence() throws {
    var message = KitchenSink()
    message.wEmpty = .init()
    let decoded = try KitchenSink(serializedBytes: message.serializedBytes())
    #expect(decoded.wEmpty != nil)
    #expect(decoded.fInner == nil)
    #expect(decoded.wTimestamp == nil)
  }

  @Test(
    "each oneof member round-trips, including its default value",
    arguments: [
      KitchenSink.Choice.cText(""), .cText("hello"), .cNumber(0), .cNumber(-1), .cInner(.init()), .cBlob([]),
      .cBlob([9]),
    ])
  func oneof(choice: KitchenSink.Choice) throws {
    let message = KitchenSink(choice: choice)
    let decoded = try KitchenSink(serializedBytes: message.serializedBytes())
    #expect(decoded.choice == choice)
  }

  @Test("fields unknown to an older schema are kept and written back")
  func unknownFields() throws {
    let wide = Wide(a: "a", b: 2, c: ["x", "y"], d: .init(a: "nested"))
    let narrow = try Narrow(serializedBytes: wide.serializedBytes())
    #expect(narrow.a == "a")
    #expect(narrow.b == 2)
    #expect(narrow.unknownFields.fields.map(\.number) == [3, 3, 4])
    let back = try Wide(serializedBytes: narrow.serializedBytes())
    #expect(back == wide)
  }

  @Test("unknown enum values are kept")
  func unknownEnum() throws {
    let message = KitchenSink(fColour: .unrecognized(1234))
    let decoded = try KitchenSink(serializedBytes: message.serializedBytes())
    #expect(decoded.fColour == .unrecognized(1234))
    #expect(decoded.fColour.rawValue == 1234)
  }

  @Test("truncated input is a malformed-input error at every cut")
  func truncated() throws {
    let bytes = try Self.full.serializedBytes()
    var failures = 0
    for cut in 1..<bytes.count {
      do {
        _ = try KitchenSink(serializedBytes: bytes[0..<cut])
      } catch {
        #expect(error.code == .malformed)
        failures += 1
      }
    }
    // Most cuts land inside a field; a cut exactly between fields is a valid shorter message.
    #expect(failures > bytes.count / 2)
  }

  @Test("garbage bytes give a typed error, never a crash")
  func garbage() {
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<2000 {
      let count = Int.random(in: 1...64, using: &generator)
      let bytes = (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
      do {
        _ = try KitchenSink(serializedBytes: bytes)
      } catch {
        #expect([.malformed, .invalidUTF8, .allocationBudgetExceeded].contains(error.code))
      }
    }
  }

  @Test("invalid UTF-8 in a string field is rejected and names the field")
  func invalidUTF8() throws {
    // Field 14 (f_string), wire type 2, length 2, bytes C3 28 (an invalid sequence).
    let error = #expect(throws: ProtobufDecodingError.self) {
      try KitchenSink(serializedBytes: [0x72, 0x02, 0xC3, 0x28])
    }
    #expect(error?.code == .invalidUTF8)
    #expect(error?.fieldPath == "f_string")
    #expect(error?.messageName == "atende.testing.v1.KitchenSink")
  }

  @Test("invalid UTF-8 inside a nested repeated message gives the field path")
  func invalidUTF8Nested() throws {
    // r_inner (28) = [Inner{name: <C3 28>}]: tag 0xE2 0x01, len 4, then field 1 len 2.
    let error = #expect(throws: ProtobufDecodingError.self) {
      try KitchenSink(serializedBytes: [0xE2, 0x01, 0x04, 0x0A, 0x02, 0xC3, 0x28])
    }
    #expect(error?.fieldPath == "r_inner[0].name")
  }

  @Test("a string with a NUL character cannot be encoded")
  func nulInString() {
    let error = #expect(throws: ProtobufEncodingError.self) {
      try KitchenSink(rInner: [.init(), .init(name: "a\u{0}b")]).serializedBytes()
    }
    #expect(error?.fieldPath == "r_inner[1].name")
  }

  @Test("decoding that needs more memory than the budget fails cleanly")
  func allocationBudget() throws {
    // 10 000 empty map entries: tiny input, a structure per entry.
    var bytes: [UInt8] = []
    for _ in 0..<10_000 { bytes += [0x82, 0x02, 0x00] }  // field 32 (m_int32_inner), empty entry
    let error = #expect(throws: ProtobufDecodingError.self) {
      try KitchenSink(serializedBytes: bytes, options: .init(allocationBudget: 64 * 1024))
    }
    #expect(error?.code == .allocationBudgetExceeded)
    // The same input decodes with the default budget.
    let decoded = try KitchenSink(serializedBytes: bytes)
    #expect(decoded.mInt32Inner == [0: .init()])
  }

  @Test("encodings agree with protobuf's wire format for simple fields")
  func wireFormat() throws {
    #expect(try KitchenSink(fInt32: 150).serializedBytes() == [0x08, 0x96, 0x01])
    #expect(try KitchenSink(fString: "hi").serializedBytes() == [0x72, 0x02, 0x68, 0x69])
    #expect(try KitchenSink(fSint32: -1).serializedBytes() == [0x28, 0x01])
  }
}
