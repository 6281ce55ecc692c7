//! Evaluates compiled [`Node`]s for one row. Pure: lookups and owners come through [`Resolver`].

use crate::builtins::{add_duration, Builtin};
use crate::eval::node::{constant, LookupNode, Node};
use crate::eval::number;
use crate::eval::value::{Eval, Stop, Str, Value};
use crate::ir::{BinOp, Expr, LookupTarget, MissAction, Program, SourceId, TableElse};
use rustc_hash::FxHashMap;
use smallvec::SmallVec;
use std::cmp::Ordering;

/// Arguments of one call: most calls take at most four, kept on the stack.
type Args = SmallVec<[Value; 4]>;

/// What a row's evaluation resolves outside the row: lookups into other sources, owners.
pub trait Resolver {
    /// What `source`'s row with this key gives (`target`): a reference to its record, or the
    /// value of one of its columns.
    fn lookup(&self, source: SourceId, target: LookupTarget, key: &[Value]) -> Option<Value>;
    fn owner(&self, email: &str) -> Option<Value>;
    fn default_owner(&self) -> Option<Value>;
}

struct Table<'m> {
    name: &'m str,
    ignore_case: bool,
    otherwise: &'m TableElse,
    /// Keys as written, or trimmed and lower-cased for `ignore case` tables.
    entries: FxHashMap<String, Value>,
}

/// The value tables and user functions of a program, made ready for evaluation, and the names
/// of its sources (for the reasons a lookup that misses gives).
pub struct Evaluator<'m> {
    program: &'m Program,
    tables: Vec<Table<'m>>,
    functions: Vec<Node>,
}

/// `{}` in a reason stands for the value that caused it.
fn reason(template: &Option<String>, default: &str, value: &str) -> String {
    match template {
        Some(t) => t.replace("{}", value),
        None => format!("{default} {value:?}"),
    }
}

impl<'m> Evaluator<'m> {
    pub fn new(program: &'m Program) -> Evaluator<'m> {
        let tables: Vec<Table> = program
            .tables
            .iter()
            .map(|t| Table {
                name: &t.name,
                ignore_case: t.ignore_case,
                otherwise: &t.otherwise,
                entries: t
                    .entries
                    .iter()
                    .map(|(k, v)| (fold(t.ignore_case, k).into_owned(), constant(v)))
                    .collect(),
            })
            .collect();
        Evaluator {
            program,
            tables,
            functions: program
                .functions
                .iter()
                .map(|f| Node::compile(&f.body))
                .collect(),
        }
    }

    /// The program evaluated.
    pub fn program(&self) -> &'m Program {
        self.program
    }

