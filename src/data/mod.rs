//! `mapc check --data DIR`: reads the exports a spec names and reports what the spec alone cannot
//! know: missing files and columns, and source values that no value-table entry covers.
//! This is the edge of the compiler: it reads the exports through the run's own reader
//! (`io::source::inspect`), streaming, so a file reads here exactly as a run will read it.

use crate::diag::{Code, Diagnostic};
use crate::io::source::{inspect, SourceError};
use crate::ir::{Expr, Program as Checked, Source, Table, TableElse};
use crate::semantic::loader::Program;
use crate::span::Span;
use crate::syntax::ast::Item;
use std::collections::BTreeMap;
use std::path::Path;

/// Spans of declarations, found again in the AST (the model is span-free serde data).
#[derive(Default)]
struct Spans {
    sources: BTreeMap<String, (Span, BTreeMap<String, Span>)>,
    tables: BTreeMap<String, Span>,
}

fn spans(program: &Program) -> Spans {
    let mut s = Spans::default();
    for unit in &program.units {
        for item in &unit.module.items {
            match item {
                Item::Source(src) => {
                    let cols = src
                        .columns
                        .iter()
                        .map(|c| (c.name.name.clone(), c.name.span))
                        .collect();
                    s.sources
                        .insert(src.name.name.clone(), (src.file.span, cols));
                }
                Item::Values(v) => {
                    s.tables.insert(v.name.name.clone(), v.name.span);
                }
                _ => {}
            }
        }
    }
    s
}

pub fn check(dir: &Path, checked: &Checked, program: &Program) -> Vec<Diagnostic> {
    let spans = spans(program);
    let uses = table_uses(checked);
    let mut out = Vec::new();
    for source in &checked.sources {
        let (file_span, cols) = spans.sources.get(&source.name).cloned().unwrap_or_default();
        let wanted: Vec<&str> = uses
            .iter()
            .filter(|u| u.0 == source.name)
            .map(|u| u.1.as_str())
            .collect();
        match inspect(dir, source, &wanted) {
            Err(SourceError::Open { path, .. }) => out.push(
                Diagnostic::new(
                    Code::DataFileMissing,
                    format!("`{}` is not in {}", source.file, dir.display()),
                )
                .primary(file_span, format!("expected at {}", path.display())),
            ),
            Err(why) => out.push(
                Diagnostic::new(
                    Code::DataUnreadable,
                    format!("cannot read `{}`: {why}", source.file),
                )
                .primary(file_span, "this export"),
            ),
            Ok(data) => {
                missing_columns(source, &data.header, &cols, file_span, &mut out);
                for (src, column, table) in uses.iter().filter(|u| u.0 == source.name) {
                    let Some(t) = checked.tables.iter().find(|t| &t.name == table) else {
                        continue;
                    };
                    let values = data.values.get(column.as_str());
                    let span = spans.tables.get(table).copied().unwrap_or(file_span);
                    out.extend(uncovered(t, src, column, values, span));
                }
            }
        }
    }
    out
}

fn missing_columns(
    source: &Source,
    header: &[String],
    cols: &BTreeMap<String, Span>,
    file_span: Span,
    out: &mut Vec<Diagnostic>,
) {
    for c in &source.columns {
        if header.iter().any(|h| h == &c.name) {
            continue;
        }
        let span = cols.get(&c.name).copied().unwrap_or(file_span);
        let near = crate::diag::did_you_mean(&c.name, header.iter().map(String::as_str));
        out.push(
            Diagnostic::new(
                Code::DataColumnMissing,
                format!("`{}` has no column `{}`", source.file, c.name),
            )
            .primary(span, "declared here, absent from the export")
            .help_opt(
                near.or_else(|| Some(format!("the export's columns: {}", header.join(", ")))),
            ),
        );
    }
}

/// `(source, column, table)` for each value table applied directly to a column.
fn table_uses(checked: &Checked) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for m in &checked.maps {
        let source = checked.source(m.source);
        let exprs = m.assignments.iter().map(|a| &a.value).chain(&m.when);
        for e in exprs {
            e.walk(&mut |node| {
                if let Expr::Table { table, arg } = node {
                    if let Expr::Column { column } = arg.as_ref() {
                        let u = (
                            source.name.clone(),
                            source.column(*column).name.clone(),
                            checked.table(*table).name.clone(),
                        );
                        if !out.contains(&u) {
                            out.push(u);
                        }
                    }
                }
            });
        }
    }
    out
}

fn fold(t: &Table, v: &str) -> String {
    if t.ignore_case {
        v.trim().to_lowercase()
    } else {
        v.to_string()
    }
}

fn uncovered(
    t: &Table,
    source: &str,
    column: &str,
    values: Option<&BTreeMap<String, usize>>,
    span: Span,
) -> Option<Diagnostic> {
    let falls_through = matches!(
        t.otherwise,
        TableElse::Fail | TableElse::Reject(_) | TableElse::Hold(_) | TableElse::Skip
    );
    if !falls_through {
        return None;
    }
    let keys: Vec<String> = t.entries.iter().map(|(k, _)| fold(t, k)).collect();
    let mut missing: Vec<(&String, usize)> = values?
        .iter()
        .filter(|(v, _)| !v.is_empty() && !keys.contains(&fold(t, v)))
        .map(|(v, n)| (v, *n))
        .collect();
    if missing.is_empty() {
        return None;
    }
    missing.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let rows: usize = missing.iter().map(|m| m.1).sum();
    let listed: Vec<String> = missing
        .iter()
        .take(10)
        .map(|(v, n)| format!("\"{v}\" ({n} row{})", if *n == 1 { "" } else { "s" }))
        .collect();
    let more = if missing.len() > 10 {
        format!(" and {} more", missing.len() - 10)
    } else {
        String::new()
    };
    let fate = match &t.otherwise {
        TableElse::Reject(_) => "are rejected by `else`",
        TableElse::Hold(_) => "are held by `else`",
        TableElse::Skip => "are skipped by `else`",
        _ => "fail (the table has no `else`)",
    };
    Some(
        Diagnostic::new(
            Code::UncoveredValue,
            format!(
                "{} value(s) of `{source}.{column}` have no entry in `{}`; {rows} row(s) {fate}",
                missing.len(),
                t.name
            ),
        )
        .primary(span, "this table")
        .note(format!("uncovered: {}{more}", listed.join(", ")))
        .help("add entries for the values that should move"),
    )
}
