//! The compact chunks read back through the views and through a later run's `previous`.

use super::*;
use crate::eval::record::RecordId;

/// The id mapc makes for row P1, and its text.
fn made() -> (Id, String) {
    let id = RecordId::new("person", "p", "P1");
    (Id::of(&id), id.as_str().to_string())
}

fn text(id: &str) -> Id {
    Id::Text(id.to_string())
}

struct Temp(std::path::PathBuf);

impl Temp {
    fn new(name: &str) -> Temp {
        let path = std::env::temp_dir().join(format!("mapc-ledger-{name}-{}", std::process::id()));
        let _ = std::fs::remove_file(&path);
        Temp(path)
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        for ext in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", self.0.display()));
        }
    }
}

fn entry<'a>(step: usize, key: &'a str, outcome: Outcome, reason: &'a str) -> Entry<'a> {
    Entry {
        step,
        step_key: if step == 1 { "p#person" } else { "c#company" },
        object: if step == 1 { "person" } else { "company" },
        source: "p",
        source_key: key,
        outcome,
        reason,
    }
}

/// Writes an entry, remembering an id first when one is given.
fn put(l: &mut Ledger, e: Entry, landed: Option<(Id, u64)>) {
    if let Some((id, hash)) = landed {
        l.remember(e.source_key, id, hash);
    }
    l.audit(&e).expect("audit");
}

