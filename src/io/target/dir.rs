//! `dir:OUT`: `OUT/<api>.jsonl` with one created record a line (its `id` first), and
//! `OUT/<api>.updates.jsonl` with `{"id", "fields"}` for merges and second-pass writes; link
//! records go to their link object's file. A file never refuses a record: every write is
//! written, or the run stops (a full disk).

use super::{Answer, Ids, Target, TargetError, Write, WriteKind};
use crate::eval::shape::write_str;
use std::fs::File;
use std::io::{BufWriter, Write as _};
use std::path::PathBuf;

pub struct DirTarget {
    dir: PathBuf,
    /// Open files by (object api name, suffix); few, so a list.
    files: Vec<((String, String), BufWriter<File>)>,
    line: Vec<u8>,
}

impl DirTarget {
    /// Every run writes the whole snapshot, so the previous run's record files are cleared
    /// first (an object with no records this time must not keep last time's file).
    pub fn new(dir: PathBuf) -> Result<DirTarget, TargetError> {
        std::fs::create_dir_all(&dir).map_err(TargetError::io(&dir))?;
        for entry in std::fs::read_dir(&dir).map_err(TargetError::io(&dir))? {
            let path = entry.map_err(TargetError::io(&dir))?.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if name.ends_with(".jsonl") && !name.starts_with('_') {
                std::fs::remove_file(&path).map_err(TargetError::io(&path))?;
            }
        }
        Ok(DirTarget {
            dir,
            files: Vec::new(),
            line: Vec::with_capacity(1024),
        })
    }

    /// Builds one write's line in `self.line`: `{"id": …, <members>}` for a create,
    /// `{"id": …, "fields": {…}}` for an update, the record itself for a link.
    fn line(&mut self, w: &Write) {
        let line = &mut self.line;
        line.clear();
        match w.kind {
            WriteKind::Create => {
                line.extend_from_slice(b"{\"id\":");
                write_str(line, w.id.unwrap_or_default());
                if !w.fields.json.is_empty() {
                    line.push(b',');
                    line.extend_from_slice(w.fields.json);
                }
                line.push(b'}');
            }
            WriteKind::Update => {
                line.extend_from_slice(b"{\"id\":");
                write_str(line, w.id.unwrap_or_default());
                line.extend_from_slice(b",\"fields\":{");
                line.extend_from_slice(w.fields.json);
                line.extend_from_slice(b"}}");
            }
            WriteKind::Link => {
                line.extend_from_slice(b"{\"id\":");
                write_str(line, w.id.unwrap_or_default());
                line.push(b',');
                line.extend_from_slice(w.fields.json);
                line.push(b'}');
            }
        }
        line.push(b'\n');
    }

    /// Appends the line built in `self.line` to the file `<api><suffix>`.
    fn append(&mut self, api: &str, suffix: &str) -> Result<(), TargetError> {
        // Looked up by the two parts: no file name is built per record.
        let found = self
            .files
            .iter_mut()
            .position(|((a, s), _)| a == api && s == suffix);
        let i = match found {
            Some(i) => i,
            None => {
                let path = super::file_in(&self.dir, &format!("{api}{suffix}"))?;
                let f = File::create(&path).map_err(TargetError::io(&path))?;
                self.files.push((
                    (api.to_string(), suffix.to_string()),
                    BufWriter::with_capacity(1 << 20, f),
                ));
                self.files.len() - 1
            }
        };
        let ((a, s), file) = &mut self.files[i];
        // The file's path is made only for an error: this runs for every record.
        file.write_all(&self.line).map_err(|error| TargetError::Io {
            path: self.dir.join(format!("{a}{s}")),
            error,
        })
    }
}

#[async_trait::async_trait(?Send)]
impl Target for DirTarget {
    fn ids(&self) -> Ids {
        Ids::Accepted
    }

    fn snapshot(&self) -> bool {
        true
    }

    async fn write(&mut self, batch: &[Write<'_>]) -> Result<Vec<Answer>, TargetError> {
        for w in batch {
            self.line(w);
            let suffix = match w.kind {
                WriteKind::Update => ".updates.jsonl",
                WriteKind::Create | WriteKind::Link => ".jsonl",
            };
            self.append(&w.object.api, suffix)?;
        }
        Ok(vec![Answer::WRITTEN; batch.len()])
    }

    async fn finish(&mut self) -> Result<(), TargetError> {
        for ((api, suffix), f) in &mut self.files {
            f.flush()
                .map_err(TargetError::io(self.dir.join(format!("{api}{suffix}"))))?;
        }
        Ok(())
    }
}
