//! The ledger's promises: a re-run changes nothing and duplicates nothing, an edited row is the
//! only update, and a run killed with SIGKILL and started again ends with the uninterrupted output.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod common;
use common::Scratch;

const SPEC: &str = r#"migration "t" { from "x"  to twenty }
source P from "p.csv" key id { id text  name text  status text }
extend Person { sourceSystemId text unique  state select [ACTIVE, INACTIVE] }
values State { "A" => ACTIVE  "I" => INACTIVE  else => reject "unknown status {}" }
map P -> Person {
  identity sourceSystemId = id
  name.firstName = name | trim | title
  state = State(status)
}
"#;

fn setup(name: &str, rows: usize) -> Scratch {
    let dir = Scratch::new(&format!("ledger-{name}"));
    std::fs::create_dir_all(dir.join("data")).expect("dir");
    std::fs::write(dir.join("t.map"), SPEC).expect("spec");
    let mut csv = String::from("id,name,status\n");
    for i in 0..rows {
        let status = if i % 97 == 0 {
            "X"
        } else if i % 2 == 0 {
            "A"
        } else {
            "I"
        };
        csv.push_str(&format!("P{i:07},  person number {i} ,{status}\n"));
    }
    std::fs::write(dir.join("data/p.csv"), csv).expect("csv");
    dir
}

fn mapc(dir: &Path, out: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_mapc"));
    c.args([
        "run",
        "t.map",
        "--data",
        "data",
        "--target",
        &format!("dir:{out}"),
    ])
    .current_dir(dir);
    c
}

fn counts(dir: &Path, out: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(dir.join(out).join("_report.json")).expect("report");
    let v: serde_json::Value = serde_json::from_str(&text).expect("json");
    v[0]["counts"].clone()
}

fn read(path: PathBuf) -> String {
    std::fs::read_to_string(path).expect("output")
}

#[test]
fn a_rerun_is_all_unchanged_and_an_edit_is_the_only_update() {
    let dir = setup("rerun", 300);
    assert!(mapc(&dir, "out").status().expect("run").success());
    let first = read(dir.join("out/person.jsonl"));
    assert!(mapc(&dir, "out").status().expect("run").success());
    let c = counts(&dir, "out");
    assert_eq!(
        (
            c["created"].as_u64(),
            c["unchanged"].as_u64(),
            c["rejected"].as_u64()
        ),
        (Some(0), Some(296), Some(4)),
        "{c}"
    );
    assert_eq!(
        read(dir.join("out/person.jsonl")),
        first,
        "a re-run must write the same records, no duplicates"
    );

    let csv =
        read(dir.join("data/p.csv")).replace("P0000005,  person number 5 ,I", "P0000005,Renamed,I");
    std::fs::write(dir.join("data/p.csv"), csv).expect("edit");
    assert!(mapc(&dir, "out").status().expect("run").success());
    let c = counts(&dir, "out");
    assert_eq!(
        (c["updated"].as_u64(), c["unchanged"].as_u64()),
        (Some(1), Some(295)),
        "{c}"
    );
    // The views spell the chunks out: one id-map row per record, the edited one from run 3;
    // one audit row per source row and run.
    let db = rusqlite::Connection::open(dir.join("out/_ledger.sqlite")).expect("ledger");
    let one = |sql: &str| -> i64 { db.query_row(sql, [], |r| r.get(0)).expect(sql) };
    assert_eq!(one("SELECT count(*) FROM idmap"), 296);
    assert_eq!(
        one("SELECT run FROM idmap WHERE source_key = 'P0000005'"),
        3
    );
    assert_eq!(one("SELECT count(*) FROM idmap WHERE run = 3"), 1);
    assert_eq!(one("SELECT count(*) FROM audit"), 900);
    assert_eq!(
        one("SELECT count(*) FROM audit WHERE run = 3 AND outcome = 'updated' AND source_key = 'P0000005'"),
        1
    );
}

#[test]
fn a_killed_run_resumed_ends_with_the_uninterrupted_output() {
    let rows = 60_000;
    let dir = setup("kill", rows);
    assert!(mapc(&dir, "clean").status().expect("run").success());
    let clean = read(dir.join("clean/person.jsonl"));

    let mut child = mapc(&dir, "killed")
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let ledger = dir.join("killed/_ledger.sqlite");
    let started = Instant::now();
    // Kill once the run is under way: the ledger exists and some output has been written.
    while started.elapsed() < Duration::from_secs(20) {
        let written = std::fs::metadata(dir.join("killed/person.jsonl"))
            .map(|m| m.len())
            .unwrap_or(0);
        if ledger.exists() && written > 0 {
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let _ = child.kill(); // SIGKILL on Unix
    let _ = child.wait();

    assert!(mapc(&dir, "killed").status().expect("resume").success());
    assert_eq!(
        read(dir.join("killed/person.jsonl")),
        clean,
        "the resumed output differs from the clean run's"
    );
    let c = counts(&dir, "killed");
    let landed = c["created"].as_u64().unwrap_or(0) + c["unchanged"].as_u64().unwrap_or(0);
    assert_eq!(
        landed + c["rejected"].as_u64().unwrap_or(0),
        rows as u64,
        "{c}"
    );
}

/// A ledger in another layout (an older build's) is refused with a clear message, not misread.
#[test]
fn a_ledger_of_another_layout_is_refused() {
    let dir = setup("layout", 3);
    let path = dir.join("old.sqlite");
    let db = rusqlite::Connection::open(&path).expect("db");
    db.execute_batch("CREATE TABLE audit (run INTEGER, seq INTEGER)")
        .expect("old table");
    drop(db);
    let err = mapc::io::ledger::Ledger::open(&path)
        .err()
        .expect("an old ledger must be refused")
        .to_string();
    assert!(err.contains("layout") && err.contains("--ledger"), "{err}");
    let out = mapc(&dir, "out")
        .args(["--ledger", "old.sqlite"])
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("layout"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
