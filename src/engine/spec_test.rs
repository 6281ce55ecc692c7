//! `mapc test`: runs each `test` block of a spec through the engine, in memory, and compares
//! what came out with what the test expects.

use super::Engine;
use crate::eval::typing::Raw;
use crate::io::memory::{Kept, MemorySink, MemorySources, MemoryTarget};
use crate::io::source::{Original, RawRow};
use crate::io::target::RecordStore;
use crate::ir::{Expect, Object, Outcome, Test, TestOutcome};
use crate::plan::Plan;
use serde_json::{Map, Value as Json};

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

fn raw(v: &Json) -> Raw {
    match v {
        Json::Null => Raw::Null,
        Json::String(s) => Raw::Text(s.as_str().into()),
        other => Raw::Text(other.to_string().into()),
    }
}

fn sources(plan: &Plan, test: &Test) -> MemorySources {
    let mut out = MemorySources {
        users: test.users.iter().map(|u| (u.clone(), u.clone())).collect(),
        ..MemorySources::default()
    };
    for (i, g) in test.givens.iter().enumerate() {
        let src = plan.program.source(g.source);
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
        out.rows.entry(src.name.clone()).or_default().push(RawRow {
            line: i as u64 + 1,
            values,
            original: Original::Pairs(original),
        });
    }
    out
}

pub fn run_all(plan: &Plan) -> Vec<TestResult> {
    plan.program
        .tests
        .iter()
        .map(|t| run_one(plan, t))
        .collect()
}

pub fn run_one(plan: &Plan, test: &Test) -> TestResult {
    let sources = sources(plan, test);
    let target = MemoryTarget::default();
    let sink = MemorySink::default();
    let engine = Engine::new(
        plan,
        &sources,
        Box::new(target.clone()),
        Box::new(sink.clone()),
        None,
    );
    let mut failures = Vec::new();
    if let Err(e) = engine.and_then(Engine::run).map(|_| ()) {
        failures.push(format!("the run failed: {e}"));
    }
    let store = target.0.borrow();
    let sink = sink.0.borrow();
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

fn check(plan: &Plan, expect: &Expect, store: &RecordStore, sink: &[Kept]) -> Option<String> {
    match expect {
        Expect::Outcome {
            outcome,
            source,
            reason,
        } => outcome_found(plan, *outcome, *source, reason.as_deref(), sink),
        Expect::Record { object, fields } => {
            let obj = plan.program.object(*object);
            record_found(obj, fields, store, sink)
        }
    }
}

/// Whether a row of `source` had the outcome a test expects (with a reason containing its
/// words, when it gives some).
fn outcome_found(
    plan: &Plan,
    outcome: TestOutcome,
    source: crate::ir::SourceId,
    reason: Option<&str>,
    sink: &[Kept],
) -> Option<String> {
    let wanted = match outcome {
        TestOutcome::Rejected => Outcome::Rejected,
        TestOutcome::Held => Outcome::Held,
        TestOutcome::Skipped => Outcome::Skipped,
    };
    let source = &plan.program.source(source).name;
    let found = sink.iter().any(|k| {
        k.outcome == wanted
            && k.source == *source
            && reason.is_none_or(|want| k.reason.to_lowercase().contains(&want.to_lowercase()))
    });
    if found {
        return None;
    }
    let seen: Vec<String> = sink
        .iter()
        .filter(|k| k.source == *source)
        .map(|k| format!("{}: {}", k.outcome.name(), k.reason))
        .collect();
    Some(format!(
        "expected a {} row of {source}{}; got {}",
        wanted.name(),
        reason
            .map(|r| format!(" with reason containing {r:?}"))
            .unwrap_or_default(),
        if seen.is_empty() {
            "none".to_string()
        } else {
            seen.join("; ")
        }
    ))
}

/// Whether a record of `obj` with the fields a test expects was made; else the closest one.
fn record_found(
    obj: &Object,
    fields: &[(String, Json)],
    store: &RecordStore,
    sink: &[Kept],
) -> Option<String> {
    let object = &obj.name;
    let mut best: Option<(usize, Vec<String>)> = None;
    for (_, r) in store.of(object) {
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
                .iter()
                .map(|k| format!("{} {}: {}", k.source, k.outcome.name(), k.reason))
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
