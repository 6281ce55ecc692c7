//! The five seed migrations in specs/ check clean and say what the seeds require.

use mapc::compile::compile;
use mapc::diag::render;
use mapc::semantic::loader::DiskFs;
use std::path::Path;

mod common;
use common::SEED_SPECS as SPECS;

fn model(name: &str) -> mapc::semantic::Model {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("specs/{name}.map"));
    let c = compile(&DiskFs, &path);
    assert!(
        c.diagnostics.is_empty(),
        "{name} has findings:\n{}",
        render::to_text(&c.db, &c.diagnostics)
    );
    c.model.expect("a spec has a model")
}

#[test]
fn every_seed_spec_checks_clean_with_gaps_tests_and_identities() {
    for name in SPECS {
        let m = model(name);
        assert!(!m.gaps.is_empty(), "{name}: declares no gap");
        assert!(m.tests.len() >= 4, "{name}: fewer than 4 tests");
        // Twenty upserts on a unique field, so every create map there names one; Freshsales
        // appointments and Nutshell have no upsert, and re-runs rely on the ledger's id map.
        let upserts = m.migration.target == "twenty";
        for map in m.maps.iter().filter(|m| m.merge.is_none() && upserts) {
            let link = m.schema.object(&map.object).is_some_and(|o| o.link);
            assert!(
                map.identity.is_some() || link,
                "{name}: map {} has no identity, so a re-run would duplicate",
                map.name
            );
        }
        let plan = mapc::plan::build(m);
        assert_eq!(
            plan.load_order.len(),
            plan.model.order.len(),
            "{name}: plan order"
        );
    }
}

#[test]
fn twenty_specs_load_companies_before_people() {
    for name in ["rsoft-to-twenty", "clinic-to-twenty", "dentosoft-to-twenty"] {
        let m = model(name);
        let pos = |o: &str| m.order.iter().position(|x| x == o);
        if let (Some(c), Some(p)) = (pos("Company"), pos("Person")) {
            assert!(c < p, "{name}: Company must load before Person");
        }
    }
}
