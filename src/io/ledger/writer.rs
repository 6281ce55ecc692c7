//! The ledger's writing thread: chunks are inserted and committed on a connection of its own
//! while the engine goes on with the next rows. The first error is kept and handed back on the
//! next send or sync, so a full disk stops the run instead of being lost.

use super::chunk::Columns;
use rusqlite::{params, Connection};
use std::path::Path;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::thread::JoinHandle;

/// One step's chunk of entries, where in the run it falls, and whose they are.
pub(super) struct Sent {
    pub(super) run: i64,
    pub(super) seq: u64,
    pub(super) step: i64,
    pub(super) step_key: String,
    pub(super) object: String,
    pub(super) source: String,
    pub(super) columns: Columns,
}

pub(super) enum Msg {
    Chunk(Box<Sent>),
    /// Answered once everything sent before it is committed.
    Sync(SyncSender<Result<(), String>>),
}

pub(super) struct Writer {
    tx: SyncSender<Msg>,
    thread: JoinHandle<Result<(), String>>,
}

/// Chunks in flight: enough to keep both threads busy, few enough to bound memory.
const IN_FLIGHT: usize = 8;

impl Writer {
    pub(super) fn start(path: &Path) -> Result<Writer, String> {
        let conn = Connection::open(path).map_err(|e| format!("ledger: {e}"))?;
        // `synchronous` belongs to a connection, not to the database: without this the writer
        // ran at SQLite's default, FULL, and synced the log on every commit. NORMAL syncs at
        // checkpoints; a killed process loses nothing either way (the OS has the pages).
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(|e| format!("ledger: {e}"))?;
        let (tx, rx) = sync_channel(IN_FLIGHT);
        let thread = std::thread::Builder::new()
            .name("ledger".into())
            .spawn(move || write_all(&conn, rx))
            .map_err(|e| format!("ledger: cannot start its writer: {e}"))?;
        Ok(Writer { tx, thread })
    }

    pub(super) fn send(&self, msg: Msg) -> Result<(), String> {
        self.tx
            .send(msg)
            .map_err(|_| "ledger: its writer stopped".to_string())
    }

    pub(super) fn sync(&self) -> Result<(), String> {
        let (tx, rx) = sync_channel(1);
        self.send(Msg::Sync(tx))?;
        rx.recv()
            .map_err(|_| "ledger: its writer stopped".to_string())?
    }

    pub(super) fn stop(self) -> Result<(), String> {
        drop(self.tx);
        self.thread
            .join()
            .map_err(|_| "ledger: its writer failed".to_string())?
    }
}

fn write_all(conn: &Connection, rx: Receiver<Msg>) -> Result<(), String> {
    let mut failed: Option<String> = None;
    while let Ok(first) = rx.recv() {
        // What has queued up meanwhile goes in the same transaction: fewer, larger commits.
        let mut batch = vec![first];
        batch.extend(rx.try_iter().take(IN_FLIGHT));
        let (chunks, syncs): (Vec<Msg>, Vec<Msg>) =
            batch.into_iter().partition(|m| !matches!(m, Msg::Sync(_)));
        if failed.is_none() && !chunks.is_empty() {
            failed = insert_all(conn, chunks).err();
        }
        for msg in syncs {
            if let Msg::Sync(reply) = msg {
                let _ = reply.send(failed.clone().map_or(Ok(()), Err));
            }
        }
    }
    failed.map_or(Ok(()), Err)
}

/// Chunks in one transaction.
fn insert_all(conn: &Connection, chunks: Vec<Msg>) -> Result<(), String> {
    let err = |e: rusqlite::Error| format!("ledger: {e}");
    conn.execute_batch("BEGIN").map_err(err)?;
    for msg in chunks {
        if let Err(e) = insert(conn, msg) {
            let _ = conn.execute_batch("ROLLBACK");
            return Err(e);
        }
    }
    conn.execute_batch("COMMIT").map_err(err)
}

/// One chunk, inside the transaction of its batch.
fn insert(conn: &Connection, msg: Msg) -> Result<(), String> {
    let Msg::Chunk(sent) = msg else {
        return Ok(());
    };
    let Sent {
        run,
        seq,
        step,
        step_key,
        object,
        source,
        columns: c,
    } = *sent;
    conn.prepare_cached(
        "INSERT INTO chunks (run, seq, step, step_key, object, source,
                             keys, outcomes, reasons, ids, hashes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )
    .and_then(|mut s| {
        s.execute(params![
            run, seq as i64, step, step_key, object, source, c.keys, c.outcomes, c.reasons, c.ids,
            c.hashes
        ])
    })
    .map(|_| ())
    .map_err(|e| format!("ledger: {e}"))
}
