//! The engine writes through the target interface the live targets implement: batches of
//! records, an answer for each. A record the target refuses is that row's rejection, with the
//! target's reason; a target that gives its own ids has them kept in the ledger's id map; a
//! target that fails stops the run without an outcome made up for the rows it did not answer.

use mapc::engine::Engine;
use mapc::io::ledger::Ledger;
use mapc::io::memory::{MemorySink, MemorySources};
use mapc::io::source::{Original, RawRow};
use mapc::io::target::{Answer, Ids, Target, TargetError, Write, WriteKind};
use mapc::ir::Outcome;
use std::cell::RefCell;
use std::rc::Rc;

mod common;
use common::Scratch;

const SPEC: &str = r#"migration "t" { from "x"  to twenty }
source P from "p.csv" key id { id text  name text }
extend Person { sourceSystemId text unique }
map P -> Person { identity sourceSystemId = id  name.firstName = name }
"#;

/// Gives its own ids, refuses any record named "Refused", and fails the whole batch once
/// `fail_after` records have been written.
struct Picky {
    given: usize,
    batches: Rc<RefCell<Vec<usize>>>,
    fail_after: usize,
}

#[async_trait::async_trait(?Send)]
impl Target for Picky {
    fn ids(&self) -> Ids {
        Ids::Assigned
    }

    async fn write(&mut self, batch: &[Write<'_>]) -> Result<Vec<Answer>, TargetError> {
        self.batches.borrow_mut().push(batch.len());
        if self.given >= self.fail_after {
            return Err(TargetError::Io {
                path: "loopback".into(),
                error: std::io::Error::other("connection reset"),
            });
        }
        let answers = batch
            .iter()
            .map(|w| {
                assert_eq!(w.kind, WriteKind::Create);
                let text = String::from_utf8_lossy(w.fields.json);
                if text.contains("Refused") {
                    return Answer::Refused {
                        reason: "name is not unique".into(),
                    };
                }
                self.given += 1;
                Answer::Written {
                    id: Some(format!("T-{}", self.given)),
                }
            })
            .collect();
        Ok(answers)
    }

    async fn finish(&mut self) -> Result<(), TargetError> {
        Ok(())
    }
}

fn rows(n: usize) -> MemorySources {
    let mut sources = MemorySources::default();
    let rows = (0..n)
        .map(|i| {
            let name = if i == 2 {
                "Refused".to_string()
            } else {
                format!("N{i}")
            };
            RawRow {
                line: i as u64 + 2,
                values: vec![
                    mapc::eval::typing::Raw::Text(format!("P{i}").into()),
                    mapc::eval::typing::Raw::Text(name.into()),
                ],
                original: Original::Pairs(vec![("id".into(), format!("P{i}"))]),
            }
        })
        .collect();
    sources.rows.insert("P".into(), rows);
    sources
}

/// A ledger in a directory of its own; the path is the ledger file's (the directory goes when
/// the `Scratch` is dropped).
fn ledger(name: &str) -> (Ledger, std::path::PathBuf, Scratch) {
    let dir = Scratch::new(&format!("target-{name}"));
    let path = dir.join("ledger.sqlite");
    let mut l = Ledger::open(&path).expect("ledger");
    l.begin_run("t.map", "sha256:0", "picky").expect("begin");
    (l, path, dir)
}

#[test]
fn a_refused_record_rejects_its_row_and_given_ids_go_to_the_id_map() {
    let plan = mapc::compile::compile_str("t.map", SPEC)
        .plan()
        .expect("plan");
    let sources = rows(5);
    let sink = MemorySink::default();
    let batches = Rc::new(RefCell::new(Vec::new()));
    let target = Picky {
        given: 0,
        batches: batches.clone(),
        fail_after: usize::MAX,
    };
    let (mut l, path, _dir) = ledger("refused");
    let done = Engine::new(
        &plan,
        &sources,
        Box::new(target),
        Box::new(sink.clone()),
        Some(&mut l),
    )
    .and_then(Engine::run)
    .expect("the run");
    l.finish_run("done", "[]").expect("finish");
    let c = &done.steps[0].counts;
    assert_eq!((c.rows_in, c.created, c.rejected), (5, 4, 1), "{c:?}");
    assert!(c.balanced());
    let kept = sink.0.borrow();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].outcome, Outcome::Rejected);
    assert_eq!(
        (kept[0].key.as_str(), kept[0].reason.as_str()),
        ("P2", "name is not unique")
    );
    assert_eq!(
        *batches.borrow(),
        vec![5],
        "one batch for the block, not a write a row"
    );
    let db = rusqlite::Connection::open(&path).expect("db");
    let ids: Vec<(String, String)> = db
        .prepare("SELECT source_key, target_id FROM idmap ORDER BY source_key")
        .expect("select")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("ids");
    let expected: Vec<(String, String)> =
        [("P0", "T-1"), ("P1", "T-2"), ("P3", "T-3"), ("P4", "T-4")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
    assert_eq!(ids, expected, "the target's ids, not mapc's");
}

