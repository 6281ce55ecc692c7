//! Property tests for the front end: whatever bytes arrive, `compile` reports diagnostics and never
//! panics, never overflows its stack, never reports an internal bug and never points outside the
//! file it names.
//!
//! Case counts are kept small so this file runs in seconds in debug; `PROPTEST_CASES=N` overrides
//! every count (e.g. `PROPTEST_CASES=5000 cargo test --release --test fuzz` for a longer soak).

use mapc::compile::{compile, Compilation};
use mapc::diag::{render, Code, Diagnostic, Severity};
use mapc::semantic::loader::MemoryFs;
use mapc::syntax::{MAX_DEPTH, MAX_FILE_BYTES};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

mod common;

/// `n` cases, or `PROPTEST_CASES` when set.
fn config(n: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(n);
    ProptestConfig {
        cases,
        // Shrinking a mutated 45 KB spec can take long; a minute is plenty to get a small input.
        max_shrink_time: 60_000,
        ..ProptestConfig::default()
    }
}

/// The stack `mapc` itself runs on: the main thread's usual 8 MiB. Test threads get 2 MiB, on
/// which a debug build overflows below `MAX_DEPTH` (about 50 nested brackets), so every compile
/// here runs on a thread with the binary's stack.
const CLI_STACK: usize = 8 * 1024 * 1024;

/// Compiles `bytes` as the root file `name`, through the byte-level loader (so non-UTF-8 input
/// takes the real path).
fn compile_bytes(name: &str, bytes: &[u8]) -> Compilation {
    let mut fs = MemoryFs::default();
    fs.0.insert(PathBuf::from(name), bytes.to_vec());
    let name = name.to_string();
    let worker = std::thread::Builder::new()
        .stack_size(CLI_STACK)
        .spawn(move || compile(&fs, Path::new(&name)))
        .expect("spawn a compile thread");
    worker
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

fn codes(c: &Compilation) -> Vec<String> {
    c.diagnostics.iter().map(|d| d.code.as_string()).collect()
}

fn find(c: &Compilation, code: Code) -> Option<&Diagnostic> {
    c.diagnostics.iter().find(|d| d.code == code)
}

/// What must hold for any input: no internal bug, every label inside the text of the file it
/// names, and both renderings work.
fn check_invariants(c: &Compilation) -> Result<(), TestCaseError> {
    for d in &c.diagnostics {
        prop_assert!(
            d.severity != Severity::Bug,
            "internal bug reported: {} {}",
            d.code,
            d.message
        );
        for l in &d.labels {
            let file = l.span.file;
            prop_assert!(
                (file.0 as usize) < c.db.len(),
                "{} `{}`: label names file {} of {}",
                d.code,
                d.message,
                file.0,
                c.db.len()
            );
            let len = c.db.text(file).len();
            prop_assert!(
                l.span.start <= l.span.end && l.span.end as usize <= len,
                "{} `{}`: {} span {}..{} outside {} ({} bytes)",
                d.code,
                d.message,
                if l.primary { "primary" } else { "secondary" },
                l.span.start,
                l.span.end,
                c.db.name(file),
                len
            );
        }
    }
    let text = render::to_text(&c.db, &c.diagnostics);
    let capped = c.diagnostics.len() > mapc::diag::bound::MAX_PER_FILE;
    for d in c.diagnostics.iter().filter(|_| !capped) {
        prop_assert!(
            text.contains(&d.code.as_string()),
            "{} is missing from the text rendering",
            d.code
        );
    }
    let json: serde_json::Value = serde_json::from_str(&render::to_json(&c.db, &c.diagnostics))
        .map_err(|e| TestCaseError::fail(format!("JSON rendering does not parse: {e}")))?;
    // Every finding is listed, or counted in `truncated`.
    prop_assert_eq!(
        json["diagnostics"].as_array().map(Vec::len).unwrap_or(0)
            + json["truncated"].as_u64().unwrap_or(u64::MAX) as usize,
        c.diagnostics.len()
    );
    Ok(())
}

/// Tokens of the language, for token soup and for insertions into real specs.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "->",
    "=>",
    "??",
    "|",
    "\"",
    "#",
    "`",
    ",",
    ":",
    ".",
    "=",
    "==",
    "!=",
    "<",
    ">=",
    "+",
    "-",
    "++",
    "*",
    "/",
    "?",
    "lookup",
    "on",
    "missing",
    "if",
    "then",
    "else",
    "map",
    "source",
    "values",
    "not",
    "and",
    "or",
    "in",
    "null",
    "true",
    "false",
    "migration",
    "from",
    "to",
    "twenty",
    "use",
    "std.ada",
    "key",
    "extend",
    "object",
    "select",
    "add",
    "identity",
    "dedupe",
    "by",
    "deferred",
    "lossy",
    "fn",
    "gap",
    "order",
    "test",
    "given",
    "expect",
    "rejected",
    "owner",
    "reject",
    "hold",
    "skip",
    "keep",
    "default",
    "placeholder",
    "when",
    "merge",
    "into",
    "as",
    "text",
    "date",
    "int",
    "Person",
    "Company",
    "Task",
    "trim",
    "email",
    "x",
    "name.firstName",
    "\"s\"",
    "\"%m/%d/%Y\"",
    "12",
    "1.5",
    "6 months",
    "\n",
    "\\",
    "\u{FEFF}",
    "é",
    "\u{0}",
];

