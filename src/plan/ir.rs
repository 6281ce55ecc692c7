//! The resolved expression form the interpreter evaluates: names are resolved to columns,
//! built-ins, value tables, user functions and lookups; every node is plain serde data.

use crate::syntax::ast::{BinOp, DurationUnit, MissAction};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Const {
    Null,
    Bool { value: bool },
    Number { value: f64 },
    Text { value: String },
    Duration { amount: f64, unit: DurationUnit },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Expr {
    Const {
        value: Const,
    },
    /// A column of the row being mapped.
    Column {
        name: String,
    },
    /// The n-th parameter of the user function being evaluated.
    Param {
        index: usize,
    },
    Builtin {
        name: String,
        args: Vec<Expr>,
    },
    Table {
        table: String,
        arg: Box<Expr>,
    },
    Function {
        name: String,
        args: Vec<Expr>,
    },
    Binary {
        #[serde(rename = "binop")]
        operator: BinOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    Not {
        arg: Box<Expr>,
    },
    Neg {
        arg: Box<Expr>,
    },
    In {
        arg: Box<Expr>,
        list: Vec<Expr>,
    },
    If {
        cond: Box<Expr>,
        then: Box<Expr>,
        otherwise: Box<Expr>,
    },
    /// A reference to the record made from `source`'s row with this key (`object` says which of
    /// the source's maps), or with `column`, a value of that source row.
    Lookup {
        source: String,
        object: Option<String>,
        args: Vec<Expr>,
        column: Option<String>,
        miss: Option<MissAction>,
    },
    Owner {
        email: Box<Expr>,
        miss: Option<MissAction>,
    },
    Reject {
        reason: String,
    },
    Hold {
        reason: String,
    },
    List {
        items: Vec<Expr>,
    },
    Record {
        fields: Vec<(String, Expr)>,
    },
    Field {
        arg: Box<Expr>,
        name: String,
    },
}

impl Expr {
    pub fn null() -> Expr {
        Expr::Const { value: Const::Null }
    }

    /// Calls `f` on this node and every node below it.
    pub fn walk_mut(&mut self, f: &mut dyn FnMut(&mut Expr)) {
        f(self);
        match self {
            Expr::Builtin { args, .. } | Expr::Function { args, .. } => {
                args.iter_mut().for_each(|a| a.walk_mut(f))
            }
            Expr::Lookup { args, .. } => args.iter_mut().for_each(|a| a.walk_mut(f)),
            Expr::List { items } => items.iter_mut().for_each(|a| a.walk_mut(f)),
            Expr::Table { arg, .. }
            | Expr::Not { arg }
            | Expr::Neg { arg }
            | Expr::Field { arg, .. } => arg.walk_mut(f),
            Expr::Owner { email, .. } => email.walk_mut(f),
            Expr::Binary { lhs, rhs, .. } => {
                lhs.walk_mut(f);
                rhs.walk_mut(f);
            }
            Expr::In { arg, list } => {
                arg.walk_mut(f);
                list.iter_mut().for_each(|a| a.walk_mut(f));
            }
            Expr::If {
                cond,
                then,
                otherwise,
            } => {
                cond.walk_mut(f);
                then.walk_mut(f);
                otherwise.walk_mut(f);
            }
            Expr::Record { fields } => fields.iter_mut().for_each(|(_, e)| e.walk_mut(f)),
            Expr::Const { .. }
            | Expr::Column { .. }
            | Expr::Param { .. }
            | Expr::Reject { .. }
            | Expr::Hold { .. } => {}
        }
    }
}
