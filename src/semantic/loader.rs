//! Assembles a program: the root spec, the files it `use`s, and the stdlib modules it needs.
//! File access goes through [`FileSystem`], so the core does no I/O of its own.

use crate::diag::{did_you_mean, Code, Diagnostic};
use crate::span::{FileId, SourceDb, Span};
use crate::stdlib;
use crate::syntax::ast::{Item, Module, UseTarget};
use crate::syntax::{parse_file, parse_files, Parsed, MAX_FILE_BYTES};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Where spec files come from.
pub trait FileSystem: Sync {
    fn read(&self, path: &Path) -> Result<Vec<u8>, String>;
}

/// The real disk.
pub struct DiskFs;

impl FileSystem for DiskFs {
    fn read(&self, path: &Path) -> Result<Vec<u8>, String> {
        let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
        if meta.is_dir() {
            return Err("is a directory".into());
        }
        if meta.len() > (MAX_FILE_BYTES as u64) * 4 {
            // Read enough to report the size without loading a huge file.
            return Ok(vec![b' '; MAX_FILE_BYTES + 1]);
        }
        std::fs::read(path).map_err(|e| e.to_string())
    }
}

/// Files in memory, for tests.
#[derive(Default)]
pub struct MemoryFs(pub HashMap<PathBuf, Vec<u8>>);

impl MemoryFs {
    pub fn with(mut self, path: &str, text: &str) -> MemoryFs {
        self.0.insert(PathBuf::from(path), text.as_bytes().to_vec());
        self
    }
}

impl FileSystem for MemoryFs {
    fn read(&self, path: &Path) -> Result<Vec<u8>, String> {
        self.0
            .get(path)
            .cloned()
            .ok_or_else(|| "no such file".to_string())
    }
}

pub struct Unit {
    pub file: FileId,
    pub module: Module,
    /// An embedded stdlib module (its objects are standard, not custom).
    pub std: bool,
}

pub struct Program {
    pub root: FileId,
    pub units: Vec<Unit>,
}

/// Adds a file's bytes to `db`, reporting non-UTF-8 content at the first bad byte.
pub fn add_bytes(db: &mut SourceDb, name: &str, bytes: &[u8]) -> (FileId, Option<Diagnostic>) {
    match std::str::from_utf8(bytes) {
        Ok(text) => (db.add(name, text), None),
        Err(e) => {
            let at = e.valid_up_to();
            let id = db.add(name, String::from_utf8_lossy(bytes).into_owned());
            let d = Diagnostic::new(
                Code::NotUtf8,
                format!("this file is not valid UTF-8 (byte {at} is not)"),
            )
            .primary(Span::new(id, at, at + 1), "first invalid byte");
            (id, Some(d))
        }
    }
}

struct Loader<'a> {
    db: &'a mut SourceDb,
    fs: &'a dyn FileSystem,
    diags: Vec<Diagnostic>,
    units: Vec<Unit>,
    seen_files: HashMap<PathBuf, FileId>,
    seen_std: HashMap<String, FileId>,
    /// Stdlib modules parsed ahead, beside the root (see [`ahead`]).
    ready: HashMap<&'static str, (FileId, Parsed)>,
}

/// Loads `root` and everything it reaches. Returns `None` when the root itself is unusable.
pub fn load(
    db: &mut SourceDb,
    fs: &dyn FileSystem,
    root: &Path,
) -> (Option<Program>, Vec<Diagnostic>) {
    let mut l = Loader {
        db,
        fs,
        diags: Vec::new(),
        units: Vec::new(),
        seen_files: HashMap::new(),
        seen_std: HashMap::new(),
        ready: HashMap::new(),
    };
    let bytes = match l.fs.read(root) {
        Ok(b) => b,
        Err(e) => {
            let d = Diagnostic::new(
                Code::Unreadable,
                format!("cannot read `{}`: {e}", root.display()),
            );
            return (None, vec![d]);
        }
    };
    let root_id = l.add_root(root, &bytes);
    let mut next = 0;
    while next < l.units.len() {
        l.follow_uses(next);
        next += 1;
    }
    l.load_targets();
    let program = root_id.map(|root| Program {
        root,
        units: l.units,
    });
    (program, l.diags)
}

/// The stdlib modules a spec's text names (`to twenty`, `use std.ada`), found by a look at its
/// words before it is parsed. A guess: a module it names only in a comment is parsed for
/// nothing, and one it needs that the guess missed is parsed when it is asked for.
fn ahead(text: &str) -> Vec<&'static str> {
    let words: Vec<&str> = text
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .filter(|w| !w.is_empty())
        .collect();
    stdlib::names()
        .filter(|name| {
            let used = format!("std.{name}");
            words.windows(2).any(|w| w[0] == "to" && w[1] == *name)
                || words.contains(&used.as_str())
        })
        .collect()
}

