//! The phases that revisit records, a row at a time: merges into the record another map made,
//! second-pass (deferred) fields, and link records. Like a create step's pure half (`work.rs`)
//! each row is worked out into a block's [`Out`], then settled with the block (`settle.rs`).

use super::fate::Fate;
use super::step::{link_field, StepPlan};
use super::work::{Made, Out, Pure, Worked};
use crate::eval::index::{key_text, push_key, push_key_as_read, RowContext};
use crate::eval::owned::{truthy, Evaluator};
use crate::eval::record::{content_hash, RecordId};
use crate::eval::shape::write_sorted;
use crate::eval::typing::type_into;
use crate::eval::value::{Stop, Value, Worst};
use crate::io::block::Block;
use crate::ir::{MissAction, Outcome, Phase};
use serde_json::{Map, Value as Json};
use smallvec::SmallVec;
use std::cell::RefCell;

/// Evaluates the step's written values for a typed row, in order, into `values`.
pub fn build_into(
    eval: &Evaluator,
    step_plan: &StepPlan,
    row: &[Value],
    resolver: &RowContext,
    values: &mut Vec<Value>,
) -> Result<(), Stop> {
    values.clear();
    let mut worst = Worst::default();
    for v in &step_plan.values {
        match eval.run(v, row, resolver, &[]) {
            Ok(value) => values.push(value),
            Err(stop) => {
                if worst.add(stop) {
                    break;
                }
                values.push(Value::Null);
            }
        }
    }
    for check in &step_plan.checks {
        if let Err(stop) = eval.run(check, row, resolver, &[]) {
            if worst.add(stop) {
                break;
            }
        }
    }
    match worst.0 {
        Some(stop) => Err(stop),
        None => Ok(()),
    }
}

/// Whether the map's `when` takes this row: a skip (or the stop it raised) when it does not.
pub fn routed_here(
    eval: &Evaluator,
    step_plan: &StepPlan,
    row: &[Value],
    resolver: &RowContext,
) -> Result<(), Fate> {
    let Some(when) = &step_plan.when else {
        return Ok(());
    };
    match eval.run(when, row, resolver, &[]) {
        Ok(v) if truthy(&v) => Ok(()),
        Ok(_) => Err(Fate::bad(Outcome::Skipped, "when", "")),
        Err(stop) => Err(Fate::from_stop(stop)),
    }
}

/// The values of the map's dedupe fields, or None when any is null (null never collides).
pub fn dedupe_key(step_plan: &StepPlan, values: &[Value]) -> Option<String> {
    if step_plan.map.dedupe.is_empty() {
        return None;
    }
    let mut parts = Vec::new();
    for path in &step_plan.map.dedupe {
        let wire: Vec<&str> = path.wire.iter().map(String::as_str).collect();
        let value = step_plan.shape.get(values, &wire)?;
        match value {
            Value::Null => return None,
            Value::Text(s) if s.is_empty() => return None,
            Value::Ref(r) if r.key.is_empty() => return None,
            _ => {}
        }
        // Its JSON, so "1" and 1 stay apart and equal decimals (1.5, 1.50) meet.
        let mut json = Vec::new();
        write_sorted(&mut json, value);
        parts.push(String::from_utf8_lossy(&json).to_lowercase());
    }
    Some(parts.join("\u{1f}"))
}

/// Works a block's rows out for a merge, second-pass or links step.
pub fn work_rows(pure: &Pure, block: &Block, out: &mut Out) {
    let unmatched = RefCell::new(std::mem::take(&mut out.unmatched));
    let mut typed = Vec::with_capacity(pure.step_plan.source.columns.len());
    let mut values = Vec::with_capacity(pure.step_plan.values.len());
    for row in 0..block.len() {
        let start = out.text.len();
        let made = row_out(pure, block, row, &mut typed, &mut values, out, &unmatched);
        out.worked.push(Worked {
            key: start..out.text.len(),
            made,
        });
    }
    out.unmatched = unmatched.into_inner();
}

