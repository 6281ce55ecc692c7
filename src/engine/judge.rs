//! Judging a block's rows before anything is written, in the order read: a repeated key, a
//! unique value a record already holds, the map's dedupe, then the ledger's verdict (created,
//! updated or unchanged against what the last run wrote) and the writes of the rows that go on.
//!
//! A row's values are held as soon as it is judged, before the target answers. A row that
//! meets a value held by a row of the same round waits: the round ends before it, its writes
//! are answered, and it is judged in the next round against what truly landed.

use super::books::Books;
use super::claims::Claims;
use super::fate::Fate;
use super::fingerprints::{Fingerprint, Holder};
use super::first_rows::{Earlier, FirstRows};
use super::step::StepPlan;
use super::work::{Made, Out};
use crate::eval::shape::Fields;
use crate::io::block::Block;
use crate::io::target::{Write, WriteKind};
use crate::ir::{OnDuplicate, Outcome, Phase};
use crate::plan::Plan;
use rustc_hash::FxHashMap;
use serde_json::Value as Json;
use smallvec::SmallVec;
use std::ops::Range;

/// A row judged: settled already, made one with a record that holds its value, or going on to
/// the target with these writes.
pub enum Verdict {
    Settled(Fate),
    /// Deduped into the record with this id: its key now finds that record.
    Merged {
        fate: Fate,
        into: String,
    },
    Lands {
        outcome: Outcome,
        sent: Range<usize>,
        /// What the row holds, to let go should the target refuse it.
        held: Held,
    },
}

/// The unique values and dedupe value a row took hold of when it was judged.
pub struct Held {
    pub holder: Holder,
    pub values: SmallVec<[(usize, Fingerprint); 2]>,
    pub dedupe: Option<String>,
}

/// What a step remembers of its rows while it settles them: the keys read, and the dedupe
/// values of the records made, with the id of each and the line of the row that made it.
#[derive(Default)]
pub struct StepMemory {
    pub keys: FirstRows,
    pub dedupe: FxHashMap<String, (String, u64)>,
}

/// What judging reads and keeps across rows.
pub struct Judging<'j, 'p> {
    pub plan: &'p Plan,
    pub books: &'j mut Books<'p>,
    pub claims: &'j mut Claims,
    pub memory: &'j mut StepMemory,
    pub earlier: &'j mut Earlier<'j>,
    /// A snapshot target (files) is written whole every run; a live one only what changed.
    pub snapshot: bool,
}

/// One round: the verdicts of rows `from..next` and the writes they send.
pub struct Round<'a> {
    pub verdicts: Vec<Verdict>,
    pub batch: Vec<Write<'a>>,
    pub next: usize,
}

/// What a step's rows send and how they land: creates, updates (merges, second passes), or
/// link records.
pub fn kind(phase: Phase) -> (WriteKind, Outcome) {
    match phase {
        Phase::Create => (WriteKind::Create, Outcome::Created),
        Phase::Links => (WriteKind::Link, Outcome::Created),
        Phase::Merge | Phase::Deferred | Phase::Lookup => (WriteKind::Update, Outcome::Updated),
    }
}

/// Judges the block's rows from `from`, up to the first that must wait for this round's answers.
pub fn judge<'a>(
    j: &mut Judging,
    step_plan: &'a StepPlan,
    (block, out): (&Block, &'a Out),
    from: usize,
) -> Round<'a> {
    let mut round = Round {
        verdicts: Vec::new(),
        batch: Vec::new(),
        next: out.worked.len(),
    };
    let pending = Pending {
        step: Holder::step_of(step_plan.step.number),
        from_line: block.line(from.min(out.worked.len().saturating_sub(1))),
    };
    for (row, w) in out.worked.iter().enumerate().skip(from) {
        prefetch_values(j.claims, step_plan, out, row + PREFETCH_AHEAD);
        let key = &out.text[w.key.clone()];
        let line = block.line(row);
        // Every row's key is seen, taken by this map or not: a key names one row of the source.
        let seen = j.memory.keys.see(key, line, j.earlier);
        let made = match (&w.made, seen) {
            // A row the map does not take is passed over here, repeated or not.
            (Err(fate), _) if fate.outcome == Outcome::Skipped => {
                round.verdicts.push(Verdict::Settled(fate.clone()));
                continue;
            }
            (_, Err(first)) => {
                let fate = repeated(step_plan.phase(), key, first);
                round.verdicts.push(Verdict::Settled(fate));
                continue;
            }
            (Err(fate), Ok(())) => {
                round.verdicts.push(Verdict::Settled(fate.clone()));
                continue;
            }
            (Ok(made), Ok(())) => made,
        };
        let holder = Holder::new(step_plan.step.number, line);
        // The round's first row has no row before it to wait on: whatever holds its values
        // was answered (and a source whose lines repeat cannot stall the round).
        let waits_on = (row > from).then_some(&pending);
        let verdict = match held_elsewhere(j, step_plan, made, &out.json, waits_on) {
            Some(Meets::Waits) => {
                // Judged again next round, once the rows before it are answered.
                round.next = row;
                break;
            }
            Some(Meets::Settled(verdict)) => verdict,
            None => {
                let held = hold(j, step_plan, made, holder, line);
                lands(j, step_plan, made, key, &out.json, held, &mut round.batch)
            }
        };
        round.verdicts.push(verdict);
    }
    round
}

