//! W0703: the source values a value table has no entry for, with the rows that reach it.

use super::reach::Tally;
use crate::diag::{Code, Diagnostic};
use crate::ir::{Table, TableElse};
use crate::span::Span;

/// How many values a finding lists before "and N more".
const LISTED: usize = 10;

/// What is known of one table use besides its tally.
pub struct Finding<'a> {
    pub table: &'a Table,
    pub source: &'a str,
    pub column: &'a str,
    /// Rows of the source a run rejects while typing them: they reach no table.
    pub untyped: usize,
    pub span: Span,
}

fn rows(n: usize) -> String {
    format!("{n} row{}", if n == 1 { "" } else { "s" })
}

/// The finding for a tally with uncovered values; None when every value is covered.
pub fn diagnostic(f: &Finding, tally: &Tally) -> Option<Diagnostic> {
    if tally.values.is_empty() {
        return None;
    }
    let mut missing: Vec<(&String, usize)> = tally.values.iter().map(|(v, n)| (v, *n)).collect();
    missing.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let total: usize = missing.iter().map(|m| m.1).sum();
    let listed: Vec<String> = missing
        .iter()
        .take(LISTED)
        .map(|(v, n)| format!("\"{v}\" ({})", rows(*n)))
        .collect();
    let more = match missing.len().checked_sub(LISTED) {
        Some(extra) if extra > 0 => format!(" and {extra} more"),
        _ => String::new(),
    };
    let fate = match &f.table.otherwise {
        TableElse::Reject(_) => "are rejected by `else`",
        TableElse::Hold(_) => "are held by `else`",
        TableElse::Skip => "are skipped by `else`",
        _ => "fail (the table has no `else`)",
    };
    let mut d = Diagnostic::new(
        Code::UncoveredValue,
        format!(
            "{} value(s) of `{}.{}` have no entry in `{}`; {total} row(s) {fate}",
            missing.len(),
            f.source,
            f.column,
            f.table.name
        ),
    )
    .primary(f.span, "this table")
    .note(format!("uncovered: {}{more}", listed.join(", ")));
    if tally.unresolved > 0 {
        d = d.note(format!(
            "{} of them counted as reaching the table without knowing: the `when` that routes \
             them needs a record lookup or an owner, which only a run can resolve",
            rows(tally.unresolved)
        ));
    }
    if f.untyped > 0 {
        d = d.note(format!(
            "not counted: {} of `{}` that a run rejects while typing them, before any map",
            rows(f.untyped),
            f.source
        ));
    }
    Some(d.help("add entries for the values that should move"))
}
