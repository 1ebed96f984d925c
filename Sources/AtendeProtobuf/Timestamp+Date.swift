#if canImport(FoundationEssentials)
  public import FoundationEssentials
#else
  public import Foundation
#endif

extension Google_Protobuf_Timestamp {
  /// The timestamp of `date` (see ``init(secondsSince1970:)``).
  public init(date: Date) {
    self.init(secondsSince1970: date.timeIntervalSince1970)
  }

  /// The timestamp `interval` seconds after 1970: whole seconds rounded down (toward the
  /// past, as `google.protobuf.Timestamp` counts), the rest rounded to the nearest
  /// microsecond. A `Double` holds about a quarter of a microsecond at today's dates, so
  /// finer digits would be noise; and a time stored in microseconds (as the server stores
  /// them) comes back exactly.
  public init(secondsSince1970 interval: Double) {
    var seconds = interval.rounded(.down)
    var micros = ((interval - seconds) * 1e6).rounded()
    if micros >= 1e6 {
      seconds += 1
      micros -= 1e6
    }
    self.init(seconds: Int64(seconds), nanos: Int32(micros) * 1000)
  }

  /// Seconds since 1970.
  public var secondsSince1970: Double { Double(seconds) + Double(nanos) / 1e9 }

  /// The timestamp as a `Date`.
  public var date: Date { Date(timeIntervalSince1970: secondsSince1970) }
}
