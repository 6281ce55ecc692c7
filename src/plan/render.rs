//! The plan as text for people: what `mapc plan` prints by default.

use super::{Plan, Step};
use crate::ir::{ObjectId, Phase, Program, SchemaChange};
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
    schema_section(p, &mut out);
    order_section(p, &mut out);
    steps_section(plan, &mut out);
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
    for c in changes {
        let _ = writeln!(out, "  - {}", change(p, c));
    }
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
    let _ = writeln!(out, "\nSteps:");
    for s in &plan.steps {
        let _ = writeln!(out, "  {:>2}. {}", s.number, step_line(plan, s));
    }
}

fn step_line(plan: &Plan, s: &Step) -> String {
    let p = &plan.program;
    let map = plan.map(s);
    format!(
        "{} {} from {} (map {}): {}",
        verb(s.phase),
        p.object(map.object).name,
        p.source(map.source).name,
        map.name,
        plan.written(s).join(", ")
    )
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
