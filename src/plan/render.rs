//! The plan as text for people: what `mapc plan` prints by default. What an analyst checks
//! first comes first: the load order, then each step with the source columns beside the target
//! fields they fill; the schema changes follow, folded to a line per object; then the gaps.

use super::{Plan, Step};
use crate::ir::{
    Assignment, Const, Expr, LookupTarget, ObjectId, Phase, Program, SchemaChange, SourceId,
};
use std::fmt::Write;

pub fn to_text(plan: &Plan) -> String {
    let mut out = String::new();
    let p = &plan.program;
    let m = &p.migration;
    let _ = writeln!(out, "Migration: {}", m.title);
    let from = m.from.as_deref().unwrap_or("(source not named)");
    let target = p
        .schema
        .target
        .settings
        .get("label")
        .cloned()
        .unwrap_or_else(|| m.target.clone());
    let _ = writeln!(out, "From {from} to {target}");
    if m.sensitive {
        let _ = writeln!(
            out,
            "Sensitive: values are redacted from logs, diffs and reports"
        );
    }
    order_section(p, &mut out);
    steps_section(plan, &mut out);
    schema_section(p, &mut out);
    gaps_section(p, &mut out);
    out
}

fn schema_section(p: &Program, out: &mut String) {
    let changes = &p.schema.changes;
    let _ = writeln!(
        out,
        "\nSchema changes before any record ({}):",
        changes.len()
    );
    if changes.is_empty() {
        let _ = writeln!(out, "  none");
    }
    // Folded: one entry per object, in the order the changes come.
    let mut folded: Vec<(ObjectId, bool, Vec<String>)> = Vec::new();
    for c in changes {
        let (o, what) = match c {
            SchemaChange::CreateObject { object } => (*object, None),
            SchemaChange::CreateField { object, field } => {
                let f = p.object(*object).field_at(*field);
                (
                    *object,
                    Some(format!("{} ({})", f.name, p.schema.describe(&f.ty))),
                )
            }
            SchemaChange::AddOptions {
                object,
                field,
                options,
            } => {
                let f = p.object(*object).field_at(*field);
                let added = format!("{} +options {}", f.name, options.join(" "));
                (*object, Some(added))
            }
        };
        let i = match folded.iter().position(|(x, _, _)| *x == o) {
            Some(i) => i,
            None => {
                folded.push((o, false, Vec::new()));
                folded.len() - 1
            }
        };
        match what {
            None => folded[i].1 = true,
            Some(w) => folded[i].2.push(w),
        }
    }
    for (o, created, fields) in folded {
        let new = if created { " (new object)" } else { "" };
        let head = format!("  {}{new}: ", p.object(o).name);
        wrap(out, &head, &fields);
    }
}

/// `head` then `items` joined by ", ", wrapped under the first item at about 96 columns.
fn wrap(out: &mut String, head: &str, items: &[String]) {
    let indent = " ".repeat(head.chars().count());
    let mut line = head.to_string();
    let mut first = true;
    for (i, item) in items.iter().enumerate() {
        let piece = if i + 1 < items.len() {
            format!("{item}, ")
        } else {
            item.clone()
        };
        if !first && line.chars().count() + piece.chars().count() > 96 {
            let _ = writeln!(out, "{}", line.trim_end());
            line = indent.clone();
        }
        line.push_str(&piece);
        first = false;
    }
    let _ = writeln!(out, "{}", line.trim_end());
}

/// One schema change as a sentence: `create field Person.dateOfBirth (date)`.
pub fn change(p: &Program, c: &SchemaChange) -> String {
    let object = |o: ObjectId| &p.object(o).name;
    match c {
        SchemaChange::CreateObject { object: o } => format!("create object {}", object(*o)),
        SchemaChange::CreateField { object: o, field } => {
            let f = p.object(*o).field_at(*field);
            let ty = p.schema.describe(&f.ty);
            format!("create field {}.{} ({ty})", object(*o), f.name)
        }
        SchemaChange::AddOptions {
            object: o,
            field,
            options,
        } => {
            let f = p.object(*o).field_at(*field);
            format!(
                "add options to {}.{}: {}",
                object(*o),
                f.name,
                options.join(", ")
            )
        }
    }
}