/// One row: typed, keyed (its key appended to `out.text`), routed, then its phase's record.
fn row_out(
    pure: &Pure,
    block: &Block,
    row: usize,
    typed: &mut Vec<Value>,
    values: &mut Vec<Value>,
    out: &mut Out,
    unmatched: &RefCell<std::collections::BTreeMap<String, u64>>,
) -> Result<Made, Fate> {
    let step_plan = pure.step_plan;
    if let Some(why) = block.unreadable(row) {
        return Err(Fate::unreadable(why));
    }
    let start = out.text.len();
    let typing = type_into(&step_plan.source.columns, block.values(row), typed);
    match typing {
        Ok(()) => push_key(&step_plan.key_columns, typed, &mut out.text),
        Err(_) => push_key_as_read(
            &step_plan.source.columns,
            &step_plan.key_columns,
            block.values(row),
            &mut out.text,
        ),
    }
    let key = out.text[start..].to_string();
    // A later pass revisits only the records its map's first pass made (or merged into): a
    // row that did not land there had its one outcome there, and is not evaluated again.
    let revisited = match step_plan.phase() {
        Phase::Deferred | Phase::Links => Some(first_pass_record(pure, &key)?),
        _ => None,
    };
    typing.map_err(|e| Fate::bad(Outcome::Rejected, e.code, e.message))?;
    let resolver = RowContext {
        index: pure.index,
        default_owner: pure.default_owner,
        unmatched,
    };
    routed_here(pure.eval, step_plan, typed, &resolver)?;
    let row = Row {
        pure,
        typed,
        resolver: &resolver,
    };
    match (step_plan.phase(), revisited) {
        (Phase::Merge, _) => row.merge(values, out),
        (Phase::Deferred, Some(id)) => row.later(id, values, out),
        (Phase::Links, Some(id)) => row.links(id, out),
        // Create steps are worked by `work.rs`; lookup-only sources are loaded, not stepped.
        _ => Err(Fate::bad(
            Outcome::Rejected,
            "internal",
            "a create row outside its step",
        )),
    }
}

/// The record the step's map made of the row with this key (or, for a merge map, merged the
/// row into), which a later pass revisits.
fn first_pass_record(pure: &Pure, key: &str) -> Result<RecordId, Fate> {
    let step_plan = pure.step_plan;
    let index = pure.index;
    if step_plan.map.merge.is_some() {
        let into = index.alias(step_plan.source_id, step_plan.object_id, key);
        return into.and_then(RecordId::parse).ok_or_else(|| {
            Fate::bad(
                Outcome::Skipped,
                "not-merged",
                "its row was not merged into a record",
            )
        });
    }
    if index.exists(step_plan.source_id, step_plan.object_id, key) {
        let (object, source) = (&step_plan.object.name, &step_plan.source.name);
        return Ok(RecordId::new(object, source, key));
    }
    if index
        .alias(step_plan.source_id, step_plan.object_id, key)
        .is_some()
    {
        return Err(Fate::bad(
            Outcome::Skipped,
            "deduped",
            "its row was made one with another record",
        ));
    }
    Err(Fate::bad(
        Outcome::Skipped,
        "not-created",
        "its record was not created",
    ))
}

/// A typed row of a merge, second-pass or links step.
struct Row<'r> {
    pure: &'r Pure<'r>,
    typed: &'r [Value],
    resolver: &'r RowContext<'r>,
}

