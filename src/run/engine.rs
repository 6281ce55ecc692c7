//! Executes a plan's steps in order against file sources and a [`Target`], giving every source row
//! exactly one outcome per step.

use super::eval::{truthy, Context, Evaluator};
use super::index::{key_of, key_text, Index};
use super::record::{record_id, set_path};
use super::report::{Exception, Outcome, Sink, StepCounts, StepReport};
use super::source::{RawRow, SourceError, Sources};
use super::target::Target;
use super::typing::type_row;
use super::value::{Stop, Value};
use crate::plan::{is_link_field, Phase, Plan, Step};
use crate::semantic::model::{Assignment, MapInfo, SourceInfo};
use crate::semantic::schema::{FieldType, Object};
use crate::syntax::ast::MissAction;
use serde_json::{Map, Value as Json};
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

#[derive(Debug)]
pub enum RunError {
    /// A source cannot be read at all (missing file, missing column, unreadable encoding).
    Source(String),
    /// Writing failed (a full disk, a closed connection).
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

fn write_err(e: std::io::Error) -> RunError {
    RunError::Write(e.to_string())
}

struct RowCx<'a> {
    cols: &'a HashMap<String, usize>,
    row: &'a [Value],
    index: &'a Index,
    default_owner: Option<&'a Value>,
}

impl Context for RowCx<'_> {
    fn column(&self, name: &str) -> Value {
        self.cols
            .get(name)
            .and_then(|i| self.row.get(*i))
            .cloned()
            .unwrap_or(Value::Null)
    }
    fn lookup(
        &self,
        source: &str,
        object: Option<&str>,
        key: &[Value],
        column: Option<&str>,
    ) -> Option<Value> {
        let k = key_text(key);
        match column {
            Some(c) => self.index.column(source, &k, c),
            None => self.index.reference(source, object, &k),
        }
    }
    fn owner(&self, email: &str) -> Option<Value> {
        self.index.owner(email)
    }
    fn default_owner(&self) -> Option<Value> {
        self.default_owner.cloned()
    }
}

/// What became of one row in one step.
struct Fate {
    outcome: Outcome,
    code: &'static str,
    reason: String,
}

impl Fate {
    fn ok(outcome: Outcome) -> Fate {
        Fate {
            outcome,
            code: "",
            reason: String::new(),
        }
    }

    fn from_stop(stop: Stop) -> Fate {
        match stop {
            Stop::Reject(r) => Fate {
                outcome: Outcome::Rejected,
                code: "rejected",
                reason: r,
            },
            Stop::Fail(r) => Fate {
                outcome: Outcome::Rejected,
                code: "failed",
                reason: r,
            },
            Stop::Hold(r) => Fate {
                outcome: Outcome::Held,
                code: "held",
                reason: r,
            },
            Stop::Skip(r) => Fate {
                outcome: Outcome::Skipped,
                code: "skipped",
                reason: r,
            },
        }
    }
}

pub struct Engine<'p> {
    plan: &'p Plan,
    eval: Evaluator<'p>,
    // Each is touched at one point per row (lookups read the index while a row evaluates; the
    // row's record is then written and registered), so RefCell keeps the borrows simple.
    index: RefCell<Index>,
    sources: &'p dyn Sources,
    target: RefCell<Box<dyn Target + 'p>>,
    exceptions: RefCell<Box<dyn Sink + 'p>>,
    default_owner: Option<Value>,
}

