//! The engine: executes a plan's steps in order over [`Sources`] and a [`Target`], giving every
//! source row exactly one outcome per step and recording each in the ledger when there is one.
//! It joins the two halves of the interpreter: evaluation (`eval/`, pure) and the edges
//! (`io/`); a row flows one way through it — read (`io::source`), worked out (`work.rs` for
//! creates, `rows.rs` for the later phases), settled (`settle.rs`).

mod books;
mod claims;
mod contract;
mod create;
mod fate;
mod fingerprints;
mod first_rows;
mod judge;
mod lookups;
mod redact;
mod rows;
mod settle;
pub mod spec_test;
mod step;
mod work;

pub use books::Progress;
pub use fate::Fate;

use crate::eval::index::Index;
use crate::eval::owned::Evaluator;
use crate::eval::value::Value;
use crate::io::block::Block;
use crate::io::ledger::Ledger;
use crate::io::report::{Sink, StepCounts, StepReport};
use crate::io::source::{SourceError, Sources, BLOCK_ROWS};
use crate::io::target::{Target, TargetError};
use crate::ir::{Phase, SourceId};
use crate::plan::{Plan, Step};
use books::Books;
use claims::Claims;
use judge::StepMemory;
use settle::{Desk, Landed};
use std::collections::BTreeMap;
use step::StepPlan;
use work::{Out, Pure};

/// The index lookups of a column (`lookup Carrier(id).name`) resolve against, loaded as a run
/// loads it: what `check --data` evaluates a map's `when` with.
pub fn column_index(plan: &Plan, sources: &dyn Sources) -> Result<Index, RunError> {
    let mut index = Index::new(&plan.program, std::iter::empty());
    lookups::load_columns(plan, sources, &mut index)?;
    Ok(index)
}

/// Why a run stopped before its end. What was settled before is in the ledger: running the
/// same command again continues.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("cannot read source `{name}`: {error}")]
    Source { name: String, error: SourceError },
    #[error("cannot read the users file: {0}")]
    Users(SourceError),
    #[error("the target failed: {0}")]
    Target(#[from] TargetError),
    #[error("cannot write the rejected and held rows: {0}")]
    Exceptions(std::io::Error),
    #[error(transparent)]
    Ledger(#[from] crate::io::ledger::LedgerError),
    #[error("cannot start the run: {0}")]
    Start(std::io::Error),
}

impl RunError {
    /// Whether running the same command again continues the run: after a failure of the
    /// target, the ledger or I/O part way, yes; after an input a re-run would find the same
    /// (a missing export, a header without a column the spec reads, a row that does not
    /// decode), no: that input must be fixed first.
    pub fn resumable(&self) -> bool {
        match self {
            RunError::Source { error, .. } | RunError::Users(error) => error.resumable(),
            RunError::Target(_)
            | RunError::Exceptions(_)
            | RunError::Ledger(_)
            | RunError::Start(_) => true,
        }
    }

    /// Whether the disk filled up (ENOSPC): the error names the file; freeing space is the fix.
    pub fn disk_full(&self) -> bool {
        let full = |e: &std::io::Error| e.kind() == std::io::ErrorKind::StorageFull;
        match self {
            RunError::Target(TargetError::Io { error, .. }) => full(error),
            RunError::Exceptions(error) | RunError::Start(error) => full(error),
            RunError::Source { error, .. } | RunError::Users(error) => {
                matches!(error, SourceError::Read { error, .. } if full(error))
            }
            RunError::Ledger(e) => e.disk_full(),
            RunError::Target(_) => false,
        }
    }
}

/// Every source the run reads, asked whether it can be read at all before any row moves: a file
/// missing or in another encoding than declared, a column missing or in its header twice stops
/// the run before its first step rather than after the steps before that source's.
fn preflight(plan: &Plan, by_column: &[SourceId], sources: &dyn Sources) -> Result<(), RunError> {
    let p = &plan.program;
    let mut read: Vec<SourceId> = p.maps.iter().map(|m| m.source).collect();
    read.extend_from_slice(by_column);
    read.sort_by_key(|s| s.index());
    read.dedup();
    for id in read {
        let Some(source) = p.sources.get(id.index()) else {
            continue;
        };
        sources
            .preflight(source)
            .map_err(|error| RunError::Source {
                name: source.name.clone(),
                error,
            })?;
    }
    Ok(())
}

/// What a finished run hands back to its caller.
pub struct Finished {
    pub steps: Vec<StepReport>,
    /// The reconciliation queue: owner emails with no matching target user, and rows affected.
    pub unmatched_owners: Vec<(String, u64)>,
}

pub struct Engine<'p> {
    plan: &'p Plan,
    eval: Evaluator<'p>,
    index: Index,
    sources: &'p dyn Sources,
    desk: Desk<'p>,
    default_owner: Option<Value>,
    /// Sources read only by lookups: their load is their rows' outcome.
    lookups: Vec<lookups::LookupLoad>,
    /// Whether create steps evaluate by lending (see `eval::lend`).
    lend: bool,
}

