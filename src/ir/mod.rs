//! The IR: the one contract between the compiler and the interpreter. `semantic` produces it
//! (every name resolved to a typed id, every setting validated), `plan` orders it into steps,
//! and the interpreter executes only it. It depends on nothing else in the crate.

mod ids;
mod vocab;

pub use ids::*;
pub use vocab::*;
