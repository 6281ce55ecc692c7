use std::process::ExitCode;

fn main() -> ExitCode {
    mapc::cli::main()
}
