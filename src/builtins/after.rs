//! `after(text, sep)`: the part after the first separator, null if absent.

use super::before::{call, lend};
use super::{Builtin, Param};
use crate::eval::lend::Lending;

pub const AFTER: Builtin = Builtin {
    name: "after",
    params: &[Param::Text, Param::Text],
    summary: "the part after the first separator, null if absent",
    examples: &[("after(\"ana@x.com\", \"@\")", "\"x.com\"")],
    apply: |a| call(false, a),
    lend: Some(lend_after),
    ..Builtin::DEFAULT
};

fn lend_after(rows: &mut Lending) {
    lend(false, rows);
}
