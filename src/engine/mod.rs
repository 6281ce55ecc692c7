//! Executes a plan's steps in order against [`Sources`] and a [`Target`], giving every source row
//! exactly one outcome per step, and recording each in the ledger when there is one.

mod batch;
mod phases;
pub mod spec_test;
mod work;

use crate::eval::index::{key_cow, push_key, Index, LookupLoad, LookupMiss};
use crate::eval::node::Node;
use crate::eval::owned::{truthy, Context, Evaluator};
use crate::eval::record::RecordId;
use crate::eval::shape::Shape;
use crate::eval::typing::type_row;
use crate::eval::value::{Stop, Value};
use crate::io::ledger::{Entry, Id, Ledger};
use crate::io::report::{Exception, Outcome, Sink, StepCounts, StepReport};
use crate::io::source::{Original, RawRow, SourceError, Sources};
use crate::io::target::Target;
use crate::plan::{Phase, Plan, Step};
use crate::semantic::model::{MapInfo, SourceInfo};
use crate::semantic::schema::Object;
use serde_json::{Map, Value as Json};
use std::cell::RefCell;
use std::collections::BTreeMap;

#[derive(Debug)]
pub enum RunError {
    /// A source cannot be read at all (missing file, missing column, unreadable encoding).
    Source(String),
    /// Writing failed (a full disk, a closed connection, the ledger).
    Write(String),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Source(m) => write!(f, "cannot read a source: {m}"),
            RunError::Write(m) => write!(f, "cannot write: {m}"),
        }
    }
}

pub(crate) fn write_err(e: std::io::Error) -> RunError {
    RunError::Write(e.to_string())
}

pub(crate) struct RowCx<'a> {
    pub(crate) row: &'a [Value],
    pub(crate) index: &'a Index,
    pub(crate) default_owner: Option<&'a Value>,
    pub(crate) unmatched: &'a RefCell<BTreeMap<String, u64>>,
}

impl Context for RowCx<'_> {
    fn lookup(
        &self,
        source: &str,
        object: Option<&str>,
        key: &[Value],
        column: Option<&str>,
    ) -> Option<Value> {
        let k = key_cow(key);
        match column {
            Some(c) => self.index.column(source, &k, c),
            None => self.index.reference(source, object, &k),
        }
    }
    fn owner(&self, email: &str) -> Option<Value> {
        let found = self.index.owner(email);
        if found.is_none() {
            *self
                .unmatched
                .borrow_mut()
                .entry(email.trim().to_lowercase())
                .or_default() += 1;
        }
        found
    }
    fn default_owner(&self) -> Option<Value> {
        self.default_owner.cloned()
    }
}

/// What became of one row in one step.
pub(crate) struct Fate {
    pub(crate) outcome: Outcome,
    pub(crate) code: &'static str,
    pub(crate) reason: String,
}

impl Fate {
    pub(crate) fn ok(outcome: Outcome) -> Fate {
        Fate {
            outcome,
            code: "",
            reason: String::new(),
        }
    }

    pub(crate) fn bad(outcome: Outcome, code: &'static str, reason: impl Into<String>) -> Fate {
        Fate {
            outcome,
            code,
            reason: reason.into(),
        }
    }

    pub(crate) fn from_stop(stop: Stop) -> Fate {
        match stop {
            Stop::Reject(r) => Fate::bad(Outcome::Rejected, "rejected", r),
            Stop::Fail(r) => Fate::bad(Outcome::Rejected, "failed", r),
            Stop::Hold(r) => Fate::bad(Outcome::Held, "held", r),
            Stop::Skip(r) => Fate::bad(Outcome::Skipped, "skipped", r),
        }
    }
}

/// What one step works on.
pub(crate) struct StepCx<'a> {
    pub(crate) phase: Phase,
    pub(crate) key_name: String,
    pub(crate) map: &'a MapInfo,
    pub(crate) src: &'a SourceInfo,
    /// Where the source's key columns sit in a typed row.
    pub(crate) key_columns: Vec<usize>,
    pub(crate) object: &'a Object,
    /// The map's expressions, compiled for this source's rows: `when`, each assignment's value
    /// (in assignment order) and the merge key.
    pub(crate) when: Option<Node>,
    pub(crate) values: Vec<Node>,
    pub(crate) merge_key: Option<Node>,
    /// The assignments this step evaluates and writes, and the record shape they make.
    pub(crate) written: Vec<usize>,
    pub(crate) shape: Shape,
}

