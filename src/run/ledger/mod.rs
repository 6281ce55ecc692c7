//! The ledger: an embedded SQLite database with the runs, the id map (step and source key →
//! target id and content hash) and an audit entry for every row of every step. It is what makes a
//! re-run report "unchanged" instead of writing duplicates, and what a resumed run starts from.
//!
//! Rows are stored in chunks: one SQLite row holds up to [`CHUNK`] entries as a JSON array, and
//! the `audit` and `idmap` views spell them out one entry per row for queries. A row per entry
//! cost more than the whole rest of a run (two B-tree inserts per source row); a chunk is one
//! insert, written by a thread of its own (see [`writer`]) while the engine goes on.

mod chunk;
mod writer;

use chunk::Chunk;
use rusqlite::{params, Connection};
use rustc_hash::FxHashMap;
use std::path::Path;
use writer::{Msg, Writer};

/// The layout this build writes; a ledger from another layout is refused, not misread.
const VERSION: i64 = 2;

const SCHEMA: &str = "
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    spec TEXT NOT NULL,
    target TEXT NOT NULL,
    started TEXT NOT NULL,
    finished TEXT,
    status TEXT NOT NULL,
    report TEXT
);
-- entries: [[source_key, target_id, hash], ...]; a later entry for a key replaces an earlier one.
CREATE TABLE IF NOT EXISTS idmap_chunks (
    step_key TEXT NOT NULL,
    run INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    entries TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS idmap_chunks_by_step ON idmap_chunks (step_key, run, seq);
-- entries: [[source_key, outcome, reason?], ...]; seq is the run-wide number of the first.
CREATE TABLE IF NOT EXISTS audit_chunks (
    run INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    step INTEGER NOT NULL,
    step_key TEXT NOT NULL,
    object TEXT NOT NULL,
    source TEXT NOT NULL,
    entries TEXT NOT NULL,
    PRIMARY KEY (run, seq)
);
CREATE VIEW IF NOT EXISTS audit AS
    SELECT c.run, c.seq + j.key AS seq, c.step, c.step_key, c.object, c.source,
           j.value ->> 0 AS source_key, j.value ->> 1 AS outcome, j.value ->> 2 AS reason
    FROM audit_chunks c, json_each(c.entries) j;
CREATE VIEW IF NOT EXISTS idmap AS
    SELECT step_key, source_key, target_id, hash, run FROM (
        SELECT c.step_key, j.value ->> 0 AS source_key, j.value ->> 1 AS target_id,
               j.value ->> 2 AS hash, c.run,
               row_number() OVER (PARTITION BY c.step_key, j.value ->> 0
                                  ORDER BY c.run DESC, c.seq DESC, j.key DESC) AS latest
        FROM idmap_chunks c, json_each(c.entries) j)
    WHERE latest = 1;
";

/// Entries per chunk: a crash loses at most the chunks in flight, which the re-run redoes.
const CHUNK: usize = 4096;

pub struct Ledger {
    path: std::path::PathBuf,
    conn: Connection,
    run: i64,
    seq: u64,
    /// Id-map chunks sent this run, to keep their order.
    id_chunks: u64,
    writer: Option<Writer>,
    audits: Chunk,
    ids: Chunk,
    /// The step whose audit entries are being gathered: (number, key, object, source).
    audit_step: Option<(usize, String, String, String)>,
    ids_step: String,
    /// The content hash each source key of one step had when last written, by a hash of the key.
    previous: Option<(String, FxHashMap<u64, u64>)>,
}

/// One row's entry in the audit log.
pub struct Entry<'a> {
    pub step: usize,
    pub step_key: &'a str,
    pub object: &'a str,
    pub source: &'a str,
    pub source_key: &'a str,
    pub outcome: &'a str,
    pub reason: &'a str,
}

fn err(e: rusqlite::Error) -> String {
    format!("ledger: {e}")
}

fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn key_hash(key: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(key.as_bytes())
}

