internal import GRDB

/// The named migrations of the SQLite schema. A shipped migration is never edited:
/// changes go into a new one appended to the list.
enum Schema {
  static var migrator: DatabaseMigrator {
    var migrator = DatabaseMigrator()
    migrator.registerMigration("v1-reference-subjects-parameters", migrate: v1)
    migrator.registerMigration("v2-tickets", migrate: v2)
    migrator.registerMigration("v3-messages-contacts-search", migrate: v3)
    migrator.registerMigration("v4-files", migrate: v4)
    migrator.registerMigration("v5-service-orders", migrate: v5)
    migrator.registerMigration("v6-api-tokens", migrate: v6)
    migrator.registerMigration("v7-reference-history", migrate: v7)
    migrator.registerMigration("v8-ticket-events", migrate: v8)
    migrator.registerMigration("v9-contact-versions", migrate: v9)
    migrator.registerMigration("v10-sla", migrate: v10)
    migrator.registerMigration("v11-escalations", migrate: v11)
    migrator.registerMigration("v12-ticket-links", migrate: v12)
    migrator.registerMigration("v13-branches-tags", migrate: v13)
    migrator.registerMigration("v14-webhooks", migrate: v14)
    return migrator
  }

  /// Contacts carry a version, for optimistic concurrency on their updates and removals.
  private static func v9(_ db: Database) throws {
    try db.execute(sql: "ALTER TABLE ticket_contact ADD COLUMN version INTEGER NOT NULL DEFAULT 1")
  }

  /// Webhooks (their secrets are derived, never stored) and their deliveries: one per
  /// webhook and event, pending until delivered or dead.
  private static func v14(_ db: Database) throws {
    try db.execute(
      sql: """
        CREATE TABLE webhook (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          name TEXT NOT NULL,
          name_key TEXT NOT NULL UNIQUE,
          url TEXT NOT NULL,
          event_kinds TEXT NOT NULL,
          department_ids TEXT,
          active INTEGER NOT NULL,
          secret_generation INTEGER NOT NULL,
          cursor INTEGER NOT NULL,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL,
          updated_by TEXT NOT NULL,
          version INTEGER NOT NULL
        );
        CREATE TABLE webhook_delivery (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          webhook_id INTEGER NOT NULL REFERENCES webhook(id),
          event_sequence INTEGER NOT NULL,
          event_kind TEXT NOT NULL,
          ticket_id INTEGER NOT NULL,
          body TEXT NOT NULL,
          state INTEGER NOT NULL,
          attempts INTEGER NOT NULL,
          next_attempt_at INTEGER NOT NULL,
          lease_until INTEGER,
          last_status INTEGER NOT NULL,
          last_error TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          delivered_at INTEGER,
          UNIQUE (webhook_id, event_sequence)
        );
        CREATE INDEX webhook_delivery_due ON webhook_delivery(state, next_attempt_at);
        CREATE INDEX webhook_delivery_by_webhook ON webhook_delivery(webhook_id, state, id);
        """)
  }

