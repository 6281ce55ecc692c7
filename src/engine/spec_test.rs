//! `mapc test`: runs each `test` block of a spec through the engine, in memory, and compares
//! what came out with what the test expects.

use crate::engine::Engine;
use crate::eval::shape::Fields;
use crate::eval::typing::Raw;
use crate::io::report::{MemorySink, Outcome};
use crate::io::source::{MemorySources, Original, RawRow};
use crate::io::target::{RecordStore, Target};
use crate::plan::Plan;
use crate::semantic::model::{TestExpect, TestInfo};
use crate::semantic::schema::Object;
use crate::syntax::ast::TestOutcome;
use serde_json::{Map, Value as Json};
use std::cell::RefCell;
use std::rc::Rc;

#[derive(Debug)]
pub struct TestResult {
    pub name: String,
    pub failures: Vec<String>,
}

impl TestResult {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// The records a test run created (merges and second passes applied).
#[derive(Clone, Default)]
struct MemoryTarget(Rc<RefCell<RecordStore>>);

impl Target for MemoryTarget {
    fn create(&mut self, object: &Object, id: &str, record: &Fields) -> std::io::Result<()> {
        self.0
            .borrow_mut()
            .create(&object.name, id, &record.to_map()?);
        Ok(())
    }

    fn update(&mut self, object: &Object, id: &str, fields: &Fields) -> std::io::Result<()> {
        self.0
            .borrow_mut()
            .update(&object.name, id, &fields.to_map()?);
        Ok(())
    }

    fn link(&mut self, link: &Object, record: &Map<String, Json>) -> std::io::Result<()> {
        self.0.borrow_mut().create(&link.name, "", record);
        Ok(())
    }

    fn finish(&mut self) -> std::io::Result<()> {
        Ok(())
    }

    fn snapshot(&self) -> bool {
        true
    }
}

fn raw(v: &Json) -> Raw {
    match v {
        Json::Null => Raw::Null,
        Json::String(s) => Raw::Text(s.as_str().into()),
        other => Raw::Text(other.to_string().into()),
    }
}

fn sources(plan: &Plan, test: &TestInfo) -> MemorySources {
    let mut out = MemorySources {
        users: test.users.iter().map(|u| (u.clone(), u.clone())).collect(),
        ..MemorySources::default()
    };
    for (i, g) in test.givens.iter().enumerate() {
        let Some(src) = plan.model.sources.iter().find(|s| s.name == g.source) else {
            continue;
        };
        let values = src
            .columns
            .iter()
            .map(|c| {
                g.row
                    .iter()
                    .find(|(k, _)| *k == c.name)
                    .map_or(Raw::Missing, |(_, v)| raw(v))
            })
            .collect();
        let original = g
            .row
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    v.as_str().map_or_else(|| v.to_string(), str::to_string),
                )
            })
            .collect();
        out.rows.entry(g.source.clone()).or_default().push(RawRow {
            line: i as u64 + 1,
            values,
            original: Original::Pairs(original),
        });
    }
    out
}

pub fn run_all(plan: &Plan) -> Vec<TestResult> {
    plan.model.tests.iter().map(|t| run_one(plan, t)).collect()
}

pub fn run_one(plan: &Plan, test: &TestInfo) -> TestResult {
    let sources = sources(plan, test);
    let target = MemoryTarget::default();
    let sink = Rc::new(RefCell::new(MemorySink::default()));
    let engine = Engine::new(
        plan,
        &sources,
        Box::new(target.clone()),
        Box::new(SharedSink(sink.clone())),
        None,
    );
    let mut failures = Vec::new();
    if let Err(e) = engine.and_then(Engine::run).map(|_| ()) {
        failures.push(format!("the run failed: {e}"));
    }
    let store = target.0.borrow();
    let sink = sink.borrow();
    for expect in &test.expects {
        if let Some(f) = check(plan, expect, &store, &sink) {
            failures.push(f);
        }
    }
    TestResult {
        name: test.name.clone(),
        failures,
    }
}

struct SharedSink(Rc<RefCell<MemorySink>>);

impl crate::io::report::Sink for SharedSink {
    fn exception(&mut self, e: &crate::io::report::Exception) -> std::io::Result<()> {
        self.0.borrow_mut().exception(e)
    }
    fn finish(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn check(
    plan: &Plan,
    expect: &TestExpect,
    store: &RecordStore,
    sink: &MemorySink,
) -> Option<String> {
    match expect {
        TestExpect::Outcome {
            outcome,
            source,
            reason,
        } => {
            let wanted = match outcome {
                TestOutcome::Rejected => Outcome::Rejected,
                TestOutcome::Held => Outcome::Held,
                TestOutcome::Skipped => Outcome::Skipped,
            };
            let found = sink.rows.iter().any(|(o, s, _, r)| {
                *o == wanted
                    && s == source
                    && reason
                        .as_ref()
                        .is_none_or(|want| r.to_lowercase().contains(&want.to_lowercase()))
            });
            if found {
                return None;
            }
            let seen: Vec<String> = sink
                .rows
                .iter()
                .filter(|(_, s, _, _)| s == source)
                .map(|(o, _, _, r)| format!("{o:?}: {r}"))
                .collect();
            Some(format!(
                "expected a {wanted:?} row of {source}{}; got {}",
                reason
                    .as_ref()
                    .map(|r| format!(" with reason containing {r:?}"))
                    .unwrap_or_default(),
                if seen.is_empty() {
                    "none".to_string()
                } else {
                    seen.join("; ")
                }
            ))
        }
        TestExpect::Record { object, fields } => {
            let obj = plan.model.schema.object(object)?;
            let records = store.of(object);
            let mut best: Option<(usize, Vec<String>)> = None;
            for (_, r) in records {
                let misses: Vec<String> = fields
                    .iter()
                    .filter_map(|(path, want)| mismatch(obj, r, path, want))
                    .collect();
                if misses.is_empty() {
                    return None;
                }
                if best.as_ref().is_none_or(|(n, _)| misses.len() < *n) {
                    best = Some((misses.len(), misses));
                }
            }
            Some(match best {
                None => {
                    let fates: Vec<String> = sink
                        .rows
                        .iter()
                        .map(|(o, s, _, r)| format!("{s} {o:?}: {r}"))
                        .collect();
                    format!(
                        "no {object} record was created; rows that did not land: {}",
                        if fates.is_empty() {
                            "none".into()
                        } else {
                            fates.join("; ")
                        }
                    )
                }
                Some((_, misses)) => format!(
                    "no {object} record matches; the closest differs in: {}",
                    misses.join(", ")
                ),
            })
        }
    }
}

/// `None` when the record's value at `path` equals `want`.
fn mismatch(obj: &Object, record: &Map<String, Json>, path: &str, want: &Json) -> Option<String> {
    let mut parts = path.split('.');
    let top = parts.next()?;
    let api = obj.field(top).map(|f| f.api.as_str()).unwrap_or(top);
    let mut node = record.get(api);
    for p in parts {
        node = node.and_then(|n| n.get(p));
    }
    let got = node.cloned().unwrap_or(Json::Null);
    let same = match (&got, want) {
        (Json::Number(a), Json::Number(b)) => a.as_f64() == b.as_f64(),
        (a, b) => a == b,
    };
    (!same).then(|| format!("{path} is {got}, expected {want}"))
}
