internal import Logging
internal import PostgresNIO

/// The named migrations of the PostgreSQL schema, in order. A shipped migration is never
/// edited: changes go into a new one appended to the list. Each is a list of statements
/// (the extended query protocol runs one statement at a time).
enum PostgresSchema {
  static let migrations: [(name: String, statements: [String])] = [
    ("v1-reference-subjects-parameters-tokens", v1),
    ("v2-tickets-tabs-orders-files", v2),
    ("v3-ticket-events", v3),
    ("v4-file-contents", v4),
    ("v5-contact-versions", v5),
    ("v6-sla", v6),
    ("v7-escalations", v7),
    ("v8-ticket-links", v8),
    ("v9-branches-tags", v9),
    ("v10-webhooks", v10),
  ]

  /// A constant key for `pg_advisory_xact_lock`: servers starting together migrate one
  /// after the other.
  static let migrationLock: Int64 = 0x4154_454E_4445  // "ATENDE"

  /// Applies the migrations not applied yet, in one transaction.
  static func migrate(_ connection: PostgresConnection, logger: Logger) async throws -> [String] {
    try await connection.query("SELECT pg_advisory_xact_lock(\(migrationLock))", logger: logger)
    try await connection.query(
      """
      CREATE TABLE IF NOT EXISTS schema_migration (
        name TEXT PRIMARY KEY,
        applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
      )
      """, logger: logger)
    let applied = try await appliedNames(connection, logger: logger)
    var newlyApplied: [String] = []
    for migration in migrations where !applied.contains(migration.name) {
      for statement in migration.statements {
        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
      }
      try await connection.query("INSERT INTO schema_migration (name) VALUES (\(migration.name))", logger: logger)
      newlyApplied.append(migration.name)
    }
    return newlyApplied
  }

  static func appliedNames(_ connection: PostgresConnection, logger: Logger) async throws -> Set<String> {
    var names = Set<String>()
    for try await name in try await connection.query("SELECT name FROM schema_migration", logger: logger).decode(
      String.self)
    {
      names.insert(name)
    }
    return names
  }

