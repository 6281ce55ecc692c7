//! The ledger: an embedded SQLite database with the runs, the id map (map and source key →
//! target id and content hash) and an audit entry for every row of every step. It is what makes a
//! re-run report "unchanged" instead of writing duplicates, and what a resumed run starts from.

use rusqlite::{params, Connection, OptionalExtension};
use std::path::Path;

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
CREATE TABLE IF NOT EXISTS idmap (
    step_key TEXT NOT NULL,
    source_key TEXT NOT NULL,
    target_id TEXT NOT NULL,
    hash TEXT NOT NULL,
    run INTEGER NOT NULL,
    PRIMARY KEY (step_key, source_key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS audit (
    run INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    step INTEGER NOT NULL,
    step_key TEXT NOT NULL,
    object TEXT NOT NULL,
    target_id TEXT,
    source TEXT NOT NULL,
    source_key TEXT NOT NULL,
    outcome TEXT NOT NULL,
    reason TEXT,
    PRIMARY KEY (run, seq)
) WITHOUT ROWID;
";

/// Entries between commits: a crash loses at most this many, which the re-run redoes.
const BATCH: usize = 5_000;

pub struct Ledger {
    conn: Connection,
    run: i64,
    seq: i64,
    /// Audit entries and id-map rows not yet written: flushed in batches through one prepared
    /// statement each, since a statement per row dominated the cost of a run.
    audits: Vec<AuditRow>,
    ids: Vec<(String, String, String, String)>,
    /// Step keys known to have no id-map rows (first runs skip the per-row lookup).
    empty_steps: std::collections::HashSet<String>,
}

struct AuditRow {
    seq: i64,
    step: i64,
    step_key: String,
    object: String,
    target_id: Option<String>,
    source: String,
    source_key: String,
    outcome: String,
    reason: String,
}

/// One row's entry in the audit log.
pub struct Entry<'a> {
    pub step: usize,
    pub step_key: &'a str,
    pub object: &'a str,
    pub target_id: Option<&'a str>,
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

impl Ledger {
    pub fn open(path: &Path) -> Result<Ledger, String> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| format!("ledger: {}: {e}", dir.display()))?;
        }
        let conn = Connection::open(path).map_err(err)?;
        conn.execute_batch(SCHEMA).map_err(err)?;
        Ok(Ledger {
            conn,
            run: 0,
            seq: 0,
            audits: Vec::new(),
            ids: Vec::new(),
            empty_steps: std::collections::HashSet::new(),
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
        self.conn.execute_batch("BEGIN").map_err(err)?;
        Ok(self.run)
    }

    /// The content hash this step last wrote for this source row, if any run did.
    pub fn previous(&mut self, step_key: &str, source_key: &str) -> Result<Option<String>, String> {
        if self.empty_steps.contains(step_key) {
            return Ok(None);
        }
        let mut stmt = self
            .conn
            .prepare_cached("SELECT hash FROM idmap WHERE step_key = ?1 AND source_key = ?2")
            .map_err(err)?;
        stmt.query_row(params![step_key, source_key], |r| r.get(0))
            .optional()
            .map_err(err)
    }

    /// Called at the start of a step: a step with no history skips per-row lookups.
    pub fn begin_step(&mut self, step_key: &str) -> Result<(), String> {
        let any: Option<i64> = self
            .conn
            .query_row(
                "SELECT 1 FROM idmap WHERE step_key = ?1 LIMIT 1",
                [step_key],
                |r| r.get(0),
            )
            .optional()
            .map_err(err)?;
        if any.is_none() {
            self.empty_steps.insert(step_key.to_string());
        }
        Ok(())
    }

    pub fn remember(
        &mut self,
        step_key: &str,
        source_key: &str,
        target_id: &str,
        hash: &str,
    ) -> Result<(), String> {
        self.ids.push((
            step_key.to_string(),
            source_key.to_string(),
            target_id.to_string(),
            hash.to_string(),
        ));
        self.flush_if_full()
    }

    pub fn audit(&mut self, e: &Entry) -> Result<(), String> {
        self.seq += 1;
        self.audits.push(AuditRow {
            seq: self.seq,
            step: e.step as i64,
            step_key: e.step_key.to_string(),
            object: e.object.to_string(),
            target_id: e.target_id.map(str::to_string),
            source: e.source.to_string(),
            source_key: e.source_key.to_string(),
            outcome: e.outcome.to_string(),
            reason: e.reason.to_string(),
        });
        self.flush_if_full()
    }

    fn flush_if_full(&mut self) -> Result<(), String> {
        if self.audits.len() + self.ids.len() >= BATCH {
            self.commit()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), String> {
        {
            let mut ids = self
                .conn
                .prepare_cached(
                    "INSERT INTO idmap (step_key, source_key, target_id, hash, run) VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (step_key, source_key) DO UPDATE SET target_id = ?3, hash = ?4, run = ?5",
                )
                .map_err(err)?;
            for (step_key, key, id, hash) in self.ids.drain(..) {
                ids.execute(params![step_key, key, id, hash, self.run])
                    .map_err(err)?;
            }
            let mut audit = self
                .conn
                .prepare_cached(
                    "INSERT INTO audit (run, seq, step, step_key, object, target_id, source, source_key, outcome, reason)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                )
                .map_err(err)?;
            for a in self.audits.drain(..) {
                audit
                    .execute(params![
                        self.run,
                        a.seq,
                        a.step,
                        a.step_key,
                        a.object,
                        a.target_id,
                        a.source,
                        a.source_key,
                        a.outcome,
                        a.reason
                    ])
                    .map_err(err)?;
            }
        }
        Ok(())
    }

    /// Writes what is buffered and commits: everything before this point survives a crash.
    pub fn commit(&mut self) -> Result<(), String> {
        self.flush()?;
        self.conn.execute_batch("COMMIT; BEGIN").map_err(err)?;
        Ok(())
    }

    pub fn finish_run(&mut self, status: &str, report: &str) -> Result<(), String> {
        self.flush()?;
        self.conn.execute_batch("COMMIT").map_err(err)?;
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
