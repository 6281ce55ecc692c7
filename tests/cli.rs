//! The real `mapc` binary, run as a process: exit codes, text and JSON output, colour, input
//! limits, `explain`, `plan` and `check --data`.

use mapc::diag::Code;
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

mod common;
use common::Scratch;

const DENTOSOFT: &str = "specs/dentosoft-to-twenty.map";

/// `mapc ARGS`, run from the crate root with a colour-neutral environment.
fn mapc(args: &[&str]) -> Output {
    mapc_env(args, &[])
}

fn mapc_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mapc"));
    cmd.args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run mapc")
}

fn path_arg(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 temp path")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn assert_exit(o: &Output, code: i32) {
    assert_eq!(
        o.status.code(),
        Some(code),
        "expected exit {code}, got {:?}\n--- stdout\n{}\n--- stderr\n{}",
        o.status,
        stdout(o),
        stderr(o)
    );
}

/// `mapc check FILE --format json`, parsed; every diagnostic carries the documented keys.
fn check_json(args: &[&str]) -> (Output, Value) {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let o = mapc(&all);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "--format json is not JSON ({e}):\n{}\n--- stderr\n{}",
            stdout(&o),
            stderr(&o)
        )
    });
    for d in diagnostics(&v) {
        for key in [
            "code",
            "severity",
            "message",
            "file",
            "line",
            "column",
            "byte_start",
            "byte_end",
            "help",
        ] {
            assert!(d.get(key).is_some(), "diagnostic without `{key}`: {d}");
        }
    }
    (o, v)
}

fn diagnostics(v: &Value) -> &Vec<Value> {
    v["diagnostics"].as_array().expect("a `diagnostics` array")
}

fn with_code<'a>(v: &'a Value, code: &str) -> Vec<&'a Value> {
    diagnostics(v)
        .iter()
        .filter(|d| d["code"] == code)
        .collect()
}

/// A small clean spec whose exports `--data` tests can fake.
const TINY: &str = r#"migration "tiny" { from "Tiny" to twenty }

source Patient from "patients.csv" key patient_id {
  patient_id text
  first_name text
  status     text
}

source Carrier from "carriers.csv" key carrier_id {
  carrier_id   text
  carrier_name text
}

values PatientStatus { "A" => ACTIVE  "I" => INACTIVE  else => reject "unknown status" }

extend Person {
  sourceSystemId text unique
  patientStatus  select [ACTIVE, INACTIVE]
}
extend Company { sourceSystemId text unique }

map Patient -> Person {
  identity sourceSystemId = patient_id
  name.firstName = first_name
  patientStatus  = PatientStatus(status)
}

map Carrier -> Company {
  identity sourceSystemId = carrier_id
  name = carrier_name
}

gap "nothing else" { reason "a test spec" }
"#;

/// TINY with an unknown function: one error.
fn broken_spec() -> String {
    TINY.replace(
        "name.firstName = first_name",
        "name.firstName = first_name | trimm",
    )
}

// ───────────────────────────── exit codes ─────────────────────────────

#[test]
fn a_clean_spec_exits_0() {
    let o = mapc(&["check", DENTOSOFT]);
    assert_exit(&o, 0);
    assert!(
        stderr(&o).contains("0 error(s)"),
        "no summary:\n{}",
        stderr(&o)
    );
}

#[test]
fn the_tiny_spec_is_clean() {
    let dir = Scratch::new("cli-tiny");
    let spec = dir.write("tiny.map", TINY);
    assert_exit(&mapc(&["check", path_arg(&spec)]), 0);
}

#[test]
fn a_spec_with_an_error_exits_1_and_names_the_code() {
    let dir = Scratch::new("cli-broken");
    let spec = dir.write("broken.map", broken_spec());
    let o = mapc(&["check", path_arg(&spec)]);
    assert_exit(&o, 1);
    let err = stderr(&o);
    assert!(err.contains("error[E0206]"), "{err}");
    assert!(err.contains("broken.map:24:"), "no location:\n{err}");
}

