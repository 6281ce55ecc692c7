//! Where records go. The engine writes through [`Target`]; `dir:` writes JSON lines per object,
//! and the live adapters (Twenty, Freshsales, Nutshell) will implement the same trait.

use crate::eval::shape::{write_str, Fields};
use crate::semantic::schema::Object;
use serde_json::{Map, Value as Json};
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

/// A record a target keeps: its id and its fields in wire shape.
pub type Record = (String, Map<String, Json>);

/// Records kept in memory by object, in creation order; an update merges into its record
/// deeply, so a merge writing `address.addressCity` keeps the street the create wrote.
#[derive(Default)]
pub struct RecordStore {
    records: HashMap<String, Vec<Record>>,
    position: HashMap<String, usize>,
}

impl RecordStore {
    pub fn create(&mut self, object: &str, id: &str, record: &Map<String, Json>) {
        let rows = self.records.entry(object.to_string()).or_default();
        if !id.is_empty() {
            self.position.insert(id.to_string(), rows.len());
        }
        rows.push((id.to_string(), record.clone()));
    }

    pub fn update(&mut self, object: &str, id: &str, fields: &Map<String, Json>) {
        let Some(&i) = self.position.get(id) else {
            return;
        };
        if let Some((_, r)) = self
            .records
            .get_mut(object)
            .and_then(|rows| rows.get_mut(i))
        {
            deep_merge(r, fields);
        }
    }

    pub fn of(&self, object: &str) -> &[Record] {
        self.records.get(object).map(Vec::as_slice).unwrap_or(&[])
    }
}

fn deep_merge(into: &mut Map<String, Json>, from: &Map<String, Json>) {
    for (k, v) in from {
        match (into.get_mut(k), v) {
            (Some(Json::Object(a)), Json::Object(b)) => deep_merge(a, b),
            _ => {
                into.insert(k.clone(), v.clone());
            }
        }
    }
}

pub trait Target {
    fn create(&mut self, object: &Object, id: &str, record: &Fields) -> std::io::Result<()>;
    /// Sets these fields of the record with this id (merges, second passes).
    fn update(&mut self, object: &Object, id: &str, fields: &Fields) -> std::io::Result<()>;
    /// A link record (Twenty task/note target) joining two existing records.
    fn link(&mut self, link: &Object, record: &Map<String, Json>) -> std::io::Result<()>;
    fn finish(&mut self) -> std::io::Result<()>;

    /// A snapshot target (files) is written whole on every run, unchanged records included; a
    /// live target is sent only what changed.
    fn snapshot(&self) -> bool {
        false
    }
}

/// `dir:OUT`: `OUT/<api>.jsonl` with one created record a line (its `id` first), and
/// `OUT/<api>.updates.jsonl` with `{"id", "fields"}` for merges and second-pass writes.
pub struct DirTarget {
    dir: PathBuf,
    /// Open files by (object api name, suffix); few, so a list.
    files: Vec<((String, String), BufWriter<File>)>,
    line: Vec<u8>,
}

impl DirTarget {
    /// Every run writes the whole snapshot, so the previous run's record files are cleared
    /// first (an object with no records this time must not keep last time's file).
    pub fn new(dir: PathBuf) -> std::io::Result<DirTarget> {
        std::fs::create_dir_all(&dir)?;
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if name.ends_with(".jsonl") && !name.starts_with('_') {
                std::fs::remove_file(&path)?;
            }
        }
        Ok(DirTarget {
            dir,
            files: Vec::new(),
            line: Vec::with_capacity(1024),
        })
    }

    /// Appends the line built in `self.line` to the file `<api><suffix>`.
    fn append(&mut self, api: &str, suffix: &str) -> std::io::Result<()> {
        self.line.push(b'\n');
        // Looked up by the two parts: no file name is built per record.
        let found = self
            .files
            .iter_mut()
            .position(|((a, s), _)| a == api && s == suffix);
        let i = match found {
            Some(i) => i,
            None => {
                let f = File::create(self.dir.join(format!("{api}{suffix}")))?;
                self.files.push((
                    (api.to_string(), suffix.to_string()),
                    BufWriter::with_capacity(1 << 20, f),
                ));
                self.files.len() - 1
            }
        };
        self.files[i].1.write_all(&self.line)
    }
}

/// `{"id": …, <members>}`: the members as the engine already wrote them.
fn write_with_id(out: &mut Vec<u8>, id: &str, members: &[u8]) {
    out.extend_from_slice(b"{\"id\":");
    write_str(out, id);
    if !members.is_empty() {
        out.push(b',');
        out.extend_from_slice(members);
    }
    out.push(b'}');
}

impl Target for DirTarget {
    fn create(&mut self, object: &Object, id: &str, record: &Fields) -> std::io::Result<()> {
        self.line.clear();
        write_with_id(&mut self.line, id, record.json);
        self.append(&object.api, ".jsonl")
    }

    fn update(&mut self, object: &Object, id: &str, fields: &Fields) -> std::io::Result<()> {
        self.line.clear();
        self.line.extend_from_slice(b"{\"id\":");
        write_str(&mut self.line, id);
        self.line.extend_from_slice(b",\"fields\":{");
        self.line.extend_from_slice(fields.json);
        self.line.extend_from_slice(b"}}");
        self.append(&object.api, ".updates.jsonl")
    }

    fn link(&mut self, link: &Object, record: &Map<String, Json>) -> std::io::Result<()> {
        self.line.clear();
        serde_json::to_writer(&mut self.line, record)?;
        self.append(&link.api, ".jsonl")
    }

    fn finish(&mut self) -> std::io::Result<()> {
        for (_, f) in &mut self.files {
            f.flush()?;
        }
        Ok(())
    }

    fn snapshot(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Json) -> Map<String, Json> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn an_update_merges_into_composites_without_losing_subfields() {
        let mut store = RecordStore::default();
        store.create(
            "Person",
            "p1",
            &map(json!({"name": "Ana", "address": {"addressStreet1": "1 Main St"}})),
        );
        store.update(
            "Person",
            "p1",
            &map(json!({"address": {"addressCity": "Austin"}})),
        );
        store.update("Person", "nobody", &map(json!({"name": "ignored"})));
        let (id, r) = &store.of("Person")[0];
        assert_eq!(id, "p1");
        assert_eq!(
            Json::Object(r.clone()),
            json!({"name": "Ana", "address": {"addressStreet1": "1 Main St", "addressCity": "Austin"}})
        );
        assert!(store.of("Company").is_empty());
    }
}
