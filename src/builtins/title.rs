//! `title(text)`: capitalises each word.

use super::{ok_text, text, Builtin, Param};

pub const TITLE: Builtin = Builtin {
    name: "title",
    params: &[Param::Text],
    summary: "capitalises each word",
    examples: &[("title(\"ana maria\")", "\"Ana Maria\"")],
    apply: |a| ok_text(title(&text(a, 0))),
    ..Builtin::DEFAULT
};

fn title(s: &str) -> String {
    s.split(' ')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f
                    .to_uppercase()
                    .chain(c.flat_map(char::to_lowercase))
                    .collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}
