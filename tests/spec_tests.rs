//! The `test` blocks of every spec pass through the interpreter, and a wrong expectation fails.

use mapc::compile::{compile, compile_str};
use mapc::engine::spec_test::run_all;
use mapc::semantic::loader::DiskFs;
use std::path::Path;

#[test]
fn every_spec_test_passes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut total = 0;
    for spec in ["specs", "bench"]
        .iter()
        .flat_map(|d| std::fs::read_dir(dir.join(d)).expect("dir"))
    {
        let path = spec.expect("entry").path();
        if path.extension().is_none_or(|e| e != "map") {
            continue;
        }
        let c = compile(&DiskFs, &path);
        let plan = c.plan().expect("plan");
        for r in run_all(&plan) {
            assert!(
                r.passed(),
                "{} :: {}: {:?}",
                path.display(),
                r.name,
                r.failures
            );
            total += 1;
        }
    }
    assert!(total >= 40, "only {total} spec tests ran");
}

const SPEC: &str = r#"
migration "t" { from "x"  to twenty  default owner "ops@x.com"  users "users.csv" }
source P from "p.csv" key id { id text  name text  status text  owner text? }
extend Person { sourceSystemId text unique  state select [ACTIVE, GONE] }
values State { "A" => ACTIVE  "G" => GONE  else => reject "unknown state {}" }
map P -> Person {
  identity sourceSystemId = id
  name.firstName = name | trim
  state = State(status)
}
map P -> Task when status == "A" as follow_up {
  title = "Call " ++ name
  assignee = owner(owner) on missing hold "no such user"
}
"#;

fn run(test: &str) -> Vec<String> {
    let c = compile_str("t.map", &format!("{SPEC}\n{test}"));
    let errors: Vec<_> = c
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.message.clone())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let plan = c.plan().expect("plan");
    run_all(&plan)
        .into_iter()
        .flat_map(|r| r.failures)
        .collect()
}

#[test]
fn a_matching_expectation_passes_and_a_wrong_one_fails() {
    let ok = r#"test "ok" { given P { id: "1", name: " Ana ", status: "A" }  expect Person { name.firstName: "Ana", state: ACTIVE } }"#;
    assert!(run(ok).is_empty(), "{:?}", run(ok));
    let wrong = r#"test "wrong" { given P { id: "1", name: "Ana", status: "A" }  expect Person { state: GONE } }"#;
    let failures = run(wrong);
    assert!(failures.iter().any(|f| f.contains("state")), "{failures:?}");
}

#[test]
fn outcomes_and_users_are_checked() {
    let rejected = r#"test "r" { given P { id: "1", name: "A", status: "Z" }  expect rejected P "unknown state Z" }"#;
    assert!(run(rejected).is_empty(), "{:?}", run(rejected));
    let held = r#"test "h" { given P { id: "1", name: "A", status: "A", owner: "x@y.z" }  expect held P "no such user" }"#;
    assert!(run(held).is_empty(), "{:?}", run(held));
    let known = r#"test "k" { given user "x@y.z"  given P { id: "1", name: "A", status: "A", owner: "X@y.z" }  expect Task { title: "Call A" } }"#;
    assert!(run(known).is_empty(), "{:?}", run(known));
    let skipped = r#"test "s" { given P { id: "1", name: "A", status: "G" }  expect skipped P }"#;
    assert!(run(skipped).is_empty(), "{:?}", run(skipped));
}
