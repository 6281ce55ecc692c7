//! `replace(text, from, to)`: replaces every occurrence.

use super::{ok_text, text, Builtin, Param};

pub const REPLACE: Builtin = Builtin {
    name: "replace",
    params: &[Param::Text, Param::Text, Param::Text],
    summary: "replaces every occurrence",
    examples: &[("replace(\"a-b-c\", \"-\", \"/\")", "\"a/b/c\"")],
    apply: |a| ok_text(text(a, 0).replace(&*text(a, 1), &text(a, 2))),
    ..Builtin::DEFAULT
};
