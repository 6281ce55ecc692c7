//! `mapc test SPEC…`: runs the `test` blocks of each spec through the interpreter.

use crate::engine::spec_test;
use std::path::PathBuf;
use std::process::ExitCode;

pub fn run(specs: &[PathBuf], shown: (bool, super::Outside)) -> ExitCode {
    let (mut passed, mut failed) = (0, 0);
    for spec in specs {
        let Some(plan) = super::checked_plan(spec, shown, "not tested") else {
            failed += 1;
            continue;
        };
        for r in spec_test::run_all(&plan) {
            if r.passed() {
                passed += 1;
                println!("test {} :: {} ... ok", spec.display(), r.name);
            } else {
                failed += 1;
                println!("test {} :: {} ... FAILED", spec.display(), r.name);
                for f in &r.failures {
                    println!("    {f}");
                }
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
