//! Sensitive values are never quoted where people and tools read (issue 12, item 2): canary
//! values planted in every sensitive column, every kind of failure made to happen on them, and
//! every artefact of the run grepped — rejects, held rows, the report, the ledger's file and
//! its audit reasons, stdout and stderr (the records are what the migration moves). The rows in full go only to the owner-only file of sensitive
//! rows, for the analyst to correct them from.

mod common;

use common::Scratch;
use std::process::Command;

/// A sensitive migration: every column but the key is sensitive, and `dob` and `email` are
/// marked so besides.
const SPEC: &str = r#"migration "t" { from "X" to twenty  sensitive }
source P from "p.csv" key id {
  id      text
  name    text
  dob     date "%m/%d/%Y" sensitive
  email   text? sensitive
  status  text
  ref     text?
}
values Status { "A" => ACTIVE  else => reject "unknown status {}" }
extend Person { sourceSystemId text unique  state select [ACTIVE]  born date  referredBy -> Person }
map P -> Person {
  identity sourceSystemId = id
  name.firstName = name
  born = dob
  emails.primaryEmail = email
  state = Status(status)
  deferred referredBy = lookup P(ref) on missing reject
}
"#;

/// Each row makes one kind of failure happen on a canary: a date that does not parse, a
/// table's `else` quoting the value, a name (not unique: it must pass), a unique email another
/// row holds (in other case), a lookup that misses by a canary key.
const ROWS: &str = "id,name,dob,email,status,ref\n\
1,Ana,01/02/1980,canary-mail@x.example,A,\n\
2,Bo,CANARY-DOB,b@x.example,A,\n\
3,Cy,01/02/1980,c@x.example,CANARY-STATUS,\n\
4,CANARY-NAME,01/02/1980,d@x.example,A,\n\
5,Di,01/02/1980,Canary-Mail@X.example,A,\n\
6,Ed,01/02/1980,e@x.example,A,CANARY-REF\n";

#[test]
fn no_sensitive_value_reaches_an_artefact_and_the_rows_stay_correctable() {
    let dir = Scratch::new("sensitive");
    std::fs::create_dir_all(dir.join("data")).expect("data");
    std::fs::write(dir.join("t.map"), SPEC).expect("spec");
    std::fs::write(dir.join("data/p.csv"), ROWS).expect("export");
    let out = Command::new(env!("CARGO_BIN_EXE_mapc"))
        .args(["run", "t.map", "--data", "data", "--target", "dir:out"])
        .current_dir(&dir)
        .output()
        .expect("run mapc");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let rejected = std::fs::read_to_string(dir.join("out/_rejected.jsonl")).expect("rejects");
    assert_eq!(
        rejected.lines().count(),
        4,
        "every failing canary row:\n{rejected}"
    );

    let mut seen = vec![
        ("stdout", String::from_utf8_lossy(&out.stdout).into_owned()),
        ("stderr", String::from_utf8_lossy(&out.stderr).into_owned()),
    ];
    for entry in std::fs::read_dir(dir.join("out")).expect("out").flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        // The records are the migration itself: what it moves goes to the target. Every
        // other file (rejects, held rows, the report, the ledger) is grepped.
        if name == "_sensitive_rows.jsonl" || !name.starts_with('_') {
            continue;
        }
        let bytes = std::fs::read(entry.path()).expect("artefact");
        seen.push((leak(&name), String::from_utf8_lossy(&bytes).into_owned()));
    }
    let db = rusqlite::Connection::open(dir.join("out/_ledger.sqlite")).expect("ledger");
    let reasons: Vec<String> = db
        .prepare("SELECT coalesce(reason, '') FROM audit")
        .expect("audit")
        .query_map([], |r| r.get(0))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("reasons");
    seen.push(("the ledger's audit reasons", reasons.join("\n")));
    for (what, text) in &seen {
        assert!(
            !text.to_lowercase().contains("canary"),
            "a sensitive value in {what}:\n{text}"
        );
    }
    // Each reason still names what failed, in words left whole.
    for code in ["invalid", "duplicate", "rejected"] {
        assert!(rejected.contains(code), "no `{code}` reject:\n{rejected}");
    }
    for words in [
        "is not a date in the format",
        "unknown status",
        "`emails.primaryEmail`",
    ] {
        assert!(rejected.contains(words), "`{words}` lost:\n{rejected}");
    }

    let private = dir.join("out/_sensitive_rows.jsonl");
    let full = std::fs::read_to_string(&private).expect("the sensitive rows");
    for canary in ["CANARY-DOB", "CANARY-STATUS", "Canary-Mail", "CANARY-REF"] {
        assert!(
            full.contains(canary),
            "{canary} not kept for correcting:\n{full}"
        );
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&private)
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "readable by others: {mode:o}");
    }
}

