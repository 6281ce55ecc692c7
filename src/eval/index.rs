//! What lookups resolve against during a run: the records made so far (per source and object),
//! the rows of sources read by column (`lookup Carrier(id).carrier_name`), and the target's users.

use crate::eval::record::record_id;
use crate::eval::typing::type_row;
use crate::eval::value::{Reference, Value};
use crate::io::source::{self, RawRow};
use crate::plan::ir::Expr;
use crate::semantic::model::SourceInfo;
use crate::semantic::Model;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

/// The text key of a row: key columns joined by the unit separator.
pub fn key_text(values: &[Value]) -> String {
    key_cow(values).into_owned()
}

/// [`key_text`], borrowed when the key is one text value (the usual case, once per row).
pub fn key_cow(values: &[Value]) -> std::borrow::Cow<'_, str> {
    match values {
        [one] => one.text(),
        _ => {
            let parts: Vec<String> = values.iter().map(Value::to_text).collect();
            std::borrow::Cow::Owned(parts.join("\u{1f}"))
        }
    }
}

/// Where a source's key columns sit in its typed rows, found once per step.
pub fn key_columns(source: &SourceInfo) -> Vec<usize> {
    source
        .key
        .iter()
        .filter_map(|k| source.columns.iter().position(|c| &c.name == k))
        .collect()
}

/// [`key_of`] for key columns already found, appended to `out`.
pub fn push_key(key_columns: &[usize], row: &[Value], out: &mut String) {
    push_key_with(
        key_columns,
        |i| row.get(i).map(Value::text).unwrap_or_default(),
        out,
    );
}

/// [`push_key`], the text of column `i` given by `text`.
pub fn push_key_with<'v>(
    key_columns: &[usize],
    text: impl Fn(usize) -> std::borrow::Cow<'v, str>,
    out: &mut String,
) {
    for (n, &i) in key_columns.iter().enumerate() {
        if n > 0 {
            out.push('\u{1f}');
        }
        out.push_str(&text(i));
    }
}

/// The text key of a typed row of `source` (its key columns found each call: for one-off
/// rows; a step finds them once, with [`key_columns`]).
pub fn key_of(source: &SourceInfo, row: &[Value]) -> String {
    let mut key = String::new();
    push_key(&key_columns(source), row, &mut key);
    key
}

/// A column of a source read by column: its rows by key, and where the column is in them.
#[derive(Clone, Copy)]
pub struct ColumnRows<'i> {
    rows: &'i HashMap<String, Vec<Value>>,
    at: usize,
}

impl<'i> ColumnRows<'i> {
    pub fn get(&self, key: &str) -> Option<&'i Value> {
        self.rows.get(key)?.get(self.at)
    }
}

/// A row of a lookup-only source that did not make it into the index.
pub struct LookupMiss {
    pub line: u64,
    pub key: String,
    pub code: &'static str,
    pub reason: String,
    /// Every column of the row as read.
    pub original: Vec<(String, String)>,
}

/// How a source read only by lookups (never mapped) was loaded: every row is accounted for.
pub struct LookupLoad {
    pub source: String,
    pub rows_in: u64,
    /// Indexed rows (read for lookups, not migrated).
    pub indexed: u64,
    /// Rows that could not be read or typed.
    pub rejected: Vec<LookupMiss>,
    /// Rows whose key an earlier row already had (the first one is kept).
    pub duplicates: Vec<LookupMiss>,
}

#[derive(Default)]
pub struct Index {
    /// source → object → keys whose record exists; only pairs something looks up or merges into.
    /// Nested so a lookup by `&str` allocates nothing.
    made: HashMap<String, HashMap<String, HashSet<String>>>,
    /// source → key → typed row, for sources read by column.
    rows: HashMap<String, HashMap<String, Vec<Value>>>,
    columns: HashMap<String, HashMap<String, usize>>,
    /// lower-cased email → user id (or the email when the users file has no id).
    users: HashMap<String, String>,
    pub users_object: String,
}

/// The (source, object) pairs and column-read sources the model's expressions need.
fn needs(model: &Model) -> (HashSet<(String, String)>, HashSet<String>) {
    let mut pairs = HashSet::default();
    let mut by_column = HashSet::default();
    for m in &model.maps {
        if let Some(merge) = &m.merge {
            pairs.insert((merge.source.clone(), m.object.clone()));
        }
        let later = m
            .assignments
            .iter()
            .any(|a| a.deferred || crate::plan::is_link_field(model, &m.object, &a.path));
        if later {
            pairs.insert((m.source.clone(), m.object.clone()));
        }
        let mut exprs: Vec<Expr> = m.assignments.iter().map(|a| a.value.clone()).collect();
        exprs.extend(m.when.clone());
        exprs.extend(model.functions.iter().map(|f| f.body.clone()));
        for mut e in exprs {
            e.walk_mut(&mut |node| {
                if let Expr::Lookup {
                    source,
                    object,
                    column,
                    ..
                } = node
                {
                    match (object, column) {
                        (_, Some(_)) => {
                            by_column.insert(source.clone());
                        }
                        (Some(o), None) => {
                            pairs.insert((source.clone(), o.clone()));
                        }
                        (None, None) => {}
                    }
                }
            });
        }
    }
    (pairs, by_column)
}