/// How many rows ahead the judge asks for the slots of the values it will look up.
const PREFETCH_AHEAD: usize = 8;

fn prefetch_values(claims: &Claims, step_plan: &StepPlan, out: &Out, row: usize) {
    let Some(Ok(made)) = out.worked.get(row).map(|w| &w.made) else {
        return;
    };
    for (at, hash) in step_plan.uniques.iter().zip(&made.uniques) {
        if let Some(hash) = *hash {
            claims.prefetch(at.table, hash);
        }
    }
}

/// The rows of this round, whose values are held but not yet answered: a row meeting one
/// must wait. Rows are judged in the order read, so they are this step's from this line on.
struct Pending {
    step: u8,
    from_line: u64,
}

impl Pending {
    fn holds(&self, holder: Holder) -> bool {
        holder.step == self.step && u64::from(holder.line) >= self.from_line
    }
}

/// What a row meets when its values are already held.
enum Meets {
    Settled(Verdict),
    Waits,
}

/// The verdict on a row some of whose values a record already holds, if any does.
fn held_elsewhere(
    j: &Judging,
    step_plan: &StepPlan,
    made: &Made,
    json: &[u8],
    pending: Option<&Pending>,
) -> Option<Meets> {
    // The map's own dedupe first: a row it makes one with a record is that record, and holds
    // that record's unique values already.
    if let Some(meets) = deduped(j, step_plan, (made, json), pending) {
        return Some(meets);
    }
    for (at, hash) in step_plan.uniques.iter().zip(&made.uniques) {
        let Some(hash) = *hash else { continue };
        let Some(taken) = j.claims.find(at.table, hash) else {
            continue;
        };
        if taken.id == Some(made.id.as_str()) {
            continue; // the record itself holds it: a merge or second pass writing it again
        }
        if pending.is_some_and(|p| p.holds(taken.holder)) {
            return Some(Meets::Waits);
        }
        let value = value_text(&json[made.json.clone()], &at.unique.wire);
        let what = format!("`{}` {value}", at.unique.dotted);
        let merges =
            at.unique.on_duplicate == OnDuplicate::Merge && step_plan.phase() == Phase::Create;
        return Some(Meets::Settled(match (merges, taken.id) {
            (true, Some(into)) => Verdict::Merged {
                fate: Fate::bad(
                    Outcome::Deduped,
                    "deduped",
                    format!("{what} is {}'s", held_by(j.plan, taken.holder)),
                ),
                into: into.to_string(),
            },
            _ => Verdict::Settled(Fate::bad(
                Outcome::Rejected,
                "duplicate",
                format!("{what} is already {}'s", held_by(j.plan, taken.holder)),
            )),
        }));
    }
    None
}

/// The verdict on a row the map's `dedupe by` makes one with a record made before, if it does.
fn deduped(
    j: &Judging,
    step_plan: &StepPlan,
    (made, json): (&Made, &[u8]),
    pending: Option<&Pending>,
) -> Option<Meets> {
    let dedupe = made.dedupe.as_ref()?;
    let (into, line) = j.memory.dedupe.get(dedupe)?;
    if pending.is_some_and(|p| *line >= p.from_line) {
        return Some(Meets::Waits);
    }
    // As a unique value's collision is told: "`emails.primaryEmail` a@x.com is the Person of
    // contacts.csv line 12 (map Contact_Person)".
    let members = &json[made.json.clone()];
    let paths = &step_plan.map.dedupe;
    let fields: Vec<String> = paths.iter().map(|p| format!("`{}`", p.dotted)).collect();
    let values: Vec<String> = paths.iter().map(|p| value_text(members, &p.wire)).collect();
    let holder = Holder::new(step_plan.step.number, *line);
    let why = format!(
        "{} {} is {}",
        fields.join(", "),
        values.join(", "),
        held_by(j.plan, holder)
    );
    Some(Meets::Settled(Verdict::Merged {
        fate: Fate::bad(Outcome::Deduped, "deduped", why),
        into: into.clone(),
    }))
}

