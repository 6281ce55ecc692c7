//! Snapshot tests of every diagnostic: one small spec per code in `tests/diagnostics/`, named
//! after the code it triggers (`E0203_unknown_column.map`), whose first line says which codes must
//! appear (`# expect: E0203` or `# expect: E0203, W0803`). Each snapshot shows the source and the
//! rendered diagnostics, so a change to a message, a label or a span shows up in review.

use mapc::compile::compile_str;
use mapc::diag::codes::ALL;
use mapc::diag::render;
use mapc::diag::Code;
use std::collections::BTreeSet;
use std::path::Path;

/// Codes whose findings cannot come from spec text given to `compile_str`, tested elsewhere:
/// unreadable and non-UTF-8 files, the size and word limits, the `--data` findings and internal errors.
const TESTED_ELSEWHERE: &[Code] = &[
    Code::Unreadable,
    Code::NotUtf8,
    Code::TooLarge,
    Code::TooManyWords,
    Code::DataFileMissing,
    Code::DataColumnMissing,
    Code::UncoveredValue,
    Code::DataUnreadable,
    Code::DataForeignEncoding,
    Code::DataDuplicateColumn,
    Code::DataRepeatedHeader,
    Code::DataUnreadableRows,
    Code::Internal,
];

/// The codes named on the fixture's first line, `# expect: E0203, W0803`.
fn expected_codes(name: &str, text: &str) -> Vec<String> {
    let first = text.lines().next().unwrap_or_default();
    let list = first
        .strip_prefix("# expect:")
        .unwrap_or_else(|| panic!("{name}: the first line must be `# expect: CODE[, CODE…]`"));
    let codes: Vec<String> = list
        .split(',')
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .collect();
    assert!(!codes.is_empty(), "{name}: `# expect:` names no code");
    codes
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .expect("a fixture path has a file name")
        .to_string_lossy()
        .into_owned()
}

#[test]
fn diagnostics() {
    insta::glob!("diagnostics/*.map", |path| {
        let name = file_name(path);
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("cannot read fixture {name}: {e}"));
        let compilation = compile_str(&name, &text);
        let rendered = render::to_text(&compilation.db, &compilation.diagnostics);
        let found: BTreeSet<String> = compilation
            .diagnostics
            .iter()
            .map(|d| d.code.to_string())
            .collect();
        for code in expected_codes(&name, &text) {
            assert!(
                found.contains(&code),
                "{name}: expected {code} among the diagnostics, found {found:?}\n{rendered}"
            );
        }
        insta::assert_snapshot!(format!(
            "----- SOURCE CODE\n{text}\n----- DIAGNOSTICS\n{rendered}"
        ));
    });
}

/// Adding a code to the registry without a fixture (and so without a snapshot) fails the build.
#[test]
fn every_code_has_a_fixture() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diagnostics");
    let fixtures: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| file_name(&entry.expect("a readable directory entry").path()))
        .filter(|name| name.ends_with(".map"))
        .collect();
    let missing: Vec<String> = ALL
        .iter()
        .filter(|c| !TESTED_ELSEWHERE.contains(c))
        .map(|c| c.to_string())
        .filter(|code| !fixtures.iter().any(|f| f.starts_with(code.as_str())))
        .collect();
    assert!(
        missing.is_empty(),
        "codes without a fixture in tests/diagnostics/: {missing:?}"
    );
}

/// Every fixture is named after a code of the registry and expects that code.
#[test]
fn fixture_names_match_their_expected_code() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diagnostics");
    let codes: BTreeSet<String> = ALL.iter().map(|c| c.to_string()).collect();
    for entry in std::fs::read_dir(&dir).expect("tests/diagnostics/ is readable") {
        let path = entry.expect("a readable directory entry").path();
        let name = file_name(&path);
        if !name.ends_with(".map") {
            continue;
        }
        let code = name.split('_').next().unwrap_or_default();
        assert!(
            codes.contains(code),
            "{name}: `{code}` is not a registered code"
        );
        let text = std::fs::read_to_string(&path).expect("a readable fixture");
        assert!(
            expected_codes(&name, &text).iter().any(|c| c == code),
            "{name}: its `# expect:` line does not name {code}"
        );
    }
}
