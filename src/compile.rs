//! The front end in one call: load → parse → check. Pure apart from the [`FileSystem`] it is given.

use crate::diag::{Diagnostic, Diagnostics};
use crate::semantic::loader::{self, FileSystem, Program};
use crate::semantic::{self, Model};
use crate::span::SourceDb;
use std::path::Path;

pub struct Compilation {
    pub db: SourceDb,
    pub program: Option<Program>,
    pub model: Option<Model>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Compilation {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Stack for the recursive passes: with the nesting and chain limits, deep enough for any input
/// on any calling thread (test threads and language-server workers get 2 MiB by default).
const STACK_BYTES: usize = 64 * 1024 * 1024;

/// Compiles the spec at `path`. Every finding is in `diagnostics`, sorted by position.
pub fn compile(fs: &dyn FileSystem, path: &Path) -> Compilation {
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .stack_size(STACK_BYTES)
            .spawn_scoped(scope, || compile_here(fs, path));
        match worker.map(|w| w.join()) {
            Ok(Ok(c)) => c,
            // No thread could be had (or it died): compile here rather than not at all.
            _ => compile_here(fs, path),
        }
    })
}

fn compile_here(fs: &dyn FileSystem, path: &Path) -> Compilation {
    let mut db = SourceDb::new();
    let (program, mut diags) = loader::load(&mut db, fs, path);
    let mut model = None;
    if let Some(p) = &program {
        let (m, more) = semantic::check(p);
        diags.extend(more);
        model = m;
    }
    Compilation {
        db,
        program,
        model,
        diagnostics: Diagnostics(diags).sorted(),
    }
}

/// Compiles a spec held in memory (tests, the language server, fuzzing).
pub fn compile_str(name: &str, text: &str) -> Compilation {
    let fs = loader::MemoryFs::default().with(name, text);
    compile(&fs, Path::new(name))
}
