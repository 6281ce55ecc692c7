//! Evaluates the IR for one row. Pure: lookups and owners come through [`Context`].

use super::builtins::{self, add_duration};
use super::value::{Eval, Stop, Value};
use crate::plan::ir::{Const, Expr};
use crate::semantic::model::{FunctionInfo, TableElse, TableInfo};
use crate::semantic::Model;
use crate::syntax::ast::{BinOp, MissAction};
use std::cmp::Ordering;
use std::collections::HashMap;

/// What a row's evaluation may ask of the run around it.
pub trait Context {
    fn column(&self, name: &str) -> Value;
    /// The record (or, with `column`, the source value) for `source`'s row with this key.
    fn lookup(
        &self,
        source: &str,
        object: Option<&str>,
        key: &[Value],
        column: Option<&str>,
    ) -> Option<Value>;
    fn owner(&self, email: &str) -> Option<Value>;
    fn default_owner(&self) -> Option<Value>;
}

struct Table<'m> {
    info: &'m TableInfo,
    entries: HashMap<String, Value>,
}

/// The value tables and functions of a model, indexed for evaluation.
pub struct Evaluator<'m> {
    tables: HashMap<&'m str, Table<'m>>,
    functions: HashMap<&'m str, &'m FunctionInfo>,
}

fn fold(ignore_case: bool, s: &str) -> String {
    if ignore_case {
        s.trim().to_lowercase()
    } else {
        s.to_string()
    }
}

/// `{}` in a reason stands for the value that caused it.
fn reason(template: &Option<String>, default: &str, value: &str) -> String {
    match template {
        Some(t) => t.replace("{}", value),
        None => format!("{default} {value:?}"),
    }
}

