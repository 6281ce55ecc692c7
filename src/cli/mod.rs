//! The command line: clap derive, one file per subcommand. Only this layer prints.

mod check;
mod debug;
mod explain;
mod plan;
mod run;
mod test;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "mapc",
    version,
    about = "Compile and run .map CRM migration specs"
)]
pub struct Cli {
    /// When to colour diagnostics.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Let a spec read exports outside the --data folder (an absolute path, or one climbing
    /// out with `..`): refused otherwise (E0217), so a spec cannot read any file it names.
    #[arg(long, global = true)]
    pub allow_outside_data: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Copy, Clone, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    #[default]
    Text,
    Json,
}

#[derive(Subcommand)]
pub enum Command {
    /// Check specs and report every finding (exit 0 clean, 1 on errors, 2 on usage errors).
    Check {
        /// Spec files (default: every .map file in specs/ or the current directory).
        files: Vec<PathBuf>,
        /// Also read the exports in DIR: missing files and columns, uncovered values.
        #[arg(long, value_parser = non_empty_path)]
        data: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Show what a run will do: schema changes, load order with reasons, steps, gaps.
    Plan {
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Run a migration: read the exports in DATA, write to the target, account for every row.
    Run {
        /// The spec to compile and run (or give `--plan`).
        #[arg(required_unless_present = "plan", conflicts_with = "plan")]
        spec: Option<PathBuf>,
        /// Run this plan (`mapc plan SPEC --format json`) instead of compiling a spec.
        #[arg(long)]
        plan: Option<PathBuf>,
        /// The folder with the source exports.
        #[arg(long, value_parser = non_empty_path)]
        data: PathBuf,
        /// Where records go: dir:OUT (JSON lines per object) or twenty-csv:OUT (Twenty import files).
        #[arg(long, default_value = "dir:out", value_parser = crate::io::target::TargetSpec::parse)]
        target: crate::io::target::TargetSpec,
        /// The ledger (SQLite) of runs, ids and audit entries [default: OUT/_ledger.sqlite].
        #[arg(long, value_parser = non_empty_path)]
        ledger: Option<PathBuf>,
    },
    /// Run the `test` blocks of specs through the interpreter.
    Test {
        #[arg(required = true)]
        specs: Vec<PathBuf>,
    },
    /// Explain a diagnostic code (`mapc explain E0203`), or list the built-in functions
    /// (`mapc explain functions`).
    Explain { topic: String },
    /// Print one stage's output: parse (AST), check (model) or plan, as JSON.
    Debug {
        #[arg(value_enum)]
        stage: debug::Stage,
        file: PathBuf,
    },
}

pub fn run(cli: Cli) -> ExitCode {
    let color = use_color(cli.color);
    let outside = Outside(cli.allow_outside_data);
    match cli.command {
        Command::Check {
            files,
            data,
            format,
        } => check::run(files, data.as_deref(), format, (color, outside)),
        Command::Plan { file, format } => plan::run(&file, format, (color, outside)),
        Command::Run {
            spec,
            plan,
            data,
            target,
            ledger,
        } => {
            let args = run::Args {
                spec: spec.as_deref(),
                plan: plan.as_deref(),
                data: &data,
                target,
                ledger: ledger.as_deref(),
            };
            run::run(args, (color, outside))
        }
        Command::Test { specs } => test::run(&specs, (color, outside)),
        Command::Explain { topic } => explain::run(&topic),
        Command::Debug { stage, file } => debug::run(stage, &file, color),
    }
}

/// A path argument: an empty one would mean the current directory without saying so.
fn non_empty_path(text: &str) -> Result<PathBuf, String> {
    if text.trim().is_empty() {
        Err("an empty path: give a folder or file".to_string())
    } else {
        Ok(PathBuf::from(text))
    }
}

/// Whether exports may be read from outside the data folder (`--allow-outside-data`).
#[derive(Clone, Copy)]
pub struct Outside(pub bool);

impl Outside {
    /// Compiles a spec, its E0217 findings dropped when reading outside is allowed.
    fn compile(self, spec: &std::path::Path) -> crate::compile::Compilation {
        let mut c = crate::compile::compile(&crate::semantic::loader::DiskFs, spec);
        if self.0 {
            c.allow_outside_data();
        }
        c
    }

    /// The exports in `dir`, as this run may read them.
    fn sources(self, dir: &std::path::Path) -> crate::io::source::FileSources {
        let mut sources = crate::io::source::FileSources::new(dir);
        sources.outside_allowed = self.0;
        sources
    }
}

/// Compiles a spec, prints its diagnostics, and gives its plan only when there is no error
/// (`doing` says what did not happen otherwise: "no plan", "not run", …).
fn checked_plan(
    spec: &std::path::Path,
    (color, outside): (bool, Outside),
    doing: &str,
) -> Option<crate::plan::Plan> {
    let c = outside.compile(spec);
    crate::diag::render::to_stderr(&c.db, &c.diagnostics, color);
    let plan = c.plan();
    if plan.is_none() {
        eprintln!(
            "{doing}: {} has errors (run `mapc check {}`)",
            spec.display(),
            spec.display()
        );
    }
    plan
}

/// `--color always|never` decides; `auto` colours only a terminal, and never with NO_COLOR set.
fn use_color(choice: Color) -> bool {
    use std::io::IsTerminal;
    match choice {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal(),
    }
}
