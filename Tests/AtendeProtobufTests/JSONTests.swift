import AtendeProtobuf
import AtendeTestProtos
import Foundation
import Testing

@Suite("Proto3 JSON")
struct JSONTests {
  static var full: KitchenSink {
    var sink = KitchenSink()
    sink.fInt32 = -5
    sink.fInt64 = Int64.min
    sink.fUint32 = UInt32.max
    sink.fUint64 = UInt64.max
    sink.fSint32 = -7
    sink.fSint64 = -9_007_199_254_740_993  // not exact as a double
    sink.fFixed32 = 3
    sink.fFixed64 = 4
    sink.fSfixed32 = -3
    sink.fSfixed64 = -4
    sink.fFloat = 0.1
    sink.fDouble = 2.5e-300
    sink.fBool = true
    sink.fString = "café \"quoted\" \n ✓"
    sink.fBytes = [0, 1, 2, 250, 251, 252, 253, 254, 255]
    sink.fColour = .blue
    sink.fMood = .grumpy
    sink.fInner = .init(name: "inner", value: 42)
    sink.rInt32 = [1, -1, 0]
    sink.rSint64 = [Int64.max, 0]
    sink.rDouble = [1.5, .infinity, -.infinity]
    sink.rBool = [true, false]
    sink.rString = ["a", ""]
    sink.rBytes = [[1], []]
    sink.rColour = [.red, .unrecognized(99)]
    sink.rInner = [.init(name: "x"), .init()]
    sink.rFixed64 = [UInt64.max]
    sink.mStringString = ["k": "v", "": "empty key"]
    sink.mInt32Inner = [-1: .init(name: "minus one"), 7: .init()]
    sink.mUint64Bytes = [UInt64.max: [9, 8]]
    sink.mStringColour = ["sky": .blue]
    sink.choice = .cNumber(0)
    sink.wTimestamp = .init(seconds: 1_700_000_000, nanos: 123_000_000)
    sink.wDuration = .init(seconds: -1, nanos: -500_000_000)
    sink.wMask = .init(paths: ["client_id", "location.address_line"])
    sink.wEmpty = .init()
    sink.protocol = "tcp"
    sink.clientIdNumber2 = 2
    return sink
  }

  @Test("every field kind survives JSON and back")
  func roundTrip() throws {
    let sink = Self.full
    let text = try sink.jsonString()
    #expect(try KitchenSink(jsonString: text) == sink)
    let pretty = try sink.jsonString(options: .init(prettyPrinted: true))
    #expect(try KitchenSink(jsonString: pretty) == sink)
    // NaN is written as "NaN" and read back as NaN.
    var nan = KitchenSink()
    nan.fDouble = .nan
    #expect(try nan.jsonString() == #"{"fDouble":"NaN"}"#)
    #expect(try KitchenSink(jsonString: #"{"fDouble":"NaN"}"#).fDouble.isNaN)
  }

  @Test("the canonical form: JSON names, defaults left out, 64-bit integers as strings, enums by name")
  func canonical() throws {
    var sink = KitchenSink()
    sink.fInt64 = 12
    sink.fUint32 = 7
    sink.fColour = .green
    sink.rColour = [.red, .unrecognized(99)]
    sink.fBytes = [0xfb, 0xff]
    sink.mInt32Inner = [3: .init(name: "n")]
    sink.choice = .cText("")  // a oneof member is written even at its default
    sink.wTimestamp = .init(seconds: 0, nanos: 20_000)
    sink.wDuration = .init(seconds: 3, nanos: 0)
    sink.wMask = .init(paths: ["client_id", "a.b_c"])
    sink.wEmpty = .init()
    sink.clientIdNumber2 = 1
    let text = try sink.jsonString()
    #expect(
      text
        == #"{"cText":"","clientIdNumber2":1,"fBytes":"+/8=","fColour":"GREEN","fInt64":"12","fUint32":7,"#
        + #""mInt32Inner":{"3":{"name":"n"}},"rColour":["RED",99],"wDuration":"3s","wEmpty":{},"#
        + #""wMask":"clientId,a.bC","wTimestamp":"1970-01-01T00:00:00.000020Z"}"#, "\(text)")
    #expect(try KitchenSink().jsonString() == "{}")
  }

  @Test("includeDefaultValues writes every field without presence; unset messages stay out")
  func defaults() throws {
    let text = try Narrow().jsonString(options: .init(includeDefaultValues: true))
    #expect(text == #"{"a":"","b":0}"#)
    let wide = try Wide(a: "x").jsonString(options: .init(includeDefaultValues: true))
    #expect(wide == #"{"a":"x","b":0,"c":[]}"#)
    let sink = try KitchenSink().jsonString(options: .init(includeDefaultValues: true))
    let object = try #require(try JSONSerialization.jsonObject(with: Data(sink.utf8)) as? [String: Any])
    #expect(object["fColour"] as? String == "COLOUR_UNSPECIFIED")
    #expect(object["fInt64"] as? String == "0")
    #expect((object["mStringString"] as? [String: Any])?.isEmpty == true)
    #expect(object["fInner"] == nil && object["choice"] == nil && object["cText"] == nil)
    #expect(try KitchenSink(jsonString: sink) == KitchenSink())
  }

