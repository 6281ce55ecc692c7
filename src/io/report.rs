//! Outcomes: every source row ends in exactly one per step, counted here; rejected and held rows
//! are written with their file, line, key, reason and every column.

pub use crate::ir::Outcome;
use crate::ir::Phase;
use serde::Serialize;
use serde_json::{Map, Value as Json};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

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
    /// The row as read and its whole reason, when redaction hid something of them: written
    /// only to the owner-only file of sensitive rows.
    #[serde(skip)]
    pub private: Option<Private<'a>>,
}

/// A sensitive row in full, for the analyst who must correct it.
#[derive(Clone, Serialize)]
pub struct Private<'a> {
    pub row: Map<String, Json>,
    pub reason: &'a str,
}

/// Never its values: a debug print is a log.
impl std::fmt::Debug for Private<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Private(‹redacted›)")
    }
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

/// The two exception files; an error writing one names its path (and keeps its kind, so a
/// full disk is still `StorageFull`).
pub struct ExceptionWriter {
    dir: PathBuf,
    rejected: (PathBuf, BufWriter<File>),
    held: (PathBuf, BufWriter<File>),
    /// `_sensitive_rows.jsonl`, made at the first sensitive row, readable by its owner only.
    sensitive: Option<(PathBuf, BufWriter<File>)>,
}

/// An I/O error on `path`, saying so, of the same kind.
fn on(path: &Path) -> impl FnOnce(std::io::Error) -> std::io::Error + '_ {
    move |e| std::io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

fn create(path: PathBuf) -> std::io::Result<(PathBuf, BufWriter<File>)> {
    let file = File::create(&path).map_err(on(&path))?;
    Ok((path, BufWriter::new(file)))
}

/// The file that keeps sensitive rows whole, for correcting them; never a log or report.
pub const SENSITIVE_ROWS: &str = "_sensitive_rows.jsonl";

impl ExceptionWriter {
    pub fn create(dir: &Path) -> std::io::Result<ExceptionWriter> {
        std::fs::create_dir_all(dir).map_err(on(dir))?;
        // A run before may have left one; this run's rows are its own.
        let sensitive = dir.join(SENSITIVE_ROWS);
        match std::fs::remove_file(&sensitive) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(on(&sensitive)(e)),
            _ => {}
        }
        Ok(ExceptionWriter {
            dir: dir.to_path_buf(),
            rejected: create(dir.join("_rejected.jsonl"))?,
            held: create(dir.join("_held.jsonl"))?,
            sensitive: None,
        })
    }

    pub fn write(&mut self, e: &Exception) -> std::io::Result<()> {
        if let Some(private) = &e.private {
            self.write_private(e, private)?;
        }
        let (path, out) = if e.outcome == Outcome::Held {
            &mut self.held
        } else {
            &mut self.rejected
        };
        serde_json::to_writer(&mut *out, e)
            .map_err(std::io::Error::from)
            .and_then(|()| out.write_all(b"\n"))
            .map_err(on(path))
    }

    /// The row in full, by its file, line and key, to the owner-only file.
    fn write_private(&mut self, e: &Exception, private: &Private) -> std::io::Result<()> {
        let (path, out) = match &mut self.sensitive {
            Some(open) => open,
            None => {
                let path = self.dir.join(SENSITIVE_ROWS);
                let file = owner_only(&path).map_err(on(&path))?;
                self.sensitive.insert((path, BufWriter::new(file)))
            }
        };
        let line = serde_json::json!({
            "outcome": e.outcome,
            "file": e.file,
            "line": e.line,
            "key": e.key,
            "map": e.map,
            "code": e.code,
            "reason": private.reason,
            "row": private.row,
        });
        serde_json::to_writer(&mut *out, &line)
            .map_err(std::io::Error::from)
            .and_then(|()| out.write_all(b"\n"))
            .map_err(on(path))
    }

    pub fn finish(&mut self) -> std::io::Result<()> {
        if let Some((path, out)) = &mut self.sensitive {
            out.flush().map_err(on(path))?;
        }
        for (path, out) in [&mut self.rejected, &mut self.held] {
            out.flush().map_err(on(path))?;
        }
        Ok(())
    }
}

/// The summary table printed at the end of a run. The map column is as wide as the longest
/// map name: a name is never cut.
pub fn summary(steps: &[StepReport]) -> String {
    let w = steps
        .iter()
        .map(|s| s.map.chars().count())
        .max()
        .unwrap_or(0)
        .max("map".len());
    let mut out = format!(
        "step  phase     {:<w$}  rows in  created  updated  unchanged  rejected  deduped  skipped  held  balanced\n",
        "map"
    );
    for s in steps {
        let c = &s.counts;
        out.push_str(&format!(
            "{:>4}  {:<8}  {:<w$} {:>8} {:>8} {:>8} {:>10} {:>9} {:>8} {:>8} {:>5}  {}\n",
            s.step,
            s.phase.key(),
            s.map,
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

/// A new file only its owner can read or write (on Unix; elsewhere the folder's permissions).
fn owner_only(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(step: usize, map: &str, rows: u64) -> StepReport {
        let counts = StepCounts {
            rows_in: rows,
            created: rows,
            ..StepCounts::default()
        };
        StepReport {
            step,
            phase: Phase::Create,
            map: map.to_string(),
            source: "S".to_string(),
            object: "O".to_string(),
            counts,
        }
    }

    #[test]
    fn the_summary_sizes_the_map_column_to_the_longest_name() {
        let long = "InsuranceClaimLineItem_to_InsuranceClaimLineItemDetail";
        let table = summary(&[step(1, long, 12), step(2, "P", 3)]);
        assert!(table.contains(long), "{table}");
        // The counts stay under their headings: "rows in" ends where each row's count ends.
        let mut lines = table.lines();
        let header = lines.next().unwrap_or_default();
        let end = header.find("rows in").map_or(0, |i| i + "rows in".len());
        for (line, rows) in lines.zip(["12", "3"]) {
            assert!(
                line.get(..end).is_some_and(|l| l.ends_with(rows)),
                "{table}"
            );
        }
    }
}
