//! The run's edges: sources read, targets written, reports and the ledger.

pub mod block;
pub mod ledger;
pub mod report;
pub mod source;
pub mod target;
pub mod twenty_csv;
