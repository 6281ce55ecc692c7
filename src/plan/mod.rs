//! Stage 3: the checked program → the plan: the program itself, and one step per map and pass
//! saying exactly what the step writes, in load order. The plan is the artefact `mapc run`
//! executes (`mapc plan --format json` writes it, `mapc run --plan FILE` reads it back: see
//! `file.rs`), pinned to the spec's content hash and the mapc version that made it.

pub mod file;
pub mod render;
mod validate;

use crate::ir::{self, FieldType, MapId, ObjectId, Phase};
use serde::{Deserialize, Serialize};

pub use validate::validate;

/// The mapc that makes (and alone may run) a plan.
pub const MAPC_VERSION: &str = env!("CARGO_PKG_VERSION");

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Plan {
    /// The version of mapc that made the plan; another version refuses to run it.
    pub mapc: String,
    /// `sha256:…` of the spec's files (the root and what it `use`s, not the stdlib, which is
    /// the mapc version's): the same hash as the sign-off document.
    pub spec_hash: String,
    pub program: ir::Program,
    /// In the order they run.
    pub steps: Vec<Step>,
}

/// One pass of one map over its source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    /// From 1, in run order.
    pub number: usize,
    pub phase: Phase,
    pub map: MapId,
    /// The map's assignments this step writes, by their place in the map, in order.
    pub writes: Vec<usize>,
    /// Assignments the step evaluates but does not write, for what their misses decide: a
    /// create step checks its link fields, whose records a later step writes, so a lookup that
    /// rejects or holds the row does so before its record is written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<usize>,
}

impl Plan {
    pub fn map(&self, step: &Step) -> &ir::Map {
        self.program.map(step.map)
    }

    /// The durable name of a step's history in the ledger: the map's name in lower case and
    /// the phase (`patient_person#create`). The checker refuses two maps whose names differ
    /// only in case, so no two steps share one.
    pub fn step_key(&self, step: &Step) -> String {
        step_key(&self.map(step).name, step.phase)
    }

    /// The dotted paths a step writes, for people.
    pub fn written(&self, step: &Step) -> Vec<&str> {
        let map = self.map(step);
        step.writes
            .iter()
            .filter_map(|&i| map.assignments.get(i))
            .map(|a| a.path.dotted.as_str())
            .collect()
    }
}

/// The ledger's key for the history of `name`'s steps of `phase` (the layout of the ledger
/// writes these down: `io::ledger::schema`).
pub fn step_key(name: &str, phase: Phase) -> String {
    format!("{}#{}", name.to_lowercase(), phase.key())
}

/// The ledger's key for the rows of a source read only by lookups.
pub fn lookup_step_key(source: &str) -> String {
    step_key(source, Phase::Lookup)
}

/// Builds the plan. Pure: same program, same plan.
pub fn build(program: ir::Program, spec_hash: String) -> Plan {
    let steps = steps(&program);
    Plan {
        mapc: MAPC_VERSION.to_string(),
        spec_hash,
        program,
        steps,
    }
}

/// Whether an assignment of `object` writes a links field whose records are link records
/// (Twenty's task and note targets), which wait until both ends exist.
pub fn is_link_field(program: &ir::Program, object: ObjectId, path: &ir::FieldPath) -> bool {
    let field = program.object(object).field_at(path.field);
    match field.ty {
        FieldType::Links { object } => program.object(object).link,
        _ => false,
    }
}

/// The phase an assignment is written in: link records after every create, deferred fields
/// in the second pass, the rest with the record (create or merge).
fn phase_of(program: &ir::Program, map: &ir::Map, a: &ir::Assignment) -> Phase {
    if is_link_field(program, map.object, &a.path) {
        Phase::Links
    } else if a.deferred {
        Phase::Deferred
    } else if map.merge.is_some() {
        Phase::Merge
    } else {
        Phase::Create
    }
}

/// Every map's first pass (creates, then merges, object by object in load order), then the
/// second passes, then the link records. A map always has its first pass; the later ones only
/// when it writes something in them.
fn steps(program: &ir::Program) -> Vec<Step> {
    let mut out = Vec::new();
    let mut push = |phase: Phase, id: MapId, map: &ir::Map| {
        let writes: Vec<usize> = (0..map.assignments.len())
            .filter(|&i| phase_of(program, map, &map.assignments[i]) == phase)
            .collect();
        let first_pass = matches!(phase, Phase::Create | Phase::Merge);
        let checks: Vec<usize> = match phase {
            Phase::Create | Phase::Merge => (0..map.assignments.len())
                .filter(|&i| {
                    let a = &map.assignments[i];
                    !a.deferred && phase_of(program, map, a) == Phase::Links
                })
                .collect(),
            _ => Vec::new(),
        };
        if first_pass || !writes.is_empty() {
            out.push(Step {
                number: out.len() + 1,
                phase,
                map: id,
                writes,
                checks,
            });
        }
    };
    let in_order = |object: ObjectId| {
        program
            .maps
            .iter()
            .enumerate()
            .filter(move |(_, m)| m.object == object)
            .map(|(i, m)| (MapId::new(i), m))
    };
    for &object in &program.order {
        for merge in [false, true] {
            for (id, m) in in_order(object).filter(|(_, m)| m.merge.is_some() == merge) {
                push(if merge { Phase::Merge } else { Phase::Create }, id, m);
            }
        }
    }
    for phase in [Phase::Deferred, Phase::Links] {
        for &object in &program.order {
            for (id, m) in in_order(object) {
                push(phase, id, m);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every ledger's id map is keyed by these: a renamed phase or a changed form would orphan
    /// every record a re-run must find, so they are pinned here.
    #[test]
    fn step_keys_never_change() {
        let keys: Vec<&str> = [
            Phase::Create,
            Phase::Merge,
            Phase::Deferred,
            Phase::Links,
            Phase::Lookup,
        ]
        .iter()
        .map(|p| p.key())
        .collect();
        assert_eq!(keys, ["create", "merge", "deferred", "links", "lookup"]);
        assert_eq!(
            step_key("Patient_Person", Phase::Create),
            "patient_person#create"
        );
        assert_eq!(
            step_key("plan_procedure_fields", Phase::Merge),
            "plan_procedure_fields#merge"
        );
        assert_eq!(lookup_step_key("Carrier"), "carrier#lookup");
    }
}
