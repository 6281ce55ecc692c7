//! Stage 1: text → AST. `parse_file` never panics and reports every problem as a diagnostic.

pub mod ast;
mod lower;
mod lower_decl;
mod lower_expr;
mod precheck;
mod rules;

use crate::diag::Diagnostic;
use crate::span::{FileId, SourceDb};
use pest::Parser;

pub use precheck::{MAX_DEPTH, MAX_FILE_BYTES};
pub use rules::{MapcParser, Rule};

/// Parses one file of `db`. Returns the module when the text parsed, and every diagnostic.
pub fn parse_file(db: &SourceDb, file: FileId) -> (Option<ast::Module>, Vec<Diagnostic>) {
    let text = db.text(file);
    if let Some(d) = precheck::check(text, file) {
        return (None, vec![d]);
    }
    rules::set_limits();
    match MapcParser::parse(Rule::file, text) {
        Ok(pairs) => {
            let mut lowerer = lower::Lowerer::new(file);
            let module = lowerer.module(pairs);
            (Some(module), lowerer.into_diagnostics())
        }
        Err(e) => (None, vec![rules::syntax_error(e, text, file)]),
    }
}

/// Parses a whole text, adding it to a fresh database: for tests and `mapc debug parse`.
pub fn parse_str(name: &str, text: &str) -> (SourceDb, Option<ast::Module>, Vec<Diagnostic>) {
    let mut db = SourceDb::new();
    let file = db.add(name, text);
    let (module, diags) = parse_file(&db, file);
    (db, module, diags)
}
