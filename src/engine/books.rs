//! The books a run keeps of its rows: each row's outcome counted, its audit entry in the
//! ledger, its exception line when it did not land, the progress bar told, and the first
//! failure that must stop the run.

use super::fate::Fate;
use super::redact::Redaction;
use super::step::StepPlan;
use super::RunError;
use crate::io::ledger::{Entry, Ledger};
use crate::io::report::{Exception, Private, Sink, StepCounts};
use crate::io::source::Original;
use crate::ir::{Outcome, Phase, Source};
use crate::plan::Step;
use serde_json::Value as Json;
use std::collections::BTreeMap;

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
            sensitive: step_plan.sensitive,
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
        // A row's values are looked at only where some may be sensitive and something of the
        // row is shown: its reason, or its exception line.
        let sensitive = step.sensitive;
        let looked_at = sensitive && (exception || !fate.reason.is_empty());
        let pairs = if looked_at || exception {
            at.original.into_pairs()
        } else {
            Vec::new()
        };
        let redaction = looked_at.then(|| Redaction::of(step.source, &pairs, self.sensitive));
        let reason = match &redaction {
            Some(r) => r.reason(fate, at.line),
            None => std::borrow::Cow::Borrowed(fate.reason.as_str()),
        };
        if let Some(l) = &mut self.ledger {
            let entry = Entry {
                step: step.number,
                step_key: step.key,
                object: step.object,
                source: &step.source.name,
                source_key: at.key,
                outcome: fate.outcome,
                reason: &reason,
            };
            if let Err(e) = l.audit(&entry) {
                self.fail(RunError::Ledger(e));
            }
        }
        if exception {
            let (row, private) = match &redaction {
                Some(r) if r.hides_anything() => (
                    r.row(step.source, &pairs, self.sensitive),
                    Some(Private {
                        row: pairs
                            .into_iter()
                            .map(|(k, v)| (k, Json::String(v)))
                            .collect(),
                        reason: &fate.reason,
                    }),
                ),
                _ => (
                    pairs
                        .into_iter()
                        .map(|(k, v)| (k, Json::String(v)))
                        .collect(),
                    None,
                ),
            };
            let e = Exception {
                outcome: fate.outcome,
                source: &step.source.name,
                file: &step.source.file,
                line: at.line,
                key: at.key,
                map: step.map,
                phase: step.phase,
                code: fate.code,
                reason: &reason,
                row,
                private,
            };
            if let Err(err) = self.sink.exception(&e) {
                self.fail(RunError::Exceptions(err));
            }
        }
    }

    /// The content hash this step last wrote for this row (none on a first run); a ledger
    /// that cannot be read fails the run.
    pub(super) fn previous(&mut self, step_key: &str, key: &str) -> Result<Option<u64>, Fate> {
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
    /// The source may hold sensitive values (`Source::holds_sensitive`), found once a step.
    pub sensitive: bool,
}