  /// Reference data, subjects, the general parameters, their histories and API tokens.
  /// Ids of reference data come from the ERP; subjects get theirs from an identity.
  private static let v1 = [
    """
    CREATE TABLE client (
      id BIGINT PRIMARY KEY,
      name TEXT NOT NULL,
      document TEXT NOT NULL DEFAULT '',
      active BOOLEAN NOT NULL,
      address TEXT NOT NULL DEFAULT '',
      latitude DOUBLE PRECISION,
      longitude DOUBLE PRECISION
    )
    """,
    """
    CREATE TABLE contract (
      id BIGINT PRIMARY KEY,
      client_id BIGINT NOT NULL REFERENCES client(id),
      description TEXT NOT NULL DEFAULT '',
      active BOOLEAN NOT NULL,
      address TEXT NOT NULL DEFAULT '',
      latitude DOUBLE PRECISION,
      longitude DOUBLE PRECISION
    )
    """,
    "CREATE INDEX contract_by_client ON contract(client_id)",
    """
    CREATE TABLE login (
      id BIGINT PRIMARY KEY,
      client_id BIGINT NOT NULL REFERENCES client(id),
      contract_id BIGINT REFERENCES contract(id),
      username TEXT NOT NULL,
      active BOOLEAN NOT NULL,
      address TEXT NOT NULL DEFAULT '',
      latitude DOUBLE PRECISION,
      longitude DOUBLE PRECISION
    )
    """,
    "CREATE INDEX login_by_client ON login(client_id)",
    "CREATE INDEX login_by_contract ON login(contract_id)",
    """
    CREATE TABLE structure (
      id BIGINT PRIMARY KEY,
      name TEXT NOT NULL,
      active BOOLEAN NOT NULL,
      address TEXT NOT NULL DEFAULT '',
      latitude DOUBLE PRECISION,
      longitude DOUBLE PRECISION
    )
    """,
    "CREATE TABLE department (id BIGINT PRIMARY KEY, name TEXT NOT NULL, active BOOLEAN NOT NULL)",
    "CREATE TABLE employee (id BIGINT PRIMARY KEY, name TEXT NOT NULL, active BOOLEAN NOT NULL)",
    """
    CREATE TABLE employee_department (
      employee_id BIGINT NOT NULL REFERENCES employee(id) ON DELETE CASCADE,
      department_id BIGINT NOT NULL REFERENCES department(id),
      PRIMARY KEY (employee_id, department_id)
    )
    """,
    "CREATE INDEX employee_department_by_department ON employee_department(department_id)",
    "CREATE TABLE channel (id BIGINT PRIMARY KEY, name TEXT NOT NULL, active BOOLEAN NOT NULL)",
    "CREATE TABLE complementary_status (id BIGINT PRIMARY KEY, description TEXT NOT NULL, active BOOLEAN NOT NULL)",
    """
    CREATE TABLE reference_history (
      id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at BIGINT NOT NULL,
      actor TEXT NOT NULL,
      kind TEXT NOT NULL,
      field TEXT NOT NULL DEFAULT '',
      old_value TEXT NOT NULL DEFAULT '',
      new_value TEXT NOT NULL DEFAULT '',
      note TEXT NOT NULL DEFAULT ''
    )
    """,
    """
    CREATE TABLE subject (
      id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      name TEXT NOT NULL,
      active BOOLEAN NOT NULL,
      default_priority BIGINT,
      default_department_id BIGINT REFERENCES department(id),
      contract_required BOOLEAN NOT NULL,
      login_required BOOLEAN NOT NULL,
      channel_required BOOLEAN NOT NULL,
      complementary_status_required BOOLEAN NOT NULL,
      service_order_requires_signature BOOLEAN NOT NULL,
      first_response_sla_hours BIGINT,
      solution_sla_hours BIGINT,
      version BIGINT NOT NULL,
      created_at BIGINT NOT NULL,
      updated_at BIGINT NOT NULL
    )
    """,
    // Names are unique regardless of case, as the rules say; the index also settles two
    // servers creating the same name at once.
    "CREATE UNIQUE INDEX subject_by_name ON subject (lower(name))",
    """
    CREATE TABLE subject_history (
      id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      subject_id BIGINT NOT NULL REFERENCES subject(id),
      at BIGINT NOT NULL,
      actor TEXT NOT NULL,
      kind TEXT NOT NULL,
      field TEXT NOT NULL DEFAULT '',
      old_value TEXT NOT NULL DEFAULT '',
      new_value TEXT NOT NULL DEFAULT '',
      note TEXT NOT NULL DEFAULT ''
    )
    """,
    "CREATE INDEX subject_history_by_subject ON subject_history(subject_id, id)",
    """
    CREATE TABLE general_parameters (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      subject_required BOOLEAN NOT NULL,
      version BIGINT NOT NULL,
      updated_at BIGINT NOT NULL,
      updated_by TEXT NOT NULL
    )
    """,
    "INSERT INTO general_parameters VALUES (1, false, 1, 0, 'system')",
    """
    CREATE TABLE parameter_history (
      id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at BIGINT NOT NULL,
      actor TEXT NOT NULL,
      kind TEXT NOT NULL,
      field TEXT NOT NULL DEFAULT '',
      old_value TEXT NOT NULL DEFAULT '',
      new_value TEXT NOT NULL DEFAULT '',
      note TEXT NOT NULL DEFAULT ''
    )
    """,
    """
    CREATE TABLE api_token (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      secret_digest TEXT NOT NULL UNIQUE,
      scopes TEXT[] NOT NULL,
      departments BIGINT[],
      created_at BIGINT NOT NULL,
      expires_at BIGINT,
      last_used_at BIGINT,
      revoked_at BIGINT
    )
    """,
    "CREATE INDEX api_token_by_name ON api_token(name)",
  ]