const HEADERS: &[&str] = &[
    "",
    "migration \"f\" { from \"a\" to twenty }\n",
    "migration \"f\" { from \"a\" to twenty }\nsource S from \"s.csv\" key id { id text  v text? }\n",
];

fn token_soup() -> impl Strategy<Value = Vec<u8>> {
    (
        prop::sample::select(HEADERS),
        prop::collection::vec(prop::sample::select(TOKENS), 0..200),
        prop::sample::select(&[" ", "\n", ""][..]),
    )
        .prop_map(|(header, tokens, sep)| {
            let mut s = String::from(header);
            s.push_str(&tokens.join(sep));
            s.into_bytes()
        })
}

fn byte_input() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        2 => prop::collection::vec(any::<u8>(), 0..512),
        1 => prop::collection::vec(prop::sample::select(&b" \t\r\n#\"{}()[]az\xef\xbb\xbf\xff\xc3"[..]), 0..64),
        // token soup with a few bytes overwritten, often breaking UTF-8 mid-file
        3 => (token_soup(), prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..3))
            .prop_map(|(mut b, edits)| {
                for (at, byte) in edits {
                    if !b.is_empty() {
                        let i = at.index(b.len());
                        b[i] = byte;
                    }
                }
                b
            }),
    ]
}

/// The seed specs and stdlib modules, read at test time so new files are fuzzed too.
fn corpus() -> &'static [(String, Vec<u8>)] {
    static CORPUS: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in ["specs", "stdlib"] {
            let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
                continue;
            };
            for e in entries.flatten() {
                let path = e.path();
                if path.extension().is_some_and(|x| x == "map") {
                    let bytes = std::fs::read(&path).expect("read a corpus file");
                    files.push((format!("{dir}/{}", e.file_name().to_string_lossy()), bytes));
                }
            }
        }
        files.sort();
        assert!(
            files.len() >= 4,
            "specs/ and stdlib/ hold too few .map files"
        );
        files
    })
}

