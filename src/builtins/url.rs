//! `url(text)`: a URL with a scheme, https:// added when missing.

use super::{text, Builtin, Param};
use crate::eval::value::{Stop, Value};

pub const URL: Builtin = Builtin {
    name: "url",
    params: &[Param::Text],
    fallible: true,
    summary: "a URL with a scheme, https:// added when missing",
    examples: &[("url(\"acme.com\")", "\"https://acme.com\"")],
    apply: |a| url(&text(a, 0)).map(Value::text_value),
    ..Builtin::DEFAULT
};

/// The URL with its scheme, when its host looks like one (`link` shares the rule).
pub(super) fn url(s: &str) -> Result<String, Stop> {
    let t = s.trim();
    let with_scheme = if t.contains("://") {
        t.to_string()
    } else {
        format!("https://{t}")
    };
    let host = with_scheme
        .split("://")
        .nth(1)
        .unwrap_or("")
        .split('/')
        .next()
        .unwrap_or("");
    if host.contains('.')
        && !host.contains(char::is_whitespace)
        && !host.starts_with('.')
        && !host.ends_with('.')
    {
        Ok(with_scheme)
    } else {
        Err(Stop::Fail(format!("not a URL: {s:?}")))
    }
}
