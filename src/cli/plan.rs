//! `mapc plan`: the plan as text for people or JSON for `mapc run`.

use super::Format;
use std::path::Path;
use std::process::ExitCode;

pub fn run(file: &Path, format: Format, color: bool) -> ExitCode {
    let Some(model) = super::checked_model(file, color, "no plan") else {
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
