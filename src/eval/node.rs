//! The form the evaluators walk: the IR, its ids already resolved, made ready once before the
//! first row — constants made values, built-ins function pointers, `++` chains flattened, and
//! lending built-ins with constant later arguments turned into one step.

use crate::builtins::{self, Builtin, LendFn};
use crate::eval::value::{Str, Value};
use crate::ir::{number, Apply, BinOp, Const, Expr, LookupTarget, MissAction, SourceId};

#[derive(Debug)]
pub enum Node {
    Const(Value),
    /// A column by its position in the typed row.
    Col(usize),
    Param(usize),
    Call(&'static Builtin, Vec<Node>),
    /// A call of a lending built-in (`trim`, `left(x, 2)`, `after(x, "/")`) whose arguments
    /// after the first are constants, decided once: evaluated by lending, it is one step.
    Lent(Box<LentCall>),
    Table(usize, Box<Node>),
    Func(usize, Vec<Node>),
    /// A table, function or built-in on each element of a list (`eval::each`).
    Each(Box<EachNode>),
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

/// `apply` on each element of `list`, with `args` after it (see `ir::Expr::Each`).
#[derive(Debug)]
pub struct EachNode {
    pub list: Node,
    pub apply: Applied,
    pub args: Vec<Node>,
}

/// What an [`EachNode`] applies: a value table or user function by position, a built-in.
#[derive(Debug, Clone, Copy)]
pub enum Applied {
    Table(usize),
    Func(usize),
    Builtin(&'static Builtin),
}

#[derive(Debug)]
pub struct LookupNode {
    pub source: SourceId,
    pub target: LookupTarget,
    pub args: Vec<Node>,
    pub miss: Option<MissAction>,
}

impl Node {
    pub fn compile(e: &Expr) -> Node {
        match e {
            Expr::Const { value } => Node::Const(constant(value)),
            Expr::Column { column } => Node::Col(column.index()),
            Expr::Param { index } => Node::Param(*index),
            Expr::Call { builtin, args } => {
                let b = builtins::get(*builtin);
                match lent(b, all(args)) {
                    Ok(call) => Node::Lent(Box::new(call)),
                    Err(args) => Node::Call(b, args),
                }
            }
            Expr::Table { table, arg } => Node::Table(table.index(), boxed(arg)),
            Expr::Function { function, args } => Node::Func(function.index(), all(args)),
            Expr::Each { list, apply, args } => Node::Each(Box::new(EachNode {
                list: Node::compile(list),
                apply: match apply {
                    Apply::Table { table } => Applied::Table(table.index()),
                    Apply::Function { function } => Applied::Func(function.index()),
                    Apply::Builtin { builtin } => Applied::Builtin(builtins::get(*builtin)),
                },
                args: all(args),
            })),
            Expr::Binary {
                operator: BinOp::Concat,
                ..
            } => {
                let mut parts = Vec::new();
                concat_parts(e, &mut parts);
                Node::Concat(parts)
            }
            Expr::Binary { operator, lhs, rhs } => Node::Binary(*operator, boxed(lhs), boxed(rhs)),
            Expr::Not { arg } => Node::Not(boxed(arg)),
            Expr::Neg { arg } => Node::Neg(boxed(arg)),
            Expr::In { arg, list } => Node::In(boxed(arg), all(list)),
            Expr::If {
                cond,
                then,
                otherwise,
            } => Node::If(boxed(cond), boxed(then), boxed(otherwise)),
            Expr::Lookup {
                source,
                target,
                args,
                miss,
            } => Node::Lookup(Box::new(LookupNode {
                source: *source,
                target: *target,
                args: all(args),
                miss: miss.clone(),
            })),
            Expr::Owner { email, miss } => Node::Owner(boxed(email), miss.clone()),
            Expr::Reject { reason } => Node::Reject(reason.clone()),
            Expr::Hold { reason } => Node::Hold(reason.clone()),
            Expr::List { items } => Node::List(all(items)),
            Expr::Record { fields } => Node::Record(
                fields
                    .iter()
                    .map(|(k, v)| (Str::from(k.as_str()), Node::compile(v)))
                    .collect(),
            ),
            Expr::Field { arg, name } => Node::Field(boxed(arg), name.clone()),
        }
    }
}

/// The operands of a chain of `++`, in order (the chain nests either way).
fn concat_parts(e: &Expr, out: &mut Vec<Node>) {
    match e {
        Expr::Binary {
            operator: BinOp::Concat,
            lhs,
            rhs,
        } => {
            concat_parts(lhs, out);
            concat_parts(rhs, out);
        }
        other => out.push(Node::compile(other)),
    }
}

fn boxed(e: &Expr) -> Box<Node> {
    Box::new(Node::compile(e))
}

fn all(es: &[Expr]) -> Vec<Node> {
    es.iter().map(Node::compile).collect()
}

pub fn constant(c: &Const) -> Value {
    match c {
        Const::Null => Value::Null,
        Const::Bool { value } => Value::Bool(*value),
        // `12` is an int, `12.0` and `12.5` decimals, as the checker typed them.
        Const::Number { value } => match number::literal_int(*value) {
            Some(i) => Value::Int(i),
            None => Value::Dec(*value),
        },
        Const::Text { value } => Value::text_value(value.as_str()),
        Const::Duration { amount, unit } => Value::Duration(*amount, *unit),
    }
}
