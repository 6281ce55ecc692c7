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
    about = "Compile and run .map CRM migration specs",
    after_help = EXAMPLES
)]
pub struct Cli {
    /// When to colour diagnostics on stderr: auto colours a terminal, unless NO_COLOR is set
    /// (non-empty); CLICOLOR_FORCE (non-empty, not 0) colours a pipe too.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
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
    /// For people.
    #[default]
    Text,
    /// JSON on stdout, for programs.
    Json,
}

const EXAMPLES: &str = "\
Examples:
  mapc check specs/                                  check every spec in specs/
  mapc check specs/clinic.map --data exports/        also check the exports against it
  mapc plan specs/clinic.map                         what a run will do, for people
  mapc run specs/clinic.map --data exports/ --target twenty-csv:out
  mapc explain E0203                                 what a diagnostic code means";

/// Where a spec may read its exports from: the flag of the commands that compile one.
#[derive(clap::Args, Clone, Copy)]
pub struct Reading {
    /// Let a spec read exports outside the --data folder (an absolute path, or one climbing
    /// out with `..`): refused otherwise (E0217), so a spec cannot read any file it names.
    #[arg(long)]
    allow_outside_data: bool,
}

#[derive(Subcommand)]
pub enum Command {
    /// Check specs and report every finding (exit 0 clean, 1 on errors, 2 on usage errors).
    #[command(after_help = "\
Examples:
  mapc check                                         every .map in specs/ (or here)
  mapc check specs/clinic.map                        one spec
  mapc check specs/clinic.map --data exports/        also read the exports: files, columns, values
  mapc check specs/ --format json                    findings as JSON on stdout")]
    Check {
        /// Spec files (default: every .map file in specs/ or the current directory).
        files: Vec<PathBuf>,
        /// Also read the exports in DIR: missing files and columns, uncovered values.
        #[arg(long, value_parser = non_empty_path)]
        data: Option<PathBuf>,
        /// text: diagnostics on stderr; json: one document with every diagnostic on stdout.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        #[command(flatten)]
        reading: Reading,
    },
    /// Show what a run will do: load order with reasons, steps, schema changes, gaps.
    #[command(after_help = "\
Examples:
  mapc plan specs/clinic.map                         the plan, for people
  mapc plan specs/clinic.map --format json > p.json  the plan file `mapc run --plan` runs")]
    Plan {
        /// The spec to plan.
        file: PathBuf,
        /// text: for people; json: the plan file that `mapc run --plan FILE` runs.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        #[command(flatten)]
        reading: Reading,
    },
    /// Run a migration: read the exports in DATA, write to the target, account for every row.
    #[command(
        override_usage = "mapc run [OPTIONS] --data <DATA> <SPEC | --plan <PLAN>>",
        after_help = "\
Examples:
  mapc run specs/clinic.map --data exports/                    write JSON lines into ./out
  mapc run specs/clinic.map --data exports/ --target twenty-csv:import
  mapc run --plan p.json --data exports/ --target dir:out      run a reviewed plan file
  mapc run specs/clinic.map --data exports/ -q --format json   the report on stdout, nothing else

A run stopped by a target or I/O failure continues where it stopped when run again: the
ledger keeps what was done."
    )]
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
        /// text: the summary table on stderr; json: the run report (each step's counts, as in
        /// OUT/_report.json) on stdout, and no table.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// No progress, no summary table, no notes: only errors (and warnings) on stderr.
        #[arg(short, long)]
        quiet: bool,
        #[command(flatten)]
        reading: Reading,
    },
    /// Run the `test` blocks of specs through the interpreter.
    #[command(after_help = "\
