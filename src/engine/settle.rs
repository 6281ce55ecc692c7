//! Settling rows, on the engine's thread, block after block in the order read: dedupe, the
//! ledger's verdict (created, updated or unchanged against what the last run wrote), the
//! target's answer for each write, and then each row's one outcome, recorded in the ledger's
//! audit and, for a row that did not land, in the exception files.

use super::fate::Fate;
use super::first_rows::{Earlier, FirstRows};
use super::step::StepPlan;
use super::work::{Made, Out};
use super::RunError;
use crate::eval::shape::Fields;
use crate::io::block::Block;
use crate::io::ledger::{Entry, Id, Ledger};
use crate::io::report::{Exception, Sink, StepCounts};
use crate::io::source::Original;
use crate::io::target::{Answer, Target, Write, WriteKind};
use crate::ir::{Outcome, Phase, Source};
use crate::plan::Step;
use serde_json::{Map, Value as Json};
use std::collections::{BTreeMap, HashSet};
use std::ops::Range;

/// Told the step and its rows so far.
pub type Progress<'p> = Box<dyn Fn(&Step, u64) + 'p>;

/// What records each row's outcome: the ledger, the exception files, the progress bar, and
/// the first failure that must stop the run.
pub struct Books<'p> {
    pub ledger: Option<&'p mut Ledger>,
    pub sink: Box<dyn Sink + 'p>,
    /// A sensitive migration (health data): rejected rows keep only their keys' values.
    pub sensitive: bool,
    pub progress: Option<Progress<'p>>,
    pub failure: Option<RunError>,
    /// Owner emails no target user has, with how many evaluations missed them.
    pub unmatched: BTreeMap<String, u64>,
}

/// Where a row was and what it was: for its audit entry and its exception line.
pub struct RowAt<'a> {
    pub line: u64,
    pub key: &'a str,
    pub original: Original<'a>,
}

impl Books<'_> {
    /// Keeps the first failure; the reader stops at the next block.
    pub fn fail(&mut self, e: RunError) {
        if self.failure.is_none() {
            self.failure = Some(e);
        }
    }

    /// Err once something has failed that must stop the run: the reader stops there.
    pub fn stopped(&self) -> Result<(), String> {
        match &self.failure {
            Some(e) => Err(e.to_string()),
            None => Ok(()),
        }
    }

    /// Counts a row's outcome, records it, and tells the progress bar every few thousand rows.
    pub fn tally(&mut self, step_plan: &StepPlan, counts: &mut StepCounts, fate: &Fate, at: RowAt) {
        counts.rows_in += 1;
        counts.add(fate.outcome);
        let step = StepOf {
            number: step_plan.step.number,
            key: &step_plan.key_name,
            object: &step_plan.object.name,
            map: &step_plan.map.name,
            phase: step_plan.phase(),
            source: step_plan.source,
        };
        self.account(&step, fate, at);
        if let (Some(p), 0) = (&self.progress, counts.rows_in % 4096) {
            p(step_plan.step, counts.rows_in);
        }
    }

    /// Writes a row's audit entry, and its exception line when it did not land.
    pub fn account(&mut self, step: &StepOf, fate: &Fate, at: RowAt) {
        let exception = matches!(
            fate.outcome,
            Outcome::Rejected | Outcome::Held | Outcome::Skipped
        );
        self.record(step, fate, at, exception);
    }

    /// Writes a row's audit entry, and its exception line when `exception` says so.
    pub fn record(&mut self, step: &StepOf, fate: &Fate, at: RowAt, exception: bool) {
        if let Some(l) = &mut self.ledger {
            let entry = Entry {
                step: step.number,
                step_key: step.key,
                object: step.object,
                source: &step.source.name,
                source_key: at.key,
                outcome: fate.outcome,
                reason: &fate.reason,
            };
            if let Err(e) = l.audit(&entry) {
                self.fail(RunError::Ledger(e));
            }
        }
        if exception {
            let e = Exception {
                outcome: fate.outcome,
                source: &step.source.name,
                file: &step.source.file,
                line: at.line,
                key: at.key,
                map: step.map,
                phase: step.phase,
                code: fate.code,
                reason: &fate.reason,
                row: redacted(step.source, at.original.into_pairs(), self.sensitive),
            };
            if let Err(err) = self.sink.exception(&e) {
                self.fail(RunError::Exceptions(err));
            }
        }
    }

    /// The content hash this step last wrote for this row (none on a first run); a ledger
    /// that cannot be read fails the run.
    fn previous(&mut self, step_key: &str, key: &str) -> Result<Option<u64>, Fate> {
        let Some(l) = &mut self.ledger else {
            return Ok(None);
        };
        l.previous(step_key, key).map_err(|e| {
            self.fail(RunError::Ledger(e));
            Fate::bad(Outcome::Rejected, "ledger", "the ledger cannot be read")
        })
    }
}

