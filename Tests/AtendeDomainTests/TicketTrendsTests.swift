import AtendeDomain
import Foundation
import Testing

@Suite("Ticket trends (periods, counts, percentiles)")
struct TicketTrendsTests {
  let utc = TimeZone(identifier: "UTC")!

  /// 2026-03-02 is a Monday.
  func at(_ day: Int, _ hour: Int, minute: Int = 0) -> Date {
    var components = DateComponents(year: 2026, month: 3, day: day, hour: hour, minute: minute)
    components.timeZone = utc
    return Calendar(identifier: .gregorian).date(from: components)!
  }

  @Test("days and weeks (from Monday) cover the period in the time zone; too many is refused")
  func periods() throws {
    let days = try #require(TicketTrends.periods(from: at(2, 10), to: at(5, 0), .day, timeZone: utc))
    #expect(days.map(\.start) == [at(2, 0), at(3, 0), at(4, 0)])
    #expect(days.last?.end == at(5, 0))
    let weeks = try #require(TicketTrends.periods(from: at(4, 12), to: at(20, 0), .week, timeZone: utc))
    #expect(weeks.map(\.start) == [at(2, 0), at(9, 0), at(16, 0)])
    // In São Paulo (UTC-3), 02:00 UTC on the 3rd is still the 2nd.
    let saoPaulo = TimeZone(identifier: "America/Sao_Paulo")!
    let local = try #require(TicketTrends.periods(from: at(3, 2), to: at(3, 4), .day, timeZone: saoPaulo))
    #expect(local.map(\.start) == [at(2, 3), at(3, 3)])
    #expect(
      TicketTrends.periods(from: at(1, 0), to: at(1, 0).addingTimeInterval(600 * 86_400), .day, timeZone: utc) == nil)
    #expect(
      TicketTrends.periods(from: at(1, 0), to: at(1, 0).addingTimeInterval(600 * 86_400), .week, timeZone: utc) != nil)
    // São Paulo, 4 November 2018: clocks went from 00:00 to 01:00, so that day began at
    // 01:00; the days after it begin at midnight again.
    var paulista = Calendar(identifier: .gregorian)
    paulista.timeZone = saoPaulo
    let start = paulista.date(from: DateComponents(year: 2018, month: 11, day: 3, hour: 12))!
    let end = paulista.date(from: DateComponents(year: 2018, month: 11, day: 7))!
    let changeover = try #require(TicketTrends.periods(from: start, to: end, .day, timeZone: saoPaulo))
    #expect(changeover.map { paulista.component(.day, from: $0.start) } == [3, 4, 5, 6])
    #expect(changeover.map { paulista.component(.hour, from: $0.start) } == [0, 1, 0, 0])
    #expect(zip(changeover, changeover.dropFirst()).allSatisfy { $0.end == $1.start })
  }

  @Test("openings and solutions fall in their periods, grouped by a dimension, most first")
  func counts() throws {
    let periods = try #require(TicketTrends.periods(from: at(2, 0), to: at(5, 0), .day, timeZone: utc))
    let tickets = [
      TicketTrends.TicketFacts(createdAt: at(2, 9), solvedAt: at(3, 10), channelID: 1, departmentID: 1),
      TicketTrends.TicketFacts(createdAt: at(2, 11), channelID: 2, departmentID: 1),
      TicketTrends.TicketFacts(createdAt: at(2, 15), solvedAt: at(4, 8), departmentID: 2),
      // Opened before the period, solved in it: counts as solved only.
      TicketTrends.TicketFacts(createdAt: at(1, 9), solvedAt: at(3, 9), channelID: 2, departmentID: 2),
      // Solved after it: counts as opened only.
      TicketTrends.TicketFacts(createdAt: at(4, 9), solvedAt: at(6, 9), channelID: 1, departmentID: 1),
    ]
    let result = TicketTrends.compute(
      tickets, periods: periods, from: at(2, 0), to: at(5, 0), dimension: .channel, businessTime: nil)
    #expect(result.periods.map(\.opened) == [3, 0, 1])
    #expect(result.periods.map(\.solved) == [0, 2, 1])
    #expect(result.periods[0].openedBy.map(\.id) == [0, 1, 2])  // one each: by id
    #expect(result.periods[1].solvedBy.map(\.id) == [1, 2])
    let byDepartment = TicketTrends.compute(
      tickets, periods: periods, from: at(2, 0), to: at(5, 0), dimension: .department, businessTime: nil)
    #expect(byDepartment.periods[0].openedBy.map(\.id) == [1, 2])
    #expect(byDepartment.periods[0].openedBy.map(\.count) == [2, 1])
    #expect(
      TicketTrends.compute(tickets, periods: periods, from: at(2, 0), to: at(5, 0), dimension: nil, businessTime: nil)
        .periods[0].openedBy.isEmpty)
  }

  @Test("percentiles on the clock and in business time, over the tickets opened in the period")
  func percentiles() throws {
    let periods = try #require(TicketTrends.periods(from: at(2, 0), to: at(16, 0), .week, timeZone: utc))
    // Friday 17:00, answered Monday 09:00, solved Monday 12:00: 64 h / 67 h on the clock,
    // 2 h / 5 h of a Monday-to-Friday 08:00-18:00 calendar.
    let weekend = TicketTrends.TicketFacts(
      createdAt: at(6, 17), firstResponseAt: at(9, 9), solvedAt: at(9, 12), departmentID: 1)
    let quick = TicketTrends.TicketFacts(
      createdAt: at(10, 10), firstResponseAt: at(10, 10, minute: 30), departmentID: 1)
    let clock = TicketTrends.compute(
      [weekend, quick], periods: periods, from: at(2, 0), to: at(16, 0), dimension: nil, businessTime: nil)
    #expect(clock.firstResponse.count == 2 && clock.solution.count == 1)
    #expect(clock.firstResponse.p50 == 1800 && clock.firstResponse.p90 == 64 * 3600)
    #expect(clock.solution.p99 == 67 * 3600)
    let calendar = BusinessCalendar(
      name: "Comercial", timeZone: "UTC",
      hours: (1...5).map { WorkingPeriod(weekday: $0, startMinute: 480, endMinute: 1080) })
    let business = TicketTrends.compute(
      [weekend, quick], periods: periods, from: at(2, 0), to: at(16, 0), dimension: nil,
      businessTime: BusinessTime(calendar))
    #expect(business.firstResponse.p90 == 2 * 3600)
    #expect(business.solution.p50 == 5 * 3600)
    #expect(TicketTrends.Percentiles([]).count == 0)
    #expect(TicketTrends.Percentiles((1...100).map(Double.init)).p99 == 99)
  }
}