    /// A source's name, for reasons and record ids.
    pub fn source_name(&self, id: SourceId) -> &'m str {
        self.program
            .sources
            .get(id.index())
            .map_or("?", |s| s.name.as_str())
    }

    /// The compiled body of user function `i`.
    pub fn function(&self, i: usize) -> Option<&Node> {
        self.functions.get(i)
    }

    /// Compiles and evaluates an expression once, against a typed row.
    pub fn eval(&self, e: &Expr, row: &[Value], resolver: &dyn Resolver, params: &[Value]) -> Eval {
        self.run(&Node::compile(e), row, resolver, params)
    }

    /// Evaluates a compiled node against a typed row.
    pub fn run(&self, n: &Node, row: &[Value], resolver: &dyn Resolver, params: &[Value]) -> Eval {
        let go = |n: &Node| self.run(n, row, resolver, params);
        match n {
            Node::Const(v) => Ok(v.clone()),
            Node::Col(i) => Ok(row.get(*i).cloned().unwrap_or(Value::Null)),
            Node::Param(i) => Ok(params.get(*i).cloned().unwrap_or(Value::Null)),
            Node::Call(b, args) => self.call(b, args, row, resolver, params),
            Node::Lent(c) => self.call(c.builtin, &c.args, row, resolver, params),
            Node::Table(t, arg) => match arg.as_ref() {
                Node::Col(i) => self.table(*t, row.get(*i).unwrap_or(&Value::Null)),
                other => self.table(*t, &go(other)?),
            },
            Node::Func(f, args) => {
                let Some(body) = self.functions.get(*f) else {
                    return Err(Stop::Reject("internal: a function is missing".into()));
                };
                // A function's body sees its parameters, not the caller's row.
                match args.as_slice() {
                    [one] => self.run(body, &[], resolver, &[go(one)?]),
                    _ => self.run(body, &[], resolver, &self.all(args, row, resolver, params)?),
                }
            }
            Node::Each(e) => self.each(e, row, resolver, params),
            Node::Binary(op, lhs, rhs) => self.binary(*op, lhs, rhs, row, resolver, params),
            Node::Concat(parts) => self.concat(parts, row, resolver, params),
            Node::Not(arg) => Ok(Value::Bool(!truthy(&go(arg)?))),
            Node::Neg(arg) => {
                let v = go(arg)?;
                number::negate(&v).unwrap_or(Ok(v))
            }
            Node::In(arg, list) => {
                let v = go(arg)?;
                let items = self.all(list, row, resolver, params)?;
                Ok(Value::Bool(items.iter().any(|i| equal(&v, i))))
            }
            Node::If(cond, then, otherwise) => {
                if truthy(&go(cond)?) {
                    go(then)
                } else {
                    go(otherwise)
                }
            }
            Node::Lookup(l) => self.lookup(l, row, resolver, params),
            Node::Owner(email, miss) => {
                let email = go(email)?;
                let email = email.text();
                let found = match email.trim() {
                    "" => None,
                    e => resolver.owner(e),
                };
                resolve_miss(found, miss.as_ref(), resolver, || {
                    format!("no user with email {email:?}")
                })
            }
            Node::Reject(reason) => Err(Stop::Reject(reason.clone())),
            Node::Hold(reason) => Err(Stop::Hold(reason.clone())),
            Node::List(items) => Ok(Value::List(
                self.all(items, row, resolver, params)?.into_vec(),
            )),
            Node::Record(fields) => {
                let mut out = Vec::with_capacity(fields.len());
                for (k, v) in fields {
                    out.push((k.clone(), go(v)?));
                }
                Ok(Value::Record(out))
            }
            Node::Field(arg, name) => match go(arg)? {
                Value::Record(fields) => Ok(fields
                    .into_iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v)
                    .unwrap_or(Value::Null)),
                _ => Ok(Value::Null),
            },
        }
    }

    fn call(
        &self,
        b: &Builtin,
        args: &[Node],
        row: &[Value],
        resolver: &dyn Resolver,
        params: &[Value],
    ) -> Eval {
        let go = |n: &Node| self.run(n, row, resolver, params);
        match args {
            // A column passed alone is lent, not copied.
            [Node::Col(i)] => b.call(std::slice::from_ref(row.get(*i).unwrap_or(&Value::Null))),
            [one] => b.call(std::slice::from_ref(&go(one)?)),
            // Two or three arguments sit in an array on the stack: no vector is moved about.
            [x, y] => b.call(&[go(x)?, go(y)?]),
            [x, y, z] => b.call(&[go(x)?, go(y)?, go(z)?]),
            _ => b.call(&self.all(args, row, resolver, params)?),
        }
    }

    /// Appends each part's text (null is empty) to one string; constants and columns are read
    /// where they are, not copied first.
    #[inline(never)]
    fn concat(
        &self,
        parts: &[Node],
        row: &[Value],
        resolver: &dyn Resolver,
        params: &[Value],
    ) -> Eval {
        let mut s = Str::default();
        for p in parts {
            match p {
                Node::Const(v) => s.push_str(&v.text()),
                Node::Col(i) => s.push_str(&row.get(*i).map(Value::text).unwrap_or_default()),
                Node::Param(i) => s.push_str(&params.get(*i).map(Value::text).unwrap_or_default()),
                other => s.push_str(&self.run(other, row, resolver, params)?.text()),
            }
        }
        Ok(Value::Text(s))
    }

    // Kept out of `run`, so its frame (paid on every node) stays small.
    #[inline(never)]
    pub(crate) fn all(
        &self,
        nodes: &[Node],
        row: &[Value],
        resolver: &dyn Resolver,
        params: &[Value],
    ) -> Result<Args, Stop> {
        let mut out = Args::new();
        for n in nodes {
            out.push(self.run(n, row, resolver, params)?);
        }
        Ok(out)
    }

    // Kept out of `run`, so its frame (paid on every node) stays small.
    #[inline(never)]
    fn lookup(
        &self,
        l: &LookupNode,
        row: &[Value],
        resolver: &dyn Resolver,
        params: &[Value],
    ) -> Eval {
        let key = self.all(&l.args, row, resolver, params)?;
        if no_key(&key) {
            return Ok(Value::Null);
        }
        match resolver.lookup(l.source, l.target, &key) {
            Some(found) => Ok(found),
            None => self.missed(l, &key, resolver),
        }
    }

    // Kept out of `run`, so its frame (paid on every node) stays small.
    #[inline(never)]
    pub(crate) fn table(&self, t: usize, input: &Value) -> Eval {
        if input.is_null() {
            return Ok(Value::Null);
        }
        let key = input.text();
        match self.table_entry(t, &key)? {
            Some(v) => Ok(v.clone()),
            None => self.table_else(t, &key, input),
        }
    }

    /// The entry of value table `t` for a (non-null) input's text, if it has one.
    pub(crate) fn table_entry(&self, t: usize, key: &str) -> Result<Option<&Value>, Stop> {
        let Some(t) = self.tables.get(t) else {
            return Err(Stop::Reject("internal: a value table is missing".into()));
        };
        Ok(t.entries.get(fold(t.ignore_case, key).as_ref()))
    }

    /// What value table `t` says for an input it has no entry for.
    pub(crate) fn table_else(&self, t: usize, key: &str, input: &Value) -> Eval {
        let Some(t) = self.tables.get(t) else {
            return Err(Stop::Reject("internal: a value table is missing".into()));
        };
        let default = format!("no entry in {} for", t.name);
        match t.otherwise {
            TableElse::Fail => Err(Stop::Fail(format!("{default} {key:?}"))),
            TableElse::Reject(r) => Err(Stop::Reject(reason(r, &default, key))),
            TableElse::Hold(r) => Err(Stop::Hold(reason(r, &default, key))),
            TableElse::Skip => Err(Stop::Skip(format!("{default} {key:?}"))),
            TableElse::Keep => Ok(input.clone()),
            TableElse::Output(v) => Ok(constant(v)),
        }
    }

    // Kept out of `run`, so its frame (paid on every node) stays small.
    #[inline(never)]
    fn binary(
        &self,
        op: BinOp,
        lhs: &Node,
        rhs: &Node,
        row: &[Value],
        resolver: &dyn Resolver,
        params: &[Value],
    ) -> Eval {
        let go = |n: &Node| self.run(n, row, resolver, params);
        if op == BinOp::Coalesce {
            return match go(lhs) {
                Ok(Value::Null) | Err(Stop::Fail(_)) => go(rhs),
                other => other,
            };
        }
        let a = go(lhs)?;
        if op == BinOp::And && !truthy(&a) {
            return Ok(Value::Bool(false));
        }
        if op == BinOp::Or && truthy(&a) {
            return Ok(Value::Bool(true));
        }
        let b = go(rhs)?;
        apply(op, &a, &b)
    }
}

