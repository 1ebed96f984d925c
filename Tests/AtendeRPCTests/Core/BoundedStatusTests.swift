import AtendeProtobuf
import Testing

@testable import AtendeRPC
@testable import AtendeRPCCore

/// The status a server sends for an error never exceeds the client's frame limit, carries at
/// most `RPCError.maxFieldViolations` field violations and counts the ones left out.
@Suite("Bounded error status")
struct BoundedStatusTests {
  static func violations(_ count: Int, text: String = "x") -> [RPCError.FieldViolation] {
    (0..<count).map {
      .init(field: "employees[0].department_ids[\($0)]", reason: "NOT_FOUND", description: "department \($0) \(text)")
    }
  }

  @Test("a million violations: the first 100 are sent, the rest counted")
  func manyViolations() throws {
    let error = RPCError(code: .invalidArgument, message: "cannot upsert", fieldViolations: Self.violations(1_000_000))
    let status = error.status(maxPayload: 1 << 20)
    #expect(status.fieldViolations.count == RPCError.maxFieldViolations)
    #expect(status.omittedFieldViolations == 1_000_000 - 100)
    #expect(status.fieldViolations.map(\.field) == error.fieldViolations.prefix(100).map(\.field))
    #expect(try status.serializedBytes().count < 20_000)
    let received = RPCError(status: status)
    #expect(received.omittedFieldViolations == 999_900)
    #expect(received.description.contains("and 999900 more field violations"))
  }

  @Test(
    "whatever the error holds, the encoded status fits the limit; what is cut is counted or shortened",
    arguments: [256, 257, 300, 512, 1000, 4096, 65_536, 1 << 20])
  func fits(limit: Int) throws {
    var metadata = Metadata()
    for index in 0..<50 { metadata.add("trailer-\(index)", String(repeating: "m", count: 1000)) }
    let long = String(repeating: "ção ", count: 50_000)
    let error = RPCError(
      code: .failedPrecondition, message: long, fieldViolations: Self.violations(500, text: long),
      omittedFieldViolations: 7, reason: "SOME_REASON", retryAfter: .seconds(3), metadata: metadata)
    let status = error.status(maxPayload: limit)
    let size = try status.serializedBytes().count
    #expect(size <= limit, "\(size) bytes for a limit of \(limit)")
    #expect(status.code == .failedPrecondition)
    #expect(status.reason == "SOME_REASON")
    #expect(status.retryAfterMillis == 3000)
    #expect(!status.message.isEmpty)
    #expect(long.hasPrefix(status.message))
    #expect(status.message.utf8.count <= WireLimits.message)
    #expect(Int(status.omittedFieldViolations) + status.fieldViolations.count == 507)
    for (sent, original) in zip(status.fieldViolations, error.fieldViolations) {
      #expect(sent.field == original.field)
      #expect(original.description.hasPrefix(sent.description))
      #expect(sent.description.utf8.count <= WireLimits.violationDescription)
    }
    if limit == 1 << 20 {
      #expect(status.fieldViolations.count == RPCError.maxFieldViolations)
      #expect(status.metadata.count == 50)
    }
  }

  @Test("an error that fits is sent as it is")
  func unchanged() throws {
    let error = RPCError(
      code: .invalidArgument, message: "invalid request",
      fieldViolations: [.init(field: "ticket.title", reason: "REQUIRED", description: "title must not be empty")],
      reason: "R", metadata: ["k": "v"])
    let status = error.status(maxPayload: 256)
    #expect(status.message == "invalid request")
    #expect(status.fieldViolations.count == 1)
    #expect(status.omittedFieldViolations == 0)
    #expect(status.metadata.count == 1)
  }

  @Test("cutting at a byte limit never splits a character")
  func truncation() {
    #expect("ação".truncatedUTF8(to: 2) == "a")  // "ç" is 2 bytes: 1 + 2 > 2
    #expect("ação".truncatedUTF8(to: 3) == "aç")
    #expect("ação".truncatedUTF8(to: 100) == "ação")
    #expect("👍🏽👍🏽".truncatedUTF8(to: 9) == "👍🏽")  // a grapheme of 8 bytes
    #expect("abc".truncatedUTF8(to: 0) == "")
  }
}
