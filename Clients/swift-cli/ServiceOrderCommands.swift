public import ArgumentParser
public import AtendeAPI
import Foundation

struct ServiceOrderCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "order",
    abstract: "Service orders (field work) of tickets: open, move, assign, schedule, sign, list.",
    discussion: """
      Status moves allowed:
        OPEN                → ANALYSIS, FORWARDED, ASSUMED, SCHEDULED
        ANALYSIS            → FORWARDED, ASSUMED, SCHEDULED
        FORWARDED           → ANALYSIS, ASSUMED
        ASSUMED             → SCHEDULED, EN_ROUTE, IN_EXECUTION
        SCHEDULED           → ASSUMED, EN_ROUTE, AWAITING_RESCHEDULE
        EN_ROUTE            → IN_EXECUTION, AWAITING_RESCHEDULE
        IN_EXECUTION        → FINISHED, AWAITING_RESCHEDULE
        AWAITING_RESCHEDULE → SCHEDULED
        FINISHED is final.
      ASSUMED, EN_ROUTE and IN_EXECUTION need a technician; an order whose subject
      requires the customer's signature must be signed before FINISHED.

      Examples:
        atende order open 2026000000001 --description "Trocar ONU" --technician 1
        atende order schedule 4 "2026-03-10 14:00"
        atende order status 4 en-route
        atende order list 2026000000001
      """,
    subcommands: [
      OpenOrder.self, ShowOrder.self, ListOrders.self, ChangeOrderStatus.self, AssignTechnician.self,
      ScheduleOrder.self, SignOrder.self,
    ])
}

extension ServiceOrderStatus: ExpressibleByArgument {
  public static var allValueStrings: [String] { argumentNames }

  public init?(argument: String) {
    guard let status = ServiceOrderStatus(argumentName: argument) else { return nil }
    self = status
  }
}

/// A service order, for people or for scripts.
func describe(_ order: ServiceOrder, json: Bool) -> String {
  if json { return canonicalJSON(order) }
  let signature =
    order.requiresSignature
    ? (order.signedAt == nil
      ? "required, not signed yet" : "signed by \(order.signedBy) at \(Render.date(order.signedAt))")
    : "not required"
  return Render.fields([
    ("Order", String(order.id)), ("Ticket", String(order.ticketId)), ("Status", order.status.styled),
    ("Priority", order.priority.styled), ("Subject", Render.id(order.subjectId)),
    ("Department", Render.id(order.departmentId)), ("Technician", Render.id(order.technicianId)),
    ("Scheduled", Render.date(order.scheduledAt)), ("Signature", signature), ("Opened", Render.date(order.createdAt)),
    ("Updated", Render.date(order.updatedAt)), ("Version", String(order.version)), ("Description", order.description),
  ])
}

/// Service order `id` as the server has it now, with its current version
/// (GetServiceOrder); with `ticket` (id or protocol), only when it is an order of that
/// ticket.
func fetchOrder(_ id: Int64, ticket: String?, _ client: RPCClient, _ options: CallOptions) async throws -> ServiceOrder
{
  let order = try await ServiceOrderService.Client(client).getServiceOrder(
    GetServiceOrderRequest(id: id), options: options)
  if let ticket {
    let owner = try await fetchTicket(ticket, TicketService.Client(client), options)
    guard order.ticketId == owner.id else {
      throw CLIError.notFound("service order \(id) is not an order of ticket \(ticket)")
    }
  }
  return order
}

/// Options of the commands that change a service order.
struct OrderChangeOptions: ParsableArguments {
  @Argument(help: "The service order's id.") var order: Int64
  @Option(help: "Change it only if it is an order of this ticket (id or protocol).") var ticket: String?
  @Option(help: "The version the change is based on (default: the current one).") var expectedVersion: Int64?
  @Flag(help: "Print JSON.") var json = false