#[test]
fn a_failing_target_stops_the_run_and_invents_no_outcome() {
    let plan = mapc::compile::compile_str("t.map", SPEC)
        .plan()
        .expect("plan");
    let sources = rows(3);
    let target = Picky {
        given: 0,
        batches: Rc::new(RefCell::new(Vec::new())),
        fail_after: 0,
    };
    let (mut l, path, _dir) = ledger("failing");
    let err = Engine::new(
        &plan,
        &sources,
        Box::new(target),
        Box::new(MemorySink::default()),
        Some(&mut l),
    )
    .and_then(Engine::run)
    .err()
    .expect("the run stops");
    assert!(err.to_string().contains("connection reset"), "{err}");
    l.commit().expect("commit");
    let db = rusqlite::Connection::open(&path).expect("db");
    let entries: i64 = db
        .query_row("SELECT count(*) FROM audit", [], |r| r.get(0))
        .expect("count");
    assert_eq!(entries, 0, "no row was settled: a re-run sends them again");
}

/// Two rows of one block with one unique value: the second waits for the first's answer, so
/// it lands when the target refused the first and is rejected, naming the first, when the
/// target took it (what a live workspace's unique index would do).
#[test]
fn a_row_meeting_a_value_of_its_own_round_waits_for_that_rows_answer() {
    const CODES: &str = r#"migration "t" { from "x"  to twenty }
source P from "p.csv" key id { id text  name text  code text }
extend Person { sourceSystemId text unique  code text unique }
map P -> Person { identity sourceSystemId = id  name.firstName = name  code = code }
"#;
    let plan = mapc::compile::compile_str("t.map", CODES)
        .plan()
        .expect("plan");
    let run = |first_name: &str| {
        let mut sources = MemorySources::default();
        let row = |i: u64, name: &str, code: &str| RawRow {
            line: i + 2,
            values: [format!("P{i}"), name.to_string(), code.to_string()]
                .into_iter()
                .map(|v| mapc::eval::typing::Raw::Text(v.into()))
                .collect(),
            original: Original::Pairs(vec![("id".into(), format!("P{i}"))]),
        };
        let rows = vec![
            row(0, first_name, "C1"),
            row(1, "B", "C1"),
            row(2, "C", "C2"),
        ];
        sources.rows.insert("P".into(), rows);
        let sink = MemorySink::default();
        let batches = Rc::new(RefCell::new(Vec::new()));
        let target = Picky {
            given: 0,
            batches: batches.clone(),
            fail_after: usize::MAX,
        };
        let done = Engine::new(
            &plan,
            &sources,
            Box::new(target),
            Box::new(sink.clone()),
            None,
        )
        .and_then(Engine::run)
        .expect("the run");
        let c = done.steps[0].counts.clone();
        assert!(c.balanced(), "{c:?}");
        let kept = sink.0.borrow().clone();
        let batches = batches.borrow().clone();
        (c, kept, batches)
    };

    let (c, kept, batches) = run("Refused");
    assert_eq!((c.created, c.rejected), (2, 1), "{c:?}");
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].key, "P0", "the refused row, not the one after it");
    assert_eq!(
        batches,
        [1, 2],
        "the second row waited for the first's answer"
    );

    let (c, kept, _) = run("A");
    assert_eq!((c.created, c.rejected), (2, 1), "{c:?}");
    assert_eq!(kept[0].key, "P1");
    assert!(
        kept[0].reason.contains("C1") && kept[0].reason.contains("line 2"),
        "{}",
        kept[0].reason
    );
}

/// A source whose rows all give one line number (as a source other than a file may) still
/// settles every row: the round's first row never waits, so no round can stall. Run on a
/// thread of its own, bounded in time, so a stall fails the test rather than hanging it.
#[test]
fn rows_that_share_a_line_number_still_settle() {
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let plan = mapc::compile::compile_str(
            "t.map",
            r#"migration "t" { from "x"  to twenty }
source P from "p.csv" key id { id text  code text }
extend Person { sourceSystemId text unique  code text unique }
map P -> Person { identity sourceSystemId = id  code = code }
"#,
        )
        .plan()
        .expect("plan");
        let mut sources = MemorySources::default();
        let rows = (0..3)
            .map(|i| RawRow {
                line: 7,
                values: [format!("P{i}"), "C1".to_string()]
                    .into_iter()
                    .map(|v| mapc::eval::typing::Raw::Text(v.into()))
                    .collect(),
                original: Original::Pairs(vec![("id".into(), format!("P{i}"))]),
            })
            .collect();
        sources.rows.insert("P".into(), rows);
        let target = Picky {
            given: 0,
            batches: Rc::new(RefCell::new(Vec::new())),
            fail_after: usize::MAX,
        };
        let ran = Engine::new(
            &plan,
            &sources,
            Box::new(target),
            Box::new(MemorySink::default()),
            None,
        )
        .and_then(Engine::run)
        .map(|d| (d.steps[0].counts.created, d.steps[0].counts.rejected));
        let _ = done.send(ran.map_err(|e| e.to_string()));
    });
    let ran = finished
        .recv_timeout(std::time::Duration::from_secs(20))
        .expect("the run finishes");
    assert_eq!(
        ran,
        Ok((1, 2)),
        "one holds the code, the other two are refused"
    );
}
