//! Where records go. The engine hands a [`Target`] the records of a block of rows at a time and
//! it answers for each: written (with the id it gave the record, when it gives its own) or
//! refused with its reason, which becomes the row's. A target may be asynchronous: the live
//! adapters talk HTTP, and the engine drives them on a runtime of its own.
//!
//! `dir:OUT` writes JSON lines per object (`dir.rs`), `twenty-csv:OUT` Twenty's import files
//! (`twenty_csv.rs`); a `--target` is parsed once, into a [`TargetSpec`], before anything runs.

mod dir;
mod store;
mod twenty_csv;

pub use dir::DirTarget;
pub use store::{deep_merge, Record, RecordStore};
pub use twenty_csv::{TwentyCsvTarget, ROWS_PER_FILE};

use crate::eval::shape::Fields;
use crate::ir::Object;
use std::path::PathBuf;

/// Whose ids a target's records have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ids {
    /// The target takes the ids mapc gives (deterministic: a retried create can never make a
    /// second record).
    Accepted,
    /// The target gives its own, in its answers; the ledger's id map keeps them.
    Assigned,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteKind {
    /// A new record (or one the target upserts by its id).
    Create,
    /// These fields of an existing record: merges and second passes.
    Update,
    /// A link record joining two existing records (Twenty's task and note targets).
    Link,
}

/// One record written.
#[derive(Debug, Clone, Copy)]
pub struct Write<'a> {
    pub kind: WriteKind,
    pub object: &'a Object,
    /// The record's id: mapc's for a create or a link record, the target's for an update.
    pub id: Option<&'a str>,
    pub fields: Fields<'a>,
}

/// What became of one write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Written; a target that gives its own ids says which it gave a created record.
    Written { id: Option<String> },
    /// Refused, with the target's reason: the row is rejected with it.
    Refused { reason: String },
}

impl Answer {
    pub const WRITTEN: Answer = Answer::Written { id: None };
}

/// A target that cannot go on at all: the run stops (what was settled is in the ledger).
#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    #[error("{path}: {error}")]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("the target answered {answers} writes for a batch of {writes}")]
    Answers { writes: usize, answers: usize },
}

/// The path of the file `name` in the target's folder: a plain file name, never one that
/// could climb out of it (the checker and a plan's validation make names identifiers; this
/// holds the line at the last place a path is made).
pub fn file_in(dir: &std::path::Path, name: &str) -> Result<PathBuf, TargetError> {
    let plain = !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\'])
        && crate::ir::names::stays_inside(name);
    if plain {
        Ok(dir.join(name))
    } else {
        Err(TargetError::Io {
            path: dir.join(name),
            error: std::io::Error::other(
                "not a plain file name: refused, it could leave the output folder",
            ),
        })
    }
}

impl TargetError {
    pub fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> TargetError {
        let path = path.into();
        move |error| TargetError::Io { path, error }
    }
}

#[async_trait::async_trait(?Send)]
pub trait Target {
    /// Whether the target takes mapc's ids or gives its own.
    fn ids(&self) -> Ids;

    /// A snapshot target (files) is written whole on every run, unchanged records included; a
    /// live target is sent only what changed.
    fn snapshot(&self) -> bool {
        false
    }

    /// Writes a batch, answering for each write in order.
    async fn write(&mut self, batch: &[Write<'_>]) -> Result<Vec<Answer>, TargetError>;

    /// Everything written is durable (files flushed, requests answered).
    async fn finish(&mut self) -> Result<(), TargetError>;
}

/// A `--target` as given on the command line, checked before anything starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetSpec {
    /// `dir:OUT`: JSON lines per object.
    Dir(PathBuf),
    /// `twenty-csv:OUT`: Twenty's CSV import files.
    TwentyCsv(PathBuf),
}

impl TargetSpec {
    /// Parses `KIND:PATH` (`dir:out`, `twenty-csv:out`); a bare path means `dir:PATH`.
    pub fn parse(text: &str) -> Result<TargetSpec, String> {
        let (kind, path) = text.split_once(':').unwrap_or(("dir", text));
        if path.trim().is_empty() {
            return Err(format!(
                "`{text}` names no folder: give one, as in `{kind}:out`"
            ));
        }
        let path = PathBuf::from(path);
        match kind {
            "dir" => Ok(TargetSpec::Dir(path)),
            "twenty-csv" => Ok(TargetSpec::TwentyCsv(path)),
            other => Err(format!(
                "unknown target kind `{other}` (this build supports dir:PATH and twenty-csv:PATH)"
            )),
        }
    }

    /// The folder the run writes its records, reports and (by default) ledger into.
    pub fn out(&self) -> &std::path::Path {
        match self {
            TargetSpec::Dir(p) | TargetSpec::TwentyCsv(p) => p,
        }
    }

    /// The target a spec must migrate to for this kind, when the kind is for one target only.
    pub fn requires(&self) -> Option<&'static str> {
        match self {
            TargetSpec::Dir(_) => None,
            TargetSpec::TwentyCsv(_) => Some("twenty"),
        }
    }
}

impl std::fmt::Display for TargetSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TargetSpec::Dir(p) => write!(f, "dir:{}", p.display()),
            TargetSpec::TwentyCsv(p) => write!(f, "twenty-csv:{}", p.display()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_target_is_parsed_once_into_its_kind_and_folder() {
        assert_eq!(
            TargetSpec::parse("dir:out"),
            Ok(TargetSpec::Dir("out".into()))
        );
        assert_eq!(TargetSpec::parse("out"), Ok(TargetSpec::Dir("out".into())));
        assert_eq!(
            TargetSpec::parse("twenty-csv:a/b"),
            Ok(TargetSpec::TwentyCsv("a/b".into()))
        );
        assert!(TargetSpec::parse("dir:").is_err(), "an empty folder");
        assert!(TargetSpec::parse("twenty-csv:").is_err());
        assert!(TargetSpec::parse("s3:bucket").is_err());
        assert_eq!(TargetSpec::Dir("out".into()).to_string(), "dir:out");
    }

    #[test]
    fn a_target_makes_files_only_with_plain_names_in_its_folder() {
        let dir = std::path::Path::new("out");
        assert_eq!(
            file_in(dir, "person.jsonl").ok(),
            Some(dir.join("person.jsonl"))
        );
        for bad in [
            "../evil.jsonl",
            "/tmp/evil.jsonl",
            "a/b.jsonl",
            "..",
            "",
            "a\\b",
        ] {
            assert!(file_in(dir, bad).is_err(), "{bad}");
        }
    }
}
