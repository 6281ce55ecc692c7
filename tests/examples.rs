//! Each spec in specs/ runs clean on its bundled example exports: every step balanced, most rows
//! landing, and the planted dirt rejected or held, never lost.

use mapc::compile::compile;
use mapc::run::engine::Engine;
use mapc::run::report::ExceptionWriter;
use mapc::run::source::FileSources;
use mapc::run::target::DirTarget;
use mapc::semantic::loader::DiskFs;
use std::path::Path;

mod common;
use common::SEED_SPECS as SPECS;

#[test]
fn every_spec_runs_clean_on_its_example_exports() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for name in SPECS {
        let c = compile(&DiskFs, &root.join(format!("specs/{name}.map")));
        let plan = mapc::plan::build(c.model.expect("model"));
        let out = std::env::temp_dir().join(format!("mapc-example-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&out);
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
