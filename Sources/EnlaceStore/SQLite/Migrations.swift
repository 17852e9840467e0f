import GRDB

/// The schema, as migrations registered by name. Never edit a shipped migration; add one.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-journal") { db in
            try db.execute(sql: """
                CREATE TABLE replica (
                    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
                    node_id TEXT NOT NULL,
                    department TEXT NOT NULL,
                    central_url TEXT NOT NULL,
                    token TEXT NOT NULL,
                    created_at TEXT NOT NULL
                );
                CREATE TABLE journal (
                    position INTEGER PRIMARY KEY AUTOINCREMENT,
                    origin TEXT NOT NULL,
                    seq INTEGER NOT NULL CHECK (seq >= 1),
                    record_type TEXT NOT NULL CHECK (record_type IN ('case', 'certification')),
                    record_id TEXT NOT NULL,
                    at_ms INTEGER NOT NULL,
                    tick INTEGER NOT NULL,
                    body TEXT NOT NULL,
                    UNIQUE (origin, seq)
                );
                CREATE INDEX journal_by_record ON journal (record_type, record_id, position);
                CREATE INDEX journal_by_time ON journal (at_ms, tick);
                CREATE TRIGGER journal_refuses_update BEFORE UPDATE ON journal
                BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
                CREATE TRIGGER journal_refuses_delete BEFORE DELETE ON journal
                BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
                CREATE TABLE records (
                    record_type TEXT NOT NULL,
                    record_id TEXT NOT NULL,
                    document TEXT NOT NULL,
                    clock TEXT NOT NULL,
                    entry_count INTEGER NOT NULL,
                    PRIMARY KEY (record_type, record_id)
                );
                CREATE TABLE conflicts (
                    id TEXT PRIMARY KEY,
                    record_type TEXT NOT NULL,
                    record_id TEXT NOT NULL,
                    field TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
                    body TEXT NOT NULL
                );
                CREATE INDEX conflicts_by_record ON conflicts (record_type, record_id);
                CREATE INDEX conflicts_by_status ON conflicts (status, id);
                CREATE TABLE folio_counters (
                    node TEXT NOT NULL,
                    year INTEGER NOT NULL,
                    last INTEGER NOT NULL CHECK (last >= 1),
                    PRIMARY KEY (node, year)
                );
                """)
        }
        migrator.registerMigration("v2-sync") { db in
            try db.execute(sql: """
                ALTER TABLE replica ADD COLUMN store_id TEXT;
                CREATE TABLE sync_state (
                    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
                    central_store_id TEXT,
                    pushed_seq INTEGER NOT NULL DEFAULT 0 CHECK (pushed_seq >= 0),
                    pull_position INTEGER NOT NULL DEFAULT 0 CHECK (pull_position >= 0),
                    pull_entry TEXT,
                    last_sync_at TEXT,
                    last_error TEXT,
                    last_attempt_at TEXT
                );
                INSERT INTO sync_state (singleton) VALUES (1);
                CREATE TABLE credentials (
                    token_hash TEXT PRIMARY KEY,
                    kind TEXT NOT NULL CHECK (kind IN ('node', 'user')),
                    subject TEXT NOT NULL,
                    department TEXT,
                    role TEXT CHECK (role IS NULL OR role IN ('viewer', 'resolver', 'admin')),
                    created_at TEXT NOT NULL,
                    revoked_at TEXT
                );
                CREATE UNIQUE INDEX credentials_one_live_node ON credentials (subject)
                    WHERE kind = 'node' AND revoked_at IS NULL;
                """)
        }
        migrator.registerMigration("v3-conflict-ids") { db in
            // Every conflict id a replica has seen, so that resolving a superseded id can name
            // the current one. A local index, not derived from the journal.
            try db.execute(sql: """
                CREATE TABLE conflict_ids (
                    id TEXT PRIMARY KEY,
                    record_type TEXT NOT NULL,
                    record_id TEXT NOT NULL,
                    field TEXT NOT NULL
                );
                INSERT OR IGNORE INTO conflict_ids (id, record_type, record_id, field)
                    SELECT id, record_type, record_id, field FROM conflicts;
                """)
        }
        migrator.registerMigration("v4-audit") { db in
            // The central server's audit log: append-only and hash-chained (each row's hash
            // covers the previous row's hash), checked by `enlace central audit --verify`.
            try db.execute(sql: """
                CREATE TABLE audit_log (
                    position INTEGER PRIMARY KEY AUTOINCREMENT,
                    at TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    action TEXT NOT NULL,
                    subject TEXT NOT NULL,
                    detail TEXT NOT NULL,
                    prev_hash TEXT NOT NULL,
                    hash TEXT NOT NULL UNIQUE
                );
                CREATE TRIGGER audit_refuses_update BEFORE UPDATE ON audit_log
                BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                CREATE TRIGGER audit_refuses_delete BEFORE DELETE ON audit_log
                BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                """)
        }
        migrator.registerMigration("v5-chains") { db in
            // Each entry's hash (its canonical text's SHA-256), the signed heads of each
            // origin's chain, and the public keys pinned per origin.
            try db.execute(sql: """
                ALTER TABLE journal ADD COLUMN hash TEXT;
                CREATE TABLE chain_heads (
                    origin TEXT NOT NULL,
                    seq INTEGER NOT NULL,
                    hash TEXT NOT NULL,
                    signature TEXT NOT NULL,
                    PRIMARY KEY (origin, seq)
                );
                CREATE TABLE replica_keys (
                    origin TEXT PRIMARY KEY,
                    public_key TEXT NOT NULL,
                    pinned_at TEXT NOT NULL
                );
                """)
        }
        migrator.registerMigration("v6-conflict-filters") { db in
            // Conflict lists filter in SQL: the record's department and the first version's time
            // beside each conflict (canonical RFC 3339, so text order is time order).
            try db.execute(sql: """
                ALTER TABLE conflicts ADD COLUMN department TEXT;
                ALTER TABLE conflicts ADD COLUMN first_at TEXT NOT NULL DEFAULT '';
                UPDATE conflicts SET
                    department = (SELECT COALESCE(json_extract(r.document, '$.origin_department'), json_extract(r.document, '$.department'))
                                  FROM records r WHERE r.record_type = conflicts.record_type AND r.record_id = conflicts.record_id),
                    first_at = COALESCE((SELECT MIN(json_extract(v.value, '$.at')) FROM json_each(conflicts.body, '$.versions') v), '');
                CREATE INDEX conflicts_by_department ON conflicts (status, department, id);
                ALTER TABLE sync_state DROP COLUMN last_attempt_at;
                """)
        }
        return migrator
    }
}