  /// Reads the order's current version (unless given; and checks its ticket when given),
  /// makes the change with `call`, prints the result.
  func apply(
    _ connection: ConnectionOptions,
    _ call: (ServiceOrderService.Client, _ id: Int64, _ version: Int64, CallOptions) async throws -> ServiceOrder,
    summary: (ServiceOrder) -> String
  ) async throws {
    try await connection.withClient { client in
      var version = expectedVersion ?? 0
      if expectedVersion == nil || ticket != nil {
        let current = try await fetchOrder(order, ticket: ticket, client, connection.callOptions)
        version = expectedVersion ?? current.version
      }
      let changed = try await call(ServiceOrderService.Client(client), order, version, connection.callOptions)
      print(json ? describe(changed, json: true) : summary(changed))
    }
  }
}

struct OpenOrder: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "open", abstract: "Open a service order from a ticket.",
    discussion: """
      Defaults: the ticket's subject and priority; the subject's department, else
      the ticket's. The technician must be an active employee of the order's
      department.

      Examples:
        atende order open 2026000000001 --description "Verificar sinal na caixa"
        atende order open 12 --description "Instalação" --technician 1 \\
          --priority high --json
      """)

  @OptionGroup var connection: ConnectionOptions
  @Argument(help: "Id or protocol number of the ticket.") var ticket: String
  @Option(help: "What has to be done (required).") var description: String = ""
  @Option(help: "The subject (default: the ticket's).") var subject: Int64 = 0
  @Option(help: "The department (default: the subject's, else the ticket's).") var department: Int64 = 0
  @Option(help: "The technician.") var technician: Int64 = 0
  @Option(help: "low, normal, high or critical (default: the ticket's).") var priority: Priority?
  @Flag(help: "Print JSON.") var json = false

  func run() async throws {
    try await connection.withClient { client in
      let target = try await fetchTicket(ticket, TicketService.Client(client), connection.callOptions)
      let order = try await ServiceOrderService.Client(client).openServiceOrder(
        OpenServiceOrderRequest(
          order: ServiceOrder(
            ticketId: target.id, subjectId: subject, departmentId: department, technicianId: technician,
            priority: priority ?? .unspecified, description: description)), options: connection.callOptions)
      print(
        json
          ? describe(order, json: true)
          : "Opened service order \(order.id) on \(target.protocol)\n" + describe(order, json: false))
    }
  }
}

struct ShowOrder: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "show", abstract: "Show a service order.",
    discussion: "Examples:\n  atende order show 4\n  atende order show 4 --ticket 2026000000001 --json")

  @OptionGroup var connection: ConnectionOptions
  @Argument(help: "The service order's id.") var order: Int64
  @Option(help: "Show it only if it is an order of this ticket (id or protocol).") var ticket: String?
  @Flag(help: "Print JSON.") var json = false

  func run() async throws {
    try await connection.withClient { client in
      print(describe(try await fetchOrder(order, ticket: ticket, client, connection.callOptions), json: json))
    }
  }
}

struct ListOrders: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list", abstract: "List service orders, newest first.",
    discussion: """
      Examples:
        atende order list 2026000000001
        atende order list --status scheduled --status en-route --technician 1
        atende order list --department 1 --json
      """)

  @OptionGroup var connection: ConnectionOptions
  @Argument(help: "Only the orders of this ticket (id or protocol).") var ticket: String?
  @Option(help: "Only these statuses (repeatable).") var status: [ServiceOrderStatus] = []
  @Option(help: "Only this department.") var department: Int64 = 0
  @Option(help: "Only this technician.") var technician: Int64 = 0
  @Option(help: "Orders per page (at most 500).") var pageSize: Int32 = 50
  @Option(help: "Continue from this token.") var pageToken: String = ""
  @Flag(help: "Print JSON lines (one order each, then the next page token).") var json = false

  func run() async throws {
    try await connection.withClient { client in
      let ticketID = try await ticketID(ticket, client, connection.callOptions)
      let page = try await ServiceOrderService.Client(client).listServiceOrders(
        ListServiceOrdersRequest(
          ticketId: ticketID, statuses: status, departmentId: department, technicianId: technician,
          pageSize: pageSize, pageToken: pageToken), options: connection.callOptions)
      if json {
        for order in page.orders { print(describe(order, json: true)) }
        print(Render.json([("nextPageToken", page.nextPageToken)]))
        return
      }
      if page.orders.isEmpty {
        print("No service orders.")
        return
      }
      let rows = page.orders.map { order in
        [
          String(order.id), String(order.ticketId), order.status.styled, order.priority.styled,
          Render.id(order.departmentId), Render.id(order.technicianId), Render.date(order.scheduledAt),
          order.requiresSignature ? (order.signedAt == nil ? "pending" : "signed") : "-", order.description,
        ]
      }
      print(
        Render.table(
          ["ID", "TICKET", "STATUS", "PRIORITY", "DEPT", "TECHNICIAN", "SCHEDULED", "SIGNATURE", "DESCRIPTION"], rows))
      if !page.nextPageToken.isEmpty { print("\nmore: --page-token \(page.nextPageToken)") }
    }
  }
}