impl Row<'_> {
    fn build(&self, values: &mut Vec<Value>) -> Result<(), Fate> {
        build_into(
            self.pure.eval,
            self.pure.step_plan,
            self.typed,
            self.resolver,
            values,
        )
        .map_err(Fate::from_stop)?;
        match self.pure.step_plan.contract.check_owned(values) {
            Some(refused) => Err(refused),
            None => Ok(()),
        }
    }

    /// The record's written fields, its hash, for the record with this id.
    fn update(&self, id: RecordId, values: &[Value], out: &mut Out) -> Made {
        let at = out.json.len();
        self.pure
            .step_plan
            .shape
            .write_members(values, &mut out.json);
        Made {
            dedupe: None,
            hash: xxhash_rust::xxh3::xxh3_64(&out.json[at..]),
            json: at..out.json.len(),
            id,
            links: Vec::new(),
            uniques: self
                .pure
                .step_plan
                .uniques
                .iter()
                .map(|u| u.hash_owned(values))
                .collect(),
        }
    }

    /// Writes into the record another map made from the merge source's row with this key.
    fn merge(&self, values: &mut Vec<Value>, out: &mut Out) -> Result<Made, Fate> {
        let step_plan = self.pure.step_plan;
        let (Some(merge), Some(merge_key)) = (&step_plan.map.merge, &step_plan.merge_key) else {
            return Err(Fate::bad(Outcome::Skipped, "merge", ""));
        };
        let into = match self
            .pure
            .eval
            .run(merge_key, self.typed, self.resolver, &[])
        {
            Ok(v) => key_text(&[v]),
            Err(stop) => return Err(Fate::from_stop(stop)),
        };
        let source = self.pure.eval.source_name(merge.source);
        // The record a deduped row was made one with is the one merged into.
        let Some(id) = self
            .pure
            .index
            .record_of(merge.source, step_plan.object_id, &into)
        else {
            let what = format!(
                "no {} record from {source} with key {}",
                step_plan.object.name,
                crate::eval::index::key_shown(&into)
            );
            return Err(match &merge.miss {
                MissAction::Reject(m) => Fate::from_stop(Stop::Reject(m.clone().unwrap_or(what))),
                MissAction::Hold(m) => Fate::from_stop(Stop::Hold(m.clone().unwrap_or(what))),
                _ => Fate::bad(Outcome::Skipped, "missing", what),
            });
        };
        self.build(values)?;
        let id = RecordId::parse(&id).ok_or_else(|| {
            Fate::bad(
                Outcome::Rejected,
                "internal",
                format!("{id} is not a record id"),
            )
        })?;
        Ok(self.update(id, values, out))
    }

    /// Second-pass (deferred) fields of the record this map's first pass wrote.
    fn later(&self, id: RecordId, values: &mut Vec<Value>, out: &mut Out) -> Result<Made, Fate> {
        self.build(values)?;
        Ok(self.update(id, values, out))
    }

    /// The link records of a record this map created: one per reference in each links field.
    fn links(&self, own: RecordId, out: &mut Out) -> Result<Made, Fate> {
        let step_plan = self.pure.step_plan;
        let program = self.pure.eval.program();
        let mut records: Vec<(usize, Map<String, Json>, RecordId)> = Vec::new();
        let mut worst = Worst::default();
        for (i, value) in step_plan.values.iter().enumerate() {
            let refs = match self.pure.eval.run(value, self.typed, self.resolver, &[]) {
                Ok(Value::List(items)) => items,
                Ok(_) => Vec::new(),
                Err(stop) => {
                    if worst.add(stop) {
                        break;
                    }
                    Vec::new()
                }
            };
            let link = step_plan.links[i];
            for r in refs {
                let Value::Ref(target) = r else { continue };
                // A link record's id, like every record's, is made of what it joins: the same
                // two records make the same link, so a target named twice is linked once.
                let id = RecordId::new(&link.name, own.as_str(), &target.key);
                if records
                    .iter()
                    .any(|(_, _, known)| known.as_str() == id.as_str())
                {
                    continue;
                }
                let mut record = Map::new();
                let own_field = link_field(program, link, Some(step_plan.object_id));
                record.insert(own_field, Json::String(own.as_str().to_string()));
                record.insert(
                    link_field(program, link, target.object),
                    Json::String(target.key),
                );
                records.push((i, record, id));
            }
        }
        if let Some(stop) = worst.0 {
            return Err(Fate::from_stop(stop));
        }
        // The hash of what the links are, as every run has hashed it: records by position.
        let content: Map<String, Json> = records
            .iter()
            .enumerate()
            .map(|(n, (_, r, _))| (n.to_string(), Json::Object(r.clone())))
            .collect();
        let links = records
            .into_iter()
            .map(|(i, r, id)| {
                let at = out.json.len();
                write_members(&r, &mut out.json);
                (i, at..out.json.len(), id)
            })
            .collect();
        Ok(Made {
            dedupe: None,
            hash: content_hash(&content),
            json: 0..0,
            id: own,
            links,
            uniques: SmallVec::new(),
        })
    }
}

/// A record's members as JSON, without braces, in its map's order.
fn write_members(record: &Map<String, Json>, out: &mut Vec<u8>) {
    for (i, (k, v)) in record.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let _ = serde_json::to_writer(&mut *out, k);
        out.push(b':');
        let _ = serde_json::to_writer(&mut *out, v);
    }
}