  /// Tickets with their history, messages, contacts, file records and service orders,
  /// and the full-text search: words with their accents folded (unaccent), no stemming,
  /// matched as prefixes, as the SQLite store's FTS5 index does.
  private static let v2 = [
    // unaccent is a trusted extension: the database owner may create it.
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE TEXT SEARCH CONFIGURATION atende_search (COPY = simple)",
    """
    ALTER TEXT SEARCH CONFIGURATION atende_search
      ALTER MAPPING FOR hword, hword_part, word, asciiword, asciihword, hword_asciipart WITH unaccent, simple
    """,
    """
    CREATE TABLE ticket (
      id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      protocol TEXT NOT NULL UNIQUE,
      kind BIGINT NOT NULL,
      client_id BIGINT REFERENCES client(id),
      structure_id BIGINT REFERENCES structure(id),
      contract_id BIGINT REFERENCES contract(id),
      login_id BIGINT REFERENCES login(id),
      subject_id BIGINT REFERENCES subject(id),
      title TEXT NOT NULL,
      department_id BIGINT NOT NULL REFERENCES department(id),
      priority BIGINT NOT NULL,
      description TEXT NOT NULL,
      status BIGINT NOT NULL,
      complementary_status_id BIGINT REFERENCES complementary_status(id),
      channel_id BIGINT REFERENCES channel(id),
      assignee_id BIGINT REFERENCES employee(id),
      location_address TEXT,
      location_latitude DOUBLE PRECISION,
      location_longitude DOUBLE PRECISION,
      location_origin BIGINT,
      created_at BIGINT NOT NULL,
      updated_at BIGINT NOT NULL,
      closed_at BIGINT,
      opened_by TEXT NOT NULL,
      version BIGINT NOT NULL,
      first_response_at BIGINT,
      interaction_count BIGINT NOT NULL DEFAULT 0,
      -- The conversation's text, for the search (appended as messages arrive).
      messages_text TEXT NOT NULL DEFAULT '',
      -- Title counts most, then the protocol, then messages, then the description.
      search TSVECTOR GENERATED ALWAYS AS (
        setweight(to_tsvector('atende_search'::regconfig, title), 'A')
        || setweight(to_tsvector('atende_search'::regconfig, protocol), 'B')
        || setweight(to_tsvector('atende_search'::regconfig, messages_text), 'C')
        || setweight(to_tsvector('atende_search'::regconfig, description), 'D')
      ) STORED
    )
    """,
    "CREATE INDEX ticket_search ON ticket USING GIN (search)",
    "CREATE INDEX ticket_by_updated ON ticket(updated_at, id)",
    "CREATE INDEX ticket_by_status ON ticket(status, id)",
    "CREATE INDEX ticket_by_priority ON ticket(priority, id)",
    "CREATE INDEX ticket_by_created ON ticket(created_at, id)",
    "CREATE INDEX ticket_by_client ON ticket(client_id, id)",
    "CREATE INDEX ticket_by_structure ON ticket(structure_id, id)",
    "CREATE INDEX ticket_by_department ON ticket(department_id, status, id)",
    "CREATE INDEX ticket_by_assignee ON ticket(assignee_id, status)",
    "CREATE INDEX ticket_by_subject ON ticket(subject_id)",
    "CREATE INDEX ticket_by_channel ON ticket(channel_id)",
    """
    CREATE TABLE ticket_history (
      id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      ticket_id BIGINT NOT NULL REFERENCES ticket(id),
      at BIGINT NOT NULL,
      actor TEXT NOT NULL,
      kind TEXT NOT NULL,
      field TEXT NOT NULL DEFAULT '',
      old_value TEXT NOT NULL DEFAULT '',
      new_value TEXT NOT NULL DEFAULT '',
      note TEXT NOT NULL DEFAULT ''
    )
    """,
    "CREATE INDEX ticket_history_by_ticket ON ticket_history(ticket_id, id)",
    """
    CREATE TABLE ticket_message (
      id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      ticket_id BIGINT NOT NULL REFERENCES ticket(id),
      author_kind BIGINT NOT NULL,
      author_id BIGINT REFERENCES employee(id),
      author_name TEXT NOT NULL,
      visibility BIGINT NOT NULL,
      text TEXT NOT NULL,
      status_change BIGINT,
      created_at BIGINT NOT NULL
    )
    """,
    "CREATE INDEX ticket_message_by_ticket ON ticket_message(ticket_id, id)",
    """
    CREATE TABLE ticket_contact (
      id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      ticket_id BIGINT NOT NULL REFERENCES ticket(id),
      name TEXT NOT NULL,
      phone TEXT NOT NULL,
      email TEXT NOT NULL,
      note TEXT NOT NULL,
      created_at BIGINT NOT NULL,
      updated_at BIGINT NOT NULL
    )
    """,
    "CREATE INDEX ticket_contact_by_ticket ON ticket_contact(ticket_id, id)",
    """
    CREATE TABLE ticket_file (
      id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      ticket_id BIGINT NOT NULL REFERENCES ticket(id),
      name TEXT NOT NULL,
      content_type TEXT NOT NULL,
      size BIGINT NOT NULL,
      sha256 TEXT NOT NULL,
      description TEXT NOT NULL,
      uploaded_by TEXT NOT NULL,
      uploaded_at BIGINT NOT NULL
    )
    """,
    "CREATE INDEX ticket_file_by_ticket ON ticket_file(ticket_id, id)",
    "CREATE INDEX ticket_file_by_sha256 ON ticket_file(sha256)",
    """
    CREATE TABLE service_order (
      id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      ticket_id BIGINT NOT NULL REFERENCES ticket(id),
      subject_id BIGINT REFERENCES subject(id),
      department_id BIGINT NOT NULL REFERENCES department(id),
      technician_id BIGINT REFERENCES employee(id),
      priority BIGINT NOT NULL,
      status BIGINT NOT NULL,
      scheduled_at BIGINT,
      description TEXT NOT NULL,
      requires_signature BOOLEAN NOT NULL,
      signed_at BIGINT,
      signed_by TEXT NOT NULL,
      created_at BIGINT NOT NULL,
      updated_at BIGINT NOT NULL,
      version BIGINT NOT NULL
    )
    """,
    "CREATE INDEX service_order_by_ticket ON service_order(ticket_id, id)",
    "CREATE INDEX service_order_by_status ON service_order(status, id)",
    "CREATE INDEX service_order_by_technician ON service_order(technician_id, status)",
  ]