impl<'m> Evaluator<'m> {
    pub fn new(model: &'m Model) -> Evaluator<'m> {
        let tables = model
            .tables
            .iter()
            .map(|t| {
                let entries = t
                    .entries
                    .iter()
                    .map(|(k, v)| (fold(t.ignore_case, k), Value::from_json(v)))
                    .collect();
                (t.name.as_str(), Table { info: t, entries })
            })
            .collect();
        let functions = model
            .functions
            .iter()
            .map(|f| (f.name.as_str(), f))
            .collect();
        Evaluator { tables, functions }
    }

    pub fn eval(&self, e: &Expr, cx: &dyn Context, params: &[Value]) -> Eval {
        match e {
            Expr::Const { value } => Ok(constant(value)),
            Expr::Column { name } => Ok(cx.column(name)),
            Expr::Param { index } => Ok(params.get(*index).cloned().unwrap_or(Value::Null)),
            Expr::Builtin { name, args } => {
                let values = self.all(args, cx, params)?;
                builtins::call(name, &values)
            }
            Expr::Table { table, arg } => self.table(table, self.eval(arg, cx, params)?),
            Expr::Function { name, args } => {
                let values = self.all(args, cx, params)?;
                match self.functions.get(name.as_str()) {
                    Some(f) => self.eval(&f.body, cx, &values),
                    None => Err(Stop::Reject(format!("internal: no function `{name}`"))),
                }
            }
            Expr::Binary { operator, lhs, rhs } => self.binary(*operator, lhs, rhs, cx, params),
            Expr::Not { arg } => Ok(Value::Bool(!truthy(&self.eval(arg, cx, params)?))),
            Expr::Neg { arg } => match self.eval(arg, cx, params)? {
                Value::Int(i) => Ok(Value::Int(-i)),
                Value::Dec(d) => Ok(Value::Dec(-d)),
                other => Ok(other),
            },
            Expr::In { arg, list } => {
                let v = self.eval(arg, cx, params)?;
                let items = self.all(list, cx, params)?;
                Ok(Value::Bool(items.iter().any(|i| equal(&v, i))))
            }
            Expr::If {
                cond,
                then,
                otherwise,
            } => {
                if truthy(&self.eval(cond, cx, params)?) {
                    self.eval(then, cx, params)
                } else {
                    self.eval(otherwise, cx, params)
                }
            }
            Expr::Lookup {
                source,
                object,
                args,
                column,
                miss,
            } => {
                let key = self.all(args, cx, params)?;
                // An empty key is no reference at all, not a dangling one: null, whatever the policy.
                if key
                    .iter()
                    .all(|k| k.is_null() || k.to_text().trim().is_empty())
                {
                    return Ok(Value::Null);
                }
                let found = cx.lookup(source, object.as_deref(), &key, column.as_deref());
                let what = format!(
                    "no {source} with key {}",
                    key.iter()
                        .map(Value::to_text)
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                resolve_miss(found, miss.as_ref(), &what, cx)
            }
            Expr::Owner { email, miss } => {
                let email = self.eval(email, cx, params)?.to_text();
                let found = if email.trim().is_empty() {
                    None
                } else {
                    cx.owner(email.trim())
                };
                resolve_miss(
                    found,
                    miss.as_ref(),
                    &format!("no user with email {email:?}"),
                    cx,
                )
            }
            Expr::Reject { reason } => Err(Stop::Reject(reason.clone())),
            Expr::Hold { reason } => Err(Stop::Hold(reason.clone())),
            Expr::List { items } => Ok(Value::List(self.all(items, cx, params)?)),
            Expr::Record { fields } => {
                let mut out = Vec::with_capacity(fields.len());
                for (k, v) in fields {
                    out.push((k.clone(), self.eval(v, cx, params)?));
                }
                Ok(Value::Record(out))
            }
            Expr::Field { arg, name } => match self.eval(arg, cx, params)? {
                Value::Record(fields) => Ok(fields
                    .into_iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v)
                    .unwrap_or(Value::Null)),
                _ => Ok(Value::Null),
            },
        }
    }

    fn all(&self, exprs: &[Expr], cx: &dyn Context, params: &[Value]) -> Result<Vec<Value>, Stop> {
        exprs.iter().map(|e| self.eval(e, cx, params)).collect()
    }

    fn table(&self, name: &str, input: Value) -> Eval {
        let Some(t) = self.tables.get(name) else {
            return Err(Stop::Reject(format!("internal: no value table `{name}`")));
        };
        if input.is_null() {
            return Ok(Value::Null);
        }
        let key = input.to_text();
        if let Some(v) = t.entries.get(&fold(t.info.ignore_case, &key)) {
            return Ok(v.clone());
        }
        let default = format!("no entry in {name} for");
        match &t.info.otherwise {
            TableElse::Fail => Err(Stop::Fail(format!("{default} {key:?}"))),
            TableElse::Reject(r) => Err(Stop::Reject(reason(r, &default, &key))),
            TableElse::Hold(r) => Err(Stop::Hold(reason(r, &default, &key))),
            TableElse::Skip => Err(Stop::Skip(format!("{default} {key:?}"))),
            TableElse::Keep => Ok(input),
            TableElse::Output(v) => Ok(Value::from_json(v)),
        }
    }

    fn binary(
        &self,
        op: BinOp,
        lhs: &Expr,
        rhs: &Expr,
        cx: &dyn Context,
        params: &[Value],
    ) -> Eval {
        if op == BinOp::Coalesce {
            return match self.eval(lhs, cx, params) {
                Ok(Value::Null) | Err(Stop::Fail(_)) => self.eval(rhs, cx, params),
                other => other,
            };
        }
        let a = self.eval(lhs, cx, params)?;
        if op == BinOp::And && !truthy(&a) {
            return Ok(Value::Bool(false));
        }
        if op == BinOp::Or && truthy(&a) {
            return Ok(Value::Bool(true));
        }
        let b = self.eval(rhs, cx, params)?;
        Ok(match op {
            BinOp::And | BinOp::Or => Value::Bool(truthy(&b)),
            BinOp::Concat => Value::Text(a.to_text() + &b.to_text()),
            BinOp::Eq => Value::Bool(equal(&a, &b)),
            BinOp::Ne => Value::Bool(!equal(&a, &b)),
            BinOp::Lt => Value::Bool(compare(&a, &b) == Some(Ordering::Less)),
            BinOp::Le => Value::Bool(matches!(
                compare(&a, &b),
                Some(Ordering::Less | Ordering::Equal)
            )),
            BinOp::Gt => Value::Bool(compare(&a, &b) == Some(Ordering::Greater)),
            BinOp::Ge => Value::Bool(matches!(
                compare(&a, &b),
                Some(Ordering::Greater | Ordering::Equal)
            )),
            _ => arithmetic(op, &a, &b)?,
        })
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
        Const::Text { value } => Value::Text(value.clone()),
        Const::Duration { amount, unit } => Value::Duration(*amount, *unit),
    }
}

fn resolve_miss(
    found: Option<Value>,
    miss: Option<&MissAction>,
    what: &str,
    cx: &dyn Context,
) -> Eval {
    if let Some(v) = found {
        return Ok(v);
    }
    match miss {
        None => Err(Stop::Fail(what.to_string())),
        Some(MissAction::Null) => Ok(Value::Null),
        Some(MissAction::Reject(m)) => {
            Err(Stop::Reject(m.clone().unwrap_or_else(|| what.to_string())))
        }
        Some(MissAction::Hold(m)) => Err(Stop::Hold(m.clone().unwrap_or_else(|| what.to_string()))),
        Some(MissAction::Skip) => Err(Stop::Skip(what.to_string())),
        Some(MissAction::Placeholder(label)) => Ok(Value::Ref {
            object: String::new(),
            key: format!("placeholder:{}", label.clone().unwrap_or_default()),
        }),
        Some(MissAction::Default) => cx
            .default_owner()
            .ok_or_else(|| Stop::Hold(format!("{what}, and no default owner"))),
    }
}

pub fn truthy(v: &Value) -> bool {
    matches!(v, Value::Bool(true))
}

fn equal(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => match (a, b) {
            (Value::Text(x), Value::Text(y)) => x == y,
            (Value::Null, Value::Null) => true,
            (Value::Null, _) | (_, Value::Null) => false,
            _ => a == b || a.to_text() == b.to_text(),
        },
    }
}

fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    if let (Some(x), Some(y)) = (a.as_f64(), b.as_f64()) {
        return x.partial_cmp(&y);
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
    Ok(match (a, b) {
        (Null, _) | (_, Null) => Null,
        (Int(x), Int(y)) => match op {
            BinOp::Add => Int(x.saturating_add(*y)),
            BinOp::Sub => Int(x.saturating_sub(*y)),
            BinOp::Mul => Int(x.saturating_mul(*y)),
            _ if *y == 0 => return Err(Stop::Fail("division by zero".into())),
            _ => Dec(*x as f64 / *y as f64),
        },
        (Date(d), Duration(n, u)) | (Duration(n, u), Date(d)) => {
            match add_duration(*d, *n, *u, sign) {
                Some(r) => Date(r),
                None => return Err(Stop::Fail("date out of range".into())),
            }
        }
        (DateTime(t), Duration(n, u)) => match add_duration(t.date(), *n, *u, sign) {
            Some(r) => DateTime(r.and_time(t.time())),
            None => return Err(Stop::Fail("date out of range".into())),
        },
        (Date(x), Date(y)) if op == BinOp::Sub => Int((*x - *y).num_days()),
        _ => match (a.as_f64(), b.as_f64()) {
            (Some(x), Some(y)) => match op {
                BinOp::Add => Dec(x + y),
                BinOp::Sub => Dec(x - y),
                BinOp::Mul => Dec(x * y),
                _ if y == 0.0 => return Err(Stop::Fail("division by zero".into())),
                _ => Dec(x / y),
            },
            _ => {
                return Err(Stop::Fail(format!(
                    "cannot compute {} {} {}",
                    a.to_text(),
                    op.symbol(),
                    b.to_text()
                )))
            }
        },
    })
}
