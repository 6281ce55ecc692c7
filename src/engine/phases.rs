//! What a row does in each phase: create a record, merge into another map's record, write its
//! second-pass fields, or create its link records.

use crate::engine::{Engine, Fate, RowCx, StepCx};
use crate::eval::index::key_text;
use crate::eval::owned::Evaluator;
use crate::eval::record::{content_hash, RecordId};
use crate::eval::shape::{Fields, Shape};
use crate::eval::value::{Stop, Value};
use crate::io::report::Outcome;
use crate::plan::is_link_field;
use crate::semantic::model::MapInfo;
use crate::semantic::schema::{FieldType, Object};
use crate::syntax::ast::MissAction;
use serde_json::{Map, Value as Json};

/// A link record to write, and the link object it belongs to.
type LinkRecord<'m> = (&'m Object, Map<String, Json>);

/// Evaluates the assignments this step writes, in order; the others stay null.
pub(crate) fn build(eval: &Evaluator, sx: &StepCx, cx: &RowCx) -> Result<Vec<Value>, Stop> {
    let mut values = Vec::with_capacity(sx.values.len());
    build_into(eval, sx, cx, &mut values)?;
    Ok(values)
}

/// [`build`] into a buffer reused from row to row.
pub(crate) fn build_into(
    eval: &Evaluator,
    sx: &StepCx,
    cx: &RowCx,
    values: &mut Vec<Value>,
) -> Result<(), Stop> {
    values.clear();
    values.resize_with(sx.values.len(), || Value::Null);
    for &i in &sx.written {
        values[i] = eval.run(&sx.values[i], cx.row, cx, &[])?;
    }
    Ok(())
}

impl Engine<'_> {
    fn build(&self, sx: &StepCx, cx: &RowCx) -> Result<Vec<Value>, Stop> {
        build(&self.eval, sx, cx)
    }

    /// Writes the record's members once, hashes them, and settles the row with them.
    fn land(
        &self,
        sx: &StepCx,
        key: &str,
        id: &RecordId,
        values: &[Value],
        fresh: Outcome,
        write: impl FnOnce(&Fields) -> std::io::Result<()>,
    ) -> Fate {
        let mut json = self.scratch.borrow_mut();
        json.clear();
        sx.shape.write_members(values, &mut json);
        let hash = xxhash_rust::xxh3::xxh3_64(&json);
        let fields = Fields { json: &json };
        self.settle(sx, key, id, hash, fresh, || write(&fields))
    }

    pub(crate) fn merge(&self, sx: &StepCx, cx: &RowCx, key: &str) -> Fate {
        let Some(merge) = &sx.map.merge else {
            return Fate::bad(Outcome::Skipped, "merge", "");
        };
        let Some(merge_key) = &sx.merge_key else {
            return Fate::bad(Outcome::Skipped, "merge", "");
        };
        let into = match self.eval.run(merge_key, cx.row, cx, &[]) {
            Ok(v) => key_text(&[v]),
            Err(stop) => return Fate::from_stop(stop),
        };
        if !cx.index.exists(&merge.source, &sx.object.name, &into) {
            let what = format!(
                "no {} record from {} with key {into}",
                sx.object.name, merge.source
            );
            return match &merge.miss {
                MissAction::Reject(m) => Fate::from_stop(Stop::Reject(m.clone().unwrap_or(what))),
                MissAction::Hold(m) => Fate::from_stop(Stop::Hold(m.clone().unwrap_or(what))),
                _ => Fate::bad(Outcome::Skipped, "missing", what),
            };
        }
        let values = match self.build(sx, cx) {
            Ok(r) => r,
            Err(stop) => return Fate::from_stop(stop),
        };
        let id = RecordId::new(&sx.object.name, &merge.source, &into);
        self.land(sx, key, &id, &values, Outcome::Updated, |fields| {
            self.target
                .borrow_mut()
                .update(sx.object, id.as_str(), fields)
        })
    }

    /// Second-pass (deferred) fields of a record this map created.
    pub(crate) fn later(&self, sx: &StepCx, cx: &RowCx, key: &str) -> Fate {
        if !cx.index.exists(&sx.src.name, &sx.object.name, key) {
            return Fate::bad(
                Outcome::Skipped,
                "not-created",
                "its record was not created",
            );
        }
        let values = match self.build(sx, cx) {
            Ok(r) => r,
            Err(stop) => return Fate::from_stop(stop),
        };
        let id = RecordId::new(&sx.object.name, &sx.src.name, key);
        self.land(sx, key, &id, &values, Outcome::Updated, |fields| {
            self.target
                .borrow_mut()
                .update(sx.object, id.as_str(), fields)
        })
    }

    pub(crate) fn links(&self, sx: &StepCx, cx: &RowCx, key: &str) -> Fate {
        if !cx.index.exists(&sx.src.name, &sx.object.name, key) {
            return Fate::bad(
                Outcome::Skipped,
                "not-created",
                "its record was not created",
            );
        }
        let own_id = RecordId::new(&sx.object.name, &sx.src.name, key);
        let records = match self.link_records(sx, cx, own_id.as_str()) {
            Ok(r) => r,
            Err(stop) => return Fate::from_stop(stop),
        };
        let content: Map<String, Json> = records
            .iter()
            .enumerate()
            .map(|(i, (_, r))| (i.to_string(), Json::Object(r.clone())))
            .collect();
        let hash = content_hash(&content);
        self.settle(sx, key, &own_id, hash, Outcome::Created, || {
            for (link, record) in &records {
                self.target.borrow_mut().link(link, record)?;
            }
            Ok(())
        })
    }

    fn link_records<'m>(
        &'m self,
        sx: &StepCx,
        cx: &RowCx,
        own_id: &str,
    ) -> Result<Vec<LinkRecord<'m>>, Stop> {
        let model = &self.plan.model;
        let mut out = Vec::new();
        for (i, a) in sx
            .map
            .assignments
            .iter()
            .enumerate()
            .filter(|(_, a)| is_link_field(model, &sx.object.name, &a.path))
        {
            let Some(link) = link_object(model, sx.object, &a.path) else {
                continue;
            };
            let refs = match self.eval.run(&sx.values[i], cx.row, cx, &[])? {
                Value::List(items) => items,
                _ => Vec::new(),
            };
            for r in refs {
                let Value::Ref(target) = r else {
                    continue;
                };
                let mut record = Map::new();
                record.insert(
                    link_field(link, &sx.object.name),
                    Json::String(own_id.to_string()),
                );
                record.insert(link_field(link, &target.object), Json::String(target.key));
                out.push((link, record));
            }
        }
        Ok(out)
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
pub(crate) fn dedupe_key(
    map: &MapInfo,
    object: &Object,
    shape: &Shape,
    values: &[Value],
) -> Option<String> {
    if map.dedupe.is_empty() {
        return None;
    }
    let mut parts = Vec::new();
    for path in &map.dedupe {
        let mut segs: Vec<&str> = path.split('.').collect();
        let top = segs.first_mut()?;
        if let Some(f) = object.field(top) {
            *top = f.api.as_str();
        }
        let node = shape.get(values, &segs)?;
        match node {
            Json::Null => return None,
            Json::String(s) if s.is_empty() => return None,
            other => parts.push(other.to_string().to_lowercase()),
        }
    }
    Some(parts.join("\u{1f}"))
}