  /// The ticket event log: one row per change, numbered in commit order (writers take
  /// an advisory lock before recording, so sequence order is commit order across servers).
  private static let v3 = [
    """
    CREATE TABLE ticket_event (
      id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      ticket_id BIGINT NOT NULL REFERENCES ticket(id),
      kind TEXT NOT NULL,
      actor TEXT NOT NULL,
      at BIGINT NOT NULL,
      fields TEXT NOT NULL DEFAULT '',
      ticket TEXT NOT NULL
    )
    """
  ]

  /// Attachment contents, shared by every server of the database: committed contents by
  /// SHA-256 in rows of at most 256 KiB, the pins of uploads whose record is being saved,
  /// and the staged rows of uploads in progress.
  /// Contacts carry a version, for optimistic concurrency on their updates and removals.
  /// Links between tickets (RELATED with the lower id first).
  /// Branches as reference data, the ticket's branch and tags (a sorted text array, a GIN
  /// index for filters); the search column is made again with the tags in it.
  /// Webhooks (their secrets are derived, never stored) and their deliveries: one per
  /// webhook and event, pending until delivered or dead.
  private static let v10 = [
    """
    CREATE TABLE webhook (
      id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      name TEXT NOT NULL,
      name_key TEXT NOT NULL UNIQUE,
      url TEXT NOT NULL,
      event_kinds TEXT NOT NULL,
      department_ids TEXT,
      active BOOLEAN NOT NULL,
      secret_generation BIGINT NOT NULL,
      cursor BIGINT NOT NULL,
      created_at BIGINT NOT NULL,
      updated_at BIGINT NOT NULL,
      updated_by TEXT NOT NULL,
      version BIGINT NOT NULL
    )
    """,
    """
    CREATE TABLE webhook_delivery (
      id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      webhook_id BIGINT NOT NULL REFERENCES webhook(id),
      event_sequence BIGINT NOT NULL,
      event_kind TEXT NOT NULL,
      ticket_id BIGINT NOT NULL,
      body TEXT NOT NULL,
      state BIGINT NOT NULL,
      attempts BIGINT NOT NULL,
      next_attempt_at BIGINT NOT NULL,
      lease_until BIGINT,
      last_status BIGINT NOT NULL,
      last_error TEXT NOT NULL,
      created_at BIGINT NOT NULL,
      delivered_at BIGINT,
      UNIQUE (webhook_id, event_sequence)
    )
    """,
    "CREATE INDEX webhook_delivery_due ON webhook_delivery(state, next_attempt_at)",
    "CREATE INDEX webhook_delivery_by_webhook ON webhook_delivery(webhook_id, state, id)",
  ]

