//! `mapc plan`: the plan as text for people or JSON for `mapc run`.

use super::Format;
use std::path::Path;
use std::process::ExitCode;

pub fn run(file: &Path, format: Format, shown: (bool, super::Outside)) -> ExitCode {
    let Some(plan) = super::checked_plan(file, shown, "no plan") else {
        return ExitCode::from(1);
    };
    match format {
        Format::Text => print!("{}", crate::plan::render::to_text(&plan)),
        Format::Json => println!("{}", crate::plan::file::to_json(&plan)),
    }
    ExitCode::SUCCESS
}
