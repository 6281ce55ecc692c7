//! Settling rows, on the engine's thread, block after block in the order read: each round of a
//! block's rows judged (`judge.rs`), its writes sent to the target, and then each row's one
//! outcome by the target's answers, recorded in the books (`books.rs`).

use super::books::{Books, RowAt};
use super::claims::Claims;
use super::fate::Fate;
use super::first_rows::Earlier;
use super::judge::{judge, Held, Judging, StepMemory, Verdict};
use super::step::StepPlan;
use super::work::{Made, Out};
use super::RunError;
use crate::io::block::Block;
use crate::io::ledger::Id;
use crate::io::report::StepCounts;
use crate::io::source::Original;
use crate::io::target::{Answer, Target, Write};
use crate::ir::Outcome;
use crate::plan::Plan;

/// What became of a row that is in the target afterwards: written into the record with this
/// id (its own, or for a merge the record merged into), or made one with the record whose id
/// it names (deduped).
pub enum Landed<'a> {
    Made(&'a str),
    Into(&'a str),
}

/// The outcome of a row the ledger let through, by the target's answers to its writes: one
/// refusal rejects it, with the target's reasons.
fn answered(outcome: Outcome, answers: &[Answer]) -> (Fate, Option<&str>) {
    // The usual answer, every write written with mapc's id, costs no more than a look.
    if answers.iter().all(|a| *a == Answer::WRITTEN) {
        return (Fate::ok(outcome), None);
    }
    let refused: Vec<&str> = answers
        .iter()
        .filter_map(|a| match a {
            Answer::Refused { reason } => Some(reason.as_str()),
            Answer::Written { .. } => None,
        })
        .collect();
    if !refused.is_empty() {
        return (
            Fate::bad(Outcome::Rejected, "target", refused.join("; ")),
            None,
        );
    }
    let given = answers.iter().find_map(|a| match a {
        Answer::Written { id: Some(id) } => Some(id.as_str()),
        _ => None,
    });
    (Fate::ok(outcome), given)
}

/// The target and what runs it: the engine's thread drives an asynchronous target to the end
/// of each batch before settling its rows. It keeps the unique values the run's records hold.
pub struct Desk<'p> {
    pub plan: &'p Plan,
    pub target: Box<dyn Target + 'p>,
    pub runtime: tokio::runtime::Runtime,
    pub books: Books<'p>,
    pub claims: Claims,
}

impl Desk<'_> {
    /// Settles a worked block's rows in order. `landed` is told the key of each row whose
    /// record is in the target afterwards. A target that fails stops the run: the block's
    /// rows are then left unsettled, for the next run to redo.
    pub fn settle(
        &mut self,
        step_plan: &StepPlan,
        (block, out): (&Block, &Out),
        counts: &mut StepCounts,
        memory: &mut StepMemory,
        earlier: &mut Earlier,
        landed: &mut dyn FnMut(&str, Landed),
    ) {
        let mut from = 0;
        while from < out.worked.len() {
            let snapshot = self.target.snapshot();
            let mut judging = Judging {
                plan: self.plan,
                books: &mut self.books,
                claims: &mut self.claims,
                memory,
                earlier,
                snapshot,
            };
            let round = judge(&mut judging, step_plan, (block, out), from);
            let answers = match self.send(&round.batch) {
                Ok(a) => a,
                Err(e) => return self.books.fail(e),
            };
            for (row, verdict) in (from..round.next).zip(round.verdicts) {
                let w = &out.worked[row];
                let key = &out.text[w.key.clone()];
                let fate = self.outcome(key, &w.made, verdict, &answers, memory, landed);
                let at = RowAt {
                    line: block.line(row),
                    key,
                    original: Original::Block { block, row },
                };
                self.books.tally(step_plan, counts, &fate, at);
            }
            from = round.next;
        }
    }

    /// A judged row's outcome, once its writes are answered: what it landed as is remembered
    /// for the id map and told to `landed`; a refused row lets go of the values it held.
    fn outcome(
        &mut self,
        key: &str,
        made: &Result<Made, Fate>,
        verdict: Verdict,
        answers: &[Answer],
        memory: &mut StepMemory,
        landed: &mut dyn FnMut(&str, Landed),
    ) -> Fate {
        match verdict {
            Verdict::Settled(fate) => fate,
            Verdict::Merged { fate, into } => {
                if let Some(l) = &mut self.books.ledger {
                    l.remember(key, Id::parse(&into), 0);
                }
                landed(key, Landed::Into(&into));
                fate
            }
            Verdict::Lands {
                outcome,
                sent,
                held,
            } => {
                let (fate, given) = answered(outcome, &answers[sent]);
                match (made, fate.outcome.landed()) {
                    (Ok(made), true) => {
                        self.remember(key, made, outcome, given);
                        landed(key, Landed::Made(made.id.as_str()));
                    }
                    _ => self.let_go(held, memory),
                }
                fate
            }
        }
    }

    /// A row the target refused holds nothing: its values are free for the rows after it.
    fn let_go(&mut self, held: Held, memory: &mut StepMemory) {
        for (table, value) in held.values {
            self.claims.release(table, value, held.holder);
        }
        if let Some(d) = held.dedupe {
            memory.dedupe.remove(&d);
        }
    }

    /// Sends a batch, holding the target to one answer per write.
    fn send(&mut self, batch: &[Write]) -> Result<Vec<Answer>, RunError> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        let answers = self.runtime.block_on(self.target.write(batch))?;
        if answers.len() != batch.len() {
            return Err(RunError::Target(crate::io::target::TargetError::Answers {
                writes: batch.len(),
                answers: answers.len(),
            }));
        }
        Ok(answers)
    }

    /// The id and content a row landed with, for the id map (its entry comes next).
    fn remember(&mut self, key: &str, made: &Made, outcome: Outcome, given: Option<&str>) {
        let (Some(l), true) = (&mut self.books.ledger, outcome != Outcome::Unchanged) else {
            return;
        };
        let id = match given {
            Some(id) => Id::Text(id.to_string()),
            None => Id::of(&made.id),
        };
        l.remember(key, id, made.hash);
    }

    /// Takes what a settled block's evaluation counted (owners no user has) into the books,
    /// and empties its buffers for the next block.
    pub fn absorb(&mut self, out: &mut Out) {
        for (email, n) in std::mem::take(&mut out.unmatched) {
            *self.books.unmatched.entry(email).or_default() += n;
        }
        out.worked.clear();
        out.text.clear();
        out.json.clear();
    }

    pub fn finish(&mut self) -> Result<(), RunError> {
        self.runtime.block_on(self.target.finish())?;
        self.books.sink.finish().map_err(RunError::Exceptions)
    }
}
