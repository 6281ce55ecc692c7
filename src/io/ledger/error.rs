//! Why the ledger cannot be used: the run stops, and says which file and why.

use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("ledger {path}: {error}")]
    Sqlite {
        path: PathBuf,
        error: rusqlite::Error,
    },
    #[error("ledger {path}: {error}")]
    Folder {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error(
        "ledger {path} has layout {found}, and this mapc reads layouts 3 to {}; \
         choose another file with --ledger (or move this one away to start over)",
        super::schema::VERSION
    )]
    Layout { path: PathBuf, found: i64 },
    #[error(
        "ledger {path}: the id map of step {step}, run {run}, chunk {chunk} is unreadable: {why}"
    )]
    Unreadable {
        path: PathBuf,
        step: String,
        run: i64,
        chunk: i64,
        why: String,
    },
    /// The thread that writes the chunks stopped or failed.
    #[error("ledger {path}: {why}")]
    Writer { path: PathBuf, why: String },
    #[error("ledger {path}: internal: {why}")]
    Internal { path: PathBuf, why: String },
}

impl LedgerError {
    /// Whether the disk holding the ledger is full.
    pub fn disk_full(&self) -> bool {
        match self {
            LedgerError::Sqlite { error, .. } => {
                error.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull)
            }
            LedgerError::Folder { error, .. } => error.kind() == std::io::ErrorKind::StorageFull,
            _ => false,
        }
    }

    /// Turns a SQLite error on the ledger at `path` into one that names it.
    pub fn sqlite(path: &Path) -> impl Fn(rusqlite::Error) -> LedgerError + '_ {
        move |error| LedgerError::Sqlite {
            path: path.to_path_buf(),
            error,
        }
    }
}
