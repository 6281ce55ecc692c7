//! Checks each `map` block: its target paths, values, identity and dedupe keys, required fields,
//! and records the lookups that order the load.

use super::assign::{self, link_targets};
use super::env::{Env, Scope, Usage};
use super::expr::ExprChecker;
use super::types::Typed;
use super::uniques;
use crate::diag::{did_you_mean, Code, Diagnostic};
use crate::ir::{self, Assignment, Edge, Field, FieldPath, FieldType, LookupTarget, MapId};
use crate::ir::{Merge, Object, ObjectId, PathLookup};
use crate::span::Span;
use crate::syntax::ast::{self, MapStmt};
use std::collections::HashMap;

pub struct MapChecker<'a> {
    pub env: &'a Env,
    pub usage: &'a mut Usage,
    pub diags: &'a mut Vec<Diagnostic>,
    pub edges: Vec<Edge>,
    /// Where each edge's lookup is written, parallel to `edges`.
    pub edge_spans: Vec<Span>,
}

/// Where an assignment's lookups are: the map, its object and the field they feed.
#[derive(Clone, Copy)]
struct Reached<'o> {
    map: MapId,
    object: &'o Object,
    field: &'o str,
}

/// A resolved path as the IR names it: its top-level field and its wire path.
fn field_path(object: &Object, path: &ast::FieldPath) -> Option<FieldPath> {
    let first = path.parts.first()?;
    let field = object.field_id(&first.name)?;
    let mut wire = vec![object.field_at(field).api.clone()];
    wire.extend(path.parts[1..].iter().map(|p| p.name.clone()));
    Some(FieldPath {
        dotted: path.dotted(),
        field,
        wire,
    })
}

pub fn map_name(m: &ast::MapDecl) -> String {
    match &m.alias {
        Some(a) => a.name.clone(),
        None => format!("{}_{}", m.source.name, m.target.name),
    }
}

impl<'a> MapChecker<'a> {
    fn expr(&mut self, source: &str, e: &ast::Expr) -> Typed {
        let mut checker = ExprChecker {
            env: self.env,
            scope: Scope::Row(source),
            usage: self.usage,
            diags: self.diags,
        };
        checker.check(e)
    }

    pub fn unhandled(&mut self, t: &Typed, what: &str) {
        if let Some(span) = t.fallible {
            self.diags.push(
                Diagnostic::new(
                    Code::Unhandled,
                    format!("{what} can fail, and nothing says what happens then"),
                )
                .primary(span, "this can fail")
                .help("end it with `?? fallback` or `?? reject \"reason\"`"),
            );
        }
    }

    /// Checks map `m`, which gets id `id` when it checks (None: it cannot be run at all).
    pub fn check(&mut self, m: &ast::MapDecl, id: MapId) -> Option<ir::Map> {
        let name = map_name(m);
        let Some(source_id) = self.env.sources.get(&m.source.name).map(|s| s.id) else {
            let names: Vec<&str> = self.env.sources.keys().map(String::as_str).collect();
            self.diags.push(
                Diagnostic::new(
                    Code::UnknownSource,
                    format!("unknown source `{}`", m.source.name),
                )
                .primary(m.source.span, "no `source` has this name")
                .help_opt(did_you_mean(&m.source.name, names)),
            );
            return None;
        };
        let env: &'a Env = self.env;
        let (Some(object), Some(object_id)) = (
            env.schema.object(&m.target.name),
            env.schema.object_id(&m.target.name),
        ) else {
            self.diags.push(
                Diagnostic::new(
                    Code::UnknownObject,
                    format!("unknown object `{}`", m.target.name),
                )
                .primary(m.target.span, "not an object of this target")
                .help_opt(did_you_mean(&m.target.name, self.env.schema.object_names())),
            );
            return None;
        };
        if object.readonly {
            self.diags.push(
                Diagnostic::new(
                    Code::ReadonlyField,
                    format!("`{}` cannot be written", object.name),
                )
                .primary(m.target.span, "a read-only object of the target")
                .help("owners are matched by email with `owner(email) on missing …`"),
            );
        }
        let source = m.source.name.as_str();
        let when = m.when.as_ref().map(|w| {
            let t = self.expr(source, w);
            if t.ty != super::types::Ty::Bool && !t.ty.is_lenient() {
                self.diags.push(
                    Diagnostic::new(
                        Code::NotBoolean,
                        format!("`when` needs true or false, found {}", t.ty.name()),
                    )
                    .primary(w.span, "not a condition"),
                );
            }
            self.unhandled(&t, "this condition");
            t.ir
        });
        let merge = m
            .merge
            .as_ref()
            .and_then(|mg| self.merge(source, object, mg));
        let mut info = ir::Map {
            name,
            source: source_id,
            object: object_id,
            when,
            merge,
            identity: None,
            dedupe: Vec::new(),
            assignments: Vec::new(),
            lossy: Vec::new(),
            uniques: Vec::new(),
        };
        let mut assigned: HashMap<String, Span> = HashMap::new();
        let mut policies = Vec::new();
        for stmt in &m.stmts {
            if let MapStmt::OnDuplicate { path, action, span } = stmt {
                policies.push(uniques::Policy {
                    path,
                    action: *action,
                    span: *span,
                });
                continue;
            }
            self.stmt(m, id, object, stmt, &mut info, &mut assigned);
        }
        info.uniques = uniques::of_map(
            object,
            &info.assignments,
            &info.dedupe,
            &policies,
            self.diags,
        );
        if m.merge.is_none() {
            self.required(m, object, &assigned);
        }
        Some(info)
    }

