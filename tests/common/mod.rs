//! What several test files share.

/// The five seed migrations, each a spec in `specs/` with example exports in `examples/data/`.
pub const SEED_SPECS: &[&str] = &[
    "rsoft-to-twenty",
    "rsoft-to-freshsales",
    "rsoft-to-nutshell",
    "clinic-to-twenty",
    "dentosoft-to-twenty",
];
