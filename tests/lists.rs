//! Lists are typed element by element (issue 11, fault 8): a value table piped a list applies to
//! each element and a multi_select field takes only a list of its options. Each test is the
//! smallest spec of one reproduction, run on real files both ways (lending and owned) when the
//! fault was one of running.

use mapc::compile::compile_str;
use mapc::engine::Engine;
use mapc::io::report::ExceptionWriter;
use mapc::io::source::FileSources;
use mapc::io::target::DirTarget;
use serde_json::{json, Value};
use std::path::Path;

mod common;
use common::Scratch;

const TAGS: &str = r#"
migration "t" { from "x"  to twenty }
source Contact from "contacts.csv" key id { id text  tags text? }
extend Person { sourceSystemId text unique  labels multi_select [VIP, NEW] }
values Tag { "a" => VIP  "b" => NEW  else => reject "unknown tag {}" }
map Contact -> Person {
  identity sourceSystemId = id
  labels = split(tags, ";") | Tag
}
"#;

/// Runs `spec` on `csv` as `contacts.csv`, lending and the owned way, which must write the same
/// files; returns the people written and the rows rejected, as JSON lines.
fn run(spec: &str, csv: &str) -> (Vec<Value>, Vec<Value>) {
    let c = compile_str("t.map", spec);
    let plan = c.plan().expect("the spec compiles");
    let dir = Scratch::new("lists");
    dir.write("contacts.csv", csv);
    let mut outputs = Vec::new();
    for lend in [true, false] {
        let out = dir.join(if lend { "lent" } else { "owned" });
        let target = Box::new(DirTarget::new(out.clone()).expect("target"));
        let sink = Box::new(ExceptionWriter::create(&out).expect("sink"));
        let sources = FileSources::new(dir.to_path_buf());
        Engine::new(&plan, &sources, target, sink, None)
            .map(|e| e.lending(lend))
            .and_then(Engine::run)
            .expect("the run");
        outputs.push((
            lines(&out.join("person.jsonl")),
            lines(&out.join("_rejected.jsonl")),
        ));
    }
    assert_eq!(
        outputs[0], outputs[1],
        "lending and owned evaluation differ"
    );
    outputs.swap_remove(0)
}

fn lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

fn labels(people: &[Value]) -> Vec<&Value> {
    people.iter().map(|p| &p["labels"]).collect()
}

/// `split(tags, ";") | Tag` wrote the scalar "VIP" for "a" (the table got the list's text) and
/// rejected "a;b" (the table got "a, b").
#[test]
fn a_value_table_piped_a_split_applies_to_each_tag() {
    let (people, rejected) = run(TAGS, "id,tags\n1,a\n2,a;b\n3, b ; a ;b\n");
    assert!(rejected.is_empty(), "{rejected:?}");
    assert_eq!(
        labels(&people),
        [
            &json!(["VIP"]),
            &json!(["VIP", "NEW"]),
            &json!(["NEW", "VIP"])
        ]
    );
}

/// One element the table's `else` rejects rejects the row, with the element in the reason.
#[test]
fn one_unknown_tag_rejects_the_row() {
    let (people, rejected) = run(TAGS, "id,tags\n1,a;zzz\n2,\n");
    assert_eq!(labels(&people), [&Value::Null], "{people:?}");
    assert_eq!(rejected.len(), 1, "{rejected:?}");
    let reason = rejected[0].to_string();
    assert!(reason.contains("unknown tag zzz"), "{reason}");
}

/// The codes of a spec's errors.
fn codes(spec: &str) -> Vec<String> {
    compile_str("t.map", spec)
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.code.to_string())
        .collect()
}

fn into(field_type: &str, value: &str) -> String {
    format!(
        r#"migration "t" {{ from "x"  to twenty }}
source Contact from "contacts.csv" key id {{ id text  name text?  tags text? }}
extend Person {{ sourceSystemId text unique  probe {field_type} }}
values Tag {{ "a" => VIP  "b" => NEW  else => reject "unknown tag {{}}" }}
values Loose {{ "a" => VIP  else => keep }}
map Contact -> Person {{
  identity sourceSystemId = id
  probe = {value}
}}
"#
    )
}

/// `split(name, ";")` into `multi_select [VIP, NEW]` passed the check, while the same mistake
/// into a select was E0301.
#[test]
fn a_plain_split_into_a_multi_select_is_refused_as_into_a_select() {
    let split = r#"split(name, ";")"#;
    assert_eq!(codes(&into("multi_select [VIP, NEW]", split)), ["E0312"]);
    assert_eq!(codes(&into("select [VIP, NEW]", split)), ["E0301"]);
}

#[test]
fn a_multi_select_takes_a_list_of_its_options_only() {
    let multi = "multi_select [VIP, NEW]";
    for ok in [
        r#"split(tags, ";") | Tag"#,
        "[VIP, NEW]",
        "[]",
        "null",
        "[Tag(name)]",
        r#"if tags == null then null else split(tags, ",") | Tag"#,
    ] {
        assert_eq!(codes(&into(multi, ok)), Vec::<String>::new(), "{ok}");
    }
    for (bad, code) in [
        ("VIP", "E0313"),
        ("Tag(name)", "E0313"),
        ("[VIP, OLD]", "E0304"),
        (r#"split(tags, ";") | Loose"#, "E0312"),
        (r#"split(tags, ";") | trim"#, "E0312"),
        (r#"split(tags, ";") | len"#, "E0303"),
    ] {
        assert_eq!(codes(&into(multi, bad)), [code], "{bad}");
    }
}

#[test]
fn a_list_where_one_value_goes_is_a_type_error() {
    let split = r#"split(tags, ";")"#;
    assert_eq!(codes(&into("text", split)), ["E0301"]);
    assert_eq!(
        codes(&into("text", &format!("{split} ++ \"!\""))),
        ["E0301"]
    );
    assert_eq!(
        codes(&into("text", &format!("replace(name, {split}, \"\")"))),
        ["E0301"]
    );
    assert_eq!(
        codes(&into("json", &format!("{split} ?? \"none\""))),
        ["E0301"]
    );
    assert_eq!(
        codes(&into(
            "json",
            &format!("if name == null then {split} else name")
        )),
        ["E0301"]
    );
    assert_eq!(
        codes(&into("text", &format!("join({split}, \", \")"))),
        Vec::<String>::new()
    );
}

#[test]
fn a_test_expecting_an_option_a_multi_select_lacks_is_refused() {
    let test = r#"test "t" { given Contact { id: "1", tags: "a" }  expect Person { labels: [VIP, OLD] } }"#;
    assert_eq!(codes(&format!("{TAGS}\n{test}")), ["E0210"]);
}
