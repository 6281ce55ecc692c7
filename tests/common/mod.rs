//! What several test files share (each uses a part, so the rest is dead code to it).
#![allow(dead_code)]

use std::path::Path;

/// The five seed migrations, each a spec in `specs/` with example exports in `examples/data/`.
pub const SEED_SPECS: &[&str] = &[
    "rsoft-to-twenty",
    "rsoft-to-freshsales",
    "rsoft-to-nutshell",
    "clinic-to-twenty",
    "dentosoft-to-twenty",
];

/// A directory of its own under the system temp dir, removed (with all it holds) when dropped,
/// so test runs leave nothing behind. It derefs to its path.
pub struct Scratch(tempfile::TempDir);

impl Scratch {
    /// A new empty directory whose name starts with `mapc-{tag}-`.
    pub fn new(tag: &str) -> Scratch {
        let dir = tempfile::Builder::new()
            .prefix(&format!("mapc-{tag}-"))
            .tempdir()
            .expect("a temp dir");
        Scratch(dir)
    }

    /// Writes `name` in the directory; returns its path.
    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> std::path::PathBuf {
        let path = self.0.path().join(name);
        std::fs::write(&path, bytes).expect("write a temp file");
        path
    }
}

impl std::ops::Deref for Scratch {
    type Target = Path;
    fn deref(&self) -> &Path {
        self.0.path()
    }
}

impl AsRef<Path> for Scratch {
    fn as_ref(&self) -> &Path {
        self.0.path()
    }
}
