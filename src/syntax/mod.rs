//! Stage 1: text → AST. `parse_file` never panics and reports every problem as a diagnostic.

pub mod ast;
mod lower;
mod lower_decl;
mod lower_expr;
pub mod precheck;
mod rules;
mod split;

use crate::diag::Diagnostic;
use crate::span::{FileId, SourceDb};
use pest::Parser;

pub use precheck::{MAX_DEPTH, MAX_FILE_BYTES};

/// Stack for the recursive passes (parsing, lowering, checking): with the nesting and chain
/// limits, deep enough for any input on any calling thread (test threads and language-server
/// workers get 2 MiB by default), so each runs on a thread of this size.
pub const STACK_BYTES: usize = 64 * 1024 * 1024;
pub use rules::{MapcParser, Rule};

/// A file's module when its text parsed, and every diagnostic.
pub type Parsed = (Option<ast::Module>, Vec<Diagnostic>);

/// Parses one file of `db`. Returns the module when the text parsed, and every diagnostic.
pub fn parse_file(db: &SourceDb, file: FileId) -> Parsed {
    parse_files(db, &[file]).pop().unwrap_or((None, Vec::new()))
}

/// Parses several files of `db` at once (on two threads, large files in halves), in order.
pub fn parse_files(db: &SourceDb, files: &[FileId]) -> Vec<Parsed> {
    rules::set_limits();
    let mut results: Vec<Option<Parsed>> = Vec::with_capacity(files.len());
    let mut to_parse = Vec::new();
    for &file in files {
        match precheck::check(db.text(file), file) {
            Some(d) => results.push(Some((None, vec![d]))),
            None => {
                results.push(None);
                to_parse.push(file);
            }
        }
    }
    let mut parsed = split::parse_all(db, &to_parse).into_iter();
    results
        .into_iter()
        .map(|r| r.or_else(|| parsed.next()).unwrap_or((None, Vec::new())))
        .collect()
}

/// Parses `text`, which starts at `base` in `file`.
fn parse_text(text: &str, file: FileId, base: usize) -> Parsed {
    match MapcParser::parse(Rule::file, text) {
        Ok(pairs) => {
            let mut lowerer = lower::Lowerer::new(file, base);
            let module = lowerer.module(pairs);
            (Some(module), lowerer.into_diagnostics())
        }
        Err(e) => {
            let first = rules::syntax_error(e, text, file, base);
            (None, recover(first, text, file, base))
        }
    }
}

/// Most syntax errors a file reports: after the first, the parse resumes at the next item.
const MAX_SYNTAX_ERRORS: usize = 20;

/// Every syntax error of `text`, the first given: after each, the parse resumes at the next
/// item (a line that begins with an item's keyword), so one bad declaration does not hide the
/// others. Each resumed parse stops at its own error, so the whole costs one pass over the
/// text. The module stays unparsed: checking what is left would report what the errors made.
fn recover(first: Diagnostic, text: &str, file: FileId, base: usize) -> Vec<Diagnostic> {
    let mut found = vec![first];
    while found.len() < MAX_SYNTAX_ERRORS {
        let primary = found
            .last()
            .and_then(|d| d.labels.iter().find(|l| l.primary));
        let Some(at) = primary.map(|l| l.span.start as usize) else {
            break;
        };
        let Some(next) = split::item_start_near(text, at.saturating_sub(base)) else {
            break;
        };
        match MapcParser::parse(Rule::file, &text[next..]) {
            Ok(_) => break,
            Err(e) => found.push(rules::syntax_error(e, &text[next..], file, base + next)),
        }
    }
    found
}

/// Parses a whole text, adding it to a fresh database: for tests. It parses on the caller's
/// stack; input nested near `MAX_DEPTH` needs a `STACK_BYTES` thread, as `compile` uses.
pub fn parse_str(name: &str, text: &str) -> (SourceDb, Option<ast::Module>, Vec<Diagnostic>) {
    let mut db = SourceDb::new();
    let file = db.add(name, text);
    let (module, diags) = parse_file(&db, file);
    (db, module, diags)
}
