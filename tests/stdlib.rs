//! The embedded stdlib compiles clean, and the built-ins' examples type-check.

use mapc::builtins::ALL;
use mapc::compile::compile_str;
use mapc::diag::render;
use mapc::stdlib;

fn assert_clean(name: &str, text: &str) -> mapc::compile::Compilation {
    let c = compile_str(name, text);
    let rendered = render::to_text(&c.db, &c.diagnostics);
    assert!(c.diagnostics.is_empty(), "{name} is not clean:\n{rendered}");
    c
}

#[test]
fn every_target_module_builds_a_clean_schema() {
    for target in ["twenty", "freshsales", "nutshell"] {
        let spec = format!("migration \"t\" {{ from \"x\"  to {target} }}\n");
        let c = assert_clean("spec.map", &spec);
        let model = c.ir.expect("a header gives a model");
        assert!(
            model.schema.objects.len() >= 5,
            "{target} declares too few objects"
        );
        let users = model.schema.target.users_object().expect("users object");
        assert!(
            model.schema.object(users).is_some_and(|o| o.readonly),
            "{target}: the users object must exist and be read-only"
        );
    }
}

#[test]
fn value_table_modules_compile_and_are_not_reported_unused() {
    let spec = "migration \"t\" { from \"x\"  to twenty }\nuse std.ada\nuse std.us\n";
    let c = assert_clean("spec.map", spec);
    let model = c.ir.expect("model");
    let names: Vec<&str> = model.tables.iter().map(|t| t.name.as_str()).collect();
    for wanted in ["AdaCategory", "AdaProcedureName", "UsState"] {
        assert!(names.contains(&wanted), "missing stdlib table {wanted}");
    }
}

#[test]
fn every_module_is_listed_and_parses() {
    for (name, text) in stdlib::MODULES {
        let (db, module, diags) = mapc::syntax::parse_str(name, text);
        assert!(
            diags.is_empty(),
            "{name}:\n{}",
            render::to_text(&db, &diags)
        );
        assert!(
            module.is_some_and(|m| !m.items.is_empty()),
            "{name} is empty"
        );
    }
}

/// Every example of every built-in, with its built-in.
fn examples() -> impl Iterator<
    Item = (
        &'static mapc::builtins::Builtin,
        (&'static str, &'static str),
    ),
> {
    ALL.iter()
        .flat_map(|b| b.examples.iter().map(move |e| (*b, *e)))
}

/// A spec whose only map writes `expr` into a json field `probe` of Person.
fn probe_spec(expr: &str) -> String {
    format!(
        "migration \"t\" {{ from \"x\"  to twenty }}\n\
         source S from \"s.csv\" key id {{ id text }}\n\
         extend Person {{ probe json  sourceSystemId text unique }}\n\
         map S -> Person {{ identity sourceSystemId = id\n  probe = {expr}\n}}\n"
    )
}

#[test]
fn builtin_examples_type_check() {
    for (b, (expr, _)) in examples() {
        let spec = probe_spec(&format!("{expr} ?? null"));
        let c = compile_str("example.map", &spec);
        let errors: Vec<_> = c.diagnostics.iter().filter(|d| d.is_error()).collect();
        assert!(
            errors.is_empty(),
            "example of `{}` does not check:\n{}",
            b.name,
            render::to_text(&c.db, &c.diagnostics)
        );
    }
}

/// No lookups, no owners: built-in examples need neither.
struct NoRow;

impl mapc::eval::owned::Resolver for NoRow {
    fn lookup(
        &self,
        _: mapc::ir::SourceId,
        _: mapc::ir::LookupTarget,
        _: &[mapc::eval::value::Value],
    ) -> Option<mapc::eval::value::Value> {
        None
    }
    fn owner(&self, _: &str) -> Option<mapc::eval::value::Value> {
        None
    }
    fn default_owner(&self) -> Option<mapc::eval::value::Value> {
        None
    }
}

#[test]
fn builtin_examples_evaluate_to_their_documented_results() {
    for (b, (expr, expected)) in examples() {
        let spec = probe_spec(expr);
        let c = compile_str("example.map", &spec);
        let model = c.ir.expect("model");
        let assignment = model.maps[0]
            .assignments
            .iter()
            .find(|a| a.path.dotted == "probe")
            .expect("probe assignment");
        let evaluator = mapc::eval::owned::Evaluator::new(&model);
        let value = evaluator
            .eval(&assignment.value, &[], &NoRow, &[])
            .unwrap_or_else(|stop| panic!("`{expr}` stopped: {stop:?}"));
        let mut written = Vec::new();
        mapc::eval::shape::write_value(&mut written, &value);
        let written = String::from_utf8(written).expect("JSON is UTF-8");
        match serde_json::from_str::<serde_json::Value>(expected) {
            // A number must be written with exactly the digits documented, not just a number
            // serde_json reads as the same f64.
            Ok(serde_json::Value::Number(_)) => {
                assert_eq!(written, expected, "`{}`: {expr}", b.name)
            }
            Ok(json) => {
                let got: serde_json::Value = serde_json::from_str(&written)
                    .unwrap_or_else(|e| panic!("`{expr}` wrote {written}: {e}"));
                assert_eq!(got, json, "`{}`: {expr}", b.name)
            }
            Err(_) => assert_eq!(value.to_text(), expected, "`{}`: {expr}", b.name),
        }
    }
}
