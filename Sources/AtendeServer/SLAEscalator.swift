public import AtendeDomain
public import AtendeStore
public import Logging
public import ServiceLifecycle

/// Runs the SLA escalation rules on a schedule: each pass reads the open tickets in
/// batches with their SLA clocks and the rules that acted on them already, and asks the
/// store to escalate each ticket a rule is due on (``AtendeStore/escalate(ticketID:rule:)``
/// checks again and records the firing in the same transaction, so a rule acts on a ticket
/// once however many servers run passes at once).
public struct SLAEscalator: Service {
  /// What one pass did.
  public struct Pass: Sendable, Hashable {
    /// Open tickets read.
    public var examined = 0
    /// (ticket id, rule id) of each escalation, in order.
    public var escalations: [Escalation] = []
    /// Escalations that failed (logged; tried again at the next pass).
    public var failures = 0

    public init() {}
  }

  public struct Escalation: Sendable, Hashable {
    public var ticketID: Int64
    public var ruleID: Int64
  }

  /// Open tickets read per batch.
  public static let batchSize = 200

  let store: any AtendeStore
  let interval: Duration
  let logger: Logger
  let sleep: @Sendable (Duration) async throws -> Void

  /// Passes over `store` every `interval` (the first at once). `sleep` waits between
  /// passes (tests pass one that moves a manual clock).
  public init(
    store: any AtendeStore, interval: Duration, logger: Logger,
    sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
  ) {
    self.store = store
    self.interval = interval
    self.logger = logger
    self.sleep = sleep
  }

  /// One pass over every open ticket.
  public func runOnce() async throws -> Pass {
    var pass = Pass()
    let rules = try await store.escalationRules().filter(\.active)
    guard !rules.isEmpty else { return pass }
    var query = TicketQuery()
    query.statuses = [.new, .pending, .inProgress]
    query.order = .createdAscending
    var token = ""
    repeat {
      let page = try await store.listTickets(query, page: PageRequest(size: Self.batchSize, token: token))
      pass.examined += page.items.count
      let clocks = try await store.ticketSLAs(page.items)
      let fired = try await store.escalationFirings(ticketIDs: Array(clocks.keys))
      for ticket in page.items {
        guard let sla = clocks[ticket.id] else { continue }
        for rule in rules where !(fired[ticket.id]?.contains(rule.id) ?? false) && EscalationRules.isDue(rule, sla: sla)
        {
          do {
            if try await store.escalate(ticketID: ticket.id, rule: rule) != nil {
              pass.escalations.append(Escalation(ticketID: ticket.id, ruleID: rule.id))
              logger.info(
                "ticket escalated",
                metadata: ["ticket": "\(ticket.protocolNumber)", "rule": "\(rule.id) \(rule.name)"])
            }
          } catch {
            pass.failures += 1
            logger.error(
              "escalation failed; tried again at the next pass",
              metadata: ["ticket": "\(ticket.protocolNumber)", "rule": "\(rule.id)", "error": "\(error)"])
          }
        }
      }
      token = page.nextPageToken
    } while !token.isEmpty
    return pass
  }

  /// Passes until the service group shuts down (or the task is cancelled).
  public func run() async throws {
    await cancelWhenGracefulShutdown {
      while !Task.isCancelled {
        do {
          _ = try await runOnce()
        } catch {
          logger.error("escalation pass failed", metadata: ["error": "\(error)"])
        }
        do {
          try await sleep(interval)
        } catch {
          return  // cancelled
        }
      }
    }
  }
}
