//! Rendering diagnostics: text through codespan-reporting, or JSON for machines.

use super::{Diagnostic, Severity};
use crate::span::SourceDb;
use codespan_reporting::diagnostic as cs;
use codespan_reporting::term;
use codespan_reporting::term::termcolor::{Buffer, ColorChoice, StandardStream, WriteColor};
use serde::Serialize;

fn to_codespan(d: &Diagnostic) -> cs::Diagnostic<usize> {
    let severity = match d.severity {
        Severity::Bug => cs::Severity::Bug,
        Severity::Error => cs::Severity::Error,
        Severity::Warning => cs::Severity::Warning,
        Severity::Note => cs::Severity::Note,
    };
    let labels = d
        .labels
        .iter()
        .map(|l| {
            let style = if l.primary {
                cs::LabelStyle::Primary
            } else {
                cs::LabelStyle::Secondary
            };
            cs::Label::new(style, l.span.file.0 as usize, l.span.range()).with_message(&l.message)
        })
        .collect();
    let mut notes = d.notes.clone();
    if let Some(help) = &d.help {
        notes.push(format!("help: {help}"));
    }
    cs::Diagnostic::new(severity)
        .with_code(d.code.as_string())
        .with_message(&d.message)
        .with_labels(labels)
        .with_notes(notes)
}

fn emit(out: &mut dyn WriteColor, db: &SourceDb, diags: &[Diagnostic]) {
    let config = term::Config::default();
    for d in diags {
        // A label outside its file is a bug of ours; fall back to a label-less rendering.
        if term::emit_to_write_style(out, &config, db.files(), &to_codespan(d)).is_err() {
            let mut bare = to_codespan(d);
            bare.labels.clear();
            let _ = term::emit_to_write_style(out, &config, db.files(), &bare);
        }
    }
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

/// JSON lines would lose the summary; one JSON document keeps `jq` simple.
pub fn to_json(db: &SourceDb, diags: &[Diagnostic]) -> String {
    let items: Vec<JsonDiagnostic> = diags.iter().map(|d| to_json_value(db, d)).collect();
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    let doc = serde_json::json!({
        "errors": errors,
        "warnings": warnings,
        "diagnostics": items,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".into())
}
