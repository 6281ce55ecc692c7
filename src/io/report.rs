//! Outcomes: every source row ends in exactly one per step, counted here; rejected and held rows
//! are written with their file, line, key, reason and every column.

pub use crate::ir::Outcome;
use crate::ir::Phase;
use serde::Serialize;
use serde_json::{Map, Value as Json};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

#[derive(Debug, Clone, Serialize, Default)]
pub struct StepCounts {
    pub rows_in: u64,
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub rejected: u64,
    pub deduped: u64,
    pub skipped: u64,
    pub held: u64,
}

impl StepCounts {
    pub fn add(&mut self, o: Outcome) {
        let slot = match o {
            Outcome::Created => &mut self.created,
            Outcome::Updated => &mut self.updated,
            Outcome::Unchanged => &mut self.unchanged,
            Outcome::Rejected => &mut self.rejected,
            Outcome::Deduped => &mut self.deduped,
            Outcome::Skipped => &mut self.skipped,
            Outcome::Held => &mut self.held,
        };
        *slot += 1;
    }

    pub fn outcomes(&self) -> u64 {
        self.created
            + self.updated
            + self.unchanged
            + self.rejected
            + self.deduped
            + self.skipped
            + self.held
    }

    /// The run's central promise: no row without an outcome.
    pub fn balanced(&self) -> bool {
        self.rows_in == self.outcomes()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct StepReport {
    pub step: usize,
    pub phase: Phase,
    pub map: String,
    pub source: String,
    pub object: String,
    pub counts: StepCounts,
}

/// A rejected or held row, as written to `_rejected.jsonl` / `_held.jsonl`.
#[derive(Debug, Clone, Serialize)]
pub struct Exception<'a> {
    pub outcome: Outcome,
    pub source: &'a str,
    pub file: &'a str,
    pub line: u64,
    pub key: &'a str,
    pub map: &'a str,
    pub phase: Phase,
    pub code: &'a str,
    pub reason: &'a str,
    pub row: Map<String, Json>,
}

/// Receives every row that did not become a record: rejected, held and skipped.
pub trait Sink {
    fn exception(&mut self, e: &Exception) -> std::io::Result<()>;
    fn finish(&mut self) -> std::io::Result<()>;
}

impl Sink for ExceptionWriter {
    fn exception(&mut self, e: &Exception) -> std::io::Result<()> {
        if e.outcome == Outcome::Skipped {
            return Ok(());
        }
        self.write(e)
    }

    fn finish(&mut self) -> std::io::Result<()> {
        ExceptionWriter::finish(self)
    }
}

pub struct ExceptionWriter {
    rejected: BufWriter<File>,
    held: BufWriter<File>,
}

impl ExceptionWriter {
    pub fn create(dir: &Path) -> std::io::Result<ExceptionWriter> {
        std::fs::create_dir_all(dir)?;
        Ok(ExceptionWriter {
            rejected: BufWriter::new(File::create(dir.join("_rejected.jsonl"))?),
            held: BufWriter::new(File::create(dir.join("_held.jsonl"))?),
        })
    }

    pub fn write(&mut self, e: &Exception) -> std::io::Result<()> {
        let out = if e.outcome == Outcome::Held {
            &mut self.held
        } else {
            &mut self.rejected
        };
        serde_json::to_writer(&mut *out, e)?;
        out.write_all(b"\n")
    }

    pub fn finish(&mut self) -> std::io::Result<()> {
        self.rejected.flush()?;
        self.held.flush()
    }
}

/// The summary table printed at the end of a run.
pub fn summary(steps: &[StepReport]) -> String {
    let mut out = String::from(
        "step  phase     map                            rows in  created  updated  unchanged  rejected  deduped  skipped  held  balanced\n",
    );
    for s in steps {
        let c = &s.counts;
        out.push_str(&format!(
            "{:>4}  {:<8}  {:<30} {:>8} {:>8} {:>8} {:>10} {:>9} {:>8} {:>8} {:>5}  {}\n",
            s.step,
            s.phase.key(),
            truncate(&s.map, 30),
            c.rows_in,
            c.created,
            c.updated,
            c.unchanged,
            c.rejected,
            c.deduped,
            c.skipped,
            c.held,
            if c.balanced() { "yes" } else { "NO" }
        ));
    }
    out
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n - 1).collect::<String>() + "…"
    }
}
