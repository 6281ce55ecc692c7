//! The run's edges held in memory: rows given directly, records kept, exceptions gathered. What
//! `mapc test` runs a spec's tests against, and what tests of the engine use.

use crate::io::report::{Exception, Sink};
use crate::io::source::{blocks_from_rows, BlockSink, RawRow, SourceError, Sources};
use crate::io::target::{Answer, Ids, RecordStore, Target, TargetError, Write, WriteKind};
use crate::ir::{Outcome, Source};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// Rows given directly, by source name (the `given` rows of a spec test).
#[derive(Default)]
pub struct MemorySources {
    pub rows: HashMap<String, Vec<RawRow<'static>>>,
    pub users: Vec<(String, String)>,
}

impl Sources for MemorySources {
    fn read_blocks(
        &self,
        source: &Source,
        rows: usize,
        each: &mut BlockSink,
    ) -> Result<(), SourceError> {
        let given = self.rows.get(&source.name).into_iter().flatten().cloned();
        blocks_from_rows(given, source, rows, each)
    }

    fn users(&self, _: &str) -> Result<Vec<(String, String)>, SourceError> {
        Ok(self.users.clone())
    }
}

/// The records a run created, merges and second passes applied; shared, so the caller reads
/// them after the engine is done with its copy.
#[derive(Clone, Default)]
pub struct MemoryTarget(pub Rc<RefCell<RecordStore>>);

#[async_trait::async_trait(?Send)]
impl Target for MemoryTarget {
    fn ids(&self) -> Ids {
        Ids::Accepted
    }

    fn snapshot(&self) -> bool {
        true
    }

    async fn write(&mut self, batch: &[Write<'_>]) -> Result<Vec<Answer>, TargetError> {
        let mut store = self.0.borrow_mut();
        let answers = batch.iter().map(|w| {
            let record = match w.fields.to_map() {
                Ok(r) => r,
                Err(e) => {
                    return Answer::Refused {
                        reason: e.to_string(),
                    }
                }
            };
            let id = w.id.unwrap_or_default();
            match w.kind {
                WriteKind::Create | WriteKind::Link => store.create(&w.object.name, id, &record),
                WriteKind::Update => store.update(&w.object.name, id, &record),
            }
            Answer::WRITTEN
        });
        Ok(answers.collect())
    }

    async fn finish(&mut self) -> Result<(), TargetError> {
        Ok(())
    }
}

/// One row that did not land: its outcome, source, key and reason.
#[derive(Debug, Clone, PartialEq)]
pub struct Kept {
    pub outcome: Outcome,
    pub source: String,
    pub key: String,
    pub reason: String,
}

/// The rows that did not land, gathered; shared like [`MemoryTarget`].
#[derive(Clone, Default)]
pub struct MemorySink(pub Rc<RefCell<Vec<Kept>>>);

impl Sink for MemorySink {
    fn exception(&mut self, e: &Exception) -> std::io::Result<()> {
        self.0.borrow_mut().push(Kept {
            outcome: e.outcome,
            source: e.source.to_string(),
            key: e.key.to_string(),
            reason: e.reason.to_string(),
        });
        Ok(())
    }

    fn finish(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
