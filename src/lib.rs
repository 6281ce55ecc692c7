#![doc = include_str!("../ARCHITECTURE.md")]
#![deny(clippy::unwrap_used)]

// pest's generated parser names `::alloc` when pest is built without its `std` feature (which
// we leave off: see `syntax::rules`).
extern crate alloc;

pub mod builtins;
pub mod cli;
pub mod compile;
pub mod data;
pub mod diag;
pub mod engine;
pub mod eval;
pub mod io;
pub mod ir;
pub mod plan;
pub mod semantic;
pub mod span;
pub mod stdlib;
pub mod syntax;