#[test]
fn usage_errors_exit_2() {
    assert_exit(&mapc(&["check", "--no-such-flag", DENTOSOFT]), 2);
    assert_exit(&mapc(&["frobnicate"]), 2);
    assert_exit(&mapc(&["check", DENTOSOFT, "--format", "yaml"]), 2);
    let o = mapc(&["explain", "NOPE"]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("NOPE"), "{}", stderr(&o));
}

#[test]
fn one_bad_file_among_good_ones_exits_1() {
    let dir = Scratch::new("cli-mixed");
    let bad = dir.write("bad.map", broken_spec());
    let o = mapc(&["check", DENTOSOFT, path_arg(&bad)]);
    assert_exit(&o, 1);
    assert!(stderr(&o).contains("checked 2 files"), "{}", stderr(&o));
}

// ───────────────────────────── output formats ─────────────────────────────

#[test]
fn json_output_parses_and_every_diagnostic_has_its_fields() {
    let dir = Scratch::new("cli-json");
    let spec = dir.write("broken.map", broken_spec());
    let (o, v) = check_json(&[path_arg(&spec)]);
    assert_exit(&o, 1);
    assert_eq!(v["errors"], 1, "{v:#}");
    let d = with_code(&v, "E0206");
    assert_eq!(d.len(), 1, "{v:#}");
    let d = d[0];
    assert_eq!(d["severity"], "error");
    assert_eq!(d["line"], 24);
    assert!(d["file"]
        .as_str()
        .is_some_and(|f| f.ends_with("broken.map")));
    let (start, end) = (d["byte_start"].as_u64(), d["byte_end"].as_u64());
    let text = broken_spec();
    let span = start.zip(end).expect("byte offsets");
    assert_eq!(&text[span.0 as usize..span.1 as usize], "trimm");
    assert!(
        d["help"].as_str().is_some_and(|h| h.contains("trim")),
        "{d}"
    );
}

#[test]
fn json_output_of_a_clean_spec_is_an_empty_list() {
    let (o, v) = check_json(&[DENTOSOFT]);
    assert_exit(&o, 0);
    assert_eq!(v["errors"], 0);
    assert!(diagnostics(&v).is_empty(), "{v:#}");
}

#[test]
fn text_output_has_no_colour_when_piped_or_with_no_color() {
    let dir = Scratch::new("cli-colour");
    let spec = dir.write("broken.map", broken_spec());
    let spec = path_arg(&spec);
    let term = [("TERM", "xterm-256color")];
    for (what, env) in [
        ("piped", &term[..]),
        (
            "NO_COLOR=1",
            &[("TERM", "xterm-256color"), ("NO_COLOR", "1")][..],
        ),
    ] {
        let o = mapc_env(&["check", spec], env);
        assert_exit(&o, 1);
        let err = stderr(&o);
        assert!(err.contains("E0206"), "{what}: {err}");
        assert!(!err.contains("\x1b["), "{what}: ANSI escapes in\n{err:?}");
        assert!(
            !stdout(&o).contains("\x1b["),
            "{what}: ANSI escapes on stdout"
        );
    }
    // The control: asked for colour on a colour terminal, escapes do appear.
    let o = mapc_env(&["--color", "always", "check", spec], &term);
    assert!(
        stderr(&o).contains("\x1b["),
        "--color always gave no colour"
    );
}

// ───────────────────────────── input problems ─────────────────────────────

#[test]
fn a_non_utf8_file_is_e0002_with_a_location() {
    let dir = Scratch::new("cli-utf8");
    let spec = dir.write("latin1.map", b"migration \"Caf\xe9\" {\n  from \"x\"\n}\n");
    let (o, v) = check_json(&[path_arg(&spec)]);
    assert_exit(&o, 1);
    let d = with_code(&v, "E0002");
    assert_eq!(d.len(), 1, "{v:#}");
    assert_eq!(d[0]["line"], 1);
    assert_eq!(d[0]["column"], 15);
    assert_eq!(d[0]["byte_start"], 14);
    let text = mapc(&["check", path_arg(&spec)]);
    assert!(
        stderr(&text).contains("latin1.map:1:15"),
        "{}",
        stderr(&text)
    );
}

