//! `mapc debug parse|check|plan FILE`: each stage's output as JSON, to stop anywhere.

use crate::compile::compile;
use crate::diag::render;
use crate::semantic::loader::DiskFs;
use clap::ValueEnum;
use std::path::Path;
use std::process::ExitCode;

#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
pub enum Stage {
    /// The syntax tree of the root file.
    Parse,
    /// The checked model (the IR program).
    Check,
    /// The plan: the program and its steps.
    Plan,
}

pub fn run(stage: Stage, file: &Path, color: bool) -> ExitCode {
    let c = compile(&DiskFs, file);
    render::to_stderr(&c.db, &c.diagnostics, color);
    let json = match stage {
        Stage::Parse => {
            let root = c
                .program
                .as_ref()
                .and_then(|p| p.units.iter().find(|u| u.file == p.root));
            root.map(|u| serde_json::to_string_pretty(&u.module))
        }
        Stage::Check => c.ir.as_ref().map(serde_json::to_string_pretty),
        Stage::Plan => {
            c.ir.clone()
                .map(|m| serde_json::to_string_pretty(&crate::plan::build(m, c.spec_hash())))
        }
    };
    match json {
        Some(Ok(text)) => {
            println!("{text}");
            ExitCode::from(if c.has_errors() { 1 } else { 0 })
        }
        _ => ExitCode::from(1),
    }
}
