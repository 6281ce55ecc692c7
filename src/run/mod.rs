//! Stage 4 (in progress): executing a plan. The evaluator is pure; sources, targets and the
//! ledger will sit behind traits at the edges.

pub mod builtins;
pub mod eval;
pub mod record;
pub mod source;
pub mod typing;
pub mod value;
