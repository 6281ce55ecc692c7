//! The plan is an artefact: `mapc plan --format json` writes what `mapc run --plan FILE` runs,
//! with the same result as compiling the spec, and a plan made by another mapc, or one that does
//! not hold together, is refused before anything runs.

use std::path::Path;
use std::process::{Command, Output};

mod common;
use common::{Scratch, SEED_SPECS as SPECS};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn temp(name: &str) -> Scratch {
    Scratch::new(&format!("planfile-{name}"))
}

fn mapc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mapc"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("run mapc")
}

fn arg(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 path")
}

fn plan_json(spec: &str) -> String {
    let o = mapc(&["plan", spec, "--format", "json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).expect("UTF-8 JSON")
}

/// Every file a run wrote, but the ledger (which records when it ran), by name.
fn outputs(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("output folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| !p.to_string_lossy().contains("_ledger.sqlite"))
        .map(|p| {
            let name = p
                .file_name()
                .expect("a name")
                .to_string_lossy()
                .into_owned();
            (name, std::fs::read(&p).expect("a file"))
        })
        .collect();
    files.sort();
    files
}

#[test]
fn running_the_written_plan_gives_exactly_what_running_the_spec_gives() {
    for name in SPECS {
        let dir = temp(name);
        let spec = format!("specs/{name}.map");
        let data = format!("examples/data/{name}");
        let plan = dir.join("plan.json");
        std::fs::write(&plan, plan_json(&spec)).expect("plan file");
        let (from_spec, from_plan) = (dir.join("spec"), dir.join("plan"));
        let o = mapc(&[
            "run",
            &spec,
            "--data",
            &data,
            "--target",
            &format!("dir:{}", arg(&from_spec)),
        ]);
        assert!(
            o.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let target = format!("dir:{}", arg(&from_plan));
        let o = mapc(&[
            "run",
            "--plan",
            arg(&plan),
            "--data",
            &data,
            "--target",
            &target,
        ]);
        assert!(
            o.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let (a, b) = (outputs(&from_spec), outputs(&from_plan));
        assert!(a.len() > 3, "{name}: only {} files", a.len());
        let names = |f: &[(String, Vec<u8>)]| f.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
        assert_eq!(names(&a), names(&b), "{name}: other files");
        for ((file, x), (_, y)) in a.iter().zip(&b) {
            assert!(
                x == y,
                "{name}: {file} differs between the spec's run and the plan's"
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn a_plan_reads_back_to_itself() {
    for name in SPECS {
        let c = mapc::compile::compile(
            &mapc::semantic::loader::DiskFs,
            &root().join(format!("specs/{name}.map")),
        );
        let plan = c.plan().expect("a plan");
        let json = mapc::plan::file::to_json(&plan);
        let back = mapc::plan::file::from_json(&json).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            mapc::plan::file::to_json(&back),
            json,
            "{name}: the plan changed on the way"
        );
        assert!(
            plan.spec_hash.starts_with("sha256:") && plan.spec_hash.len() == 71,
            "{}",
            plan.spec_hash
        );
    }
}

/// The plan of the Dent-O-Soft seed with one change, written to a file; what running it says.
fn run_changed(name: &str, change: impl FnOnce(&mut serde_json::Value)) -> Output {
    let dir = temp(name);
    let mut plan: serde_json::Value =
        serde_json::from_str(&plan_json("specs/dentosoft-to-twenty.map")).expect("plan JSON");
    change(&mut plan);
    let file = dir.join("plan.json");
    std::fs::write(&file, plan.to_string()).expect("plan file");
    let out = format!("dir:{}", arg(&dir.join("out")));
    let o = mapc(&[
        "run",
        "--plan",
        arg(&file),
        "--data",
        "examples/data/dentosoft-to-twenty",
        "--target",
        &out,
    ]);
    assert!(
        !dir.join("out").exists(),
        "{name}: a refused plan wrote {}",
        dir.display()
    );
    o
}

fn refused(o: &Output, words: &str) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains(words), "expected {words:?} in:\n{err}");
}

#[test]
fn a_plan_made_by_another_mapc_is_refused() {
    let o = run_changed("version", |p| p["mapc"] = "0.0.1".into());
    refused(&o, "made by mapc 0.0.1");
    refused(&o, "make it again with `mapc plan");
    let o = run_changed("no-version", |p| {
        p.as_object_mut().map(|m| m.remove("mapc"));
    });
    refused(&o, "does not say which mapc made it");
}

#[test]
fn a_plan_that_does_not_hold_together_is_refused_before_anything_runs() {
    let o = run_changed("map", |p| p["steps"][0]["map"] = 999.into());
    refused(&o, "step 1's map refers to #999");
    let o = run_changed("column", |p| {
        p["program"]["sources"][0]["key"] = serde_json::json!([77]);
    });
    refused(&o, "refers to #77");
    let o = run_changed("delimiter", |p| {
        p["program"]["sources"][0]["delimiter"] = "||".into();
    });
    refused(&o, "a delimiter is one character");
    let o = run_changed("builtin", |p| {
        let text = p
            .to_string()
            .replace("\"builtin\":\"trim\"", "\"builtin\":\"nope\"");
        *p = serde_json::from_str(&text).expect("JSON");
    });
    refused(&o, "no built-in `nope`");
}

#[test]
fn a_plan_that_is_not_json_says_where() {
    let dir = temp("not-json");
    let file = dir.join("plan.json");
    std::fs::write(&file, "{\n  \"mapc\": \"0.1.0\",\n  oops\n}").expect("file");
    let o = mapc(&[
        "run",
        "--plan",
        arg(&file),
        "--data",
        "x",
        "--target",
        "dir:x",
    ]);
    refused(&o, "line 3");
    let o = mapc(&[
        "run",
        "specs/dentosoft-to-twenty.map",
        "--plan",
        arg(&file),
        "--data",
        "x",
    ]);
    assert_eq!(o.status.code(), Some(2), "a spec and a plan: a usage error");
}
