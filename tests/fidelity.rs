//! Fidelity: every relationship kept, every unique value honoured, one outcome per row. Each
//! test is the smallest spec and data that showed a fault (issue 11), run through `mapc run`.

use serde_json::Value as Json;
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::Scratch;

/// A spec and its exports, run once into `out/`.
struct Case {
    dir: Scratch,
}

/// What a run left: its exit code and messages, and where its files are.
struct Ran {
    code: Option<i32>,
    stderr: String,
    out: PathBuf,
}

impl Case {
    fn new(name: &str, spec: &str, files: &[(&str, &str)]) -> Case {
        let dir = Scratch::new(&format!("fidelity-{name}"));
        std::fs::create_dir_all(dir.join("data")).expect("data dir");
        std::fs::write(dir.join("t.map"), spec).expect("spec");
        for (file, text) in files {
            std::fs::write(dir.join("data").join(file), text).expect("export");
        }
        Case { dir }
    }

    fn run(&self) -> Ran {
        let o = Command::new(env!("CARGO_BIN_EXE_mapc"))
            .args(["run", "t.map", "--data", "data", "--target", "dir:out"])
            .current_dir(&self.dir)
            .output()
            .expect("run mapc");
        Ran {
            code: o.status.code(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
            out: self.dir.join("out"),
        }
    }
}

impl Ran {
    fn ok(self) -> Ran {
        assert_eq!(self.code, Some(0), "{}", self.stderr);
        self
    }

    fn lines(&self, file: &str) -> Vec<Json> {
        read_lines(&self.out.join(file))
    }

    fn rejected(&self) -> Vec<Json> {
        self.lines("_rejected.jsonl")
    }

    /// Each step's counts, as the report has them.
    fn steps(&self) -> Vec<Json> {
        let text = std::fs::read_to_string(self.out.join("_report.json")).expect("report");
        let report: Json = serde_json::from_str(&text).expect("report json");
        report.as_array().cloned().unwrap_or_default()
    }

    /// (step, phase, map) → counts, for every step; and every step balanced.
    fn counts(&self, phase: &str, map: &str) -> Json {
        let steps = self.steps();
        for s in &steps {
            let c = &s["counts"];
            let outcomes: u64 = [
                "created",
                "updated",
                "unchanged",
                "rejected",
                "deduped",
                "skipped",
                "held",
            ]
            .iter()
            .map(|k| c[k].as_u64().unwrap_or(0))
            .sum();
            assert_eq!(c["rows_in"].as_u64(), Some(outcomes), "unbalanced: {s}");
        }
        steps
            .iter()
            .find(|s| s["phase"] == phase && s["map"] == map)
            .map(|s| s["counts"].clone())
            .unwrap_or_else(|| panic!("no {phase} step of {map}: {steps:?}"))
    }

    /// The audit entries of the run, as (step key, source key, outcome).
    fn audit(&self) -> Vec<(String, String, String)> {
        let db = rusqlite::Connection::open(self.out.join("_ledger.sqlite")).expect("ledger");
        let mut stmt = db
            .prepare("SELECT step_key, source_key, outcome FROM audit ORDER BY step, seq")
            .expect("audit query");
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .expect("audit rows");
        rows.map(|r| r.expect("audit row")).collect()
    }
}

fn read_lines(path: &Path) -> Vec<Json> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect()
}

fn field<'a>(records: &'a [Json], name: &str) -> Vec<&'a str> {
    records
        .iter()
        .map(|r| r[name].as_str().unwrap_or("-"))
        .collect()
}

const PEOPLE_AND_TASKS: &str = r#"migration "t" { from "x"  to twenty }
source P from "p.csv" key id { id text  name text  born date "%Y-%m-%d"  buddy text? }
source T from "t.csv" key id { id text  title text  pid text }
extend Person { sourceSystemId text unique  buddy -> Person }
extend Task { sourceSystemId text unique }
map P -> Person {
  identity sourceSystemId = id
  name.firstName = name
  deferred buddy = lookup P(buddy) on missing null
}
map T -> Task {
  identity sourceSystemId = id
  title = title
  targets = [lookup P(pid) on missing null]
}
"#;