impl Index {
    pub fn new(model: &Model) -> Index {
        let (pairs, _) = needs(model);
        Index {
            made: nest(pairs),
            users_object: model
                .schema
                .target
                .users_object()
                .unwrap_or("User")
                .to_string(),
            ..Index::default()
        }
    }

    /// Loads every source that expressions read by column. A key seen twice keeps its first row.
    /// For sources no map reads, which get no step of their own, the load is the rows' outcome:
    /// it is returned so the run can report it (rows in = indexed + rejected + deduped).
    pub fn load_column_sources(
        &mut self,
        model: &Model,
        sources: &dyn source::Sources,
    ) -> Result<Vec<LookupLoad>, String> {
        let (_, by_column) = needs(model);
        let mut loads = Vec::new();
        for name in by_column {
            let Some(src) = model.sources.iter().find(|s| s.name == name) else {
                continue;
            };
            let mut rows: HashMap<String, Vec<Value>> = HashMap::default();
            let mut load = LookupLoad {
                source: name.clone(),
                rows_in: 0,
                indexed: 0,
                rejected: Vec::new(),
                duplicates: Vec::new(),
            };
            let mut each = |r: Result<RawRow, source::SourceError>| {
                load.rows_in += 1;
                match r {
                    Ok(RawRow {
                        line,
                        values,
                        original,
                    }) => match type_row(&src.columns, values) {
                        Ok(typed) => {
                            let key = key_of(src, &typed);
                            match rows.entry(key) {
                                std::collections::hash_map::Entry::Occupied(e) => {
                                    load.duplicates.push(LookupMiss {
                                        line,
                                        key: e.key().clone(),
                                        code: "deduped",
                                        reason: "an earlier row has the same key".to_string(),
                                        original: original.into_pairs(),
                                    });
                                }
                                std::collections::hash_map::Entry::Vacant(e) => {
                                    e.insert(typed);
                                    load.indexed += 1;
                                }
                            }
                        }
                        Err(e) => load.rejected.push(LookupMiss {
                            line,
                            key: String::new(),
                            code: e.code,
                            reason: e.message,
                            original: original.into_pairs(),
                        }),
                    },
                    Err(source::SourceError::BadRow { line, message }) => {
                        load.rejected.push(LookupMiss {
                            line,
                            key: String::new(),
                            code: "unreadable",
                            reason: message,
                            original: Vec::new(),
                        })
                    }
                    Err(other) => return Err(format!("{other:?}")),
                }
                Ok(())
            };
            sources.read(src, &mut each).map_err(|e| format!("{e:?}"))?;
            let cols = src
                .columns
                .iter()
                .enumerate()
                .map(|(i, c)| (c.name.clone(), i))
                .collect();
            self.columns.insert(name.clone(), cols);
            self.rows.insert(name.clone(), rows);
            if !model.maps.iter().any(|m| m.source == name) {
                loads.push(load);
            }
        }
        Ok(loads)
    }

    /// The users owners are matched against, by lower-cased email.
    pub fn set_users(&mut self, users: Vec<(String, String)>) {
        self.users = users
            .into_iter()
            .map(|(e, id)| (e.trim().to_lowercase(), id))
            .collect();
    }

    /// Whether anything looks up or merges into the records `source` makes of `object`.
    pub fn tracks(&self, source: &str, object: &str) -> bool {
        self.made
            .get(source)
            .is_some_and(|o| o.contains_key(object))
    }

    pub fn record_made(&mut self, source: &str, object: &str, key: &str) {
        if let Some(set) = self.made.get_mut(source).and_then(|o| o.get_mut(object)) {
            set.insert(key.to_string());
        }
    }

    pub fn exists(&self, source: &str, object: &str, key: &str) -> bool {
        self.made
            .get(source)
            .and_then(|o| o.get(object))
            .is_some_and(|s| s.contains(key))
    }

    pub fn reference(&self, source: &str, object: Option<&str>, key: &str) -> Option<Value> {
        let object = match object {
            Some(o) => o,
            None => self.made.get(source)?.keys().next()?.as_str(),
        };
        self.exists(source, object, key).then(|| {
            Value::Ref(Box::new(Reference {
                key: record_id(object, source, key),
                object: object.to_string(),
            }))
        })
    }

    pub fn column(&self, source: &str, key: &str, column: &str) -> Option<Value> {
        self.column_rows(source, column)?.get(key).cloned()
    }

    /// One column of a source read by column, found once for many keys.
    pub fn column_rows(&self, source: &str, column: &str) -> Option<ColumnRows<'_>> {
        Some(ColumnRows {
            at: *self.columns.get(source)?.get(column)?,
            rows: self.rows.get(source)?,
        })
    }

    pub fn owner(&self, email: &str) -> Option<Value> {
        let id = self.users.get(&email.trim().to_lowercase())?;
        Some(Value::Ref(Box::new(Reference {
            object: self.users_object.clone(),
            key: id.clone(),
        })))
    }
}

fn nest(pairs: HashSet<(String, String)>) -> HashMap<String, HashMap<String, HashSet<String>>> {
    let mut out: HashMap<String, HashMap<String, HashSet<String>>> = HashMap::default();
    for (source, object) in pairs {
        out.entry(source)
            .or_default()
            .insert(object, HashSet::default());
    }
    out
}
