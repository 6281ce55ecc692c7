//! Checks the declarations expressions depend on besides sources (`sources.rs`): value tables
//! and functions.

use super::env::{Env, FnEnv, Scope, TableEnv, Usage};
use super::expr::{literal_const, ExprChecker};
use super::types::{Known, Ty};
use crate::diag::{did_you_mean, Code, Diagnostic};
use crate::ir::{self, Const, FunctionId, TableElse, TableId};
use crate::syntax::ast::{self, ElseKind, Literal, ValueOut};
use std::collections::BTreeMap;

pub fn literal_json(l: &Literal) -> serde_json::Value {
    match l {
        Literal::Str(s) => serde_json::Value::String(s.clone()),
        Literal::Number(n) => number_json(*n),
        Literal::Bool(b) => serde_json::Value::Bool(*b),
        Literal::Null => serde_json::Value::Null,
    }
}

/// A number as a test's JSON: whole numbers exactly; others through `f64`, as the record a test
/// compares them with is read back (`Fields::to_map`).
pub fn number_json(n: ir::Decimal) -> serde_json::Value {
    if let Some(i) = ir::number::as_whole(n) {
        return serde_json::Value::from(i);
    }
    let f = ir::number::canonical(n).parse::<f64>().unwrap_or(f64::NAN);
    serde_json::Number::from_f64(f)
        .map(serde_json::Value::Number)
        .unwrap_or(serde_json::Value::Null)
}

pub(super) fn duplicate(
    diags: &mut Vec<Diagnostic>,
    kind: &str,
    name: &ast::Ident,
    first: crate::span::Span,
) {
    diags.push(
        Diagnostic::new(
            Code::Duplicate,
            format!("{kind} `{}` is defined twice", name.name),
        )
        .primary(name.span, "second definition")
        .context(first, "first defined here"),
    );
}

fn key_text(l: &Literal) -> String {
    match l {
        Literal::Str(s) => s.clone(),
        // As a number's value is read as text: `1.50` is the key `1.5`.
        Literal::Number(n) => ir::number::canonical(*n),
        Literal::Bool(b) => b.to_string(),
        Literal::Null => String::new(),
    }
}

fn out_const(o: &ValueOut) -> Const {
    match o {
        ValueOut::Literal(l) => literal_const(l),
        ValueOut::Option(i) => Const::Text {
            value: i.name.clone(),
        },
    }
}

fn out_type(o: &ValueOut) -> Ty {
    match o {
        ValueOut::Option(_) | ValueOut::Literal(Literal::Str(_)) => Ty::Text,
        ValueOut::Literal(Literal::Number(_)) => Ty::Decimal,
        ValueOut::Literal(Literal::Bool(_)) => Ty::Bool,
        ValueOut::Literal(Literal::Null) => Ty::Null,
    }
}

fn out_known(o: &ValueOut, table: &str, span: crate::span::Span) -> Option<Known> {
    let text = match o {
        ValueOut::Option(i) => i.name.clone(),
        ValueOut::Literal(Literal::Str(s)) => s.clone(),
        _ => return None,
    };
    let span = match o {
        ValueOut::Option(i) => i.span,
        _ => span,
    };
    Some(Known {
        text,
        span,
        table: Some(table.to_string()),
    })
}

pub fn table(
    v: &ast::ValuesDecl,
    std: bool,
    env: &mut Env,
    diags: &mut Vec<Diagnostic>,
) -> Option<ir::Table> {
    if let Some(first) = env.tables.get(&v.name.name) {
        duplicate(diags, "value table", &v.name, first.span);
        return None;
    }
    let name = v.name.name.as_str();
    let mut seen: BTreeMap<String, crate::span::Span> = BTreeMap::new();
    let mut entries = Vec::new();
    let mut ty = Ty::Null;
    let mut known = Vec::new();
    for e in &v.entries {
        for k in &e.keys {
            let text = key_text(k);
            let folded = if v.ignore_case {
                text.trim().to_lowercase()
            } else {
                text.clone()
            };
            if let Some(first) = seen.insert(folded, e.span) {
                diags.push(
                    Diagnostic::new(
                        Code::DuplicateKey,
                        format!("`{text}` appears twice in value table `{name}`"),
                    )
                    .primary(e.span, "duplicate key")
                    .context(first, "first entry")
                    .help_opt(v.ignore_case.then(|| {
                        "the table ignores case, so keys differing only in case collide".to_string()
                    })),
                );
            }
            entries.push((text, out_const(&e.output)));
        }
        ty = Ty::join(&ty, &out_type(&e.output));
        known.extend(out_known(&e.output, name, e.span));
    }
    let (otherwise, keep) = match v.otherwise.as_ref().map(|o| &o.kind) {
        None => (TableElse::Fail, false),
        Some(ElseKind::Reject(r)) => (
            TableElse::Reject(r.as_ref().map(|s| s.value.clone())),
            false,
        ),
        Some(ElseKind::Hold(r)) => (TableElse::Hold(r.as_ref().map(|s| s.value.clone())), false),
        Some(ElseKind::Skip) => (TableElse::Skip, false),
        Some(ElseKind::Keep) => (TableElse::Keep, true),
        Some(ElseKind::Output(o)) => {
            ty = Ty::join(&ty, &out_type(o));
            let span = v.otherwise.as_ref().map(|e| e.span).unwrap_or(v.span);
            known.extend(out_known(o, name, span));
            (TableElse::Output(out_const(o)), false)
        }
    };
    if keep {
        ty = Ty::join(&ty, &Ty::Text);
    }
    env.tables.insert(
        name.to_string(),
        TableEnv {
            id: TableId::new(env.tables.len()),
            ty,
            known: (!keep).then_some(known),
            otherwise: otherwise.clone(),
            span: v.name.span,
            std,
        },
    );
    Some(ir::Table {
        name: name.to_string(),
        ignore_case: v.ignore_case,
        entries,
        otherwise,
        std,
    })
}