/// Fault 4: a row with an invalid value lost its key (`"key": ""` in the rejects and the
/// ledger) and was rejected again in its map's later passes.
#[test]
fn a_rejected_row_keeps_its_key_and_has_one_outcome() {
    let case = Case::new(
        "rejected-key",
        PEOPLE_AND_TASKS,
        &[
            (
                "p.csv",
                "id,name,born,buddy\nP1,Ana,2000-01-01,P2\nP2,Bo,not-a-date,P1\n",
            ),
            ("t.csv", "id,title,pid\n"),
        ],
    );
    let ran = case.run().ok();
    let rejected = ran.rejected();
    assert_eq!(
        rejected.len(),
        1,
        "rejected once, in its first pass: {rejected:?}"
    );
    assert_eq!(rejected[0]["key"], "P2");
    assert_eq!(rejected[0]["phase"], "create");
    let later = ran.counts("deferred", "P_Person");
    assert_eq!(
        (later["updated"].as_u64(), later["skipped"].as_u64()),
        (Some(1), Some(1))
    );
    let audit = ran.audit();
    assert!(
        audit.iter().all(|(_, key, _)| !key.is_empty()),
        "every entry keyed: {audit:?}"
    );
    let p2: Vec<&str> = audit
        .iter()
        .filter(|(_, key, _)| key == "P2")
        .map(|(_, _, outcome)| outcome.as_str())
        .collect();
    assert_eq!(p2, vec!["rejected", "skipped"]);
}

/// Fault 6: rows `a,1` and `a,2` made two records with one id, both "created".
#[test]
fn a_repeated_key_is_rejected_naming_the_first_row() {
    for (order, rows) in [
        (
            "sorted",
            "P1,Ana,2000-01-01,\nP2,Bo,2000-01-01,\nP2,Bob,2000-01-01,\n",
        ),
        (
            "unsorted",
            "P2,Bo,2000-01-01,\nP1,Ana,2000-01-01,\nP2,Bob,2000-01-01,\n",
        ),
    ] {
        let case = Case::new(
            &format!("repeated-{order}"),
            PEOPLE_AND_TASKS,
            &[
                ("p.csv", &format!("id,name,born,buddy\n{rows}")),
                ("t.csv", "id,title,pid\nT1,Call,P2\n"),
            ],
        );
        let ran = case.run().ok();
        let people = ran.lines("person.jsonl");
        assert_eq!(
            field(&people, "sourceSystemId").len(),
            2,
            "{order}: {people:?}"
        );
        let names: Vec<&str> = people
            .iter()
            .map(|p| p["name"]["firstName"].as_str().unwrap_or(""))
            .collect();
        assert!(
            names.contains(&"Bo") && !names.contains(&"Bob"),
            "{order}: {names:?}"
        );
        let rejected = ran.rejected();
        assert_eq!(rejected.len(), 1, "{order}: {rejected:?}");
        assert_eq!(rejected[0]["code"], "duplicate-key", "{order}");
        assert_eq!(rejected[0]["line"], 4, "{order}");
        let first_line = if order == "sorted" {
            "line 3"
        } else {
            "line 2"
        };
        let reason = rejected[0]["reason"].as_str().unwrap_or("");
        assert!(reason.contains(first_line), "{order}: {reason}");
        let later = ran.counts("deferred", "P_Person");
        assert_eq!(later["skipped"].as_u64(), Some(1), "{order}: {later}");
    }
}