    fn merge(&mut self, source: &str, object: &'a Object, mg: &ast::MergeClause) -> Option<Merge> {
        let key = self.expr(source, &mg.key);
        self.unhandled(&key, "this merge key");
        let object_id = self.env.schema.object_id(&object.name);
        let merged = self.env.sources.get(&mg.source.name).map(|s| s.id);
        let made = merged.and_then(|s| self.env.made_from.get(&s));
        if merged.is_none() {
            let names: Vec<&str> = self.env.sources.keys().map(String::as_str).collect();
            self.diags.push(
                Diagnostic::new(
                    Code::UnknownSource,
                    format!("unknown source `{}`", mg.source.name),
                )
                .primary(mg.source.span, "no `source` has this name")
                .help_opt(did_you_mean(&mg.source.name, names)),
            );
        } else if !made.is_some_and(|objs| object_id.is_some_and(|o| objs.contains(&o))) {
            self.diags.push(
                Diagnostic::new(
                    Code::LookupUnmapped,
                    format!(
                        "no map makes a `{}` from `{}`, so there is nothing to merge into",
                        object.name, mg.source.name
                    ),
                )
                .primary(mg.source.span, "merged into here"),
            );
        }
        self.usage.looked_up.insert(mg.source.name.clone());
        let Some(miss) = &mg.miss else {
            self.diags.push(
                Diagnostic::new(
                    Code::NoMissPolicy,
                    "this merge does not say what happens when the record is missing",
                )
                .primary(mg.span, "no miss policy")
                .help("add `on missing reject | skip | hold`"),
            );
            return None;
        };
        Some(Merge {
            source: merged?,
            key: key.ir,
            miss: miss.action.clone(),
        })
    }

    fn stmt(
        &mut self,
        m: &ast::MapDecl,
        id: MapId,
        object: &'a Object,
        stmt: &MapStmt,
        info: &mut ir::Map,
        assigned: &mut HashMap<String, Span>,
    ) {
        match stmt {
            MapStmt::Assign {
                path,
                value,
                deferred,
                ..
            } => {
                let a = self.assign(m, id, object, path, value, *deferred, assigned);
                info.assignments.extend(a);
            }
            MapStmt::Identity { path, value, .. } => {
                let Some(field) = self.identity(object, path) else {
                    return;
                };
                info.identity = Some(field);
                if let Some(v) = value {
                    let a = self.assign(m, id, object, path, v, false, assigned);
                    info.assignments.extend(a);
                }
            }
            MapStmt::Dedupe { paths, .. } => {
                for p in paths {
                    if self.resolve(object, p, Code::DedupeNotField).is_some() {
                        info.dedupe.extend(field_path(object, p));
                    }
                }
            }
            MapStmt::Lossy { note, .. } => info.lossy.push(note.value.clone()),
            // Taken before the other statements, by `map`.
            MapStmt::OnDuplicate { .. } => {}
        }
    }

