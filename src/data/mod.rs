//! `mapc check --data DIR`: reads the exports a spec names and reports what the spec alone cannot
//! know: missing files and columns, and source values that no value-table entry covers among
//! the rows that reach the table (`uses.rs` finds where tables meet columns, `reach.rs` which
//! rows get there, `uncovered.rs` says it). This is the edge of the compiler: it reads the
//! exports through the run's own reader (`io::source::inspect`), streaming, so a file reads
//! here exactly as a run will read it.

mod reach;
mod uncovered;
mod uses;

use crate::diag::{Code, Diagnostic};
use crate::eval::index::Index;
use crate::eval::owned::Evaluator;
use crate::io::source::{inspect, FileSources, Inspected, SourceError, Unreadable};
use crate::ir::{Expr, LookupTarget, Program as Checked, Source, SourceId};
use crate::semantic::loader::Program;
use crate::span::Span;
use crate::syntax::ast::Item;
use reach::{Counter, Counts};
use std::collections::BTreeMap;
use uses::SourceUses;

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

/// The findings of the exports in `sources.dir` (read from outside it only when the run
/// would be allowed to).
pub fn check(sources: &FileSources, checked: &Checked, program: &Program) -> Vec<Diagnostic> {
    let spans = spans(program);
    let eval = Evaluator::new(checked);
    let index = lookup_index(sources, checked);
    let mut out = Vec::new();
    for (i, source) in checked.sources.iter().enumerate() {
        let (file_span, cols) = spans.sources.get(&source.name).cloned().unwrap_or_default();
        let uses = uses::of_source(checked, SourceId::new(i));
        let mut counter = Counter::new(&eval, source, &uses, index.as_ref());
        match inspect(sources, source, &mut |header, block| {
            counter.block(header, block)
        }) {
            Err(SourceError::Open { path, .. }) => out.push(
                Diagnostic::new(
                    Code::DataFileMissing,
                    format!("`{}` is not in {}", source.file, sources.dir.display()),
                )
                .primary(file_span, format!("expected at {}", path.display())),
            ),
            Err(SourceError::Foreign {
                file, line, guess, ..
            }) => out.push(
                Diagnostic::new(
                    Code::DataForeignEncoding,
                    format!("`{file}` is not UTF-8: it looks like {guess}"),
                )
                .primary(
                    file_span,
                    format!("line {line} is the first that is not UTF-8"),
                )
                .help(format!(
                    "declare the encoding: source {} from \"{file}\" encoding \"{guess}\"",
                    source.name
                )),
            ),
            Err(why) => out.push(
                Diagnostic::new(
                    Code::DataUnreadable,
                    format!("cannot read `{}`: {why}", source.file),
                )
                .primary(file_span, "this export"),
            ),
            Ok(Inspected { header, unreadable }) => {
                let sensitive = source.holds_sensitive(checked.migration.sensitive);
                out.extend(unreadable_rows(source, &unreadable, file_span, sensitive));
                missing_columns(source, &header, &cols, file_span, &mut out);
                repeated_columns(source, &header, &cols, file_span, &mut out);
                let counts = counter.finish();
                out.extend(uncovered(
                    checked, source, &uses, &counts, &spans, file_span,
                ));
            }
        }
    }
    out
}

/// The rows of the sources read by column, when a `when` (or a function it may call) looks a
/// column up: loaded as a run loads them. None when nothing needs them, or when they cannot be
/// read (their own findings say why): such lookups are then not resolved.
fn lookup_index(sources: &FileSources, checked: &Checked) -> Option<Index> {
    let whens = checked.maps.iter().filter_map(|m| m.when.as_ref());
    let bodies = checked.functions.iter().map(|f| &f.body);
    if !whens.chain(bodies).any(looks_up_a_column) {
        return None;
    }
    let plan = crate::plan::build(checked.clone(), String::new());
    crate::engine::column_index(&plan, sources).ok()
}

fn looks_up_a_column(e: &Expr) -> bool {
    let mut found = false;
    e.walk(&mut |node| {
        if let Expr::Lookup {
            target: LookupTarget::Column { .. },
            ..
        } = node
        {
            found = true;
        }
    });
    found
}

/// A W0703 for each table use of `source` with values no entry covers.
fn uncovered(
    checked: &Checked,
    source: &Source,
    uses: &SourceUses,
    counts: &Counts,
    spans: &Spans,
    file_span: Span,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (u, tally) in uses.tables.iter().zip(&counts.tallies) {
        let Some(table) = checked.tables.get(u.table.index()) else {
            continue;
        };
        let Some(column) = source.columns.get(u.column.index()) else {
            continue;
        };
        let finding = uncovered::Finding {
            table,
            source: &source.name,
            column: &column.name,
            untyped: counts.untyped,
            span: spans.tables.get(&table.name).copied().unwrap_or(file_span),
        };
        out.extend(uncovered::diagnostic(&finding, tally));
    }
    out
}

/// A name written twice in the header: an error for a declared column (a run stops), else a
/// warning.
fn repeated_columns(
    source: &Source,
    header: &[String],
    cols: &BTreeMap<String, Span>,
    file_span: Span,
    out: &mut Vec<Diagnostic>,
) {
    for (name, at) in crate::io::source::repeated_columns(header) {
        let places = at
            .iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join(" and ");
        let message = format!(
            "`{}` has the column `{name}` twice (columns {places})",
            source.file
        );
        let d = if source.columns.iter().any(|c| c.name == name) {
            let span = cols.get(name).copied().unwrap_or(file_span);
            Diagnostic::new(Code::DataDuplicateColumn, message)
                .primary(span, "read here: which of them is meant is not known")
                .help("rename one of the columns in the export")
        } else {
            Diagnostic::new(Code::DataRepeatedHeader, message)
                .primary(file_span, "this export")
                .note("the spec does not read it")
        };
        out.push(d);
    }
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

/// W0708: rows a run will reject because they cannot be read as rows. Where the source may
/// hold sensitive values, the first is named by its line only: its reason quotes its bytes.
fn unreadable_rows(
    source: &Source,
    found: &Unreadable,
    span: Span,
    sensitive: bool,
) -> Option<Diagnostic> {
    let (line, why) = found.first.as_ref()?;
    let why = if sensitive {
        "its bytes are not shown, as the source holds sensitive values"
    } else {
        why.as_str()
    };
    let rows = found.rows;
    Some(
        Diagnostic::new(
            Code::DataUnreadableRows,
            format!(
                "{rows} row(s) of `{}` cannot be read; a run rejects each in its place",
                source.file
            ),
        )
        .primary(span, "this export")
        .note(if why.starts_with("line ") {
            format!("the first: {why}")
        } else {
            format!("the first, line {line}: {why}")
        })
        .help("correct those rows in the export to migrate them"),
    )
}
