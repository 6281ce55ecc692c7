//! `mapc run` on real files: encodings, delimiters, quoted newlines, JSON lines, and the rule
//! that every row ends in exactly one outcome.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::Scratch;

fn temp(name: &str) -> Scratch {
    let dir = Scratch::new(&format!("run-{name}"));
    std::fs::create_dir_all(dir.join("data")).expect("temp dir");
    dir
}

fn spec(source_clause: &str) -> String {
    format!(
        r#"migration "t" {{ from "x"  to twenty }}
source P from {source_clause} key id {{ id text  name text  email text?  status text }}
extend Person {{ sourceSystemId text unique  state select [ACTIVE, INACTIVE]  notes text }}
values State {{ "A" => ACTIVE  "I" => INACTIVE  else => reject "unknown status {{}}" }}
map P -> Person {{
  identity sourceSystemId = id
  name.firstName = name | trim
  emails.primaryEmail = email | trim | lower | email ?? null
  state = State(status)
  dedupe by emails.primaryEmail
}}
"#
    )
}

struct Run {
    code: Option<i32>,
    stderr: String,
    out: PathBuf,
}

fn run(dir: &Path, spec_text: &str) -> Run {
    std::fs::write(dir.join("t.map"), spec_text).expect("spec");
    let out = dir.join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_mapc"))
        .args(["run", "t.map", "--data", "data", "--target", "dir:out"])
        .current_dir(dir)
        .output()
        .expect("run mapc");
    Run {
        code: o.status.code(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        out,
    }
}

fn lines(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect()
}

fn names(out: &Path) -> Vec<String> {
    let mut n: Vec<String> = lines(&out.join("person.jsonl"))
        .iter()
        .map(|r| r["name"]["firstName"].as_str().unwrap_or("").to_string())
        .collect();
    n.sort();
    n
}

#[test]
fn utf8_bom_crlf_and_quoted_newlines() {
    let dir = temp("bom");
    let csv = "\u{feff}id,name,email,status\r\n1,\"José\r\nMüller\",a@x.com,A\r\n2,\"Zoë \"\"Z\"\" O'Brien\",B@X.COM,I\r\n";
    std::fs::write(dir.join("data/p.csv"), csv).expect("csv");
    let r = run(&dir, &spec("\"p.csv\""));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(names(&r.out), vec!["José\r\nMüller", "Zoë \"Z\" O'Brien"]);
}

/// A reject names the line an editor shows, whatever the line endings (LF, CRLF), with a
/// quoted field spanning lines before the bad row.
#[test]
fn a_rejected_row_is_named_by_its_line_with_any_line_ending() {
    for ending in ["\n", "\r\n"] {
        let dir = temp("line-endings");
        let rows = [
            "id,name,email,status",
            "1,Ana,a@x.com,A",
            "2,\"Bo\nBo\",b@x.com,A",
            "3,Cy,c@x.com,X",
        ];
        std::fs::write(dir.join("data/p.csv"), rows.join(ending) + ending).expect("csv");
        let r = run(&dir, &spec("\"p.csv\""));
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        let rejected = lines(&r.out.join("_rejected.jsonl"));
        assert_eq!(rejected.len(), 1, "{rejected:?}");
        assert_eq!(
            (rejected[0]["key"].as_str(), rejected[0]["line"].as_u64()),
            (Some("3"), Some(5)),
            "with {ending:?} line endings"
        );
    }
}

#[test]
fn windows_1252_and_another_delimiter() {
    let dir = temp("cp1252");
    let (bytes, _, _) =
        encoding_rs::WINDOWS_1252.encode("id;name;email;status\n1;Zoë Ørsted;z@x.com;A\n");
    std::fs::write(dir.join("data/p.txt"), bytes).expect("csv");
    let r = run(
        &dir,
        &spec("\"p.txt\" format csv delimiter \";\" encoding \"windows-1252\""),
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(names(&r.out), vec!["Zoë Ørsted"]);
}

#[test]
fn json_lines_with_missing_null_and_bad_lines() {
    let dir = temp("jsonl");
    let text = "{\"id\":\"1\",\"name\":\"Ana\",\"email\":null,\"status\":\"A\"}\nnot json\n{\"id\":\"2\",\"name\":\"Li\",\"status\":\"A\"}\n{\"id\":\"3\",\"status\":\"A\"}\n";
    std::fs::write(dir.join("data/p.jsonl"), text).expect("jsonl");
    let r = run(&dir, &spec("\"p.jsonl\""));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(names(&r.out), vec!["Ana", "Li"]);
    let rejected = lines(&r.out.join("_rejected.jsonl"));
    let codes: Vec<&str> = rejected
        .iter()
        .map(|r| r["code"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(codes, vec!["unreadable", "missing"], "{rejected:?}");
    assert_eq!(rejected[0]["line"], 2);
    assert_eq!(rejected[1]["row"]["id"], "3");
}

#[test]
fn every_row_has_one_outcome_and_rejects_keep_the_whole_row() {
    let dir = temp("outcomes");
    let csv =
        "id,name,email,status\n1,Ana,ana@x.com,A\n2,Ana2,ANA@x.com,A\n3,Bo,bad-email,Q\n4,Cy,,I\n";
    std::fs::write(dir.join("data/p.csv"), csv).expect("csv");
    let r = run(&dir, &spec("\"p.csv\""));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(r.out.join("_report.json")).expect("report"))
            .expect("json");
    let c = &report[0]["counts"];
    assert_eq!(
        (
            c["rows_in"].as_u64(),
            c["created"].as_u64(),
            c["deduped"].as_u64(),
            c["rejected"].as_u64()
        ),
        (Some(4), Some(2), Some(1), Some(1))
    );
    let rejected = lines(&r.out.join("_rejected.jsonl"));
    assert_eq!(rejected[0]["reason"], "unknown status Q");
    assert_eq!(rejected[0]["line"], 4);
    assert_eq!(rejected[0]["row"]["email"], "bad-email");
    assert!(
        r.stderr.contains("rows in"),
        "no summary table:\n{}",
        r.stderr
    );
}

#[test]
fn a_missing_file_or_column_stops_the_run_with_a_clear_error() {
    let dir = temp("missing");
    let r = run(&dir, &spec("\"p.csv\""));
    assert_eq!(r.code, Some(1));
    assert!(r.stderr.contains("p.csv"), "{}", r.stderr);
    std::fs::write(dir.join("data/p.csv"), "id,name,status\n1,Ana,A\n").expect("csv");
    let r = run(&dir, &spec("\"p.csv\""));
    assert_eq!(r.code, Some(1));
    assert!(r.stderr.contains("no column `email`"), "{}", r.stderr);
}

#[test]
fn invalid_utf8_stops_the_run_and_names_the_encoding() {
    let dir = temp("utf8");
    std::fs::write(
        dir.join("data/p.csv"),
        b"id,name,email,status\n1,Z\xebe,z@x.com,A\n",
    )
    .expect("csv");
    let r = run(&dir, &spec("\"p.csv\""));
    assert_eq!(r.code, Some(1));
    assert!(r.stderr.contains("windows-1252"), "{}", r.stderr);
}

#[test]
fn unmatched_owners_are_queued_for_reconciliation() {
    let dir = temp("owners");
    let text = r#"migration "t" { from "x"  to twenty  default owner "ops@x.com"  users "users.csv" }
source A from "a.csv" key id { id text  title text  owner text? }
extend Task { sourceSystemId text unique }
map A -> Task {
  identity sourceSystemId = id
  title = title
  assignee = owner(owner) on missing default
}
"#;
    std::fs::write(
        dir.join("data/users.csv"),
        "email,name\nops@x.com,Ops\nkim@x.com,Kim\n",
    )
    .expect("users");
    std::fs::write(
        dir.join("data/a.csv"),
        "id,title,owner\n1,a,KIM@x.com\n2,b,gone@x.com\n3,c,gone@x.com\n",
    )
    .expect("a");
    let r = run(&dir, text);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let queue = std::fs::read_to_string(r.out.join("_owners_to_reconcile.csv")).expect("queue");
    assert_eq!(queue, "email,rows\ngone@x.com,2\n");
    let tasks = lines(&r.out.join("task.jsonl"));
    let assignees: Vec<&str> = tasks
        .iter()
        .map(|t| t["assigneeId"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(assignees, vec!["kim@x.com", "ops@x.com", "ops@x.com"]);
}

#[test]
fn rows_of_a_lookup_only_source_are_accounted_for_too() {
    let dir = temp("lookup-only");
    let text = r#"migration "t" { from "x"  to twenty }
source C from "carriers.csv" key id { id text  name text  since date "%Y-%m-%d" }
source P from "p.csv" key id { id text  carrier text? }
extend Person { sourceSystemId text unique  carrier text }
map P -> Person {
  identity sourceSystemId = id
  carrier = lookup C(carrier).name ?? null
}
"#;
    std::fs::write(
        dir.join("data/carriers.csv"),
        "id,name,since\nC1,Delta,2020-01-01\nC2,Bad,not-a-date\nC1,Later Delta,2021-01-01\n",
    )
    .expect("c");
    std::fs::write(dir.join("data/p.csv"), "id,carrier\n1,C1\n").expect("p");
    let r = run(&dir, text);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(r.out.join("_report.json")).expect("report"))
            .expect("json");
    let lookup = &report[0];
    assert_eq!(lookup["phase"], "lookup", "{report}");
    let c = &lookup["counts"];
    assert_eq!(
        (
            c["rows_in"].as_u64(),
            c["skipped"].as_u64(),
            c["rejected"].as_u64(),
            c["deduped"].as_u64()
        ),
        (Some(3), Some(1), Some(2), Some(0)),
        "{c}"
    );
    let rejected = lines(&r.out.join("_rejected.jsonl"));
    let seen: Vec<String> = rejected
        .iter()
        .map(|r| format!("{} {} {} {}", r["source"], r["line"], r["key"], r["code"]))
        .collect();
    assert_eq!(
        seen,
        vec![r#""C" 3 "C2" "invalid""#, r#""C" 4 "C1" "duplicate-key""#],
        "a row that does not type keeps its key; a repeated key names the row kept: {rejected:?}"
    );
    assert!(
        rejected[1]["reason"]
            .as_str()
            .unwrap_or("")
            .contains("line 2"),
        "{rejected:?}"
    );
    let people = lines(&r.out.join("person.jsonl"));
    assert_eq!(
        people[0]["carrier"], "Delta",
        "the first row with a key wins"
    );
}

#[test]
fn a_sensitive_migration_redacts_rejected_rows_but_keeps_the_key() {
    let dir = temp("sensitive");
    let text = spec("\"p.csv\"").replace(
        "migration \"t\" { from \"x\"  to twenty }",
        "migration \"t\" { from \"x\"  to twenty  sensitive }",
    );
    std::fs::write(
        dir.join("data/p.csv"),
        "id,name,email,status\n7,Ana Diagnosis,ana@x.com,Q\n",
    )
    .expect("csv");
    let r = run(&dir, &text);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let rejected = lines(&r.out.join("_rejected.jsonl"));
    let row = &rejected[0]["row"];
    assert_eq!(row["id"], "7", "the key stays, to find the row");
    assert_eq!(row["name"], "‹redacted›");
    assert_eq!(row["email"], "‹redacted›");
    assert!(!std::fs::read_to_string(r.out.join("_rejected.jsonl"))
        .expect("file")
        .contains("Diagnosis"));
}

/// A row whose bytes are not UTF-8 in a sensitive migration: its reason names the line and not
/// the bytes, and its fields (escaped) are redacted as any rejected row's.
#[test]
fn a_sensitive_row_that_is_not_utf8_is_rejected_without_its_bytes() {
    let dir = temp("sensitive-bytes");
    let text = spec("\"p.csv\"").replace(
        "migration \"t\" { from \"x\"  to twenty }",
        "migration \"t\" { from \"x\"  to twenty  sensitive }",
    );
    let mut csv = "id,name,email,status\n1,Zoë,z@x.com,A\n2,Jürgen,j@x.com,A\n"
        .as_bytes()
        .to_vec();
    csv.extend_from_slice(b"3,Diagnos\xeds,d@x.com,A\n");
    std::fs::write(dir.join("data/p.csv"), csv).expect("csv");
    let r = run(&dir, &text);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let written = std::fs::read_to_string(r.out.join("_rejected.jsonl")).expect("rejected");
    assert!(!written.contains("Diagnos"), "{written}");
    let rejected = lines(&r.out.join("_rejected.jsonl"));
    assert_eq!(rejected[0]["line"], 4);
    assert_eq!(rejected[0]["code"], "encoding");
    assert_eq!(rejected[0]["row"]["id"], "3");
    assert_eq!(rejected[0]["row"]["name"], "‹redacted›");
}

/// Create steps work rows out in batches on two threads; what lands must be exactly what a
/// row-at-a-time run gives: input order, the first of two duplicates kept even when they fall in
/// different batches, and every rejected row at its own line, in order.
#[test]
fn rows_spanning_many_batches_keep_their_order_and_outcomes() {
    let dir = temp("batches");
    let mut csv = String::from("id,name,email,status\n");
    let rows = 7_000;
    for i in 0..rows {
        let status = if i % 1000 == 7 { "X" } else { "A" };
        // Row 6500 repeats row 10's email: a duplicate two batches later.
        let email = if i == 6_500 { 10 } else { i };
        csv.push_str(&format!("P{i},Name {i},u{email}@x.com,{status}\n"));
    }
    std::fs::write(dir.join("data/p.csv"), csv).expect("csv");
    let r = run(&dir, &spec("\"p.csv\""));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let people = lines(&r.out.join("person.jsonl"));
    let ids: Vec<&str> = people
        .iter()
        .map(|p| p["sourceSystemId"].as_str().unwrap_or(""))
        .collect();
    let expected: Vec<String> = (0..rows)
        .filter(|i| i % 1000 != 7 && *i != 6_500)
        .map(|i| format!("P{i}"))
        .collect();
    assert_eq!(ids, expected);
    let rejected = lines(&r.out.join("_rejected.jsonl"));
    let rejected_lines: Vec<u64> = rejected
        .iter()
        .map(|x| x["line"].as_u64().unwrap_or(0))
        .collect();
    let expected_lines: Vec<u64> = (0..rows).filter(|i| i % 1000 == 7).map(|i| i + 2).collect();
    assert_eq!(rejected_lines, expected_lines);
    assert!(r.stderr.contains("7000"), "{}", r.stderr);
    let report = std::fs::read_to_string(r.out.join("_report.json")).expect("report");
    let report: serde_json::Value = serde_json::from_str(&report).expect("report json");
    let counts = &report[0]["counts"];
    assert_eq!(counts["created"], 6_992);
    assert_eq!(counts["rejected"], 7);
    assert_eq!(counts["deduped"], 1);
}

/// Rows with large notes (several blocks' worth of text, cut by size) land in order, and a
/// rejected one is written whole, quotes and newlines included.
#[test]
fn large_rows_with_quoted_newlines_land_in_order_and_rejects_keep_the_whole_row() {
    let dir = temp("large");
    let mut csv = String::from("id,name,email,status,notes\n");
    let rows = 400;
    for i in 0..rows {
        let status = if i == 300 { "X" } else { "A" };
        let notes = format!("\"{} \"\"quoted\"\"\nline two\"", "n".repeat(8_000));
        csv.push_str(&format!("P{i},Name {i},u{i}@x.com,{status},{notes}\n"));
    }
    std::fs::write(dir.join("data/p.csv"), csv).expect("csv");
    let r = run(&dir, &spec("\"p.csv\""));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let ids: Vec<String> = lines(&r.out.join("person.jsonl"))
        .iter()
        .map(|p| p["sourceSystemId"].as_str().unwrap_or("").to_string())
        .collect();
    let expected: Vec<String> = (0..rows)
        .filter(|i| *i != 300)
        .map(|i| format!("P{i}"))
        .collect();
    assert_eq!(ids, expected);
    let rejected = lines(&r.out.join("_rejected.jsonl"));
    assert_eq!(rejected.len(), 1);
    // Every row before it spans two lines (the quoted newline): row 300 starts at line 602.
    assert_eq!(rejected[0]["line"], 602);
    let notes = rejected[0]["row"]["notes"].as_str().unwrap_or("");
    assert!(notes.ends_with(" \"quoted\"\nline two"), "{notes:?}");
    assert_eq!(notes.len(), 8_000 + " \"quoted\"\nline two".len());
}

/// Invalid UTF-8 several blocks into a file, past the first 64 KiB that decide the file's
/// encoding: that row is rejected naming its line, the rows around it move.
#[test]
fn invalid_utf8_deep_in_a_file_rejects_that_row_naming_its_line() {
    let dir = temp("utf8-deep");
    let mut csv = b"id,name,email,status\n".to_vec();
    for i in 0..5_000 {
        csv.extend_from_slice(format!("P{i},Name {i},u{i}@x.com,A\n").as_bytes());
    }
    csv.extend_from_slice(b"P5000,Z\xebe,z@x.com,A\nP5001,Last,l@x.com,A\n");
    std::fs::write(dir.join("data/p.csv"), csv).expect("csv");
    let r = run(&dir, &spec("\"p.csv\""));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let rejected = lines(&r.out.join("_rejected.jsonl"));
    assert_eq!(rejected.len(), 1, "{rejected:?}");
    assert_eq!(rejected[0]["line"], 5002);
    assert_eq!(rejected[0]["code"], "encoding");
    assert_eq!(
        rejected[0]["reason"],
        r#"line 5002 is not valid UTF-8: name "Z\xEBe""#
    );
    assert_eq!(names(&r.out).len(), 5_001);
}

/// A file that is mostly UTF-8 with a few rows that are not: those rows are rejected in their
/// place, each with its line and its bytes escaped (never U+FFFD), the rest move, and every
/// row is accounted for.
#[test]
fn a_few_rows_that_are_not_utf8_are_rejected_and_the_rest_move() {
    let dir = temp("utf8-few");
    let mut csv = b"id,name,email,status\n".to_vec();
    let bad = [7, 23, 41];
    for i in 0..50 {
        let row = if bad.contains(&i) {
            format!("P{i},Caf\u{0}{i},c{i}@x.com,A\n").into_bytes()
        } else {
            format!("P{i},Zoë {i},z{i}@x.com,A\n").into_bytes()
        };
        // A Windows-1252 é where the row has its NUL placeholder.
        let row: Vec<u8> = row
            .into_iter()
            .map(|b| if b == 0 { 0xE9 } else { b })
            .collect();
        csv.extend_from_slice(&row);
    }
    std::fs::write(dir.join("data/p.csv"), csv).expect("csv");
    let r = run(&dir, &spec("\"p.csv\""));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let rejected = lines(&r.out.join("_rejected.jsonl"));
    let got: Vec<(u64, &str, &str, &str)> = rejected
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap_or(0),
                r["code"].as_str().unwrap_or(""),
                r["reason"].as_str().unwrap_or(""),
                r["row"]["name"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                9,
                "encoding",
                r#"line 9 is not valid UTF-8: name "Caf\xE97""#,
                r"Caf\xE97"
            ),
            (
                25,
                "encoding",
                r#"line 25 is not valid UTF-8: name "Caf\xE923""#,
                r"Caf\xE923"
            ),
            (
                43,
                "encoding",
                r#"line 43 is not valid UTF-8: name "Caf\xE941""#,
                r"Caf\xE941"
            ),
        ]
    );
    assert_eq!(
        rejected[0]["row"]["id"], "P7",
        "the row's other fields as read"
    );
    assert!(
        !std::fs::read_to_string(r.out.join("_rejected.jsonl"))
            .unwrap_or_default()
            .contains('\u{FFFD}'),
        "never U+FFFD"
    );
    let created = names(&r.out);
    assert_eq!(created.len(), 47);
    assert!(created.contains(&"Zoë 8".to_string()), "{created:?}");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(r.out.join("_report.json")).expect("report"))
            .expect("json");
    let c = &report[0]["counts"];
    assert_eq!(
        (
            c["rows_in"].as_u64(),
            c["created"].as_u64(),
            c["rejected"].as_u64()
        ),
        (Some(50), Some(47), Some(3))
    );
}

/// A file plainly in another encoding than declared stops before any of its rows moves, naming
/// the file, its first bad line and the encoding to declare; `check --data` says the same.
#[test]
fn a_file_plainly_in_another_encoding_stops_before_any_row_and_names_it() {
    let dir = temp("cp1252-as-utf8");
    let mut text = String::from("id,name,email,status\n");
    for i in 0..40 {
        let name = if i % 4 == 2 {
            format!("Zoë {i}")
        } else {
            format!("Ana {i}")
        };
        text.push_str(&format!("P{i},{name},a{i}@x.com,A\n"));
    }
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&text);
    std::fs::write(dir.join("data/p.csv"), &bytes).expect("csv");
    let r = run(&dir, &spec("\"p.csv\""));
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    for said in [
        "p.csv is not UTF-8",
        "line 4 is the first",
        r#"declare the encoding: source P from "p.csv" encoding "windows-1252""#,
    ] {
        assert!(
            r.stderr.to_lowercase().contains(&said.to_lowercase()),
            "{said}: {}",
            r.stderr
        );
    }
    assert!(names(&r.out).is_empty(), "nothing of the source moved");
    assert!(lines(&r.out.join("_rejected.jsonl")).is_empty());
    let check = check_data(&dir);
    assert_eq!(check.0, Some(1), "{}", check.1);
    assert!(check.1.contains("E0705"), "{}", check.1);
    assert!(
        check
            .1
            .contains(r#"source P from \"p.csv\" encoding \"windows-1252\""#),
        "{}",
        check.1
    );
    // Declared, it reads.
    let r = run(&dir, &spec("\"p.csv\" encoding \"windows-1252\""));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(names(&r.out).len(), 40);
    // UTF-16 without a byte-order mark is told by its NULs.
    let utf16: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    std::fs::write(dir.join("data/p.csv"), utf16).expect("utf-16");
    let r = run(&dir, &spec("\"p.csv\""));
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains(r#"encoding "utf-16le""#), "{}", r.stderr);
}

/// `mapc check --data data --format json` in `dir`: its exit code and stdout.
fn check_data(dir: &Path) -> (Option<i32>, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_mapc"))
        .args(["check", "t.map", "--data", "data", "--format", "json"])
        .current_dir(dir)
        .output()
        .expect("check");
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr),
    )
}

/// A header with a name twice: an error for a column the spec reads (the run stops before any
/// row moves, naming both places; `check --data` points at the column), a warning of `check
/// --data` for one it does not.
#[test]
fn a_column_named_twice_in_the_header() {
    let dir = temp("dup-header");
    std::fs::write(
        dir.join("data/p.csv"),
        "id,name,email, name ,status\n1,Ana,a@x.com,Bo,A\n",
    )
    .expect("csv");
    let r = run(&dir, &spec("\"p.csv\""));
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("p.csv has two columns named `name` (columns 2 and 4)"),
        "{}",
        r.stderr
    );
    assert!(names(&r.out).is_empty(), "no row moved");
    let check = check_data(&dir);
    assert_eq!(check.0, Some(1), "{}", check.1);
    assert!(check.1.contains("E0706"), "{}", check.1);
    assert!(check.1.contains("columns 2 and 4"), "{}", check.1);

    std::fs::write(
        dir.join("data/p.csv"),
        "id,name,email,status,note,note\n1,Ana,a@x.com,A,x,y\n",
    )
    .expect("csv");
    let r = run(&dir, &spec("\"p.csv\""));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(names(&r.out), vec!["Ana"]);
    let check = check_data(&dir);
    assert_eq!(check.0, Some(0), "a warning: {}", check.1);
    assert!(check.1.contains("W0707"), "{}", check.1);
    assert!(!check.1.contains("E0706"), "{}", check.1);
}