pub struct Engine<'p> {
    pub(crate) plan: &'p Plan,
    pub(crate) eval: Evaluator<'p>,
    // Each is touched at one point per row (lookups read the index while a row evaluates; the
    // row's record is then written and registered), so RefCell keeps the borrows simple.
    pub(crate) index: RefCell<Index>,
    pub(crate) sources: &'p dyn Sources,
    pub(crate) target: RefCell<Box<dyn Target + 'p>>,
    exceptions: RefCell<Box<dyn Sink + 'p>>,
    ledger: Option<RefCell<Ledger>>,
    /// Where a row's record is written as JSON, reused from row to row.
    pub(crate) scratch: RefCell<Vec<u8>>,
    /// The first error that must stop the run (a full disk under the ledger).
    failure: RefCell<Option<RunError>>,
    pub(crate) default_owner: Option<Value>,
    /// Owner emails no target user has, with how many evaluations missed them.
    pub(crate) unmatched: RefCell<BTreeMap<String, u64>>,
    progress: Option<Progress<'p>>,
    /// Sources read only by lookups: their load is their rows' outcome.
    lookups: Vec<LookupLoad>,
    /// Whether create steps evaluate by lending (see `run::lend`).
    pub(crate) lend: bool,
}

/// Told the step and its rows so far.
type Progress<'p> = Box<dyn Fn(&Step, u64) + 'p>;

/// What a finished run hands back to its caller.
pub struct Finished {
    pub steps: Vec<StepReport>,
    pub ledger: Option<Ledger>,
    /// The reconciliation queue: owner emails with no matching target user, and rows affected.
    pub unmatched_owners: Vec<(String, u64)>,
}

