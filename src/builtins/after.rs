//! `after(text, sep)`: the part after the first separator, null if absent.

use super::before::{call, lend};
use super::{Builtin, Param};

pub const AFTER: Builtin = Builtin {
    name: "after",
    params: &[Param::Text, Param::Text],
    summary: "the part after the first separator, null if absent",
    examples: &[("after(\"ana@x.com\", \"@\")", "\"x.com\"")],
    apply: |a| call(false, a),
    lend: Some(|x, sep, s| lend(false, x, sep, s)),
    ..Builtin::DEFAULT
};
