//! Bounded output on any input (issue 12, item 4): at most `MAX_PER_FILE` diagnostics of a
//! file, a count of the rest, and long lines echoed only around their labels. Speed is the
//! benchmark's business (`bench/long_line.sh`); these tests bound what is printed.

use mapc::compile::compile_str;
use mapc::diag::bound::MAX_PER_FILE;
use mapc::diag::render;
use serde_json::Value;
use std::process::{Command, Output};

mod common;
use common::Scratch;

/// A source whose one line declares `words` columns `x` of the unknown type `x`, two words each.
fn x_line(words: usize) -> String {
    let xs = vec!["x"; words].join(" ");
    format!("migration \"t\" {{ to twenty }}\nsource P from \"p.csv\" key id {{ id text {xs} }}\n")
}

/// A source whose one line declares `columns` columns `c0 t0 c1 t1 …`, each of an unknown type
/// of its own: as many findings as columns, none repeating another.
fn distinct_line(columns: usize) -> String {
    let cs: Vec<String> = (0..columns).map(|i| format!("c{i} t{i}")).collect();
    format!(
        "migration \"t\" {{ to twenty }}\nsource P from \"p.csv\" key id {{ id text {} }}\n",
        cs.join(" ")
    )
}

fn check(spec: &str, json: bool) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mapc"));
    cmd.arg("check").arg(spec).env_remove("CLICOLOR_FORCE");
    if json {
        cmd.args(["--format", "json"]);
    }
    cmd.output().expect("run mapc")
}

/// 40,000 columns of 40,000 unknown types: JSON lists the first `MAX_PER_FILE`, says how many
/// it leaves out, and still counts every error; the exit code is an error's.
#[test]
fn json_lists_at_most_the_cap_and_counts_the_rest() {
    let dir = Scratch::new("bounded-json");
    let spec = dir.write("long.map", distinct_line(40_000).as_bytes());
    let o = check(spec.to_str().expect("utf-8 path"), true);
    assert_eq!(o.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let listed = v["diagnostics"].as_array().expect("diagnostics").len();
    assert!(listed <= MAX_PER_FILE + 1, "{listed} listed");
    assert_eq!(listed, MAX_PER_FILE);
    assert_eq!(v["errors"], 40_000);
    assert_eq!(v["warnings"], 1);
    assert_eq!(v["truncated"], 40_001 - MAX_PER_FILE as u64);
    // Errors are chosen first: the warning (W0803) is among those left out.
    assert!(v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .all(|d| d["severity"] == "error"));
    assert!(
        o.stdout.len() < 256 * 1024,
        "{} bytes of JSON",
        o.stdout.len()
    );
}

/// In text, 4,000 findings print a bounded report (8,000 words printed 97 MB), ending with the
/// count of what is not shown and the totals of everything.
#[test]
fn text_output_is_bounded_and_says_what_it_leaves_out() {
    let dir = Scratch::new("bounded-text");
    let spec = dir.write("long.map", distinct_line(4_000).as_bytes());
    let o = check(spec.to_str().expect("utf-8 path"), false);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        o.stderr.len() < 64 * 1024,
        "{} bytes of text",
        o.stderr.len()
    );
    assert_eq!(err.matches("error[E0208]").count(), MAX_PER_FILE);
    assert!(
        err.contains("3901 more diagnostics in `") && err.contains("(3900 errors, 1 warning)"),
        "{err}"
    );
    assert!(
        err.contains("checked 1 file: 4000 error(s), 1 warning(s)"),
        "{err}"
    );
}

/// A finding far along a long line echoes a window around its label, cut with `…` on both
/// sides, with the real line and column in its header and the caret under the label.
#[test]
fn a_long_line_is_echoed_as_a_window_around_the_label() {
    let pad = "a text ".repeat(2_000);
    let spec = format!(
        "migration \"t\" {{ to twenty }}\nsource P from \"p.csv\" key id {{ id text {pad}zzz wrong {pad}}}\n"
    );
    let c = compile_str("w.map", &spec);
    let one: Vec<_> = c
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("`wrong`"))
        .cloned()
        .collect();
    assert_eq!(one.len(), 1, "{:?}", c.diagnostics);
    let text = render::to_text(&c.db, &one);
    let at = spec.find("wrong").expect("wrong");
    let line_start = spec[..at].rfind('\n').map_or(0, |i| i + 1);
    let column = at - line_start + 1;
    assert!(text.contains(&format!("w.map:2:{column}")), "{text}");
    let echoed = text
        .lines()
        .find(|l| l.starts_with("2 │"))
        .expect("the echoed line");
    assert!(echoed.chars().count() < 160, "{echoed}");
    assert!(
        echoed.starts_with("2 │ …") && echoed.ends_with('…'),
        "{echoed}"
    );
    // The caret sits under `wrong`, in characters of the echoed line.
    let caret = text
        .lines()
        .skip_while(|l| !l.starts_with("2 │"))
        .nth(1)
        .expect("the caret line");
    let word_col = echoed.find("wrong").map(|b| echoed[..b].chars().count());
    let caret_col = caret.find('^').map(|b| caret[..b].chars().count());
    assert_eq!(word_col, caret_col, "\n{echoed}\n{caret}");
}

