//! `mapc run SPEC --data DIR --target dir:OUT [--ledger FILE]`: executes the plan, records every
//! row in the ledger and prints the summary table.

use crate::engine::{Engine, Finished};
use crate::io::ledger::Ledger;
use crate::io::report::{self, ExceptionWriter, Sink};
use crate::io::source::FileSources;
use crate::io::target::{DirTarget, Target};
use crate::io::twenty_csv::TwentyCsvTarget;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `dir:PATH` (the default kind when no prefix is given) or `twenty-csv:PATH`.
fn parse_target(spec: &str) -> Result<(&str, PathBuf), String> {
    let (kind, path) = spec.split_once(':').unwrap_or(("dir", spec));
    match kind {
        "dir" | "twenty-csv" => Ok((kind, PathBuf::from(path))),
        other => Err(format!(
            "unknown target kind `{other}` (this build supports dir:PATH and twenty-csv:PATH)"
        )),
    }
}

pub struct Args<'a> {
    pub spec: &'a Path,
    pub data: &'a Path,
    pub target: &'a str,
    pub ledger: Option<&'a Path>,
}

fn fail(message: String, code: u8) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(code)
}

pub fn run(args: Args, color: bool) -> ExitCode {
    let (kind, out) = match parse_target(args.target) {
        Ok(t) => t,
        Err(e) => return fail(e, 2),
    };
    let Some(model) = super::checked_model(args.spec, color, "not run") else {
        return ExitCode::from(1);
    };
    let plan = crate::plan::build(model);
    // The ledger sits with the output by default: it describes what that target holds.
    let ledger_path = args
        .ledger
        .map(Path::to_path_buf)
        .unwrap_or_else(|| out.join("_ledger.sqlite"));
    let mut ledger = match Ledger::open(&ledger_path) {
        Ok(l) => l,
        Err(e) => return fail(e, 1),
    };
    if let Err(e) = ledger.begin_run(&args.spec.display().to_string(), args.target) {
        return fail(e, 1);
    }
    if kind == "twenty-csv" && plan.model.migration.target != "twenty" {
        return fail(
            format!(
                "twenty-csv writes Twenty import files, but this spec migrates to {}",
                plan.model.migration.target
            ),
            2,
        );
    }
    let made: std::io::Result<Box<dyn Target>> = match kind {
        "twenty-csv" => {
            TwentyCsvTarget::new(out.clone(), &plan).map(|t| Box::new(t) as Box<dyn Target>)
        }
        _ => DirTarget::new(out.clone()).map(|t| Box::new(t) as Box<dyn Target>),
    };
    let target = match made {
        Ok(t) => t,
        Err(e) => return fail(format!("cannot write to {}: {e}", out.display()), 1),
    };
    let sink: Box<dyn Sink> = match ExceptionWriter::create(&out) {
        Ok(w) => Box::new(w),
        Err(e) => return fail(format!("cannot write to {}: {e}", out.display()), 1),
    };
    let sources = FileSources {
        dir: args.data.to_path_buf(),
    };
    let bar = progress_bar();
    let total = plan.steps.len();
    let engine = Engine::new(&plan, &sources, target, sink, Some(ledger)).map(|e| {
        e.on_progress(|step, rows| {
            if let Some(b) = &bar {
                b.set_message(format!(
                    "step {}/{total} {} ({:?}): {rows} rows",
                    step.number, step.map, step.phase
                ));
            }
        })
    });
    let result = engine.and_then(Engine::run);
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    match result {
        Ok(done) => finish(done, &out),
        Err(e) => fail(
            format!("{e}\nthe ledger keeps what was done; run the same command again to continue"),
            1,
        ),
    }
}

/// A spinner with the current step and row count, only when stderr is a terminal.
fn progress_bar() -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    Some(bar)
}

/// The owners to provision (or reassign) before the records that name them can land.
fn write_owner_queue(out: &Path, owners: &[(String, u64)]) -> std::io::Result<()> {
    let mut w = csv::Writer::from_path(out.join("_owners_to_reconcile.csv"))?;
    w.write_record(["email", "rows"])?;
    for (email, rows) in owners {
        w.write_record([email.as_str(), rows.to_string().as_str()])?;
    }
    w.flush()
}

fn finish(done: Finished, out: &Path) -> ExitCode {
    let steps = &done.steps;
    let ledger = done.ledger;
    eprint!("{}", report::summary(steps));
    if !done.unmatched_owners.is_empty() {
        if let Err(e) = write_owner_queue(out, &done.unmatched_owners) {
            return fail(format!("cannot write the owner queue: {e}"), 1);
        }
        eprintln!(
            "{} owner email(s) match no target user: see {}",
            done.unmatched_owners.len(),
            out.join("_owners_to_reconcile.csv").display()
        );
    }
    let json = serde_json::to_string_pretty(steps).unwrap_or_default();
    let _ = std::fs::write(out.join("_report.json"), &json);
    let balanced = steps.iter().all(|s| s.counts.balanced());
    if let Some(mut l) = ledger {
        if let Err(e) = l.finish_run(if balanced { "done" } else { "unbalanced" }, &json) {
            return fail(e, 1);
        }
    }
    if balanced {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
