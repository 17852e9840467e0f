import EnlaceReplica
/// The central store's schema in PostgreSQL: the SQLite schema's tables (`Migrations`) with
/// PostgreSQL's types, less what only a field node keeps. Migrations are registered by name and
/// never edited once shipped; they run under the store's advisory lock, so central processes
/// starting together migrate once.
enum PostgresSchema {
    static let migrations: [(name: String, sql: String)] = [
        ("v2-central", """
            CREATE TABLE replica (
                singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
                node_id TEXT NOT NULL,
                epoch BIGINT NOT NULL DEFAULT 1 CHECK (epoch >= 1),
                department TEXT NOT NULL,
                central_url TEXT NOT NULL,
                token TEXT NOT NULL,
                created_at TEXT NOT NULL,
                store_id TEXT,
                -- Bumped by every write transaction: a process whose last write is not the last
                -- one forgets the record states it cached (another process wrote).
                generation BIGINT NOT NULL DEFAULT 0
            );
            -- Positions are taken under the append lock (`PostgresStore.write`), so they become
            -- visible in commit order: a feed cursor never passes an entry committed late.
            CREATE TABLE journal (
                position BIGSERIAL PRIMARY KEY,
                origin TEXT NOT NULL,
                epoch BIGINT NOT NULL CHECK (epoch >= 1),
                seq BIGINT NOT NULL CHECK (seq >= 1),
                envelope BYTEA NOT NULL,
                hash BYTEA NOT NULL CHECK (length(hash) = 32),
                body BYTEA,
                kind BIGINT,
                record_type TEXT CHECK (record_type IS NULL OR record_type IN ('case', 'certification')),
                record_id TEXT,
                at_ms BIGINT,
                tick BIGINT,
                state TEXT NOT NULL CHECK (state IN ('applied', 'stub', 'quarantined')),
                reason TEXT,
                UNIQUE (origin, epoch, seq),
                CHECK (state = 'stub' OR body IS NOT NULL)
            );
            CREATE INDEX journal_by_record ON journal (record_type, record_id, position);
            CREATE INDEX journal_by_time ON journal (at_ms, tick);
            CREATE INDEX journal_quarantined ON journal (position) WHERE state = 'quarantined';
            -- Append-only: an entry's identity and envelope never change; a body may only arrive
            -- for a stub or leave (an erasure), never be replaced; no row is deleted.
            CREATE FUNCTION journal_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'the journal is append-only'; END IF;
                IF NOT (NEW.position = OLD.position AND NEW.origin = OLD.origin AND NEW.epoch = OLD.epoch
                        AND NEW.seq = OLD.seq AND NEW.envelope = OLD.envelope AND NEW.hash = OLD.hash
                        AND (OLD.body IS NULL OR NEW.body IS NULL OR NEW.body = OLD.body)) THEN
                    RAISE EXCEPTION 'the journal is append-only';
                END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER journal_refuses_change BEFORE UPDATE OR DELETE ON journal
                FOR EACH ROW EXECUTE FUNCTION journal_append_only();
            CREATE TABLE records (
                record_type TEXT NOT NULL,
                record_id TEXT NOT NULL,
                document BYTEA NOT NULL,
                clock TEXT NOT NULL,
                entry_count BIGINT NOT NULL,
                person_tag BYTEA,
                PRIMARY KEY (record_type, record_id)
            );
            CREATE INDEX records_by_person_tag ON records (person_tag) WHERE person_tag IS NOT NULL;
            CREATE TABLE conflicts (
                id TEXT PRIMARY KEY,
                record_type TEXT NOT NULL,
                record_id TEXT NOT NULL,
                field TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
                body BYTEA NOT NULL,
                department TEXT,
                first_at TEXT NOT NULL
            );
            CREATE INDEX conflicts_by_record ON conflicts (record_type, record_id);
            CREATE INDEX conflicts_by_status ON conflicts (status, id);
            CREATE INDEX conflicts_by_department ON conflicts (status, department, id);
            CREATE TABLE conflict_ids (
                id TEXT PRIMARY KEY,
                record_type TEXT NOT NULL,
                record_id TEXT NOT NULL,
                field TEXT NOT NULL
            );
            CREATE TABLE folio_counters (
                node TEXT NOT NULL,
                year BIGINT NOT NULL,
                last BIGINT NOT NULL CHECK (last >= 1),
                PRIMARY KEY (node, year)
            );
            CREATE TABLE directory (
                node TEXT PRIMARY KEY,
                department TEXT,
                epoch BIGINT NOT NULL DEFAULT 0,
                revoked BIGINT NOT NULL DEFAULT 0
            );
            CREATE TABLE directory_keys (
                node TEXT NOT NULL,
                from_epoch BIGINT NOT NULL,
                from_seq BIGINT NOT NULL,
                signing BYTEA NOT NULL CHECK (length(signing) = 32),
                agreement BYTEA NOT NULL CHECK (length(agreement) = 32),
                PRIMARY KEY (node, from_epoch, from_seq)
            );
            CREATE TABLE anchor (
                singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
                central_key BYTEA NOT NULL CHECK (length(central_key) = 32)
            );
            CREATE TABLE chain_heads (
                origin TEXT NOT NULL,
                epoch BIGINT NOT NULL,
                seq BIGINT NOT NULL,
                hash BYTEA NOT NULL,
                signature BYTEA NOT NULL,
                PRIMARY KEY (origin, epoch, seq)
            );
            CREATE TABLE credentials (
                token_hash TEXT PRIMARY KEY,
                kind TEXT NOT NULL CHECK (kind IN ('node', 'user')),
                subject TEXT NOT NULL,
                department TEXT,
                role TEXT CHECK (role IS NULL OR role IN ('viewer', 'resolver', 'admin')),
                enrollment_key BYTEA,
                signing_key BYTEA,
                agreement_key BYTEA,
                created_at TEXT NOT NULL,
                bound_at TEXT,
                revoked_at TEXT
            );
            CREATE UNIQUE INDEX credentials_one_live_node ON credentials (subject) WHERE kind = 'node' AND revoked_at IS NULL;
            CREATE TABLE audit_log (
                position BIGSERIAL PRIMARY KEY,
                at TEXT NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                subject TEXT NOT NULL,
                detail TEXT NOT NULL,
                prev_hash TEXT NOT NULL,
                hash TEXT NOT NULL UNIQUE
            );
            CREATE INDEX audit_by_subject ON audit_log (subject, position);
            CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;
            CREATE TRIGGER audit_refuses_change BEFORE UPDATE OR DELETE ON audit_log
                FOR EACH ROW EXECUTE FUNCTION audit_append_only();
            CREATE TABLE case_scope (
                record_id TEXT NOT NULL,
                department TEXT NOT NULL,
                in_scope BIGINT NOT NULL CHECK (in_scope IN (0, 1)),
                changed BIGINT NOT NULL CHECK (changed >= 1),
                PRIMARY KEY (record_id, department)
            );
            CREATE INDEX case_scope_changes ON case_scope (department, changed);
            CREATE TABLE scope_counter (
                singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
                last BIGINT NOT NULL CHECK (last >= 0)
            );
            INSERT INTO scope_counter (singleton, last) VALUES (1, 0);
            CREATE TABLE erased_cases (
                record_id TEXT PRIMARY KEY,
                erased_at BIGINT NOT NULL
            );
            CREATE TABLE vault (
                recipient BYTEA PRIMARY KEY CHECK (length(recipient) = 32),
                wrapped BYTEA NOT NULL
            );
            CREATE TABLE case_keys (
                record_id TEXT PRIMARY KEY,
                sealed BYTEA NOT NULL
            );
            CREATE TABLE location_keys (
                record_id TEXT NOT NULL,
                key_id TEXT NOT NULL,
                sealed BYTEA NOT NULL,
                PRIMARY KEY (record_id, key_id)
            );
            CREATE TABLE desk_passwords (
                username TEXT PRIMARY KEY,
                hash TEXT NOT NULL,
                set_at TEXT NOT NULL
            );
            CREATE TABLE desk_sessions (
                token_hash TEXT PRIMARY KEY,
                username TEXT NOT NULL,
                csrf TEXT NOT NULL,
                expires_ms BIGINT NOT NULL
            );
            CREATE INDEX desk_sessions_by_user ON desk_sessions (username);
            CREATE TABLE desk_failures (
                username TEXT PRIMARY KEY,
                failures BIGINT NOT NULL,
                last_ms BIGINT NOT NULL
            );
            CREATE TABLE node_contacts (
                node TEXT PRIMARY KEY,
                position BIGINT NOT NULL,
                at_ms BIGINT NOT NULL,
                version TEXT,
                skew_ms BIGINT
            );
            -- Nonces of signed requests within the signature window: whichever central process a
            -- request reaches, it is accepted once.
            CREATE TABLE request_nonces (
                nonce TEXT PRIMARY KEY,
                at_ms BIGINT NOT NULL
            );
            CREATE INDEX request_nonces_by_time ON request_nonces (at_ms);
            -- The last signed request of each node refused because its clock was off.
            CREATE TABLE clock_reports (
                node TEXT PRIMARY KEY,
                skew_ms BIGINT NOT NULL,
                at_ms BIGINT NOT NULL
            );
            """),
        ("v3-scope-exits", """
            -- Where each node's own chain stood at the pull that told it a case left its
            -- department's scope: its later entries to the case are quarantined.
            CREATE TABLE scope_exits (
                record_id TEXT NOT NULL,
                node TEXT NOT NULL,
                epoch BIGINT NOT NULL CHECK (epoch >= 1),
                seq BIGINT NOT NULL CHECK (seq >= 0),
                hash BYTEA NOT NULL CHECK (length(hash) = 32),
                PRIMARY KEY (record_id, node)
            );
            CREATE INDEX scope_exits_by_head ON scope_exits (node, epoch, seq);
            CREATE INDEX desk_failures_by_time ON desk_failures (last_ms);
            """),
        ("v4-release", """
            -- The release that last wrote the store: an older one refuses to open it.
            CREATE TABLE software_release (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                release TEXT NOT NULL
            );
            """),
    ]
}