  /// Branches as reference data (and the branches an API token is restricted to), the
  /// ticket's branch, and its tags: a JSON array in the
  /// ticket row (what reads return) kept in `ticket_tag` by triggers (what filters use),
  /// and in a column of the search index.
  private static func v13(_ db: Database) throws {
    try db.execute(
      sql: """
        CREATE TABLE branch (id INTEGER PRIMARY KEY, name TEXT NOT NULL, active INTEGER NOT NULL);
        ALTER TABLE ticket ADD COLUMN branch_id INTEGER REFERENCES branch(id);
        ALTER TABLE ticket ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
        CREATE INDEX ticket_by_branch ON ticket(branch_id, id);
        ALTER TABLE api_token ADD COLUMN branches TEXT;
        CREATE TABLE ticket_tag (
          tag TEXT NOT NULL,
          ticket_id INTEGER NOT NULL REFERENCES ticket(id),
          PRIMARY KEY (tag, ticket_id)
        ) WITHOUT ROWID;
        CREATE INDEX ticket_tag_by_ticket ON ticket_tag(ticket_id);
        CREATE TRIGGER ticket_tag_insert AFTER INSERT ON ticket WHEN new.tags <> '[]' BEGIN
          INSERT INTO ticket_tag (tag, ticket_id) SELECT value, new.id FROM json_each(new.tags);
        END;
        CREATE TRIGGER ticket_tag_update AFTER UPDATE OF tags ON ticket WHEN new.tags <> old.tags BEGIN
          DELETE FROM ticket_tag WHERE ticket_id = new.id AND tag NOT IN (SELECT value FROM json_each(new.tags));
          INSERT OR IGNORE INTO ticket_tag (tag, ticket_id) SELECT value, new.id FROM json_each(new.tags);
        END;

        -- The search index gets a column for the tags.
        CREATE VIRTUAL TABLE ticket_search_v13 USING fts5(
          title, description, protocol, messages, tags, tokenize = 'unicode61 remove_diacritics 2', prefix = '3 4 5'
        );
        INSERT INTO ticket_search_v13 (rowid, title, description, protocol, messages, tags)
          SELECT rowid, title, description, protocol, messages, '' FROM ticket_search;
        DROP TRIGGER ticket_search_insert;
        DROP TRIGGER ticket_search_update;
        DROP TRIGGER ticket_search_message;
        DROP TABLE ticket_search;
        ALTER TABLE ticket_search_v13 RENAME TO ticket_search;
        CREATE TRIGGER ticket_search_insert AFTER INSERT ON ticket BEGIN
          INSERT INTO ticket_search (rowid, title, description, protocol, messages, tags)
          VALUES (new.id, new.title, new.description, new.protocol, '', new.tags);
        END;
        CREATE TRIGGER ticket_search_update AFTER UPDATE OF title, description, tags ON ticket BEGIN
          UPDATE ticket_search SET title = new.title, description = new.description, tags = new.tags
          WHERE rowid = new.id;
        END;
        CREATE TRIGGER ticket_search_message AFTER INSERT ON ticket_message BEGIN
          UPDATE ticket_search SET messages = messages || ' ' || new.text WHERE rowid = new.ticket_id;
        END;
        """)
  }

  /// Links between tickets (RELATED with the lower id first).
  private static func v12(_ db: Database) throws {
    try db.execute(
      sql: """
        CREATE TABLE ticket_link (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          ticket_id INTEGER NOT NULL REFERENCES ticket(id),
          kind INTEGER NOT NULL,
          other_ticket_id INTEGER NOT NULL REFERENCES ticket(id),
          created_by TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          UNIQUE (ticket_id, kind, other_ticket_id)
        );
        CREATE INDEX ticket_link_by_other ON ticket_link(other_ticket_id, kind);
        """)
  }

  /// SLA escalation rules, and which rule acted on which ticket (at most once each).
  private static func v11(_ db: Database) throws {
    try db.execute(
      sql: """
        CREATE TABLE escalation_rule (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          name TEXT NOT NULL,
          name_key TEXT NOT NULL UNIQUE,
          active INTEGER NOT NULL,
          policy_id INTEGER REFERENCES sla_policy(id),
          target INTEGER NOT NULL,
          offset_minutes INTEGER NOT NULL,
          raise_priority_to INTEGER,
          reassign_department_id INTEGER,
          assign_employee_id INTEGER,
          version INTEGER NOT NULL,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        );
        CREATE TABLE escalation_firing (
          ticket_id INTEGER NOT NULL REFERENCES ticket(id),
          rule_id INTEGER NOT NULL REFERENCES escalation_rule(id),
          at INTEGER NOT NULL,
          PRIMARY KEY (ticket_id, rule_id)
        );
        """)
  }

  /// Business calendars and SLA policies. Names are unique regardless of case
  /// (`name_key`); a calendar's hours and holidays are JSON arrays.
  private static func v10(_ db: Database) throws {
    try db.execute(
      sql: """
        CREATE TABLE sla_calendar (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          name TEXT NOT NULL,
          name_key TEXT NOT NULL UNIQUE,
          time_zone TEXT NOT NULL,
          hours TEXT NOT NULL,
          holidays TEXT NOT NULL,
          version INTEGER NOT NULL,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        );
        CREATE TABLE sla_policy (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          name TEXT NOT NULL,
          name_key TEXT NOT NULL UNIQUE,
          calendar_id INTEGER NOT NULL REFERENCES sla_calendar(id),
          subject_id INTEGER REFERENCES subject(id),
          priority INTEGER,
          first_response_minutes INTEGER,
          resolution_minutes INTEGER,
          active INTEGER NOT NULL,
          version INTEGER NOT NULL,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        );
        """)
  }

