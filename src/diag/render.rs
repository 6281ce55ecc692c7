//! Rendering diagnostics: text through codespan-reporting, or JSON for machines.

use super::bound::{bound, Hidden, MAX_PER_FILE};
use super::excerpt::Excerpt;
use super::{Diagnostic, Severity};
use crate::span::SourceDb;
use codespan_reporting::diagnostic as cs;
use codespan_reporting::term;
use codespan_reporting::term::termcolor::{Buffer, ColorChoice, StandardStream, WriteColor};
use serde::Serialize;

fn severity(d: &Diagnostic) -> cs::Severity {
    match d.severity {
        Severity::Bug => cs::Severity::Bug,
        Severity::Error => cs::Severity::Error,
        Severity::Warning => cs::Severity::Warning,
        Severity::Note => cs::Severity::Note,
    }
}

fn to_codespan(d: &Diagnostic, labels: Vec<cs::Label<usize>>) -> cs::Diagnostic<usize> {
    let mut notes = d.notes.clone();
    if let Some(help) = &d.help {
        notes.push(format!("help: {help}"));
    }
    cs::Diagnostic::new(severity(d))
        .with_code(d.code.as_string())
        .with_message(&d.message)
        .with_labels(labels)
        .with_notes(notes)
}

/// Renders at most `MAX_PER_FILE` diagnostics of each file (see `bound`), each echoing only
/// windows of its lines (see `excerpt`), then a line for each file with more.
fn emit(out: &mut dyn WriteColor, db: &SourceDb, diags: &[Diagnostic]) {
    let config = term::Config::default();
    let bounded = bound(diags, MAX_PER_FILE);
    for d in &bounded.shown {
        let shown = Excerpt::new(db, d).is_some_and(|(excerpt, labels)| {
            term::emit_to_write_style(out, &config, &excerpt, &to_codespan(d, labels)).is_ok()
        });
        // A label outside its file is a bug of ours; fall back to a label-less rendering.
        if !shown {
            let _ = term::emit_to_write_style(out, &config, db.files(), &to_codespan(d, vec![]));
        }
    }
    for h in &bounded.hidden {
        let note = cs::Diagnostic::note().with_message(hidden_message(db, h));
        let _ = term::emit_to_write_style(out, &config, db.files(), &note);
    }
}

/// "39901 more diagnostics in `x.map` not shown (39900 errors, 1 warning)".
fn hidden_message(db: &SourceDb, h: &Hidden) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let place = h.file.map_or_else(
        || "without a place".to_string(),
        |f| format!("in `{}`", db.name(f)),
    );
    format!(
        "{} {place} not shown ({}, {}); the first {MAX_PER_FILE} of a file are shown, errors first",
        plural(h.count, "more diagnostic", "more diagnostics"),
        plural(h.errors, "error", "errors"),
        plural(h.warnings, "warning", "warnings"),
    )
}

/// Plain text, no colour: for snapshots and pipes.
pub fn to_text(db: &SourceDb, diags: &[Diagnostic]) -> String {
    let mut buf = Buffer::no_color();
    emit(&mut buf, db, diags);
    String::from_utf8_lossy(buf.as_slice()).into_owned()
}

/// Writes to stderr, in colour only when stderr is a terminal and NO_COLOR is unset.
pub fn to_stderr(db: &SourceDb, diags: &[Diagnostic], color: bool) {
    // The caller has already decided (terminal, NO_COLOR, --color): honour it as is.
    let choice = if color {
        ColorChoice::Always
    } else {
        ColorChoice::Never
    };
    let mut stream = StandardStream::stderr(choice);
    emit(&mut stream, db, diags);
}

/// One diagnostic in the `--format json` output.
#[derive(Serialize)]
pub struct JsonDiagnostic {
    pub code: String,
    pub severity: Severity,
    pub message: String,
    pub file: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub byte_start: Option<u32>,
    pub byte_end: Option<u32>,
    pub help: Option<String>,
    pub notes: Vec<String>,
    pub labels: Vec<JsonLabel>,
}

#[derive(Serialize)]
pub struct JsonLabel {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub byte_start: u32,
    pub byte_end: u32,
    pub message: String,
    pub primary: bool,
}

pub fn to_json_value(db: &SourceDb, d: &Diagnostic) -> JsonDiagnostic {
    let primary = d.primary_span();
    let pos = primary.map(|s| db.line_col(s.file, s.start as usize));
    JsonDiagnostic {
        code: d.code.as_string(),
        severity: d.severity,
        message: d.message.clone(),
        file: primary.map(|s| db.name(s.file)),
        line: pos.map(|p| p.0),
        column: pos.map(|p| p.1),
        byte_start: primary.map(|s| s.start),
        byte_end: primary.map(|s| s.end),
        help: d.help.clone(),
        notes: d.notes.clone(),
        labels: d
            .labels
            .iter()
            .map(|l| {
                let (line, column) = db.line_col(l.span.file, l.span.start as usize);
                JsonLabel {
                    file: db.name(l.span.file),
                    line,
                    column,
                    byte_start: l.span.start,
                    byte_end: l.span.end,
                    message: l.message.clone(),
                    primary: l.primary,
                }
            })
            .collect(),
    }
}

/// The diagnostics `--format json` lists: at most `MAX_PER_FILE` of each file, as text shows
/// them, and how many are left out (`"truncated"`).
pub fn json_items(db: &SourceDb, diags: &[Diagnostic]) -> (Vec<JsonDiagnostic>, usize) {
    let bounded = bound(diags, MAX_PER_FILE);
    let items = bounded.shown.iter().map(|d| to_json_value(db, d)).collect();
    (items, bounded.not_shown())
}

/// JSON lines would lose the summary; one JSON document keeps `jq` simple. `errors` and
/// `warnings` count every finding, `truncated` those not listed.
pub fn to_json(db: &SourceDb, diags: &[Diagnostic]) -> String {
    let (items, truncated) = json_items(db, diags);
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    let doc = serde_json::json!({
        "errors": errors,
        "warnings": warnings,
        "truncated": truncated,
        "diagnostics": items,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".into())
}
