//! Every `map` code block of the language reference parses, so the reference cannot drift
//! from the grammar.

use mapc::diag::render;

#[test]
fn every_reference_example_parses() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/language.md");
    let doc = std::fs::read_to_string(path).expect("docs/language.md");
    let mut count = 0;
    for (i, block) in doc.split("```map\n").skip(1).enumerate() {
        let code = block.split("```").next().unwrap_or("");
        let name = format!("language.md block {}", i + 1);
        let (db, module, diags) = mapc::syntax::parse_str(&name, code);
        assert!(
            module.is_some() && diags.is_empty(),
            "{name} does not parse:\n{code}\n{}",
            render::to_text(&db, &diags)
        );
        count += 1;
    }
    assert!(count >= 10, "only {count} examples found");
}
