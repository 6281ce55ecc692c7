//! The command line follows the conventions of cargo, ripgrep and prqlc (issue 12, items 7-9):
//! help with a description for every argument and examples, `run --format json` and `-q`,
//! colour from `--color`, `NO_COLOR` and `CLICOLOR_FORCE`, errors that say what failed, where,
//! and what to do (and "run the same command again" only where that continues), and the
//! summary table. Output is snapshot-tested with insta.

use clap::CommandFactory;
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

mod common;
use common::Scratch;

/// `mapc ARGS` run in `dir`, with a colour-neutral environment plus `env`.
fn mapc_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mapc"));
    cmd.args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run mapc")
}

fn mapc(args: &[&str]) -> Output {
    mapc_in(Path::new(env!("CARGO_MANIFEST_DIR")), args, &[])
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
        "expected exit {code}\n--- stdout\n{}\n--- stderr\n{}",
        stdout(o),
        stderr(o)
    );
}

const AGAIN: &str = "run the same command again";

/// A small clean spec, one map with a long name.
const SPEC: &str = r#"migration "tiny" { from "Tiny" to twenty }

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

map Patient -> Person as patients_of_the_downtown_clinic_into_people {
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

const PATIENTS: &str = "patient_id,first_name,status\n1,Ann,A\n2,Bob,I\n3,Cy,Z\n";
const CARRIERS: &str = "carrier_id,carrier_name\nc1,Acme\n";

/// A folder with the spec, `data/` holding both exports.
fn project(tag: &str) -> Scratch {
    let dir = Scratch::new(tag);
    dir.write("tiny.map", SPEC);
    std::fs::create_dir(dir.join("data")).expect("data dir");
    dir.write("data/patients.csv", PATIENTS);
    dir.write("data/carriers.csv", CARRIERS);
    dir
}

fn run(dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["run", "tiny.map", "--data", "data", "--target", "dir:out"];
    args.extend_from_slice(extra);
    mapc_in(dir, &args, &[])
}

// ───────────────────────────── help ─────────────────────────────

#[test]
fn every_argument_has_a_description_and_every_subcommand_examples() {
    let cli = mapc::cli::Cli::command();
    assert!(cli
        .get_after_help()
        .is_some_and(|h| h.to_string().contains("Examples:")));
    for sub in cli.get_subcommands() {
        let name = sub.get_name();
        let after = sub
            .get_after_help()
            .map(|h| h.to_string())
            .unwrap_or_default();
        assert!(
            after.contains("Examples:"),
            "`mapc {name} --help` has no examples"
        );
        for arg in sub.get_arguments() {
            assert!(
                arg.get_help().is_some(),
                "`mapc {name}`: argument `{}` has no description",
                arg.get_id()
            );
        }
    }
}

#[test]
fn help_texts() {
    let top = mapc(&["--help"]);
    assert_exit(&top, 0);
    insta::assert_snapshot!("help", stdout(&top));
    for sub in ["check", "plan", "run", "test", "explain", "debug"] {
        let o = mapc(&[sub, "--help"]);
        assert_exit(&o, 0);
        insta::assert_snapshot!(format!("help_{sub}"), stdout(&o));
    }
}

#[test]
fn the_usage_of_run_and_its_help_agree() {
    let usage = "Usage: mapc run [OPTIONS] --data <DATA> <SPEC | --plan <PLAN>>";
    let bare = mapc(&["run"]);
    assert_exit(&bare, 2);
    assert!(stderr(&bare).contains(usage), "{}", stderr(&bare));
    assert!(stdout(&mapc(&["run", "--help"])).contains(usage));
    assert!(stdout(&mapc(&["run", "--help"])).contains("[default: dir:out]"));
}

// ───────────────────────────── run: --format json, -q, the default target ─────────────────

#[test]
fn run_format_json_prints_the_report_on_stdout_and_no_table() {
    let dir = project("cli-json");
    let o = run(&dir, &["--format", "json"]);
    assert_exit(&o, 0);
    let report: Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", stdout(&o)));
    let steps = report.as_array().expect("a list of steps");
    assert_eq!(steps.len(), 2, "{report:#}");
    let patients = &steps[0];
    assert_eq!(
        patients["map"],
        "patients_of_the_downtown_clinic_into_people"
    );
    assert_eq!(patients["counts"]["rows_in"], 3);
    assert_eq!(patients["counts"]["created"], 2);
    assert_eq!(patients["counts"]["rejected"], 1);
    assert_eq!(steps[1]["counts"]["created"], 1);
    assert!(!stderr(&o).contains("rows in"), "{}", stderr(&o));
    // The same counts as the report file.
    let file = std::fs::read_to_string(dir.join("out/_report.json")).expect("the report");
    let file: Value = serde_json::from_str(&file).expect("report JSON");
    assert_eq!(file, report);
}

#[test]
fn run_quiet_prints_no_summary() {
    let dir = project("cli-quiet");
    let o = run(&dir, &["-q"]);
    assert_exit(&o, 0);
    assert_eq!(stderr(&o), "", "-q printed to stderr");
    assert_eq!(stdout(&o), "");
    let loud = run(&dir, &[]);
    assert!(stderr(&loud).contains("rows in"), "{}", stderr(&loud));
}

#[test]
fn run_without_target_names_the_default() {
    let dir = project("cli-default-target");
    let o = mapc_in(&dir, &["run", "tiny.map", "--data", "data"], &[]);
    assert_exit(&o, 0);
    assert!(stderr(&o).contains("no --target given"), "{}", stderr(&o));
    assert!(stderr(&o).contains("dir:out"), "{}", stderr(&o));
    assert!(dir.join("out/person.jsonl").exists());
    let given = run(&dir, &[]);
    assert!(!stderr(&given).contains("no --target given"));
}

#[test]
fn summary_table_keeps_a_long_map_name() {
    let dir = project("cli-summary");
    let o = run(&dir, &[]);
    assert_exit(&o, 0);
    insta::assert_snapshot!("run_summary_long_map_name", stderr(&o));
}

// ───────────────────────────── colour ─────────────────────────────

/// Whether `mapc check` of a spec with an error coloured its stderr.
fn coloured(args: &[&str], env: &[(&str, &str)]) -> bool {
    let dir = Scratch::new("cli-colour");
    dir.write(
        "broken.map",
        SPEC.replace("= first_name", "= first_name | trimm"),
    );
    let mut all = args.to_vec();
    all.extend_from_slice(&["check", "broken.map"]);
    let o = mapc_in(&dir, &all, env);
    assert_exit(&o, 1);
    assert!(stderr(&o).contains("E0206"), "{}", stderr(&o));
    assert!(!stdout(&o).contains("\x1b["), "ANSI escapes on stdout");
    stderr(&o).contains("\x1b[")
}

#[test]
fn colour_honours_no_color_clicolor_force_and_the_flag() {
    assert!(!coloured(&[], &[]), "a pipe is not coloured");
    assert!(coloured(&[], &[("CLICOLOR_FORCE", "1")]));
    assert!(!coloured(&[], &[("CLICOLOR_FORCE", "0")]));
    assert!(!coloured(&[], &[("CLICOLOR_FORCE", "")]));
    assert!(
        coloured(&[], &[("NO_COLOR", ""), ("CLICOLOR_FORCE", "1")]),
        "an empty NO_COLOR counts as unset"
    );
    assert!(!coloured(
        &[],
        &[("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")]
    ));
    assert!(coloured(&["--color", "always"], &[("NO_COLOR", "1")]));
    assert!(!coloured(&["--color", "never"], &[("CLICOLOR_FORCE", "1")]));
    // The flag is global: after the subcommand too.
    let dir = Scratch::new("cli-colour-after");
    dir.write(
        "broken.map",
        SPEC.replace("= first_name", "= first_name | trimm"),
    );
    let o = mapc_in(&dir, &["check", "broken.map", "--color", "always"], &[]);
    assert!(stderr(&o).contains("\x1b["));
}

// ───────────────────────────── errors ─────────────────────────────

/// stderr with the scratch folder's path taken out, for snapshots.
fn error_text(o: &Output) -> String {
    let err = stderr(o);
    assert!(!err.contains("Os {"), "Debug text reached the user:\n{err}");
    assert!(!err.contains("(\""), "Debug text reached the user:\n{err}");
    err
}

#[test]
fn a_missing_spec_file() {
    let dir = project("cli-no-spec");
    let o = mapc_in(&dir, &["run", "nope.map", "--data", "data"], &[]);
    assert_exit(&o, 1);
    let err = error_text(&o);
    assert!(!err.to_lowercase().contains(AGAIN), "{err}");
    insta::assert_snapshot!("error_missing_spec", err);
}

#[test]
fn a_missing_data_folder() {
    let dir = project("cli-no-data");
    let o = mapc_in(&dir, &["run", "tiny.map", "--data", "exports"], &[]);
    assert_exit(&o, 2);
    let err = error_text(&o);
    assert!(!err.to_lowercase().contains(AGAIN), "{err}");
    assert!(
        !dir.join("out").exists(),
        "a run without its data wrote out/"
    );
    insta::assert_snapshot!("error_missing_data_dir", err);
}

#[test]
fn a_missing_export_file() {
    let dir = project("cli-no-export");
    std::fs::remove_file(dir.join("data/carriers.csv")).expect("remove");
    let o = run(&dir, &[]);
    assert_exit(&o, 1);
    let err = error_text(&o);
    assert!(!err.to_lowercase().contains(AGAIN), "{err}");
    insta::assert_snapshot!("error_missing_export", err);
}

#[test]
fn a_bad_header() {
    let dir = project("cli-bad-header");
    dir.write("data/carriers.csv", "carrier_id,name\nc1,Acme\n");
    let o = run(&dir, &[]);
    assert_exit(&o, 1);
    let err = error_text(&o);
    assert!(!err.to_lowercase().contains(AGAIN), "{err}");
    insta::assert_snapshot!("error_bad_header", err);
}

/// A full disk, made with /dev/full: the error names the file, and a re-run continues.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_names_the_path() {
    let dir = project("cli-full");
    std::fs::create_dir(dir.join("out")).expect("out");
    std::os::unix::fs::symlink("/dev/full", dir.join("out/_rejected.jsonl")).expect("symlink");
    let o = run(&dir, &[]);
    assert_exit(&o, 1);
    let err = error_text(&o);
    assert!(err.contains("out/_rejected.jsonl"), "{err}");
    assert!(err.contains("the disk is full"), "{err}");
    assert!(err.contains(AGAIN), "{err}");
}
