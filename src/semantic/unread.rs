//! Source columns nothing reads: each is data a run would leave behind without a word, so it is
//! a warning (W0804) unless its declaration says why (`ignored "…"`); a column declared
//! ignored that is read after all is one too (W0805), so the reason never lies.
//!
//! A column is read when an expression of the spec names it: a map's assignments, identity
//! value, `when` and merge key, a user function's arguments, `lookup S(k).column` (which reads
//! `column` of `S`). A source's key and watermark are read by every run. Spec `test` blocks
//! read nothing: they give rows, they do not migrate them.

use super::env::{Env, Usage};
use crate::diag::{Code, Diagnostic};
use crate::ir::{self, ColumnId};
use crate::span::Span;

/// Why a column is read without any expression naming it.
fn read_by_definition(source: &ir::Source, id: ColumnId) -> Option<&'static str> {
    if source.key.contains(&id) {
        Some("a key column identifies its row, so every run reads it")
    } else if source.watermark == Some(id) {
        Some("the watermark picks up the rows changed since the last run, so every run reads it")
    } else {
        None
    }
}

/// The findings for the columns of the sources in `checked` (the unused sources aside: their
/// warning already says that nothing of them moves).
pub fn check(
    env: &Env,
    declared: &[ir::Source],
    usage: &Usage,
    unused_sources: &[&str],
    diags: &mut Vec<Diagnostic>,
) {
    // Before every expression checks, some reads were never seen (the arguments of an unknown
    // function, a map into an unknown object): an unread column would be a guess.
    let complete = !diags.iter().any(Diagnostic::is_error);
    for (name, s) in &env.sources {
        let Some(source) = declared.get(s.id.index()) else {
            continue;
        };
        if unused_sources.contains(&name.as_str()) {
            continue;
        }
        for (i, column) in source.columns.iter().enumerate() {
            let id = ColumnId::new(i);
            let Some(at) = s.columns.get(&column.name) else {
                continue;
            };
            let read = usage.columns.get(&(s.id, id)).copied();
            let by_definition = read_by_definition(source, id);
            match (at.ignored, read, by_definition) {
                (None, None, None) if complete => diags.push(unread(name, &column.name, at.span)),
                (Some(said), Some(first), _) => diags
                    .push(ignored_but_read(name, &column.name, said).context(first, "read here")),
                (Some(said), None, Some(why)) => {
                    diags.push(ignored_but_read(name, &column.name, said).note(why))
                }
                _ => {}
            }
        }
    }
}

fn unread(source: &str, column: &str, span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::UnreadColumn,
        format!("column `{column}` of source `{source}` is never read"),
    )
    .primary(span, "no mapping, lookup or `when` reads it")
    .help(format!(
        "map it (`someField = {column}`), or say why it stays behind: end its declaration \
         with `ignored \"why it is not migrated\"`"
    ))
}

fn ignored_but_read(source: &str, column: &str, said: Span) -> Diagnostic {
    Diagnostic::new(
        Code::IgnoredColumnRead,
        format!("column `{column}` of source `{source}` is declared ignored, but it is read"),
    )
    .primary(said, "declared ignored here")
    .help("remove `ignored \"…\"`: the column is used, so the reason no longer holds")
}
