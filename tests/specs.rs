//! The five seed migrations in specs/ check clean and say what the seeds require.

use mapc::compile::compile;
use mapc::diag::render;
use mapc::semantic::loader::DiskFs;
use std::path::Path;

mod common;
use common::SEED_SPECS as SPECS;

fn plan(name: &str) -> mapc::plan::Plan {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("specs/{name}.map"));
    let c = compile(&DiskFs, &path);
    assert!(
        c.diagnostics.is_empty(),
        "{name} has findings:\n{}",
        render::to_text(&c.db, &c.diagnostics)
    );
    c.plan().expect("a spec has a plan")
}

#[test]
fn every_seed_spec_checks_clean_with_gaps_tests_and_identities() {
    for name in SPECS {
        let plan = plan(name);
        let m = &plan.program;
        assert!(!m.gaps.is_empty(), "{name}: declares no gap");
        assert!(m.tests.len() >= 4, "{name}: fewer than 4 tests");
        // Twenty upserts on a unique field, so every create map there names one; Freshsales
        // appointments and Nutshell have no upsert, and re-runs rely on the ledger's id map.
        let upserts = m.migration.target == "twenty";
        for map in m.maps.iter().filter(|m| m.merge.is_none() && upserts) {
            let link = m.object(map.object).link;
            assert!(
                map.identity.is_some() || link,
                "{name}: map {} has no identity, so a re-run would duplicate",
                map.name
            );
        }
        // The first passes run object by object in load order, each object's after the last.
        let firsts: Vec<_> = plan
            .steps
            .iter()
            .filter(|s| matches!(s.phase, mapc::ir::Phase::Create | mapc::ir::Phase::Merge))
            .map(|s| plan.map(s).object)
            .collect();
        let mut order = firsts.clone();
        order.dedup();
        assert_eq!(order, m.order, "{name}: plan order");
    }
}

#[test]
fn twenty_specs_load_companies_before_people() {
    for name in ["rsoft-to-twenty", "clinic-to-twenty", "dentosoft-to-twenty"] {
        let plan = plan(name);
        let m = &plan.program;
        let pos = |o: &str| m.order.iter().position(|x| m.object(*x).name == o);
        if let (Some(c), Some(p)) = (pos("Company"), pos("Person")) {
            assert!(c < p, "{name}: Company must load before Person");
        }
    }
}
