//! Checks the `test` blocks of a spec and the `gap` declarations.

use super::env::Env;
use crate::diag::{did_you_mean, Code, Diagnostic};
use crate::ir::{self, FieldType, PathLookup};
use crate::syntax::ast::{self, Expect, ExprKind, Literal, RecordField};

/// A test value must be a literal (or an option name, or a list of them).
fn value_json(e: &ast::Expr, diags: &mut Vec<Diagnostic>) -> serde_json::Value {
    match &e.kind {
        ExprKind::Literal(l) => super::decls::literal_json(l),
        ExprKind::Neg(inner) => match &inner.kind {
            ExprKind::Literal(Literal::Number(n)) => super::decls::number_json(-*n),
            _ => not_literal(e, diags),
        },
        ExprKind::Name(id) => serde_json::Value::String(id.name.clone()),
        ExprKind::List(items) => {
            serde_json::Value::Array(items.iter().map(|i| value_json(i, diags)).collect())
        }
        _ => not_literal(e, diags),
    }
}

/// A given row's value: a number as its exact digits (a row's values are read as text, by
/// its column's type, so `12345678901234567.89` must not pass through a JSON `f64`), anything
/// else as [`value_json`] makes it.
fn given_value(e: &ast::Expr, diags: &mut Vec<Diagnostic>) -> serde_json::Value {
    let digits = match &e.kind {
        ExprKind::Literal(Literal::Number(n)) => n.to_string(),
        ExprKind::Neg(inner) => match &inner.kind {
            ExprKind::Literal(Literal::Number(n)) => format!("-{n}"),
            _ => return value_json(e, diags),
        },
        _ => return value_json(e, diags),
    };
    serde_json::Value::String(digits)
}

fn not_literal(e: &ast::Expr, diags: &mut Vec<Diagnostic>) -> serde_json::Value {
    diags.push(
        Diagnostic::new(Code::TypeMismatch, "test data must be literal values")
            .primary(e.span, "not a literal")
            .help("write the value itself: \"text\", 12, true, null, OPTION"),
    );
    serde_json::Value::Null
}

pub fn test(t: &ast::TestDecl, env: &Env, diags: &mut Vec<Diagnostic>) -> ir::Test {
    let givens = t
        .givens
        .iter()
        .filter_map(|g| given(g, env, diags))
        .collect();
    let expects = t
        .expects
        .iter()
        .filter_map(|e| expect(e, env, diags))
        .collect();
    ir::Test {
        name: t.name.value.clone(),
        users: t.users.iter().map(|u| u.value.clone()).collect(),
        givens,
        expects,
    }
}

/// A given row; None when its source is unknown (reported).
fn given(g: &ast::Given, env: &Env, diags: &mut Vec<Diagnostic>) -> Option<ir::Given> {
    let row = g
        .fields
        .iter()
        .map(|f| (f.key.dotted(), given_value(&f.value, diags)))
        .collect();
    match env.sources.get(&g.source.name) {
        None => {
            unknown_source(&g.source, env, diags);
            None
        }
        Some(src) => {
            for f in &g.fields {
                let name = f.key.dotted();
                if !src.columns.contains_key(&name) {
                    diags.push(
                        Diagnostic::new(
                            Code::UnknownColumn,
                            format!("unknown column `{name}` of source `{}`", g.source.name),
                        )
                        .primary(f.key.span, "no such column")
                        .help_opt(did_you_mean(&name, src.columns.keys().map(String::as_str))),
                    );
                }
            }
            Some(ir::Given {
                source: src.id,
                row,
            })
        }
    }
}

fn unknown_source(s: &ast::Ident, env: &Env, diags: &mut Vec<Diagnostic>) {
    diags.push(
        Diagnostic::new(Code::UnknownSource, format!("unknown source `{}`", s.name))
            .primary(s.span, "no `source` has this name")
            .help_opt(did_you_mean(
                &s.name,
                env.sources.keys().map(String::as_str),
            )),
    );
}

