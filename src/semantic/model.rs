//! The checked model: every name resolved, every expression typed and lowered to IR.
//! It is plain serde data; the plan embeds it and `mapc run` executes it.

use crate::plan::ir::Expr;
use crate::syntax::ast::{MissAction, TestOutcome, ValueState};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct MigrationInfo {
    pub title: String,
    pub from: Option<String>,
    pub target: String,
    pub default_owner: Option<String>,
    pub users_file: Option<String>,
    pub sensitive: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "action", content = "value", rename_all = "snake_case")]
pub enum PolicyAction {
    Null,
    Keep,
    Reject(Option<String>),
    Default(serde_json::Value),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ColumnInfo {
    pub name: String,
    /// `text int decimal bool date datetime`
    pub ty: String,
    pub optional: bool,
    pub format: Option<String>,
    pub tz: Option<String>,
    pub nulls: Vec<String>,
    pub sensitive: bool,
    pub policies: Vec<(ValueState, PolicyAction)>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SourceInfo {
    pub name: String,
    pub file: String,
    /// `csv` or `jsonl`
    pub format: String,
    pub delimiter: String,
    pub encoding: String,
    pub key: Vec<String>,
    pub watermark: Option<String>,
    pub sensitive: bool,
    pub columns: Vec<ColumnInfo>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "action", content = "value", rename_all = "snake_case")]
pub enum TableElse {
    Fail,
    Reject(Option<String>),
    Hold(Option<String>),
    Skip,
    Keep,
    Output(serde_json::Value),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TableInfo {
    pub name: String,
    pub ignore_case: bool,
    /// `(key, output)`: keys as text (numbers in their shortest form).
    pub entries: Vec<(String, serde_json::Value)>,
    pub otherwise: TableElse,
    pub std: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FunctionInfo {
    pub name: String,
    pub params: Vec<String>,
    pub body: Expr,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Assignment {
    /// A dotted target path (`name.firstName`).
    pub path: String,
    pub value: Expr,
    pub deferred: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MergeInfo {
    pub source: String,
    pub key: Expr,
    pub miss: MissAction,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MapInfo {
    pub name: String,
    pub source: String,
    pub object: String,
    pub when: Option<Expr>,
    pub merge: Option<MergeInfo>,
    pub identity: Option<String>,
    pub dedupe: Vec<String>,
    pub assignments: Vec<Assignment>,
    pub lossy: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GapInfo {
    pub title: String,
    pub reason: String,
    pub action: Option<String>,
    pub volume: Option<String>,
    pub owner: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TestGiven {
    pub source: String,
    pub row: Vec<(String, serde_json::Value)>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "expect", rename_all = "snake_case")]
pub enum TestExpect {
    Record {
        object: String,
        fields: Vec<(String, serde_json::Value)>,
    },
    Outcome {
        outcome: TestOutcome,
        source: String,
        reason: Option<String>,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TestInfo {
    pub name: String,
    #[serde(default)]
    pub users: Vec<String>,
    pub givens: Vec<TestGiven>,
    pub expects: Vec<TestExpect>,
}

/// `object` must load after `depends_on`, because of a lookup in map `map` to field `field`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Edge {
    pub object: String,
    pub depends_on: String,
    pub map: String,
    pub field: String,
}
