public import AtendeDomain
public import Foundation

/// Reference data (clients, contracts, logins, structures, departments, employees,
/// channels, complementary statuses): upserted in bulk from the ERP, read by id and listed.
///
/// Methods throw ``DomainError`` for rule violations; any other error is a storage failure.
public protocol ReferenceDataStore: Sendable {
  /// Creates or replaces records by id, after ``ReferenceRules`` validate them. Records
  /// equal to the stored ones are unchanged. Records every created or changed record in
  /// the reference history, as `actor`.
  func upsert(_ batch: ReferenceBatch, actor: String) async throws -> UpsertCounts
  /// Who created or changed which reference record (kind CREATED or UPDATED; `field` is
  /// the kind of record, e.g. `clients`, `new_value` its id), oldest first.
  func referenceHistory(kind: String, page: PageRequest) async throws -> Page<HistoryEntry>
  /// One record by id, or nil.
  func reference<Entity: ReferenceEntity>(_ type: Entity.Type, id: Int64) async throws -> Entity?
  /// Records matching `filter`, by name then id.
  func listReferences<Entity: ReferenceEntity>(
    _ type: Entity.Type, filter: ReferenceFilter, page: PageRequest
  ) async throws -> Page<Entity>
}

/// Subjects and the general parameters: the configuration the ticket rules read, each
/// change versioned and recorded with its actor (``SubjectRules``).
public protocol SubjectStore: Sendable {
  func createSubject(_ subject: Subject, actor: String) async throws -> Subject
  func subject(id: Int64) async throws -> Subject
  func updateSubject(id: Int64, expectedVersion: Int64, changes: SubjectChanges, actor: String) async throws -> Subject
  /// Subjects whose name contains `query` (case-insensitive), by name then id.
  func listSubjects(query: String, activeOnly: Bool, page: PageRequest) async throws -> Page<Subject>
  func subjectHistory(id: Int64, kind: String, page: PageRequest) async throws -> Page<HistoryEntry>

  func parameters() async throws -> GeneralParameters
  func updateParameters(expectedVersion: Int64, subjectRequired: Bool?, actor: String) async throws
    -> GeneralParameters
  func parameterHistory(kind: String, page: PageRequest) async throws -> Page<HistoryEntry>
}

/// Business calendars and SLA policies (``SLARules``), and the SLA clocks of tickets
/// (``SLAClock``), computed from their status history at the store's current time.
public protocol SLAStore: Sendable {
  /// Creates `calendar` (id 0) or replaces the calendar with its id, whose version must
  /// be `expectedVersion`.
  func putCalendar(_ calendar: BusinessCalendar, expectedVersion: Int64) async throws -> BusinessCalendar
  func calendar(id: Int64) async throws -> BusinessCalendar
  /// Every calendar, by name.
  func calendars() async throws -> [BusinessCalendar]
  /// Creates `policy` (id 0) or replaces the policy with its id, whose version must be
  /// `expectedVersion`.
  func putPolicy(_ policy: SLAPolicy, expectedVersion: Int64) async throws -> SLAPolicy
  func policy(id: Int64) async throws -> SLAPolicy
  /// Every policy, by name.
  func policies() async throws -> [SLAPolicy]
  /// The SLA of each of `tickets` now, by ticket id; tickets no target applies to are
  /// absent.
  func ticketSLAs(_ tickets: [Ticket]) async throws -> [Int64: TicketSLA]

  /// Creates `rule` (id 0) or replaces the rule with its id, whose version must be
  /// `expectedVersion`.
  func putEscalationRule(_ rule: EscalationRule, expectedVersion: Int64) async throws -> EscalationRule
  func escalationRule(id: Int64) async throws -> EscalationRule
  /// Every escalation rule, by name.
  func escalationRules() async throws -> [EscalationRule]
  /// The ids of the rules that acted on each of `ticketIDs` (absent: none).
  func escalationFirings(ticketIDs: [Int64]) async throws -> [Int64: Set<Int64>]
  /// Applies `rule` to ticket `ticketID` in one transaction, when it is still due there
  /// (``EscalationRules/isDue(_:sla:)`` at the store's time, the ticket still open) and
  /// has not acted on it yet: the ticket after, or nil when nothing was done. Safe to
  /// call from several servers at once: a rule acts on a ticket once.
  func escalate(ticketID: Int64, rule: EscalationRule) async throws -> Ticket?
}

