#![doc = include_str!("../ARCHITECTURE.md")]
#![deny(clippy::unwrap_used)]

pub mod diag;
pub mod span;
pub mod syntax;