impl<'p> Engine<'p> {
    pub fn new(
        plan: &'p Plan,
        sources: &'p dyn Sources,
        target: Box<dyn Target + 'p>,
        sink: Box<dyn Sink + 'p>,
        ledger: Option<Ledger>,
    ) -> Result<Engine<'p>, RunError> {
        let model = &plan.model;
        let mut index = Index::new(model);
        let lookups = index
            .load_column_sources(model, sources)
            .map_err(RunError::Source)?;
        if let Some(users) = &model.migration.users_file {
            index.set_users(sources.users(users).map_err(RunError::Source)?);
        }
        let default_owner = model.migration.default_owner.as_ref().map(|email| {
            index
                .owner(email)
                .unwrap_or_else(|| Value::reference(index.users_object.clone(), email.clone()))
        });
        Ok(Engine {
            plan,
            eval: Evaluator::new(model),
            index: RefCell::new(index),
            sources,
            target: RefCell::new(target),
            exceptions: RefCell::new(sink),
            ledger: ledger.map(RefCell::new),
            scratch: RefCell::new(Vec::with_capacity(1024)),
            failure: RefCell::new(None),
            default_owner,
            unmatched: RefCell::new(BTreeMap::new()),
            progress: None,
            lookups,
            lend: true,
        })
    }

    /// Calls `f` with the step and its rows so far, every few thousand rows and at its end.
    pub fn on_progress(mut self, f: impl Fn(&Step, u64) + 'p) -> Engine<'p> {
        self.progress = Some(Box::new(f));
        self
    }

    /// Whether create steps evaluate by lending text instead of copying it (the default), or
    /// the owned way, which the lending evaluator must agree with: tests compare the two.
    pub fn lending(mut self, on: bool) -> Engine<'p> {
        self.lend = on;
        self
    }

    /// Runs every step; stops at the first error that would lose rows (a source, a write, the
    /// ledger). Returns the step reports and the ledger, for the caller to close the run.
    pub fn run(self) -> Result<Finished, RunError> {
        let mut reports = self.lookup_reports();
        if let Some(f) = self.failure.borrow_mut().take() {
            return Err(f);
        }
        for step in &self.plan.steps {
            reports.push(self.step(step)?);
            if let Some(l) = &self.ledger {
                l.borrow_mut().commit().map_err(RunError::Write)?;
            }
        }
        self.target.borrow_mut().finish().map_err(write_err)?;
        self.exceptions.borrow_mut().finish().map_err(write_err)?;
        Ok(Finished {
            steps: reports,
            ledger: self.ledger.map(RefCell::into_inner),
            unmatched_owners: self.unmatched.into_inner().into_iter().collect(),
        })
    }

    /// One report line per lookup-only source: indexed rows are skipped (read for lookups, not
    /// migrated), unreadable or untyped rows rejected, repeated keys deduped.
    fn lookup_reports(&self) -> Vec<StepReport> {
        let mut out = Vec::new();
        for load in &self.lookups {
            let Some(src) = self
                .plan
                .model
                .sources
                .iter()
                .find(|s| s.name == load.source)
            else {
                continue;
            };
            let counts = StepCounts {
                rows_in: load.rows_in,
                skipped: load.indexed,
                rejected: load.rejected.len() as u64,
                deduped: load.duplicates.len() as u64,
                ..StepCounts::default()
            };
            for (miss, outcome) in load
                .rejected
                .iter()
                .map(|m| (m, Outcome::Rejected))
                .chain(load.duplicates.iter().map(|m| (m, Outcome::Deduped)))
            {
                self.lookup_exception(src, miss, outcome);
            }
            out.push(StepReport {
                step: 0,
                phase: Phase::Lookup,
                map: "(lookups only)".into(),
                source: src.name.clone(),
                object: String::new(),
                counts,
            });
        }
        out
    }

    fn lookup_exception(&self, src: &SourceInfo, miss: &LookupMiss, outcome: Outcome) {
        let step_key = format!("{}#lookup", src.name).to_lowercase();
        if let Some(l) = &self.ledger {
            let entry = Entry {
                step: 0,
                step_key: &step_key,
                object: "",
                source: &src.name,
                source_key: &miss.key,
                outcome,
                reason: &miss.reason,
            };
            if let Err(e) = l.borrow_mut().audit(&entry) {
                self.fail(RunError::Write(e));
            }
        }
        let e = Exception {
            outcome,
            source: &src.name,
            file: &src.file,
            line: miss.line,
            key: &miss.key,
            map: "(lookups only)",
            phase: Phase::Lookup,
            code: miss.code,
            reason: &miss.reason,
            row: redacted(
                src,
                miss.original.clone(),
                self.plan.model.migration.sensitive,
            ),
        };
        if let Err(err) = self.exceptions.borrow_mut().exception(&e) {
            self.fail(write_err(err));
        }
    }

    fn fail(&self, e: RunError) {
        let mut f = self.failure.borrow_mut();
        if f.is_none() {
            *f = Some(e);
        }
    }

    fn step(&self, step: &Step) -> Result<StepReport, RunError> {
        let model = &self.plan.model;
        let (Some(map), Some(object)) = (
            model.maps.iter().find(|m| m.name == step.map),
            model.schema.object(&step.object),
        ) else {
            return Err(RunError::Source(format!(
                "step {} names an unknown map",
                step.number
            )));
        };
        let Some(src) = model.sources.iter().find(|s| s.name == map.source) else {
            return Err(RunError::Source(format!(
                "map {} reads an unknown source",
                map.name
            )));
        };
        let sx = StepCx {
            phase: step.phase,
            key_name: format!("{}#{:?}", map.name, step.phase).to_lowercase(),
            map,
            src,
            key_columns: crate::eval::index::key_columns(src),
            object,
            when: map.when.as_ref().map(|w| self.compile(w, src)),
            values: map
                .assignments
                .iter()
                .map(|a| self.compile(&a.value, src))
                .collect(),
            merge_key: map.merge.as_ref().map(|m| self.compile(&m.key, src)),
            written: Vec::new(),
            shape: Shape::default(),
        };
        let sx = sx.with_written(model);
        let mut counts = StepCounts::default();
        let read = if sx.phase == Phase::Create {
            self.create_step(step, &sx, &mut counts)
        } else {
            self.sources.read(src, &mut |row| {
                match row {
                    Err(SourceError::BadRow { line, message }) => {
                        let fate = Fate::bad(Outcome::Rejected, "unreadable", message);
                        let none = Original::Pairs(Vec::new());
                        self.tally(step, &sx, &mut counts, fate, line, "", none);
                    }
                    Err(other) => return Err(format!("{other:?}")),
                    Ok(RawRow {
                        line,
                        values,
                        original,
                    }) => {
                        let (fate, key) = self.row(&sx, values);
                        self.tally(step, &sx, &mut counts, fate, line, &key, original);
                    }
                }
                self.stopped()
            })
        };
        if let Some(p) = &self.progress {
            p(step, counts.rows_in);
        }
        if let Some(f) = self.failure.borrow_mut().take() {
            return Err(f);
        }
        match read {
            // Readers hand unreadable rows to the sink; none ends a read.
            Ok(()) | Err(SourceError::BadRow { .. }) => {}
            Err(SourceError::Open(m) | SourceError::MissingColumn(m)) => {
                return Err(RunError::Source(m))
            }
            // A stop with no failure kept (a worker gone): say so rather than report the step.
            Err(SourceError::Stopped(m)) => {
                return Err(RunError::Source(format!(
                    "{}: the read stopped: {m}",
                    src.file
                )))
            }
        }
        Ok(StepReport {
            step: step.number,
            phase: step.phase,
            map: map.name.clone(),
            source: src.name.clone(),
            object: object.name.clone(),
            counts,
        })
    }

    /// Err once something has failed that must stop the run: the reader stops there.
    pub(crate) fn stopped(&self) -> Result<(), String> {
        match self.failure.borrow().is_some() {
            true => Err("stopped".into()),
            false => Ok(()),
        }
    }

    /// Counts a row's outcome, records it, and tells the progress bar every few thousand rows.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn tally(
        &self,
        step: &Step,
        sx: &StepCx,
        counts: &mut StepCounts,
        fate: Fate,
        line: u64,
        key: &str,
        original: Original,
    ) {
        counts.rows_in += 1;
        counts.add(fate.outcome);
        self.account(step, sx, &fate, line, key, original);
        if let (Some(p), 0) = (&self.progress, counts.rows_in % 4096) {
            p(step, counts.rows_in);
        }
    }

    /// Writes the row's audit entry, and its exception line when it did not land.
    fn account(
        &self,
        step: &Step,
        sx: &StepCx,
        fate: &Fate,
        line: u64,
        key: &str,
        original: Original,
    ) {
        if let Some(l) = &self.ledger {
            let entry = Entry {
                step: step.number,
                step_key: &sx.key_name,
                object: &sx.object.name,
                source: &sx.src.name,
                source_key: key,
                outcome: fate.outcome,
                reason: &fate.reason,
            };
            if let Err(e) = l.borrow_mut().audit(&entry) {
                self.fail(RunError::Write(e));
            }
        }
        if matches!(
            fate.outcome,
            Outcome::Rejected | Outcome::Held | Outcome::Skipped
        ) {
            let e = Exception {
                outcome: fate.outcome,
                source: &sx.src.name,
                file: &sx.src.file,
                line,
                key,
                map: &sx.map.name,
                phase: sx.phase,
                code: fate.code,
                reason: &fate.reason,
                row: redacted(
                    sx.src,
                    original.into_pairs(),
                    self.plan.model.migration.sensitive,
                ),
            };
            if let Err(err) = self.exceptions.borrow_mut().exception(&e) {
                self.fail(write_err(err));
            }
        }
    }

    fn compile(&self, e: &crate::plan::ir::Expr, src: &SourceInfo) -> Node {
        self.eval.compile(e, Some(&src.columns))
    }

    fn row(&self, sx: &StepCx, values: Vec<crate::eval::typing::Raw>) -> (Fate, String) {
        let typed = match type_row(&sx.src.columns, values) {
            Ok(t) => t,
            Err(e) => {
                return (
                    Fate::bad(Outcome::Rejected, e.code, e.message),
                    String::new(),
                )
            }
        };
        let mut key = String::new();
        push_key(&sx.key_columns, &typed, &mut key);
        let index = self.index.borrow();
        let cx = RowCx {
            row: &typed,
            index: &index,
            default_owner: self.default_owner.as_ref(),
            unmatched: &self.unmatched,
        };
        if let Err(fate) = routed_here(&self.eval, sx, &cx) {
            return (fate, key);
        }
        let fate = match sx.phase {
            // Create steps read in blocks (`batch.rs`), never a row at a time here.
            Phase::Create => Fate::bad(
                Outcome::Rejected,
                "internal",
                "a create row outside its step",
            ),
            Phase::Merge => self.merge(sx, &cx, &key),
            Phase::Deferred => self.later(sx, &cx, &key),
            Phase::Links => self.links(sx, &cx, &key),
            // Lookup-only sources are loaded with the index, never run as a step.
            Phase::Lookup => {
                Fate::bad(Outcome::Skipped, "lookup", "read for lookups, not migrated")
            }
        };
        (fate, key)
    }

    /// Decides created / updated / unchanged against the ledger, writes when the target needs it,
    /// and remembers the content for the next run.
    pub(crate) fn settle(
        &self,
        sx: &StepCx,
        key: &str,
        id: &RecordId,
        hash: u64,
        fresh: Outcome,
        write: impl FnOnce() -> std::io::Result<()>,
    ) -> Fate {
        let previous = match &self.ledger {
            Some(l) => match l.borrow_mut().previous(&sx.key_name, key) {
                Ok(p) => p,
                Err(e) => {
                    self.fail(RunError::Write(e));
                    return Fate::bad(Outcome::Rejected, "ledger", "the ledger cannot be read");
                }
            },
            None => None,
        };
        let outcome = match previous {
            None => fresh,
            Some(h) if h == hash => Outcome::Unchanged,
            Some(_) => Outcome::Updated,
        };
        if outcome != Outcome::Unchanged || self.target.borrow().snapshot() {
            if let Err(e) = write() {
                return Fate::bad(Outcome::Rejected, "target", e.to_string());
            }
        }
        if let (Some(l), true) = (&self.ledger, outcome != Outcome::Unchanged) {
            l.borrow_mut().remember(key, Id::of(id), hash);
        }
        Fate::ok(outcome)
    }
}

