use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    mapc::cli::run(mapc::cli::Cli::parse())
}
