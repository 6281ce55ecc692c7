//! Several files parsed at once, in pieces: parsing is most of what `mapc check` costs, and a
//! spec is a list of items, each parsed on its own.
//!
//! The pieces are shared by two workers, this thread and one more, each taking the largest
//! piece left. One helper, not a thread per piece: with a thread per half of the root and one
//! for the stdlib, three threads met two cores and the scheduler often left a new thread
//! waiting behind a running one, so the "parallel" halves ran one after the other.
//!
//! A file is cut at item starts (lines that begin with an item's keyword) about `PIECE_BYTES`
//! apart. The pieces stand for the whole only when all parse clean: then each piece begins
//! exactly where an item of the one before would have begun, because no item can go on into a
//! following item's keyword (items end with `}`, a string, or an expression, which no item
//! keyword continues). A cut inside a block or a string leaves the piece before it with an
//! open bracket or string, which does not parse; then, or on any diagnostic at all, the whole
//! file is parsed as one, so every finding is exactly what one parse gives.

use super::ast::Module;
use super::{parse_text, Parsed};
use crate::span::{FileId, SourceDb};
use std::sync::atomic::{AtomicUsize, Ordering};

/// About how much text a piece holds: small enough that two workers share the work evenly
/// (some items cost twice as much per byte to parse as others, so halves by size did not),
/// large enough that a piece's fixed cost does not show. A file under twice this is one piece.
const PIECE_BYTES: usize = 4 * 1024;

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

/// A piece of one file's text to parse: the whole of it, or one half.
struct Piece<'a> {
    /// Which of the files asked for.
    file: usize,
    text: &'a str,
    /// Where `text` starts in its file.
    base: usize,
}

/// Each of `files` parsed (they have passed the precheck), in order.
pub fn parse_all(db: &SourceDb, files: &[FileId]) -> Vec<Parsed> {
    let mut pieces = Vec::new();
    for (file, &id) in files.iter().enumerate() {
        let text = db.text(id);
        let starts = std::iter::once(0).chain(cuts(text));
        let ends = cuts(text).chain(std::iter::once(text.len()));
        for (base, end) in starts.zip(ends) {
            pieces.push(Piece {
                file,
                text: &text[base..end],
                base,
            });
        }
    }
    // Largest first, so that the two workers finish close together.
    pieces.sort_by_key(|p| std::cmp::Reverse(p.text.len()));
    let parsed = on_two_workers(&pieces, files);
    let mut by_file: Vec<Vec<(usize, Parsed)>> = files.iter().map(|_| Vec::new()).collect();
    for (piece, result) in pieces.iter().zip(parsed) {
        by_file[piece.file].push((piece.base, result));
    }
    files
        .iter()
        .zip(by_file)
        .map(|(&id, parts)| join(db, id, parts))
        .collect()
}

/// Where a text is cut into pieces: item starts about `PIECE_BYTES` apart, none leaving a last
/// piece under half that.
fn cuts(text: &str) -> impl Iterator<Item = usize> + '_ {
    let mut from = PIECE_BYTES;
    std::iter::from_fn(move || {
        if from + PIECE_BYTES > text.len() {
            return None;
        }
        let at = item_start_near(text, from).filter(|&at| at + PIECE_BYTES / 2 < text.len())?;
        from = at + PIECE_BYTES;
        Some(at)
    })
}

/// Every piece parsed, in the order given, by this thread and one helper, each taking the next
/// piece in turn. Without a helper thread, this thread parses them all.
fn on_two_workers(pieces: &[Piece], files: &[FileId]) -> Vec<Parsed> {
    let next = AtomicUsize::new(0);
    let parse = |piece: &Piece| parse_text(piece.text, files[piece.file], piece.base);
    let work = || {
        let mut done = Vec::new();
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some(piece) = pieces.get(index) else {
                return done;
            };
            done.push((index, parse(piece)));
        }
    };
    let mut slots: Vec<Option<Parsed>> = pieces.iter().map(|_| None).collect();
    std::thread::scope(|s| {
        let helper = if pieces.len() > 1 {
            std::thread::Builder::new()
                .stack_size(super::STACK_BYTES)
                .spawn_scoped(s, work)
                .ok()
        } else {
            None
        };
        let mut done = work();
        // A helper that died takes its pieces with it; they are parsed again below.
        if let Some(Ok(theirs)) = helper.map(|h| h.join()) {
            done.extend(theirs);
        }
        for (index, result) in done {
            slots[index] = Some(result);
        }
    });
    pieces
        .iter()
        .zip(slots)
        .map(|(piece, slot)| slot.unwrap_or_else(|| parse(piece)))
        .collect()
}