/// Every column of the row, with sensitive values replaced: the columns marked `sensitive`, every
/// column of a `sensitive` source, and in a `sensitive` migration (health data) every column but
/// the key, which with the file and line is enough to find the row in the export.
fn redacted(
    src: &SourceInfo,
    original: Vec<(String, String)>,
    migration_sensitive: bool,
) -> Map<String, Json> {
    original
        .into_iter()
        .map(|(k, v)| {
            let is_key = src.key.contains(&k);
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

/// Whether the map's `when` takes this row: a skip (or the stop it raised) when it does not.
pub(crate) fn routed_here(eval: &Evaluator, sx: &StepCx, cx: &RowCx) -> Result<(), Fate> {
    let Some(when) = &sx.when else {
        return Ok(());
    };
    match eval.run(when, cx.row, cx, &[]) {
        Ok(v) if truthy(&v) => Ok(()),
        Ok(_) => Err(Fate::bad(Outcome::Skipped, "when", "")),
        Err(stop) => Err(Fate::from_stop(stop)),
    }
}

impl StepCx<'_> {
    /// Decides which assignments the phase writes: the first pass for creates and merges, the
    /// deferred ones for the second pass; link records are built apart.
    fn with_written(mut self, model: &crate::semantic::Model) -> Self {
        let first_pass = |a: &crate::semantic::model::Assignment| {
            !a.deferred && !crate::plan::is_link_field(model, &self.object.name, &a.path)
        };
        self.written = self
            .map
            .assignments
            .iter()
            .enumerate()
            .filter(|(_, a)| match self.phase {
                Phase::Deferred => a.deferred,
                Phase::Links | Phase::Lookup => false,
                Phase::Create | Phase::Merge => first_pass(a),
            })
            .map(|(i, _)| i)
            .collect();
        let paths = self
            .written
            .iter()
            .map(|&i| (i, self.map.assignments[i].path.as_str()));
        self.shape = Shape::new(self.object, paths);
        self
    }
}
