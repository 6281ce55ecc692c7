//! Evaluation: values, built-ins, typing, record shapes, the owned, lending and block
//! evaluators, and the index lookups resolve against. Pure: no I/O.

mod each;
pub mod index;
pub mod lend;
pub mod node;
pub mod number;
pub mod owned;
pub mod record;
pub mod shape;
pub mod typing;
pub mod value;
pub mod vector;
