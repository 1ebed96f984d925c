import AtendeDomain
import Foundation
import Synchronization
import Testing

@testable import AtendeStore

/// A clock the test moves by hand.
final class ManualClock: Sendable {
  private let current = Mutex(Date(timeIntervalSince1970: 1_780_000_000))
  var now: Date { current.withLock { $0 } }
  func advance(hours: Double) { current.withLock { $0 = $0.addingTimeInterval(hours * 3600) } }
}

@Suite("Ticket metrics on a known data set")
struct MetricsTests {
  @Test("open counts, response and solution times, SLA breaches", arguments: Engine.available)
  func metrics(engine: Engine) async throws {
    let clock = ManualClock()
    try await withStore(engine, now: { clock.now }) { store in
      _ = try await loadReferences(store)
      let subject = try await store.createSubject(
        Subject(name: "Sem conexão", defaultPriority: .high, firstResponseSLAHours: 1, solutionSLAHours: 24), actor: "t"
      )
      let start = clock.now
      var withSubject = fields()
      withSubject.subjectID = subject.id
      var a = try await store.createTicket(withSubject, actor: "t")
      var b = try await store.createTicket(withSubject, actor: "t")
      var other = fields()
      other.departmentID = 11
      _ = try await store.createTicket(other, actor: "t")  // stays NEW
      let d = try await store.createTicket(withSubject, actor: "t")
      _ = try await store.cancelTicket(id: d.id, expectedVersion: d.version, reason: "duplicado", actor: "t")

      clock.advance(hours: 0.5)
      a = try await store.changeTicketStatus(
        id: a.id, expectedVersion: a.version, to: .inProgress, message: "já vamos", actor: "t")
      clock.advance(hours: 1.5)  // 2 h
      a = try await store.changeTicketStatus(id: a.id, expectedVersion: a.version, to: .solved, message: "", actor: "t")
      clock.advance(hours: 1)  // 3 h
      b = try await store.changeTicketStatus(
        id: b.id, expectedVersion: b.version, to: .pending, message: "aguardando", actor: "t")
      clock.advance(hours: 27)  // 30 h
      b = try await store.changeTicketStatus(id: b.id, expectedVersion: b.version, to: .solved, message: "", actor: "t")
      clock.advance(hours: 10)  // 40 h

      let metrics = try await store.ticketMetrics(from: start, to: clock.now, departments: nil)
      #expect(metrics.openByStatus.map(\.name) == ["NEW"])
      #expect(metrics.openByStatus.map(\.count) == [1])
      #expect(metrics.openByDepartment.map(\.id) == [11])
      #expect(metrics.openByDepartment.first?.name == "SAC")
      #expect(metrics.timeToFirstResponse.count == 2)
      #expect(metrics.timeToFirstResponse.median == 0.5 * 3600)
      #expect(metrics.timeToFirstResponse.p90 == 3 * 3600)
      #expect(metrics.timeToSolution.count == 2)
      #expect(metrics.timeToSolution.median == 2 * 3600)
      #expect(metrics.timeToSolution.p90 == 30 * 3600)
      let foundSla = metrics.sla.first { $0.subjectID == subject.id }
      let sla = try #require(foundSla)
      #expect(sla.tickets == 2)  // the canceled one does not count
      #expect(sla.firstResponseBreaches == 1)
      #expect(sla.solutionBreaches == 1)

      // One department only; a period before everything.
      let sac = try await store.ticketMetrics(from: start, to: clock.now, departments: [11])
      #expect(sac.timeToFirstResponse.count == 0)
      #expect(sac.openByStatus.map(\.count) == [1])
      let before = try await store.ticketMetrics(from: start.addingTimeInterval(-7200), to: start, departments: nil)
      #expect(before.sla.first?.tickets == 0)
    }
  }

  @Test("an open ticket past its targets counts as breaching both", arguments: Engine.available)
  func openPastTarget(engine: Engine) async throws {
    let clock = ManualClock()
    try await withStore(engine, now: { clock.now }) { store in
      _ = try await loadReferences(store)
      let subject = try await store.createSubject(
        Subject(name: "Urgente", defaultPriority: .high, firstResponseSLAHours: 1, solutionSLAHours: 4), actor: "t")
      let start = clock.now
      var withSubject = fields()
      withSubject.subjectID = subject.id
      _ = try await store.createTicket(withSubject, actor: "t")
      clock.advance(hours: 0.5)
      var metrics = try await store.ticketMetrics(from: start, to: clock.now, departments: nil)
      #expect(metrics.sla.first { $0.subjectID == subject.id }?.firstResponseBreaches == 0)
      clock.advance(hours: 5)
      metrics = try await store.ticketMetrics(from: start, to: clock.now, departments: nil)
      let foundSla = metrics.sla.first { $0.subjectID == subject.id }
      let sla = try #require(foundSla)
      #expect(sla.firstResponseBreaches == 1)
      #expect(sla.solutionBreaches == 1)
    }
  }
}