/// A JSON line whose bytes are not UTF-8 is rejected in its place, its bytes escaped.
#[test]
fn a_json_line_that_is_not_utf8_is_rejected_in_its_place() {
    let dir = temp("jsonl-bytes");
    let mut text = Vec::new();
    for i in 0..10 {
        let name = if i == 4 {
            b"Caf\xe9".to_vec()
        } else {
            "Zoë".as_bytes().to_vec()
        };
        text.extend_from_slice(format!("{{\"id\":\"{i}\",\"name\":\"").as_bytes());
        text.extend_from_slice(&name);
        text.extend_from_slice(b"\",\"status\":\"A\"}\n");
    }
    std::fs::write(dir.join("data/p.jsonl"), text).expect("jsonl");
    let r = run(&dir, &spec("\"p.jsonl\""));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(names(&r.out).len(), 9);
    let rejected = lines(&r.out.join("_rejected.jsonl"));
    assert_eq!(rejected.len(), 1, "{rejected:?}");
    assert_eq!(rejected[0]["line"], 5);
    assert_eq!(rejected[0]["code"], "encoding");
    let reason = rejected[0]["reason"].as_str().unwrap_or("");
    assert!(
        reason.starts_with("line 5 is not valid UTF-8: "),
        "{reason}"
    );
    assert!(reason.contains(r"Caf\xE9"), "{reason}");
}