fn param_type(p: &ast::Param, diags: &mut Vec<Diagnostic>) -> Ty {
    let Some(t) = &p.ty else { return Ty::Any };
    Ty::from_column_type(&t.name).unwrap_or_else(|| {
        diags.push(
            Diagnostic::new(
                Code::UnknownType,
                format!("unknown parameter type `{}`", t.name),
            )
            .primary(t.span, "not a type")
            .help_opt(did_you_mean(&t.name, Ty::COLUMN_TYPES.iter().copied())),
        );
        Ty::Any
    })
}

/// Registers every function's signature so bodies may call functions declared later.
pub fn declare_fns(fns: &[&ast::FnDecl], env: &mut Env, diags: &mut Vec<Diagnostic>) {
    for f in fns {
        if let Some(first) = env.fns.get(&f.name.name) {
            duplicate(diags, "function", &f.name, first.span);
            continue;
        }
        let params = f
            .params
            .iter()
            .map(|p| (p.name.name.clone(), param_type(p, diags)))
            .collect();
        let ret = f
            .ret
            .as_ref()
            .and_then(|r| Ty::from_column_type(&r.name))
            .unwrap_or(Ty::Any);
        env.fns.insert(
            f.name.name.clone(),
            FnEnv {
                id: FunctionId::new(env.fns.len()),
                params,
                ret,
                fallible: false,
                known: None,
                span: f.name.span,
            },
        );
    }
}

/// Checks bodies, learning each function's return type and fallibility; runs until stable so a
/// function calling a later one sees its final signature.
pub fn check_fns(
    fns: &[&ast::FnDecl],
    env: &mut Env,
    usage: &mut Usage,
    diags: &mut Vec<Diagnostic>,
) -> Vec<ir::Function> {
    let mut infos = Vec::new();
    for round in 0..3 {
        infos.clear();
        let mut round_diags = Vec::new();
        for f in fns {
            // A second function of the same name (reported) has no id of its own.
            let Some(fenv) = env.fns.get(&f.name.name).filter(|e| e.span == f.name.span) else {
                continue;
            };
            let params = fenv.params.clone();
            let mut checker = ExprChecker {
                env,
                scope: Scope::Params(&params),
                usage,
                diags: &mut round_diags,
            };
            let t = checker.check(&f.body);
            if let Some(fenv) = env.fns.get_mut(&f.name.name) {
                if f.ret.is_none() {
                    fenv.ret = t.ty.clone();
                }
                fenv.fallible = t.fallible.is_some();
                fenv.known = t.known.clone();
            }
            infos.push(ir::Function {
                name: f.name.name.clone(),
                params: params.iter().map(|(n, _)| n.clone()).collect(),
                body: t.ir,
            });
        }
        if round == 2 {
            diags.extend(round_diags);
        }
    }
    recursion(fns, diags);
    infos
}

/// A function that reaches itself through calls would never finish.
fn recursion(fns: &[&ast::FnDecl], diags: &mut Vec<Diagnostic>) {
    let calls: BTreeMap<&str, Vec<&str>> = fns
        .iter()
        .map(|f| (f.name.name.as_str(), callees(&f.body)))
        .collect();
    for f in fns {
        if let Some(path) = path_back(&calls, &f.name.name) {
            diags.push(
                Diagnostic::new(
                    Code::RecursiveFunction,
                    format!(
                        "function `{}` calls itself: {}",
                        f.name.name,
                        path.join(" → ")
                    ),
                )
                .primary(f.name.span, "recursive")
                .help("functions cannot recurse: a row must always finish"),
            );
        }
    }
}

/// The shortest call path from `start` back to itself, if there is one.
fn path_back(calls: &BTreeMap<&str, Vec<&str>>, start: &str) -> Option<Vec<String>> {
    let mut queue = std::collections::VecDeque::from([vec![start.to_string()]]);
    let mut seen = std::collections::BTreeSet::new();
    while let Some(path) = queue.pop_front() {
        let last = path.last()?.clone();
        for c in calls.get(last.as_str()).into_iter().flatten() {
            let mut next = path.clone();
            next.push(c.to_string());
            if *c == start {
                return Some(next);
            }
            if seen.insert(c.to_string()) {
                queue.push_back(next);
            }
        }
    }
    None
}

fn callees(e: &ast::Expr) -> Vec<&str> {
    let mut out = Vec::new();
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        use ast::ExprKind::*;
        match &e.kind {
            Call { callee, args, .. } => {
                out.push(callee.name.as_str());
                stack.extend(args);
            }
            Field(b, _) | Not(b) | Neg(b) => stack.push(b),
            Binary(_, l, r) => stack.extend([l.as_ref(), r.as_ref()]),
            In(v, l) => {
                stack.push(v);
                stack.extend(l);
            }
            If {
                cond,
                then,
                otherwise,
            } => stack.extend([cond.as_ref(), then.as_ref(), otherwise.as_ref()]),
            Lookup { args, .. } => stack.extend(args),
            Owner { email, .. } => stack.push(email),
            List(items) => stack.extend(items),
            Record(fields) => stack.extend(fields.iter().map(|f| &f.value)),
            Literal(_) | Name(_) | Reject(_) | Hold(_) | Duration(..) => {}
        }
    }
    out
}
