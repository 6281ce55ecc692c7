//! What became of one row in one step: its outcome, and for a row that did not land, the code
//! and reason its exception line carries.

use crate::eval::value::Stop;
use crate::io::block::Unread;
use crate::ir::Outcome;

#[derive(Debug, Clone, PartialEq)]
pub struct Fate {
    pub outcome: Outcome,
    /// `rejected`, `held`, `invalid`, `unreadable`, `target`, … (empty for a landed row).
    pub code: &'static str,
    pub reason: String,
}

impl Fate {
    pub fn ok(outcome: Outcome) -> Fate {
        Fate {
            outcome,
            code: "",
            reason: String::new(),
        }
    }

    pub fn bad(outcome: Outcome, code: &'static str, reason: impl Into<String>) -> Fate {
        Fate {
            outcome,
            code,
            reason: reason.into(),
        }
    }

    pub fn from_stop(stop: Stop) -> Fate {
        match stop {
            Stop::Reject(r) => Fate::bad(Outcome::Rejected, "rejected", r),
            Stop::Fail(r) => Fate::bad(Outcome::Rejected, "failed", r),
            Stop::Hold(r) => Fate::bad(Outcome::Held, "held", r),
            Stop::Skip(r) => Fate::bad(Outcome::Skipped, "skipped", r),
        }
    }

    /// A row that could not be read at all (bad quoting, bad JSON: `unreadable`; bytes not
    /// in the file's encoding: `encoding`).
    pub fn unreadable(why: Unread) -> Fate {
        Fate::bad(Outcome::Rejected, why.code, why.why)
    }
}
