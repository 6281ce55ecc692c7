//! `check --data` counts a value table's uncovered values among the rows that reach it
//! (issue 11, fault 14): a `when` routes rows as a run routes them, and a row is counted once
//! however many maps take it to the table.

mod common;

use common::Scratch;
use serde_json::Value;
use std::process::Command;

const SPEC: &str = r#"migration "t" { from "X" to twenty }
source P from "p.csv" key id { id text  kind text  status text  name text }
values Status { "A" => ACTIVE  else => reject "unknown status" }
extend Person { sourceSystemId text unique  state select [ACTIVE] }
extend Company { sourceSystemId text unique  state select [ACTIVE] }
map P -> Person when kind == "person" or kind == "both" {
  identity sourceSystemId = id
  name.firstName = name
  state = Status(status)
}
map P -> Company when kind == "company" or kind == "both" {
  identity sourceSystemId = id
  name = name
  state = status | Status
}
"#;

/// `mapc check spec --data dir --format json`'s W0703 notes, joined.
fn uncovered_notes(rows: &str) -> Vec<String> {
    let dir = Scratch::new("check-data-counts");
    let spec = dir.write("t.map", SPEC);
    std::fs::create_dir_all(dir.join("data")).expect("data dir");
    dir.write("data/p.csv", format!("id,kind,status,name\n{rows}"));
    let out = Command::new(env!("CARGO_BIN_EXE_mapc"))
        .arg("check")
        .arg(&spec)
        .arg("--data")
        .arg(dir.join("data"))
        .args(["--format", "json"])
        .output()
        .expect("run mapc");
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["code"] == "W0703")
        .map(|d| d["notes"].to_string())
        .collect()
}

#[test]
fn rows_a_when_routes_away_are_not_counted() {
    // "Z" belongs to a row no map takes: a run never looks it up.
    let notes = uncovered_notes("1,person,X,a\n2,company,Y,b\n3,none,Z,c\n4,person,A,d\n");
    assert_eq!(notes.len(), 1, "{notes:?}");
    let n = &notes[0];
    assert!(n.contains(r#"\"X\" (1 row)"#), "{n}");
    assert!(n.contains(r#"\"Y\" (1 row)"#), "{n}");
    assert!(
        !n.contains(r#"\"Z\""#),
        "a row no map takes is counted: {n}"
    );
    assert!(!n.contains(r#"\"A\""#), "a covered value is listed: {n}");
}

#[test]
fn a_row_two_maps_take_to_one_table_is_counted_once() {
    // Row 1 ("both") reaches `Status` through both maps, rows 2 and 3 through one each: each
    // row counts once, not once per map that takes it.
    let notes = uncovered_notes("1,both,X,a\n2,person,X,b\n3,company,X,c\n");
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(notes[0].contains(r#"\"X\" (3 rows)"#), "{}", notes[0]);
}

#[test]
fn with_no_row_reaching_it_a_table_has_no_finding() {
    let notes = uncovered_notes("1,none,X,a\n2,other,Y,b\n");
    assert!(notes.is_empty(), "{notes:?}");
}

/// A few rows a run rejects as unreadable (bytes not in the file's encoding) are a warning of
/// `check --data`, counted with the first one's line, not an error that stops the check.
#[test]
fn rows_a_run_rejects_as_unreadable_are_counted_as_a_warning() {
    let dir = Scratch::new("check-data-unreadable");
    let spec = dir.write(
        "t.map",
        "migration \"t\" { from \"X\" to twenty }\n\
         source P from \"p.csv\" key id { id text  name text }\n\
         map P -> Note { title = name }\n",
    );
    std::fs::create_dir_all(dir.join("data")).expect("data dir");
    // Rows 5 and 9 are Windows-1252 in a UTF-8 file: `é` as the single byte E9.
    let mut csv = b"id,name\n".to_vec();
    for i in 0..40 {
        if i == 5 || i == 9 {
            csv.extend(format!("{i},Caf").bytes());
            csv.push(0xE9);
            csv.extend(format!(" {i}\n").bytes());
        } else {
            csv.extend(format!("{i},Caf\u{e9} {i}\n").bytes());
        }
    }
    dir.write("data/p.csv", csv);
    let out = Command::new(env!("CARGO_BIN_EXE_mapc"))
        .arg("check")
        .arg(&spec)
        .arg("--data")
        .arg(dir.join("data"))
        .args(["--format", "json"])
        .output()
        .expect("run mapc");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    let found: Vec<&Value> = v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["code"] == "W0708")
        .collect();
    assert_eq!(found.len(), 1, "{v:#}");
    assert!(
        found[0]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("2 row(s)")),
        "{v:#}"
    );
    assert!(found[0]["notes"].to_string().contains("line 7"), "{v:#}");
}