/// Takes hold of the row's unique values and dedupe value for its record.
fn hold(j: &mut Judging, step_plan: &StepPlan, made: &Made, holder: Holder, line: u64) -> Held {
    let mut held = Held {
        holder,
        values: SmallVec::new(),
        dedupe: None,
    };
    for (at, hash) in step_plan.uniques.iter().zip(&made.uniques) {
        if let Some(hash) = *hash {
            if j.claims.hold(at.table, hash, holder, made.id.as_str()) {
                held.values.push((at.table, hash));
            }
        }
    }
    if let Some(d) = &made.dedupe {
        let record = (made.id.as_str().to_string(), line);
        j.memory.dedupe.insert(d.clone(), record);
        held.dedupe = Some(d.clone());
    }
    held
}

/// The ledger's verdict on a row going on, and its writes, appended to `batch`.
fn lands<'a>(
    j: &mut Judging,
    step_plan: &'a StepPlan,
    made: &'a Made,
    key: &str,
    json: &'a [u8],
    held: Held,
    batch: &mut Vec<Write<'a>>,
) -> Verdict {
    let (_, fresh) = kind(step_plan.phase());
    let outcome = match j.books.previous(&step_plan.key_name, key) {
        Err(fate) => return Verdict::Settled(fate),
        Ok(None) => fresh,
        Ok(Some(h)) if h == made.hash => Outcome::Unchanged,
        Ok(Some(_)) => Outcome::Updated,
    };
    let from = batch.len();
    if outcome != Outcome::Unchanged || j.snapshot {
        writes_of(step_plan, made, json, batch);
    }
    Verdict::Lands {
        outcome,
        sent: from..batch.len(),
        held,
    }
}

/// A row whose key an earlier row of the step had: rejected in a first pass, where it would
/// make a second record with the first one's id; in a later pass its record is the first row's,
/// not its own, so it is passed over.
fn repeated(phase: Phase, key: &str, first_line: u64) -> Fate {
    let outcome = match phase {
        Phase::Create | Phase::Merge | Phase::Lookup => Outcome::Rejected,
        Phase::Deferred | Phase::Links => Outcome::Skipped,
    };
    Fate::bad(
        outcome,
        "duplicate-key",
        format!(
            "key {} is also on line {first_line}, the row that is kept",
            crate::eval::index::key_shown(key)
        ),
    )
}

/// The row that holds a value, for a person to find it: `the Person of p.csv line 12 (map
/// P_Person)`.
fn held_by(plan: &Plan, holder: Holder) -> String {
    let step = plan.steps.get(usize::from(holder.step).saturating_sub(1));
    match step {
        Some(step) => {
            let map = plan.map(step);
            let p = &plan.program;
            format!(
                "the {} of {} line {} (map {})",
                p.object(map.object).name,
                p.source(map.source).file,
                holder.line,
                map.name
            )
        }
        None => format!("the record of line {}", holder.line),
    }
}

/// A unique value as the record has it, for a message (a record's members, its JSON without
/// braces).
fn value_text(members: &[u8], wire: &[String]) -> String {
    let mut whole = Vec::with_capacity(members.len() + 2);
    whole.push(b'{');
    whole.extend_from_slice(members);
    whole.push(b'}');
    let Ok(mut value) = serde_json::from_slice::<Json>(&whole) else {
        return String::new();
    };
    for part in wire {
        value = value.get(part).cloned().unwrap_or(Json::Null);
    }
    match value {
        Json::String(s) => s,
        other => other.to_string(),
    }
}

/// The writes of one made row, appended to `batch`.
fn writes_of<'a>(
    step_plan: &'a StepPlan,
    made: &'a Made,
    json: &'a [u8],
    batch: &mut Vec<Write<'a>>,
) {
    let (kind, _) = kind(step_plan.phase());
    if kind == WriteKind::Link {
        for (link, members, id) in &made.links {
            batch.push(Write {
                kind,
                object: step_plan.links[*link],
                id: Some(id.as_str()),
                fields: Fields {
                    json: &json[members.clone()],
                },
            });
        }
        return;
    }
    batch.push(Write {
        kind,
        object: step_plan.object,
        id: Some(made.id.as_str()),
        fields: Fields {
            json: &json[made.json.clone()],
        },
    });
}
