//! Stage 2: AST → checked model. Resolves every name against the stdlib target schema and the
//! spec, types every expression, and derives the load order. Reports every finding, not the first.

mod assign;
mod build_schema;
pub mod builtins;
mod decls;
mod each;
mod env;
mod expr;
pub mod formats;
pub mod loader;
mod maps;
mod order;
mod sources;
mod spec_tests;
pub mod types;
mod uniques;
mod unread;

use crate::diag::{Code, Diagnostic};
use crate::ir::{self, MapId, ObjectId};
use crate::span::FileId;
use crate::syntax::ast::{self, Item};
use env::{Env, Usage};
use loader::{Program, Unit};

/// Checks a loaded program into the IR. The IR is `None` only when there is no header to check
/// against.
pub fn check(program: &Program) -> (Option<ir::Program>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let header = header(program, &mut diags);
    let Some(migration) = header else {
        library(program, &mut diags);
        return (None, diags);
    };
    let schema = build_schema::build(&program.units, &migration.target, &mut diags);
    if schema.objects.is_empty() {
        // The target itself is unknown (already reported): every object name would be noise.
        library(program, &mut diags);
        return (None, diags);
    }
    let mut env = Env {
        schema,
        migration,
        ..Env::default()
    };
    let model = check_items(program, &mut env, &mut diags);
    (Some(model), diags)
}

fn items(units: &[Unit]) -> impl Iterator<Item = (&Item, bool, FileId)> {
    units
        .iter()
        .flat_map(|u| u.module.items.iter().map(move |i| (i, u.std, u.file)))
}

/// The root's migration header. A file with none is a library module (checked on its own).
fn header(program: &Program, diags: &mut Vec<Diagnostic>) -> Option<ir::Migration> {
    let root = program.units.iter().find(|u| u.file == program.root)?;
    let headers: Vec<&ast::Migration> = root
        .module
        .items
        .iter()
        .filter_map(|i| {
            if let Item::Migration(m) = i {
                Some(m)
            } else {
                None
            }
        })
        .collect();
    for extra in headers.iter().skip(1) {
        diags.push(
            Diagnostic::new(Code::Header, "a spec has exactly one migration header")
                .primary(extra.span, "second header")
                .context(headers[0].span, "first header"),
        );
    }
    let Some(m) = headers.first() else {
        let first_map = root.module.items.iter().find_map(|i| {
            if let Item::Map(m) = i {
                Some(m.span)
            } else {
                None
            }
        });
        if let Some(span) = first_map {
            diags.push(
                Diagnostic::new(Code::Header, "this spec has maps but no migration header")
                    .primary(span, "a map needs a target")
                    .help("start the file with `migration \"…\" { from \"…\"  to twenty }`"),
            );
        }
        return None;
    };
    let Some(to) = &m.to else {
        diags.push(
            Diagnostic::new(
                Code::Header,
                "the migration header does not name its target",
            )
            .primary(m.span, "no `to`")
            .help("add `to twenty`, `to freshsales` or `to nutshell`"),
        );
        return None;
    };
    if let Some(users) = m.users.as_ref() {
        if !ir::names::stays_inside(&users.value) {
            diags.push(sources::outside_data(users));
        }
    }
    Some(ir::Migration {
        title: m.title.value.clone(),
        from: m.from.as_ref().map(|f| f.value.clone()),
        target: to.name.clone(),
        default_owner: m.default_owner.as_ref().map(|o| o.value.clone()),
        users_file: m.users.as_ref().map(|u| u.value.clone()),
        sensitive: m.sensitive,
    })
}

/// A module without a header: its value tables, sources and functions are still checked.
fn library(program: &Program, diags: &mut Vec<Diagnostic>) {
    let mut env = Env::default();
    let mut usage = Usage::default();
    declarations(program, &mut env, &mut usage, diags);
}

struct Declared {
    sources: Vec<ir::Source>,
    tables: Vec<ir::Table>,
    functions: Vec<ir::Function>,
}

fn declarations(
    program: &Program,
    env: &mut Env,
    usage: &mut Usage,
    diags: &mut Vec<Diagnostic>,
) -> Declared {
    let mut sources = Vec::new();
    let mut tables = Vec::new();
    let mut fns = Vec::new();
    for (item, std, _) in items(&program.units) {
        match item {
            Item::Source(s) => sources.extend(sources::source(s, env, diags)),
            Item::Values(v) => tables.extend(decls::table(v, std, env, diags)),
            Item::Fn(f) => fns.push(f),
            _ => {}
        }
    }
    decls::declare_fns(&fns, env, diags);
    let functions = decls::check_fns(&fns, env, usage, diags);
    Declared {
        sources,
        tables,
        functions,
    }
}