  private static let v9 = [
    "CREATE TABLE branch (id BIGINT PRIMARY KEY, name TEXT NOT NULL, active BOOLEAN NOT NULL)",
    "ALTER TABLE ticket ADD COLUMN branch_id BIGINT REFERENCES branch(id)",
    "ALTER TABLE ticket ADD COLUMN tags TEXT[] NOT NULL DEFAULT '{}'",
    "CREATE INDEX ticket_by_branch ON ticket(branch_id, id)",
    "CREATE INDEX ticket_by_tags ON ticket USING GIN (tags)",
    "ALTER TABLE api_token ADD COLUMN branches BIGINT[]",
    // array_to_string is only STABLE (it serves any array type); on TEXT[] it is
    // immutable, which a generated column needs.
    """
    CREATE FUNCTION atende_tags_text(TEXT[]) RETURNS TEXT
      LANGUAGE SQL IMMUTABLE PARALLEL SAFE STRICT
      AS $$ SELECT array_to_string($1, ' ') $$
    """,
    "ALTER TABLE ticket DROP COLUMN search",
    """
    ALTER TABLE ticket ADD COLUMN search TSVECTOR GENERATED ALWAYS AS (
      setweight(to_tsvector('atende_search'::regconfig, title), 'A')
      || setweight(to_tsvector('atende_search'::regconfig, protocol), 'B')
      || setweight(to_tsvector('atende_search'::regconfig, atende_tags_text(tags)), 'B')
      || setweight(to_tsvector('atende_search'::regconfig, messages_text), 'C')
      || setweight(to_tsvector('atende_search'::regconfig, description), 'D')
    ) STORED
    """,
    "CREATE INDEX ticket_search ON ticket USING GIN (search)",
  ]

  private static let v8 = [
    """
    CREATE TABLE ticket_link (
      id BIGSERIAL PRIMARY KEY,
      ticket_id BIGINT NOT NULL REFERENCES ticket(id),
      kind BIGINT NOT NULL,
      other_ticket_id BIGINT NOT NULL REFERENCES ticket(id),
      created_by TEXT NOT NULL,
      created_at BIGINT NOT NULL,
      UNIQUE (ticket_id, kind, other_ticket_id)
    )
    """,
    "CREATE INDEX ticket_link_by_other ON ticket_link(other_ticket_id, kind)",
  ]

