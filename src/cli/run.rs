//! `mapc run SPEC|--plan FILE --data DIR --target dir:OUT [--ledger FILE]`: executes the plan,
//! records every row in the ledger and prints the summary table (or, with `--format json`, the
//! run report on stdout; with `-q`, nothing but errors and warnings).

use super::Format;
use crate::engine::{Engine, Finished, RunError};
use crate::io::ledger::Ledger;
use crate::io::report::{self, ExceptionWriter, Sink};
use crate::io::source::{FileSources, SourceError};
use crate::io::target::{DirTarget, Target, TargetError, TargetSpec, TwentyCsvTarget};
use crate::plan::Plan;
use std::path::Path;
use std::process::ExitCode;

pub struct Args<'a> {
    pub spec: Option<&'a Path>,
    pub plan: Option<&'a Path>,
    pub data: &'a Path,
    pub target: TargetSpec,
    pub ledger: Option<&'a Path>,
    pub format: Format,
    pub quiet: bool,
    /// `--target` was not given: the run says which default it writes to.
    pub default_target: bool,
}

fn fail(message: impl std::fmt::Display, code: u8) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(code)
}

/// The plan to run: the one given, or the spec's, compiled. None when there is none (said).
fn plan(args: &Args, shown: (bool, super::Outside)) -> Option<Plan> {
    match (args.plan, args.spec) {
        (Some(file), _) => match std::fs::read_to_string(file) {
            Err(e) => {
                eprintln!("error: cannot read the plan {}: {e}", file.display());
                None
            }
            Ok(text) => crate::plan::file::from_json(&text)
                .map_err(|e| eprintln!("error: the plan {} cannot be run: {e}", file.display()))
                .ok(),
        },
        (None, Some(spec)) => super::checked_plan(spec, shown, "not run"),
        (None, None) => None,
    }
}

fn target(spec: &TargetSpec, plan: &Plan) -> Result<Box<dyn Target>, TargetError> {
    Ok(match spec {
        TargetSpec::Dir(out) => Box::new(DirTarget::new(out.clone())?),
        TargetSpec::TwentyCsv(out) => Box::new(TwentyCsvTarget::new(out.clone(), &plan.program)?),
    })
}

pub fn run(args: Args, shown: (bool, super::Outside)) -> ExitCode {
    let Some(plan) = plan(&args, shown) else {
        return ExitCode::from(1);
    };
    let migrates_to = &plan.program.migration.target;
    if let Some(needed) = args.target.requires().filter(|t| t != migrates_to) {
        return fail(
            format!(
                "{} writes {needed} import files, but this spec migrates to {migrates_to}",
                args.target
            ),
            2,
        );
    }
    if !args.data.is_dir() {
        return fail(
            format!(
                "--data {}: there is no such folder; give the folder that holds the exports",
                args.data.display()
            ),
            2,
        );
    }
    if args.default_target && !args.quiet {
        eprintln!(
            "note: no --target given, so records go to the default, {} (JSON lines per object)",
            args.target
        );
    }
    let out = args.target.out().to_path_buf();
    let target = match target(&args.target, &plan) {
        Ok(t) => t,
        Err(e) => return fail(format!("cannot write to {}: {e}", out.display()), 1),
    };
    let sink: Box<dyn Sink> = match ExceptionWriter::create(&out) {
        Ok(w) => Box::new(w),
        Err(e) => return fail(format!("cannot write to {}: {e}", out.display()), 1),
    };
    // The ledger sits with the output by default: it describes what that target holds.
    let ledger_path = args
        .ledger
        .map(Path::to_path_buf)
        .unwrap_or_else(|| out.join("_ledger.sqlite"));
    let mut ledger = match Ledger::open(&ledger_path) {
        Ok(l) => l,
        Err(e) => return fail(e, 1),
    };
    let what = args.plan.or(args.spec).map(Path::display);
    let label = what.map(|w| w.to_string()).unwrap_or_default();
    if let Err(e) = ledger.begin_run(&label, &plan.spec_hash, &args.target.to_string()) {
        return fail(e, 1);
    }
    let sources = shown.1.sources(args.data);
    let result = execute(&plan, &sources, target, sink, &mut ledger, args.quiet);
    match result {
        Ok(done) => finish(done, &out, &mut ledger, &args),
        Err(e) => {
            let report = serde_json::json!({ "error": e.to_string() }).to_string();
            let _ = ledger.finish_run("failed", &report);
            fail(format!("{e}\n{}", advice(&e, &args)), 1)
        }
    }
}