impl<'p> Engine<'p> {
    pub fn new(
        plan: &'p Plan,
        sources: &'p dyn Sources,
        target: Box<dyn Target + 'p>,
        sink: Box<dyn Sink + 'p>,
    ) -> Result<Engine<'p>, RunError> {
        let model = &plan.model;
        let mut index = Index::new(model);
        index
            .load_column_sources(model, sources)
            .map_err(RunError::Source)?;
        if let Some(users) = &model.migration.users_file {
            index.set_users(sources.users(users).map_err(RunError::Source)?);
        }
        let default_owner = model.migration.default_owner.as_ref().map(|email| {
            index.owner(email).unwrap_or_else(|| Value::Ref {
                object: index.users_object.clone(),
                key: email.clone(),
            })
        });
        Ok(Engine {
            plan,
            eval: Evaluator::new(model),
            index: RefCell::new(index),
            sources,
            target: RefCell::new(target),
            exceptions: RefCell::new(sink),
            default_owner,
        })
    }

    /// Runs every step; stops at the first error that would lose rows (a source or a write).
    pub fn run(self) -> Result<Vec<StepReport>, RunError> {
        let mut reports = Vec::new();
        for step in &self.plan.steps {
            reports.push(self.step(step)?);
        }
        self.target.borrow_mut().finish().map_err(write_err)?;
        self.exceptions.borrow_mut().finish().map_err(write_err)?;
        Ok(reports)
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
        let cols: HashMap<String, usize> = src
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| (c.name.clone(), i))
            .collect();
        let mut counts = StepCounts::default();
        let mut seen: HashSet<String> = HashSet::new();
        let mut failure: Option<RunError> = None;
        let mut each = |row: Result<RawRow, SourceError>| -> Result<(), String> {
            counts.rows_in += 1;
            let (fate, line, key, original) = match row {
                Err(SourceError::BadRow { line, message }) => (
                    Fate {
                        outcome: Outcome::Rejected,
                        code: "unreadable",
                        reason: message,
                    },
                    line,
                    String::new(),
                    Vec::new(),
                ),
                Err(other) => return Err(format!("{other:?}")),
                Ok(raw) => {
                    let (fate, key) =
                        self.row(step.phase, map, src, object, &cols, &raw, &mut seen);
                    (fate, raw.line, key, raw.original)
                }
            };
            counts.add(fate.outcome);
            if matches!(
                fate.outcome,
                Outcome::Rejected | Outcome::Held | Outcome::Skipped
            ) {
                let e = Exception {
                    outcome: fate.outcome,
                    source: &src.name,
                    file: &src.file,
                    line,
                    key: &key,
                    map: &map.name,
                    phase: step.phase,
                    code: fate.code,
                    reason: &fate.reason,
                    row: redacted(src, original, model.migration.sensitive),
                };
                if let Err(err) = self.exceptions.borrow_mut().exception(&e) {
                    failure = Some(write_err(err));
                    return Err("write failed".into());
                }
            }
            Ok(())
        };
        let read = self.sources.read(src, &mut each);
        if let Some(f) = failure {
            return Err(f);
        }
        match read {
            Ok(()) | Err(SourceError::BadRow { .. }) => {}
            Err(SourceError::Open(m) | SourceError::MissingColumn(m)) => {
                return Err(RunError::Source(m))
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

    #[allow(clippy::too_many_arguments)]
    fn row(
        &self,
        phase: Phase,
        map: &MapInfo,
        src: &SourceInfo,
        object: &Object,
        cols: &HashMap<String, usize>,
        raw: &RawRow,
        seen: &mut HashSet<String>,
    ) -> (Fate, String) {
        let typed = match type_row(&src.columns, &raw.values) {
            Ok(t) => t,
            Err(e) => {
                return (
                    Fate {
                        outcome: Outcome::Rejected,
                        code: e.code,
                        reason: e.message,
                    },
                    String::new(),
                )
            }
        };
        let key = key_of(src, &typed);
        let index = self.index.borrow();
        let cx = RowCx {
            cols,
            row: &typed,
            index: &index,
            default_owner: self.default_owner.as_ref(),
        };
        if let Some(when) = &map.when {
            match self.eval.eval(when, &cx, &[]) {
                Ok(v) if truthy(&v) => {}
                Ok(_) => {
                    return (
                        Fate {
                            outcome: Outcome::Skipped,
                            code: "when",
                            reason: String::new(),
                        },
                        key,
                    )
                }
                Err(stop) => return (Fate::from_stop(stop), key),
            }
        }
        let fate = match phase {
            Phase::Create => self.create(map, src, object, &cx, &key, seen),
            Phase::Merge => self.merge(map, object, &cx),
            Phase::Deferred => self.later(map, src, object, &cx, &key, |a| a.deferred),
            Phase::Links => self.links(map, src, object, &cx, &key),
        };
        drop(index);
        if fate.outcome == Outcome::Created && phase == Phase::Create {
            self.index
                .borrow_mut()
                .record_made(&src.name, &object.name, &key);
        }
        (fate, key)
    }

    /// Evaluates the assignments `pick` selects into a record.
    fn build(
        &self,
        map: &MapInfo,
        object: &Object,
        cx: &RowCx,
        pick: impl Fn(&Assignment) -> bool,
    ) -> Result<Map<String, Json>, Stop> {
        let mut record = Map::new();
        for a in map.assignments.iter().filter(|a| pick(a)) {
            let v = self.eval.eval(&a.value, cx, &[])?;
            set_path(&mut record, object, &a.path, &v);
        }
        Ok(record)
    }

    fn now_fields(&self, map: &MapInfo) -> impl Fn(&Assignment) -> bool + '_ {
        let model = &self.plan.model;
        let object = map.object.clone();
        move |a: &Assignment| !a.deferred && !is_link_field(model, &object, &a.path)
    }

    fn create(
        &self,
        map: &MapInfo,
        src: &SourceInfo,
        object: &Object,
        cx: &RowCx,
        key: &str,
        seen: &mut HashSet<String>,
    ) -> Fate {
        let record = match self.build(map, object, cx, self.now_fields(map)) {
            Ok(r) => r,
            Err(stop) => return Fate::from_stop(stop),
        };
        if let Some(dedupe) = dedupe_key(map, object, &record) {
            if !seen.insert(dedupe) {
                return Fate {
                    outcome: Outcome::Deduped,
                    code: "deduped",
                    reason: String::new(),
                };
            }
        }
        let id = record_id(&object.name, &src.name, key);
        match self.target.borrow_mut().create(object, &id, &record) {
            Ok(()) => Fate::ok(Outcome::Created),
            Err(e) => Fate {
                outcome: Outcome::Rejected,
                code: "target",
                reason: e.to_string(),
            },
        }
    }

    fn merge(&self, map: &MapInfo, object: &Object, cx: &RowCx) -> Fate {
        let Some(merge) = &map.merge else {
            return Fate::ok(Outcome::Skipped);
        };
        let into = match self.eval.eval(&merge.key, cx, &[]) {
            Ok(v) => key_text(&[v]),
            Err(stop) => return Fate::from_stop(stop),
        };
        if !cx.index.exists(&merge.source, &object.name, &into) {
            let what = format!(
                "no {} record from {} with key {into}",
                object.name, merge.source
            );
            return match &merge.miss {
                MissAction::Reject(m) => Fate::from_stop(Stop::Reject(m.clone().unwrap_or(what))),
                MissAction::Hold(m) => Fate::from_stop(Stop::Hold(m.clone().unwrap_or(what))),
                _ => Fate {
                    outcome: Outcome::Skipped,
                    code: "missing",
                    reason: what,
                },
            };
        }
        let fields = match self.build(map, object, cx, self.now_fields(map)) {
            Ok(r) => r,
            Err(stop) => return Fate::from_stop(stop),
        };
        let id = record_id(&object.name, &merge.source, &into);
        match self.target.borrow_mut().update(object, &id, &fields) {
            Ok(()) => Fate::ok(Outcome::Updated),
            Err(e) => Fate {
                outcome: Outcome::Rejected,
                code: "target",
                reason: e.to_string(),
            },
        }
    }

    /// Second-pass fields of a record this map created in its create step.
    fn later(
        &self,
        map: &MapInfo,
        src: &SourceInfo,
        object: &Object,
        cx: &RowCx,
        key: &str,
        pick: impl Fn(&Assignment) -> bool,
    ) -> Fate {
        if !cx.index.exists(&src.name, &object.name, key) {
            return Fate {
                outcome: Outcome::Skipped,
                code: "not-created",
                reason: "its record was not created".into(),
            };
        }
        let fields = match self.build(map, object, cx, pick) {
            Ok(r) => r,
            Err(stop) => return Fate::from_stop(stop),
        };
        let id = record_id(&object.name, &src.name, key);
        match self.target.borrow_mut().update(object, &id, &fields) {
            Ok(()) => Fate::ok(Outcome::Updated),
            Err(e) => Fate {
                outcome: Outcome::Rejected,
                code: "target",
                reason: e.to_string(),
            },
        }
    }

    fn links(
        &self,
        map: &MapInfo,
        src: &SourceInfo,
        object: &Object,
        cx: &RowCx,
        key: &str,
    ) -> Fate {
        if !cx.index.exists(&src.name, &object.name, key) {
            return Fate {
                outcome: Outcome::Skipped,
                code: "not-created",
                reason: "its record was not created".into(),
            };
        }
        let own_id = record_id(&object.name, &src.name, key);
        let model = &self.plan.model;
        for a in map
            .assignments
            .iter()
            .filter(|a| is_link_field(model, &object.name, &a.path))
        {
            let Some(link) = link_object(model, object, &a.path) else {
                continue;
            };
            let refs = match self.eval.eval(&a.value, cx, &[]) {
                Ok(Value::List(items)) => items,
                Ok(_) => Vec::new(),
                Err(stop) => return Fate::from_stop(stop),
            };
            for r in refs {
                let Value::Ref {
                    object: target,
                    key: target_id,
                } = r
                else {
                    continue;
                };
                let mut record = Map::new();
                record.insert(link_field(link, &object.name), Json::String(own_id.clone()));
                record.insert(link_field(link, &target), Json::String(target_id));
                if let Err(e) = self.target.borrow_mut().link(link, &record) {
                    return Fate {
                        outcome: Outcome::Rejected,
                        code: "target",
                        reason: e.to_string(),
                    };
                }
            }
        }
        Fate::ok(Outcome::Created)
    }
}