struct ChangeOrderStatus: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "status", abstract: "Move a service order to another status.",
    discussion: """
      Statuses: open, analysis, forwarded, assumed, scheduled, en-route,
      in-execution, awaiting-reschedule, finished (see 'atende order --help' for
      the allowed moves).

      Examples:
        atende order status 4 assumed
        atende order status 4 finished --note "ONU trocada, sinal ok"
      """)

  @OptionGroup var change: OrderChangeOptions
  @OptionGroup var connection: ConnectionOptions
  @Argument(help: "The new status.") var status: ServiceOrderStatus
  @Option(help: "A note recorded in the ticket's history.") var note: String = ""

  func run() async throws {
    try await change.apply(connection) { orders, id, version, options in
      try await orders.changeServiceOrderStatus(
        ChangeServiceOrderStatusRequest(id: id, expectedVersion: version, status: status, note: note),
        options: options)
    } summary: {
      "Service order \($0.id) is now \($0.status.styled)"
    }
  }
}

struct AssignTechnician: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "assign", abstract: "Put a technician in charge of a service order.",
    discussion: "Example:\n  atende order assign 4 2")

  @OptionGroup var change: OrderChangeOptions
  @OptionGroup var connection: ConnectionOptions
  @Argument(help: "The technician: an active employee of the order's department.") var technician: Int64

  func run() async throws {
    try await change.apply(connection) { orders, id, version, options in
      try await orders.assignTechnician(
        AssignTechnicianRequest(id: id, expectedVersion: version, technicianId: technician), options: options)
    } summary: {
      "Service order \($0.id): technician \(Render.id($0.technicianId))"
    }
  }
}

struct ScheduleOrder: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "schedule", abstract: "Set the visit time of a service order.",
    discussion: """
      The time is local unless it carries a zone. An order not yet under way moves
      to SCHEDULED.

      Examples:
        atende order schedule 4 "2026-03-10 14:00"
        atende order schedule 4 2026-03-10T17:00:00Z
      """)

  @OptionGroup var change: OrderChangeOptions
  @OptionGroup var connection: ConnectionOptions
  @Argument(help: "When: 2026-03-10 14:00, 2026-03-10T14:00 or ISO 8601 with a zone.") var when: String

  func run() async throws {
    let at = try timestampOption(when, "the visit time")
    try await change.apply(connection) { orders, id, version, options in
      try await orders.scheduleServiceOrder(
        ScheduleServiceOrderRequest(id: id, expectedVersion: version, scheduledAt: at), options: options)
    } summary: {
      "Service order \($0.id) scheduled for \(Render.date($0.scheduledAt)): \($0.status.styled)"
    }
  }
}

struct SignOrder: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sign", abstract: "Record the customer's signature of a service order.",
    discussion: "Example:\n  atende order sign 4 --by \"Ana Paula Ferreira\"")

  @OptionGroup var change: OrderChangeOptions
  @OptionGroup var connection: ConnectionOptions
  @Option(help: "Who signed (the customer's name as given in the portal).") var by: String

  func run() async throws {
    try await change.apply(connection) { orders, id, version, options in
      try await orders.recordSignature(
        RecordSignatureRequest(id: id, expectedVersion: version, signedBy: by), options: options)
    } summary: {
      "Service order \($0.id) signed by \($0.signedBy)"
    }
  }
}
