//! A plan read from a file is checked before anything runs: every id in range, every scope
//! right (columns of the map's source, parameters only in functions), no function that calls
//! itself. The checker makes only plans that pass; a file may have been edited by hand, and the
//! interpreter indexes by these ids, so one out of range would stop the run without a word.

use super::Plan;
use crate::ir::{Apply, Expr, FieldType, LookupTarget, ObjectId, Program, SchemaChange, Source};
use crate::ir::{FieldPath, FunctionId, SourceId};

/// The first problem found, said so a person can find it in the file.
pub fn validate(plan: &Plan) -> Result<(), String> {
    let p = &plan.program;
    schema(p)?;
    for (i, s) in p.sources.iter().enumerate() {
        for c in s.key.iter().chain(&s.watermark) {
            within(c.index(), s.columns.len(), || format!("source {i}'s key"))?;
        }
    }
    for (i, f) in p.functions.iter().enumerate() {
        let scope = Scope::Params(f.params.len());
        expr(p, &f.body, scope, &|| format!("function {}", f.name)).map_err(|e| e + &at(i))?;
    }
    no_recursion(p)?;
    maps(p)?;
    for e in &p.edges {
        object(p, e.object, "an edge")?;
        object(p, e.depends_on, "an edge")?;
        within(e.map.index(), p.maps.len(), || "an edge's map".into())?;
    }
    for o in &p.order {
        object(p, *o, "the load order")?;
    }
    steps(plan)?;
    tests(p)
}

fn at(i: usize) -> String {
    format!(" (function {i})")
}

fn within(index: usize, len: usize, what: impl Fn() -> String) -> Result<(), String> {
    if index < len {
        Ok(())
    } else {
        Err(format!(
            "{} refers to #{index}, but there are {len}",
            what()
        ))
    }
}

fn object(p: &Program, o: ObjectId, what: &str) -> Result<(), String> {
    within(o.index(), p.schema.objects.len(), || {
        format!("{what}'s object")
    })
}

fn source<'p>(p: &'p Program, s: SourceId, what: &str) -> Result<&'p Source, String> {
    within(s.index(), p.sources.len(), || format!("{what}'s source"))?;
    Ok(p.source(s))
}

/// The names that become files and API paths are identifiers, as the checker makes them.
fn names(p: &Program) -> Result<(), String> {
    use crate::ir::names::{is_api_path, is_identifier};
    for o in &p.schema.objects {
        let fields = o.fields.iter().map(|f| &f.api);
        if let Some(bad) = std::iter::once(&o.api)
            .chain(fields)
            .find(|n| !is_identifier(n))
        {
            return Err(format!("object {}: `{bad}` is not an identifier", o.name));
        }
        if !is_api_path(&o.plural) {
            return Err(format!(
                "object {}: `{}` is not an API path",
                o.name, o.plural
            ));
        }
    }
    Ok(())
}

fn schema(p: &Program) -> Result<(), String> {
    names(p)?;
    for o in &p.schema.objects {
        for f in &o.fields {
            let refs: &[ObjectId] = match &f.ty {
                FieldType::Relation { objects } => objects,
                FieldType::Links { object } => std::slice::from_ref(object),
                _ => &[],
            };
            for r in refs {
                object(p, *r, &format!("field {}.{}", o.name, f.name))?;
            }
        }
    }
    for c in &p.schema.changes {
        let (o, field) = match c {
            SchemaChange::CreateObject { object } => (*object, None),
            SchemaChange::CreateField { object, field }
            | SchemaChange::AddOptions { object, field, .. } => (*object, Some(*field)),
        };
        object(p, o, "a schema change")?;
        if let Some(f) = field {
            let fields = p.object(o).fields.len();
            within(f.index(), fields, || "a schema change's field".into())?;
        }
    }
    Ok(())
}

fn path(p: &Program, object: ObjectId, path: &FieldPath, map: &str) -> Result<(), String> {
    let fields = p.object(object).fields.len();
    within(path.field.index(), fields, || {
        format!("map {map}'s field {}", path.dotted)
    })
}

