//! `mapc run` on local times that daylight saving skipped or repeated: each column's `on gap`
//! and `on overlap` policy (or the defaults) decides, straight from the spec and from its plan
//! file alike, and a refused time rejects the row naming the zone and the time, or goes to the
//! column's `on invalid` policy.

use std::path::Path;
use std::process::Command;

mod common;
use common::Scratch;

const SPEC: &str = r#"migration "t" { from "x" to twenty }
source V from "visits.csv" key id {
  id         text
  default_at datetime "%Y-%m-%d %H:%M" tz "America/New_York"
  strict_at  datetime? "%Y-%m-%d %H:%M" tz "America/New_York" on gap reject on overlap reject
  later_at   datetime? "%Y-%m-%d %H:%M" tz "America/New_York" on overlap later on gap reject on invalid null
  parsed_at  text?
}
extend Task { strictAt datetime  laterAt datetime  parsedAt datetime }
map V -> Task {
  title    = id
  dueAt    = default_at
  strictAt = strict_at
  laterAt  = later_at
  parsedAt = datetime(parsed_at, "%Y-%m-%d %H:%M", "America/New_York") ?? null
}
"#;

/// New York skips 02:00–03:00 on 2024-03-10 and shows 01:00–02:00 twice on 2024-11-03.
const CSV: &str = "id,default_at,strict_at,later_at,parsed_at
gap,2024-03-10 02:30,,2024-03-10 02:30,2024-03-10 02:30
overlap,2024-11-03 01:30,,2024-11-03 01:30,2024-11-03 01:30
strict-gap,2024-07-01 12:00,2024-03-10 02:30,,
strict-overlap,2024-07-01 12:00,2024-11-03 01:30,,
plain,2024-11-03 03:30,2024-11-03 03:30,,
";

/// What mapc printed, once it succeeded.
fn mapc(dir: &Path, args: &[&str]) -> Vec<u8> {
    let o = Command::new(env!("CARGO_BIN_EXE_mapc"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run mapc");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    o.stdout
}

fn lines(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect()
}

/// The spec and its data in a new directory, run from the spec into `out` and from its plan
/// file into `out_plan`.
fn run_both() -> Scratch {
    let dir = Scratch::new("dst");
    std::fs::create_dir_all(dir.join("data")).expect("data dir");
    dir.write("t.map", SPEC);
    dir.write("data/visits.csv", CSV);
    mapc(
        &dir,
        &["run", "t.map", "--data", "data", "--target", "dir:out"],
    );
    dir.write(
        "plan.json",
        mapc(&dir, &["plan", "t.map", "--format", "json"]),
    );
    let from_plan = [
        "run",
        "--plan",
        "plan.json",
        "--data",
        "data",
        "--target",
        "dir:out_plan",
    ];
    mapc(&dir, &from_plan);
    dir
}

#[test]
fn gaps_and_overlaps_follow_each_columns_policy() {
    let dir = run_both();
    for out in ["out", "out_plan"] {
        let tasks = lines(&dir.join(out).join("task.jsonl"));
        let field = |title: &str, name: &str| {
            let task = tasks.iter().find(|t| t["title"] == title);
            task.map_or(serde_json::Value::Null, |t| t[name].clone())
        };
        // The defaults: a gap shifts forward by its length, an overlap is its first instant.
        assert_eq!(field("gap", "dueAt"), "2024-03-10T07:30:00Z", "{out}");
        assert_eq!(field("overlap", "dueAt"), "2024-11-03T05:30:00Z", "{out}");
        // `datetime(…, tz)` reads with the same defaults.
        assert_eq!(field("gap", "parsedAt"), "2024-03-10T07:30:00Z", "{out}");
        assert_eq!(
            field("overlap", "parsedAt"),
            "2024-11-03T05:30:00Z",
            "{out}"
        );
        // `on overlap later`; `on gap reject` with `on invalid null`.
        assert_eq!(field("overlap", "laterAt"), "2024-11-03T06:30:00Z", "{out}");
        assert_eq!(field("gap", "laterAt"), serde_json::Value::Null, "{out}");
        assert_eq!(field("plain", "strictAt"), "2024-11-03T08:30:00Z", "{out}");
        assert_eq!(tasks.len(), 3, "{out}: {tasks:?}");
    }
}

#[test]
fn a_refused_local_time_rejects_its_row_naming_the_zone_and_the_time() {
    let dir = run_both();
    for out in ["out", "out_plan"] {
        let rejected = lines(&dir.join(out).join("_rejected.jsonl"));
        let ids: Vec<&str> = rejected
            .iter()
            .map(|r| r["row"]["id"].as_str().unwrap_or(""))
            .collect();
        assert_eq!(ids, ["strict-gap", "strict-overlap"], "{out}");
        for (r, (time, what)) in rejected.iter().zip([
            ("2024-03-10 02:30", "does not exist in America/New_York"),
            ("2024-11-03 01:30", "happens twice in America/New_York"),
        ]) {
            let reason = r["reason"].as_str().unwrap_or("");
            assert_eq!(r["code"], "invalid", "{out}: {r}");
            assert!(
                reason.starts_with(&format!("strict_at: \"{time}\" {what}")),
                "{reason}"
            );
        }
    }
}