type Row = (
    i64,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn audit_rows(path: &Path) -> Vec<Row> {
    let db = Connection::open(path).expect("open");
    let mut s = db
        .prepare("SELECT seq, source_key, outcome, reason, target_id, hash FROM audit ORDER BY seq")
        .expect("prepare");
    let rows = s
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .expect("query");
    rows.collect::<Result<_, _>>().expect("rows")
}

fn row(
    seq: i64,
    key: &str,
    outcome: &str,
    reason: Option<&str>,
    id: Option<&str>,
    hash: Option<&str>,
) -> Row {
    let s = |v: Option<&str>| v.map(str::to_string);
    (seq, key.into(), outcome.into(), s(reason), s(id), s(hash))
}

#[test]
fn the_views_spell_out_every_entry_as_written() {
    let t = Temp::new("views");
    let (uuid, uuid_text) = made();
    let mut l = Ledger::open(&t.0).expect("open");
    l.begin_run("spec", "sha256:0", "dir:out").expect("begin");
    put(
        &mut l,
        entry(1, "P1", Outcome::Rejected, "bad \"email\"\nhere"),
        None,
    );
    put(
        &mut l,
        entry(1, "Zoë \"2\"", Outcome::Created, ""),
        Some((uuid, 255)),
    );
    put(&mut l, entry(1, "P3", Outcome::Unchanged, ""), None);
    put(
        &mut l,
        entry(1, "P4", Outcome::Updated, ""),
        Some((text(&uuid_text.to_uppercase()), u64::MAX)),
    );
    // A step whose ids are not UUIDs (a Freshsales id), after entries without one.
    put(&mut l, entry(2, "C1", Outcome::Deduped, "deduped"), None);
    put(
        &mut l,
        entry(2, "C2", Outcome::Created, ""),
        Some((text("31000123"), 1)),
    );
    put(&mut l, entry(2, "C3", Outcome::Held, "owner"), None);
    l.finish_run("done", "{}").expect("finish");

    let hash = |h: u64| format!("{h:016x}");
    assert_eq!(
        audit_rows(&t.0),
        vec![
            row(1, "P1", "rejected", Some("bad \"email\"\nhere"), None, None),
            row(
                2,
                "Zoë \"2\"",
                "created",
                None,
                Some(&uuid_text),
                Some(&hash(255))
            ),
            row(3, "P3", "unchanged", None, None, None),
            // Text after UUIDs: the chunk's ids turn to text, and each reads back as given.
            row(
                4,
                "P4",
                "updated",
                None,
                Some(&uuid_text.to_uppercase()),
                Some(&hash(u64::MAX))
            ),
            row(5, "C1", "deduped", Some("deduped"), None, None),
            row(6, "C2", "created", None, Some("31000123"), Some(&hash(1))),
            row(7, "C3", "held", Some("owner"), None, None),
        ]
    );
}

#[test]
fn a_later_run_reads_back_the_hashes_and_the_latest_id() {
    let t = Temp::new("previous");
    let uuid_text = made().1;
    let mut l = Ledger::open(&t.0).expect("open");
    l.begin_run("spec", "sha256:0", "dir:out").expect("begin");
    // More than a chunk, with ids on every other entry, so slots and chunk edges are crossed.
    let keys: Vec<String> = (0..CHUNK + 100).map(|i| format!("P{i}")).collect();
    for (i, key) in keys.iter().enumerate() {
        if i % 2 == 0 {
            put(
                &mut l,
                entry(1, key, Outcome::Created, ""),
                Some((made().0, i as u64)),
            );
        } else {
            put(&mut l, entry(1, key, Outcome::Rejected, "bad"), None);
        }
    }
    l.finish_run("done", "{}").expect("finish");
    l.begin_run("spec", "sha256:0", "dir:out").expect("begin");
    put(
        &mut l,
        entry(1, "P0", Outcome::Updated, ""),
        Some((text("other-id"), 7)),
    );
    l.finish_run("done", "{}").expect("finish");

    let mut again = Ledger::open(&t.0).expect("reopen");
    assert_eq!(again.previous("p#person", "P2").ok(), Some(Some(2)));
    assert_eq!(
        again.previous("p#person", &keys[CHUNK + 98]).ok(),
        Some(Some(CHUNK as u64 + 98))
    );
    assert_eq!(
        again.previous("p#person", "P1").ok(),
        Some(None),
        "rejected rows land nowhere"
    );
    assert_eq!(
        again.previous("p#person", "P0").ok(),
        Some(Some(7)),
        "the later run's entry wins"
    );

    let db = Connection::open(&t.0).expect("open");
    let one = |sql: &str| -> String { db.query_row(sql, [], |r| r.get(0)).expect(sql) };
    assert_eq!(
        one("SELECT count(*) || '' FROM audit WHERE run = 1"),
        (CHUNK + 100).to_string()
    );
    assert_eq!(
        one("SELECT max(seq) || '' FROM audit WHERE run = 1"),
        (CHUNK + 100).to_string()
    );
    assert_eq!(
        one("SELECT count(*) || '' FROM idmap"),
        ((CHUNK + 100) / 2).to_string()
    );
    assert_eq!(
        one("SELECT target_id FROM idmap WHERE source_key = 'P0'"),
        "other-id"
    );
    assert_eq!(
        one("SELECT target_id FROM idmap WHERE source_key = 'P2'"),
        uuid_text
    );
}

#[test]
fn an_id_is_never_written_with_another_rows_entry() {
    let t = Temp::new("mismatch");
    let mut l = Ledger::open(&t.0).expect("open");
    l.begin_run("spec", "sha256:0", "dir:out").expect("begin");
    l.remember("P1", made().0, 1);
    let e = l
        .audit(&entry(1, "P2", Outcome::Created, ""))
        .expect_err("mismatch");
    assert!(e.to_string().contains("internal"), "{e}");
}

/// Layout 3 as the build before layout 4 wrote it: its runs had no spec hash or mapc version.
const LAYOUT_3: &str = "
CREATE TABLE runs (
    id INTEGER PRIMARY KEY, spec TEXT NOT NULL, target TEXT NOT NULL, started TEXT NOT NULL,
    finished TEXT, status TEXT NOT NULL, report TEXT);
CREATE TABLE chunks (
    run INTEGER NOT NULL, seq INTEGER NOT NULL, step INTEGER NOT NULL, step_key TEXT NOT NULL,
    object TEXT NOT NULL, source TEXT NOT NULL, keys TEXT NOT NULL, outcomes TEXT NOT NULL,
    reasons TEXT, ids, hashes BLOB, PRIMARY KEY (run, seq));
INSERT INTO runs VALUES (1, 'old.map', 'dir:out', '2026-01-01T00:00:00Z',
    '2026-01-01T00:00:01Z', 'done', '[]');
INSERT INTO chunks VALUES (1, 1, 1, 'p#person', 'person', 'p', '[\"P1\",\"P2\"]', 'cr',
    '{\"1\":\"bad\"}', NULL, X'00000000000000050000000000000000');
PRAGMA user_version = 3;
";

/// A ledger of the layout before reads exactly as it was, and is brought up to date in place:
/// its id map still says P1 was written with hash 5, and new runs record their pin.
#[test]
fn a_ledger_of_the_layout_before_is_migrated_and_reads_as_written() {
    let t = Temp::new("layout3");
    let db = Connection::open(&t.0).expect("db");
    db.execute_batch(LAYOUT_3).expect("layout 3");
    drop(db);
    let mut l = Ledger::open(&t.0).expect("a layout-3 ledger opens");
    assert_eq!(l.previous("p#person", "P1").ok(), Some(Some(5)));
    assert_eq!(l.previous("p#person", "P2").ok(), Some(None));
    assert_eq!(l.runs().expect("runs"), vec![(1, "done".to_string())]);
    l.begin_run("new.map", "sha256:ab", "dir:out")
        .expect("begin");
    l.finish_run("done", "[]").expect("finish");
    let db = Connection::open(&t.0).expect("db");
    let version: i64 = db
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .expect("version");
    assert_eq!(version, schema::VERSION);
    let pins: Vec<(Option<String>, Option<String>)> = db
        .prepare("SELECT spec_hash, mapc FROM runs ORDER BY id")
        .expect("select")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("pins");
    let mapc = Some(env!("CARGO_PKG_VERSION").to_string());
    assert_eq!(pins, vec![(None, None), (Some("sha256:ab".into()), mapc)]);
    assert_eq!(
        audit_rows(&t.0)[1].2,
        "rejected",
        "the old entries read through the views as written"
    );
}

/// A ledger older than the oldest layout this build migrates, or newer than it writes, is
/// refused with the file and what to do, and left as it was.
#[test]
fn a_ledger_of_another_layout_is_refused_and_left_alone() {
    for version in [2, schema::VERSION + 1] {
        let t = Temp::new(&format!("layout{version}"));
        let db = Connection::open(&t.0).expect("db");
        db.execute_batch(&format!(
            "CREATE TABLE audit (run INTEGER); PRAGMA user_version = {version};"
        ))
        .expect("old table");
        drop(db);
        let e = Ledger::open(&t.0).err().expect("refused").to_string();
        assert!(
            e.contains(&format!("layout {version}")) && e.contains("--ledger"),
            "{e}"
        );
        let db = Connection::open(&t.0).expect("db");
        let kept: i64 = db
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .expect("version");
        assert_eq!(kept, version, "a refused ledger is not touched");
    }
}

/// The idmap view, as (source key, target id).
fn idmap_rows(path: &Path) -> Vec<(String, String)> {
    let db = Connection::open(path).expect("open");
    let mut s = db
        .prepare("SELECT source_key, target_id FROM idmap ORDER BY source_key")
        .expect("prepare");
    let rows = s
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query");
    rows.collect::<Result<_, _>>().expect("rows")
}

/// A deduped row names the record it was made one with, and the id map finds that record by
/// either row's key, in a new ledger and in one migrated from layout 4 (whose id map did not).
#[test]
fn a_deduped_row_is_in_the_id_map_as_the_record_it_was_made_one_with() {
    let t = Temp::new("deduped-idmap");
    let mut l = Ledger::open(&t.0).expect("open");
    l.begin_run("t.map", "sha256:0", "dir:out").expect("begin");
    let id = "3f0e8c1a-3c7b-8d2e-9a61-0b2f6f1d7e55";
    put(
        &mut l,
        entry(1, "P1", Outcome::Created, ""),
        Some((Id::parse(id), 7)),
    );
    put(
        &mut l,
        entry(1, "P2", Outcome::Deduped, ""),
        Some((Id::parse(id), 0)),
    );
    put(&mut l, entry(1, "P3", Outcome::Deduped, ""), None);
    l.finish_run("done", "[]").expect("finish");
    drop(l);
    let both = vec![
        ("P1".to_string(), id.to_string()),
        ("P2".to_string(), id.to_string()),
    ];
    assert_eq!(idmap_rows(&t.0), both);
    let db = Connection::open(&t.0).expect("db");
    db.execute_batch(
        "DROP VIEW idmap;
         CREATE VIEW idmap AS SELECT step_key, source_key, target_id, hash, run FROM audit
             WHERE outcome IN ('created', 'updated');
         PRAGMA user_version = 4;",
    )
    .expect("back to layout 4");
    drop(db);
    assert_eq!(idmap_rows(&t.0).len(), 1, "layout 4's id map");
    drop(Ledger::open(&t.0).expect("a layout-4 ledger opens"));
    assert_eq!(idmap_rows(&t.0), both, "migrated to 5");
}