  @Test("input: .proto names, numbers as strings and strings as numbers, enums by number, null as default")
  func lenientInput() throws {
    let sink = try KitchenSink(
      jsonString: #"""
        {"f_int32": "12", "fInt64": 13, "f_uint64": "18446744073709551615", "fColour": 7, "f_mood": "GRUMPY",
         "fFloat": "1.5", "fDouble": 1e3, "fString": null, "r_inner": [{"name": "a", "value": "1"}],
         "m_string_colour": {"x": "BLUE"}, "fBytes": "-_8", "c_inner": {"name": "c"}, "fInt32": null}
        """#)
    #expect(sink.fInt32 == 12)
    #expect(sink.fInt64 == 13)
    #expect(sink.fUint64 == UInt64.max)
    #expect(sink.fColour == .blue)
    #expect(sink.fMood == .grumpy)
    #expect(sink.fFloat == 1.5)
    #expect(sink.fDouble == 1000)
    #expect(sink.fString == "")
    #expect(sink.rInner == [.init(name: "a", value: 1)])
    #expect(sink.mStringColour == ["x": .blue])
    #expect(sink.fBytes == [0xfb, 0xff])  // URL-safe base64 without padding
    #expect(sink.choice == .cInner(.init(name: "c")))
  }

  @Test("errors name the field and the reason")
  func errors() {
    func failure(_ text: String, options: ProtobufJSONDecodingOptions = .init()) -> ProtobufJSONError? {
      do {
        _ = try KitchenSink(jsonString: text, options: options)
        return nil
      } catch {
        return error
      }
    }
    let unknown = failure(#"{"fInt32": 1, "colour": "RED"}"#)
    #expect(unknown?.fieldPath == "colour")
    #expect(unknown?.reason.contains("no field 'colour'") == true)
    #expect(unknown?.messageName == "atende.testing.v1.KitchenSink")
    #expect(failure(#"{"fInt32": 1, "colour": "RED"}"#, options: .init(ignoreUnknownFields: true)) == nil)

    #expect(failure(#"{"rInner": [{}, {"value": "x"}]}"#)?.fieldPath == "rInner[1].value")
    #expect(failure(#"{"fInt32": 2147483648}"#)?.fieldPath == "fInt32")
    #expect(failure(#"{"fInt32": 1.5}"#)?.fieldPath == "fInt32")
    #expect(failure(#"{"fUint32": -1}"#)?.fieldPath == "fUint32")
    #expect(failure(#"{"fColour": "PURPLE"}"#)?.reason.contains("PURPLE") == true)
    #expect(failure(#"{"fBool": "yes"}"#)?.fieldPath == "fBool")
    #expect(failure(#"{"fBytes": "not base64!"}"#)?.fieldPath == "fBytes")
    #expect(failure(#"{"mInt32Inner": {"x": {}}}"#)?.fieldPath == "mInt32Inner.x")
    #expect(failure(#"{"cText": "a", "cNumber": "1"}"#)?.reason.contains("oneof") == true)
    #expect(failure(#"{"wTimestamp": "yesterday"}"#)?.fieldPath == "wTimestamp")
    #expect(failure(#"{"wDuration": "5 minutes"}"#)?.fieldPath == "wDuration")
    #expect(failure(#"{"wEmpty": {"x": 1}}"#)?.fieldPath == "wEmpty.x")
    #expect(failure(#"{"fInt32": "#)?.reason == "not valid JSON")
    #expect(failure(#"{"fInt32": 1, "f_int32": 2}"#)?.reason.contains("one field") == true)
    // Integers are decimal: no hex, no plus sign, no spaces.
    for text in [#""0x10""#, #""+5""#, #"" 12""#, #""0x1p4""#, #""twelve""#] {
      #expect(failure(#"{"fInt32": \#(text)}"#)?.fieldPath == "fInt32", "\(text)")
    }
    #expect((try? KitchenSink(jsonString: #"{"fInt32": "1e3", "fInt64": "-12"}"#))?.fInt32 == 1000)
    #expect(failure(#"[1]"#) != nil)
  }

  @Test("Timestamp: RFC 3339 with 0, 3, 6 or 9 digits, offsets read, range checked")
  func timestamps() {
    typealias T = Google_Protobuf_Timestamp
    #expect(T(seconds: 0, nanos: 0).rfc3339 == "1970-01-01T00:00:00Z")
    #expect(T(seconds: 1_772_375_400, nanos: 500_000_000).rfc3339 == "2026-03-01T14:30:00.500Z")
    #expect(T(seconds: -1, nanos: 1).rfc3339 == "1969-12-31T23:59:59.000000001Z")
    #expect(T(seconds: 951_782_400, nanos: 0).rfc3339 == "2000-02-29T00:00:00Z")
    #expect(T(seconds: -62_135_596_800, nanos: 0).rfc3339 == "0001-01-01T00:00:00Z")
    #expect(T(seconds: 253_402_300_799, nanos: 999_999_999).rfc3339 == "9999-12-31T23:59:59.999999999Z")
    #expect(T(seconds: 253_402_300_800, nanos: 0).rfc3339 == nil)
    #expect(T(rfc3339: "2026-03-01T14:30:00.5Z") == T(seconds: 1_772_375_400, nanos: 500_000_000))
    #expect(T(rfc3339: "2026-03-01T11:30:00-03:00") == T(seconds: 1_772_375_400, nanos: 0))
    #expect(T(rfc3339: "1969-12-31T23:59:59.000000001Z") == T(seconds: -1, nanos: 1))
    for bad in [
      "2026-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-03-01 14:30:00Z", "2026-03-01T14:30:00",
      "2026-03-01T14:30:00.Z", "2026-03-01T14:30:00.1234567890Z", "2026-03-01T24:00:00Z", "10000-01-01T00:00:00Z",
    ] {
      #expect(T(rfc3339: bad) == nil, "\(bad)")
    }
  }

  @Test("Duration and FieldMask strings")
  func durationsAndMasks() throws {
    typealias D = Google_Protobuf_Duration
    #expect(D(seconds: 1, nanos: 500_000_000).jsonText == "1.500s")
    #expect(D(seconds: 0, nanos: -1000).jsonText == "-0.000001s")
    #expect(D(seconds: -2, nanos: 0).jsonText == "-2s")
    #expect(D(seconds: 1, nanos: -1).jsonText == nil)
    #expect(D(jsonText: "1.5s") == D(seconds: 1, nanos: 500_000_000))
    #expect(D(jsonText: "-0.000000001s") == D(seconds: 0, nanos: -1))
    #expect(D(jsonText: "1.5") == nil)
    #expect(D(jsonText: "s") == nil)
    #expect(D(jsonText: "+1s") == nil)
    // Out of range values are refused when written, never a crash.
    #expect(D(seconds: Int64.min, nanos: 0).jsonText == nil)
    #expect(D(seconds: 0, nanos: Int32.min).jsonText == nil)
    var extreme = KitchenSink()
    extreme.wDuration = D(seconds: Int64.min, nanos: 0)
    #expect(throws: (any Error).self) { try extreme.jsonString() }
    extreme.wDuration = nil
    extreme.wMask = .init(paths: ["a_ß"])  // "ß" upper-cases to two letters: no JSON form, and no crash
    #expect(throws: (any Error).self) { try extreme.jsonString() }
    var sink = KitchenSink()
    sink.wMask = .init(paths: ["Bad"])
    #expect(throws: (any Error).self) { try sink.jsonString() }
    #expect(
      try KitchenSink(jsonString: #"{"wMask": "clientId,location.addressLine"}"#).wMask?.paths == [
        "client_id", "location.address_line",
      ])
    #expect(try KitchenSink(jsonString: #"{"wMask": ""}"#).wMask?.paths == [])
  }

  @Test("a message inside the caller's own Codable type")
  func embedded() throws {
    struct Envelope: Codable, Equatable {
      var sink: KitchenSink
      var note: String
    }
    let envelope = Envelope(sink: .init(fInt64: 5, fColour: .red), note: "n")
    let data = try JSONEncoder().encode(envelope)
    #expect(try JSONDecoder().decode(Envelope.self, from: data) == envelope)
  }
}

@Suite("Serialized messages")
struct SerializedMessageTests {
  @Test("bytes pass through unchanged both ways; malformed bytes are refused")
  func passThrough() throws {
    let bytes = try JSONTests.full.serializedBytes()
    let message = SerializedMessage(bytes: bytes)
    #expect(try message.serializedBytes() == bytes)
    #expect(try SerializedMessage(serializedBytes: bytes).bytes == bytes)
    #expect(try KitchenSink(serializedBytes: try message.serializedBytes()) == JSONTests.full)
    #expect(try SerializedMessage().serializedBytes() == [])
    for bad: [UInt8] in [[0x08], [0x0a, 0x05, 0x01], [0x0b], [0x00]] {
      #expect(throws: (any Error).self) { try SerializedMessage(bytes: bad).serializedBytes() }
      #expect(throws: (any Error).self) { try SerializedMessage(serializedBytes: bad) }
    }
  }
}