const AGAIN: &str = "the ledger keeps what was done; run the same command again to continue";

/// What to do after a run stopped: run again only where that continues; otherwise what to fix.
fn advice(e: &RunError, args: &Args) -> String {
    if e.disk_full() {
        return format!("the disk is full: free some space there; {AGAIN}");
    }
    if e.resumable() {
        return AGAIN.to_string();
    }
    let check = match args.spec {
        Some(spec) => format!(
            "`mapc check {} --data {}` lists every missing file and column",
            spec.display(),
            args.data.display()
        ),
        None => "`mapc check SPEC --data DIR` lists every missing file and column".to_string(),
    };
    let error = match e {
        RunError::Source { error, .. } | RunError::Users(error) => error,
        _ => return String::new(),
    };
    match error {
        SourceError::Open { .. } => format!(
            "put the export in {} (or correct its file name in the spec's `source … from`), \
             then run mapc again; {check}",
            args.data.display()
        ),
        SourceError::Header { .. } | SourceError::MissingColumn { .. } => format!(
            "correct the export's header, or the columns the spec declares for it, then run mapc \
             again; {check}"
        ),
        // Their messages say what to declare or rename.
        SourceError::Foreign { .. } | SourceError::DuplicateColumn { .. } => {
            format!("then run mapc again; {check}")
        }
        SourceError::Outside { .. } => {
            "give the source a path inside --data, or pass --allow-outside-data".to_string()
        }
        _ => "correct the export at that line, then run mapc again".to_string(),
    }
}

/// Runs the engine with a progress bar on a terminal.
fn execute(
    plan: &Plan,
    sources: &FileSources,
    target: Box<dyn Target>,
    sink: Box<dyn Sink>,
    ledger: &mut Ledger,
    quiet: bool,
) -> Result<Finished, RunError> {
    let bar = if quiet { None } else { progress_bar() };
    let total = plan.steps.len();
    let engine =
        Engine::new(plan, sources, target, sink, Some(ledger))?.on_progress(|step, rows| {
            if let Some(b) = &bar {
                b.set_message(format!(
                    "step {}/{total} {} ({}): {rows} rows",
                    step.number,
                    plan.map(step).name,
                    step.phase.key()
                ));
            }
        });
    let result = engine.run();
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    result
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

/// A file the run could not write at its end: which, why, and (for a full disk) what to do.
fn cannot_write(what: &str, path: &Path, e: &std::io::Error) -> ExitCode {
    let full = if e.kind() == std::io::ErrorKind::StorageFull {
        format!("\nthe disk is full: free some space there; {AGAIN}")
    } else {
        String::new()
    };
    fail(
        format!("cannot write {what} {}: {e}{full}", path.display()),
        1,
    )
}

fn finish(done: Finished, out: &Path, ledger: &mut Ledger, args: &Args) -> ExitCode {
    let steps = &done.steps;
    if args.format == Format::Text && !args.quiet {
        eprint!("{}", report::summary(steps));
    }
    if !done.unmatched_owners.is_empty() {
        let queue = out.join("_owners_to_reconcile.csv");
        if let Err(e) = write_owner_queue(out, &done.unmatched_owners) {
            return cannot_write("the owner queue", &queue, &e);
        }
        eprintln!(
            "warning: {} owner email(s) match no target user: see {}",
            done.unmatched_owners.len(),
            queue.display()
        );
    }
    let json = serde_json::to_string_pretty(steps).unwrap_or_default();
    let report_path = out.join("_report.json");
    if let Err(e) = std::fs::write(&report_path, &json) {
        return cannot_write("the report", &report_path, &e);
    }
    if args.format == Format::Json {
        println!("{json}");
    }
    let unbalanced = steps.iter().filter(|s| !s.counts.balanced()).count();
    let balanced = unbalanced == 0;
    let status = if balanced { "done" } else { "unbalanced" };
    if let Err(e) = ledger.finish_run(status, &json) {
        return fail(e, 1);
    }
    if !balanced {
        eprintln!(
            "error: {unbalanced} step(s) did not give every row an outcome (see `balanced` in {}); \
             this is a bug in mapc: please report it",
            report_path.display()
        );
    }
    if balanced {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