  /// SLA escalation rules, and which rule acted on which ticket (at most once each).
  private static let v7 = [
    """
    CREATE TABLE escalation_rule (
      id BIGSERIAL PRIMARY KEY,
      name TEXT NOT NULL,
      name_key TEXT NOT NULL UNIQUE,
      active BOOLEAN NOT NULL,
      policy_id BIGINT REFERENCES sla_policy(id),
      target BIGINT NOT NULL,
      offset_minutes BIGINT NOT NULL,
      raise_priority_to BIGINT,
      reassign_department_id BIGINT,
      assign_employee_id BIGINT,
      version BIGINT NOT NULL,
      created_at BIGINT NOT NULL,
      updated_at BIGINT NOT NULL
    )
    """,
    """
    CREATE TABLE escalation_firing (
      ticket_id BIGINT NOT NULL REFERENCES ticket(id),
      rule_id BIGINT NOT NULL REFERENCES escalation_rule(id),
      at BIGINT NOT NULL,
      PRIMARY KEY (ticket_id, rule_id)
    )
    """,
  ]

  /// Business calendars and SLA policies. Names are unique regardless of case
  /// (`name_key`); a calendar's hours and holidays are JSON arrays.
  private static let v6 = [
    """
    CREATE TABLE sla_calendar (
      id BIGSERIAL PRIMARY KEY,
      name TEXT NOT NULL,
      name_key TEXT NOT NULL UNIQUE,
      time_zone TEXT NOT NULL,
      hours TEXT NOT NULL,
      holidays TEXT NOT NULL,
      version BIGINT NOT NULL,
      created_at BIGINT NOT NULL,
      updated_at BIGINT NOT NULL
    )
    """,
    """
    CREATE TABLE sla_policy (
      id BIGSERIAL PRIMARY KEY,
      name TEXT NOT NULL,
      name_key TEXT NOT NULL UNIQUE,
      calendar_id BIGINT NOT NULL REFERENCES sla_calendar(id),
      subject_id BIGINT REFERENCES subject(id),
      priority BIGINT,
      first_response_minutes BIGINT,
      resolution_minutes BIGINT,
      active BOOLEAN NOT NULL,
      version BIGINT NOT NULL,
      created_at BIGINT NOT NULL,
      updated_at BIGINT NOT NULL
    )
    """,
  ]

  private static let v5 = ["ALTER TABLE ticket_contact ADD COLUMN version BIGINT NOT NULL DEFAULT 1"]

  private static let v4 = [
    """
    CREATE TABLE file_content (
      sha256 TEXT PRIMARY KEY,
      size BIGINT NOT NULL
    )
    """,
    """
    CREATE TABLE file_pin (
      id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      sha256 TEXT NOT NULL REFERENCES file_content(sha256) ON DELETE CASCADE,
      pinned_at TIMESTAMPTZ NOT NULL DEFAULT now()
    )
    """,
    "CREATE INDEX file_pin_by_sha256 ON file_pin(sha256)",
    "CREATE INDEX file_pin_by_age ON file_pin(pinned_at)",
    """
    CREATE TABLE file_chunk (
      sha256 TEXT NOT NULL REFERENCES file_content(sha256) ON DELETE CASCADE,
      seq INTEGER NOT NULL,
      data BYTEA NOT NULL,
      PRIMARY KEY (sha256, seq)
    )
    """,
    """
    CREATE TABLE file_upload (
      id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      started_at TIMESTAMPTZ NOT NULL DEFAULT now()
    )
    """,
    """
    CREATE TABLE file_upload_chunk (
      upload_id BIGINT NOT NULL REFERENCES file_upload(id) ON DELETE CASCADE,
      seq INTEGER NOT NULL,
      data BYTEA NOT NULL,
      PRIMARY KEY (upload_id, seq)
    )
    """,
    // Chunks are already compressed media mostly: stored as they are, not compressed again.
    "ALTER TABLE file_chunk ALTER COLUMN data SET STORAGE EXTERNAL",
    "ALTER TABLE file_upload_chunk ALTER COLUMN data SET STORAGE EXTERNAL",
  ]
}
