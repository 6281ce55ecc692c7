//! `mapc explain CODE` and `mapc explain functions`.

use crate::diag::codes::{Code, ALL};
use crate::semantic::builtins::BUILTINS;
use std::process::ExitCode;

pub fn run(topic: &str) -> ExitCode {
    if topic == "functions" {
        print!("{}", functions());
        return ExitCode::SUCCESS;
    }
    if topic == "codes" {
        for c in ALL {
            println!("{c}  {}", c.title());
        }
        return ExitCode::SUCCESS;
    }
    match Code::parse(topic) {
        Some(code) => {
            print!("{}", explain(code));
            ExitCode::SUCCESS
        }
        None => {
            eprintln!("error: `{topic}` is not a diagnostic code (try `mapc explain codes`)");
            ExitCode::from(2)
        }
    }
}

pub fn explain(code: Code) -> String {
    format!("{code}: {}\n\n{}\n", code.title(), code.explanation())
}

pub fn functions() -> String {
    let mut out = String::new();
    for b in BUILTINS {
        let fallible = if b.fallible { ", fallible" } else { "" };
        out.push_str(&format!(
            "{} ({} argument(s){fallible}): {}\n    {}  =>  {}\n",
            b.name,
            b.params.len(),
            b.summary,
            b.example.0,
            b.example.1
        ));
    }
    out
}
