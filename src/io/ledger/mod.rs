//! The ledger: an embedded SQLite database with the runs, the id map (step and source key →
//! target id and content hash) and an audit entry for every row of every step. It is what makes a
//! re-run report "unchanged" instead of writing duplicates, and what a resumed run starts from.
//!
//! Entries are stored in chunks: one SQLite row holds up to [`CHUNK`] consecutive entries of one
//! step, column by column in a compact form (see `SCHEMA`), and the `audit` and `idmap` views
//! spell them out one entry per row for queries. A row per entry cost more than the whole rest
//! of a run (two B-tree inserts per source row), and JSON entries most of the rest of the
//! ledger's cost (the bytes go through SQLite's log and then the database); a chunk is one
//! insert of ≈36 bytes per created row, written by a thread of its own (see [`writer`]).

mod chunk;
mod error;
mod schema;
mod writer;

use crate::ir::Outcome;
pub use chunk::Id;
use chunk::{Chunk, Landed};
pub use error::LedgerError;
use rusqlite::{params, Connection};
use rustc_hash::FxHashMap;
use std::path::Path;
use writer::{Msg, Sent, Writer};

/// Entries per chunk: a crash loses at most the chunks in flight, which the re-run redoes.
const CHUNK: usize = 4096;

pub struct Ledger {
    path: std::path::PathBuf,
    conn: Connection,
    run: i64,
    seq: u64,
    writer: Option<Writer>,
    chunk: Chunk,
    /// The step whose entries are being gathered: (number, key, object, source).
    chunk_step: Option<(usize, String, String, String)>,
    /// What the row being settled landed as, until its entry is written (see [`Ledger::remember`]),
    /// and its key.
    landed: Option<Landed>,
    landed_key: String,
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
    pub outcome: Outcome,
    pub reason: &'a str,
}

fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn key_hash(key: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(key.as_bytes())
}

