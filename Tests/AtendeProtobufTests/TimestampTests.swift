import AtendeProtobuf
import Testing

@Suite("Date ↔ Timestamp")
struct TimestampDateTests {
  @Test("seconds round down, the rest to the nearest microsecond: a time in microseconds comes back exactly")
  func rounding() {
    let micros: Int64 = 1_780_000_000_123_457
    let stamp = Google_Protobuf_Timestamp(secondsSince1970: Double(micros) / 1e6)
    #expect(stamp.seconds == 1_780_000_000)
    #expect(stamp.nanos == 123_457_000)
    #expect(Int64((stamp.secondsSince1970 * 1e6).rounded()) == micros)
    // Before 1970: seconds toward the past, nanoseconds positive.
    let before = Google_Protobuf_Timestamp(secondsSince1970: -1.5)
    #expect(before.seconds == -2)
    #expect(before.nanos == 500_000_000)
    // A fraction that rounds up to a whole second carries into the seconds.
    let carried = Google_Protobuf_Timestamp(secondsSince1970: 41.999_999_9)
    #expect(carried.seconds == 42)
    #expect(carried.nanos == 0)
    #expect(Google_Protobuf_Timestamp(date: stamp.date) == stamp)
  }
}
