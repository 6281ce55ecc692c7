//! The run's edges: sources read, targets written, reports and the ledger. Everything here does
//! I/O (or stands in for it in memory, `memory.rs`); evaluation never reaches in.

pub mod block;
pub mod ledger;
pub mod memory;
pub mod report;
pub mod source;
pub mod target;
