//! Expressions as the interpreter evaluates them: every name resolved to what it names —
//! a column of the row's source, a parameter, a built-in, a value table, a user function, a
//! lookup into a source and the object its records are — so evaluating never looks a name up.

use super::{BinOp, BuiltinId, ColumnId, DurationUnit, FunctionId, MissAction, ObjectId};
use super::{Decimal, SourceId, TableId};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Const {
    Null,
    Bool {
        value: bool,
    },
    /// Exact: written in a plan as a string of its digits (see [`super::number`]).
    Number {
        #[serde(with = "super::number::serde_text")]
        value: Decimal,
    },
    Text {
        value: String,
    },
    Duration {
        #[serde(with = "super::number::serde_text")]
        amount: Decimal,
        unit: DurationUnit,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Expr {
    Const {
        value: Const,
    },
    /// A column of the row being mapped (of the map's source).
    Column {
        column: ColumnId,
    },
    /// The n-th parameter of the user function being evaluated.
    Param {
        index: usize,
    },
    Call {
        builtin: BuiltinId,
        args: Vec<Expr>,
    },
    Table {
        table: TableId,
        arg: Box<Expr>,
    },
    Function {
        function: FunctionId,
        args: Vec<Expr>,
    },
    /// A value table, user function or built-in applied to each element of a list, the list
    /// in the place of its first argument (`split(tags, ";") | Tag`): a list of the results,
    /// nulls and repeats left out; a null list gives null. An element that stops (a table's
    /// `else => reject`) stops the whole, the worst stop of all the elements winning.
    Each {
        list: Box<Expr>,
        apply: Apply,
        /// The arguments after the first, evaluated once.
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
    /// What `source`'s row with this key gives: a reference to the record one of its maps made
    /// of `object`, or the value of one of its columns.
    Lookup {
        source: SourceId,
        target: LookupTarget,
        args: Vec<Expr>,
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

/// What [`Expr::Each`] applies to each element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "callee", rename_all = "snake_case")]
pub enum Apply {
    Table { table: TableId },
    Function { function: FunctionId },
    Builtin { builtin: BuiltinId },
}

/// What a lookup gives of the row it finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "gives", rename_all = "snake_case")]
pub enum LookupTarget {
    /// A reference to the record made of this object from the row.
    Record { object: ObjectId },
    /// The value of this column of the row.
    Column { column: ColumnId },
}

impl Expr {
    pub fn null() -> Expr {
        Expr::Const { value: Const::Null }
    }

    /// The expressions directly below this one.
    pub fn children(&self) -> Vec<&Expr> {
        match self {
            Expr::Call { args, .. } | Expr::Function { args, .. } | Expr::Lookup { args, .. } => {
                args.iter().collect()
            }
            Expr::List { items } => items.iter().collect(),
            Expr::Each { list, args, .. } => std::iter::once(list.as_ref()).chain(args).collect(),
            Expr::Table { arg, .. }
            | Expr::Not { arg }
            | Expr::Neg { arg }
            | Expr::Field { arg, .. } => vec![arg],
            Expr::Owner { email, .. } => vec![email],
            Expr::Binary { lhs, rhs, .. } => vec![lhs, rhs],
            Expr::In { arg, list } => std::iter::once(arg.as_ref()).chain(list).collect(),
            Expr::If {
                cond,
                then,
                otherwise,
            } => vec![cond, then, otherwise],
            Expr::Record { fields } => fields.iter().map(|(_, e)| e).collect(),
            Expr::Const { .. }
            | Expr::Column { .. }
            | Expr::Param { .. }
            | Expr::Reject { .. }
            | Expr::Hold { .. } => Vec::new(),
        }
    }

    /// Calls `f` on this expression and every one below it, depth first.
    pub fn walk(&self, f: &mut dyn FnMut(&Expr)) {
        f(self);
        for c in self.children() {
            c.walk(f);
        }
    }

    /// Calls `f` on this expression and every one below it, which it may change.
    pub fn walk_mut(&mut self, f: &mut dyn FnMut(&mut Expr)) {
        f(self);
        match self {
            Expr::Call { args, .. } | Expr::Function { args, .. } | Expr::Lookup { args, .. } => {
                args.iter_mut().for_each(|a| a.walk_mut(f))
            }
            Expr::List { items } => items.iter_mut().for_each(|a| a.walk_mut(f)),
            Expr::Each { list, args, .. } => {
                list.walk_mut(f);
                args.iter_mut().for_each(|a| a.walk_mut(f));
            }
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