Examples:
  mapc test specs/clinic.map
  mapc test specs/*.map")]
    Test {
        /// The specs whose `test` blocks to run.
        #[arg(required = true)]
        specs: Vec<PathBuf>,
        #[command(flatten)]
        reading: Reading,
    },
    /// Explain a diagnostic code (`mapc explain E0203`), or list the built-in functions
    /// (`mapc explain functions`).
    #[command(after_help = "\
Examples:
  mapc explain E0203                                 one code
  mapc explain codes                                 every code and its title
  mapc explain functions                             every built-in, with examples")]
    Explain {
        /// A diagnostic code (E0203, W0804), `codes` or `functions`.
        topic: String,
    },
    /// Print one stage's output: parse (AST), check (model) or plan, as JSON.
    #[command(after_help = "\
Examples:
  mapc debug parse specs/clinic.map                  the syntax tree
  mapc debug check specs/clinic.map | jq .maps       the checked model
  mapc debug plan specs/clinic.map                   the plan, as `mapc plan --format json`")]
    Debug {
        /// The stage to stop after.
        #[arg(value_enum)]
        stage: debug::Stage,
        /// The spec to read.
        file: PathBuf,
    },
}

/// Parses the command line and runs it: what `main` does.
pub fn main() -> ExitCode {
    use clap::{CommandFactory, FromArgMatches};
    let matches = Cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    // `mapc run` without `--target` says which default it writes to.
    let default_target = matches
        .subcommand_matches("run")
        .is_some_and(|m| m.value_source("target") == Some(clap::parser::ValueSource::DefaultValue));
    run(cli, default_target)
}

fn run(cli: Cli, default_target: bool) -> ExitCode {
    let color = use_color(cli.color);
    let outside = |r: Reading| Outside(r.allow_outside_data);
    match cli.command {
        Command::Check {
            files,
            data,
            format,
            reading,
        } => check::run(files, data.as_deref(), format, (color, outside(reading))),
        Command::Plan {
            file,
            format,
            reading,
        } => plan::run(&file, format, (color, outside(reading))),
        Command::Run {
            spec,
            plan,
            data,
            target,
            ledger,
            format,
            quiet,
            reading,
        } => {
            let args = run::Args {
                spec: spec.as_deref(),
                plan: plan.as_deref(),
                data: &data,
                target,
                ledger: ledger.as_deref(),
                format,
                quiet,
                default_target,
            };
            run::run(args, (color, outside(reading)))
        }
        Command::Test { specs, reading } => test::run(&specs, (color, outside(reading))),
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
    if plan.is_none() && !spec.exists() {
        eprintln!(
            "{doing}: there is no file {}; give the path of a .map spec",
            spec.display()
        );
    } else if plan.is_none() {
        eprintln!(
            "{doing}: {} has errors (run `mapc check {}`)",
            spec.display(),
            spec.display()
        );
    }
    plan
}

/// Whether to colour stderr, as cargo and ripgrep decide it: `--color always|never` wins; under
/// `auto`, a non-empty `NO_COLOR` turns colour off, then a non-empty `CLICOLOR_FORCE` other than
/// `0` turns it on, then `CLICOLOR=0` turns it off, and otherwise only a terminal is coloured.
fn use_color(choice: Color) -> bool {
    use std::io::IsTerminal;
    color_for(
        choice,
        |name| std::env::var_os(name),
        std::io::stderr().is_terminal(),
    )
}

/// [`use_color`] with the environment and the terminal given, so the rules can be tested.
fn color_for(
    choice: Color,
    env: impl Fn(&str) -> Option<std::ffi::OsString>,
    terminal: bool,
) -> bool {
    let set = |name: &str| env(name).filter(|v| !v.is_empty());
    match choice {
        Color::Always => true,
        Color::Never => false,
        Color::Auto if set("NO_COLOR").is_some() => false,
        Color::Auto if set("CLICOLOR_FORCE").is_some_and(|v| v != "0") => true,
        Color::Auto if set("CLICOLOR").is_some_and(|v| v == "0") => false,
        Color::Auto => terminal,
    }
}

#[cfg(test)]
mod tests {
    use super::{color_for, Color};
    use std::ffi::OsString;

    fn auto(env: &[(&str, &str)], terminal: bool) -> bool {
        let lookup = |name: &str| {
            env.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| OsString::from(v))
        };
        color_for(Color::Auto, lookup, terminal)
    }

    #[test]
    fn colour_follows_no_color_clicolor_force_and_the_terminal() {
        assert!(auto(&[], true));
        assert!(!auto(&[], false));
        assert!(
            auto(&[("NO_COLOR", "")], true),
            "an empty NO_COLOR is unset"
        );
        assert!(!auto(&[("NO_COLOR", "1")], true));
        assert!(auto(&[("CLICOLOR_FORCE", "1")], false));
        assert!(!auto(&[("CLICOLOR_FORCE", "0")], false));
        assert!(!auto(&[("CLICOLOR_FORCE", "")], false));
        assert!(!auto(&[("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")], false));
        assert!(!auto(&[("CLICOLOR", "0")], true));
        assert!(color_for(Color::Always, |_| Some("1".into()), false));
        assert!(!color_for(Color::Never, |_| None, true));
    }
}