  /// API tokens: only a digest of each token is stored.
  private static func v6(_ db: Database) throws {
    try db.execute(
      sql: """
        CREATE TABLE api_token (
          id TEXT PRIMARY KEY,
          name TEXT NOT NULL,
          secret_digest TEXT NOT NULL UNIQUE,
          scopes TEXT NOT NULL,
          departments TEXT,
          created_at INTEGER NOT NULL,
          expires_at INTEGER,
          last_used_at INTEGER,
          revoked_at INTEGER
        );
        CREATE INDEX api_token_by_name ON api_token(name);
        """)
  }

  /// Who created or changed which reference record, and when.
  private static func v7(_ db: Database) throws {
    try db.execute(
      sql: """
        CREATE TABLE reference_history (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          at INTEGER NOT NULL,
          actor TEXT NOT NULL,
          kind TEXT NOT NULL,
          field TEXT NOT NULL DEFAULT '',
          old_value TEXT NOT NULL DEFAULT '',
          new_value TEXT NOT NULL DEFAULT '',
          note TEXT NOT NULL DEFAULT ''
        );
        """)
  }

  /// The ticket event log: one row per change, in commit order (the single writer).
  private static func v8(_ db: Database) throws {
    try db.execute(
      sql: """
        CREATE TABLE ticket_event (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          ticket_id INTEGER NOT NULL REFERENCES ticket(id),
          kind TEXT NOT NULL,
          actor TEXT NOT NULL,
          at INTEGER NOT NULL,
          fields TEXT NOT NULL DEFAULT '',
          ticket TEXT NOT NULL
        );
        """)
  }

  /// The names of the migrations, in order.
  static var migrationNames: [String] { migrator.migrations }

  private static func v1(_ db: Database) throws {
    try db.execute(
      sql: """
        CREATE TABLE client (
          id INTEGER PRIMARY KEY,
          name TEXT NOT NULL,
          document TEXT NOT NULL DEFAULT '',
          active INTEGER NOT NULL,
          address TEXT NOT NULL DEFAULT '',
          latitude REAL,
          longitude REAL
        );
        CREATE TABLE contract (
          id INTEGER PRIMARY KEY,
          client_id INTEGER NOT NULL REFERENCES client(id),
          description TEXT NOT NULL DEFAULT '',
          active INTEGER NOT NULL,
          address TEXT NOT NULL DEFAULT '',
          latitude REAL,
          longitude REAL
        );
        CREATE INDEX contract_by_client ON contract(client_id);
        CREATE TABLE login (
          id INTEGER PRIMARY KEY,
          client_id INTEGER NOT NULL REFERENCES client(id),
          contract_id INTEGER REFERENCES contract(id),
          username TEXT NOT NULL,
          active INTEGER NOT NULL,
          address TEXT NOT NULL DEFAULT '',
          latitude REAL,
          longitude REAL
        );
        CREATE INDEX login_by_client ON login(client_id);
        CREATE INDEX login_by_contract ON login(contract_id);
        CREATE TABLE structure (
          id INTEGER PRIMARY KEY,
          name TEXT NOT NULL,
          active INTEGER NOT NULL,
          address TEXT NOT NULL DEFAULT '',
          latitude REAL,
          longitude REAL
        );
        CREATE TABLE department (id INTEGER PRIMARY KEY, name TEXT NOT NULL, active INTEGER NOT NULL);
        CREATE TABLE employee (id INTEGER PRIMARY KEY, name TEXT NOT NULL, active INTEGER NOT NULL);
        CREATE TABLE employee_department (
          employee_id INTEGER NOT NULL REFERENCES employee(id) ON DELETE CASCADE,
          department_id INTEGER NOT NULL REFERENCES department(id),
          PRIMARY KEY (employee_id, department_id)
        ) WITHOUT ROWID;
        CREATE INDEX employee_department_by_department ON employee_department(department_id);
        CREATE TABLE channel (id INTEGER PRIMARY KEY, name TEXT NOT NULL, active INTEGER NOT NULL);
        CREATE TABLE complementary_status (id INTEGER PRIMARY KEY, description TEXT NOT NULL, active INTEGER NOT NULL);

        CREATE TABLE subject (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          name TEXT NOT NULL UNIQUE COLLATE NOCASE,
          active INTEGER NOT NULL,
          default_priority INTEGER,
          default_department_id INTEGER REFERENCES department(id),
          contract_required INTEGER NOT NULL,
          login_required INTEGER NOT NULL,
          channel_required INTEGER NOT NULL,
          complementary_status_required INTEGER NOT NULL,
          service_order_requires_signature INTEGER NOT NULL,
          first_response_sla_hours INTEGER,
          solution_sla_hours INTEGER,
          version INTEGER NOT NULL,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        );
        CREATE TABLE subject_history (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          subject_id INTEGER NOT NULL REFERENCES subject(id),
          at INTEGER NOT NULL,
          actor TEXT NOT NULL,
          kind TEXT NOT NULL,
          field TEXT NOT NULL DEFAULT '',
          old_value TEXT NOT NULL DEFAULT '',
          new_value TEXT NOT NULL DEFAULT '',
          note TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX subject_history_by_subject ON subject_history(subject_id, id);

        CREATE TABLE general_parameters (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          subject_required INTEGER NOT NULL,
          version INTEGER NOT NULL,
          updated_at INTEGER NOT NULL,
          updated_by TEXT NOT NULL
        );
        INSERT INTO general_parameters VALUES (1, 0, 1, 0, 'system');
        CREATE TABLE parameter_history (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          at INTEGER NOT NULL,
          actor TEXT NOT NULL,
          kind TEXT NOT NULL,
          field TEXT NOT NULL DEFAULT '',
          old_value TEXT NOT NULL DEFAULT '',
          new_value TEXT NOT NULL DEFAULT '',
          note TEXT NOT NULL DEFAULT ''
        );
        """)
  }

