//! What expressions are checked against: sources and their columns, value tables, functions,
//! the schema, and which map makes which object from which source.

use super::types::{Known, Ty};
use crate::ir::{self, ColumnId, FunctionId, ObjectId, SourceId, TableElse, TableId};
use crate::span::Span;
use std::collections::{BTreeMap, BTreeSet, HashMap};

pub struct ColumnEnv {
    pub id: ColumnId,
    pub ty: Ty,
    pub span: Span,
    /// Where `ignored "why"` is said, when it is.
    pub ignored: Option<Span>,
}

pub struct SourceEnv {
    pub id: SourceId,
    pub columns: BTreeMap<String, ColumnEnv>,
    pub key: Vec<String>,
    pub span: Span,
}

pub struct TableEnv {
    pub id: TableId,
    pub ty: Ty,
    /// The outputs, or `None` when `else => keep` lets unknown input through.
    pub known: Option<Vec<Known>>,
    pub otherwise: TableElse,
    pub span: Span,
    pub std: bool,
}

pub struct FnEnv {
    pub id: FunctionId,
    pub params: Vec<(String, Ty)>,
    pub ret: Ty,
    pub fallible: bool,
    /// Every value the body can produce, when known (value-table outputs, literals).
    pub known: Option<Vec<Known>>,
    pub span: Span,
}

#[derive(Default)]
pub struct Env {
    pub migration: ir::Migration,
    pub schema: ir::Schema,
    pub sources: BTreeMap<String, SourceEnv>,
    pub tables: BTreeMap<String, TableEnv>,
    pub fns: BTreeMap<String, FnEnv>,
    /// source → the objects its (non-merge) maps create, in the order the maps are declared.
    pub made_from: HashMap<SourceId, Vec<ObjectId>>,
}

impl Env {
    pub fn object_name(&self, id: ObjectId) -> &str {
        &self.schema.object_at(id).name
    }
}

/// What the spec actually uses, for the unused-declaration warnings.
#[derive(Default)]
pub struct Usage {
    pub tables: BTreeSet<String>,
    pub fns: BTreeSet<String>,
    pub looked_up: BTreeSet<String>,
    /// The source columns an expression reads, each with where it is first read.
    pub columns: BTreeMap<(SourceId, ColumnId), Span>,
}

impl Usage {
    /// Column `column` of `source` is read at `span` (the first read is kept).
    pub fn read(&mut self, source: SourceId, column: ColumnId, span: Span) {
        self.columns.entry((source, column)).or_insert(span);
    }
}

/// The names an expression can see.
#[derive(Clone, Copy)]
pub enum Scope<'a> {
    /// A row of this source.
    Row(&'a str),
    /// The parameters of a user function.
    Params(&'a [(String, Ty)]),
}