fn maps(p: &Program) -> Result<(), String> {
    for m in &p.maps {
        let what = || format!("map {}", m.name);
        let src = source(p, m.source, &what())?;
        object(p, m.object, &what())?;
        let scope = Scope::Row(src.columns.len());
        for a in &m.assignments {
            path(p, m.object, &a.path, &m.name)?;
            expr(p, &a.value, scope, &what)?;
        }
        for f in m.identity.iter().chain(&m.dedupe) {
            path(p, m.object, f, &m.name)?;
        }
        if let Some(w) = &m.when {
            expr(p, w, scope, &what)?;
        }
        if let Some(g) = &m.merge {
            source(p, g.source, &what())?;
            expr(p, &g.key, scope, &what)?;
        }
    }
    Ok(())
}

/// What names an expression may use: the columns of a row of that many, or that many
/// parameters.
#[derive(Clone, Copy)]
enum Scope {
    Row(usize),
    Params(usize),
}

fn expr(p: &Program, e: &Expr, scope: Scope, what: &dyn Fn() -> String) -> Result<(), String> {
    match (e, scope) {
        (Expr::Column { column }, Scope::Row(n)) => {
            within(column.index(), n, || format!("{}'s column", what()))?
        }
        (Expr::Column { .. }, Scope::Params(_)) => {
            return Err(format!("{} reads a column inside a function", what()))
        }
        (Expr::Param { index }, Scope::Params(n)) => {
            within(*index, n, || format!("{}'s parameter", what()))?
        }
        (Expr::Param { .. }, Scope::Row(_)) => {
            return Err(format!("{} reads a parameter outside a function", what()))
        }
        (Expr::Table { table, .. }, _)
        | (
            Expr::Each {
                apply: Apply::Table { table },
                ..
            },
            _,
        ) => within(table.index(), p.tables.len(), || {
            format!("{}'s table", what())
        })?,
        (Expr::Function { function, .. }, _)
        | (
            Expr::Each {
                apply: Apply::Function { function },
                ..
            },
            _,
        ) => within(function.index(), p.functions.len(), || {
            format!("{}'s function", what())
        })?,
        (
            Expr::Lookup {
                source: s, target, ..
            },
            _,
        ) => {
            let src = source(p, *s, &what())?;
            match target {
                LookupTarget::Record { object: o } => object(p, *o, &what())?,
                LookupTarget::Column { column } => {
                    within(column.index(), src.columns.len(), || {
                        format!("{}'s lookup column", what())
                    })?
                }
            }
        }
        _ => {}
    }
    e.children()
        .into_iter()
        .try_for_each(|c| expr(p, c, scope, what))
}

/// The functions each function calls.
fn callees(e: &Expr, out: &mut Vec<FunctionId>) {
    e.walk(&mut |x| {
        if let Expr::Function { function, .. }
        | Expr::Each {
            apply: Apply::Function { function },
            ..
        } = x
        {
            out.push(*function);
        }
    });
}

/// A function that reaches itself would never finish (the checker refuses one).
fn no_recursion(p: &Program) -> Result<(), String> {
    let calls: Vec<Vec<FunctionId>> = p
        .functions
        .iter()
        .map(|f| {
            let mut out = Vec::new();
            callees(&f.body, &mut out);
            out
        })
        .collect();
    for start in 0..calls.len() {
        let mut seen = vec![false; calls.len()];
        let mut stack: Vec<usize> = calls[start].iter().map(|f| f.index()).collect();
        while let Some(f) = stack.pop() {
            if f == start {
                return Err(format!("function {} calls itself", p.functions[start].name));
            }
            if f < seen.len() && !std::mem::replace(&mut seen[f], true) {
                stack.extend(calls[f].iter().map(|g| g.index()));
            }
        }
    }
    Ok(())
}

fn steps(plan: &Plan) -> Result<(), String> {
    for s in &plan.steps {
        let what = || format!("step {}", s.number);
        within(s.map.index(), plan.program.maps.len(), || {
            format!("{}'s map", what())
        })?;
        let assignments = plan.map(s).assignments.len();
        for &w in &s.writes {
            within(w, assignments, || format!("{}'s written field", what()))?;
        }
    }
    Ok(())
}

fn tests(p: &Program) -> Result<(), String> {
    for t in &p.tests {
        let what = format!("test {:?}", t.name);
        for g in &t.givens {
            source(p, g.source, &what)?;
        }
        for e in &t.expects {
            match e {
                crate::ir::Expect::Record { object: o, .. } => object(p, *o, &what)?,
                crate::ir::Expect::Outcome { source: s, .. } => {
                    source(p, *s, &what)?;
                }
            }
        }
    }
    Ok(())
}