    /// Resolves a target path, reporting `code` with "did you mean" when it does not exist.
    fn resolve(
        &mut self,
        object: &'a Object,
        path: &ast::FieldPath,
        code: Code,
    ) -> Option<(&'a Field, &'a Field)> {
        let parts: Vec<&str> = path.parts.iter().map(|p| p.name.as_str()).collect();
        let env: &'a Env = self.env;
        match env.schema.resolve_path(object, &parts) {
            PathLookup::Found { top, leaf } => Some((top, leaf)),
            PathLookup::Missing { at, within } => {
                let part = &path.parts[at.min(path.parts.len() - 1)];
                let owner = if at == 0 {
                    format!("`{}`", object.name)
                } else {
                    format!("`{}`", parts[..at].join("."))
                };
                let kind = if code == Code::UnknownField {
                    "field"
                } else {
                    "target field"
                };
                let d = Diagnostic::new(code, format!("{owner} has no {kind} `{}`", part.name))
                    .primary(part.span, "unknown field")
                    .help_opt(
                        did_you_mean(&part.name, within.iter().map(|f| f.name.as_str())).or_else(
                            || {
                                (at == 0).then(|| {
                                    format!(
                                        "declare it: `extend {} {{ {} text }}`",
                                        object.name, part.name
                                    )
                                })
                            },
                        ),
                    );
                self.diags.push(d);
                None
            }
            PathLookup::NotComposite { at, field } => {
                let part = &path.parts[at.min(path.parts.len() - 1)];
                self.diags.push(
                    Diagnostic::new(
                        code,
                        format!(
                            "`{}` is {} and has no subfields",
                            field.name,
                            env.schema.describe(&field.ty)
                        ),
                    )
                    .primary(part.span, "no such subfield"),
                );
                None
            }
        }
    }

    /// Checks an identity key; None when the path does not exist (already reported).
    fn identity(&mut self, object: &'a Object, path: &ast::FieldPath) -> Option<FieldPath> {
        let (top, _) = self.resolve(object, path, Code::IdentityNotField)?;
        let sub = path.parts.get(1).map(|p| p.name.as_str());
        let unique = match (&top.unique, sub) {
            (Some(None), None) => true,
            (Some(Some(u)), Some(s)) => u == s,
            _ => false,
        };
        if !unique {
            self.diags.push(
                Diagnostic::new(
                    Code::IdentityNotUnique,
                    format!(
                        "`{}.{}` is not unique, so it cannot be an identity",
                        object.name,
                        path.dotted()
                    ),
                )
                .primary(path.span, "not a unique field")
                .help(format!(
                    "declare a unique field: `extend {} {{ sourceSystemId text unique }}`",
                    object.name
                )),
            );
        }
        field_path(object, path)
    }

    #[allow(clippy::too_many_arguments)]
    fn assign(
        &mut self,
        m: &ast::MapDecl,
        id: MapId,
        object: &'a Object,
        path: &ast::FieldPath,
        value: &ast::Expr,
        deferred: bool,
        assigned: &mut HashMap<String, Span>,
    ) -> Option<Assignment> {
        let mut typed = self.expr(&m.source.name, value);
        let (top, leaf) = self.resolve(object, path, Code::UnknownField)?;
        let dotted = path.dotted();
        if let Some(first) = assigned.insert(dotted.clone(), path.span) {
            self.diags.push(
                Diagnostic::new(Code::MappedTwice, format!("`{dotted}` is mapped twice"))
                    .primary(path.span, "mapped again here")
                    .context(first, "first mapped here"),
            );
        }
        if leaf.readonly || top.readonly {
            self.diags.push(
                Diagnostic::new(
                    Code::ReadonlyField,
                    format!("`{}.{dotted}` is read-only in the target", object.name),
                )
                .primary(path.span, "cannot be written"),
            );
        }
        self.unhandled(&typed, &format!("the value of `{dotted}`"));
        let target = assign::Target {
            schema: &self.env.schema,
            object: &object.name,
            path: &dotted,
            field: leaf,
            span: path.span,
        };
        let column = match (&value.kind, &typed.ir) {
            (ast::ExprKind::Name(name), ir::Expr::Column { .. }) => Some(name.name.as_str()),
            _ => None,
        };
        let found = assign::check(&target, &typed, value.span, column);
        self.diags.extend(found);
        let reached = Reached {
            map: id,
            object,
            field: &dotted,
        };
        self.resolve_lookups(reached, &leaf.ty, deferred, &mut typed);
        Some(Assignment {
            path: field_path(object, path)?,
            value: typed.ir,
            deferred,
        })
    }