/// The step a row's entry belongs to.
pub struct StepOf<'a> {
    pub number: usize,
    pub key: &'a str,
    pub object: &'a str,
    pub map: &'a str,
    pub phase: Phase,
    pub source: &'a Source,
}

/// Every column of the row, with sensitive values replaced: the columns marked `sensitive`, every
/// column of a `sensitive` source, and in a `sensitive` migration (health data) every column but
/// the key, which with the file and line is enough to find the row in the export.
fn redacted(
    src: &Source,
    original: Vec<(String, String)>,
    migration_sensitive: bool,
) -> Map<String, Json> {
    original
        .into_iter()
        .map(|(k, v)| {
            let is_key = src.key.iter().any(|c| src.column(*c).name == k);
            let marked = src.columns.iter().any(|c| c.name == k && c.sensitive);
            let sensitive = marked || src.sensitive || (migration_sensitive && !is_key);
            let shown = if sensitive && !v.is_empty() {
                "‹redacted›".to_string()
            } else {
                v
            };
            (k, Json::String(shown))
        })
        .collect()
}

/// A row the ledger has judged: its outcome if it lands, and which writes it sends.
enum Verdict {
    Settled(Fate),
    Lands {
        outcome: Outcome,
        sent: Range<usize>,
    },
}

/// What a step's rows send and how they land: creates, updates (merges, second passes), or
/// link records.
fn kind(phase: Phase) -> (WriteKind, Outcome) {
    match phase {
        Phase::Create => (WriteKind::Create, Outcome::Created),
        Phase::Links => (WriteKind::Link, Outcome::Created),
        Phase::Merge | Phase::Deferred | Phase::Lookup => (WriteKind::Update, Outcome::Updated),
    }
}

/// The writes of one made row, appended to `batch`.
fn writes_of<'a>(
    step_plan: &'a StepPlan,
    made: &'a Made,
    json: &'a [u8],
    batch: &mut Vec<Write<'a>>,
) {
    let (kind, _) = kind(step_plan.phase());
    if kind == WriteKind::Link {
        for (link, members) in &made.links {
            batch.push(Write {
                kind,
                object: step_plan.links[*link],
                id: None,
                fields: Fields {
                    json: &json[members.clone()],
                },
            });
        }
        return;
    }
    batch.push(Write {
        kind,
        object: step_plan.object,
        id: Some(made.id.as_str()),
        fields: Fields {
            json: &json[made.json.clone()],
        },
    });
}

/// What a step remembers of its rows while it settles them: the keys read, and the dedupe
/// values of the records made.
#[derive(Default)]
pub struct StepMemory {
    pub keys: FirstRows,
    pub dedupe: HashSet<String>,
}

/// A row whose key an earlier row of the step had: rejected in a first pass, where it would
/// make a second record with the first one's id; in a later pass its record is the first row's,
/// not its own, so it is passed over.
fn repeated(phase: Phase, key: &str, first_line: u64) -> Fate {
    let outcome = match phase {
        Phase::Create | Phase::Merge | Phase::Lookup => Outcome::Rejected,
        Phase::Deferred | Phase::Links => Outcome::Skipped,
    };
    Fate::bad(
        outcome,
        "duplicate-key",
        format!("key {key} is also on line {first_line}, the row that is kept"),
    )
}

/// The ledger's verdicts for a block's rows, and the batch of writes they send.
fn judge<'a>(
    books: &mut Books,
    snapshot: bool,
    step_plan: &'a StepPlan,
    (block, out): (&Block, &'a Out),
    memory: &mut StepMemory,
    earlier: &mut Earlier,
) -> (Vec<Verdict>, Vec<Write<'a>>) {
    let (_, fresh) = kind(step_plan.phase());
    let mut batch = Vec::new();
    let verdicts = out
        .worked
        .iter()
        .enumerate()
        .map(|(row, w)| {
            let key = &out.text[w.key.clone()];
            if let Err(first) = memory.keys.see(key, block.line(row), earlier) {
                return Verdict::Settled(repeated(step_plan.phase(), key, first));
            }
            let made = match &w.made {
                Err(fate) => return Verdict::Settled(fate.clone()),
                Ok(m) => m,
            };
            if let Some(d) = &made.dedupe {
                if !memory.dedupe.insert(d.clone()) {
                    return Verdict::Settled(Fate::bad(Outcome::Deduped, "deduped", ""));
                }
            }
            let outcome = match books.previous(&step_plan.key_name, key) {
                Err(fate) => return Verdict::Settled(fate),
                Ok(None) => fresh,
                Ok(Some(h)) if h == made.hash => Outcome::Unchanged,
                Ok(Some(_)) => Outcome::Updated,
            };
            let from = batch.len();
            // A snapshot target (files) is written whole every run; a live one only changes.
            if outcome != Outcome::Unchanged || snapshot {
                writes_of(step_plan, made, &out.json, &mut batch);
            }
            Verdict::Lands {
                outcome,
                sent: from..batch.len(),
            }
        })
        .collect();
    (verdicts, batch)
}

