//! The IR: the one contract between the compiler and the interpreter. `semantic` produces a
//! [`Program`] (every name resolved to a typed id, every setting validated), `plan` orders it
//! into steps, and the interpreter executes only that. It depends on nothing else in the crate
//! (built-ins are named by [`BuiltinId`], whose serde form `builtins` provides).

mod expr;
mod ids;
pub mod names;
pub mod number;
mod program;
mod schema;
mod source;
mod vocab;
mod zone;

pub use expr::*;
pub use ids::*;
pub use number::Decimal;
pub use program::*;
pub use schema::*;
pub use source::*;
pub use vocab::*;
pub use zone::*;
