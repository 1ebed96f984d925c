public import ArgumentParser
public import AtendeAPI
import Foundation

extension TicketEventKind: ExpressibleByArgument {
  public static var allValueStrings: [String] { argumentNames.filter { $0 != "lagged" } }

  /// `created`, `status-changed`... (the .proto's names).
  public init?(argument: String) {
    guard let kind = Self(argumentName: argument), kind != .lagged else { return nil }
    self = kind
  }

  public var defaultValueDescription: String { argument }
}

extension ProtobufEnum {
  /// The value as a command line writes it (`status-changed`).
  var argument: String { shortName?.lowercased().replacingOccurrences(of: "_", with: "-") ?? String(rawValue) }
}

extension WebhookDeliveryState: ExpressibleByArgument {
  public var defaultValueDescription: String { argument }
  public static var allValueStrings: [String] { argumentNames }
  public init?(argument: String) { self.init(argumentName: argument) }
}

struct WebhookCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "webhook",
    abstract: "Webhooks: ticket events POSTed, signed, to other systems; deliveries and the dead-letter list.",
    discussion: """
      Each event of the chosen kinds on tickets of the chosen departments is POSTed to
      the URL as proto3 JSON, signed (Atende-Signature: t=<unix>,v1=<HMAC-SHA256 of
      "<t>.<body>" with the secret>), and tried again after 10 s, 30 s, 1 min, 5 min,
      15 min, 1 h and 3 h; after the 8th failure it is dead until replayed. Needs the
      admin scope (docs/API.md, "Webhooks").

      Examples:
        atende webhook create --name erp --url https://erp.provedor.example/hooks/atende \\
          --event created --event status-changed --department 1
        atende webhook list
        atende webhook deliveries --state dead
        atende webhook replay 1
      """,
    subcommands: [
      CreateWebhook.self, ListWebhooks.self, ShowWebhook.self, UpdateWebhook.self, RotateWebhookSecret.self,
      DeleteWebhook.self, ListWebhookDeliveries.self, ReplayWebhookDeliveries.self,
    ])
}

/// A webhook for people or for scripts.
func describe(_ webhook: Webhook, json: Bool) -> String {
  if json { return canonicalJSON(webhook) }
  let kinds = webhook.eventKinds.isEmpty ? "every kind" : webhook.eventKinds.map(\.label).joined(separator: ", ")
  let departments =
    webhook.departmentIds.isEmpty ? "every department" : webhook.departmentIds.map(String.init).joined(separator: ", ")
  return Render.fields(
    [
      ("Id", String(webhook.id)), ("Name", webhook.name), ("URL", webhook.url), ("Events", kinds),
      ("Departments", departments), ("Active", webhook.active ? "yes" : "no"),
      ("Secret gen.", String(webhook.secretGeneration)), ("Cursor", String(webhook.cursor)),
      ("Updated", "\(Render.date(webhook.updatedAt)) by \(webhook.updatedBy)"), ("Version", String(webhook.version)),
    ], width: 13)
}

/// Options that describe a webhook.
struct WebhookFields: ParsableArguments {
  @Option(help: "A unique name.") var name: String?
  @Option(help: "Where deliveries go (https; http only to a loopback address).") var url: String?
  @Option(help: "An event kind to deliver (repeatable; default: every kind).") var event: [TicketEventKind] = []
  @Option(help: "Only tickets of this department (repeatable; default: every department).") var department: [Int64] = []
}

struct CreateWebhook: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "create", abstract: "Create a webhook and print its signing secret (shown once).")

  @OptionGroup var connection: ConnectionOptions
  @OptionGroup var fields: WebhookFields
  @Flag(help: "Created inactive.") var inactive = false
  @Flag(help: "Print JSON.") var json = false

  func run() async throws {
    guard let name = fields.name, let url = fields.url else { throw ValidationError("give --name and --url") }
    try await connection.withClient { client in
      let created = try await WebhookService.Client(client).createWebhook(
        CreateWebhookRequest(
          webhook: Webhook(
            name: name, url: url, eventKinds: fields.event, departmentIds: fields.department, active: !inactive)),
        options: connection.callOptions)
      if json {
        print(canonicalJSON(created))
        return
      }
      FileHandle.standardError.write(
        Data("Created webhook \(created.webhook?.id ?? 0); its signing secret is shown once:\n".utf8))
      print(created.secret)
    }
  }
}

struct ListWebhooks: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "list", abstract: "List the webhooks.")

  @OptionGroup var connection: ConnectionOptions
  @Flag(help: "Print JSON lines.") var json = false

  func run() async throws {
    try await connection.withClient { client in
      let webhooks = try await WebhookService.Client(client).listWebhooks(
        ListWebhooksRequest(), options: connection.callOptions
      ).webhooks
      if json {
        for webhook in webhooks { print(canonicalJSON(webhook)) }
        return
      }
      let rows = webhooks.map {
        [
          String($0.id), $0.name, $0.active ? "yes" : "no",
          $0.eventKinds.isEmpty ? "all" : $0.eventKinds.map(\.label).joined(separator: ","), $0.url,
        ]
      }
      print(Render.table(["ID", "NAME", "ACTIVE", "EVENTS", "URL"], rows))
    }
  }
}

struct ShowWebhook: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a webhook.")

  @OptionGroup var connection: ConnectionOptions
  @Argument(help: "The webhook's id.") var id: Int64
  @Flag(help: "Print JSON.") var json = false

  func run() async throws {
    try await connection.withClient { client in
      let webhook = try await WebhookService.Client(client).getWebhook(
        GetWebhookRequest(id: id), options: connection.callOptions)
      print(describe(webhook, json: json))
    }
  }
}

