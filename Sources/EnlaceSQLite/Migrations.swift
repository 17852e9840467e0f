import EnlaceReplica
import GRDB

/// The schema, as migrations registered by name. Never edit a shipped migration; add one.
///
/// Journal format v2 began a new line of migrations: a store made before it (its first
/// migration was `v1-journal`) is refused with `StoreError.formatV1`, which says how to start
/// fresh (no deployment held v1 data; see `docs/JOURNAL-FORMAT.md`).
enum Migrations {
    /// The first migration of format v1 stores.
    static let formatV1Marker = "v1-journal"

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v2-journal") { db in
            try db.execute(sql: """
                CREATE TABLE replica (
                    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
                    node_id TEXT NOT NULL,
                    epoch INTEGER NOT NULL DEFAULT 1 CHECK (epoch >= 1),
                    department TEXT NOT NULL,
                    central_url TEXT NOT NULL,
                    token TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    store_id TEXT
                );
                -- One row per entry: its envelope always, its body when this replica holds it.
                -- state: applied (merged into records), stub (envelope only), quarantined (kept,
                -- verified in its chain, not applied; reason says why).
                CREATE TABLE journal (
                    position INTEGER PRIMARY KEY AUTOINCREMENT,
                    origin TEXT NOT NULL,
                    epoch INTEGER NOT NULL CHECK (epoch >= 1),
                    seq INTEGER NOT NULL CHECK (seq >= 1),
                    envelope BLOB NOT NULL,
                    hash BLOB NOT NULL CHECK (length(hash) = 32),
                    body BLOB,
                    kind INTEGER,
                    record_type TEXT CHECK (record_type IS NULL OR record_type IN ('case', 'certification')),
                    record_id TEXT,
                    at_ms INTEGER,
                    tick INTEGER,
                    state TEXT NOT NULL CHECK (state IN ('applied', 'stub', 'quarantined')),
                    reason TEXT,
                    UNIQUE (origin, epoch, seq),
                    CHECK (state = 'stub' OR body IS NOT NULL)
                );
                CREATE INDEX journal_by_record ON journal (record_type, record_id, position);
                CREATE INDEX journal_by_time ON journal (at_ms, tick);
                CREATE INDEX journal_by_state ON journal (state);
                -- Append-only: an entry's identity and envelope never change; a body may only
                -- arrive for a stub or leave (a purge), never be replaced.
                CREATE TRIGGER journal_refuses_update BEFORE UPDATE ON journal
                WHEN NOT (NEW.position = OLD.position AND NEW.origin = OLD.origin AND NEW.epoch = OLD.epoch
                          AND NEW.seq = OLD.seq AND NEW.envelope = OLD.envelope AND NEW.hash = OLD.hash
                          AND (OLD.body IS NULL OR NEW.body IS NULL OR NEW.body = OLD.body))
                BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
                -- Holds a row only inside a node's recovery from its own restore, which sets aside
                -- its own entries that never reached the central server (see `reissue`).
                CREATE TABLE journal_unlock (singleton INTEGER PRIMARY KEY CHECK (singleton = 1));
                CREATE TRIGGER journal_refuses_delete BEFORE DELETE ON journal
                WHEN NOT EXISTS (SELECT 1 FROM journal_unlock)
                BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
                -- A node restored from an older copy: its own entries of the abandoned epoch that
                -- the central server may not hold, set aside until each is adopted from the
                -- central server (same bytes) or re-made as a new entry of the new epoch.
                CREATE TABLE reissue (
                    epoch INTEGER NOT NULL,
                    seq INTEGER NOT NULL,
                    envelope BLOB NOT NULL,
                    body BLOB NOT NULL,
                    PRIMARY KEY (epoch, seq)
                );
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
                    body TEXT NOT NULL,
                    department TEXT,
                    first_at TEXT NOT NULL
                );
                CREATE INDEX conflicts_by_record ON conflicts (record_type, record_id);
                CREATE INDEX conflicts_by_status ON conflicts (status, id);
                CREATE INDEX conflicts_by_department ON conflicts (status, department, id);
                -- Every conflict id a replica has seen, so that resolving a superseded id can name
                -- the current one.
                CREATE TABLE conflict_ids (
                    id TEXT PRIMARY KEY,
                    record_type TEXT NOT NULL,
                    record_id TEXT NOT NULL,
                    field TEXT NOT NULL
                );
                CREATE TABLE folio_counters (
                    node TEXT NOT NULL,
                    year INTEGER NOT NULL,
                    last INTEGER NOT NULL CHECK (last >= 1),
                    PRIMARY KEY (node, year)
                );
                -- Who belongs where, materialised from the central server's directory entries.
                CREATE TABLE directory (
                    node TEXT PRIMARY KEY,
                    department TEXT,
                    epoch INTEGER NOT NULL DEFAULT 0,
                    revoked INTEGER NOT NULL DEFAULT 0
                );
                CREATE TABLE directory_keys (
                    node TEXT NOT NULL,
                    from_epoch INTEGER NOT NULL,
                    from_seq INTEGER NOT NULL,
                    signing BLOB NOT NULL CHECK (length(signing) = 32),
                    agreement BLOB NOT NULL CHECK (length(agreement) = 32),
                    PRIMARY KEY (node, from_epoch, from_seq)
                );
                -- The trust anchor: the central server's signing key, from the enrollment token
                -- (a node) or from `central init` (the central server).
                CREATE TABLE anchor (
                    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
                    central_key BLOB NOT NULL CHECK (length(central_key) = 32)
                );
                -- Verified chain heads: an origin's signature over its chain up to (epoch, seq).
                CREATE TABLE chain_heads (
                    origin TEXT NOT NULL,
                    epoch INTEGER NOT NULL,
                    seq INTEGER NOT NULL,
                    hash BLOB NOT NULL,
                    signature BLOB NOT NULL,
                    PRIMARY KEY (origin, epoch, seq)
                );
                CREATE TABLE sync_state (
                    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
                    central_store_id TEXT,
                    pushed_epoch INTEGER NOT NULL DEFAULT 1,
                    pushed_seq INTEGER NOT NULL DEFAULT 0 CHECK (pushed_seq >= 0),
                    pull_position INTEGER NOT NULL DEFAULT 0 CHECK (pull_position >= 0),
                    pull_entry TEXT,
                    last_sync_at TEXT,
                    last_error TEXT,
                    quarantined INTEGER NOT NULL DEFAULT 0,
                    clock_offset_ms INTEGER NOT NULL DEFAULT 0,
                    -- The last recovery from a restore: when, from which epoch, what was re-made.
                    recovered_at TEXT,
                    recovered_from_epoch INTEGER,
                    remade INTEGER NOT NULL DEFAULT 0,
                    renumbered INTEGER NOT NULL DEFAULT 0,
                    -- Set when the central store changed: relay what it lacks once (see `relayBatch`).
                    relay_pending INTEGER NOT NULL DEFAULT 0
                );
                INSERT INTO sync_state (singleton) VALUES (1);
                -- A node's keys before its first contact: the enrollment key from the token signs
                -- the request that binds the node's own keys, then is forgotten.
                CREATE TABLE enrollment (
                    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
                    seed BLOB NOT NULL,
                    bound_at TEXT
                );
                -- The central server's credentials: hashes of bearer tokens, and for nodes the
                -- enrollment public key and the keys bound at first contact.
                CREATE TABLE credentials (
                    token_hash TEXT PRIMARY KEY,
                    kind TEXT NOT NULL CHECK (kind IN ('node', 'user')),
                    subject TEXT NOT NULL,
                    department TEXT,
                    role TEXT CHECK (role IS NULL OR role IN ('viewer', 'resolver', 'admin')),
                    enrollment_key BLOB,
                    signing_key BLOB,
                    agreement_key BLOB,
                    created_at TEXT NOT NULL,
                    bound_at TEXT,
                    revoked_at TEXT
                );
                CREATE UNIQUE INDEX credentials_one_live_node ON credentials (subject)
                    WHERE kind = 'node' AND revoked_at IS NULL;
                -- The central server's audit log: append-only and hash-chained.
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
        migrator.registerMigration("v2-scope") { db in
            try db.execute(sql: """
                -- The central server's index of need to know: for each case, every department that
                -- was ever in its scope, whether it is now, and when that last changed (a counter,
                -- so that a node's pull finds what changed for its department since its last one).
                CREATE TABLE case_scope (
                    record_id TEXT NOT NULL,
                    department TEXT NOT NULL,
                    in_scope INTEGER NOT NULL CHECK (in_scope IN (0, 1)),
                    changed INTEGER NOT NULL CHECK (changed >= 1),
                    PRIMARY KEY (record_id, department)
                ) WITHOUT ROWID;
                CREATE INDEX case_scope_changes ON case_scope (department, changed);
                CREATE TABLE scope_counter (
                    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
                    last INTEGER NOT NULL CHECK (last >= 0)
                );
                INSERT INTO scope_counter (singleton, last) VALUES (1, 0);
                -- A node: how far it has taken in its department's scope changes.
                ALTER TABLE sync_state ADD COLUMN scope_position INTEGER NOT NULL DEFAULT 0 CHECK (scope_position >= 0);
                -- A node: cases that left its scope while it held its own entries of them the central
                -- server had not received; purged once they are pushed (or when the case comes back).
                CREATE TABLE purge_pending (
                    record_type TEXT NOT NULL,
                    record_id TEXT NOT NULL,
                    PRIMARY KEY (record_type, record_id)
                );
                """)
        }
        migrator.registerMigration("v2-person") { db in
            try db.execute(sql: """
                -- The cases of one woman (her file, `person_ref`), for the office's search and ARCO.
                CREATE INDEX records_by_person ON records (json_extract(document, '$.person_ref')) WHERE record_type = 'case';
                -- Who did what to a subject (who read a case), for ARCO access.
                CREATE INDEX audit_by_subject ON audit_log (subject, position);
                """)
        }
        migrator.registerMigration("v2-erasure") { db in
            try db.execute(sql: """
                -- Cases whose contents the office erased (ARCO cancellation): no body of them is
                -- stored or applied again, whoever sends it.
                CREATE TABLE erased_cases (
                    record_id TEXT PRIMARY KEY,
                    erased_at INTEGER NOT NULL
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v2-encryption") { db in
            try db.execute(sql: """
                -- The vault key (what encrypts records, conflicts and case keys at rest), wrapped to
                -- each X25519 public key of this replica that may open it (the current key, and the
                -- next one while a rotation waits). The private keys live outside the data folder.
                CREATE TABLE vault (
                    recipient BLOB PRIMARY KEY CHECK (length(recipient) = 32),
                    wrapped BLOB NOT NULL
                ) WITHOUT ROWID;
                -- Each case's data key, encrypted under the vault key. Destroyed when the case is
                -- erased or leaves this department's scope.
                CREATE TABLE case_keys (
                    record_id TEXT PRIMARY KEY,
                    sealed BLOB NOT NULL
                ) WITHOUT ROWID;
                -- A restricted case's location keys (LocationSeal), by id `DEPARTMENT:node` (the lead
                -- department and the replica that made it): held by that department's nodes and the
                -- central server only.
                CREATE TABLE location_keys (
                    record_id TEXT NOT NULL,
                    key_id TEXT NOT NULL,
                    sealed BLOB NOT NULL,
                    PRIMARY KEY (record_id, key_id)
                ) WITHOUT ROWID;
                -- Records and conflicts are now encrypted, so SQL cannot read a woman's file
                -- reference in them: a keyed tag of it (HMAC under the vault key) is indexed instead.
                DROP INDEX records_by_person;
                ALTER TABLE records ADD COLUMN person_tag BLOB;
                CREATE INDEX records_by_person_tag ON records (person_tag) WHERE person_tag IS NOT NULL;
                -- The central server's X25519 key, from the enrollment token: what a node wraps
                -- case keys to for the central server.
                ALTER TABLE anchor ADD COLUMN central_agreement BLOB CHECK (central_agreement IS NULL OR length(central_agreement) = 32);
                """)
        }
        migrator.registerMigration("v2-desk") { db in
            try db.execute(sql: """
                -- The office desk (/oficina/): an office user's password (PasswordHash text, scrypt),
                -- sessions by the hash of their cookie's token, failed sign-ins to slow down.
                CREATE TABLE desk_passwords (
                    user TEXT PRIMARY KEY,
                    hash TEXT NOT NULL,
                    set_at TEXT NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE desk_sessions (
                    token_hash TEXT PRIMARY KEY,
                    user TEXT NOT NULL,
                    csrf TEXT NOT NULL,
                    expires_ms INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX desk_sessions_by_user ON desk_sessions (user);
                CREATE TABLE desk_failures (
                    user TEXT PRIMARY KEY,
                    failures INTEGER NOT NULL,
                    last_ms INTEGER NOT NULL
                ) WITHOUT ROWID;
                -- Each node's last pull: the feed position it holds everything up to (what tells the
                -- office which nodes received a resolution), when, the version it runs and how far its
                -- clock was from the central server's.
                CREATE TABLE node_contacts (
                    node TEXT PRIMARY KEY,
                    position INTEGER NOT NULL,
                    at_ms INTEGER NOT NULL,
                    version TEXT,
                    skew_ms INTEGER
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v2-clock-reports") { db in
            try db.execute(sql: """
                -- The last signed request of each node refused because its clock was off by more than
                -- the signature window: how far (its time minus the central server's) and when.
                CREATE TABLE clock_reports (
                    node TEXT PRIMARY KEY,
                    skew_ms INTEGER NOT NULL,
                    at_ms INTEGER NOT NULL
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v3-scope-exits") { db in
            try db.execute(sql: """
                -- Where each node's own chain stood at the pull that told it a case left its
                -- department's scope: its later entries to the case are quarantined.
                CREATE TABLE scope_exits (
                    record_id TEXT NOT NULL,
                    node TEXT NOT NULL,
                    epoch INTEGER NOT NULL CHECK (epoch >= 1),
                    seq INTEGER NOT NULL CHECK (seq >= 0),
                    hash BLOB NOT NULL CHECK (length(hash) = 32),
                    PRIMARY KEY (record_id, node)
                ) WITHOUT ROWID;
                CREATE INDEX scope_exits_by_head ON scope_exits (node, epoch, seq);
                -- Nonces of signed requests within the signature window, kept across restarts: a
                -- captured request is accepted once, even by the next process.
                CREATE TABLE request_nonces (
                    nonce TEXT PRIMARY KEY,
                    at_ms INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX request_nonces_by_time ON request_nonces (at_ms);
                CREATE INDEX desk_failures_by_time ON desk_failures (last_ms);
                -- Where the history of a case split across pages goes on (a node's side).
                ALTER TABLE sync_state ADD COLUMN scope_history_after INTEGER NOT NULL DEFAULT 0;
                -- The last round tried, whether or not it succeeded (`enlace status`).
                ALTER TABLE sync_state ADD COLUMN last_attempt_at TEXT;
                """)
        }
        migrator.registerMigration("v4-release") { db in
            try db.execute(sql: """
                -- The release that last wrote the store: an older one refuses to open it.
                CREATE TABLE software_release (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    release TEXT NOT NULL
                );
                """)
        }
        migrator.registerMigration("v5-desk-username") { db in
            try db.execute(sql: """
                -- The desk's tables name the office user `username`, as PostgreSQL's do (where
                -- `user` is a reserved word): one schema, column by column (SchemaParityTests).
                ALTER TABLE desk_passwords RENAME COLUMN user TO username;
                ALTER TABLE desk_sessions RENAME COLUMN user TO username;
                ALTER TABLE desk_failures RENAME COLUMN user TO username;
                """)
        }
        migrator.registerMigration("v6-servants") { db in
            try db.execute(sql: """
                -- La ventanilla (a node's own pages): its servants' accounts, their sessions by the
                -- hash of their cookie's token (ending after 15 idle minutes), failed sign-ins to
                -- slow down. Node-only; nothing here is replicated.
                CREATE TABLE servants (
                    servant_id TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    role TEXT NOT NULL CHECK (role IN ('captura', 'consulta')),
                    certification_folio TEXT,
                    hash TEXT,
                    created_at TEXT NOT NULL,
                    revoked_at TEXT
                ) WITHOUT ROWID;
                CREATE TABLE servant_sessions (
                    token_hash TEXT PRIMARY KEY,
                    servant_id TEXT NOT NULL REFERENCES servants (servant_id),
                    csrf TEXT NOT NULL,
                    expires_ms INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX servant_sessions_by_servant ON servant_sessions (servant_id);
                CREATE TABLE servant_failures (
                    servant_id TEXT PRIMARY KEY,
                    failures INTEGER NOT NULL,
                    last_ms INTEGER NOT NULL
                ) WITHOUT ROWID;
                """)
        }
        return migrator
    }
}