/// Everything Atende stores, by aggregate: reference data, subjects and parameters, and
/// tickets with their tabs, service orders and file records. Every writing method is one
/// transaction that applies the domain rules, saves the result and its history together.
///
/// Methods throw ``DomainError`` for rule violations, missing entities and stale
/// versions; any other error is a storage failure.
public protocol AtendeStore: ReferenceDataStore, SubjectStore, SLAStore, TicketEventLog {
  /// A view of the store for an identity restricted to `scope`: tickets outside it, and
  /// their tabs, are absent (NOT_FOUND), checked inside the very transaction that reads or
  /// changes them; lists, searches and metrics leave them out.
  func restricted(to scope: TicketScope) -> any AtendeStore

  // MARK: Tickets
  func createTicket(_ fields: TicketFields, actor: String) async throws -> Ticket
  func ticket(id: Int64) async throws -> Ticket
  func ticket(protocolNumber: String) async throws -> Ticket
  func updateTicket(
    id: Int64, expectedVersion: Int64, fields: TicketFields, mask: Set<TicketField>, actor: String
  ) async throws -> Ticket
  func changeTicketStatus(
    id: Int64, expectedVersion: Int64, to status: TicketStatus, message: String, actor: String
  ) async throws -> Ticket
  func assignTicket(id: Int64, expectedVersion: Int64, assigneeID: Int64?, actor: String) async throws -> Ticket
  func reopenTicket(id: Int64, expectedVersion: Int64, reason: String, actor: String) async throws -> Ticket
  func cancelTicket(id: Int64, expectedVersion: Int64, reason: String, actor: String) async throws -> Ticket
  func listTickets(_ query: TicketQuery, page: PageRequest) async throws -> Page<Ticket>
  /// The tags starting with `prefix` (normalised), the most used first (then by name), with
  /// how many tickets of this view carry each; at most `limit`.
  func ticketTags(prefix: String, limit: Int) async throws -> [TagCount]
  func ticketHistory(id: Int64, kind: String, page: PageRequest) async throws -> Page<HistoryEntry>

  // MARK: Messages and contacts
  /// Adds a message (an interaction) and applies its status effect; returns the stored
  /// message and the ticket after it. `expectedVersion` nil = no version check.
  func addTicketMessage(
    _ message: TicketMessage, status: TicketStatus?, expectedVersion: Int64?, actor: String
  ) async throws -> (TicketMessage, Ticket)
  func listTicketMessages(ticketID: Int64, newestFirst: Bool, publicOnly: Bool, page: PageRequest) async throws
    -> Page<TicketMessage>
  func addTicketContact(_ contact: TicketContact, actor: String) async throws -> TicketContact
  /// Replaces the fields in `fields` (name, phone, email, note) of contact `id`, whose
  /// version must be `expectedVersion` (nil = no version check).
  func updateTicketContact(
    id: Int64, with contact: TicketContact, fields: Set<String>, expectedVersion: Int64?, actor: String
  ) async throws -> TicketContact
  /// Removes a contact whose version is `expectedVersion` (nil = no check); returns its
  /// ticket's id.
  @discardableResult
  func removeTicketContact(id: Int64, expectedVersion: Int64?, actor: String) async throws -> Int64
  func listTicketContacts(ticketID: Int64) async throws -> [TicketContact]
  /// One contact by id (NOT_FOUND when there is none).
  func ticketContact(id: Int64) async throws -> TicketContact

  // MARK: Service orders
  /// Opens an order on its ticket; `priority` nil = the ticket's.
  func openServiceOrder(_ order: ServiceOrder, priority: Priority?, actor: String) async throws -> ServiceOrder
  /// Order `id` as stored now (its current version); ``DomainError/notFound(_:)`` when
  /// there is none.
  func serviceOrder(id: Int64) async throws -> ServiceOrder
  /// Loads order `id`, checks its version, applies `change` with its ticket and the
  /// store's current time (the time the change is recorded at), saves both with a history
  /// entry; returns the new order as stored.
  func changeServiceOrder(
    id: Int64, expectedVersion: Int64, actor: String, note: String,
    _ change: @escaping @Sendable (ServiceOrder, Ticket, any ReferenceLookup, Date) throws -> ServiceOrder
  ) async throws -> ServiceOrder
  func listServiceOrders(_ filter: ServiceOrderFilter, page: PageRequest) async throws -> Page<ServiceOrder>