impl<'p> Engine<'p> {
    pub fn new(
        plan: &'p Plan,
        sources: &'p dyn Sources,
        target: Box<dyn Target + 'p>,
        sink: Box<dyn Sink + 'p>,
        ledger: Option<&'p mut Ledger>,
    ) -> Result<Engine<'p>, RunError> {
        let p = &plan.program;
        let (tracked, by_column) = lookups::needs(plan);
        preflight(plan, &by_column, sources)?;
        let mut index = Index::new(p, tracked);
        let lookups = lookups::load_columns(plan, sources, &mut index)?;
        if let Some(users) = &p.migration.users_file {
            index.set_users(sources.users(users).map_err(RunError::Users)?);
        }
        let default_owner = p
            .migration
            .default_owner
            .as_ref()
            .map(|email| index.default_owner(email));
        // One thread is enough: the engine waits for each batch's answers before settling it.
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .map_err(RunError::Start)?;
        let books = Books {
            ledger,
            sink,
            sensitive: p.migration.sensitive,
            progress: None,
            failure: None,
            unmatched: BTreeMap::new(),
        };
        Ok(Engine {
            plan,
            eval: Evaluator::new(p),
            index,
            sources,
            desk: Desk {
                plan,
                target,
                runtime,
                books,
                claims: Claims::new(plan),
            },
            default_owner,
            lookups,
            lend: true,
        })
    }

    /// Calls `f` with the step and its rows so far, every few thousand rows and at its end.
    pub fn on_progress(mut self, f: impl Fn(&Step, u64) + 'p) -> Engine<'p> {
        self.desk.books.progress = Some(Box::new(f));
        self
    }

    /// Whether create steps evaluate by lending text instead of copying it (the default), or
    /// the owned way, which the lending evaluator must agree with: tests compare the two.
    pub fn lending(mut self, on: bool) -> Engine<'p> {
        self.lend = on;
        self
    }

    /// Runs every step; stops at the first error that would lose rows (a source, a write, the
    /// ledger). Returns the step reports, for the caller to close the run in the ledger.
    pub fn run(mut self) -> Result<Finished, RunError> {
        let mut reports = lookups::reports(self.plan, &self.lookups, &mut self.desk.books);
        self.check()?;
        for step in &self.plan.steps {
            reports.push(self.step(step)?);
            if let Some(l) = &mut self.desk.books.ledger {
                l.commit().map_err(RunError::Ledger)?;
            }
        }
        self.desk.finish()?;
        Ok(Finished {
            steps: reports,
            unmatched_owners: std::mem::take(&mut self.desk.books.unmatched)
                .into_iter()
                .collect(),
        })
    }

    /// The first failure kept, which stops the run.
    fn check(&mut self) -> Result<(), RunError> {
        match self.desk.books.failure.take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    fn step(&mut self, step: &'p Step) -> Result<StepReport, RunError> {
        let step_plan = StepPlan::new(self.plan, step, &self.desk.claims);
        let mut counts = StepCounts::default();
        let read = match step.phase {
            Phase::Create => {
                let create = create::Create {
                    eval: &self.eval,
                    index: &mut self.index,
                    desk: &mut self.desk,
                    sources: self.sources,
                    default_owner: self.default_owner.as_ref(),
                    lend: self.lend,
                };
                create.run(&step_plan, &mut counts)
            }
            _ => self.revisit(&step_plan, &mut counts),
        };
        if let Some(p) = &self.desk.books.progress {
            p(step, counts.rows_in);
        }
        self.check()?;
        read.map_err(|error| RunError::Source {
            name: step_plan.source.name.clone(),
            error,
        })?;
        Ok(StepReport {
            step: step.number,
            phase: step.phase,
            map: step_plan.map.name.clone(),
            source: step_plan.source.name.clone(),
            object: step_plan.object.name.clone(),
            counts,
        })
    }

    /// A merge, second-pass or links step: its source's rows worked out and settled a block at
    /// a time, in order.
    fn revisit(
        &mut self,
        step_plan: &StepPlan,
        counts: &mut StepCounts,
    ) -> Result<(), SourceError> {
        let Engine {
            eval,
            index,
            desk,
            sources,
            default_owner,
            ..
        } = self;
        let pure = Pure {
            eval,
            index,
            default_owner: default_owner.as_ref(),
            step_plan,
            lend: false,
        };
        let mut out = Out::default();
        let mut memory = StepMemory::default();
        let mut earlier = |each: &mut dyn FnMut(&str, u64) -> bool| {
            first_rows::replay(*sources, step_plan.source, &step_plan.key_columns, each)
        };
        // The records a merge wrote into, for the map's later passes to revisit.
        let mut merged: Vec<(String, String)> = Vec::new();
        let merges = step_plan.phase() == Phase::Merge;
        let read = sources.read_blocks(step_plan.source, BLOCK_ROWS, &mut |block: Block| {
            rows::work_rows(&pure, &block, &mut out);
            desk.settle(
                step_plan,
                (&block, &out),
                counts,
                &mut memory,
                &mut earlier,
                &mut |key, landed| {
                    if let (true, Landed::Made(id)) = (merges, landed) {
                        merged.push((key.to_string(), id.to_string()));
                    }
                },
            );
            desk.absorb(&mut out);
            desk.books.stopped().map(|()| block.fresh())
        });
        for (key, into) in merged {
            index.record_merged(step_plan.source_id, step_plan.object_id, &key, &into);
        }
        read
    }
}