fn leak(name: &str) -> &'static str {
    Box::leak(name.to_string().into_boxed_str())
}

/// The clinic seed, a sensitive migration, with a canary planted in every sensitive value of
/// every seventh row of every export (a prefix: dates stop parsing, references stop finding
/// their rows, codes leave their tables): whatever fails on them, no artefact but the records
/// and the owner-only file of sensitive rows holds one.
#[test]
fn a_seed_with_canaries_in_every_sensitive_column_shows_none() {
    const SEED: &str = "clinic-to-twenty";
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let spec = root.join(format!("specs/{SEED}.map"));
    let compiled = mapc::compile::compile(&mapc::semantic::loader::DiskFs, &spec);
    let program = compiled.ir.as_ref().expect("the seed compiles");
    let dir = Scratch::new("sensitive-seed");
    let data = dir.join("data");
    std::fs::create_dir_all(&data).expect("data");
    let from = root.join(format!("examples/data/{SEED}"));
    for entry in std::fs::read_dir(&from).expect("seed data").flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let source = program.sources.iter().find(|s| s.file == name);
        let bytes = std::fs::read(entry.path()).expect("export");
        let planted = match source {
            Some(s) => plant(s, program.migration.sensitive, &bytes),
            None => bytes,
        };
        std::fs::write(data.join(&name), planted).expect("write export");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_mapc"))
        .arg("run")
        .arg(&spec)
        .args(["--data", "data", "--target", "dir:out"])
        .current_dir(&dir)
        .output()
        .expect("run mapc");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let rejected = std::fs::read_to_string(dir.join("out/_rejected.jsonl")).expect("rejects");
    assert!(
        rejected.lines().count() > 50,
        "the canaries made rows fail:\n{stderr}"
    );
    let mut seen = vec![("stderr".to_string(), stderr)];
    for entry in std::fs::read_dir(dir.join("out")).expect("out").flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == "_sensitive_rows.jsonl" || !name.starts_with('_') {
            continue;
        }
        let bytes = std::fs::read(entry.path()).expect("artefact");
        seen.push((name, String::from_utf8_lossy(&bytes).into_owned()));
    }
    for (what, text) in &seen {
        let leaked: Vec<&str> = text
            .lines()
            .filter(|l| l.contains("CANARY"))
            .take(3)
            .collect();
        assert!(
            leaked.is_empty(),
            "a sensitive value in {what}:\n{}",
            leaked.join("\n")
        );
    }
    let private = std::fs::read_to_string(dir.join("out/_sensitive_rows.jsonl")).expect("kept");
    assert!(
        private.contains("CANARY"),
        "the rows are kept whole for correcting"
    );
}

/// The export with `CANARY<n>-` before every sensitive value of every seventh row.
fn plant(source: &mapc::ir::Source, migration_sensitive: bool, bytes: &[u8]) -> Vec<u8> {
    let mut reader = csv::ReaderBuilder::new().from_reader(bytes);
    let header = reader.headers().expect("header").clone();
    let sensitive: Vec<bool> = header
        .iter()
        .map(|h| {
            let column = source.columns.iter().position(|c| c.name == h.trim());
            column.is_some_and(|i| {
                let is_key = source.key.iter().any(|k| k.index() == i);
                !is_key && (source.columns[i].sensitive || source.sensitive || migration_sensitive)
            })
        })
        .collect();
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&header).expect("header");
    for (n, record) in reader.records().enumerate() {
        let record = record.expect("a record");
        let planted: Vec<String> = record
            .iter()
            .zip(&sensitive)
            .map(
                |(value, &hide)| match (hide, n % 7 == 3, value.trim().is_empty()) {
                    (true, true, false) => format!("CANARY{n}-{value}"),
                    _ => value.to_string(),
                },
            )
            .collect();
        writer.write_record(&planted).expect("record");
    }
    writer.into_inner().expect("bytes")
}