impl Ledger {
    pub fn open(path: &Path) -> Result<Ledger, LedgerError> {
        // Folders are made only under a target's OUT: a ledger elsewhere goes in a folder
        // that exists, so a mistyped path is an error rather than a tree made silently.
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            if !dir.is_dir() {
                return Err(LedgerError::Folder {
                    path: dir.to_path_buf(),
                    error: std::io::Error::new(
                        std::io::ErrorKind::NotFound,
                        "no such folder (create it, or leave --ledger out to keep the ledger in OUT)",
                    ),
                });
            }
        }
        let conn = Connection::open(path).map_err(LedgerError::sqlite(path))?;
        schema::prepare(&conn, path)?;
        Ok(Ledger {
            path: path.to_path_buf(),
            conn,
            run: 0,
            seq: 0,
            writer: None,
            chunk: Chunk::default(),
            chunk_step: None,
            landed: None,
            landed_key: String::new(),
            previous: None,
        })
    }

    fn sqlite(&self) -> impl Fn(rusqlite::Error) -> LedgerError + '_ {
        LedgerError::sqlite(&self.path)
    }

    fn writer_failed(&self) -> impl Fn(String) -> LedgerError + '_ {
        |why| LedgerError::Writer {
            path: self.path.clone(),
            why,
        }
    }

    /// Begins a run of the plan pinned to `spec_hash`, of the spec or plan file `spec`.
    pub fn begin_run(
        &mut self,
        spec: &str,
        spec_hash: &str,
        target: &str,
    ) -> Result<i64, LedgerError> {
        self.conn
            .execute(
                "INSERT INTO runs (spec, spec_hash, mapc, target, started, status)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'running')",
                params![spec, spec_hash, env!("CARGO_PKG_VERSION"), target, now()],
            )
            .map_err(self.sqlite())?;
        self.run = self.conn.last_insert_rowid();
        self.writer = Some(Writer::start(&self.path).map_err(self.writer_failed())?);
        Ok(self.run)
    }

    /// The content hash this step last wrote for this source row, if any run did. The step's
    /// history is read once, when its first row asks.
    pub fn previous(
        &mut self,
        step_key: &str,
        source_key: &str,
    ) -> Result<Option<u64>, LedgerError> {
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

    fn load_previous(&self, step_key: &str) -> Result<FxHashMap<u64, u64>, LedgerError> {
        let err = self.sqlite();
        let mut stmt = self
            .conn
            .prepare(
                "SELECT run, seq, keys, outcomes, hashes FROM chunks
                 WHERE step_key = ?1 AND hashes IS NOT NULL ORDER BY run, seq",
            )
            .map_err(&err)?;
        let mut rows = stmt.query([step_key]).map_err(&err)?;
        let mut known = FxHashMap::default();
        while let Some(row) = rows.next().map_err(&err)? {
            let (run, seq): (i64, i64) = (row.get(0).map_err(&err)?, row.get(1).map_err(&err)?);
            let unreadable = |e: &dyn std::fmt::Display| LedgerError::Unreadable {
                path: self.path.clone(),
                step: step_key.to_string(),
                run,
                chunk: seq,
                why: e.to_string(),
            };
            let keys: String = row.get(2).map_err(&err)?;
            let keys: Vec<String> = serde_json::from_str(&keys).map_err(|e| unreadable(&e))?;
            let outcomes: String = row.get(3).map_err(&err)?;
            let hashes: Vec<u8> = row.get(4).map_err(&err)?;
            if outcomes.len() != keys.len() || hashes.len() != 8 * keys.len() {
                return Err(unreadable(
                    &"its columns disagree on how many entries it has",
                ));
            }
            for ((key, outcome), hash) in keys
                .iter()
                .zip(outcomes.bytes())
                .zip(hashes.chunks_exact(8))
            {
                if matches!(outcome, b'c' | b'u') {
                    let hash = <[u8; 8]>::try_from(hash).map_err(|e| unreadable(&e))?;
                    known.insert(key_hash(key), u64::from_be_bytes(hash));
                }
            }
        }
        Ok(known)
    }

    /// The target id and content hash the row being settled landed as (created or updated),
    /// for the id map; they are written with the row's entry, which comes next.
    pub fn remember(&mut self, source_key: &str, id: Id, hash: u64) {
        self.landed = Some(Landed { id, hash });
        self.landed_key.clear();
        self.landed_key.push_str(source_key);
    }

    pub fn audit(&mut self, e: &Entry) -> Result<(), LedgerError> {
        let landed = self.landed.take();
        if landed.is_some() && self.landed_key != e.source_key {
            return Err(LedgerError::Internal {
                path: self.path.clone(),
                why: format!(
                    "the id of row {} was about to be written with the entry of row {}",
                    self.landed_key, e.source_key
                ),
            });
        }
        let same_step =
            matches!(&self.chunk_step, Some((n, k, _, _)) if *n == e.step && k == e.step_key);
        if !same_step {
            self.send_chunk()?;
            self.chunk_step = Some((
                e.step,
                e.step_key.to_string(),
                e.object.to_string(),
                e.source.to_string(),
            ));
        }
        self.chunk.push(e.source_key, e.outcome, e.reason, landed);
        if self.chunk.len() >= CHUNK {
            self.send_chunk()?;
        }
        Ok(())
    }

    fn send_chunk(&mut self) -> Result<(), LedgerError> {
        let (Some((step, step_key, object, source)), false) =
            (&self.chunk_step, self.chunk.is_empty())
        else {
            return Ok(());
        };
        let count = self.chunk.len() as u64;
        let msg = Msg::Chunk(Box::new(Sent {
            run: self.run,
            seq: self.seq + 1,
            step: *step as i64,
            step_key: step_key.clone(),
            object: object.clone(),
            source: source.clone(),
            columns: self.chunk.take(),
        }));
        self.seq += count;
        self.send(msg)
    }

    fn send(&mut self, msg: Msg) -> Result<(), LedgerError> {
        match &self.writer {
            Some(w) => w.send(msg).map_err(self.writer_failed()),
            None => Err(LedgerError::Internal {
                path: self.path.clone(),
                why: "no run was begun".into(),
            }),
        }
    }

    /// Sends what is gathered and waits until it is committed: everything before this point
    /// survives a crash.
    pub fn commit(&mut self) -> Result<(), LedgerError> {
        self.send_chunk()?;
        match &self.writer {
            Some(w) => w.sync().map_err(self.writer_failed()),
            None => Ok(()),
        }
    }

    pub fn finish_run(&mut self, status: &str, report: &str) -> Result<(), LedgerError> {
        self.commit()?;
        if let Some(w) = self.writer.take() {
            w.stop().map_err(self.writer_failed())?;
        }
        self.conn
            .execute(
                "UPDATE runs SET finished = ?1, status = ?2, report = ?3 WHERE id = ?4",
                params![now(), status, report, self.run],
            )
            .map_err(self.sqlite())?;
        Ok(())
    }

    /// `(run id, status)` of every run, oldest first.
    pub fn runs(&self) -> Result<Vec<(i64, String)>, LedgerError> {
        let err = self.sqlite();
        let mut stmt = self
            .conn
            .prepare("SELECT id, status FROM runs ORDER BY id")
            .map_err(&err)?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(&err)?;
        rows.collect::<Result<_, _>>().map_err(&err)
    }

    /// How many audit entries a run has, by outcome.
    pub fn audit_counts(&self, run: i64) -> Result<Vec<(String, i64)>, LedgerError> {
        let err = self.sqlite();
        let mut stmt = self
            .conn
            .prepare("SELECT outcome, COUNT(*) FROM audit WHERE run = ?1 GROUP BY outcome ORDER BY outcome")
            .map_err(&err)?;
        let rows = stmt
            .query_map([run], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(&err)?;
        rows.collect::<Result<_, _>>().map_err(&err)
    }
}

#[cfg(test)]
mod tests;
