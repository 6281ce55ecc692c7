//! `mapc check`: every finding of every file, as text or JSON.

use super::Format;
use crate::compile::Compilation;
use crate::diag::render;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub fn run(
    files: Vec<PathBuf>,
    data: Option<&Path>,
    format: Format,
    (color, outside): (bool, super::Outside),
) -> ExitCode {
    let files = if files.is_empty() {
        default_files(&[PathBuf::from("specs"), PathBuf::from(".")])
    } else {
        expand(files)
    };
    if files.is_empty() {
        eprintln!("error: no .map files given and none found in specs/ or the current directory");
        return ExitCode::from(2);
    }
    let mut results: Vec<Compilation> = Vec::new();
    for f in &files {
        let mut c = outside.compile(f);
        if let (Some(dir), Some(checked), Some(program)) = (data, &c.ir, &c.program) {
            let found = crate::data::check(&outside.sources(dir), checked, program);
            c.diagnostics.extend(found);
        }
        results.push(c);
    }
    let errors: usize = results
        .iter()
        .map(|c| c.diagnostics.iter().filter(|d| d.is_error()).count())
        .sum();
    match format {
        Format::Json => print_json(&results),
        Format::Text => print_text(&results, &files, color),
    }
    if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn print_text(results: &[Compilation], files: &[PathBuf], color: bool) {
    let (mut errors, mut warnings) = (0, 0);
    for c in results {
        render::to_stderr(&c.db, &c.diagnostics, color);
        errors += c.diagnostics.iter().filter(|d| d.is_error()).count();
        warnings += c
            .diagnostics
            .iter()
            .filter(|d| d.severity == crate::diag::Severity::Warning)
            .count();
    }
    let files_word = if files.len() == 1 { "file" } else { "files" };
    eprintln!(
        "checked {} {files_word}: {errors} error(s), {warnings} warning(s)",
        files.len()
    );
}

/// One document for every file: `errors` and `warnings` count every finding; `diagnostics`
/// lists at most `MAX_PER_FILE` of each file, and `truncated` says how many it leaves out.
fn print_json(results: &[Compilation]) {
    let (mut all, mut truncated) = (Vec::new(), 0);
    let (mut errors, mut warnings) = (0, 0);
    for c in results {
        let (items, left_out) = render::json_items(&c.db, &c.diagnostics);
        all.extend(items);
        truncated += left_out;
        errors += c.diagnostics.iter().filter(|d| d.is_error()).count();
        warnings += c
            .diagnostics
            .iter()
            .filter(|d| d.severity == crate::diag::Severity::Warning)
            .count();
    }
    let doc = serde_json::json!({
        "errors": errors,
        "warnings": warnings,
        "truncated": truncated,
        "diagnostics": all,
    });
    println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
}

/// Directories on the command line stand for the `.map` files in them.
fn expand(files: Vec<PathBuf>) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for f in files {
        if f.is_dir() {
            out.extend(default_files(&[f]));
        } else {
            out.push(f);
        }
    }
    out
}

fn default_files(dirs: &[PathBuf]) -> Vec<PathBuf> {
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        let mut found: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "map"))
            .collect();
        if !found.is_empty() {
            found.sort();
            return found;
        }
    }
    Vec::new()
}
