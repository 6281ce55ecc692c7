//! `twenty-csv:OUT`: files for Twenty's CSV import (shared/targets/twenty.md). Composite columns
//! are named "<Field label> / <Subfield label>", relations name the record by the unique field
//! the import accepts (company by domain, person and member by email), booleans are TRUE/FALSE,
//! at most 10,000 rows a file, files numbered in load order. Link records (task and note targets)
//! cannot be imported and are written beside them as JSON lines for the API.

use super::{Answer, Ids, Record, RecordStore, Target, TargetError, Write, WriteKind};
use crate::ir::number::{self, Decimal};
use crate::ir::{Field, FieldType, Object, ObjectId, Schema};
use serde_json::{Map, Value as Json};
use std::collections::HashMap;
use std::io::Write as _;
use std::path::PathBuf;

pub const ROWS_PER_FILE: usize = 10_000;

pub struct TwentyCsvTarget {
    dir: PathBuf,
    schema: Schema,
    order: Vec<ObjectId>,
    /// Created records in creation order; merges and second passes apply in place.
    records: RecordStore,
    /// id → the value the import references that record by.
    handles: HashMap<String, String>,
    links: Vec<(String, Map<String, Json>)>,
}

impl TwentyCsvTarget {
    pub fn new(dir: PathBuf, program: &crate::ir::Program) -> Result<TwentyCsvTarget, TargetError> {
        std::fs::create_dir_all(&dir).map_err(TargetError::io(&dir))?;
        Ok(TwentyCsvTarget {
            dir,
            schema: program.schema.clone(),
            order: program.order.clone(),
            records: RecordStore::default(),
            handles: HashMap::new(),
            links: Vec::new(),
        })
    }

    fn write_object(&self, number: usize, object: &Object, rows: &[Record]) -> std::io::Result<()> {
        let columns = columns(object, &self.schema, rows);
        for (chunk_no, chunk) in rows.chunks(ROWS_PER_FILE).enumerate() {
            let name = format!("{number:02}-{}-{}.csv", object.plural, chunk_no + 1);
            let path = super::file_in(&self.dir, &name).map_err(std::io::Error::other)?;
            let mut w = csv::Writer::from_path(path)?;
            w.write_record(columns.iter().map(|c| c.header.as_str()))?;
            for (_, record) in chunk {
                w.write_record(columns.iter().map(|c| self.cell(c, record)))?;
            }
            w.flush()?;
        }
        Ok(())
    }

    fn cell(&self, c: &Column, record: &Map<String, Json>) -> String {
        let mut node = record.get(&c.api);
        if let Some(sub) = &c.sub {
            node = node.and_then(|n| n.get(sub));
        }
        match node {
            None | Some(Json::Null) => String::new(),
            Some(Json::String(s)) if c.relation => {
                self.handles.get(s).cloned().unwrap_or_else(|| s.clone())
            }
            Some(Json::String(s)) => s.clone(),
            Some(Json::Bool(b)) => if *b { "TRUE" } else { "FALSE" }.to_string(),
            Some(Json::Number(n)) => plain_number(n),
            Some(other) => other.to_string(),
        }
    }
}

/// A number as the import reads it: digits, never an exponent (`1e-7` is `0.0000001`).
/// Records reach this target through serde_json, so a decimal of more than 15 significant
/// digits has been through an `f64` on the way (Twenty's number fields are floats too);
/// amounts are exact: CURRENCY is integer micros.
fn plain_number(n: &serde_json::Number) -> String {
    let text = n.to_string();
    if !text.contains(['e', 'E']) {
        return text;
    }
    Decimal::from_scientific(&text)
        .map(number::canonical)
        .unwrap_or(text)
}

struct Column {
    header: String,
    api: String,
    sub: Option<String>,
    relation: bool,
}

fn label(f: &Field) -> String {
    f.label.clone().unwrap_or_else(|| f.name.clone())
}