/// A binary operator on two values (`??`, `and` and `or` decide before their right side is
/// evaluated, so they are the caller's).
pub(crate) fn apply(op: BinOp, a: &Value, b: &Value) -> Eval {
    Ok(match op {
        BinOp::And | BinOp::Or => Value::Bool(truthy(b)),
        BinOp::Concat => {
            let mut s = Str::from(a.text());
            s.push_str(&b.text());
            Value::Text(s)
        }
        BinOp::Eq => Value::Bool(equal(a, b)),
        BinOp::Ne => Value::Bool(!equal(a, b)),
        BinOp::Lt => Value::Bool(compare(a, b) == Some(Ordering::Less)),
        BinOp::Le => Value::Bool(matches!(
            compare(a, b),
            Some(Ordering::Less | Ordering::Equal)
        )),
        BinOp::Gt => Value::Bool(compare(a, b) == Some(Ordering::Greater)),
        BinOp::Ge => Value::Bool(matches!(
            compare(a, b),
            Some(Ordering::Greater | Ordering::Equal)
        )),
        _ => arithmetic(op, a, b)?,
    })
}

/// An empty key is no reference at all, not a dangling one: null, whatever the policy.
pub(crate) fn no_key(key: &[Value]) -> bool {
    key.iter()
        .all(|k| k.is_null() || k.text().trim().is_empty())
}

