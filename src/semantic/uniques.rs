//! A map's unique values: the fields the target keeps unique (the stdlib's, `unique` custom
//! fields, and so every identity) that the map writes, each with what a row does when a record
//! already has its value: `on duplicate f merge|reject`, `reject` unless said otherwise, and
//! `merge` for a field the map dedupes by alone (`dedupe by emails.primaryEmail`).

use crate::diag::{Code, Diagnostic};
use crate::ir::{Assignment, FieldPath, FieldType, Object, OnDuplicate, Unique};
use crate::span::Span;
use crate::syntax::ast;

/// An `on duplicate` statement, as the map wrote it.
pub struct Policy<'m> {
    pub path: &'m ast::FieldPath,
    pub action: OnDuplicate,
    pub span: Span,
}

/// The unique values `assignments` write in `object`, with their policies.
pub fn of_map(
    object: &Object,
    assignments: &[Assignment],
    dedupe: &[FieldPath],
    policies: &[Policy],
    diags: &mut Vec<Diagnostic>,
) -> Vec<Unique> {
    let mut uniques: Vec<Unique> = Vec::new();
    for a in assignments {
        if let Some(u) = written(object, &a.path) {
            if !uniques.iter().any(|known| known.wire == u.wire) {
                uniques.push(u);
            }
        }
    }
    if let [only] = dedupe {
        if let Some(u) = uniques.iter_mut().find(|u| u.wire == only.wire) {
            u.on_duplicate = OnDuplicate::Merge;
        }
    }
    let mut said: Vec<(String, Span)> = Vec::new();
    for p in policies {
        let dotted = p.path.dotted();
        let Some(u) = uniques.iter_mut().find(|u| u.dotted == dotted) else {
            diags.push(not_unique(object, &dotted, &uniques, p.path.span));
            continue;
        };
        if let Some((_, first)) = said.iter().find(|(d, _)| *d == u.dotted) {
            diags.push(
                Diagnostic::new(
                    Code::DuplicatePolicyTwice,
                    format!("what a duplicate `{dotted}` does is said twice"),
                )
                .primary(p.span, "said again here")
                .context(*first, "first said here"),
            );
            continue;
        }
        said.push((dotted, p.span));
        u.on_duplicate = p.action;
    }
    uniques
}

/// The unique value an assignment writes, if it writes one: a unique field, or the unique
/// subfield of a composite (assigned whole or by that subfield).
fn written(object: &Object, path: &FieldPath) -> Option<Unique> {
    let field = object.field_at(path.field);
    let (wire, dotted) = match (&field.unique, path.wire.as_slice()) {
        (Some(None), [_]) => (path.wire.clone(), field.name.clone()),
        (Some(Some(sub)), [api]) => (
            vec![api.clone(), sub.clone()],
            format!("{}.{sub}", field.name),
        ),
        (Some(Some(sub)), [_, s]) if s == sub => (path.wire.clone(), path.dotted.clone()),
        _ => return None,
    };
    let fold_case =
        matches!(&field.ty, FieldType::Composite { name } if name == "emails" || name == "links");
    Some(Unique {
        dotted,
        wire,
        on_duplicate: OnDuplicate::Reject,
        fold_case,
    })
}

fn not_unique(object: &Object, dotted: &str, uniques: &[Unique], span: Span) -> Diagnostic {
    let written: Vec<&str> = uniques.iter().map(|u| u.dotted.as_str()).collect();
    let help = if written.is_empty() {
        "this map writes no unique field".to_string()
    } else {
        format!("the unique values this map writes: {}", written.join(", "))
    };
    Diagnostic::new(
        Code::DuplicateNotUnique,
        format!(
            "`{}.{dotted}` is not a unique value this map writes, so it cannot have duplicates",
            object.name
        ),
    )
    .primary(span, "not unique here")
    .help(help)
}