fn expect(e: &Expect, env: &Env, diags: &mut Vec<Diagnostic>) -> Option<ir::Expect> {
    match e {
        Expect::Outcome {
            outcome,
            source,
            reason,
            ..
        } => {
            let Some(src) = env.sources.get(&source.name) else {
                unknown_source(source, env, diags);
                return None;
            };
            Some(ir::Expect::Outcome {
                outcome: *outcome,
                source: src.id,
                reason: reason.as_ref().map(|r| r.value.clone()),
            })
        }
        Expect::Record { object, fields, .. } => {
            let Some(obj) = env.schema.object(&object.name) else {
                diags.push(
                    Diagnostic::new(
                        Code::UnknownObject,
                        format!("unknown object `{}`", object.name),
                    )
                    .primary(object.span, "not an object of this target")
                    .help_opt(did_you_mean(&object.name, env.schema.object_names())),
                );
                return None;
            };
            let fields = fields
                .iter()
                .map(|f| (f.key.dotted(), expected_field(obj, f, env, diags)))
                .collect();
            Some(ir::Expect::Record {
                object: env.schema.object_id(&object.name)?,
                fields,
            })
        }
    }
}

fn unknown_option(s: &str, obj: &ir::Object, f: &RecordField, options: &[String]) -> Diagnostic {
    Diagnostic::new(
        Code::UnknownOption,
        format!(
            "`{s}` is not an option of `{}.{}`",
            obj.name,
            f.key.dotted()
        ),
    )
    .primary(f.value.span, "not an option")
    .help_opt(did_you_mean(s, options.iter().map(String::as_str)))
}

fn expected_field(
    obj: &ir::Object,
    f: &RecordField,
    env: &Env,
    diags: &mut Vec<Diagnostic>,
) -> serde_json::Value {
    let value = value_json(&f.value, diags);
    let parts: Vec<&str> = f.key.parts.iter().map(|p| p.name.as_str()).collect();
    match env.schema.resolve_path(obj, &parts) {
        PathLookup::Found { leaf, .. } => {
            if let FieldType::Select { options, .. } = &leaf.ty {
                // One option, or a multi-select's list of them.
                let expected = match &value {
                    serde_json::Value::Array(items) => items.iter().collect(),
                    one => vec![one],
                };
                for s in expected.iter().filter_map(|v| v.as_str()) {
                    if !options.iter().any(|o| o == s) {
                        diags.push(unknown_option(s, obj, f, options));
                    }
                }
            }
        }
        PathLookup::Missing { within, .. } => diags.push(
            Diagnostic::new(
                Code::UnknownField,
                format!("`{}` has no field `{}`", obj.name, f.key.dotted()),
            )
            .primary(f.key.span, "unknown field")
            .help_opt(did_you_mean(
                parts.last().copied().unwrap_or(""),
                within.iter().map(|f| f.name.as_str()),
            )),
        ),
        PathLookup::NotComposite { field, .. } => diags.push(
            Diagnostic::new(
                Code::UnknownField,
                format!("`{}` has no subfields", field.name),
            )
            .primary(f.key.span, "no such subfield"),
        ),
    }
    value
}

const GAP_KEYS: &[&str] = &["reason", "action", "volume", "owner"];

pub fn gap(g: &ast::GapDecl, diags: &mut Vec<Diagnostic>) -> ir::Gap {
    let get = |k: &str| {
        g.entries
            .iter()
            .find(|(n, _)| n.name == k)
            .map(|(_, v)| v.value.clone())
    };
    for (k, _) in &g.entries {
        if !GAP_KEYS.contains(&k.name.as_str()) {
            diags.push(
                Diagnostic::new(Code::GapReason, format!("unknown gap entry `{}`", k.name))
                    .primary(k.span, "not a gap entry")
                    .help_opt(did_you_mean(&k.name, GAP_KEYS.iter().copied())),
            );
        }
    }
    let reason = get("reason");
    if reason.is_none() {
        diags.push(
            Diagnostic::new(
                Code::GapReason,
                format!("gap \"{}\" does not say why", g.title.value),
            )
            .primary(g.title.span, "no `reason`")
            .help("add `reason \"…\"`: the customer signs off on it"),
        );
    }
    ir::Gap {
        title: g.title.value.clone(),
        reason: reason.unwrap_or_default(),
        action: get("action"),
        volume: get("volume"),
        owner: get("owner"),
    }
}