fn link_object<'m>(
    model: &'m crate::semantic::Model,
    object: &Object,
    path: &str,
) -> Option<&'m Object> {
    let top = path.split('.').next()?;
    match &object.field(top)?.ty {
        FieldType::Links { object } => model.schema.object(object),
        _ => None,
    }
}

/// The wire name of the link object's relation to `object` (Twenty: `targetPersonId`), or
/// `target<Object>Id` for custom objects the link object gains automatically.
fn link_field(link: &Object, object: &str) -> String {
    link.fields
        .iter()
        .find(|f| matches!(&f.ty, FieldType::Relation { objects } if objects.iter().any(|o| o == object)))
        .map(|f| f.api.clone())
        .unwrap_or_else(|| format!("target{object}Id"))
}

/// The values of the map's dedupe fields, or None when any is null (null never collides).
fn dedupe_key(map: &MapInfo, object: &Object, record: &Map<String, Json>) -> Option<String> {
    if map.dedupe.is_empty() {
        return None;
    }
    let mut parts = Vec::new();
    for path in &map.dedupe {
        let mut segs = path.split('.');
        let top = segs.next()?;
        let api = object.field(top).map(|f| f.api.as_str()).unwrap_or(top);
        let mut node = record.get(api)?;
        for s in segs {
            node = node.get(s)?;
        }
        match node {
            Json::Null => return None,
            Json::String(s) if s.is_empty() => return None,
            other => parts.push(other.to_string().to_lowercase()),
        }
    }
    Some(parts.join("\u{1f}"))
}

/// Every column of the row, with sensitive values replaced when the migration or column says so.
fn redacted(
    src: &SourceInfo,
    original: Vec<(String, String)>,
    all_sensitive: bool,
) -> Map<String, Json> {
    original
        .into_iter()
        .map(|(k, v)| {
            let sensitive = src.sensitive || src.columns.iter().any(|c| c.name == k && c.sensitive);
            let shown = if sensitive && (all_sensitive || src.sensitive || !v.is_empty()) {
                "‹redacted›".to_string()
            } else {
                v
            };
            (k, Json::String(shown))
        })
        .collect()
}
