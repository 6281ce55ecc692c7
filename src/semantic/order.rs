//! Load order: derived from the lookups, checked against an explicit `order`, cycles reported
//! with their path.

use super::model::Edge;
use crate::diag::{Code, Diagnostic};
use crate::span::Span;
use crate::syntax::ast::OrderDecl;
use std::collections::{BTreeMap, BTreeSet};

/// The mapped objects in load order. `objects` is in first-mapped order (the tie-break).
pub fn derive(
    objects: &[String],
    edges: &[Edge],
    spans: &[Span],
    explicit: Option<&OrderDecl>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<String> {
    if let Some(cycle) = find_cycle(objects, edges) {
        diags.push(cycle_diagnostic(&cycle, edges, spans));
    }
    match explicit {
        Some(order) => check_explicit(order, objects, edges, spans, diags),
        None => topo(objects, edges),
    }
}

fn deps<'e>(edges: &'e [Edge], object: &'e str) -> impl Iterator<Item = &'e str> {
    edges
        .iter()
        .filter(move |e| e.object == object)
        .map(|e| e.depends_on.as_str())
}

/// Kahn's algorithm, taking ready objects in their first-mapped order; objects left in a cycle
/// are appended so the order is total.
pub fn topo(objects: &[String], edges: &[Edge]) -> Vec<String> {
    let mut placed: Vec<String> = Vec::new();
    let mut left: Vec<&String> = objects.iter().collect();
    while !left.is_empty() {
        let ready = left.iter().position(|o| {
            deps(edges, o).all(|d| {
                d == o.as_str() || placed.iter().any(|p| p == d) || !objects.iter().any(|x| x == d)
            })
        });
        let idx = ready.unwrap_or(0);
        placed.push(left.remove(idx).clone());
    }
    placed
}

/// A cycle as a path `[a, b, …, a]`, if any (a self-lookup is a cycle of one).
pub fn find_cycle(objects: &[String], edges: &[Edge]) -> Option<Vec<String>> {
    let mut state: BTreeMap<&str, u8> = BTreeMap::new();
    for start in objects {
        let mut stack: Vec<&str> = Vec::new();
        if let Some(c) = dfs(start, edges, &mut state, &mut stack) {
            return Some(c);
        }
    }
    None
}

fn dfs<'e>(
    node: &'e str,
    edges: &'e [Edge],
    state: &mut BTreeMap<&'e str, u8>,
    stack: &mut Vec<&'e str>,
) -> Option<Vec<String>> {
    match state.get(node) {
        Some(2) => return None,
        Some(1) => {
            let from = stack.iter().position(|n| *n == node).unwrap_or(0);
            let mut path: Vec<String> = stack[from..].iter().map(|s| s.to_string()).collect();
            path.push(node.to_string());
            return Some(path);
        }
        _ => {}
    }
    state.insert(node, 1);
    stack.push(node);
    let next: BTreeSet<&str> = deps(edges, node).collect();
    for n in next {
        if let Some(c) = dfs(n, edges, state, stack) {
            return Some(c);
        }
    }
    stack.pop();
    state.insert(node, 2);
    None
}

fn cycle_diagnostic(cycle: &[String], edges: &[Edge], spans: &[Span]) -> Diagnostic {
    let path = cycle.join(" → ");
    let mut d = Diagnostic::new(Code::Cycle, format!("dependency cycle: {path}"));
    for pair in cycle.windows(2) {
        if let Some(i) = edges
            .iter()
            .position(|e| e.object == pair[0] && e.depends_on == pair[1])
        {
            let e = &edges[i];
            let span = spans.get(i).copied().unwrap_or_default();
            let label = format!(
                "`{}.{}` needs a `{}` first",
                e.object, e.field, e.depends_on
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
    order: &OrderDecl,
    objects: &[String],
    edges: &[Edge],
    spans: &[Span],
    diags: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let named: Vec<&str> = order.objects.iter().map(|o| o.name.as_str()).collect();
    for o in &order.objects {
        let repeated = named.iter().filter(|n| **n == o.name).count() > 1;
        if !objects.contains(&o.name) || repeated {
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
    for o in objects {
        if !named.contains(&o.as_str()) {
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
    let pos = |n: &str| named.iter().position(|x| *x == n);
    for (i, e) in edges.iter().enumerate() {
        if e.object == e.depends_on {
            continue;
        }
        if let (Some(a), Some(b)) = (pos(&e.object), pos(&e.depends_on)) {
            if a < b {
                let span = spans.get(i).copied().unwrap_or_default();
                diags.push(
                    Diagnostic::new(
                        Code::OrderContradicts,
                        format!(
                            "the order loads `{}` before `{}`, but `{}.{}` looks up a `{}`",
                            e.object, e.depends_on, e.object, e.field, e.depends_on
                        ),
                    )
                    .primary(span, format!("needs a `{}` to exist", e.depends_on))
                    .context(
                        order.objects[a].span,
                        format!("`{}` is loaded here", e.object),
                    )
                    .context(
                        order.objects[b].span,
                        format!("`{}` only here", e.depends_on),
                    ),
                );
            }
        }
    }
    let mut out: Vec<String> = named
        .iter()
        .filter(|n| objects.iter().any(|o| o == *n))
        .map(|s| s.to_string())
        .collect();
    out.dedup();
    out.extend(
        objects
            .iter()
            .filter(|o| !out.contains(o))
            .cloned()
            .collect::<Vec<_>>(),
    );
    out
}
