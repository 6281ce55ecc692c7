//! A declared column nothing reads is data a run leaves behind without a word (issue 11,
//! fault 14): W0804 unless it is declared `ignored "why"`, and W0805 when a column declared
//! ignored is read after all.

use mapc::compile::compile_str;
use mapc::diag::render;

const HEADER: &str = "migration \"t\" { from \"X\" to twenty }\n";

/// The `(code, message)` of every finding of `spec` (after the header).
fn findings(spec: &str) -> Vec<(String, String)> {
    let c = compile_str("t.map", &format!("{HEADER}{spec}"));
    c.diagnostics
        .iter()
        .map(|d| (d.code.to_string(), d.message.clone()))
        .collect()
}

/// The columns W0804 names, as `Source.column`.
fn unread(spec: &str) -> Vec<String> {
    findings(spec)
        .into_iter()
        .filter(|(code, _)| code == "W0804")
        .map(|(_, message)| {
            let quoted: Vec<&str> = message.split('`').skip(1).step_by(2).collect();
            format!("{}.{}", quoted[1], quoted[0])
        })
        .collect()
}

fn rendered(spec: &str) -> String {
    let c = compile_str("t.map", &format!("{HEADER}{spec}"));
    render::to_text(&c.db, &c.diagnostics)
}

#[test]
fn a_column_no_expression_reads_is_named_with_its_source() {
    let spec = "source P from \"p.csv\" key id { id text  name text  fax text? }\n\
                map P -> Person { name.firstName = name }\n";
    assert_eq!(unread(spec), ["P.fax"]);
    let text = rendered(spec);
    assert!(
        text.contains("ignored \"why it is not migrated\""),
        "{text}"
    );
}

#[test]
fn every_kind_of_expression_reads_the_columns_it_names() {
    // `kind` is read by a `when`, `merge_id` by a merge key, `code` by an identity value,
    // `first`/`last` by a function's arguments, `city` of C by a lookup of a column; the key
    // `id` and the watermark `at` are read by every run.
    let spec = "extend Person { code text unique }\n\
        fn full(a: text, b: text) -> text = a ++ \" \" ++ b\n\
        source P from \"p.csv\" key id watermark at {\n\
          id text  at datetime  kind text  code text  first text  last text  c_id text?\n\
        }\n\
        source C from \"c.csv\" key c_id { c_id text  city text?  unused_here text? }\n\
        source M from \"m.csv\" key m_id { m_id text  merge_id text  title text? }\n\
        map P -> Person when kind == \"person\" {\n\
          identity code = code\n\
          name.firstName = full(first, last)\n\
          city = lookup C(c_id).city ?? null\n\
        }\n\
        map M -> Person merge into P(merge_id) on missing skip { jobTitle = title }\n";
    assert_eq!(unread(spec), ["C.unused_here"]);
}

#[test]
fn a_lookup_of_records_reads_only_the_key_of_the_source_it_looks_up() {
    let spec = "source C from \"c.csv\" key c_id { c_id text  name text  phone text? }\n\
        source P from \"p.csv\" key id { id text  c_id text? }\n\
        map C -> Company { name = name }\n\
        map P -> Person { company = lookup C(c_id) on missing null }\n";
    assert_eq!(unread(spec), ["C.phone"]);
}

#[test]
fn spec_tests_do_not_read_columns() {
    let spec = "source P from \"p.csv\" key id { id text  name text  note text? }\n\
        map P -> Person { name.firstName = name }\n\
        test \"a row\" { given P { id: \"1\", name: \"Ana\", note: \"x\" }  expect Person { name.firstName: \"Ana\" } }\n";
    assert_eq!(unread(spec), ["P.note"]);
}

#[test]
fn a_column_declared_ignored_is_not_reported() {
    let spec = "source P from \"p.csv\" key id {\n\
          id text  name text\n\
          fax text? ignored \"the practice stopped faxing in 2019\"\n\
        }\n\
        map P -> Person { name.firstName = name }\n";
    assert!(findings(spec).is_empty(), "{:?}", findings(spec));
}

#[test]
fn a_column_declared_ignored_that_is_read_is_reported_where_it_is_read() {
    let spec = "source P from \"p.csv\" key id watermark at {\n\
          id text  at datetime ignored \"not needed\"\n\
          name text ignored \"names stay behind\"\n\
        }\n\
        map P -> Person { name.firstName = name }\n";
    let found = findings(spec);
    let codes: Vec<&str> = found.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(codes, ["W0805", "W0805"], "{found:?}");
    let text = rendered(spec);
    assert!(text.contains("read here"), "{text}");
    assert!(text.contains("the watermark"), "{text}");
}

#[test]
fn the_columns_of_a_source_nothing_uses_are_left_to_its_own_warning() {
    let spec = "source P from \"p.csv\" key id { id text  name text }\n\
        source R from \"r.csv\" key r_id { r_id text  note text? }\n\
        map P -> Person { name.firstName = name }\n";
    let codes: Vec<String> = findings(spec).into_iter().map(|(c, _)| c).collect();
    assert_eq!(codes, ["W0803"]);
}

#[test]
fn no_column_is_called_unread_while_the_spec_has_errors() {
    // The unknown function's arguments are never checked, so `name` is not seen as read.
    let spec = "source P from \"p.csv\" key id { id text  name text }\n\
        map P -> Person { name.firstName = no_such_fn(name) }\n";
    let codes: Vec<String> = findings(spec).into_iter().map(|(c, _)| c).collect();
    assert_eq!(codes, ["E0206"]);
}
