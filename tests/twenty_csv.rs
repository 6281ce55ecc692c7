//! `--target twenty-csv:OUT` writes what Twenty's CSV import accepts.

use std::process::Command;

mod common;

const SPEC: &str = r#"migration "t" { from "x"  to twenty }
source C from "c.csv" key id { id text  name text  domain text }
source P from "p.csv" key id { id text  first text  email text?  company_id text?  vip text }
extend Company { sourceSystemId text unique }
extend Person { sourceSystemId text unique  vip bool }
map C -> Company { identity sourceSystemId = id  name = name  domainName = domain | link ?? null }
map P -> Person {
  identity sourceSystemId = id
  name.firstName = first
  emails.primaryEmail = email | email ?? null
  company = lookup C(company_id) on missing null
  vip = vip == "y"
}
"#;

#[test]
fn csv_import_files_reference_relations_by_unique_field_and_split_at_ten_thousand() {
    let dir = common::Scratch::new("tcsv");
    std::fs::create_dir_all(dir.join("data")).expect("dir");
    std::fs::write(dir.join("t.map"), SPEC).expect("spec");
    std::fs::write(dir.join("data/c.csv"), "id,name,domain\nC1,Acme,acme.com\n").expect("c");
    let mut people = String::from("id,first,email,company_id,vip\n");
    for i in 0..10_005 {
        people.push_str(&format!(
            "P{i},Ana{i},ana{i}@x.com,C1,{}\n",
            if i == 0 { "y" } else { "n" }
        ));
    }
    std::fs::write(dir.join("data/p.csv"), people).expect("p");
    let o = Command::new(env!("CARGO_BIN_EXE_mapc"))
        .args([
            "run",
            "t.map",
            "--data",
            "data",
            "--target",
            "twenty-csv:out",
        ])
        .current_dir(&dir)
        .output()
        .expect("run");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let companies =
        std::fs::read_to_string(dir.join("out/01-companies-1.csv")).expect("companies first");
    assert!(
        companies.starts_with("Name,Domain / Link URL") || companies.contains("Domain / Link URL"),
        "{companies}"
    );
    let first = std::fs::read_to_string(dir.join("out/02-people-1.csv")).expect("people second");
    let second =
        std::fs::read_to_string(dir.join("out/02-people-2.csv")).expect("a second people file");
    assert_eq!(first.lines().count(), 10_001, "10,000 rows and a header");
    assert_eq!(second.lines().count(), 6);
    let header: Vec<&str> = first.lines().next().expect("header").split(',').collect();
    assert!(
        header.contains(&"Name / First Name") && header.contains(&"Emails / Primary Email"),
        "{header:?}"
    );
    let row0 = first.lines().nth(1).expect("row");
    assert!(
        row0.contains("https://acme.com"),
        "the company is referenced by its domain: {row0}"
    );
    assert!(row0.contains("TRUE"), "booleans are TRUE/FALSE: {row0}");
}