impl Evaluator<'_> {
    /// What a lookup whose key matched nothing gives, by its miss policy.
    pub(crate) fn missed(&self, l: &LookupNode, key: &[Value], resolver: &dyn Resolver) -> Eval {
        resolve_miss(None, l.miss.as_ref(), resolver, || {
            let key: Vec<String> = key.iter().map(Value::to_text).collect();
            let source = self.source_name(l.source);
            format!("no {source} with key {}", key.join(", "))
        })
    }
}

fn fold(ignore_case: bool, s: &str) -> std::borrow::Cow<'_, str> {
    if ignore_case {
        std::borrow::Cow::Owned(s.trim().to_lowercase())
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// The value found, or what the miss policy says; `what` describes the miss, only when one
/// happened.
fn resolve_miss(
    found: Option<Value>,
    miss: Option<&MissAction>,
    resolver: &dyn Resolver,
    what: impl FnOnce() -> String,
) -> Eval {
    if let Some(v) = found {
        return Ok(v);
    }
    let what = what();
    match miss {
        None => Err(Stop::Fail(what)),
        Some(MissAction::Null) => Ok(Value::Null),
        Some(MissAction::Reject(m)) => Err(Stop::Reject(m.clone().unwrap_or(what))),
        Some(MissAction::Hold(m)) => Err(Stop::Hold(m.clone().unwrap_or(what))),
        Some(MissAction::Skip) => Err(Stop::Skip(what)),
        Some(MissAction::Placeholder(label)) => Ok(Value::reference(
            None,
            format!("placeholder:{}", label.clone().unwrap_or_default()),
        )),
        Some(MissAction::Default) => resolver
            .default_owner()
            .ok_or_else(|| Stop::Hold(format!("{what}, and no default owner"))),
    }
}

pub fn truthy(v: &Value) -> bool {
    matches!(v, Value::Bool(true))
}

fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Text(x), Value::Text(y)) => x == y,
        (Value::Null, Value::Null) => true,
        (Value::Null, _) | (_, Value::Null) => false,
        _ => match number::compare(a, b) {
            Some(order) => order == Ordering::Equal,
            None => a == b || a.to_text() == b.to_text(),
        },
    }
}

fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    if let Some(order) = number::compare(a, b) {
        return Some(order);
    }
    match (a, b) {
        (Value::Date(x), Value::Date(y)) => Some(x.cmp(y)),
        (Value::DateTime(x), Value::DateTime(y)) => Some(x.cmp(y)),
        (Value::Text(x), Value::Text(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

fn arithmetic(op: BinOp, a: &Value, b: &Value) -> Eval {
    use Value::*;
    let sign = if op == BinOp::Sub { -1 } else { 1 };
    if let Some(result) = number::arithmetic(op, a, b) {
        return result;
    }
    Ok(match (a, b) {
        (Null, _) | (_, Null) => Null,
        (Date(d), Duration(n, u)) | (Duration(n, u), Date(d)) => {
            Date(add_duration(*d, *n, *u, sign)?)
        }
        (DateTime(t), Duration(n, u)) => {
            DateTime(add_duration(t.date(), *n, *u, sign)?.and_time(t.time()))
        }
        (Date(x), Date(y)) if op == BinOp::Sub => Int((*x - *y).num_days()),
        _ => {
            return Err(Stop::Fail(format!(
                "cannot compute {} {} {}",
                a.to_text(),
                op.symbol(),
                b.to_text()
            )))
        }
    })
}
