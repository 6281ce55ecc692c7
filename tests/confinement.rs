//! A spec and a plan reach no file outside the folders a run is given (issue 12, items 1
//! and 3): target names are identifiers, every file a target writes is inside OUT, every
//! source path inside `--data` unless `--allow-outside-data` says otherwise, and no path left
//! empty or folder made where nobody asked for one.

mod common;

use common::Scratch;
use std::path::Path;
use std::process::{Command, Output};

const HEADER: &str = "migration \"t\" { from \"X\" to twenty }\n";

fn mapc(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mapc"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run mapc")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A work folder `w/a/b` holding `t.map` and `data/p.csv`, the output going to `w/a/b/out`.
fn work(spec: &str) -> (Scratch, std::path::PathBuf) {
    let root = Scratch::new("confine");
    let dir = root.join("w/a/b");
    std::fs::create_dir_all(dir.join("data")).expect("dirs");
    std::fs::write(dir.join("t.map"), format!("{HEADER}{spec}")).expect("spec");
    std::fs::write(dir.join("data/p.csv"), "id,note\n1,hello\n").expect("export");
    (root, dir)
}

/// Every file below `root`, relative to it.
fn files(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(rel) = p.strip_prefix(root) {
                out.push(rel.to_string_lossy().into_owned());
            }
        }
    }
    out.sort();
    out
}

#[test]
fn a_target_name_that_would_leave_out_is_refused_at_check_and_nothing_is_written() {
    let evil = [
        (
            "an api path",
            "object Evil api \"../../evil\" { sourceSystemId text unique  note text }",
        ),
        (
            "an absolute api",
            "object Evil api \"/tmp/evil\" { sourceSystemId text unique  note text }",
        ),
        (
            "a backtick name",
            "object `../../Evil` { sourceSystemId text unique  note text }",
        ),
        (
            "a plural",
            "object Evil plural \"../evils\" { sourceSystemId text unique  note text }",
        ),
        (
            "a field's api",
            "object Evil { sourceSystemId text unique  note text api \"../n\" }",
        ),
    ];
    for (what, object) in evil {
        let name = if what == "a backtick name" {
            "`../../Evil`"
        } else {
            "Evil"
        };
        let spec = format!(
            "source P from \"p.csv\" key id {{ id text  note text }}\n{object}\n\
             map P -> {name} {{ identity sourceSystemId = id  note = note }}\n"
        );
        let (root, dir) = work(&spec);
        let check = mapc(&dir, &["check", "t.map", "--format", "json"]);
        assert_eq!(check.status.code(), Some(1), "{what}: {}", stderr(&check));
        let json = String::from_utf8_lossy(&check.stdout);
        assert!(json.contains("E0216"), "{what}: {json}");
        for target in ["dir:out", "twenty-csv:out"] {
            let run = mapc(
                &dir,
                &["run", "t.map", "--data", "data", "--target", target],
            );
            assert_eq!(
                run.status.code(),
                Some(1),
                "{what} {target}: {}",
                stderr(&run)
            );
            let written: Vec<String> = files(&root)
                .into_iter()
                .filter(|f| !f.starts_with("w/a/b/t.map") && !f.starts_with("w/a/b/data/"))
                .collect();
            assert!(written.is_empty(), "{what} {target}: wrote {written:?}");
        }
    }
}

#[test]
fn a_plan_edited_to_name_a_path_is_refused_before_anything_is_written() {
    let spec = "source P from \"p.csv\" key id { id text  note text }\n\
                object Memo { sourceSystemId text unique  note text }\n\
                map P -> Memo { identity sourceSystemId = id  note = note }\n";
    let (root, dir) = work(spec);
    let plan = mapc(&dir, &["plan", "t.map", "--format", "json"]);
    assert_eq!(plan.status.code(), Some(0), "{}", stderr(&plan));
    let text = String::from_utf8_lossy(&plan.stdout).replace("\"memo\"", "\"../../memo\"");
    assert!(
        text.contains("../../memo"),
        "the plan names the api: {text}"
    );
    std::fs::write(dir.join("plan.json"), text).expect("plan");
    let run = mapc(
        &dir,
        &[
            "run",
            "--plan",
            "plan.json",
            "--data",
            "data",
            "--target",
            "dir:out",
        ],
    );
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert!(
        stderr(&run).contains("not an identifier"),
        "{}",
        stderr(&run)
    );
    assert!(!root.join("w/memo.jsonl").exists() && !dir.join("out").exists());
}

#[test]
fn a_source_outside_data_is_an_error_unless_allowed() {
    let spec = "source P from \"../elsewhere/p.csv\" key id { id text  note text }\n\
                map P -> Note { title = note }\n";
    let (_root, dir) = work(spec);
    std::fs::create_dir_all(dir.join("elsewhere")).expect("dir");
    std::fs::write(dir.join("elsewhere/p.csv"), "id,note\n1,from elsewhere\n").expect("csv");

    let check = mapc(&dir, &["check", "t.map", "--format", "json"]);
    assert_eq!(check.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&check.stdout).contains("E0217"));
    let run = mapc(
        &dir,
        &["run", "t.map", "--data", "data", "--target", "dir:out"],
    );
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert!(!dir.join("out/note.jsonl").exists());

    let allowed = ["--allow-outside-data"];
    let check = mapc(
        &dir,
        &[&["check", "t.map", "--data", "data"][..], &allowed].concat(),
    );
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    let run_args = ["run", "t.map", "--data", "data", "--target", "dir:out"];
    let run = mapc(&dir, &[&run_args[..], &allowed].concat());
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let notes = std::fs::read_to_string(dir.join("out/note.jsonl")).expect("notes");
    assert!(notes.contains("from elsewhere"), "{notes}");
}

#[test]
fn a_plan_naming_a_source_outside_data_is_refused_at_the_read() {
    let spec = "source P from \"p.csv\" key id { id text  note text }\n\
                map P -> Note { title = note }\n";
    let (_root, dir) = work(spec);
    let plan = mapc(&dir, &["plan", "t.map", "--format", "json"]);
    let text = String::from_utf8_lossy(&plan.stdout).replace("\"p.csv\"", "\"../../../p.csv\"");
    std::fs::write(dir.join("plan.json"), text).expect("plan");
    let run = mapc(
        &dir,
        &[
            "run",
            "--plan",
            "plan.json",
            "--data",
            "data",
            "--target",
            "dir:out",
        ],
    );
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert!(
        stderr(&run).contains("outside the data folder"),
        "{}",
        stderr(&run)
    );
}

#[test]
fn empty_paths_are_usage_errors_and_no_folder_is_made_for_a_ledger() {
    let spec = "source P from \"p.csv\" key id { id text  note text }\n\
                map P -> Note { title = note }\n";
    let (_root, dir) = work(spec);
    for args in [
        &["run", "t.map", "--data", "data", "--target", "dir:"][..],
        &[
            "run",
            "t.map",
            "--data",
            "data",
            "--target",
            "twenty-csv:  ",
        ],
        &["run", "t.map", "--data", "", "--target", "dir:out"],
        &[
            "run", "t.map", "--data", "data", "--target", "dir:out", "--ledger", "",
        ],
        &["check", "t.map", "--data", ""],
    ] {
        let o = mapc(&dir, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
    }
    let o = mapc(
        &dir,
        &[
            "run",
            "t.map",
            "--data",
            "data",
            "--target",
            "dir:out",
            "--ledger",
            "no/such/l.sqlite",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("no/such"),
        "names the folder: {}",
        stderr(&o)
    );
    assert!(!dir.join("no").exists(), "no folder made for the ledger");
}