#[derive(Debug, Clone)]
enum Mutation {
    Delete(prop::sample::Index, usize),
    Duplicate(prop::sample::Index, usize, prop::sample::Index),
    Insert(prop::sample::Index, &'static str),
    Replace(prop::sample::Index, u8),
    Truncate(prop::sample::Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let ix = any::<prop::sample::Index>;
    prop_oneof![
        3 => (ix(), 1usize..32).prop_map(|(a, n)| Mutation::Delete(a, n)),
        1 => (ix(), 32usize..4096).prop_map(|(a, n)| Mutation::Delete(a, n)),
        2 => (ix(), 1usize..256, ix()).prop_map(|(a, n, to)| Mutation::Duplicate(a, n, to)),
        4 => (ix(), prop::sample::select(TOKENS)).prop_map(|(a, t)| Mutation::Insert(a, t)),
        1 => (ix(), any::<u8>()).prop_map(|(a, b)| Mutation::Replace(a, b)),
        1 => ix().prop_map(Mutation::Truncate),
    ]
}

fn apply(text: &mut Vec<u8>, m: &Mutation) {
    let len = text.len();
    let at = |i: &prop::sample::Index| i.index(len + 1);
    match m {
        Mutation::Delete(a, n) => {
            let s = at(a);
            text.drain(s..(s + n).min(len));
        }
        Mutation::Duplicate(a, n, to) => {
            let s = at(a);
            let piece = text[s..(s + n).min(len)].to_vec();
            let t = at(to);
            text.splice(t..t, piece);
        }
        Mutation::Insert(a, tok) => {
            let s = at(a);
            let mut piece = vec![b' '];
            piece.extend_from_slice(tok.as_bytes());
            piece.push(b' ');
            text.splice(s..s, piece);
        }
        Mutation::Replace(a, b) => {
            if len > 0 {
                text[a.index(len)] = *b;
            }
        }
        Mutation::Truncate(a) => text.truncate(at(a)),
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// (a) Arbitrary bytes, UTF-8 or not: no panic, E0002 at the first bad byte, E0003 when blank.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in byte_input()) {
        let c = compile_bytes("fuzz.map", &bytes);
        check_invariants(&c)?;
        match std::str::from_utf8(&bytes) {
            Err(e) => {
                let d = find(&c, Code::NotUtf8);
                prop_assert!(d.is_some(), "no E0002 for invalid UTF-8; got {:?}", codes(&c));
                let span = d.and_then(|d| d.primary_span());
                prop_assert_eq!(span.map(|s| s.start as usize), Some(e.valid_up_to()));
            }
            Ok(text) if text.trim().is_empty() => {
                prop_assert!(
                    find(&c, Code::EmptyFile).is_some(),
                    "no E0003 for a blank file; got {:?}",
                    codes(&c)
                );
            }
            Ok(text) if text.len() < 256 => {
                // Short valid text never trips the size or depth limits.
                prop_assert!(find(&c, Code::TooLarge).is_none());
                prop_assert!(find(&c, Code::TooDeep).is_none());
            }
            Ok(_) => {}
        }
    }
}

proptest! {
    #![proptest_config(config(128))]

    /// (b) Real specs and stdlib modules with random damage: no panic, spans in range.
    #[test]
    fn mutated_specs_never_panic(
        file in 0..corpus().len(),
        mutations in prop::collection::vec(mutation(), 1..8),
    ) {
        let (name, original) = &corpus()[file];
        let mut text = original.clone();
        for m in &mutations {
            apply(&mut text, m);
        }
        let c = compile_bytes(name, &text);
        check_invariants(&c)?;
        if let Err(e) = std::str::from_utf8(&text) {
            let d = find(&c, Code::NotUtf8);
            prop_assert_eq!(
                d.and_then(|d| d.primary_span()).map(|s| s.start as usize),
                Some(e.valid_up_to())
            );
        }
    }
}

/// The corpus compiles as it is: a mutation test that only ever sees broken files proves little.
#[test]
fn unmutated_corpus_compiles_without_errors_or_bugs() {
    for (name, bytes) in corpus() {
        let c = compile_bytes(name, bytes);
        check_invariants(&c).unwrap_or_else(|e| panic!("{name}: {e}"));
        if name.starts_with("specs/") {
            assert!(
                !c.has_errors(),
                "{name} has errors:\n{}",
                render::to_text(&c.db, &c.diagnostics)
            );
        }
    }
}

// ───────────────────────────── (c) nesting ─────────────────────────────

const PRELUDE: &str = "migration \"deep\" { from \"a\" to twenty }\n\
                       source S from \"s.csv\" key id { id text }\n";

fn in_fn(body: &str) -> String {
    format!("{PRELUDE}fn f(a) = {body}\n")
}

fn assert_too_deep(what: &str, text: &str) {
    let c = compile_bytes("deep.map", text.as_bytes());
    check_invariants(&c).unwrap_or_else(|e| panic!("{what}: {e}"));
    let d = find(&c, Code::TooDeep).unwrap_or_else(|| {
        panic!("{what}: no E0005; got {:?}", codes(&c));
    });
    let span = d.primary_span().expect("E0005 has a location");
    let after = if text.starts_with(PRELUDE) {
        PRELUDE.len()
    } else {
        0
    };
    assert!(
        (span.start as usize) < text.len() && span.start as usize >= after,
        "{what}: E0005 at {} is not in the deep part",
        span.start
    );
}

#[test]
fn ten_thousand_levels_of_nesting_get_e0005() {
    let n = 10_000;
    let cases: Vec<(&str, String)> = vec![
        (
            "parentheses",
            in_fn(&format!("{}a{}", "(".repeat(n), ")".repeat(n))),
        ),
        (
            "unclosed parentheses",
            in_fn(&format!("{}a", "(".repeat(n))),
        ),
        ("not chain", in_fn(&format!("{}a", "not ".repeat(n)))),
        ("glued not chain", in_fn(&format!("{}a", "not(".repeat(n)))),
        (
            "if-then chain",
            in_fn(&format!(
                "{}a{}",
                "if a then ".repeat(n),
                " else a".repeat(n)
            )),
        ),
        ("unfinished if-then chain", in_fn(&"if a then ".repeat(n))),
        ("minus chain", in_fn(&format!("{}a", "-".repeat(n)))),
        ("spaced minus chain", in_fn(&format!("{}a", "- ".repeat(n)))),
        (
            "lists",
            in_fn(&format!("{}a{}", "[".repeat(n), "]".repeat(n))),
        ),
        ("records", in_fn(&"{x: ".repeat(n))),
        ("calls", in_fn(&format!("{}a", "trim(".repeat(n)))),
        ("owner calls", in_fn(&format!("{}a", "owner(".repeat(n)))),
        ("lookups", in_fn(&format!("{}a", "lookup S(".repeat(n)))),
        (
            "pipes into calls",
            in_fn(&format!("{}a", "a | left(".repeat(n))),
        ),
        (
            "deep map statement",
            format!(
                "{PRELUDE}map S -> Person {{ name.firstName = {}id }}\n",
                "(".repeat(n)
            ),
        ),
        ("deep braces at top level", "{".repeat(n)),
    ];
    for (what, text) in &cases {
        assert_too_deep(what, text);
    }
}

proptest! {
    #![proptest_config(config(64))]

    /// Any mix of openers deeper than the limit gets E0005. More than `MAX_DEPTH` of the openers
    /// are brackets or `if`s; prefix `not`/`-` are sprinkled between them (the precheck counts a
    /// run of prefix operators, not one followed by a bracket, so they are not relied on).
    #[test]
    fn random_deep_nesting_gets_e0005(
        openers in prop::collection::vec(
            (
                prop::sample::select(&["(", "[", "if a then ", "trim(", "{x: ", "lookup S("][..]),
                prop::sample::select(&["", "", "", "not ", "-", "- ", "not -"][..]),
            ),
            MAX_DEPTH + 1..3_000,
        )
    ) {
        let body: String = openers.iter().map(|(o, p)| format!("{p}{o}")).collect();
        let text = in_fn(&format!("{body}a"));
        let c = compile_bytes("deep.map", text.as_bytes());
        check_invariants(&c)?;
        prop_assert!(find(&c, Code::TooDeep).is_some(), "no E0005; got {:?}", codes(&c));
    }
}

/// Just inside the limit the parser and checker run for real, with no E0005 and no overflow.
#[test]
fn nesting_just_inside_the_limit_compiles() {
    // `fn f(a) =` leaves its parentheses closed, so the body may use the whole budget.
    let n = MAX_DEPTH - 2;
    let cases = [
        format!("{}a{}", "(".repeat(n), ")".repeat(n)),
        format!("{}a", "not ".repeat(n)),
        format!("{}a{}", "if a then ".repeat(n), " else a".repeat(n)),
        format!("{}a", "-".repeat(n)),
        format!("{}a{}", "[".repeat(n), "]".repeat(n)),
        format!("{}a{}", "trim(".repeat(n), ")".repeat(n)),
        format!(
            "{}a{}",
            "(a ?? not -(a | trim) ++ ".repeat(n / 3),
            "))".repeat(n / 3)
        ),
    ];
    for body in &cases {
        let c = compile_bytes("deep.map", in_fn(body).as_bytes());
        check_invariants(&c).unwrap_or_else(|e| panic!("{body}: {e}"));
        assert!(
            find(&c, Code::TooDeep).is_none(),
            "{body}: E0005 within the limit"
        );
        assert!(
            c.program.is_some(),
            "{body}: did not parse: {:?}",
            codes(&c)
        );
    }
}

// ───────────────────────────── (d) size ─────────────────────────────

#[test]
fn a_five_mib_file_gets_e0004() {
    let line = "# a comment line that pads the file out to well past the size limit\n";
    let mut text = String::from(PRELUDE);
    while text.len() < 5 * 1024 * 1024 {
        text.push_str(line);
    }
    assert!(text.len() > MAX_FILE_BYTES);
    let c = compile_bytes("big.map", text.as_bytes());
    check_invariants(&c).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(codes(&c), ["E0004"]);
    assert!(find(&c, Code::TooLarge).is_some_and(|d| d.message.contains(&text.len().to_string())));
}

#[test]
fn a_file_at_the_size_limit_is_not_too_large() {
    let mut text = String::from(PRELUDE);
    text.push_str(&" ".repeat(MAX_FILE_BYTES - text.len()));
    let c = compile_bytes("edge.map", text.as_bytes());
    assert!(find(&c, Code::TooLarge).is_none(), "{:?}", codes(&c));
}

// ─────────────────── long flat chains, else-if chains, nested owner(…) ───────────────────
// These once overflowed the stack or backtracked exponentially; they run the real binary in a
// child process so that a regression (a crash) fails the test instead of aborting the test binary.

fn run_cli_on(name: &str, text: &str) -> std::process::Output {
    let dir = common::Scratch::new(&format!("fuzz-{name}"));
    let path = dir.join(format!("{name}.map"));
    std::fs::write(&path, text).expect("write spec");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_mapc"))
        .arg("check")
        .arg(&path)
        .output()
        .expect("run mapc");
    out
}

fn assert_cli_survives(name: &str, text: &str) -> String {
    let out = run_cli_on(name, text);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{name}: mapc check ended with {:?}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
            .chars()
            .take(2000)
            .collect::<String>()
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn long_flat_chains_do_not_overflow() {
    let n = 20_000;
    let cases = [
        ("coalesce", in_fn(&vec!["a"; n].join(" ?? "))),
        ("plus", in_fn(&vec!["a"; n].join(" + "))),
        ("pipe", in_fn(&format!("a{}", " | trim".repeat(n)))),
        ("field", in_fn(&format!("a{}", ".b".repeat(n)))),
    ];
    for (name, text) in &cases {
        let stderr = assert_cli_survives(name, text);
        assert!(stderr.contains("E0005"), "{name}: no E0005:\n{stderr}");
    }
}

#[test]
fn long_else_if_chains_do_not_overflow() {
    for n in [300, 1_000, 3_000] {
        assert_cli_survives(
            "elseif",
            &in_fn(&format!("{}a", "if a then a else ".repeat(n))),
        );
    }
}

#[test]
fn nested_owner_calls_do_not_backtrack_exponentially() {
    // 30 levels is within the nesting limit; exponential backtracking hits pest's call limit.
    let n = 30;
    let text = in_fn(&format!("{}a{}", "owner(".repeat(n), ", b)".repeat(n)));
    let out = run_cli_on("owner", &text);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("call limit reached"),
        "the parser gave up:\n{stderr}"
    );
}