/// A repeated key is the source's fault, but a map whose `when` does not take the row passes
/// it over as it does any row it does not take; the maps that take it reject it, each once.
#[test]
fn a_repeated_key_is_rejected_only_by_the_maps_that_take_its_row() {
    let spec = r#"migration "t" { from "X" to twenty }
source C from "c.csv" key id { id text  kind text  name text }
extend Person { sourceSystemId text unique }
extend Company { sourceSystemId text unique }
map C -> Person when kind == "person" { identity sourceSystemId = id  name.firstName = name }
map C -> Company when kind == "company" { identity sourceSystemId = id  name = name }
"#;
    let case = Case::new(
        "repeated-routed",
        spec,
        &[(
            "c.csv",
            "id,kind,name\nA,person,Ana\nA,person,Ann\nB,company,Acme\n",
        )],
    );
    let ran = case.run().ok();
    let rejected = ran.rejected();
    let maps: Vec<&str> = rejected.iter().filter_map(|r| r["map"].as_str()).collect();
    assert_eq!(maps, ["C_Person"], "{rejected:?}");
    assert_eq!(rejected[0]["code"], "duplicate-key");
    let company = ran.counts("create", "C_Company");
    assert_eq!(company["skipped"].as_u64(), Some(2), "{company}");
    assert_eq!(company["rejected"].as_u64(), Some(0), "{company}");
}

/// Fault 13: a row that would be held (its owner is not a user) and rejected (a lookup that
/// misses with `on missing reject`) ended with whichever its assignments met first.
#[test]
fn a_rejection_outranks_a_hold_whatever_the_order() {
    let assignments = [
        "assignee = owner(owner) on missing hold \"no user\"",
        "company = lookup C(cid) on missing reject \"no company\"",
    ];
    for (order, body) in [
        ("hold first", assignments.join("\n  ")),
        (
            "reject first",
            format!("{}\n  {}", assignments[1], assignments[0]),
        ),
    ] {
        let spec = format!(
            r#"migration "t" {{ from "x"  to twenty  users "users.csv" }}
source C from "c.csv" key id {{ id text  name text }}
source P from "p.csv" key id {{ id text  owner text  cid text }}
extend Person {{ sourceSystemId text unique  assignee -> WorkspaceMember }}
map C -> Company {{ name = name }}
map P -> Person {{
  identity sourceSystemId = id
  {body}
}}
"#
        );
        let case = Case::new(
            &format!("precedence-{}", order.replace(' ', "-")),
            &spec,
            &[
                ("users.csv", "email,id\nkim@x.com,U1\n"),
                ("c.csv", "id,name\nC1,Acme\n"),
                (
                    "p.csv",
                    "id,owner,cid\nP1,nobody@x.com,C9\nP2,nobody@x.com,C1\n",
                ),
            ],
        );
        let ran = case.run().ok();
        let rejected = ran.rejected();
        let held = ran.lines("_held.jsonl");
        assert_eq!(field(&rejected, "key"), vec!["P1"], "{order}");
        assert_eq!(field(&held, "key"), vec!["P2"], "{order}");
        assert_eq!(rejected[0]["reason"], "no company", "{order}");
    }
}

/// The ledger's id map of a run, as (step key, source key, target id).
fn id_map(ran: &Ran) -> Vec<(String, String, String)> {
    let db = rusqlite::Connection::open(ran.out.join("_ledger.sqlite")).expect("ledger");
    let mut stmt = db
        .prepare("SELECT step_key, source_key, target_id FROM idmap ORDER BY step_key, source_key")
        .expect("idmap query");
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("idmap rows");
    rows.map(|r| r.expect("idmap row")).collect()
}

