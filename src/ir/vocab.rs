//! The words the language and the interpreter share: operators, units, policies, the phases of
//! a run and the outcomes of a row. The AST uses them as written; the IR carries them on.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Concat,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
    Coalesce,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Concat => "++",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::And => "and",
            BinOp::Or => "or",
            BinOp::Coalesce => "??",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DurationUnit {
    Days,
    Weeks,
    Months,
    Years,
}

impl DurationUnit {
    /// The unit's plural name, as a duration is written (`6 months`).
    pub fn name(self) -> &'static str {
        match self {
            DurationUnit::Days => "days",
            DurationUnit::Weeks => "weeks",
            DurationUnit::Months => "months",
            DurationUnit::Years => "years",
        }
    }
}

/// What a lookup, an owner or a merge does when nothing matches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", tag = "action", content = "message")]
pub enum MissAction {
    Reject(Option<String>),
    Null,
    Skip,
    Hold(Option<String>),
    Placeholder(Option<String>),
    Default,
}

/// One of the states a source value can be in besides "present".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ValueState {
    Empty,
    Missing,
    Null,
    Invalid,
}

impl ValueState {
    pub fn name(self) -> &'static str {
        match self {
            ValueState::Empty => "empty",
            ValueState::Missing => "missing",
            ValueState::Null => "null",
            ValueState::Invalid => "invalid",
        }
    }
}

/// The outcomes a spec test can expect of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TestOutcome {
    Rejected,
    Held,
    Skipped,
}

/// What a row does whose unique value (an identity, or a field the target keeps unique) a
/// record already has: `on duplicate f merge` makes it one with that record (deduped, its
/// lookups finding that record); `reject`, the default, rejects it naming the row that has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnDuplicate {
    Reject,
    Merge,
}

/// The phases of a run, each a kind of step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Creates (or upserts) records.
    Create,
    /// Writes into records another map created (many:1).
    Merge,
    /// Writes `deferred` fields once every object exists.
    Deferred,
    /// Creates link records (Twenty task/note targets) once both ends exist.
    Links,
    /// Reads a source that only lookups use (no map): in run reports, never a plan step.
    Lookup,
}

impl Phase {
    /// The phase's name in reports and in the ledger's step keys (`patient_person#create`).
    /// Durable: every ledger's id map is keyed by it, so a name here never changes.
    pub fn key(self) -> &'static str {
        match self {
            Phase::Create => "create",
            Phase::Merge => "merge",
            Phase::Deferred => "deferred",
            Phase::Links => "links",
            Phase::Lookup => "lookup",
        }
    }
}

/// What became of a source row in one step: every row ends in exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Created,
    Updated,
    Unchanged,
    Rejected,
    Deduped,
    Skipped,
    Held,
}

impl Outcome {
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Created => "created",
            Outcome::Updated => "updated",
            Outcome::Unchanged => "unchanged",
            Outcome::Rejected => "rejected",
            Outcome::Deduped => "deduped",
            Outcome::Skipped => "skipped",
            Outcome::Held => "held",
        }
    }

    /// Whether the row's record is in the target afterwards.
    pub fn landed(self) -> bool {
        matches!(
            self,
            Outcome::Created | Outcome::Updated | Outcome::Unchanged
        )
    }
}
