//! A checked program: what the checker hands the planner, and what a plan carries to the
//! interpreter. Plain serde data with typed ids; no spans (diagnostics are the checker's).

use super::{Const, Expr, FieldId, FunctionId, MapId, MissAction, ObjectId, Schema, Source};
use super::{OnDuplicate, SourceId, TableId, TestOutcome};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct Program {
    pub migration: Migration,
    pub schema: Schema,
    pub sources: Vec<Source>,
    pub tables: Vec<Table>,
    pub functions: Vec<Function>,
    pub maps: Vec<Map>,
    /// Why objects load in the order they do: one edge per lookup that orders them.
    pub edges: Vec<Edge>,
    /// The mapped objects in load order.
    pub order: Vec<ObjectId>,
    pub gaps: Vec<Gap>,
    pub tests: Vec<Test>,
}

/// Ids index their lists: the checker made them so, and a plan read from a file is validated
/// before anything uses it (`plan::validate`).
impl Program {
    pub fn source(&self, id: SourceId) -> &Source {
        &self.sources[id.index()]
    }

    pub fn map(&self, id: MapId) -> &Map {
        &self.maps[id.index()]
    }

    pub fn table(&self, id: TableId) -> &Table {
        &self.tables[id.index()]
    }

    pub fn function(&self, id: FunctionId) -> &Function {
        &self.functions[id.index()]
    }

    pub fn object(&self, id: ObjectId) -> &super::Object {
        self.schema.object_at(id)
    }

    pub fn source_id(&self, name: &str) -> Option<SourceId> {
        self.sources
            .iter()
            .position(|s| s.name == name)
            .map(SourceId::new)
    }

    /// Every expression of the program: maps' conditions, values and merge keys, and
    /// functions' bodies.
    pub fn exprs(&self) -> impl Iterator<Item = &Expr> {
        let maps = self.maps.iter().flat_map(|m| {
            m.when
                .iter()
                .chain(m.assignments.iter().map(|a| &a.value))
                .chain(m.merge.iter().map(|g| &g.key))
        });
        maps.chain(self.functions.iter().map(|f| &f.body))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct Migration {
    pub title: String,
    pub from: Option<String>,
    /// The target's name (`twenty`), whose stdlib module declared the schema.
    pub target: String,
    pub default_owner: Option<String>,
    pub users_file: Option<String>,
    pub sensitive: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Table {
    pub name: String,
    pub ignore_case: bool,
    /// `(key, output)`: keys as text (numbers in their shortest form).
    pub entries: Vec<(String, Const)>,
    pub otherwise: TableElse,
    /// Declared by the stdlib (never reported unused).
    pub std: bool,
}

/// What a value table does with an input it has no entry for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", content = "value", rename_all = "snake_case")]
pub enum TableElse {
    Fail,
    Reject(Option<String>),
    Hold(Option<String>),
    Skip,
    Keep,
    Output(Const),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Function {
    pub name: String,
    pub params: Vec<String>,
    pub body: Expr,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Map {
    pub name: String,
    pub source: SourceId,
    pub object: ObjectId,
    pub when: Option<Expr>,
    pub merge: Option<Merge>,
    pub identity: Option<FieldPath>,
    pub dedupe: Vec<FieldPath>,
    pub assignments: Vec<Assignment>,
    pub lossy: Vec<String>,
    /// The unique values the map writes, each with what a row does whose value a record
    /// already has: enforced across every map that writes the object.
    pub uniques: Vec<Unique>,
}

/// A value the target keeps unique (a `unique` field or subfield; every identity is one) that
/// a map writes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unique {
    /// As written: `emails.primaryEmail`.
    pub dotted: String,
    /// Its place in the record: the field's API name, then the unique subfield of a composite.
    pub wire: Vec<String>,
    pub on_duplicate: OnDuplicate,
    /// Emails and links are compared ignoring case (and surrounding spaces), as addresses are;
    /// any other value exactly.
    pub fold_case: bool,
}

/// A target field as a map names it: its top-level field and the path on the wire.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldPath {
    /// As written: `name.firstName`.
    pub dotted: String,
    /// The top-level field, in the map's object.
    pub field: FieldId,
    /// The wire path: the field's API name, then subfields (`["name", "firstName"]`).
    pub wire: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Assignment {
    pub path: FieldPath,
    pub value: Expr,
    pub deferred: bool,
}

/// `merge into Source(key) on missing …`: writes into the record another map made.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Merge {
    pub source: SourceId,
    pub key: Expr,
    pub miss: MissAction,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Gap {
    pub title: String,
    pub reason: String,
    pub action: Option<String>,
    pub volume: Option<String>,
    pub owner: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Test {
    pub name: String,
    #[serde(default)]
    pub users: Vec<String>,
    pub givens: Vec<Given>,
    pub expects: Vec<Expect>,
}

/// A source row a test gives: `(column, value)` as written.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Given {
    pub source: SourceId,
    pub row: Vec<(String, serde_json::Value)>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "expect", rename_all = "snake_case")]
pub enum Expect {
    Record {
        object: ObjectId,
        fields: Vec<(String, serde_json::Value)>,
    },
    Outcome {
        outcome: TestOutcome,
        source: SourceId,
        reason: Option<String>,
    },
}

/// `object` loads after `depends_on`, because map `map` looks one up for `field`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Edge {
    pub object: ObjectId,
    pub depends_on: ObjectId,
    pub map: MapId,
    pub field: String,
}