/// Fault 1: a note for a patient whose row was deduped into another patient's record was
/// rejected "no patient": the lookup of the deduped key missed.
#[test]
fn a_lookup_of_a_deduped_row_finds_the_record_it_was_made_one_with() {
    let spec = r#"migration "t" { from "x"  to twenty }
source P from "p.csv" key id { id text  email text? }
source N from "n.csv" key id { id text  pid text }
extend Person { sourceSystemId text unique }
map P -> Person {
  identity sourceSystemId = id
  emails.primaryEmail = email | trim | lower
  dedupe by emails.primaryEmail
}
map N -> Note {
  title = id
  targets = [lookup P(pid) on missing reject "no patient"]
}
"#;
    let case = Case::new(
        "deduped-lookup",
        spec,
        &[
            ("p.csv", "id,email\n1,a@x.com\n2,A@X.com \n"),
            ("n.csv", "id,pid\nN1,2\n"),
        ],
    );
    let ran = case.run().ok();
    assert!(ran.rejected().is_empty(), "{:?}", ran.rejected());
    let people = ran.lines("person.jsonl");
    assert_eq!(people.len(), 1, "{people:?}");
    let person = people[0]["id"].as_str().unwrap_or("");
    let targets = ran.lines("noteTarget.jsonl");
    assert_eq!(
        field(&targets, "targetPersonId"),
        vec![person],
        "{targets:?}"
    );
    let ids = id_map(&ran);
    let of = |key: &str| {
        ids.iter()
            .find(|(step, k, _)| step == "p_person#create" && k == key)
            .map(|(_, _, id)| id.as_str())
    };
    assert_eq!((of("1"), of("2")), (Some(person), Some(person)), "{ids:?}");
}

/// Fault 5: a map without `dedupe` made a record for every row, though many shared the value
/// of the unique identity.
#[test]
fn two_rows_with_one_identity_value_make_one_record() {
    let spec = r#"migration "t" { from "x"  to twenty }
source C from "c.csv" key id { id text  code text  name text }
extend Company { sourceSystemId text unique }
map C -> Company {
  identity sourceSystemId = code
  name = name
}
"#;
    let case = Case::new(
        "identity-value",
        spec,
        &[(
            "c.csv",
            "id,code,name\nC1,X,Acme\nC2,X,Acme Ltd\nC3,Y,Beta\n",
        )],
    );
    let ran = case.run().ok();
    let companies = ran.lines("company.jsonl");
    assert_eq!(field(&companies, "sourceSystemId"), vec!["X", "Y"]);
    let rejected = ran.rejected();
    assert_eq!(field(&rejected, "key"), vec!["C2"], "{rejected:?}");
    assert_eq!(rejected[0]["code"], "duplicate");
    let reason = rejected[0]["reason"].as_str().unwrap_or("");
    assert!(
        reason.contains("`sourceSystemId` X") && reason.contains("c.csv line 2"),
        "the other row is named: {reason}"
    );
}

const CONTACTS_AND_LEADS: &str = r#"migration "t" { from "x"  to twenty }
source K from "k.csv" key id { id text  email text }
source L from "l.csv" key id { id text  email text }
source T from "t.csv" key id { id text  lead text }
extend Person { sourceSystemId text unique }
map K -> Person {
  identity sourceSystemId = "contact:" ++ id
  emails.primaryEmail = email
}
map L -> Person {
  identity sourceSystemId = "lead:" ++ id
  emails.primaryEmail = email
  POLICY
}
map T -> Task {
  title = id
  targets = [lookup L(lead) on missing reject "no lead"]
}
"#;

