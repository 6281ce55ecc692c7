//! The form the interpreter runs: the plan's IR with every name resolved once, before the first
//! row — columns to their position in the typed row, built-ins to function pointers, value
//! tables and user functions to indices. Evaluating a node never looks a name up.

use crate::builtins::{self, Builtin, LendFn};
use crate::eval::value::{Str, Value};
use crate::plan::ir::{Const, Expr};
use crate::semantic::model::ColumnInfo;
use crate::syntax::ast::{BinOp, MissAction};
use rustc_hash::FxHashMap;

#[derive(Debug)]
pub enum Node {
    Const(Value),
    /// A column by its position in the typed row.
    Col(usize),
    /// A column by name, asked of the context (evaluation outside a run: tests, tools).
    Named(String),
    Param(usize),
    Call(&'static Builtin, Vec<Node>),
    /// A call of a lending built-in (`trim`, `left(x, 2)`, `after(x, "/")`) whose arguments
    /// after the first are constants, decided once: evaluated by lending, it is one step.
    Lent(Box<LentCall>),
    Table(usize, Box<Node>),
    Func(usize, Vec<Node>),
    Binary(BinOp, Box<Node>, Box<Node>),
    /// `a ++ b ++ c`, flattened: the parts' text appended into one string, left to right.
    Concat(Vec<Node>),
    Not(Box<Node>),
    Neg(Box<Node>),
    In(Box<Node>, Vec<Node>),
    If(Box<Node>, Box<Node>, Box<Node>),
    Lookup(Box<LookupNode>),
    Owner(Box<Node>, Option<MissAction>),
    Reject(String),
    Hold(String),
    List(Vec<Node>),
    Record(Vec<(Str, Node)>),
    Field(Box<Node>, String),
    /// A name the checker let through but the run cannot resolve: rejects the row, loudly.
    Unknown(String),
}

/// A call of a lending built-in whose arguments after the first are constants.
pub struct LentCall {
    pub builtin: &'static Builtin,
    /// The call's arguments, as [`Node::Call`] has them: the first, then constants.
    pub args: Vec<Node>,
    /// The constants, made once.
    pub consts: Vec<Value>,
    pub lend: LendFn,
}

impl std::fmt::Debug for LentCall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "lent {}({:?})", self.builtin.name, self.args)
    }
}

/// The lending form of a call, when its built-in lends and its later arguments are constants.
fn lent(builtin: &'static Builtin, args: Vec<Node>) -> Result<LentCall, Vec<Node>> {
    // Lending built-ins give null for a null first argument before anything else.
    let (Some(lend), true) = (builtin.lend, builtin.null_in) else {
        return Err(args);
    };
    let consts: Option<Vec<Value>> = args
        .iter()
        .skip(1)
        .map(|a| match a {
            Node::Const(v) => Some(v.clone()),
            _ => None,
        })
        .collect();
    match (consts, args.is_empty()) {
        (Some(consts), false) => Ok(LentCall {
            builtin,
            args,
            consts,
            lend,
        }),
        _ => Err(args),
    }
}

#[derive(Debug)]
pub struct LookupNode {
    pub source: String,
    pub object: Option<String>,
    pub args: Vec<Node>,
    pub column: Option<String>,
    pub miss: Option<MissAction>,
}

/// What names resolve to while compiling.
pub struct Names<'a> {
    /// The columns of the row being mapped; None resolves columns by name at run time.
    pub columns: Option<&'a [ColumnInfo]>,
    pub tables: &'a FxHashMap<String, usize>,
    pub functions: &'a FxHashMap<String, usize>,
}

impl Names<'_> {
    pub fn compile(&self, e: &Expr) -> Node {
        match e {
            Expr::Const { value } => Node::Const(constant(value)),
            Expr::Column { name } => match self.columns {
                Some(cols) => match cols.iter().position(|c| &c.name == name) {
                    Some(i) => Node::Col(i),
                    None => Node::Unknown(format!("column `{name}`")),
                },
                None => Node::Named(name.clone()),
            },
            Expr::Param { index } => Node::Param(*index),
            Expr::Builtin { name, args } => match builtins::find(name) {
                Some(id) => match lent(builtins::get(id), self.all(args)) {
                    Ok(call) => Node::Lent(Box::new(call)),
                    Err(args) => Node::Call(builtins::get(id), args),
                },
                None => Node::Unknown(format!("built-in `{name}`")),
            },
            Expr::Table { table, arg } => match self.tables.get(table) {
                Some(&i) => Node::Table(i, self.boxed(arg)),
                None => Node::Unknown(format!("value table `{table}`")),
            },
            Expr::Function { name, args } => match self.functions.get(name) {
                Some(&i) => Node::Func(i, self.all(args)),
                None => Node::Unknown(format!("function `{name}`")),
            },
            Expr::Binary {
                operator: BinOp::Concat,
                ..
            } => {
                let mut parts = Vec::new();
                self.concat_parts(e, &mut parts);
                Node::Concat(parts)
            }
            Expr::Binary { operator, lhs, rhs } => {
                Node::Binary(*operator, self.boxed(lhs), self.boxed(rhs))
            }
            Expr::Not { arg } => Node::Not(self.boxed(arg)),
            Expr::Neg { arg } => Node::Neg(self.boxed(arg)),
            Expr::In { arg, list } => Node::In(self.boxed(arg), self.all(list)),
            Expr::If {
                cond,
                then,
                otherwise,
            } => Node::If(self.boxed(cond), self.boxed(then), self.boxed(otherwise)),
            Expr::Lookup {
                source,
                object,
                args,
                column,
                miss,
            } => Node::Lookup(Box::new(LookupNode {
                source: source.clone(),
                object: object.clone(),
                args: self.all(args),
                column: column.clone(),
                miss: miss.clone(),
            })),
            Expr::Owner { email, miss } => Node::Owner(self.boxed(email), miss.clone()),
            Expr::Reject { reason } => Node::Reject(reason.clone()),
            Expr::Hold { reason } => Node::Hold(reason.clone()),
            Expr::List { items } => Node::List(self.all(items)),
            Expr::Record { fields } => Node::Record(
                fields
                    .iter()
                    .map(|(k, v)| (Str::from(k.as_str()), self.compile(v)))
                    .collect(),
            ),
            Expr::Field { arg, name } => Node::Field(self.boxed(arg), name.clone()),
        }
    }

    /// The operands of a chain of `++`, in order (the chain nests either way).
    fn concat_parts(&self, e: &Expr, out: &mut Vec<Node>) {
        match e {
            Expr::Binary {
                operator: BinOp::Concat,
                lhs,
                rhs,
            } => {
                self.concat_parts(lhs, out);
                self.concat_parts(rhs, out);
            }
            other => out.push(self.compile(other)),
        }
    }

    fn boxed(&self, e: &Expr) -> Box<Node> {
        Box::new(self.compile(e))
    }

    fn all(&self, es: &[Expr]) -> Vec<Node> {
        es.iter().map(|e| self.compile(e)).collect()
    }
}

fn constant(c: &Const) -> Value {
    match c {
        Const::Null => Value::Null,
        Const::Bool { value } => Value::Bool(*value),
        Const::Number { value } if value.fract() == 0.0 && value.abs() < 9e15 => {
            Value::Int(*value as i64)
        }
        Const::Number { value } => Value::Dec(*value),
        Const::Text { value } => Value::text_value(value.as_str()),
        Const::Duration { amount, unit } => Value::Duration(*amount, *unit),
    }
}
