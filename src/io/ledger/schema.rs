//! The ledger's layout, and bringing an older one up to date. A ledger is refused when it is of
//! a layout this build cannot read right: older than the oldest it migrates, or newer.

use super::error::LedgerError;
use rusqlite::Connection;
use std::path::Path;

/// The layout this build writes; an older one it can bring up to date is migrated, any other
/// is refused, never misread.
pub const VERSION: i64 = 5;

/// Layout 5. What changed since 4: a deduped entry carries the id of the record its row was made
/// one with, and the id map lists it, so a re-run and a delta find that record by either key.
/// Since 3: `runs` records the spec's content hash and the mapc that ran it (the plan's pin).
pub const SCHEMA: &str = "
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    spec TEXT NOT NULL,
    target TEXT NOT NULL,
    started TEXT NOT NULL,
    finished TEXT,
    status TEXT NOT NULL,
    report TEXT,
    spec_hash TEXT,
    mapc TEXT
);
-- Up to 4096 consecutive entries of one step of a run; seq is the run-wide number of the first.
-- step_key names a step's history across runs, and is durable: every id map is keyed by it.
-- It is the map's name in lower case, `#`, and the phase: create, merge, deferred or links
-- (`patient_person#create`); for a source read only by lookups, the source's name in lower
-- case and `#lookup` (`carrier#lookup`). A step key never changes meaning between layouts.
-- Entry i of a chunk is, column by column:
--   keys ->> i                the source key (keys is a JSON array)
--   substr(outcomes, i+1, 1)  the outcome: c created, u updated, n unchanged, r rejected,
--                             d deduped, s skipped, h held
--   reasons ->> '$.\"i\"'       why, for the entries that have a reason (a JSON object)
--   ids, hashes               for a created or updated entry, the target id and the content hash
--                             (a deduped entry: the id of the record it was made one with):
--                             ids holds 16 bytes per entry when every id is a UUID (zeros: none),
--                             else a JSON array; hashes 8 bytes per entry, big-endian. Both are
--                             NULL when no entry of the chunk has an id.
-- The views below spell this out; a later entry for a key replaces an earlier one in the id map.
CREATE TABLE IF NOT EXISTS chunks (
    run INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    step INTEGER NOT NULL,
    step_key TEXT NOT NULL,
    object TEXT NOT NULL,
    source TEXT NOT NULL,
    keys TEXT NOT NULL,
    outcomes TEXT NOT NULL,
    reasons TEXT,
    ids,
    hashes BLOB,
    PRIMARY KEY (run, seq)
);
CREATE INDEX IF NOT EXISTS chunks_by_step ON chunks (step_key, run, seq);
CREATE VIEW IF NOT EXISTS audit AS
    SELECT run, seq + i AS seq, step, step_key, object, source, source_key,
           CASE substr(outcomes, i + 1, 1)
               WHEN 'c' THEN 'created' WHEN 'u' THEN 'updated' WHEN 'n' THEN 'unchanged'
               WHEN 'r' THEN 'rejected' WHEN 'd' THEN 'deduped' WHEN 's' THEN 'skipped'
               WHEN 'h' THEN 'held' END AS outcome,
           reasons ->> ('$.\"' || i || '\"') AS reason,
           CASE typeof(ids)
               WHEN 'text' THEN ids ->> i
               WHEN 'blob' THEN nullif(lower(substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-' ||
                   substr(h, 13, 4) || '-' || substr(h, 17, 4) || '-' || substr(h, 21)),
                   '00000000-0000-0000-0000-000000000000') END AS target_id,
           CASE WHEN substr(outcomes, i + 1, 1) IN ('c', 'u')
               THEN lower(hex(substr(hashes, 8 * i + 1, 8))) END AS hash
    FROM (SELECT c.*, j.key AS i, j.value AS source_key,
                 CASE typeof(c.ids) WHEN 'blob' THEN hex(substr(c.ids, 16 * j.key + 1, 16)) END AS h
          FROM chunks c, json_each(c.keys) j);
CREATE VIEW IF NOT EXISTS idmap AS
    SELECT step_key, source_key, target_id, hash, run FROM (
        SELECT step_key, source_key, target_id, hash, run,
               row_number() OVER (PARTITION BY step_key, source_key
                                  ORDER BY run DESC, seq DESC) AS latest
        FROM audit WHERE outcome IN ('created', 'updated')
                      OR (outcome = 'deduped' AND target_id IS NOT NULL))
    WHERE latest = 1;
";

/// The oldest layout this build migrates.
const OLDEST: i64 = 3;

/// Brings the ledger at `path` to [`VERSION`]: creates its tables when it is new, migrates an
/// older layout in one transaction, refuses any other.
pub fn prepare(conn: &Connection, path: &Path) -> Result<(), LedgerError> {
    let sqlite = LedgerError::sqlite(path);
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(&sqlite)?;
    let tables: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
        .map_err(&sqlite)?;
    if tables > 0 && version != VERSION {
        if !(OLDEST..VERSION).contains(&version) {
            return Err(LedgerError::Layout {
                path: path.to_path_buf(),
                found: version,
            });
        }
        migrate(conn, version).map_err(&sqlite)?;
    }
    conn.execute_batch(SCHEMA).map_err(&sqlite)?;
    conn.pragma_update(None, "user_version", VERSION)
        .map_err(&sqlite)
}

/// From an older layout, a step at a time, in one transaction: 3 → 4 gives the runs their spec
/// hash and mapc version (unknown for the runs before); 4 → 5 lists deduped entries in the id
/// map (the view is made anew by [`SCHEMA`]).
fn migrate(conn: &Connection, from: i64) -> rusqlite::Result<()> {
    let mut steps = String::from("BEGIN;");
    if from <= 3 {
        steps.push_str(
            "ALTER TABLE runs ADD COLUMN spec_hash TEXT;
             ALTER TABLE runs ADD COLUMN mapc TEXT;",
        );
    }
    steps.push_str("DROP VIEW IF EXISTS idmap; PRAGMA user_version = 5; COMMIT;");
    conn.execute_batch(&steps)
}