/// Any encoding the Encoding Standard has is read, UTF-16 included: the run, and `check --data`
/// with it, read the export the same way.
#[test]
fn utf16_exports_are_read_by_the_run_and_by_check_data() {
    let dir = temp("utf16");
    let text = "id|name|email|status\n1|Zoë Ørsted|z@x.com|A\n2|東京 Kim|k@x.com|I\n";
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    std::fs::write(dir.join("data/p.txt"), utf16).expect("utf-16 export");
    let spec_text = spec("\"p.txt\" format csv delimiter \"|\" encoding \"utf-16\"");
    let r = run(&dir, &spec_text);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(names(&r.out), vec!["Zoë Ørsted", "東京 Kim"]);
    let o = Command::new(env!("CARGO_BIN_EXE_mapc"))
        .args(["check", "t.map", "--data", "data"])
        .current_dir(&dir)
        .output()
        .expect("check");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// A byte the declared encoding cannot decode rejects its row, naming its line and the bytes:
/// it is never turned into U+FFFD, and the rows around it move.
#[test]
fn a_byte_that_does_not_decode_rejects_its_row_naming_its_line() {
    let dir = temp("undecodable");
    let mut bytes: Vec<u8> = "id,name,email,status\n1,Ana,a@x.com,A\n2,Bo"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    bytes.extend_from_slice(&[0x00, 0xD8]); // half a surrogate pair
    bytes.extend(
        ",b@x.com,A\n3,Cy,c@x.com,A\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes),
    );
    std::fs::write(dir.join("data/p.csv"), bytes).expect("export");
    let r = run(&dir, &spec("\"p.csv\" encoding \"utf-16le\""));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(names(&r.out), vec!["Ana", "Cy"], "the rows around it move");
    let rejected = lines(&r.out.join("_rejected.jsonl"));
    assert_eq!(rejected.len(), 1, "{rejected:?}");
    assert_eq!(rejected[0]["line"], 3);
    assert_eq!(rejected[0]["code"], "encoding");
    assert_eq!(
        rejected[0]["reason"],
        r"line 3: \x00\xD8 is not valid UTF-16LE"
    );
    assert_eq!(rejected[0]["row"]["name"], r"Bo\x00\xD8");
}

/// What a new user tried: an encoding and a delimiter the reader cannot honour passed `check`
/// and the run read the file anyway. Both are located errors now, and nothing runs.
#[test]
fn settings_the_reader_cannot_honour_are_errors_before_anything_runs() {
    let dir = temp("settings");
    std::fs::write(dir.join("data/p.csv"), "id||name\n1||Ana\n").expect("export");
    let text = spec("\"p.csv\" encoding \"ebcdic\" delimiter \"||\"");
    std::fs::write(dir.join("t.map"), &text).expect("spec");
    let o = Command::new(env!("CARGO_BIN_EXE_mapc"))
        .args(["check", "t.map"])
        .current_dir(&dir)
        .output()
        .expect("check");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("E0214") && err.contains("E0308"), "{err}");
    assert!(err.contains("t.map:2:"), "located: {err}");
    let r = run(&dir, &text);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(!r.out.join("person.jsonl").exists(), "it ran");
}