  private static func v2(_ db: Database) throws {
    try db.execute(
      sql: """
        CREATE TABLE protocol_sequence (year INTEGER PRIMARY KEY, last_value INTEGER NOT NULL);
        CREATE TABLE ticket (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          protocol TEXT NOT NULL UNIQUE,
          kind INTEGER NOT NULL,
          client_id INTEGER REFERENCES client(id),
          structure_id INTEGER REFERENCES structure(id),
          contract_id INTEGER REFERENCES contract(id),
          login_id INTEGER REFERENCES login(id),
          subject_id INTEGER REFERENCES subject(id),
          title TEXT NOT NULL,
          department_id INTEGER NOT NULL REFERENCES department(id),
          priority INTEGER NOT NULL,
          description TEXT NOT NULL,
          status INTEGER NOT NULL,
          complementary_status_id INTEGER REFERENCES complementary_status(id),
          channel_id INTEGER REFERENCES channel(id),
          assignee_id INTEGER REFERENCES employee(id),
          location_address TEXT,
          location_latitude REAL,
          location_longitude REAL,
          location_origin INTEGER,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL,
          closed_at INTEGER,
          opened_by TEXT NOT NULL,
          version INTEGER NOT NULL,
          first_response_at INTEGER,
          interaction_count INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX ticket_by_created ON ticket(created_at, id);
        CREATE INDEX ticket_by_updated ON ticket(updated_at, id);
        CREATE INDEX ticket_by_status ON ticket(status, created_at, id);
        CREATE INDEX ticket_by_priority ON ticket(priority, created_at, id);
        CREATE INDEX ticket_by_client ON ticket(client_id, created_at);
        CREATE INDEX ticket_by_structure ON ticket(structure_id, created_at);
        CREATE INDEX ticket_by_department ON ticket(department_id, status);
        CREATE INDEX ticket_by_assignee ON ticket(assignee_id, status);
        CREATE INDEX ticket_by_subject ON ticket(subject_id);
        CREATE INDEX ticket_by_channel ON ticket(channel_id);
        CREATE TABLE ticket_history (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          ticket_id INTEGER NOT NULL REFERENCES ticket(id),
          at INTEGER NOT NULL,
          actor TEXT NOT NULL,
          kind TEXT NOT NULL,
          field TEXT NOT NULL DEFAULT '',
          old_value TEXT NOT NULL DEFAULT '',
          new_value TEXT NOT NULL DEFAULT '',
          note TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX ticket_history_by_ticket ON ticket_history(ticket_id, id);
        """)
    // Full-text index over title, description and protocol, kept in sync by triggers;
    // diacritics removed so "conexao" finds "conexão".
    try db.create(virtualTable: "ticket_fts", using: FTS5()) { table in
      table.synchronize(withTable: "ticket")
      table.tokenizer = .unicode61(diacritics: .remove)
      table.column("title")
      table.column("description")
      table.column("protocol")
    }
  }

