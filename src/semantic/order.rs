//! Load order: derived from the lookups, checked against an explicit `order`, cycles reported
//! with their path.

use crate::diag::{Code, Diagnostic};
use crate::ir::{Edge, ObjectId, Schema};
use crate::span::Span;
use crate::syntax::ast::OrderDecl;
use std::collections::{BTreeMap, BTreeSet};

/// The mapped objects in load order. `objects` is in first-mapped order (the tie-break).
pub fn derive(
    schema: &Schema,
    objects: &[ObjectId],
    edges: &[Edge],
    spans: &[Span],
    explicit: Option<&OrderDecl>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<ObjectId> {
    if let Some(cycle) = find_cycle(objects, edges) {
        diags.push(cycle_diagnostic(schema, &cycle, edges, spans));
    }
    match explicit {
        Some(order) => check_explicit(schema, order, objects, edges, spans, diags),
        None => topo(objects, edges),
    }
}

fn deps(edges: &[Edge], object: ObjectId) -> impl Iterator<Item = ObjectId> + '_ {
    edges
        .iter()
        .filter(move |e| e.object == object)
        .map(|e| e.depends_on)
}

/// Kahn's algorithm, taking ready objects in their first-mapped order; objects left in a cycle
/// are appended so the order is total.
pub fn topo(objects: &[ObjectId], edges: &[Edge]) -> Vec<ObjectId> {
    let mut placed: Vec<ObjectId> = Vec::new();
    let mut left: Vec<ObjectId> = objects.to_vec();
    while !left.is_empty() {
        let ready = left.iter().position(|&o| {
            deps(edges, o).all(|d| d == o || placed.contains(&d) || !objects.contains(&d))
        });
        let idx = ready.unwrap_or(0);
        placed.push(left.remove(idx));
    }
    placed
}

/// A cycle as a path `[a, b, …, a]`, if any (a self-lookup is a cycle of one).
pub fn find_cycle(objects: &[ObjectId], edges: &[Edge]) -> Option<Vec<ObjectId>> {
    let mut state: BTreeMap<ObjectId, u8> = BTreeMap::new();
    for &start in objects {
        let mut stack: Vec<ObjectId> = Vec::new();
        if let Some(c) = dfs(start, edges, &mut state, &mut stack) {
            return Some(c);
        }
    }
    None
}

fn dfs(
    node: ObjectId,
    edges: &[Edge],
    state: &mut BTreeMap<ObjectId, u8>,
    stack: &mut Vec<ObjectId>,
) -> Option<Vec<ObjectId>> {
    match state.get(&node) {
        Some(2) => return None,
        Some(1) => {
            let from = stack.iter().position(|n| *n == node).unwrap_or(0);
            let mut path: Vec<ObjectId> = stack[from..].to_vec();
            path.push(node);
            return Some(path);
        }
        _ => {}
    }
    state.insert(node, 1);
    stack.push(node);
    let next: BTreeSet<ObjectId> = deps(edges, node).collect();
    for n in next {
        if let Some(c) = dfs(n, edges, state, stack) {
            return Some(c);
        }
    }
    stack.pop();
    state.insert(node, 2);
    None
}

fn cycle_diagnostic(
    schema: &Schema,
    cycle: &[ObjectId],
    edges: &[Edge],
    spans: &[Span],
) -> Diagnostic {
    let name = |o: ObjectId| schema.object_at(o).name.as_str();
    let path: Vec<&str> = cycle.iter().map(|o| name(*o)).collect();
    let mut d = Diagnostic::new(
        Code::Cycle,
        format!("dependency cycle: {}", path.join(" → ")),
    );
    for pair in cycle.windows(2) {
        if let Some(i) = edges
            .iter()
            .position(|e| e.object == pair[0] && e.depends_on == pair[1])
        {
            let e = &edges[i];
            let span = spans.get(i).copied().unwrap_or_default();
            let label = format!(
                "`{}.{}` needs a `{}` first",
                name(e.object),
                e.field,
                name(e.depends_on)
            );
            d = if d.labels.is_empty() {
                d.primary(span, label)
            } else {
                d.context(span, label)
            };
        }
    }
    d.help("mark one of these fields `deferred` to write it in a second pass")
}

fn check_explicit(
    schema: &Schema,
    order: &OrderDecl,
    objects: &[ObjectId],
    edges: &[Edge],
    spans: &[Span],
    diags: &mut Vec<Diagnostic>,
) -> Vec<ObjectId> {
    let name = |o: ObjectId| schema.object_at(o).name.as_str();
    let named: Vec<&str> = order.objects.iter().map(|o| o.name.as_str()).collect();
    let mapped = |n: &str| objects.iter().any(|o| name(*o) == n);
    for o in &order.objects {
        let repeated = named.iter().filter(|n| **n == o.name).count() > 1;
        if !mapped(&o.name) || repeated {
            let why = if repeated {
                "named twice"
            } else {
                "not a mapped object"
            };
            diags.push(
                Diagnostic::new(
                    Code::OrderIncomplete,
                    format!("`{}` in the order is {why}", o.name),
                )
                .primary(o.span, why),
            );
        }
    }
    for &o in objects {
        let o = name(o);
        if !named.contains(&o) {
            diags.push(
                Diagnostic::new(
                    Code::OrderIncomplete,
                    format!("the order leaves out `{o}`, which is mapped"),
                )
                .primary(order.span, format!("`{o}` is missing"))
                .help(format!("add `{o}` to the order")),
            );
        }
    }
    let pos = |o: ObjectId| named.iter().position(|x| *x == name(o));
    for (i, e) in edges.iter().enumerate() {
        if e.object == e.depends_on {
            continue;
        }
        if let (Some(a), Some(b)) = (pos(e.object), pos(e.depends_on)) {
            if a < b {
                let span = spans.get(i).copied().unwrap_or_default();
                let (object, first) = (name(e.object), name(e.depends_on));
                diags.push(
                    Diagnostic::new(
                        Code::OrderContradicts,
                        format!(
                            "the order loads `{object}` before `{first}`, but `{object}.{}` looks up a `{first}`",
                            e.field
                        ),
                    )
                    .primary(span, format!("needs a `{first}` to exist"))
                    .context(order.objects[a].span, format!("`{object}` is loaded here"))
                    .context(order.objects[b].span, format!("`{first}` only here")),
                );
            }
        }
    }
    let mut out: Vec<ObjectId> = named
        .iter()
        .filter_map(|n| objects.iter().copied().find(|o| name(*o) == *n))
        .collect();
    out.dedup();
    let rest: Vec<ObjectId> = objects
        .iter()
        .filter(|o| !out.contains(o))
        .copied()
        .collect();
    out.extend(rest);
    out
}