    /// Points each record lookup at the object this field accepts, and records load-order edges.
    fn resolve_lookups(&mut self, at: Reached, ty: &FieldType, deferred: bool, typed: &mut Typed) {
        let schema = &self.env.schema;
        let (accepted, orders) = match ty {
            FieldType::Relation { objects } => (objects.clone(), true),
            // Link records are written last, but their lookups are decided with the record
            // (a miss rejects or holds the row before anything is written), so what they point
            // at loads first, as for a relation.
            FieldType::Links { object: link } => (link_targets(schema, *link), true),
            _ => return,
        };
        let made_from = &self.env.made_from;
        let candidates = |source: &ir::SourceId| -> Vec<ObjectId> {
            let made = made_from.get(source).map(Vec::as_slice).unwrap_or_default();
            made.iter()
                .filter(|o| accepted.contains(o))
                .copied()
                .collect()
        };
        // A lookup finds the one object the field accepts of those its source's maps make;
        // one that names its object (`as Person`) keeps it.
        typed.ir.walk_mut(&mut |e| {
            if let ir::Expr::Lookup {
                source,
                target: LookupTarget::Record { object },
                ..
            } = e
            {
                if let (false, Some(&found)) =
                    (accepted.contains(object), candidates(source).first())
                {
                    *object = found;
                }
            }
        });
        for l in typed.lookups.iter().filter(|l| l.named.is_none()) {
            let found = candidates(&l.source);
            if found.len() > 1 {
                let names: Vec<&str> = found
                    .iter()
                    .map(|o| schema.object_at(*o).name.as_str())
                    .collect();
                self.diags.push(ambiguous(at.field, &names, l.span));
            }
        }
        if deferred || !orders {
            return;
        }
        let Some(object) = schema.object_id(&at.object.name) else {
            return;
        };
        for l in &typed.lookups {
            let deps = match &l.named {
                Some(named) => named.clone(),
                None => candidates(&l.source).into_iter().take(1).collect(),
            };
            for dep in deps {
                self.edges.push(Edge {
                    object,
                    depends_on: dep,
                    map: at.map,
                    field: at.field.to_string(),
                });
                self.edge_spans.push(l.span);
            }
        }
    }

    fn required(&mut self, m: &ast::MapDecl, object: &Object, assigned: &HashMap<String, Span>) {
        for f in &object.fields {
            if !f.required || f.default.is_some() || f.readonly {
                continue;
            }
            let mapped = assigned
                .keys()
                .any(|p| p == &f.name || p.starts_with(&format!("{}.", f.name)));
            if !mapped {
                self.diags.push(
                    Diagnostic::new(
                        Code::RequiredUnmapped,
                        format!(
                            "`{}.{}` is required, and this map does not set it",
                            object.name, f.name
                        ),
                    )
                    .primary(m.target.span, format!("`{}` is not mapped", f.name))
                    .help(format!("add `{} = …` to this map", f.name)),
                );
            }
        }
    }
}

/// A lookup into a field that accepts more than one of the objects its source's maps make.
fn ambiguous(field: &str, objects: &[&str], span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::AmbiguousLookup,
        format!(
            "`{field}` accepts a {}, and this lookup's source makes each: which one is meant?",
            objects.join(" and a ")
        ),
    )
    .primary(span, "could find any of them")
    .help(format!(
        "name the object: `lookup …(…) as {}`, or `as {}` for whichever the row made",
        objects.first().copied().unwrap_or("Object"),
        objects.join(" | ")
    ))
}