impl Loader<'_> {
    /// The root file: parsed at once with the stdlib modules it names, in parallel (the
    /// stdlib's parse was a third of checking a small spec, every time).
    fn add_root(&mut self, path: &Path, bytes: &[u8]) -> Option<FileId> {
        let (id, bad) = add_bytes(self.db, &path.display().to_string(), bytes);
        self.seen_files.insert(path.to_path_buf(), id);
        if let Some(d) = bad {
            self.diags.push(d);
            return None;
        }
        let modules: Vec<(&'static str, FileId)> = ahead(self.db.text(id))
            .into_iter()
            .filter_map(|name| {
                let text = stdlib::module(name)?;
                Some((name, self.db.add(stdlib::display_name(name), text)))
            })
            .collect();
        let files: Vec<FileId> = std::iter::once(id)
            .chain(modules.iter().map(|&(_, module)| module))
            .collect();
        let mut parsed = parse_files(self.db, &files).into_iter();
        let root = parsed.next().unwrap_or((None, Vec::new()));
        let ready = modules
            .iter()
            .zip(parsed)
            .map(|(&(name, module), result)| (name, (module, result)));
        self.ready.extend(ready);
        self.keep(id, root, false);
        Some(id)
    }

    fn add_file(&mut self, path: &Path, bytes: &[u8]) -> Option<FileId> {
        let (id, bad) = add_bytes(self.db, &path.display().to_string(), bytes);
        self.seen_files.insert(path.to_path_buf(), id);
        if let Some(d) = bad {
            self.diags.push(d);
            return None;
        }
        self.parse(id, false);
        Some(id)
    }

    fn parse(&mut self, id: FileId, std: bool) {
        let parsed = parse_file(self.db, id);
        self.keep(id, parsed, std);
    }

    /// A file parsed: its findings, and its module.
    fn keep(&mut self, id: FileId, (module, diags): Parsed, std: bool) {
        self.diags.extend(diags);
        if let Some(module) = module {
            self.units.push(Unit {
                file: id,
                module,
                std,
            });
        }
    }

    fn follow_uses(&mut self, index: usize) {
        let file = self.units[index].file;
        let uses: Vec<(UseTarget, Span)> = self.units[index]
            .module
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Use(u) => Some((u.target.clone(), u.span)),
                _ => None,
            })
            .collect();
        for (target, span) in uses {
            match target {
                UseTarget::File(path) => self.use_file(file, &path.value, span),
                UseTarget::Module(parts) => {
                    let names: Vec<&str> = parts.iter().map(|p| p.name.as_str()).collect();
                    match names.as_slice() {
                        ["std", name] => {
                            self.use_std(name, span);
                        }
                        _ => self.diags.push(
                            Diagnostic::new(
                                Code::UnknownTarget,
                                format!("unknown module `{}`", names.join(".")),
                            )
                            .primary(span, "stdlib modules are named `std.NAME`"),
                        ),
                    }
                }
            }
        }
    }

    fn use_file(&mut self, from: FileId, rel: &str, span: Span) {
        let base = PathBuf::from(self.db.name(from));
        let path = base.parent().unwrap_or(Path::new("")).join(rel);
        if self.seen_files.contains_key(&path) {
            return;
        }
        match self.fs.read(&path) {
            Ok(bytes) => {
                self.add_file(&path, &bytes);
            }
            Err(e) => self.diags.push(
                Diagnostic::new(
                    Code::UseNotFound,
                    format!("cannot read `{}`: {e}", path.display()),
                )
                .primary(span, "used here"),
            ),
        }
    }

    /// Loads `std.NAME` once. Returns false when there is no such module.
    fn use_std(&mut self, name: &str, span: Span) -> bool {
        if self.seen_std.contains_key(name) {
            return true;
        }
        if let Some((id, parsed)) = self.ready.remove(name) {
            self.seen_std.insert(name.to_string(), id);
            self.keep(id, parsed, true);
            return true;
        }
        let Some(text) = stdlib::module(name) else {
            self.diags.push(
                Diagnostic::new(Code::UnknownTarget, format!("no stdlib module `{name}`"))
                    .primary(span, "not in the stdlib")
                    .help_opt(did_you_mean(name, stdlib::names())),
            );
            return false;
        };
        let id = self.db.add(stdlib::display_name(name), text);
        self.seen_std.insert(name.to_string(), id);
        self.parse(id, true);
        true
    }

    /// `to NAME` loads the stdlib module of that target unless a loaded file declares it.
    fn load_targets(&mut self) {
        let mut wanted = Vec::new();
        let mut declared = Vec::new();
        for unit in &self.units {
            for item in &unit.module.items {
                match item {
                    Item::Migration(m) => {
                        if let Some(to) = &m.to {
                            wanted.push(to.clone());
                        }
                    }
                    Item::Target(t) => declared.push(t.name.name.clone()),
                    _ => {}
                }
            }
        }
        for to in wanted {
            if !declared.contains(&to.name) && !self.use_std(&to.name, to.span) {
                if let Some(last) = self.diags.last_mut() {
                    last.message = format!("unknown target `{}`", to.name);
                }
            }
        }
    }
}
