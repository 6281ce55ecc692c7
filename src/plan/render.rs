//! The plan as text for people: what `mapc plan` prints by default.

use super::{Phase, Plan};
use crate::semantic::schema::SchemaChange;
use std::fmt::Write;

pub fn to_text(plan: &Plan) -> String {
    let mut out = String::new();
    let m = &plan.migration;
    let _ = writeln!(out, "Migration: {}", m.title);
    let from = m.from.as_deref().unwrap_or("(source not named)");
    let target = plan
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
    schema_section(plan, &mut out);
    order_section(plan, &mut out);
    steps_section(plan, &mut out);
    gaps_section(plan, &mut out);
    out
}

fn schema_section(plan: &Plan, out: &mut String) {
    let _ = writeln!(
        out,
        "\nSchema changes before any record ({}):",
        plan.schema_changes.len()
    );
    if plan.schema_changes.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for c in &plan.schema_changes {
        let line = match c {
            SchemaChange::CreateObject { object } => format!("create object {object}"),
            SchemaChange::CreateField { object, field, ty } => {
                format!("create field {object}.{field} ({ty})")
            }
            SchemaChange::AddOptions {
                object,
                field,
                options,
            } => {
                format!("add options to {object}.{field}: {}", options.join(", "))
            }
        };
        let _ = writeln!(out, "  - {line}");
    }
}

fn order_section(plan: &Plan, out: &mut String) {
    let _ = writeln!(out, "\nLoad order:");
    for (i, e) in plan.load_order.iter().enumerate() {
        let _ = writeln!(out, "  {}. {}", i + 1, e.object);
        for why in &e.after {
            let _ = writeln!(out, "       {why}");
        }
    }
}

fn steps_section(plan: &Plan, out: &mut String) {
    let _ = writeln!(out, "\nSteps:");
    for s in &plan.steps {
        let verb = match s.phase {
            Phase::Create => "create",
            Phase::Merge => "merge into",
            Phase::Deferred => "second pass on",
            Phase::Links => "link records of",
            Phase::Lookup => "read for lookups",
        };
        let _ = writeln!(
            out,
            "  {:>2}. {verb} {} from {} (map {}): {}",
            s.number,
            s.object,
            s.source,
            s.map,
            s.fields.join(", ")
        );
    }
}

fn gaps_section(plan: &Plan, out: &mut String) {
    let _ = writeln!(out, "\nGaps ({}):", plan.gaps.len());
    for g in &plan.gaps {
        let _ = writeln!(out, "  - {}: {}", g.title, g.reason);
        if let Some(a) = &g.action {
            let _ = writeln!(out, "      action: {a}");
        }
    }
    if !plan.lossy.is_empty() {
        let _ = writeln!(out, "\nLossy mappings:");
        for (map, note) in &plan.lossy {
            let _ = writeln!(out, "  - {map}: {note}");
        }
    }
}
