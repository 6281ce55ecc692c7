//! A large file parsed in two halves at once, one on each core: parsing is most of what
//! `mapc check` costs, and a spec is a list of items, each parsed on its own.
//!
//! The file is cut at the start of an item near its middle (a line that begins with an item's
//! keyword). The halves stand for the whole only when both parse clean: then the second half
//! begins exactly where an item of the first would have begun, because no item can go on into
//! a following item's keyword (items end with `}`, a string, or an expression, which no item
//! keyword continues). A cut inside a block or a string leaves the first half with an open
//! bracket or string, which does not parse; then, or on any diagnostic at all, the whole file
//! is parsed as one, so every finding is exactly what one parse gives.

use super::ast::Module;
use crate::span::FileId;

/// Below this, one parse is quicker than two and a thread.
const HALVES_FROM: usize = 8 * 1024;

/// The keywords an item begins with.
const ITEM_KEYWORDS: &[&str] = &[
    "source",
    "map",
    "values",
    "test",
    "fn",
    "gap",
    "object",
    "extend",
    "composite",
    "target",
    "order",
    "use",
    "migration",
];

/// The module, when both halves of a large file parse without a finding.
pub fn parse_in_halves(text: &str, file: FileId) -> Option<Module> {
    if text.len() < HALVES_FROM {
        return None;
    }
    let cut = item_start_near(text, text.len() / 2)?;
    let (first, second) = text.split_at(cut);
    let (a, b) = std::thread::scope(|s| {
        let other = std::thread::Builder::new()
            .stack_size(crate::syntax::STACK_BYTES)
            .spawn_scoped(s, || super::parse_text(first, file, 0))
            .ok()?;
        let b = super::parse_text(second, file, cut);
        Some((other.join().ok()?, b))
    })?;
    match (a, b) {
        ((Some(mut a), da), (Some(b), db)) if da.is_empty() && db.is_empty() => {
            a.items.extend(b.items);
            Some(a)
        }
        _ => None,
    }
}

/// The first line at or after `from` that begins with an item keyword and a space.
fn item_start_near(text: &str, from: usize) -> Option<usize> {
    let mut at = text.get(from..)?.find('\n')? + from + 1;
    while at < text.len() {
        let line = &text[at..];
        let starts = ITEM_KEYWORDS.iter().any(|k| {
            line.strip_prefix(k)
                .is_some_and(|rest| rest.starts_with([' ', '\t']))
        });
        if starts {
            return Some(at);
        }
        at += line.find('\n')? + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::SourceDb;

    /// A file parsed in halves gives the very module one parse gives, spans and all; a cut
    /// that falls inside a block or a string falls back to one parse, with its findings.
    #[test]
    fn halves_give_the_module_one_parse_gives() {
        let item = "map P -> Person {\n  name.firstName = first | trim ?? \"x\"\n}\n";
        let text = format!("migration \"t\" {{ to twenty }}\n{}", item.repeat(300));
        let mut db = SourceDb::new();
        let file = db.add("t.map", text.as_str());
        let halves = parse_in_halves(&text, file).expect("a clean file parses in halves");
        let (whole, diags) = super::super::parse_text(&text, file, 0);
        assert!(diags.is_empty());
        let json = |m: &Module| serde_json::to_string(m).expect("json");
        assert_eq!(json(&halves), json(&whole.expect("one parse")));

        // A field named `source` at the start of a line inside a block: the cut falls inside
        // the block, the first half does not parse, and the file is parsed as one.
        let fields = "  note text\n".repeat(HALVES_FROM / 12);
        let tricky = format!(
            "migration \"t\" {{ to twenty }}\nextend Person {{\n{fields}source text\n}}\n{item}"
        );
        assert_eq!(
            item_start_near(&tricky, tricky.len() / 2).map(|at| &tricky[at..at + 7]),
            Some("source ")
        );
        assert!(parse_in_halves(&tricky, file).is_none());
        assert!(super::super::parse_text(&tricky, file, 0).1.is_empty());
    }
}