struct UpdateWebhook: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "update", abstract: "Change a webhook (only what is given).",
    discussion: """
      Examples:
        atende webhook update 1 --url https://erp2.provedor.example/hooks
        atende webhook update 1 --deactivate
        atende webhook update 1 --event created --all-departments
      """)

  @OptionGroup var connection: ConnectionOptions
  @Argument(help: "The webhook's id.") var id: Int64
  @OptionGroup var fields: WebhookFields
  @Flag(help: "Deliver every kind of event.") var allEvents = false
  @Flag(help: "Deliver events of every department.") var allDepartments = false
  @Flag(help: "Resume deliveries (of events from now on).") var activate = false
  @Flag(help: "Stop deliveries.") var deactivate = false
  @Option(help: "The version the change is based on (default: the current one).") var expectedVersion: Int64?
  @Flag(help: "Print JSON.") var json = false

  func run() async throws {
    if activate && deactivate { throw ValidationError("--activate and --deactivate exclude each other") }
    try await connection.withClient { client in
      let service = WebhookService.Client(client)
      var webhook = try await service.getWebhook(GetWebhookRequest(id: id), options: connection.callOptions)
      let version = expectedVersion ?? webhook.version
      if let name = fields.name { webhook.name = name }
      if let url = fields.url { webhook.url = url }
      if !fields.event.isEmpty { webhook.eventKinds = fields.event }
      if allEvents { webhook.eventKinds = [] }
      if !fields.department.isEmpty { webhook.departmentIds = fields.department }
      if allDepartments { webhook.departmentIds = [] }
      if activate { webhook.active = true }
      if deactivate { webhook.active = false }
      let updated = try await service.updateWebhook(
        UpdateWebhookRequest(webhook: webhook, expectedVersion: version), options: connection.callOptions)
      print(describe(updated, json: json))
    }
  }
}

struct RotateWebhookSecret: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "rotate-secret",
    abstract: "Give a webhook a new signing secret (printed once; it signs from the next delivery pass on).")

  @OptionGroup var connection: ConnectionOptions
  @Argument(help: "The webhook's id.") var id: Int64

  func run() async throws {
    try await connection.withClient { client in
      let service = WebhookService.Client(client)
      let webhook = try await service.getWebhook(GetWebhookRequest(id: id), options: connection.callOptions)
      let rotated = try await service.rotateWebhookSecret(
        RotateWebhookSecretRequest(id: id, expectedVersion: webhook.version), options: connection.callOptions)
      print(rotated.secret)
    }
  }
}

struct DeleteWebhook: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "delete", abstract: "Remove a webhook and its deliveries.")

  @OptionGroup var connection: ConnectionOptions
  @Argument(help: "The webhook's id.") var id: Int64

  func run() async throws {
    try await connection.withClient { client in
      let service = WebhookService.Client(client)
      let webhook = try await service.getWebhook(GetWebhookRequest(id: id), options: connection.callOptions)
      _ = try await service.deleteWebhook(
        DeleteWebhookRequest(id: id, expectedVersion: webhook.version), options: connection.callOptions)
      print("Deleted webhook \(id) (\(webhook.name))")
    }
  }
}

struct ListWebhookDeliveries: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "deliveries", abstract: "List deliveries, newest first; --state dead is the dead-letter list.")

  @OptionGroup var connection: ConnectionOptions
  @Option(help: "Only this webhook's.") var webhook: Int64 = 0
  @Option(help: "pending, delivered or dead.") var state: WebhookDeliveryState?
  @Option(help: "Deliveries per page (at most 500).") var pageSize: Int32 = 50
  @Option(help: "Continue from this token.") var pageToken: String = ""
  @Flag(help: "Print JSON lines.") var json = false

  func run() async throws {
    try await connection.withClient { client in
      let page = try await WebhookService.Client(client).listWebhookDeliveries(
        ListWebhookDeliveriesRequest(
          webhookId: webhook, state: state ?? .unspecified, pageSize: pageSize, pageToken: pageToken),
        options: connection.callOptions)
      if json {
        for delivery in page.deliveries { print(canonicalJSON(delivery)) }
        return
      }
      let rows = page.deliveries.map {
        [
          String($0.id), String($0.webhookId), String($0.eventSequence), $0.eventKind.label, String($0.ticketId),
          $0.state.label, String($0.attempts), $0.lastStatus == 0 ? "-" : String($0.lastStatus),
          $0.state == .pending ? Render.time($0.nextAttemptAt) : "-", $0.lastError,
        ]
      }
      print(
        Render.table(
          ["ID", "WEBHOOK", "EVENT", "KIND", "TICKET", "STATE", "ATTEMPTS", "STATUS", "NEXT", "ERROR"], rows))
      if !page.nextPageToken.isEmpty { print("\nmore: --page-token \(page.nextPageToken)") }
    }
  }
}

struct ReplayWebhookDeliveries: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "replay", abstract: "Send dead deliveries again (every dead one of the webhook, or those given).")

  @OptionGroup var connection: ConnectionOptions
  @Argument(help: "The webhook's id.") var webhook: Int64
  @Option(help: "Only this dead delivery (repeatable).") var delivery: [Int64] = []

  func run() async throws {
    try await connection.withClient { client in
      let replayed = try await WebhookService.Client(client).replayWebhookDeliveries(
        ReplayWebhookDeliveriesRequest(webhookId: webhook, deliveryIds: delivery), options: connection.callOptions)
      print("\(replayed.replayed) dead deliver\(replayed.replayed == 1 ? "y is" : "ies are") pending again")
    }
  }
}