fn check_items(program: &Program, env: &mut Env, diags: &mut Vec<Diagnostic>) -> ir::Program {
    let mut usage = Usage::default();
    let declared = declarations(program, env, &mut usage, diags);
    let map_decls: Vec<&ast::MapDecl> = items(&program.units)
        .filter_map(|(i, _, _)| if let Item::Map(m) = i { Some(m) } else { None })
        .collect();
    record_made_from(&map_decls, env);
    let mut checker = maps::MapChecker {
        env,
        usage: &mut usage,
        diags,
        edges: Vec::new(),
        edge_spans: Vec::new(),
    };
    let mut maps = Vec::new();
    let mut names: Vec<(String, crate::span::Span)> = Vec::new();
    for m in &map_decls {
        let name = maps::map_name(m);
        if let Some((first_name, first)) = names.iter().find(|(n, _)| same_map_name(n, &name)) {
            checker
                .diags
                .push(duplicate_map(&name, first_name, m.span, *first));
        }
        names.push((name, m.span));
        maps.extend(checker.check(m, MapId::new(maps.len())));
    }
    let (edges, spans) = (checker.edges, checker.edge_spans);
    let explicit = items(&program.units).find_map(|(i, _, _)| {
        if let Item::Order(o) = i {
            Some(o)
        } else {
            None
        }
    });
    let mut objects: Vec<ObjectId> = Vec::new();
    for m in &maps {
        if !objects.contains(&m.object) {
            objects.push(m.object);
        }
    }
    let order = order::derive(&env.schema, &objects, &edges, &spans, explicit, diags);
    let mut gaps = Vec::new();
    let mut tests = Vec::new();
    for (item, _, _) in items(&program.units) {
        match item {
            Item::Gap(g) => gaps.push(spec_tests::gap(g, diags)),
            Item::Test(t) => tests.push(spec_tests::test(t, env, diags)),
            _ => {}
        }
    }
    unused(program, env, &usage, &declared.sources, diags);
    ir::Program {
        migration: env.migration.clone(),
        schema: env.schema.clone(),
        sources: declared.sources,
        tables: declared.tables,
        functions: declared.functions,
        maps,
        edges,
        order,
        gaps,
        tests,
    }
}

/// Which objects each source's (non-merge) maps create, in declaration order: what a lookup
/// into the source can point at.
fn record_made_from(maps: &[&ast::MapDecl], env: &mut Env) {
    for m in maps.iter().filter(|m| m.merge.is_none()) {
        let (Some(source), Some(object)) = (
            env.sources.get(&m.source.name).map(|s| s.id),
            env.schema.object_id(&m.target.name),
        ) else {
            continue;
        };
        let objects = env.made_from.entry(source).or_default();
        if !objects.contains(&object) {
            objects.push(object);
        }
    }
}

/// Map names are compared ignoring case: the ledger keys each step's history by the map's name
/// in lower case, so two names that differ only in case would share one.
fn same_map_name(a: &str, b: &str) -> bool {
    a.to_lowercase() == b.to_lowercase()
}

fn duplicate_map(
    name: &str,
    first_name: &str,
    span: crate::span::Span,
    first: crate::span::Span,
) -> Diagnostic {
    let (message, help) = if name == first_name {
        (
            format!("two maps are named `{name}`"),
            "name one with `as other_name`",
        )
    } else {
        (
            format!("maps `{first_name}` and `{name}` differ only in case"),
            "name one with `as other_name`: map names are compared ignoring case",
        )
    };
    Diagnostic::new(Code::Duplicate, message)
        .primary(span, "second map")
        .context(first, "first map")
        .help(help)
}

fn unused(
    program: &Program,
    env: &Env,
    usage: &Usage,
    sources: &[ir::Source],
    diags: &mut Vec<Diagnostic>,
) {
    for (name, t) in &env.tables {
        if !t.std && !usage.tables.contains(name) {
            diags.push(
                Diagnostic::new(
                    Code::UnusedValues,
                    format!("value table `{name}` is never used"),
                )
                .primary(t.span, "declared here")
                .help("remove it, or apply it in a mapping: `field = Table(column)`"),
            );
        }
    }
    for (name, f) in &env.fns {
        if !usage.fns.contains(name) {
            diags.push(
                Diagnostic::new(
                    Code::UnusedFunction,
                    format!("function `{name}` is never called"),
                )
                .primary(f.span, "declared here"),
            );
        }
    }
    let mapped: Vec<&str> = items(&program.units)
        .filter_map(|(i, _, _)| {
            if let Item::Map(m) = i {
                Some(m.source.name.as_str())
            } else {
                None
            }
        })
        .collect();
    let unused_sources: Vec<&str> = env
        .sources
        .keys()
        .map(String::as_str)
        .filter(|name| !mapped.contains(name) && !usage.looked_up.contains(*name))
        .collect();
    unread::check(env, sources, usage, &unused_sources, diags);
    for (name, s) in &env.sources {
        if unused_sources.contains(&name.as_str()) {
            diags.push(
                Diagnostic::new(
                    Code::UnusedSource,
                    format!("source `{name}` is never mapped or looked up"),
                )
                .primary(s.span, "none of its rows will move")
                .help("map it or look it up; if it stays behind on purpose, remove it and say why in a `gap`"),
            );
        }
    }
}
