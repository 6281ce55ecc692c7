//! The front end in one call: load → parse → check. Pure apart from the [`FileSystem`] it is given.

use crate::diag::{Diagnostic, Diagnostics};
use crate::ir;
use crate::plan::{self, Plan};
use crate::semantic;
use crate::semantic::loader::{self, FileSystem, Program};
use crate::span::SourceDb;
use sha2::{Digest, Sha256};
use std::path::Path;

pub struct Compilation {
    pub db: SourceDb,
    /// The files as parsed: the root, what it `use`s, the stdlib modules it needs.
    pub program: Option<Program>,
    /// The checked program, when there was a header to check against.
    pub ir: Option<ir::Program>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Compilation {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// `sha256:…` of the spec's own files (the root, then what it `use`s, in load order; each
    /// as its length and bytes): what a plan and a sign-off document are pinned to. The stdlib
    /// belongs to the mapc version, which a plan records beside it.
    pub fn spec_hash(&self) -> String {
        let mut h = Sha256::new();
        for unit in self.program.iter().flat_map(|p| &p.units) {
            if unit.std {
                continue;
            }
            let text = self.db.text(unit.file);
            h.update((text.len() as u64).to_le_bytes());
            h.update(text.as_bytes());
        }
        let digest = h.finalize();
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        format!("sha256:{hex}")
    }

    /// The plan of a spec that checked without errors.
    /// Lets the spec read exports outside the data folder (`--allow-outside-data`): its
    /// E0217 findings are dropped.
    pub fn allow_outside_data(&mut self) {
        self.diagnostics
            .retain(|d| d.code != crate::diag::Code::SourceOutsideData);
    }

    pub fn plan(&self) -> Option<Plan> {
        if self.has_errors() {
            return None;
        }
        Some(plan::build(self.ir.clone()?, self.spec_hash()))
    }
}

/// Compiles the spec at `path`. Every finding is in `diagnostics`, sorted by position.
pub fn compile(fs: &dyn FileSystem, path: &Path) -> Compilation {
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .stack_size(crate::syntax::STACK_BYTES)
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
    let mut checked = None;
    if let Some(p) = &program {
        let (ir, more) = semantic::check(p);
        diags.extend(more);
        checked = ir;
    }
    Compilation {
        db,
        program,
        ir: checked,
        diagnostics: Diagnostics(diags).sorted(),
    }
}

/// Compiles a spec held in memory (tests, the language server, fuzzing).
pub fn compile_str(name: &str, text: &str) -> Compilation {
    let fs = loader::MemoryFs::default().with(name, text);
    compile(&fs, Path::new(name))
}