/// Fault 7: an open lead with a contact's email became a second Person, which the target's
/// unique email refuses. By default the lead is rejected naming the contact's row; with
/// `on duplicate … merge` it is one with the contact's Person, which its lookups then find.
#[test]
fn a_unique_value_is_enforced_across_maps_as_the_spec_says() {
    let files = [
        ("k.csv", "id,email\nK1,ana@x.com\n"),
        ("l.csv", "id,email\nL1,ANA@x.com\nL2,bo@x.com\n"),
        ("t.csv", "id,lead\nT1,L1\n"),
    ];
    let rejecting = Case::new(
        "unique-reject",
        &CONTACTS_AND_LEADS.replace("POLICY", ""),
        &files,
    );
    let ran = rejecting.run().ok();
    let people = ran.lines("person.jsonl");
    assert_eq!(
        field(&people, "sourceSystemId"),
        vec!["contact:K1", "lead:L2"]
    );
    let rejected = ran.rejected();
    assert_eq!(field(&rejected, "key"), vec!["L1", "T1"], "{rejected:?}");
    assert!(
        ran.lines("task.jsonl").is_empty(),
        "the task of the rejected lead"
    );
    let reason = rejected[0]["reason"].as_str().unwrap_or("");
    assert!(
        reason.contains("emails.primaryEmail") && reason.contains("k.csv line 2"),
        "{reason}"
    );

    let merging = Case::new(
        "unique-merge",
        &CONTACTS_AND_LEADS.replace("POLICY", "on duplicate emails.primaryEmail merge"),
        &files,
    );
    let ran = merging.run().ok();
    assert!(ran.rejected().is_empty(), "{:?}", ran.rejected());
    let people = ran.lines("person.jsonl");
    assert_eq!(
        field(&people, "sourceSystemId"),
        vec!["contact:K1", "lead:L2"]
    );
    let contact = people[0]["id"].as_str().unwrap_or("");
    let targets = ran.lines("taskTarget.jsonl");
    assert_eq!(field(&targets, "targetPersonId"), vec![contact]);
    let leads = ran.counts("create", "L_Person");
    assert_eq!(
        (leads["created"].as_u64(), leads["deduped"].as_u64()),
        (Some(1), Some(1))
    );
}

/// Fault 3: a link's lookup that missed with `on missing reject` rejected the row in the links
/// pass, after its record was written: the row was in `note.jsonl` and in `_rejected.jsonl`,
/// created and rejected. Now the miss is decided with the record, and the row has one outcome.
#[test]
fn a_link_that_misses_decides_before_its_record_is_written() {
    let spec = r#"migration "t" { from "x"  to twenty }
source P from "p.csv" key id { id text  name text }
source N from "n.csv" key id { id text  pid text }
extend Person { sourceSystemId text unique }
map N -> Note {
  title = id
  targets = [lookup P(pid) on missing reject "no patient"]
}
map P -> Person {
  identity sourceSystemId = id
  name.firstName = name
}
"#;
    let case = Case::new(
        "link-miss",
        spec,
        &[
            (
                "p.csv",
                "id,name
P1,Ana
",
            ),
            (
                "n.csv",
                "id,pid
N1,P1
N2,P9
",
            ),
        ],
    );
    let ran = case.run().ok();
    let notes = ran.lines("note.jsonl");
    assert_eq!(
        field(&notes, "title"),
        vec!["N1"],
        "N2 is not written: {notes:?}"
    );
    let rejected = ran.rejected();
    assert_eq!(field(&rejected, "key"), vec!["N2"]);
    assert_eq!(rejected[0]["phase"], "create");
    let audit = ran.audit();
    let n2: Vec<&str> = audit
        .iter()
        .filter(|(_, key, _)| key == "N2")
        .map(|(_, _, outcome)| outcome.as_str())
        .collect();
    assert_eq!(
        n2,
        vec!["rejected", "skipped"],
        "one outcome, then passed over"
    );
    let targets = ran.lines("noteTarget.jsonl");
    assert_eq!(targets.len(), 1, "{targets:?}");
}

