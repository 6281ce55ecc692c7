//! A plan step made ready to run: its map, source and object found once, the expressions it
//! evaluates compiled, the record shape its written fields make.

use super::claims::{Claims, UniqueAt};
use super::contract::Contract;
use crate::eval::index::key_columns;
use crate::eval::node::Node;
use crate::eval::shape::Shape;
use crate::ir::{self, FieldType, Object, ObjectId, Phase, SourceId};
use crate::plan::{Plan, Step};

pub struct StepPlan<'p> {
    pub step: &'p Step,
    /// Its source may hold sensitive values: its rows' reasons are looked at before shown.
    pub sensitive: bool,
    /// The step's durable name in the ledger (`plan::step_key`).
    pub key_name: String,
    pub map: &'p ir::Map,
    pub source_id: SourceId,
    pub source: &'p ir::Source,
    pub object_id: ObjectId,
    pub object: &'p Object,
    /// Where the source's key columns sit in a typed row.
    pub key_columns: Vec<usize>,
    pub when: Option<Node>,
    /// The values of the assignments the step writes, in order: slot `i` is the step's `i`-th.
    pub values: Vec<Node>,
    /// The values it evaluates only for what their misses decide (a create step's link fields).
    pub checks: Vec<Node>,
    pub merge_key: Option<Node>,
    /// Where each written value goes in the record.
    pub shape: Shape,
    /// For a links step, each written field's link object.
    pub links: Vec<&'p Object>,
    /// The unique values the step writes, and where they are among its written values.
    pub uniques: Vec<UniqueAt<'p>>,
    /// What the target refuses of the values it writes.
    pub contract: Contract,
}

impl<'p> StepPlan<'p> {
    pub fn new(plan: &'p Plan, step: &'p Step, claims: &Claims) -> StepPlan<'p> {
        let p = &plan.program;
        let map = plan.map(step);
        let source = p.source(map.source);
        let object = p.object(map.object);
        let written: Vec<&ir::Assignment> =
            step.writes.iter().map(|&i| &map.assignments[i]).collect();
        let shape = Shape::new(
            written
                .iter()
                .enumerate()
                .map(|(slot, a)| (slot, a.path.wire.as_slice())),
        );
        let links = match step.phase {
            Phase::Links => written
                .iter()
                .filter_map(|a| match object.field_at(a.path.field).ty {
                    FieldType::Links { object } => Some(p.object(object)),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        let uniques = map
            .uniques
            .iter()
            .filter_map(|unique| {
                let (slot, within) = shape.locate(&unique.wire)?;
                Some(UniqueAt {
                    unique,
                    table: claims.table(map.object, &unique.wire)?,
                    slot,
                    within,
                })
            })
            .collect();
        StepPlan {
            step,
            sensitive: source.holds_sensitive(p.migration.sensitive),
            uniques,
            contract: Contract::new(object, written.iter().copied()),
            key_name: plan.step_key(step),
            map,
            source_id: map.source,
            source,
            object_id: map.object,
            object,
            key_columns: key_columns(source),
            when: map.when.as_ref().map(Node::compile),
            values: written.iter().map(|a| Node::compile(&a.value)).collect(),
            checks: step
                .checks
                .iter()
                .map(|&i| Node::compile(&map.assignments[i].value))
                .collect(),
            merge_key: map.merge.as_ref().map(|m| Node::compile(&m.key)),
            shape,
            links,
        }
    }

    pub fn phase(&self) -> Phase {
        self.step.phase
    }
}

/// The wire name of the link object's relation to `object` (Twenty: `targetPersonId`), or
/// `target<Object>Id` for custom objects the link object gains automatically.
pub fn link_field(program: &ir::Program, link: &Object, object: Option<ObjectId>) -> String {
    let named = |o: ObjectId| {
        link.fields
            .iter()
            .find(|f| matches!(&f.ty, FieldType::Relation { objects } if objects.contains(&o)))
    };
    match object {
        Some(o) => named(o)
            .map(|f| f.api.clone())
            .unwrap_or_else(|| format!("target{}Id", program.object(o).name)),
        None => "targetId".to_string(),
    }
}
