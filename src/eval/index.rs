//! What lookups resolve against during a run: the records made so far (per source and object),
//! the rows of sources read by column (`lookup Carrier(id).carrier_name`), and the target's
//! users. The engine fills it (reading sources is I/O); evaluation only reads it, through
//! [`RowContext`].

use crate::eval::owned::Resolver;
use crate::eval::record::record_id;
use crate::eval::typing::{type_value, RawRef};
use crate::eval::value::Value;
use crate::ir::{Column, ColumnId, LookupTarget, ObjectId, Program, SourceId};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use smallvec::SmallVec;
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::BTreeMap;

/// The text key of a row: key columns joined by the unit separator.
pub fn key_text(values: &[Value]) -> String {
    key_cow(values).into_owned()
}

/// [`key_text`], borrowed when the key is one text value (the usual case, once per row).
pub fn key_cow(values: &[Value]) -> Cow<'_, str> {
    match values {
        [one] => one.text(),
        _ => {
            let parts: Vec<String> = values.iter().map(Value::to_text).collect();
            Cow::Owned(parts.join("\u{1f}"))
        }
    }
}

/// A key as a reason shows it to a person: a composite key's parts joined by ", " (the unit
/// separator that joins them in the ledger is invisible).
pub fn key_shown(key: &str) -> Cow<'_, str> {
    if key.contains('\u{1f}') {
        Cow::Owned(key.replace('\u{1f}', ", "))
    } else {
        Cow::Borrowed(key)
    }
}

/// Where a source's key columns sit in its typed rows.
pub fn key_columns(source: &crate::ir::Source) -> Vec<usize> {
    source.key.iter().map(|c| c.index()).collect()
}

/// The key of a typed row, its key columns found already, appended to `out`.
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
    text: impl Fn(usize) -> Cow<'v, str>,
    out: &mut String,
) {
    for (n, &i) in key_columns.iter().enumerate() {
        if n > 0 {
            out.push('\u{1f}');
        }
        out.push_str(&text(i));
    }
}

/// The key of a row that could not be typed as a whole: each key column typed on its own when
/// it can be, else as read, appended to `out`. A rejected row keeps a key to be found by (in
/// its exception line and the ledger), the same key its typed row would have had.
pub fn push_key_as_read<'a>(
    columns: &[Column],
    key_columns: &[usize],
    raw: impl Iterator<Item = RawRef<'a>>,
    out: &mut String,
) {
    let raw: SmallVec<[RawRef<'a>; 16]> = raw.collect();
    push_key_with(
        key_columns,
        |i| {
            let read = raw.get(i).copied().unwrap_or(RawRef::Missing);
            match columns.get(i).map(|c| type_value(c, read)) {
                Some(Ok(value)) => Cow::Owned(value.text().into_owned()),
                _ => Cow::Borrowed(read.as_str()),
            }
        },
        out,
    );
}

/// The typed rows of a source read by column, by key.
pub type Rows = HashMap<String, Vec<Value>>;

/// A column of a source read by column: its rows by key, and where the column is in them.
#[derive(Clone, Copy)]
pub struct ColumnRows<'i> {
    rows: &'i Rows,
    at: usize,
}

impl<'i> ColumnRows<'i> {
    pub fn get(&self, key: &str) -> Option<&'i Value> {
        self.rows.get(key)?.get(self.at)
    }
}

pub struct Index {
    /// (source, object) → keys whose record exists; only the pairs something looks up or
    /// merges into are kept.
    made: HashMap<(SourceId, ObjectId), HashSet<String>>,
    /// (source, object) → the keys of rows made one with another record (deduped), and the id
    /// of that record: a lookup of such a key finds it.
    aliases: HashMap<(SourceId, ObjectId), HashMap<String, String>>,
    /// source → its rows by key, for sources read by column.
    rows: HashMap<SourceId, Rows>,
    /// lower-cased email → user id (or the email when the users file has no id).
    users: HashMap<String, String>,
    users_object: Option<ObjectId>,
    /// Names by id, which record ids are made of.
    sources: Vec<String>,
    objects: Vec<String>,
}

impl Index {
    /// An empty index for `program`, keeping the records made of these (source, object) pairs
    /// (what the run looks up, merges into or revisits in a later phase).
    pub fn new(
        program: &Program,
        tracked: impl IntoIterator<Item = (SourceId, ObjectId)>,
    ) -> Index {
        let p = program;
        Index {
            made: tracked
                .into_iter()
                .map(|k| (k, HashSet::default()))
                .collect(),
            aliases: HashMap::default(),
            rows: HashMap::default(),
            users: HashMap::default(),
            users_object: p.schema.users(),
            sources: p.sources.iter().map(|s| s.name.clone()).collect(),
            objects: p.schema.objects.iter().map(|o| o.name.clone()).collect(),
        }
    }