impl Ledger {
    pub fn open(path: &Path) -> Result<Ledger, String> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| format!("ledger: {}: {e}", dir.display()))?;
        }
        let conn = Connection::open(path).map_err(err)?;
        check_version(&conn, path)?;
        conn.execute_batch(SCHEMA).map_err(err)?;
        conn.pragma_update(None, "user_version", VERSION)
            .map_err(err)?;
        Ok(Ledger {
            path: path.to_path_buf(),
            conn,
            run: 0,
            seq: 0,
            id_chunks: 0,
            writer: None,
            audits: Chunk::default(),
            ids: Chunk::default(),
            audit_step: None,
            ids_step: String::new(),
            previous: None,
        })
    }

    pub fn begin_run(&mut self, spec: &str, target: &str) -> Result<i64, String> {
        self.conn
            .execute(
                "INSERT INTO runs (spec, target, started, status) VALUES (?1, ?2, ?3, 'running')",
                params![spec, target, now()],
            )
            .map_err(err)?;
        self.run = self.conn.last_insert_rowid();
        self.writer = Some(Writer::start(&self.path)?);
        Ok(self.run)
    }

    /// The content hash this step last wrote for this source row, if any run did. The step's
    /// history is read once, when its first row asks.
    pub fn previous(&mut self, step_key: &str, source_key: &str) -> Result<Option<u64>, String> {
        if self.previous.as_ref().map(|(k, _)| k.as_str()) != Some(step_key) {
            let known = self.load_previous(step_key)?;
            self.previous = Some((step_key.to_string(), known));
        }
        match &self.previous {
            // A step with no history (every first run) hashes no keys.
            Some((_, known)) if !known.is_empty() => Ok(known.get(&key_hash(source_key)).copied()),
            _ => Ok(None),
        }
    }

    fn load_previous(&self, step_key: &str) -> Result<FxHashMap<u64, u64>, String> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT run, seq, entries FROM idmap_chunks WHERE step_key = ?1 ORDER BY run, seq",
            )
            .map_err(err)?;
        let mut rows = stmt.query([step_key]).map_err(err)?;
        let mut known = FxHashMap::default();
        while let Some(row) = rows.next().map_err(err)? {
            let (run, seq, text): (i64, i64, String) = (
                row.get(0).map_err(err)?,
                row.get(1).map_err(err)?,
                row.get(2).map_err(err)?,
            );
            let unreadable = |what: &str, e: &dyn std::fmt::Display| {
                format!(
                    "ledger {}: {what} of step {step_key}, run {run}, chunk {seq} is unreadable: {e}",
                    self.path.display()
                )
            };
            let entries: Vec<(String, String, String)> =
                serde_json::from_str(&text).map_err(|e| unreadable("the id map", &e))?;
            for (key, _, hash) in entries {
                let hash = u64::from_str_radix(&hash, 16).map_err(|e| unreadable("a hash", &e))?;
                known.insert(key_hash(&key), hash);
            }
        }
        Ok(known)
    }

    pub fn remember(
        &mut self,
        step_key: &str,
        source_key: &str,
        target_id: &str,
        hash: u64,
    ) -> Result<(), String> {
        if self.ids_step != step_key {
            self.send_ids()?;
            self.ids_step = step_key.to_string();
        }
        self.ids.push_id(source_key, target_id, hash);
        if self.ids.len() >= CHUNK {
            self.send_ids()?;
        }
        Ok(())
    }

    pub fn audit(&mut self, e: &Entry) -> Result<(), String> {
        let same_step =
            matches!(&self.audit_step, Some((n, k, _, _)) if *n == e.step && k == e.step_key);
        if !same_step {
            self.send_audits()?;
            self.audit_step = Some((
                e.step,
                e.step_key.to_string(),
                e.object.to_string(),
                e.source.to_string(),
            ));
        }
        self.audits.push_audit(e.source_key, e.outcome, e.reason);
        if self.audits.len() >= CHUNK {
            self.send_audits()?;
        }
        Ok(())
    }

    fn send_ids(&mut self) -> Result<(), String> {
        if self.ids.is_empty() {
            return Ok(());
        }
        let msg = Msg::Ids {
            step_key: self.ids_step.clone(),
            run: self.run,
            seq: self.id_chunks,
            entries: self.ids.take(),
        };
        self.id_chunks += 1;
        self.send(msg)
    }

    fn send_audits(&mut self) -> Result<(), String> {
        let (Some((step, step_key, object, source)), false) =
            (&self.audit_step, self.audits.is_empty())
        else {
            return Ok(());
        };
        let count = self.audits.len() as u64;
        let msg = Msg::Audit {
            run: self.run,
            seq: self.seq + 1,
            step: *step as i64,
            step_key: step_key.clone(),
            object: object.clone(),
            source: source.clone(),
            entries: self.audits.take(),
        };
        self.seq += count;
        self.send(msg)
    }

    fn send(&mut self, msg: Msg) -> Result<(), String> {
        match &self.writer {
            Some(w) => w.send(msg),
            None => Err("ledger: no run was begun".into()),
        }
    }

    /// Sends what is gathered and waits until it is committed: everything before this point
    /// survives a crash.
    pub fn commit(&mut self) -> Result<(), String> {
        self.send_audits()?;
        self.send_ids()?;
        match &self.writer {
            Some(w) => w.sync(),
            None => Ok(()),
        }
    }

    pub fn finish_run(&mut self, status: &str, report: &str) -> Result<(), String> {
        self.commit()?;
        if let Some(w) = self.writer.take() {
            w.stop()?;
        }
        self.conn
            .execute(
                "UPDATE runs SET finished = ?1, status = ?2, report = ?3 WHERE id = ?4",
                params![now(), status, report, self.run],
            )
            .map_err(err)?;
        Ok(())
    }

    /// `(run id, status)` of every run, oldest first.
    pub fn runs(&self) -> Result<Vec<(i64, String)>, String> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, status FROM runs ORDER BY id")
            .map_err(err)?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(err)?;
        rows.collect::<Result<_, _>>().map_err(err)
    }

    /// How many audit entries a run has, by outcome.
    pub fn audit_counts(&self, run: i64) -> Result<Vec<(String, i64)>, String> {
        let mut stmt = self
            .conn
            .prepare("SELECT outcome, COUNT(*) FROM audit WHERE run = ?1 GROUP BY outcome ORDER BY outcome")
            .map_err(err)?;
        let rows = stmt
            .query_map([run], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(err)?;
        rows.collect::<Result<_, _>>().map_err(err)
    }
}

/// A ledger with tables but another layout (an older build's) would be misread: refuse it.
fn check_version(conn: &Connection, path: &Path) -> Result<(), String> {
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(err)?;
    let tables: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
        .map_err(err)?;
    if tables > 0 && version != VERSION {
        return Err(format!(
            "ledger: {} has layout {version}, this mapc writes layout {VERSION}; \
             choose another file with --ledger (or move this one away to start over)",
            path.display()
        ));
    }
    Ok(())
}
