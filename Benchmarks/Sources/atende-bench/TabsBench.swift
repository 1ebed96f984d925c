import ArgumentParser
import AtendeAPI
import AtendeDomain
import AtendeServer
import AtendeStore
import Foundation
import Logging

/// An in-process server with the demo data on a free port, and a client factory; events
/// go through a bus fed by the store's event log.
func withBenchServer<Result: Sendable>(
  maxFileSize: Int64 = 1 << 30, _ body: (Int, TicketEventBus) async throws -> Result
) async throws -> Result {
  let store = try SQLiteStore.inMemory()
  let events = TicketEventBus(log: store)
  try await DemoData.load(into: store)
  let server = try AtendeServer.makeServer(
    configuration: ServerConfiguration(host: "127.0.0.1", port: 0), store: store, files: try temporaryFileStorage(),
    maxFileSize: maxFileSize, events: events, auth: nil,
    logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
  )
  return try await withRPCServer(server) { server in try await body(try await server.listeningPort(), events) }
}

func seconds(_ duration: Duration) -> Double {
  Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// Upload and download throughput of attachments.
struct FilesBench: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "files", abstract: "Attachment upload and download throughput; prints JSON lines.")

  @Option(help: "Size of each file, in MiB.") var sizeMib = 16
  @Option(help: "Files per run.") var count = 8
  @Option(help: "Uploads (and downloads) in flight.") var concurrency = 1
  @Option(help: "Chunk size, in KiB.") var chunkKib = 64

  func run() async throws {
    let (size, count, concurrency, chunk) = (sizeMib << 20, count, concurrency, chunkKib << 10)
    let content = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }
    try await withBenchServer { port, _ in
      let client = RPCClient(
        endpoints: [Endpoint(host: "127.0.0.1", port: port)],
        configuration: {
          var c = ClientConfiguration(); c.connectionsPerEndpoint = concurrency; return c
        }())
      defer { client.close() }
      let tickets = TicketService.Client(client)
      let files = TicketFileService.Client(client)
      let ticket = try await tickets.createTicket(
        CreateTicketRequest(
          ticket: AtendeAPI.Ticket(
            kind: .client, clientId: 1001, title: "bench", departmentId: 1, priority: .normal, description: "bench")))
      let clock = ContinuousClock()
      var start = clock.now
      let ids = try await withThrowingTaskGroup(of: [Int64].self) { group in
        for worker in 0..<concurrency {
          group.addTask {
            var ids: [Int64] = []
            for index in stride(from: worker, to: count, by: concurrency) {
              let stored = try await files.uploadTicketFile { writer in
                try await writer.write(.init(part: .header(UploadHeader(ticketId: ticket.id, name: "f\(index).bin"))))
                var offset = 0
                while offset < content.count {
                  let end = min(offset + chunk, content.count)
                  try await writer.write(.init(part: .chunk(Array(content[offset..<end]))))
                  offset = end
                }
              }
              ids.append(stored.id)
            }
            return ids
          }
        }
        return try await group.reduce(into: [Int64]()) { $0 += $1 }
      }
      let upload = seconds(clock.now - start)
      start = clock.now
      let downloaded = try await withThrowingTaskGroup(of: Int.self) { group in
        for worker in 0..<concurrency {
          group.addTask {
            var total = 0
            for id in ids[worker...].enumerated().filter({ $0.offset % concurrency == 0 }).map(\.element) {
              total += try await files.downloadTicketFile(DownloadTicketFileRequest(id: id)) { responses in
                var bytes = 0
                for try await response in responses {
                  if case .chunk(let data)? = response.part { bytes += data.count }
                }
                return bytes
              }
            }
            return total
          }
        }
        return try await group.reduce(0, +)
      }
      let download = seconds(clock.now - start)
      let megabytes = Double(size * count) / 1e6
      print(
        """
        {"benchmark":"files","file_mib":\(sizeMib),"files":\(count),"concurrency":\(concurrency),"chunk_kib":\(chunkKib),\
        "upload_mb_s":\(Int(megabytes / upload)),"download_mb_s":\(Int(Double(downloaded) / 1e6 / download))}
        """)
    }
  }
}