/// A tiny deterministic generator: the fuzz case needs no crate and no seed file.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as usize
    }
}

/// Nearly 4 MiB on one line of tokens and printable garbage, after a header and inside a
/// source and a map, so the parser and the checker both get far: the check finishes with a
/// bounded report, in text and in JSON.
#[test]
fn a_four_mebibyte_line_of_garbage_gives_bounded_output() {
    const TOKENS: &[&str] = &[
        "x",
        "x",
        "x text",
        "id int",
        "{",
        "}",
        "(",
        ")",
        "=",
        "->",
        "??",
        "|",
        "\"s\"",
        "1.5",
        "`q q`",
        "if",
        "then",
        "else",
        "[",
        "]",
        ",",
        ":",
        ".",
        "é",
        "on empty reject",
        "date",
        "source",
        "map",
    ];
    let mut rng = Lcg(12);
    let mut line = String::from("source P from \"p.csv\" key id { id text ");
    let budget = mapc::syntax::MAX_FILE_BYTES - 100;
    while line.len() < budget - 40 {
        if rng.next() % 10 < 3 {
            let n = 1 + rng.next() % 8;
            line.extend((0..n).map(|_| char::from(b'!' + (rng.next() % 94) as u8)));
        } else {
            line.push_str(TOKENS[rng.next() % TOKENS.len()]);
        }
        line.push(' ');
    }
    for (name, spec) in [
        (
            "garbage.map",
            format!("migration \"t\" {{ to twenty }}\n{line}\n"),
        ),
        (
            "columns.map",
            format!(
                "migration \"t\" {{ to twenty }}\n{}}}\n",
                x_line_body(budget - 64)
            ),
        ),
    ] {
        assert!(spec.len() <= mapc::syntax::MAX_FILE_BYTES, "{name}");
        let c = compile_str(name, &spec);
        assert!(!c.diagnostics.is_empty(), "{name}");
        let text = render::to_text(&c.db, &c.diagnostics);
        assert!(
            text.len() < 64 * 1024,
            "{name}: {} bytes of text",
            text.len()
        );
        let json = render::to_json(&c.db, &c.diagnostics);
        assert!(
            json.len() < 256 * 1024,
            "{name}: {} bytes of JSON",
            json.len()
        );
        let v: Value = serde_json::from_str(&json).expect("JSON");
        let listed = v["diagnostics"].as_array().map_or(0, Vec::len);
        assert!(listed <= MAX_PER_FILE, "{name}: {listed}");
        assert_eq!(
            listed + v["truncated"].as_u64().unwrap_or(0) as usize,
            c.diagnostics.len()
        );
    }
}

/// `source P … { id text x x x …` filling about `bytes`, without its closing brace.
fn x_line_body(bytes: usize) -> String {
    let mut s = String::from("source P from \"p.csv\" key id { id text");
    while s.len() < bytes {
        s.push_str(" x x");
    }
    s
}

/// The line, `x x x …`, is one finding repeated: said once, with how often it holds.
#[test]
fn a_finding_repeated_over_a_sources_columns_is_said_once_with_its_count() {
    let dir = Scratch::new("bounded-repeated");
    let spec = dir.write("long.map", x_line(80_000).as_bytes());
    let o = check(spec.to_str().expect("utf-8 path"), true);
    assert_eq!(o.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let types: Vec<&Value> = v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["code"] == "E0208")
        .collect();
    assert_eq!(types.len(), 1, "{v:#}");
    assert!(
        types[0]["notes"].to_string().contains("39999 more columns"),
        "{v:#}"
    );
    let twice = "source P from \"p.csv\" key id { id text  x text  x text  x text }";
    let c = compile_str(
        "t.map",
        &format!("migration \"t\" {{ to twenty }}\n{twice}\n"),
    );
    let dups: Vec<_> = c
        .diagnostics
        .iter()
        .filter(|d| d.code.to_string() == "E0201")
        .collect();
    assert_eq!(dups.len(), 1, "{:?}", c.diagnostics);
    assert!(
        dups[0].notes.iter().any(|n| n.contains("declared 3 times")),
        "{:?}",
        dups[0]
    );
}

/// A file of more words than any spec needs is refused before it is parsed, with one finding
/// at the word past the limit: a 4 MiB line of `x x …` (two million words) is not parsed.
#[test]
fn a_file_of_too_many_words_is_one_finding_before_any_parse() {
    let words = mapc::syntax::precheck::MAX_WORDS + 1_000;
    let c = compile_str("t.map", &x_line(words));
    let codes: Vec<String> = c.diagnostics.iter().map(|d| d.code.to_string()).collect();
    assert_eq!(codes, ["E0006"], "{:?}", c.diagnostics);
}
