import AtendeProtobuf
import AtendeTestProtos
import Testing

@Suite("Generated enum names")
struct EnumNameTests {
  @Test("each value has its .proto name and its name without the enum's prefix; both lead back to it")
  func names() {
    // kitchen_sink.proto names its values COLOUR_UNSPECIFIED, RED, GREEN, BLUE.
    #expect(Colour.unspecified.protoName == "COLOUR_UNSPECIFIED")
    #expect(Colour.unspecified.shortName == "UNSPECIFIED")
    #expect(Colour.red.protoName == "RED")
    #expect(Colour.red.shortName == "RED")
    #expect(KitchenSink.Mood.unspecified.protoName == "MOOD_UNSPECIFIED")
    #expect(KitchenSink.Mood.grumpy.shortName == "GRUMPY")
    for colour in Colour.allCases {
      #expect(Colour(protoName: colour.protoName ?? "") == colour)
      #expect(Colour(protoName: colour.shortName ?? "") == colour)
    }
    for mood in KitchenSink.Mood.allCases {
      #expect(KitchenSink.Mood(protoName: mood.protoName ?? "") == mood)
    }
  }

  @Test("an unknown value has no name, and an unknown name no value")
  func unknown() {
    #expect(Colour.unrecognized(42).protoName == nil)
    #expect(Colour.unrecognized(42).shortName == nil)
    #expect(Colour(protoName: "PURPLE") == nil)
    #expect(Colour(protoName: "COLOUR_RED") == nil)  // not a name the .proto gives
    #expect(Colour(protoName: "red") == nil)  // names are case-sensitive, as in proto3 JSON
    #expect(Colour(protoName: "") == nil)
  }
}