  /// Messages and contacts; the ticket search index also covers messages.
  private static func v3(_ db: Database) throws {
    try db.execute(
      sql: """
        CREATE TABLE ticket_message (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          ticket_id INTEGER NOT NULL REFERENCES ticket(id),
          author_kind INTEGER NOT NULL,
          author_id INTEGER REFERENCES employee(id),
          author_name TEXT NOT NULL,
          visibility INTEGER NOT NULL,
          text TEXT NOT NULL,
          status_change INTEGER,
          created_at INTEGER NOT NULL
        );
        CREATE INDEX ticket_message_by_ticket ON ticket_message(ticket_id, id);
        CREATE TABLE ticket_contact (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          ticket_id INTEGER NOT NULL REFERENCES ticket(id),
          name TEXT NOT NULL,
          phone TEXT NOT NULL,
          email TEXT NOT NULL,
          note TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        );
        CREATE INDEX ticket_contact_by_ticket ON ticket_contact(ticket_id, id);

        -- The search index gets a column for the conversation: replace the external-content
        -- index of v2 by one that keeps its own text, maintained by triggers.
        DROP TRIGGER IF EXISTS __ticket_fts_ai;
        DROP TRIGGER IF EXISTS __ticket_fts_ad;
        DROP TRIGGER IF EXISTS __ticket_fts_au;
        DROP TABLE IF EXISTS ticket_fts;
        -- Prefix indexes for 3, 4 and 5 characters: a prefix query ("inter"*) then reads one
        -- index term in id order instead of merging every term it covers.
        CREATE VIRTUAL TABLE ticket_search USING fts5(
          title, description, protocol, messages, tokenize = 'unicode61 remove_diacritics 2', prefix = '3 4 5'
        );
        INSERT INTO ticket_search (rowid, title, description, protocol, messages)
          SELECT id, title, description, protocol, '' FROM ticket;
        CREATE TRIGGER ticket_search_insert AFTER INSERT ON ticket BEGIN
          INSERT INTO ticket_search (rowid, title, description, protocol, messages)
          VALUES (new.id, new.title, new.description, new.protocol, '');
        END;
        CREATE TRIGGER ticket_search_update AFTER UPDATE OF title, description ON ticket BEGIN
          UPDATE ticket_search SET title = new.title, description = new.description WHERE rowid = new.id;
        END;
        CREATE TRIGGER ticket_search_message AFTER INSERT ON ticket_message BEGIN
          UPDATE ticket_search SET messages = messages || ' ' || new.text WHERE rowid = new.ticket_id;
        END;
        """)
  }

  /// Attachments: their description; the content lives in the file storage by SHA-256.
  private static func v4(_ db: Database) throws {
    try db.execute(
      sql: """
        CREATE TABLE ticket_file (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          ticket_id INTEGER NOT NULL REFERENCES ticket(id),
          name TEXT NOT NULL,
          content_type TEXT NOT NULL,
          size INTEGER NOT NULL,
          sha256 TEXT NOT NULL,
          description TEXT NOT NULL,
          uploaded_by TEXT NOT NULL,
          uploaded_at INTEGER NOT NULL
        );
        CREATE INDEX ticket_file_by_ticket ON ticket_file(ticket_id, id);
        CREATE INDEX ticket_file_by_sha256 ON ticket_file(sha256);
        """)
  }

  /// Service orders opened from tickets.
  private static func v5(_ db: Database) throws {
    try db.execute(
      sql: """
        CREATE TABLE service_order (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          ticket_id INTEGER NOT NULL REFERENCES ticket(id),
          subject_id INTEGER REFERENCES subject(id),
          department_id INTEGER NOT NULL REFERENCES department(id),
          technician_id INTEGER REFERENCES employee(id),
          priority INTEGER NOT NULL,
          status INTEGER NOT NULL,
          scheduled_at INTEGER,
          description TEXT NOT NULL,
          requires_signature INTEGER NOT NULL,
          signed_at INTEGER,
          signed_by TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL,
          version INTEGER NOT NULL
        );
        CREATE INDEX service_order_by_ticket ON service_order(ticket_id, id);
        CREATE INDEX service_order_by_status ON service_order(status, id);
        CREATE INDEX service_order_by_technician ON service_order(technician_id, status);
        """)
  }
}