/// One file's result from its pieces: the whole, or all pieces joined when every one parsed
/// clean, or else the whole file parsed again as one.
fn join(db: &SourceDb, id: FileId, mut parts: Vec<(usize, Parsed)>) -> Parsed {
    if parts.len() == 1 {
        return parts.pop().map_or((None, Vec::new()), |(_, whole)| whole);
    }
    parts.sort_by_key(|(base, _)| *base);
    let mut items = Vec::new();
    for (_, (module, diags)) in parts {
        match module {
            Some(module) if diags.is_empty() => items.extend(module.items),
            _ => return parse_text(db.text(id), id, 0),
        }
    }
    (Some(Module { items }), Vec::new())
}

/// The first line at or after `from` that begins with an item keyword and a space.
pub(super) fn item_start_near(text: &str, from: usize) -> Option<usize> {
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
    use crate::syntax::ast::Module;

    fn json(parsed: &Parsed) -> String {
        let module: Option<&Module> = parsed.0.as_ref();
        serde_json::to_string(&(module, parsed.1.len())).expect("json")
    }

    /// Files parsed together, large ones in halves, give in order the very modules one parse
    /// each gives, spans and all.
    #[test]
    fn files_parsed_together_give_what_one_parse_each_gives() {
        let item = "map P -> Person {\n  name.firstName = first | trim ?? \"x\"\n}\n";
        let big = format!("migration \"t\" {{ to twenty }}\n{}", item.repeat(300));
        let small = "map Q -> Person { x = y }\n".to_string();
        let bigger = item.repeat(500);
        let mut db = SourceDb::new();
        let texts = [big, small, bigger];
        let files: Vec<FileId> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| db.add(format!("f{i}.map"), t.as_str()))
            .collect();
        assert!(cuts(&texts[0]).count() > 1 && cuts(&texts[1]).count() == 0);
        let together = parse_all(&db, &files);
        assert_eq!(together.len(), 3);
        for ((text, &id), parsed) in texts.iter().zip(&files).zip(&together) {
            assert!(parsed.1.is_empty());
            assert_eq!(json(parsed), json(&parse_text(text, id, 0)));
        }
    }

    /// A field named `source` at the start of a line inside a block: the cut falls inside the
    /// block, the first half does not parse, and the file is parsed as one.
    #[test]
    fn a_cut_inside_a_block_falls_back_to_one_parse() {
        let fields = "  note text\n".repeat(PIECE_BYTES / 12 + 1);
        let items = "map P -> Person { x = y }\n".repeat(PIECE_BYTES / 20);
        let tricky = format!(
            "migration \"t\" {{ to twenty }}\nextend Person {{\n{fields}source text\n}}\n{items}"
        );
        assert_eq!(
            cuts(&tricky).next().map(|at| &tricky[at..at + 7]),
            Some("source ")
        );
        let mut db = SourceDb::new();
        let id = db.add("t.map", tricky.as_str());
        let parsed = parse_all(&db, &[id]);
        assert!(parsed[0].1.is_empty(), "{:?}", parsed[0].1);
        assert_eq!(json(&parsed[0]), json(&parse_text(&tricky, id, 0)));
    }

    /// A finding in one piece is the finding one parse of the whole file gives.
    #[test]
    fn a_finding_in_a_piece_is_the_whole_files_finding() {
        let item = "map P -> Person { x = y }\n";
        let text = format!("{}map Broken -> {{\n{}", item.repeat(400), item.repeat(400));
        let mut db = SourceDb::new();
        let id = db.add("t.map", text.as_str());
        let parsed = parse_all(&db, &[id]);
        assert_eq!(parsed[0].1.len(), 1);
        assert_eq!(json(&parsed[0]), json(&parse_text(&text, id, 0)));
    }
}