/// A source read by a later step that cannot be read at all (a column read twice, a file in
/// another encoding) stops the run before the first step moves any row of another source.
#[test]
fn a_source_that_cannot_be_read_stops_the_run_before_any_step() {
    let dir = temp("preflight");
    let text = r#"migration "t" { from "x"  to twenty }
source P from "p.csv" key id { id text  name text }
source C from "c.csv" key id { id text  name text }
extend Person { sourceSystemId text unique }
extend Company { sourceSystemId text unique }
map P -> Person {
  identity sourceSystemId = id
  name.firstName = name
}
map C -> Company {
  identity sourceSystemId = id
  name = name
}
"#;
    std::fs::write(dir.join("data/p.csv"), "id,name\n1,Ana\n").expect("csv");
    std::fs::write(dir.join("data/c.csv"), "id,name\n1,Acme\n").expect("csv");
    let r = run(&dir, text);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(names(&r.out), vec!["Ana"], "Person's step moves its row");
    let bad: [&[u8]; 2] = [b"id,name,name\n1,Acme,B\n", b"id,name\n1,Soci\xe9t\xe9\n"];
    for c in bad {
        std::fs::remove_dir_all(&r.out).expect("clean");
        std::fs::write(dir.join("data/c.csv"), c).expect("csv");
        let r = run(&dir, text);
        assert_eq!(r.code, Some(1), "{}", r.stderr);
        assert!(r.stderr.contains("source `C`"), "{}", r.stderr);
        assert!(names(&r.out).is_empty(), "no row of P moved: {}", r.stderr);
    }
}
