//! `markdown(text)`: a rich-text composite.

use super::{text, Builtin, Param, Returns};
use crate::eval::value::Value;

pub const MARKDOWN: Builtin = Builtin {
    name: "markdown",
    params: &[Param::Text],
    returns: Returns::Composite("rich_text"),
    summary: "a rich-text composite",
    examples: &[("markdown(\"**Note**\")", "{\"markdown\": \"**Note**\"}")],
    apply: |a| {
        Ok(Value::Record(vec![(
            "markdown".into(),
            Value::text_value(text(a, 0)),
        )]))
    },
    ..Builtin::DEFAULT
};
