//! Stage 4 (in progress): executing a plan. The evaluator is pure; sources, targets and the
//! ledger will sit behind traits at the edges.

mod batch;
pub mod block;
pub mod builtins;
pub mod engine;
pub mod eval;
pub mod index;
pub mod ledger;
mod lend;
pub mod node;
mod phases;
pub mod record;
pub mod report;
pub mod shape;
pub mod source;
pub mod spec_test;
pub mod target;
pub mod twenty_csv;
pub mod typing;
pub mod value;
mod vector;
mod work;