#[test]
fn an_empty_file_is_e0003() {
    let dir = Scratch::new("cli-empty");
    for (name, content) in [
        ("empty.map", ""),
        ("comments.map", "# nothing\n\n   \n# yet\n"),
    ] {
        let spec = dir.write(name, content);
        let (o, v) = check_json(&[path_arg(&spec)]);
        assert_exit(&o, 1);
        assert_eq!(with_code(&v, "E0003").len(), 1, "{name}: {v:#}");
    }
}

#[test]
fn a_file_over_the_size_limit_is_e0004() {
    let dir = Scratch::new("cli-large");
    let mut text = String::from("migration \"big\" { from \"a\" to twenty }\n");
    let pad = "# padding padding padding padding padding padding padding padding padding\n";
    while text.len() <= mapc::syntax::MAX_FILE_BYTES {
        text.push_str(pad);
    }
    let spec = dir.write("big.map", &text);
    let (o, v) = check_json(&[path_arg(&spec)]);
    assert_exit(&o, 1);
    let d = with_code(&v, "E0004");
    assert_eq!(d.len(), 1, "{v:#}");
    assert_eq!(d[0]["line"], 1);
}

#[test]
fn a_missing_file_is_e0001_and_exits_1() {
    let dir = Scratch::new("cli-missing");
    let gone = dir.join("nowhere.map");
    let (o, v) = check_json(&[path_arg(&gone)]);
    assert_exit(&o, 1);
    let d = with_code(&v, "E0001");
    assert_eq!(d.len(), 1, "{v:#}");
    assert!(
        d[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("nowhere.map")),
        "{v:#}"
    );
    let text = mapc(&["check", path_arg(&gone)]);
    assert_exit(&text, 1);
    assert!(stderr(&text).contains("E0001"), "{}", stderr(&text));
}

// ───────────────────────────── explain ─────────────────────────────

#[test]
fn explain_prints_a_code_explanation() {
    let code = Code::parse("E0203").expect("E0203 is registered");
    let o = mapc(&["explain", "E0203"]);
    assert_exit(&o, 0);
    let out = stdout(&o);
    assert!(out.starts_with("E0203: "), "{out}");
    assert!(out.contains(code.title()), "{out}");
    assert!(out.contains(code.explanation().trim()), "{out}");
}

#[test]
fn explain_functions_lists_the_builtins() {
    let o = mapc(&["explain", "functions"]);
    assert_exit(&o, 0);
    let out = stdout(&o);
    assert!(out.lines().any(|l| l == "trim(text) -> text"), "{out}");
    for b in mapc::builtins::ALL {
        assert!(
            out.lines().any(|l| l.starts_with(&format!("{}(", b.name))),
            "{} is not listed",
            b.name
        );
    }
}

#[test]
fn explain_codes_lists_every_code() {
    let o = mapc(&["explain", "codes"]);
    assert_exit(&o, 0);
    let out = stdout(&o);
    for c in mapc::diag::codes::ALL {
        assert!(out.contains(&c.as_string()), "{c} is not listed");
    }
}

// ───────────────────────────── plan ─────────────────────────────

#[test]
fn plan_json_has_the_documented_sections() {
    let o = mapc(&["plan", DENTOSOFT, "--format", "json"]);
    assert_exit(&o, 0);
    let v: Value = serde_json::from_slice(&o.stdout).expect("plan JSON parses");
    for key in [
        "/program/schema/changes",
        "/program/order",
        "/program/edges",
        "/steps",
        "/program/gaps",
    ] {
        assert!(v.pointer(key).is_some(), "plan JSON without `{key}`");
        assert!(
            v.pointer(key)
                .and_then(Value::as_array)
                .is_some_and(|a| !a.is_empty()),
            "plan `{key}` is not a non-empty list"
        );
    }
    assert_eq!(
        v["mapc"],
        env!("CARGO_PKG_VERSION"),
        "the plan names its mapc"
    );
    assert!(
        v["spec_hash"]
            .as_str()
            .is_some_and(|h| h.starts_with("sha256:")),
        "the plan is pinned to the spec's content hash"
    );
}

