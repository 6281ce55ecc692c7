//! `mapc plan`: the plan as text for people or JSON for `mapc run`.

use super::Format;
use crate::compile::compile;
use crate::diag::render;
use crate::semantic::loader::DiskFs;
use std::path::Path;
use std::process::ExitCode;

pub fn run(file: &Path, format: Format, color: bool) -> ExitCode {
    let c = compile(&DiskFs, file);
    render::to_stderr(&c.db, &c.diagnostics, color);
    let Some(model) = c
        .model
        .filter(|_| !c.diagnostics.iter().any(|d| d.is_error()))
    else {
        eprintln!(
            "no plan: the spec has errors (run `mapc check {}`)",
            file.display()
        );
        return ExitCode::from(1);
    };
    let plan = crate::plan::build(model);
    match format {
        Format::Text => print!("{}", crate::plan::render::to_text(&plan)),
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&plan).unwrap_or_default()
        ),
    }
    ExitCode::SUCCESS
}