  // MARK: Links

  /// Links two tickets (``TicketLinkRules/link(_:ticket:other:facts:actor:now:)``): the
  /// link with its id. `expectedVersion`, when given, is the version of its ticket_id.
  func linkTickets(_ link: TicketLink, expectedVersion: Int64?, actor: String) async throws -> TicketLink
  /// Removes link `id`; `expectedVersion`, when given, is the version of its ticket_id.
  func unlinkTickets(id: Int64, expectedVersion: Int64?, actor: String) async throws
  /// The links of ticket `ticketID`, either side, oldest first.
  func ticketLinks(ticketID: Int64, page: PageRequest) async throws -> Page<TicketLink>
  /// Merges ticket `sourceID` into `targetID` in one transaction
  /// (``TicketLinkRules/merge(_:into:moved:sourceChildren:actor:now:lookup:)``): messages,
  /// files and contacts move, the source is solved and linked as a duplicate. Both
  /// versions must be current.
  func mergeTickets(
    sourceID: Int64, sourceVersion: Int64, targetID: Int64, targetVersion: Int64, actor: String
  ) async throws -> (source: Ticket, target: Ticket)

  // MARK: Metrics
  /// Open tickets by dimension now; response, solution and SLA figures over the tickets
  /// created in `[from, to)`; optionally for one department.
  func ticketMetrics(from: Date, to: Date, scope: TicketScope) async throws -> TicketMetrics
  /// What ``TicketTrends`` reads of the tickets of `scope` opened or solved in
  /// `[from, to)`, canceled ones left out (as in ``ticketMetrics(from:to:scope:)``); FAILED_PRECONDITION (`TOO_MANY` at `from`) past ``maxActivityTickets``.
  func ticketActivity(from: Date, to: Date, scope: TicketScope) async throws -> [TicketTrends.TicketFacts]

  // MARK: Files (descriptions; the content is in a FileStorage)
  /// The ticket, failing unless it may still change (for checks before a long upload).
  func editableTicket(id: Int64) async throws -> Ticket
  /// Records an uploaded file on its ticket (history, version) and returns both; the
  /// ticket's version must be `expectedVersion` (nil = no check).
  func addTicketFile(_ file: TicketFile, expectedVersion: Int64?, actor: String) async throws -> (TicketFile, Ticket)
  func ticketFile(id: Int64) async throws -> TicketFile
  func listTicketFiles(ticketID: Int64) async throws -> [TicketFile]
  /// Removes a file's record (its ticket's version must be `expectedVersion`; nil = no
  /// check); returns it, its ticket, and whether other records still use the same content.
  func removeTicketFile(id: Int64, reason: String, expectedVersion: Int64?, actor: String) async throws
    -> (file: TicketFile, ticket: Ticket, contentStillUsed: Bool)
  /// Whether any file record uses content with this SHA-256.
  func isFileContentUsed(sha256: String) async throws -> Bool
}

/// The ticket event log: each change of a ticket is recorded as a ``TicketChangeEvent`` in
/// the transaction that makes it, numbered in commit order, so that watchers on any server
/// see every change once, in order, and can resume after the last one they saw.
public protocol TicketEventLog: Sendable {
  /// Up to `limit` events recorded after `sequence`, oldest first.
  func events(after sequence: Int64, limit: Int) async throws -> [TicketChangeEvent]
  /// The sequence of the last event recorded (0 when there is none).
  func lastEventSequence() async throws -> Int64
  /// Signals that events may have been recorded: by this process, and on a database
  /// shared by several servers, by any of them. Signals may come more often than events
  /// (a reader then finds nothing new); the stream ends when its task is cancelled.
  func eventSignals() -> AsyncStream<Void>
}