    /// The rows of a source read by column (`lookup Carrier(id).name`), loaded by the engine.
    pub fn set_rows(&mut self, source: SourceId, rows: Rows) {
        self.rows.insert(source, rows);
    }

    /// The users owners are matched against, by lower-cased email.
    pub fn set_users(&mut self, users: Vec<(String, String)>) {
        self.users = users
            .into_iter()
            .map(|(e, id)| (e.trim().to_lowercase(), id))
            .collect();
    }

    /// Whether anything looks up or merges into the records `source` makes of `object`.
    pub fn tracks(&self, source: SourceId, object: ObjectId) -> bool {
        self.made.contains_key(&(source, object))
    }

    pub fn record_made(&mut self, source: SourceId, object: ObjectId, key: &str) {
        if let Some(set) = self.made.get_mut(&(source, object)) {
            set.insert(key.to_string());
        }
    }

    /// The row with this key was made one with the record with id `into` (deduped).
    pub fn record_alias(&mut self, source: SourceId, object: ObjectId, key: &str, into: &str) {
        if self.made.contains_key(&(source, object)) {
            self.aliases
                .entry((source, object))
                .or_default()
                .insert(key.to_string(), into.to_string());
        }
    }

    /// The row with this key of a merge map's source was written into the record with id
    /// `into`: its map's later passes revisit that record.
    pub fn record_merged(&mut self, source: SourceId, object: ObjectId, key: &str, into: &str) {
        self.aliases
            .entry((source, object))
            .or_default()
            .insert(key.to_string(), into.to_string());
    }

    /// The id of the record the row with this key was made one with, when it was deduped (or,
    /// for a merge map's source, merged into).
    pub fn alias(&self, source: SourceId, object: ObjectId, key: &str) -> Option<&str> {
        self.aliases
            .get(&(source, object))?
            .get(key)
            .map(String::as_str)
    }

    /// The id of the record the row with this key is: its own, or the one it was made one with.
    pub fn record_of(&self, source: SourceId, object: ObjectId, key: &str) -> Option<String> {
        if self.exists(source, object, key) {
            return Some(self.record_id(source, object, key));
        }
        self.alias(source, object, key).map(str::to_string)
    }

    pub fn exists(&self, source: SourceId, object: ObjectId, key: &str) -> bool {
        self.made
            .get(&(source, object))
            .is_some_and(|s| s.contains(key))
    }

    /// The id a record made of `object` from `source`'s row `key` has.
    pub fn record_id(&self, source: SourceId, object: ObjectId, key: &str) -> String {
        let name = |names: &[String], i: usize| names.get(i).cloned().unwrap_or_default();
        record_id(
            &name(&self.objects, object.index()),
            &name(&self.sources, source.index()),
            key,
        )
    }

    pub fn reference(&self, source: SourceId, object: ObjectId, key: &str) -> Option<Value> {
        let id = self.record_of(source, object, key)?;
        Some(Value::reference(Some(object), id))
    }

    pub fn column(&self, source: SourceId, key: &str, column: ColumnId) -> Option<Value> {
        self.column_rows(source, column)?.get(key).cloned()
    }

    /// One column of a source read by column, found once for many keys.
    pub fn column_rows(&self, source: SourceId, column: ColumnId) -> Option<ColumnRows<'_>> {
        Some(ColumnRows {
            at: column.index(),
            rows: self.rows.get(&source)?,
        })
    }

    pub fn owner(&self, email: &str) -> Option<Value> {
        let id = self.users.get(&email.trim().to_lowercase())?;
        Some(Value::reference(self.users_object, id.clone()))
    }

    /// The default owner (`default owner "ops@…"`): the user with that email, or, when the
    /// target has none, a reference by the email itself.
    pub fn default_owner(&self, email: &str) -> Value {
        self.owner(email)
            .unwrap_or_else(|| Value::reference(self.users_object, email))
    }
}

/// What a row's evaluation sees of the run: the index, the default owner, and where the owner
/// emails no user has are counted (for the reconciliation queue).
pub struct RowContext<'a> {
    pub index: &'a Index,
    pub default_owner: Option<&'a Value>,
    pub unmatched: &'a RefCell<BTreeMap<String, u64>>,
}

impl Resolver for RowContext<'_> {
    fn lookup(&self, source: SourceId, target: LookupTarget, key: &[Value]) -> Option<Value> {
        let k = key_cow(key);
        match target {
            LookupTarget::Column { column } => self.index.column(source, &k, column),
            LookupTarget::Record { object } => self.index.reference(source, object, &k),
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