/// Fault 2: when a source feeds two objects a field accepts, a lookup quietly found whichever
/// map was declared first (every individual referrer's link was lost). It is an error now
/// unless the lookup names its object; `as Company | Person` finds whichever the row made.
#[test]
fn a_lookup_names_the_object_it_finds_when_several_could_be_meant() {
    let spec = r#"migration "t" { from "x"  to twenty }
source R from "r.csv" key id { id text  name text  kind text }
source V from "v.csv" key id { id text  referrer text }
map R -> Company when kind == "org" { name = name }
map R -> Person when kind != "org" { name.firstName = name }
map V -> Task {
  title = id
  targets = [LOOKUP on missing null]
}
"#;
    let files = [
        ("r.csv", "id,name,kind\nR1,Acme,org\nR2,Ana,person\n"),
        ("v.csv", "id,referrer\nV1,R1\nV2,R2\n"),
    ];
    let ambiguous = Case::new(
        "ambiguous",
        &spec.replace("LOOKUP", "lookup R(referrer)"),
        &files,
    );
    let ran = ambiguous.run();
    assert_eq!(ran.code, Some(1), "{}", ran.stderr);
    assert!(
        ran.stderr.contains("E0519") && ran.stderr.contains("Company and a Person"),
        "{}",
        ran.stderr
    );
    let named = Case::new(
        "named",
        &spec.replace("LOOKUP", "lookup R(referrer) as Company | Person"),
        &files,
    );
    let ran = named.run().ok();
    let companies = ran.lines("company.jsonl");
    let people = ran.lines("person.jsonl");
    let targets = ran.lines("taskTarget.jsonl");
    assert_eq!(
        field(&targets, "targetCompanyId")[0],
        field(&companies, "id")[0]
    );
    assert_eq!(
        field(&targets, "targetPersonId")[1],
        field(&people, "id")[0]
    );
}

/// Fault 10: custom relations were written under the field's name (`buddy`), standard ones as
/// their join column (`companyId`); link records had no id. Every relation is written in
/// Twenty's wire form (`<field>Id`), and every record, link records too, has its id first.
#[test]
fn relations_are_written_as_join_columns_and_link_records_have_ids() {
    let case = Case::new(
        "wire-form",
        PEOPLE_AND_TASKS,
        &[
            (
                "p.csv",
                "id,name,born,buddy\nP1,Ana,2000-01-01,P2\nP2,Bo,2000-01-01,\n",
            ),
            ("t.csv", "id,title,pid\nT1,Call,P1\nT2,Visit,P1\n"),
        ],
    );
    let ran = case.run().ok();
    let updates = ran.lines("person.updates.jsonl");
    let buddies: Vec<&Json> = updates.iter().map(|u| &u["fields"]["buddyId"]).collect();
    let people = ran.lines("person.jsonl");
    assert_eq!(buddies[0], &people[1]["id"], "{updates:?}");
    assert!(updates.iter().all(|u| u["fields"].get("buddy").is_none()));
    let text = std::fs::read_to_string(ran.out.join("taskTarget.jsonl")).expect("targets");
    assert!(text.lines().all(|l| l.starts_with("{\"id\":\"")), "{text}");
    let targets = ran.lines("taskTarget.jsonl");
    let ids = field(&targets, "id");
    assert_eq!(ids.len(), 2);
    assert_ne!(ids[0], ids[1], "each link its own id");
}

/// A file run predicts the live run: what the target would refuse of a record (a required
/// field left empty) is rejected before it is written, with the target's reason, as the live
/// workspace would refuse it. (A select value the checker cannot prove an option does not
/// compile; `engine::contract` checks the rows too.)
#[test]
fn a_file_run_refuses_what_the_target_would() {
    let spec = r#"migration "t" { from "x"  to twenty }
source P from "p.csv" key id { id text  code text? }
extend Person { sourceSystemId text unique  code text required }
map P -> Person {
  identity sourceSystemId = id
  code = code
}
"#;
    let case = Case::new("contract", spec, &[("p.csv", "id,code\nP1,X1\nP2,\n")]);
    let ran = case.run().ok();
    assert_eq!(
        field(&ran.lines("person.jsonl"), "sourceSystemId"),
        vec!["P1"]
    );
    let rejected = ran.rejected();
    assert_eq!(field(&rejected, "key"), vec!["P2"]);
    assert_eq!(rejected[0]["code"], "required");
    let reason = rejected[0]["reason"].as_str().unwrap_or("");
    assert!(reason.contains("`Person.code` is required"), "{reason}");
}