/// The outcome of a row the ledger let through, by the target's answers to its writes: one
/// refusal rejects it, with the target's reasons.
fn answered(outcome: Outcome, answers: &[Answer]) -> (Fate, Option<&str>) {
    // The usual answer, every write written with mapc's id, costs no more than a look.
    if answers.iter().all(|a| *a == Answer::WRITTEN) {
        return (Fate::ok(outcome), None);
    }
    let refused: Vec<&str> = answers
        .iter()
        .filter_map(|a| match a {
            Answer::Refused { reason } => Some(reason.as_str()),
            Answer::Written { .. } => None,
        })
        .collect();
    if !refused.is_empty() {
        return (
            Fate::bad(Outcome::Rejected, "target", refused.join("; ")),
            None,
        );
    }
    let given = answers.iter().find_map(|a| match a {
        Answer::Written { id: Some(id) } => Some(id.as_str()),
        _ => None,
    });
    (Fate::ok(outcome), given)
}

/// The target and what runs it: the engine's thread drives an asynchronous target to the end
/// of each batch before settling its rows.
pub struct Desk<'p> {
    pub target: Box<dyn Target + 'p>,
    pub runtime: tokio::runtime::Runtime,
    pub books: Books<'p>,
}

impl Desk<'_> {
    /// Settles a worked block's rows in order. `landed` is told the key of each row whose
    /// record is in the target afterwards. A target that fails stops the run: the block's
    /// rows are then left unsettled, for the next run to redo.
    pub fn settle(
        &mut self,
        step_plan: &StepPlan,
        (block, out): (&Block, &Out),
        counts: &mut StepCounts,
        memory: &mut StepMemory,
        earlier: &mut Earlier,
        landed: &mut dyn FnMut(&str),
    ) {
        let snapshot = self.target.snapshot();
        let (verdicts, batch) = judge(
            &mut self.books,
            snapshot,
            step_plan,
            (block, out),
            memory,
            earlier,
        );
        let answers = match self.send(&batch) {
            Ok(a) => a,
            Err(e) => return self.books.fail(e),
        };
        for (row, (w, verdict)) in out.worked.iter().zip(verdicts).enumerate() {
            let key = &out.text[w.key.clone()];
            let fate = match verdict {
                Verdict::Settled(fate) => fate,
                Verdict::Lands { outcome, sent } => {
                    let (fate, given) = answered(outcome, &answers[sent]);
                    if let (Ok(made), true) = (&w.made, fate.outcome.landed()) {
                        self.remember(key, made, outcome, given);
                        landed(key);
                    }
                    fate
                }
            };
            let at = RowAt {
                line: block.line(row),
                key,
                original: Original::Block { block, row },
            };
            self.books.tally(step_plan, counts, &fate, at);
        }
    }

    /// Sends a batch, holding the target to one answer per write.
    fn send(&mut self, batch: &[Write]) -> Result<Vec<Answer>, RunError> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        let answers = self.runtime.block_on(self.target.write(batch))?;
        if answers.len() != batch.len() {
            return Err(RunError::Target(crate::io::target::TargetError::Answers {
                writes: batch.len(),
                answers: answers.len(),
            }));
        }
        Ok(answers)
    }

    /// The id and content a row landed with, for the id map (its entry comes next).
    fn remember(&mut self, key: &str, made: &Made, outcome: Outcome, given: Option<&str>) {
        let (Some(l), true) = (&mut self.books.ledger, outcome != Outcome::Unchanged) else {
            return;
        };
        let id = match given {
            Some(id) => Id::Text(id.to_string()),
            None => Id::of(&made.id),
        };
        l.remember(key, id, made.hash);
    }

    /// Takes what a settled block's evaluation counted (owners no user has) into the books,
    /// and empties its buffers for the next block.
    pub fn absorb(&mut self, out: &mut Out) {
        for (email, n) in std::mem::take(&mut out.unmatched) {
            *self.books.unmatched.entry(email).or_default() += n;
        }
        out.worked.clear();
        out.text.clear();
        out.json.clear();
    }

    pub fn finish(&mut self) -> Result<(), RunError> {
        self.runtime.block_on(self.target.finish())?;
        self.books.sink.finish().map_err(RunError::Exceptions)
    }
}
