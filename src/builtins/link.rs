//! `link(text)`: a links composite from a URL or bare domain.

use super::url::url;
use super::{text, Builtin, Param, Returns};
use crate::eval::value::Value;

pub const LINK: Builtin = Builtin {
    name: "link",
    params: &[Param::Text],
    returns: Returns::Composite("links"),
    fallible: true,
    summary: "a links composite from a URL or bare domain",
    examples: &[(
        "link(\"acme.com\")",
        "{\"primaryLinkUrl\": \"https://acme.com\"}",
    )],
    apply: |a| {
        url(&text(a, 0))
            .map(|u| Value::Record(vec![("primaryLinkUrl".into(), Value::text_value(u))]))
    },
    ..Builtin::DEFAULT
};
