//! What a name that becomes part of a path may be: the names of target objects and fields
//! name the files a target writes and the paths of its API, and a source's file is read from
//! the data folder. Checked by `semantic` and again by `plan::validate` for a plan read from a
//! file, so that no spec or plan can reach outside the folders a run is given.

/// The longest name the targets allow (Twenty's metadata names are at most 63 characters).
pub const NAME_LIMIT: usize = 63;

/// A letter or `_`, then letters, digits or `_`: safe as a file name and a URL segment.
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    let starts_well = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    starts_well && name.len() <= NAME_LIMIT && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Identifiers joined by `/`: an API path below the target's base (`selector/owners`).
pub fn is_api_path(path: &str) -> bool {
    path.split('/').all(is_identifier)
}

/// Whether a relative path stays inside the folder it is read from: not absolute, and no
/// `..` that climbs above where it starts (`a/../b` stays; `../b` and `/etc/passwd` do not).
pub fn stays_inside(path: &str) -> bool {
    use std::path::Component;
    let mut depth: usize = 0;
    for part in std::path::Path::new(path).components() {
        match part {
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::ParentDir => match depth.checked_sub(1) {
                Some(d) => depth = d,
                None => return false,
            },
            Component::RootDir | Component::Prefix(_) => return false,
        }
    }
    // A path with a backslash may climb out on Windows; refuse it everywhere alike.
    !path.contains('\\')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_plain_names() {
        for good in ["person", "insuranceClaims", "sales_accounts", "_x1"] {
            assert!(is_identifier(good), "{good}");
        }
        for bad in [
            "",
            "../evil",
            "a/b",
            "/abs",
            "1st",
            "a b",
            "é",
            "a.b",
            &"x".repeat(64),
        ] {
            assert!(!is_identifier(bad), "{bad}");
        }
        assert!(is_api_path("selector/owners"));
        assert!(!is_api_path("selector/../owners") && !is_api_path("/owners"));
    }

    #[test]
    fn a_path_stays_inside_unless_it_climbs_out_or_is_absolute() {
        for inside in ["p.csv", "exports/p.csv", "./p.csv", "a/../p.csv"] {
            assert!(stays_inside(inside), "{inside}");
        }
        for outside in [
            "../p.csv",
            "a/../../p.csv",
            "/etc/passwd",
            "..",
            "a\\..\\..\\p.csv",
        ] {
            assert!(!stays_inside(outside), "{outside}");
        }
    }
}
