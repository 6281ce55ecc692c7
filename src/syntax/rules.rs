//! The pest parser generated from `grammar/mapc.pest`, and the conversion of its errors.
//!
//! pest is built without its `std` feature, which only adds a stack probe on every rule call
//! (a third of all parsing time): our stack is never in doubt, as `precheck` bounds nesting
//! before parsing and every parse runs on a `STACK_BYTES` thread.

use crate::diag::{Code, Diagnostic};
use crate::span::{FileId, Span};
use pest::error::{Error, ErrorVariant, InputLocation};
use std::num::NonZeroUsize;

#[derive(pest_derive::Parser)]
#[grammar = "grammar/mapc.pest"]
pub struct MapcParser;

/// Bounds parsing time on pathological input; depth is bounded before parsing (precheck).
pub fn set_limits() {
    pest::set_call_limit(NonZeroUsize::new(200_000_000));
}

/// What a rule is called in an "expected …" message.
fn describe(rule: &Rule) -> String {
    let text = match rule {
        Rule::EOI => "end of file",
        Rule::ident | Rule::plain_ident | Rule::quoted_ident => "a name",
        Rule::path => "a field path",
        Rule::string | Rule::string_inner => "a string",
        Rule::escape => "an escape (\\\" \\\\ \\n \\t \\r \\u{…})",
        Rule::number => "a number",
        Rule::expr => "an expression",
        Rule::stage | Rule::pipe => "a function or value table after `|`",
        Rule::coalesce => "`??`",
        Rule::field => "a field (`.name`)",
        Rule::in_list => "`in [...]`",
        Rule::neg => "`-`",
        Rule::cmp_op => "a comparison",
        Rule::add_op | Rule::mul_op => "an operator",
        Rule::column_decl => "a column declaration (`name type`)",
        Rule::field_decl => "a field declaration (`name type`)",
        Rule::field_type | Rule::named_type => "a type",
        Rule::option_list => "an option list `[A, B]`",
        Rule::value_entry => "a value-table entry (`\"key\" => VALUE`)",
        Rule::else_entry => "`else => …`",
        Rule::map_stmt | Rule::assign_stmt => "a field mapping (`field = expression`)",
        Rule::miss_policy => "`on missing …`",
        Rule::state => "a state (`empty`, `missing`, `null`, `invalid`)",
        Rule::miss_action | Rule::state_action | Rule::else_action => "a policy",
        Rule::record | Rule::record_field => "a record field (`name: value`)",
        Rule::literal => "a literal",
        Rule::setting => "a setting",
        Rule::gap_entry => "a gap entry (`reason \"…\"`)",
        other => return keyword_or_name(other),
    };
    text.to_string()
}

fn keyword_or_name(rule: &Rule) -> String {
    let name = format!("{rule:?}");
    match name.strip_prefix("k_") {
        Some("multi") => "`multi_select`".into(),
        Some(kw) => format!("`{kw}`"),
        None => name.replace('_', " "),
    }
}

fn expected_list(positives: &[Rule]) -> String {
    let mut names: Vec<String> = Vec::new();
    for r in positives {
        let d = describe(r);
        if !names.contains(&d) {
            names.push(d);
        }
    }
    const MAX: usize = 8;
    let more = names.len() > MAX;
    names.truncate(MAX);
    let mut text = match names.len() {
        0 => String::from("something else"),
        1 => names[0].clone(),
        n => format!("{} or {}", names[..n - 1].join(", "), names[n - 1]),
    };
    if more {
        text.push_str(", …");
    }
    text
}

/// A pest error as our diagnostic, pointing at the offending character.
/// The finding for a parse of `source`, which starts at byte `base` of `file`, that failed.
pub fn syntax_error(e: Error<Rule>, source: &str, file: FileId, base: usize) -> Diagnostic {
    // One whole character; at the end of the file there is none, so the span is empty there.
    let char_len = |at: usize| {
        source
            .get(at..)
            .and_then(|r| r.chars().next())
            .map_or(0, char::len_utf8)
    };
    let (start, end) = match e.location {
        InputLocation::Pos(p) => (p, p + char_len(p)),
        InputLocation::Span((s, t)) => (s, t.max(s + char_len(s))),
    };
    let text = e.line();
    let found = found_at(text, &e);
    let message = match &e.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            let expected =
                after_operator(source, start).unwrap_or_else(|| expected_list(positives));
            format!("expected {expected}, found {found}")
        }
        ErrorVariant::CustomError { message } => message.clone(),
    };
    let span = Span::new(file, base + start, base + end);
    Diagnostic::new(Code::Syntax, message.clone()).primary(span, "here")
}

/// pest reports the deepest rule it tried, often just "a name"; right after an operator the
/// operator says better what was wanted.
fn after_operator(source: &str, at: usize) -> Option<String> {
    let before = source.get(..at.min(source.len()))?.trim_end();
    let what = if before.ends_with("??") {
        "a fallback after `??` (a value, `null`, or `reject \"reason\"`)"
    } else if before.ends_with("=>") {
        "a value after `=>`"
    } else if before.ends_with('|') {
        "a function or value table after `|`"
    } else if before.ends_with('=') && !before.ends_with("==") {
        "an expression after `=`"
    } else {
        return None;
    };
    Some(what.to_string())
}

/// A short description of what sits at the error position.
fn found_at(line: &str, e: &Error<Rule>) -> String {
    let col = match e.line_col {
        pest::error::LineColLocation::Pos((_, c))
        | pest::error::LineColLocation::Span((_, c), _) => c,
    };
    let rest: String = line.chars().skip(col.saturating_sub(1)).collect();
    let word: String = rest
        .chars()
        .take_while(|c| !c.is_whitespace())
        .take(20)
        .collect();
    if word.is_empty() {
        "end of line".into()
    } else {
        format!("`{word}`")
    }
}