/// A page of results and the token of the next one (empty on the last page).
public struct Page<Item: Sendable>: Sendable {
  public var items: [Item]
  public var nextPageToken: String

  public init(items: [Item], nextPageToken: String) {
    self.items = items
    self.nextPageToken = nextPageToken
  }
}

/// Which page to read.
public struct PageRequest: Sendable, Hashable {
  /// The default number of items.
  public static let defaultSize = 50
  /// The most items a page may hold.
  public static let maxSize = 500

  public var size: Int
  public var token: String

  /// `size` 0 means the default; larger than ``maxSize`` is clamped.
  public init(size: Int = 0, token: String = "") {
    self.size = size <= 0 ? Self.defaultSize : min(size, Self.maxSize)
    self.token = token
  }
}

/// Filters of reference listings.
public struct ReferenceFilter: Sendable, Hashable {
  /// Case-insensitive text contained in the name (or description, username, document).
  public var query: String
  public var activeOnly: Bool
  /// Contracts and logins of this client.
  public var clientID: Int64?
  /// Logins of this contract.
  public var contractID: Int64?
  /// Employees of this department.
  public var departmentID: Int64?

  public init(
    query: String = "", activeOnly: Bool = false, clientID: Int64? = nil, contractID: Int64? = nil,
    departmentID: Int64? = nil
  ) {
    self.query = query
    self.activeOnly = activeOnly
    self.clientID = clientID
    self.contractID = contractID
    self.departmentID = departmentID
  }
}

/// What ListServiceOrders filters on.
public struct ServiceOrderFilter: Sendable, Hashable {
  public var ticketID: Int64?
  public var statuses: Set<ServiceOrderStatus> = []
  public var departmentID: Int64?
  public var technicianID: Int64?
  /// Only orders of tickets in this scope (an identity restricted to departments or
  /// branches).
  public var ticketScope = TicketScope.everything

  public init(
    ticketID: Int64? = nil, statuses: Set<ServiceOrderStatus> = [], departmentID: Int64? = nil,
    technicianID: Int64? = nil
  ) {
    self.ticketID = ticketID
    self.statuses = statuses
    self.departmentID = departmentID
    self.technicianID = technicianID
  }
}

/// A tag and how many tickets carry it.
public struct TagCount: Sendable, Hashable {
  public var tag: String
  public var tickets: Int

  public init(tag: String, tickets: Int) {
    self.tag = tag
    self.tickets = tickets
  }
}

/// What ListTickets filters on, and in which order.
public struct TicketQuery: Sendable, Hashable {
  public enum Order: String, Sendable, Hashable {
    case createdDescending, createdAscending, updatedDescending, priorityDescending, relevance
  }

  public var statuses: Set<TicketStatus> = []
  public var clientID: Int64?
  public var structureID: Int64?
  public var departmentID: Int64?
  public var assigneeID: Int64?
  public var priorities: Set<Priority> = []
  public var subjectID: Int64?
  public var channelID: Int64?
  public var createdFrom: Date?
  public var createdBefore: Date?
  public var updatedFrom: Date?
  public var updatedBefore: Date?
  /// Full-text query; words match as prefixes.
  public var text: String = ""
  public var order: Order = .createdDescending
  /// The tickets the caller may see (an identity restricted to departments or branches).
  public var scope = TicketScope.everything
  /// Only the tickets of this branch.
  public var branchID: Int64?
  /// Only the tickets carrying every one of these tags (normalised).
  public var tags: Set<String> = []

  public init() {}
}

extension AtendeStore {
  /// A view of the store for an identity restricted to `departments`.
  public func restricted(to departments: Set<Int64>) -> any AtendeStore {
    restricted(to: TicketScope(departments: departments))
  }

  /// The metrics of the tickets of `departments` (nil = all).
  public func ticketMetrics(from: Date, to: Date, departments: Set<Int64>?) async throws -> TicketMetrics {
    try await ticketMetrics(from: from, to: to, scope: TicketScope(departments: departments))
  }
}

extension ReferenceDataStore {
  /// Upserts as `system` (loaders and tests; RPCs pass the caller's identity).
  public func upsert(_ batch: ReferenceBatch) async throws -> UpsertCounts {
    try await upsert(batch, actor: "system")
  }
}