/// Event fan-out: subscribers over the network while tickets are opened, and the bus alone.
struct EventsBench: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "events", abstract: "Live event fan-out to many subscribers; prints JSON lines.")

  @Option(help: "Subscribers (one connection each).") var subscribers = 50
  @Option(help: "Tickets opened while they watch.") var tickets = 2000
  @Option(help: "Events published to the bus alone (in-process fan-out).") var busEvents = 200_000

  func run() async throws {
    let (subscriberCount, ticketCount) = (subscribers, tickets)
    // Over the network: every subscriber receives every CREATED event.
    try await withBenchServer { port, bus in
      let watchers = (0..<subscriberCount).map { _ in RPCClient(host: "127.0.0.1", port: port) }
      let writer = RPCClient(host: "127.0.0.1", port: port)
      defer {
        watchers.forEach { $0.close() }
        writer.close()
      }
      let clock = ContinuousClock()
      let (delivered, publishSeconds, deliverSeconds) = try await withThrowingTaskGroup(of: Int.self) { group in
        for watcher in watchers {
          group.addTask {
            try await TicketEventService.Client(watcher).watchTickets(WatchTicketsRequest()) { stream in
              var count = 0
              for try await event in stream where event.kind == .created {
                count += 1
                if count == ticketCount { break }
              }
              return count
            }
          }
        }
        while bus.subscriberCount < subscriberCount { try await Task.sleep(for: .milliseconds(10)) }
        let start = clock.now
        let ticketsClient = TicketService.Client(writer)
        try await withThrowingTaskGroup(of: Void.self) { creators in
          for worker in 0..<8 {
            creators.addTask {
              for _ in stride(from: worker, to: ticketCount, by: 8) {
                _ = try await ticketsClient.createTicket(
                  CreateTicketRequest(
                    ticket: AtendeAPI.Ticket(
                      kind: .client, clientId: 1001, title: "evento", departmentId: 1, priority: .normal,
                      description: "bench")))
              }
            }
          }
          try await creators.waitForAll()
        }
        let published = seconds(clock.now - start)
        let total = try await group.reduce(0, +)
        return (total, published, seconds(clock.now - start))
      }
      print(
        """
        {"benchmark":"events-network","subscribers":\(subscriberCount),"tickets":\(ticketCount),\
        "creates_per_s":\(Int(Double(ticketCount) / publishSeconds)),"delivered":\(delivered),\
        "delivered_per_s":\(Int(Double(delivered) / deliverSeconds))}
        """)
    }
    // The bus alone: publish cost with slow (non-reading) and draining subscribers.
    let bus = TicketEventBus(bufferSize: 1024)
    let ticket = AtendeDomain.Ticket(
      id: 1, kind: .client, clientID: 1, title: "t", departmentID: 1, priority: .normal, description: "d",
      createdAt: Date(), updatedAt: Date(), openedBy: "bench")
    let streams = (0..<subscriberCount).map { _ in bus.subscribe(.init()) }
    let drained = Task {
      await withTaskGroup(of: Int.self) { group in
        for stream in streams.prefix(subscriberCount / 2) {
          group.addTask {
            var count = 0
            for await _ in stream {
              count += 1
              if count == 1_000_000 { break }
            }
            return count
          }
        }
        return await group.reduce(0, +)
      }
    }
    let clock = ContinuousClock()
    let start = clock.now
    for sequence in 0..<busEvents {
      bus.publish(
        TicketChangeEvent(sequence: Int64(sequence + 1), kind: .changed, ticket: ticket, actor: "bench", at: Date()))
    }
    let elapsed = seconds(clock.now - start)
    drained.cancel()
    print(
      """
      {"benchmark":"events-bus","subscribers":\(subscriberCount),"stalled_subscribers":\(subscriberCount - subscriberCount / 2),\
      "events":\(busEvents),"publish_per_s":\(Int(Double(busEvents) / elapsed)),\
      "fanout_per_s":\(Int(Double(busEvents * subscriberCount) / elapsed))}
      """)
    withExtendedLifetime(streams) {}
  }
}
