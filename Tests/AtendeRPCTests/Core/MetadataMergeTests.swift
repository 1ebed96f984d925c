import Testing

@testable import AtendeRPC
@testable import AtendeRPCCore

@Suite("Metadata: a call's entries merged with its connection's")
struct MetadataMergeTests {
  static func wire(_ pairs: [(String, String)]) -> [MetadataEntry] {
    pairs.map { MetadataEntry(key: $0.0, value: .text($0.1)) }
  }

  @Test("the call's entries come first; a connection entry whose key the call has is left out", arguments: [1, 40])
  func merge(size: Int) {
    // size 1: the few-entries path; 40: the set-of-keys path (40 × 41 > 64).
    let extra = (0..<size).map { ("call-\($0)", "c") }
    let call = Self.wire([("authorization", "Bearer call"), ("request-id", "r1")] + extra)
    let connection = Metadata(
      wire: Self.wire(
        [("authorization", "Bearer connection"), ("actor", "maria")] + (0..<size).map { ("conn-\($0)", "k") }))
    let merged = Metadata(wire: call, connection: connection)
    #expect(merged["authorization"] == "Bearer call")
    #expect(merged.values(for: "authorization").count == 1)
    #expect(merged["actor"] == "maria")
    #expect(merged["request-id"] == "r1")
    #expect(merged.count == 2 + size + 1 + size)
    #expect(Array(merged.map(\.key).prefix(2)) == ["authorization", "request-id"])
  }

  @Test("repeated keys of the call stay; no call entries means the connection's entries")
  func repeatedAndEmpty() {
    let connection = Metadata(wire: Self.wire([("tag", "from-connection"), ("actor", "maria")]))
    let merged = Metadata(wire: Self.wire([("tag", "a"), ("tag", "b")]), connection: connection)
    #expect(merged.values(for: "tag").count == 2)
    #expect(merged["actor"] == "maria")
    #expect(Metadata(wire: [], connection: connection) == connection)
  }
}
