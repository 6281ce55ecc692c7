//! Each spec in specs/ runs clean on its bundled example exports: every step balanced, most rows
//! landing, and the planted dirt rejected or held, never lost.

use mapc::compile::compile;
use mapc::engine::Engine;
use mapc::io::report::ExceptionWriter;
use mapc::io::source::FileSources;
use mapc::io::target::DirTarget;
use mapc::semantic::loader::DiskFs;
use std::path::Path;

mod common;
use common::{Scratch, SEED_SPECS as SPECS};

#[test]
fn every_spec_runs_clean_on_its_example_exports() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for name in SPECS {
        let c = compile(&DiskFs, &root.join(format!("specs/{name}.map")));
        let plan = c.plan().expect("plan");
        let scratch = Scratch::new(&format!("example-{name}"));
        let out = scratch.join("out");
        let sources = FileSources {
            dir: root.join(format!("examples/data/{name}")),
        };
        let target = Box::new(DirTarget::new(out.clone()).expect("target"));
        let sink = Box::new(ExceptionWriter::create(&out).expect("sink"));
        let done = Engine::new(&plan, &sources, target, sink, None)
            .and_then(Engine::run)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let (mut rows, mut landed, mut dirt) = (0, 0, 0);
        for s in &done.steps {
            assert!(
                s.counts.balanced(),
                "{name}: step {} ({}) is not balanced: {:?}",
                s.step,
                s.map,
                s.counts
            );
            rows += s.counts.rows_in;
            landed += s.counts.created + s.counts.updated;
            dirt += s.counts.rejected + s.counts.held;
        }
        assert!(rows > 500, "{name}: only {rows} rows in its example");
        assert!(
            dirt > 0,
            "{name}: the planted dirt should be rejected or held"
        );
        assert!(
            landed * 2 > rows - landed.min(rows),
            "{name}: too few rows landed ({landed} of {rows})"
        );
        let _ = std::fs::remove_dir_all(&out);
    }
}

/// Runs a seed spec on its example exports into `out`, lending or the owned way; returns the
/// owner emails no target user has, with how many evaluations missed each.
fn run_example(root: &Path, name: &str, out: &Path, lend: bool) -> Vec<(String, u64)> {
    let c = compile(&DiskFs, &root.join(format!("specs/{name}.map")));
    let plan = c.plan().expect("plan");
    let _ = std::fs::remove_dir_all(out);
    let sources = FileSources {
        dir: root.join(format!("examples/data/{name}")),
    };
    let target = Box::new(DirTarget::new(out.to_path_buf()).expect("target"));
    let sink = Box::new(ExceptionWriter::create(out).expect("sink"));
    Engine::new(&plan, &sources, target, sink, None)
        .map(|e| e.lending(lend))
        .and_then(Engine::run)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .unmatched_owners
}

/// The lending evaluator (create steps' default) and the owned one mean the same: every seed's
/// records, rejects and held rows come out byte for byte alike both ways, and the owners to
/// reconcile with the same counts (an owner looked up on a row the owned way would not reach
/// would count twice).
#[test]
fn lending_and_owned_evaluation_write_the_same_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut some_owners = false;
    for name in SPECS {
        let base = Scratch::new(&format!("lend-{name}"));
        let (lent, owned) = (base.join("lent"), base.join("owned"));
        let lent_owners = run_example(root, name, &lent, true);
        let owned_owners = run_example(root, name, &owned, false);
        assert_eq!(
            lent_owners, owned_owners,
            "{name}: owners to reconcile differ"
        );
        some_owners |= !lent_owners.is_empty();
        let mut files: Vec<_> = std::fs::read_dir(&owned)
            .expect("owned output")
            .map(|e| e.expect("entry").file_name())
            .collect();
        files.sort();
        assert!(files.len() > 1, "{name}: only {files:?} written");
        for f in &files {
            let a = std::fs::read(owned.join(f)).expect("owned file");
            let b = std::fs::read(lent.join(f)).unwrap_or_else(|_| panic!("{name}: no lent {f:?}"));
            if a != b {
                let (a, b) = (String::from_utf8_lossy(&a), String::from_utf8_lossy(&b));
                let at = a.lines().zip(b.lines()).take_while(|(x, y)| x == y).count();
                panic!(
                    "{name}: {f:?} differs between lending and owned evaluation at line {}:\n owned: {}\n lent:  {}",
                    at + 1,
                    a.lines().nth(at).unwrap_or("(end)"),
                    b.lines().nth(at).unwrap_or("(end)")
                );
            }
        }
        let lent_files = std::fs::read_dir(&lent).expect("lent output").count();
        assert_eq!(lent_files, files.len(), "{name}: different files written");
    }
    assert!(
        some_owners,
        "no seed has owners to reconcile: the comparison proves nothing"
    );
}
