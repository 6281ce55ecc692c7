//! `mapc run SPEC --data DIR --target dir:OUT`: executes the plan and prints the summary table.

use crate::compile::compile;
use crate::diag::render;
use crate::run::engine::Engine;
use crate::run::report::{self, ExceptionWriter, Sink};
use crate::run::source::FileSources;
use crate::run::target::{DirTarget, Target};
use crate::semantic::loader::DiskFs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `dir:PATH` (the default kind when no prefix is given).
fn parse_target(spec: &str) -> Result<(String, PathBuf), String> {
    let (kind, path) = spec.split_once(':').unwrap_or(("dir", spec));
    match kind {
        "dir" => Ok((kind.to_string(), PathBuf::from(path))),
        other => Err(format!(
            "unknown target kind `{other}` (this build supports dir:PATH)"
        )),
    }
}

pub fn run(spec: &Path, data: &Path, target: &str, color: bool) -> ExitCode {
    let (_, out) = match parse_target(target) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let c = compile(&DiskFs, spec);
    render::to_stderr(&c.db, &c.diagnostics, color);
    let Some(model) = c
        .model
        .filter(|_| !c.diagnostics.iter().any(|d| d.is_error()))
    else {
        eprintln!(
            "not run: the spec has errors (run `mapc check {}`)",
            spec.display()
        );
        return ExitCode::from(1);
    };
    let plan = crate::plan::build(model);
    let dir_target: Box<dyn Target> = match DirTarget::new(out.clone()) {
        Ok(t) => Box::new(t),
        Err(e) => {
            eprintln!("error: cannot write to {}: {e}", out.display());
            return ExitCode::from(1);
        }
    };
    let sink: Box<dyn Sink> = match ExceptionWriter::create(&out) {
        Ok(w) => Box::new(w),
        Err(e) => {
            eprintln!("error: cannot write to {}: {e}", out.display());
            return ExitCode::from(1);
        }
    };
    let sources = FileSources {
        dir: data.to_path_buf(),
    };
    let result = Engine::new(&plan, &sources, dir_target, sink).and_then(Engine::run);
    match result {
        Ok(steps) => {
            eprint!("{}", report::summary(&steps));
            if let Ok(json) = serde_json::to_string_pretty(&steps) {
                let _ = std::fs::write(out.join("_report.json"), json);
            }
            let balanced = steps.iter().all(|s| s.counts.balanced());
            if balanced {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
