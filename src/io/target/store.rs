//! Records kept in memory (the import files, spec tests), with updates merged in place.

use serde_json::{Map, Value as Json};
use std::collections::HashMap;

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

/// Merges `from` into `into`, composites field by field.
pub fn deep_merge(into: &mut Map<String, Json>, from: &Map<String, Json>) {
    for (k, v) in from {
        match (into.get_mut(k), v) {
            (Some(Json::Object(a)), Json::Object(b)) => deep_merge(a, b),
            _ => {
                into.insert(k.clone(), v.clone());
            }
        }
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