#[test]
fn plan_refuses_a_spec_with_errors() {
    let dir = Scratch::new("cli-plan");
    let spec = dir.write("broken.map", broken_spec());
    let o = mapc(&["plan", path_arg(&spec)]);
    assert_exit(&o, 1);
    assert!(stdout(&o).is_empty(), "a plan was printed:\n{}", stdout(&o));
    assert!(stderr(&o).contains("no plan"), "{}", stderr(&o));
}

#[test]
fn plan_text_of_dentosoft() {
    let o = mapc(&["plan", DENTOSOFT]);
    assert_exit(&o, 0);
    insta::assert_snapshot!("plan_dentosoft_text", stdout(&o));
}

// ───────────────────────────── check --data ─────────────────────────────

#[test]
fn check_data_reports_missing_columns_uncovered_values_and_missing_files() {
    let dir = Scratch::new("cli-data");
    let spec = dir.write("tiny.map", TINY);
    std::fs::create_dir_all(dir.join("export")).expect("export dir");
    // no first_name column; X twice and Z once are not in PatientStatus; no carriers.csv
    dir.write(
        "export/patients.csv",
        "patient_id,status\n1,A\n2,I\n3,X\n4,X\n5,Z\n",
    );
    let export = dir.join("export");
    let (o, v) = check_json(&[path_arg(&spec), "--data", path_arg(&export)]);
    assert_exit(&o, 1);

    let missing_col = with_code(&v, "E0702");
    assert_eq!(missing_col.len(), 1, "{v:#}");
    assert!(
        missing_col[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("first_name")),
        "{v:#}"
    );
    assert_eq!(
        missing_col[0]["line"], 5,
        "points at the column declaration"
    );

    let uncovered = with_code(&v, "W0703");
    assert_eq!(uncovered.len(), 1, "{v:#}");
    assert_eq!(uncovered[0]["severity"], "warning");
    let notes = uncovered[0]["notes"].to_string();
    assert!(
        notes.contains(r#"\"X\" (2 rows)"#) && notes.contains(r#"\"Z\" (1 row)"#),
        "counts missing: {notes}"
    );
    assert!(
        !notes.contains(r#"\"A\""#),
        "a covered value is listed: {notes}"
    );

    let missing_file = with_code(&v, "E0701");
    assert_eq!(missing_file.len(), 1, "{v:#}");
    assert!(
        missing_file[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("carriers.csv")),
        "{v:#}"
    );
    assert_eq!(v["errors"], 2);
    assert_eq!(v["warnings"], 1);

    // The text form says the same.
    let text = mapc(&["check", path_arg(&spec), "--data", path_arg(&export)]);
    assert_exit(&text, 1);
    let err = stderr(&text);
    for needle in ["E0702", "W0703", "E0701", "\"X\" (2 rows)"] {
        assert!(err.contains(needle), "{needle} missing:\n{err}");
    }
}

#[test]
fn check_data_with_complete_exports_is_clean() {
    let dir = Scratch::new("cli-data-ok");
    let spec = dir.write("tiny.map", TINY);
    std::fs::create_dir_all(dir.join("export")).expect("export dir");
    dir.write(
        "export/patients.csv",
        "patient_id,first_name,status\n1,Ana,A\n2,Bo,I\n",
    );
    dir.write("export/carriers.csv", "carrier_id,carrier_name\nC1,Delta\n");
    let export = dir.join("export");
    let (o, v) = check_json(&[path_arg(&spec), "--data", path_arg(&export)]);
    assert_exit(&o, 0);
    assert!(diagnostics(&v).is_empty(), "{v:#}");
}
