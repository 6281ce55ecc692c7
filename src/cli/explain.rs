//! `mapc explain CODE` and `mapc explain functions`.

use crate::builtins::{self, Builtin};
use crate::diag::codes::{Code, ALL};
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

/// `name(text, number?, …) -> type`: `?` marks optional parameters, `…` a repeatable last one.
pub fn signature(b: &Builtin) -> String {
    let params: Vec<String> = b
        .params
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let name = p.name();
            let optional = if i >= b.required() { "?" } else { "" };
            let repeat = if b.variadic && i + 1 == b.params.len() {
                ", …"
            } else {
                ""
            };
            format!("{name}{optional}{repeat}")
        })
        .collect();
    let fallible = if b.fallible { " (fallible)" } else { "" };
    format!(
        "{}({}) -> {}{fallible}",
        b.name,
        params.join(", "),
        crate::semantic::builtins::return_name(b)
    )
}

pub fn functions() -> String {
    let mut out = String::new();
    for b in builtins::ALL {
        out.push_str(&format!("{}\n    {}\n", signature(b), b.summary));
        for (expr, result) in b.examples {
            out.push_str(&format!("    {expr}  =>  {result}\n"));
        }
    }
    out
}
