public import AtendeDomain
public import AtendeStore
internal import Foundation
internal import Logging
internal import PostgresNIO

extension PostgresStore {
  /// Recording events takes this advisory lock until commit: the identity values of the
  /// event log are then taken in commit order, so a reader that has seen sequence N never
  /// misses an event below N committed later by another server.
  static let eventLock: Int64 = 0x4154_454E_4445_56  // "ATENDEV"
  /// The channel NOTIFY wakes every server's readers on.
  static let eventChannel = "atende_ticket_events"

  /// Records `event` in the transaction of its change, and wakes every server's readers
  /// when it commits. Call it last in the transaction: the lock it takes is held to commit.
  func record(_ connection: PostgresConnection, _ event: TicketChangeEvent) async throws {
    try await connection.query("SELECT pg_advisory_xact_lock(\(Self.eventLock))", logger: logger)
    try await connection.query(
      """
      INSERT INTO ticket_event (ticket_id, kind, actor, at, fields, ticket)
      VALUES (\(event.ticket.id), \(event.kind.rawValue), \(event.actor), \(event.at.micros),
        \(event.fields.joined(separator: ",")), \(try TicketChangeEvent.encode(event.ticket)))
      """, logger: logger)
    try await connection.query("SELECT pg_notify(\(Self.eventChannel), '')", logger: logger)
  }

  public func events(after sequence: Int64, limit: Int) async throws -> [TicketChangeEvent] {
    try await read { connection in
      try await connection.query(
        "SELECT * FROM ticket_event WHERE id > \(sequence) ORDER BY id LIMIT \(Int64(limit))", logger: logger
      ).collect().map { row in
        let row = row.makeRandomAccess()
        let fields = try row.value("fields", as: String.self)
        return TicketChangeEvent(
          sequence: try row.value("id"),
          kind: TicketChangeEvent.Kind(rawValue: try row.value("kind", as: String.self)) ?? .changed,
          ticket: try TicketChangeEvent.decode(try row.value("ticket", as: String.self)),
          actor: try row.value("actor"), at: try row.date("at"),
          fields: fields.isEmpty ? [] : fields.split(separator: ",").map(String.init))
      }
    }
  }

  public func lastEventSequence() async throws -> Int64 {
    try await read { connection in
      try await connection.query("SELECT COALESCE(MAX(id), 0) AS last FROM ticket_event", logger: logger).collect()[0]
        .makeRandomAccess().value("last", as: Int64.self)
    }
  }

  /// Signals after this process records events, and whenever any server of the database
  /// does (LISTEN on a connection of its own, outside the pool, closed when the stream
  /// ends; reconnecting after a second when it breaks).
  public func eventSignals() -> AsyncStream<Void> {
    let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    let local = signals.stream()
    let task = Task {
      await withTaskGroup(of: Void.self) { group in
        group.addTask {
          for await _ in local { continuation.yield() }
        }
        group.addTask {
          while !Task.isCancelled {
            do {
              let connection = try await PostgresConnection.connect(
                configuration: try self.settings.connectionConfiguration(), id: 0, logger: self.logger)
              // Closing the connection ends the notifications: that is how cancellation
              // stops the loop below.
              try await withTaskCancellationHandler {
                defer { Task { try? await connection.close() } }
                try await connection.listen(on: Self.eventChannel) { notifications in
                  // Changes made before LISTEN took effect are found by the first read.
                  continuation.yield()
                  for try await _ in notifications { continuation.yield() }
                }
              } onCancel: {
                Task { try? await connection.close() }
              }
            } catch {
              if Task.isCancelled { break }
              self.logger.warning(
                "listening for ticket events failed; retrying", metadata: ["error": "\(String(reflecting: error))"])
              try? await Task.sleep(for: .seconds(1))
            }
          }
        }
        await group.waitForAll()
      }
      continuation.finish()
    }
    continuation.onTermination = { _ in task.cancel() }
    return stream
  }
}
