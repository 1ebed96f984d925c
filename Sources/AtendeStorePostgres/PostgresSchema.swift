internal import Logging
internal import PostgresNIO

/// The named migrations of the PostgreSQL schema, in order. A shipped migration is never
/// edited: changes go into a new one appended to the list. Each is a list of statements
/// (the extended query protocol runs one statement at a time).
enum PostgresSchema {
  static let migrations: [(name: String, statements: [String])] = [
    ("v1-reference-subjects-parameters-tokens", v1)
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
}
