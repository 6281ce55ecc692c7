//! Stage 3: checked model → plan: the schema changes to apply first, the load order with the
//! reason for each edge, and one step per map and pass. `mapc run` executes this.

pub mod ir;
pub mod render;

use crate::semantic::model::{GapInfo, MigrationInfo};
use crate::semantic::schema::{FieldType, SchemaChange, TargetInfo};
use crate::semantic::Model;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Creates (or upserts) records.
    Create,
    /// Writes into records another map created (many:1).
    Merge,
    /// Writes `deferred` fields once every object exists.
    Deferred,
    /// Creates link records (Twenty task/note targets) once both ends exist.
    Links,
    /// Reads a source that only lookups use (no map): in run reports, never a plan step.
    Lookup,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Step {
    pub number: usize,
    pub phase: Phase,
    pub map: String,
    pub source: String,
    pub object: String,
    /// The fields this step writes.
    pub fields: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OrderEntry {
    pub object: String,
    /// Why it comes after others: "after Company: Person.company looks up Company (map Patient_Person)".
    pub after: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Plan {
    pub migration: MigrationInfo,
    pub target: TargetInfo,
    pub schema_changes: Vec<SchemaChange>,
    pub load_order: Vec<OrderEntry>,
    pub steps: Vec<Step>,
    pub gaps: Vec<GapInfo>,
    /// `(map, what it knowingly does not carry)`.
    pub lossy: Vec<(String, String)>,
    /// Everything needed to execute the steps.
    pub model: Model,
}

/// Builds the plan. Pure: same model, same plan.
pub fn build(model: Model) -> Plan {
    let load_order = model
        .order
        .iter()
        .map(|object| OrderEntry {
            object: object.clone(),
            after: reasons(&model, object),
        })
        .collect();
    let steps = steps(&model);
    let lossy = model
        .maps
        .iter()
        .flat_map(|m| m.lossy.iter().map(|l| (m.name.clone(), l.clone())))
        .collect();
    Plan {
        migration: model.migration.clone(),
        target: model.schema.target.clone(),
        schema_changes: model.schema.changes.clone(),
        load_order,
        steps,
        gaps: model.gaps.clone(),
        lossy,
        model,
    }
}

fn reasons(model: &Model, object: &str) -> Vec<String> {
    let mut out: Vec<String> = model
        .edges
        .iter()
        .filter(|e| e.object == object && e.depends_on != object)
        .map(|e| {
            format!(
                "after {}: {}.{} looks it up (map {})",
                e.depends_on, e.object, e.field, e.map
            )
        })
        .collect();
    out.dedup();
    out
}

pub fn is_link_field(model: &Model, object: &str, path: &str) -> bool {
    let Some(obj) = model.schema.object(object) else {
        return false;
    };
    let top = path.split('.').next().unwrap_or(path);
    match obj.field(top).map(|f| &f.ty) {
        Some(FieldType::Links { object }) => model.schema.object(object).is_some_and(|o| o.link),
        _ => false,
    }
}

fn steps(model: &Model) -> Vec<Step> {
    let mut out = Vec::new();
    let mut push = |phase: Phase, m: &crate::semantic::model::MapInfo, fields: Vec<String>| {
        out.push(Step {
            number: 0,
            phase,
            map: m.name.clone(),
            source: m.source.clone(),
            object: m.object.clone(),
            fields,
        });
    };
    for object in &model.order {
        for merge in [false, true] {
            for m in model
                .maps
                .iter()
                .filter(|m| &m.object == object && m.merge.is_some() == merge)
            {
                let fields = m
                    .assignments
                    .iter()
                    .filter(|a| !a.deferred && !is_link_field(model, &m.object, &a.path))
                    .map(|a| a.path.clone())
                    .collect();
                push(if merge { Phase::Merge } else { Phase::Create }, m, fields);
            }
        }
    }
    for (phase, pick) in [(Phase::Deferred, true), (Phase::Links, false)] {
        for object in &model.order {
            for m in model.maps.iter().filter(|m| &m.object == object) {
                let fields: Vec<String> = m
                    .assignments
                    .iter()
                    .filter(|a| {
                        if pick {
                            a.deferred
                        } else {
                            is_link_field(model, &m.object, &a.path)
                        }
                    })
                    .map(|a| a.path.clone())
                    .collect();
                if !fields.is_empty() {
                    push(phase, m, fields);
                }
            }
        }
    }
    for (i, s) in out.iter_mut().enumerate() {
        s.number = i + 1;
    }
    out
}
