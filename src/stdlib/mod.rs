//! The stdlib: modules written in the language itself, embedded in the binary.

/// `(module name, source text)` for every embedded module.
pub const MODULES: &[(&str, &str)] = &[
    ("twenty", include_str!("../../stdlib/twenty.map")),
    ("freshsales", include_str!("../../stdlib/freshsales.map")),
    ("nutshell", include_str!("../../stdlib/nutshell.map")),
    ("ada", include_str!("../../stdlib/ada.map")),
    ("us", include_str!("../../stdlib/us.map")),
];

pub fn module(name: &str) -> Option<&'static str> {
    MODULES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
}

pub fn names() -> impl Iterator<Item = &'static str> {
    MODULES.iter().map(|(n, _)| *n)
}

/// The name a stdlib module gets in diagnostics.
pub fn display_name(name: &str) -> String {
    format!("<std>/{name}.map")
}