/// A merge map's later passes revisit the record it merged into: its deferred fields (and link
/// records) are written there, not skipped as "not created" (Dent-O-Soft's referrals).
#[test]
fn a_merge_maps_deferred_fields_are_written_into_the_record_it_merged_into() {
    let spec = r#"migration "t" { from "X" to twenty }
source P from "p.csv" key id { id text  name text }
source D from "d.csv" key id { id text  patient text  city text  referrer text? }
extend Person { sourceSystemId text unique  referredBy -> Person }
map P -> Person { identity sourceSystemId = id  name.firstName = name }
map D -> Person merge into P(patient) on missing reject {
  city = city
  deferred referredBy = lookup P(referrer) on missing null
}
"#;
    let case = Case::new(
        "merge-deferred",
        spec,
        &[
            ("p.csv", "id,name\n1,Ana\n2,Bo\n"),
            (
                "d.csv",
                "id,patient,city,referrer\nd1,1,Lyon,2\nd2,2,Nice,\nd3,9,Oslo,1\n",
            ),
        ],
    );
    let ran = case.run().ok();
    let merged = ran.counts("merge", "D_Person");
    assert_eq!(
        (merged["updated"].as_u64(), merged["rejected"].as_u64()),
        (Some(2), Some(1))
    );
    let later = ran.counts("deferred", "D_Person");
    assert_eq!(later["updated"].as_u64(), Some(2), "{later}");
    assert_eq!(
        later["skipped"].as_u64(),
        Some(1),
        "the row never merged: {later}"
    );

    let people = ran.lines("person.jsonl");
    let id_of = |n: &str| {
        people
            .iter()
            .find(|p| p["sourceSystemId"] == n)
            .and_then(|p| p["id"].as_str())
            .expect("a person")
            .to_string()
    };
    let updates = ran.lines("person.updates.jsonl");
    let referral = updates
        .iter()
        .find(|u| u["fields"].get("referredById").is_some() && u["id"] == id_of("1").as_str())
        .unwrap_or_else(|| panic!("no referral written into Ana's record: {updates:?}"));
    assert_eq!(referral["fields"]["referredById"], id_of("2").as_str());
}

/// A map's own `dedupe by` comes before the unique values: a row it makes one with a record
/// is that record, whose email it shares, not a second record refused for the email.
#[test]
fn a_dedupe_comes_before_the_unique_values_it_would_collide_on() {
    let spec = r#"migration "t" { from "X" to twenty }
source P from "p.csv" key id { id text  first text  last text  email text? }
extend Person { sourceSystemId text unique }
map P -> Person {
  identity sourceSystemId = id
  name.firstName = first
  name.lastName = last
  emails.primaryEmail = email
  dedupe by name.firstName, name.lastName
}
"#;
    let case = Case::new(
        "dedupe-first",
        spec,
        &[(
            "p.csv",
            "id,first,last,email\n1,Ana,Kim,a@x.com\n2,Ana,Kim,a@x.com\n3,Bo,Li,a@x.com\n",
        )],
    );
    let ran = case.run().ok();
    let c = ran.counts("create", "P_Person");
    assert_eq!(
        (
            c["created"].as_u64(),
            c["deduped"].as_u64(),
            c["rejected"].as_u64()
        ),
        (Some(1), Some(1), Some(1)),
        "{c}"
    );
    let rejected = ran.rejected();
    assert_eq!(rejected[0]["key"], "3", "Bo has Ana's email: {rejected:?}");
    let deduped: Vec<_> = ran
        .audit()
        .into_iter()
        .filter(|a| a.2 == "deduped")
        .collect();
    assert_eq!(deduped.len(), 1);
    assert_eq!(deduped[0].1, "2");
}