/// The columns the rows use, in the object's field order.
fn columns(object: &Object, schema: &Schema, rows: &[Record]) -> Vec<Column> {
    let used = |api: &str, sub: Option<&str>| {
        rows.iter().any(|(_, r)| match (r.get(api), sub) {
            (Some(v), Some(s)) => v.get(s).is_some_and(|x| !x.is_null()),
            (Some(v), None) => !v.is_null(),
            _ => false,
        })
    };
    let mut out = Vec::new();
    for f in &object.fields {
        match &f.ty {
            FieldType::Composite { name } => {
                for sub in schema
                    .composites
                    .get(name)
                    .map(|c| c.fields.as_slice())
                    .unwrap_or(&[])
                {
                    if used(&f.api, Some(&sub.name)) {
                        out.push(Column {
                            header: format!("{} / {}", label(f), label(sub)),
                            api: f.api.clone(),
                            sub: Some(sub.name.clone()),
                            relation: false,
                        });
                    }
                }
            }
            FieldType::Links { .. } => {}
            ty if used(&f.api, None) => out.push(Column {
                header: label(f),
                api: f.api.clone(),
                sub: None,
                relation: matches!(ty, FieldType::Relation { .. }),
            }),
            _ => {}
        }
    }
    out
}

/// What the import references a record by: its unique field's value (a composite's unique
/// subfield), e.g. a person's primary email or a company's domain.
fn handle(object: &Object, record: &Map<String, Json>) -> Option<String> {
    for f in object.fields.iter().filter(|f| f.is_unique()) {
        let v = match f.unique.as_ref().and_then(|u| u.as_ref()) {
            Some(sub) => record.get(&f.api).and_then(|c| c.get(sub)),
            None => record.get(&f.api),
        };
        if let Some(Json::String(s)) = v {
            return Some(s.clone());
        }
    }
    None
}

impl TwentyCsvTarget {
    /// Keeps one write; a record whose JSON does not read back is refused with why.
    fn keep(&mut self, w: &Write) -> Answer {
        let record = match w.fields.to_map() {
            Ok(r) => r,
            Err(e) => {
                return Answer::Refused {
                    reason: e.to_string(),
                }
            }
        };
        let id = w.id.unwrap_or_default();
        match w.kind {
            WriteKind::Create => {
                if let Some(h) = handle(w.object, &record) {
                    self.handles.insert(id.to_string(), h);
                }
                self.records.create(&w.object.name, id, &record);
            }
            WriteKind::Update => self.records.update(&w.object.name, id, &record),
            WriteKind::Link => self.links.push((w.object.api.clone(), record)),
        }
        Answer::WRITTEN
    }

    fn write_links(&self) -> std::io::Result<()> {
        let mut f = std::io::BufWriter::new(std::fs::File::create(
            self.dir.join("api-only-link-records.jsonl"),
        )?);
        for (api, r) in &self.links {
            serde_json::to_writer(&mut f, &serde_json::json!({ "object": api, "record": r }))?;
            f.write_all(b"\n")?;
        }
        f.flush()
    }
}

#[async_trait::async_trait(?Send)]
impl Target for TwentyCsvTarget {
    fn ids(&self) -> Ids {
        Ids::Accepted
    }

    fn snapshot(&self) -> bool {
        true
    }

    async fn write(&mut self, batch: &[Write<'_>]) -> Result<Vec<Answer>, TargetError> {
        Ok(batch.iter().map(|w| self.keep(w)).collect())
    }

    async fn finish(&mut self) -> Result<(), TargetError> {
        for (n, &id) in self.order.iter().enumerate() {
            let object = self.schema.object_at(id);
            self.write_object(n + 1, object, self.records.of(&object.name))
                .map_err(TargetError::io(&self.dir))?;
        }
        if !self.links.is_empty() {
            self.write_links().map_err(TargetError::io(&self.dir))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_are_written_without_an_exponent() {
        let cell = |j: &str| super::plain_number(&serde_json::from_str(j).expect("a number"));
        assert_eq!(cell("0.0000001"), "0.0000001");
        assert_eq!(cell("1e21"), "1000000000000000000000");
        assert_eq!(cell("1234.5"), "1234.5");
        assert_eq!(cell("-12"), "-12");
    }
}