/// Why `object` loads after others: "after Company: Person.company looks it up (map …)".
pub fn reasons(p: &Program, object: ObjectId) -> Vec<String> {
    let mut out: Vec<String> = p
        .edges
        .iter()
        .filter(|e| e.object == object && e.depends_on != object)
        .map(|e| {
            format!(
                "after {}: {}.{} looks it up (map {})",
                p.object(e.depends_on).name,
                p.object(e.object).name,
                e.field,
                p.map(e.map).name
            )
        })
        .collect();
    out.dedup();
    out
}

fn order_section(p: &Program, out: &mut String) {
    let _ = writeln!(out, "\nLoad order:");
    for (i, &object) in p.order.iter().enumerate() {
        let _ = writeln!(out, "  {}. {}", i + 1, p.object(object).name);
        for why in reasons(p, object) {
            let _ = writeln!(out, "       {why}");
        }
    }
}

/// How a step's phase reads in a sentence: "merge into Person".
pub fn verb(phase: Phase) -> &'static str {
    match phase {
        Phase::Create => "create",
        Phase::Merge => "merge into",
        Phase::Deferred => "second pass on",
        Phase::Links => "link records of",
        Phase::Lookup => "read for lookups",
    }
}

fn steps_section(plan: &Plan, out: &mut String) {
    let _ = writeln!(out, "\nSteps (target field <- source columns):");
    for s in &plan.steps {
        let _ = writeln!(out, "  {:>2}. {}", s.number, step_line(plan, s));
        let map = plan.map(s);
        let writes: Vec<&Assignment> = s
            .writes
            .iter()
            .filter_map(|&i| map.assignments.get(i))
            .collect();
        let width = writes
            .iter()
            .map(|a| a.path.dotted.chars().count())
            .max()
            .unwrap_or(0);
        for a in writes {
            let from = columns(&plan.program, map.source, &a.value);
            let from = match (&a.value, from.is_empty()) {
                (Expr::Const { value }, _) => constant(value),
                (_, true) => "(no source column)".to_string(),
                (_, false) => from.join(", "),
            };
            let _ = writeln!(out, "        {:<width$}  <- {from}", a.path.dotted);
        }
    }
}

fn step_line(plan: &Plan, s: &Step) -> String {
    let p = &plan.program;
    let map = plan.map(s);
    format!(
        "{} {} from {} (map {})",
        verb(s.phase),
        p.object(map.object).name,
        p.source(map.source).name,
        map.name,
    )
}

/// A constant written into a field, as the spec would write it.
fn constant(c: &Const) -> String {
    match c {
        Const::Null => "null".to_string(),
        Const::Bool { value } => value.to_string(),
        Const::Number { value } => value.to_string(),
        Const::Text { value } => format!("\"{value}\" (constant)"),
        Const::Duration { amount, unit } => format!("{amount} {} (constant)", unit.name()),
    }
}

/// The source columns a value reads, in the order written, each once: the map's own by name,
/// a column another source's row gives through a lookup as `Source.column`.
pub fn columns(p: &Program, source: SourceId, value: &Expr) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    value.walk(&mut |e| {
        let name = match e {
            Expr::Column { column } => p.source(source).column(*column).name.clone(),
            Expr::Lookup {
                source: other,
                target: LookupTarget::Column { column },
                ..
            } => {
                let other = p.source(*other);
                format!("{}.{}", other.name, other.column(*column).name)
            }
            _ => return,
        };
        if !found.contains(&name) {
            found.push(name);
        }
    });
    found
}

fn gaps_section(p: &Program, out: &mut String) {
    let _ = writeln!(out, "\nGaps ({}):", p.gaps.len());
    for g in &p.gaps {
        let _ = writeln!(out, "  - {}: {}", g.title, g.reason);
        if let Some(a) = &g.action {
            let _ = writeln!(out, "      action: {a}");
        }
    }
    let lossy: Vec<(&str, &str)> = p
        .maps
        .iter()
        .flat_map(|m| m.lossy.iter().map(|l| (m.name.as_str(), l.as_str())))
        .collect();
    if !lossy.is_empty() {
        let _ = writeln!(out, "\nLossy mappings:");
        for (map, note) in lossy {
            let _ = writeln!(out, "  - {map}: {note}");
        }
    }
}
