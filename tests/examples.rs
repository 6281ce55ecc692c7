//! Each spec in specs/ runs clean on its bundled example exports: every step balanced, most rows
//! landing, and the planted dirt rejected or held, never lost.

use mapc::compile::compile;
use mapc::engine::Engine;
use mapc::io::report::ExceptionWriter;
use mapc::io::source::FileSources;
use mapc::io::target::DirTarget;
use mapc::semantic::loader::DiskFs;
use serde_json::Value as Json;
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::{Scratch, SEED_SPECS as SPECS};

#[test]
fn every_spec_runs_clean_on_its_example_exports() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for name in SPECS {
        let c = compile(&DiskFs, &root.join(format!("specs/{name}.map")));
        let plan = c.plan().expect("plan");
        let scratch = Scratch::new(&format!("example-{name}"));
        let out = scratch.join("out");
        let sources = FileSources::new(root.join(format!("examples/data/{name}")));
        let target = Box::new(DirTarget::new(out.clone()).expect("target"));
        let sink = Box::new(ExceptionWriter::create(&out).expect("sink"));
        let done = Engine::new(&plan, &sources, target, sink, None)
            .and_then(Engine::run)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let (mut rows, mut landed, mut dirt) = (0, 0, 0);
        for s in &done.steps {
            assert!(
                s.counts.balanced(),
                "{name}: step {} ({}) is not balanced: {:?}",
                s.step,
                s.map,
                s.counts
            );
            rows += s.counts.rows_in;
            landed += s.counts.created + s.counts.updated;
            dirt += s.counts.rejected + s.counts.held;
        }
        assert!(rows > 500, "{name}: only {rows} rows in its example");
        assert!(
            dirt > 0,
            "{name}: the planted dirt should be rejected or held"
        );
        assert!(
            landed * 2 > rows - landed.min(rows),
            "{name}: too few rows landed ({landed} of {rows})"
        );
        let _ = std::fs::remove_dir_all(&out);
    }
}

/// Runs a seed spec on its example exports into `out`, lending or the owned way; returns the
/// owner emails no target user has, with how many evaluations missed each.
fn run_example(root: &Path, name: &str, out: &Path, lend: bool) -> Vec<(String, u64)> {
    let c = compile(&DiskFs, &root.join(format!("specs/{name}.map")));
    let plan = c.plan().expect("plan");
    let _ = std::fs::remove_dir_all(out);
    let sources = FileSources::new(root.join(format!("examples/data/{name}")));
    let target = Box::new(DirTarget::new(out.to_path_buf()).expect("target"));
    let sink = Box::new(ExceptionWriter::create(out).expect("sink"));
    Engine::new(&plan, &sources, target, sink, None)
        .map(|e| e.lending(lend))
        .and_then(Engine::run)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .unmatched_owners
}

/// The lending evaluator (create steps' default) and the owned one mean the same: every seed's
/// records, rejects and held rows come out byte for byte alike both ways, and the owners to
/// reconcile with the same counts (an owner looked up on a row the owned way would not reach
/// would count twice).
#[test]
fn lending_and_owned_evaluation_write_the_same_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut some_owners = false;
    for name in SPECS {
        let base = Scratch::new(&format!("lend-{name}"));
        let (lent, owned) = (base.join("lent"), base.join("owned"));
        let lent_owners = run_example(root, name, &lent, true);
        let owned_owners = run_example(root, name, &owned, false);
        assert_eq!(
            lent_owners, owned_owners,
            "{name}: owners to reconcile differ"
        );
        some_owners |= !lent_owners.is_empty();
        let mut files: Vec<_> = std::fs::read_dir(&owned)
            .expect("owned output")
            .map(|e| e.expect("entry").file_name())
            .collect();
        files.sort();
        assert!(files.len() > 1, "{name}: only {files:?} written");
        for f in &files {
            let a = std::fs::read(owned.join(f)).expect("owned file");
            let b = std::fs::read(lent.join(f)).unwrap_or_else(|_| panic!("{name}: no lent {f:?}"));
            if a != b {
                let (a, b) = (String::from_utf8_lossy(&a), String::from_utf8_lossy(&b));
                let at = a.lines().zip(b.lines()).take_while(|(x, y)| x == y).count();
                panic!(
                    "{name}: {f:?} differs between lending and owned evaluation at line {}:\n owned: {}\n lent:  {}",
                    at + 1,
                    a.lines().nth(at).unwrap_or("(end)"),
                    b.lines().nth(at).unwrap_or("(end)")
                );
            }
        }
        let lent_files = std::fs::read_dir(&lent).expect("lent output").count();
        assert_eq!(lent_files, files.len(), "{name}: different files written");
    }
    assert!(
        some_owners,
        "no seed has owners to reconcile: the comparison proves nothing"
    );
}

// ───────────────────────────── issue 11: the fidelity rows of the seeds ─────────────────────────────
//
// `examples/gen_exports/` appends to each seed's exports rows with fixed ids that exercise faults
// 1, 5, 6 and 7 of issue 11 (each is described where it is planted). The tests below run each
// seed with `mapc run` and check that every one of those rows had exactly its intended outcome,
// through the run's files and its ledger (the audit view: outcome, reason and record id per step
// and source key).

/// One seed run by `mapc run` into a scratch folder.
struct SeedRun {
    name: &'static str,
    _dir: Scratch,
    out: PathBuf,
    data: PathBuf,
}

/// One entry of the ledger's audit view.
#[derive(Debug)]
struct Entry {
    outcome: String,
    reason: Option<String>,
    id: Option<String>,
}

/// A row of an export, by the values of its key columns: `[("contact_id", "C-1901")]`.
type Row = &'static [(&'static str, &'static str)];

impl SeedRun {
    /// Runs `specs/{name}.map` on `examples/data/{name}`; every step must balance.
    fn new(name: &'static str) -> SeedRun {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let dir = Scratch::new(&format!("seed-{name}"));
        let out = dir.join("out");
        let data = root.join(format!("examples/data/{name}"));
        let o = Command::new(env!("CARGO_BIN_EXE_mapc"))
            .arg("run")
            .arg(root.join(format!("specs/{name}.map")))
            .arg("--data")
            .arg(&data)
            .arg("--target")
            .arg(format!("dir:{}", out.display()))
            .output()
            .expect("run mapc");
        assert!(
            o.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let report: Json = serde_json::from_str(
            &std::fs::read_to_string(out.join("_report.json")).expect("report"),
        )
        .expect("report json");
        for s in report.as_array().expect("steps") {
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
            .map(|k| c[k].as_u64().expect("a count"))
            .sum();
            assert_eq!(
                c["rows_in"].as_u64(),
                Some(outcomes),
                "{name}: unbalanced {s}"
            );
        }
        SeedRun {
            name,
            _dir: dir,
            out,
            data,
        }
    }

    /// The ledger's entries for the source row `key` in step `step` (`contact_person#create`).
    fn audit(&self, step: &str, key: &str) -> Vec<Entry> {
        let db = rusqlite::Connection::open(self.out.join("_ledger.sqlite")).expect("ledger");
        let mut q = db
            .prepare(
                "SELECT outcome, reason, target_id FROM audit \
                 WHERE step_key = ?1 AND source_key = ?2 ORDER BY seq",
            )
            .expect("audit query");
        let rows = q
            .query_map([step, key], |r| {
                Ok(Entry {
                    outcome: r.get(0)?,
                    reason: r.get(1)?,
                    id: r.get(2)?,
                })
            })
            .expect("audit rows");
        rows.map(|r| r.expect("audit row")).collect()
    }

    /// The one entry of `key` in `step`, which must have `outcome`.
    fn only(&self, step: &str, key: &str, outcome: &str) -> Entry {
        let mut entries = self.audit(step, key);
        assert_eq!(entries.len(), 1, "{}: {step} {key}: {entries:?}", self.name);
        let e = entries.remove(0);
        assert_eq!(e.outcome, outcome, "{}: {step} {key}: {e:?}", self.name);
        e
    }

    /// The id of the record the row `key` was written to in `step` (created, updated or found
    /// as another's by a dedupe).
    fn id(&self, step: &str, key: &str) -> String {
        let made: Vec<Entry> = self
            .audit(step, key)
            .into_iter()
            .filter(|e| matches!(e.outcome.as_str(), "created" | "updated" | "deduped"))
            .collect();
        match made.as_slice() {
            [one] => one.id.clone().expect("a record id"),
            _ => panic!("{}: {step} {key} made {made:?}", self.name),
        }
    }

    fn lines(&self, file: &str) -> Vec<Json> {
        std::fs::read_to_string(self.out.join(file))
            .unwrap_or_else(|e| panic!("{}: {file}: {e}", self.name))
            .lines()
            .map(|l| serde_json::from_str(l).expect("json line"))
            .collect()
    }

    /// The record with `id` in `file`.
    fn record(&self, file: &str, id: &str) -> Json {
        let mut found: Vec<Json> = self
            .lines(file)
            .into_iter()
            .filter(|r| r["id"] == id)
            .collect();
        assert_eq!(
            found.len(),
            1,
            "{}: {file} has {id} {} times",
            self.name,
            found.len()
        );
        found.remove(0)
    }

    /// The rejects of the row of `file` with source key `key`.
    fn rejects(&self, file: &str, key: &str) -> Vec<Json> {
        self.lines("_rejected.jsonl")
            .into_iter()
            .filter(|r| r["file"] == file && r["key"] == key)
            .collect()
    }

    /// The line numbers mapc gives the rows of the export `file` that have the values of `row`,
    /// in file order (a row spans several lines when a field holds a line break; its number is
    /// its first line's), counted as an editor counts them, whatever the line endings.
    fn line_numbers(&self, file: &str, row: Row) -> Vec<u64> {
        let bytes = std::fs::read(self.data.join(file)).expect("export");
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
        let mut reader = csv::Reader::from_reader(bytes);
        let header = reader.byte_headers().expect("header").clone();
        let columns: Vec<(usize, &str)> = row
            .iter()
            .map(|(c, v)| {
                let i = header
                    .iter()
                    .position(|h| h == c.as_bytes())
                    .unwrap_or_else(|| panic!("{file}: no column {c}"));
                (i, *v)
            })
            .collect();
        let mut record = csv::ByteRecord::new();
        let mut found = Vec::new();
        while reader.read_byte_record(&mut record).expect("a record") {
            if columns
                .iter()
                .all(|(i, v)| record.get(*i) == Some(v.as_bytes()))
            {
                let mut at = record.position().expect("a position").byte() as usize;
                while matches!(bytes.get(at), Some(b'\r' | b'\n')) {
                    at += 1;
                }
                let line = 1 + bytes[..at].iter().filter(|&&b| b == b'\n').count() as u64;
                found.push(line);
            }
        }
        assert!(!found.is_empty(), "{}: no row {row:?} in {file}", self.name);
        found
    }

    /// The line of the one row of `file` with the values of `row`.
    fn line(&self, file: &str, row: Row) -> u64 {
        let lines = self.line_numbers(file, row);
        assert_eq!(
            lines.len(),
            1,
            "{}: {row:?} in {file}: {lines:?}",
            self.name
        );
        lines[0]
    }

    /// What a reason says of the row a unique value belongs to: "`field` … file line N (map M)".
    fn names(&self, reason: &str, n: &Named) {
        let line = self.line(n.file, n.row);
        let at = format!("{} line {line} (map {})", n.file, n.map);
        assert!(
            reason.starts_with(&format!("`{}`", n.field)) && reason.contains(&at),
            "{}: expected `{}` … {at} in {reason:?}",
            self.name,
            n.field
        );
    }
}

/// The row a reason names as the holder of a unique value.
struct Named {
    field: &'static str,
    file: &'static str,
    row: Row,
    map: &'static str,
}

/// A row whose record is another's: `step`/`key` deduped into what `into` (step, key) made, the
/// reason naming that row.
struct Merged {
    step: &'static str,
    key: &'static str,
    into: (&'static str, &'static str),
    names: Option<Named>,
}

/// A row rejected `code` because another row holds its value, the reason naming that row.
struct Refused {
    file: &'static str,
    key: &'static str,
    map: &'static str,
    names: Named,
}

fn merged(run: &SeedRun, m: &Merged) {
    let survivor = run.id(m.into.0, m.into.1);
    let e = run.only(m.step, m.key, "deduped");
    assert_eq!(
        e.id.as_deref(),
        Some(survivor.as_str()),
        "{}: the ledger maps {} {} to another record than {:?}'s",
        run.name,
        m.step,
        m.key,
        m.into
    );
    match &m.names {
        Some(n) => run.names(e.reason.as_deref().unwrap_or(""), n),
        None => assert_eq!(e.reason, None, "{}: {} {}", run.name, m.step, m.key),
    }
}

fn refused(run: &SeedRun, r: &Refused) {
    let rejects = run.rejects(r.file, r.key);
    assert_eq!(
        rejects.len(),
        1,
        "{}: {} {}: {rejects:?}",
        run.name,
        r.file,
        r.key
    );
    let j = &rejects[0];
    assert_eq!(j["map"], r.map, "{}: {j}", run.name);
    assert_eq!(j["code"], "duplicate", "{}: {j}", run.name);
    run.names(j["reason"].as_str().unwrap_or(""), &r.names);
    let step = format!("{}#create", r.map.to_lowercase());
    run.only(&step, r.key, "rejected");
}

/// Where a record made from a row that points at a deduped row must point: at the survivor.
enum Lands {
    /// `field` of the record `made` (step, key) wrote to `file` is the id of the record made
    /// by `survivor` (step, key), or a list holding it.
    Field {
        file: &'static str,
        made: (&'static str, &'static str),
        field: &'static str,
        survivor: (&'static str, &'static str),
    },
    /// A link record of `file` joins the record `made` wrote (its id in `owner`) to the
    /// survivor's (in `field`).
    Link {
        file: &'static str,
        made: (&'static str, &'static str),
        owner: &'static str,
        field: &'static str,
        survivor: (&'static str, &'static str),
    },
    /// The merge row `made` updated the survivor's record, as `file` says with `field` = `value`.
    Merge {
        file: &'static str,
        made: (&'static str, &'static str),
        field: &'static str,
        value: &'static str,
        survivor: (&'static str, &'static str),
    },
}

fn lands(run: &SeedRun, l: &Lands) {
    match *l {
        Lands::Field {
            file,
            made,
            field,
            survivor,
        } => {
            let want = Json::from(run.id(survivor.0, survivor.1));
            let record = run.record(file, &run.id(made.0, made.1));
            let got = &record[field];
            let ok = got == &want || got.as_array().is_some_and(|xs| xs.contains(&want));
            assert!(
                ok,
                "{}: {field} of {made:?} is {got}, not {survivor:?}'s {want}",
                run.name
            );
        }
        Lands::Link {
            file,
            made,
            owner,
            field,
            survivor,
        } => {
            let (of, want) = (run.id(made.0, made.1), run.id(survivor.0, survivor.1));
            let links: Vec<Json> = run
                .lines(file)
                .into_iter()
                .filter(|r| r[owner] == of.as_str())
                .collect();
            assert!(
                links.iter().any(|r| r[field] == want.as_str()),
                "{}: {made:?} is not linked to {survivor:?} ({want}) in {file}: {links:?}",
                run.name
            );
        }
        Lands::Merge {
            file,
            made,
            field,
            value,
            survivor,
        } => {
            let want = run.id(survivor.0, survivor.1);
            let e = run.only(made.0, made.1, "updated");
            assert_eq!(
                e.id.as_deref(),
                Some(want.as_str()),
                "{}: {made:?}",
                run.name
            );
            let updates = run.lines(file);
            assert!(
                updates
                    .iter()
                    .any(|u| u["id"] == want.as_str() && u["fields"][field] == value),
                "{}: no update of {survivor:?} ({want}) with {field} = {value} in {file}",
                run.name
            );
        }
    }
}

/// A step and a source key in it: `("contact_person#create", "C-1901")`.
type At = (&'static str, &'static str);

/// A deduped row and the row whose record it was made one with.
type Pair = (At, At);

fn named(field: &'static str, file: &'static str, row: Row, map: &'static str) -> Named {
    Named {
        field,
        file,
        row,
        map,
    }
}

fn dedupe(at: At, into: At, names: Option<Named>) -> Merged {
    Merged {
        step: at.0,
        key: at.1,
        into,
        names,
    }
}

fn refusal(file: &'static str, key: &'static str, map: &'static str, names: Named) -> Refused {
    Refused {
        file,
        key,
        map,
        names,
    }
}

fn field(file: &'static str, made: At, field: &'static str, survivor: At) -> Lands {
    Lands::Field {
        file,
        made,
        field,
        survivor,
    }
}

fn link(
    file: &'static str,
    made: At,
    owner: &'static str,
    field: &'static str,
    survivor: At,
) -> Lands {
    Lands::Link {
        file,
        made,
        owner,
        field,
        survivor,
    }
}

fn merge(
    file: &'static str,
    made: At,
    field: &'static str,
    value: &'static str,
    survivor: At,
) -> Lands {
    Lands::Merge {
        file,
        made,
        field,
        value,
        survivor,
    }
}

/// Fault 1: a lookup, link record or merge that names a deduped row finds the surviving
/// record, and the ledger maps the deduped row's key to that record (the pairs: the deduped
/// row, then the survivor).
#[test]
fn records_of_a_deduped_row_land_on_the_surviving_record() {
    let (c1901, co1901) = (
        ("contact_person#create", "C-1901"),
        ("company_company#create", "CO-1901"),
    );
    let (fs_c1901, fs_co1901) = (
        ("contact_contact#create", "C-1901"),
        ("company_salesaccount#create", "CO-1901"),
    );
    let (ns_c1901, ns_co1901) = (
        ("contact_contact#create", "C-1901"),
        ("company_account#create", "CO-1901"),
    );
    let (p1901, pr1) = (("patients#create", "P-1901"), ("providers#create", "PR-1"));
    let p901 = ("patient_person#create", "P00000901");
    #[rustfmt::skip]
    let cases: &[(&str, &[Pair], &[Lands])] = &[
        ("rsoft-to-twenty",
         &[(("contact_person#create", "C-1902"), c1901), (("company_company#create", "CO-1902"), co1901)],
         &[field("person.jsonl", ("contact_person#create", "C-1903"), "companyId", co1901),
           field("opportunity.jsonl", ("deal_opportunity#create", "D-3901"), "companyId", co1901),
           field("opportunity.jsonl", ("deal_opportunity#create", "D-3901"), "pointOfContactId", c1901),
           // logged against the open lead L-2901, made one with C-1901 (fault 7)
           link("taskTarget.jsonl", ("activity_tasks#create", "A-5901"), "taskId", "targetPersonId", c1901),
           link("noteTarget.jsonl", ("activity_notes#create", "A-5902"), "noteId", "targetPersonId", c1901),
           link("taskTarget.jsonl", ("activity_tasks#create", "A-5903"), "taskId", "targetPersonId", c1901),
           link("taskTarget.jsonl", ("ticket_tasks#create", "T-7901"), "taskId", "targetPersonId", c1901),
           link("taskTarget.jsonl", ("ticket_tasks#create", "T-7901"), "taskId", "targetCompanyId", co1901),
           merge("person.updates.jsonl", ("converted_leads#merge", "L-2903"), "convertedFromLead", "L-2903", c1901)]),
        ("rsoft-to-freshsales",
         &[(("contact_contact#create", "C-1902"), fs_c1901), (("company_salesaccount#create", "CO-1902"), fs_co1901)],
         &[field("contact.jsonl", ("contact_contact#create", "C-1903"), "sales_accounts", fs_co1901),
           field("deal.jsonl", ("deal_deal#create", "D-3901"), "sales_account_id", fs_co1901),
           field("deal.jsonl", ("deal_deal#create", "D-3901"), "contacts_added_list", fs_c1901),
           field("sales_activity.jsonl", ("sales_activities#create", "A-5901"), "targetable_id", fs_c1901),
           field("note.jsonl", ("activity_notes#create", "A-5902"), "targetable_id", fs_c1901),
           field("task.jsonl", ("activity_tasks#create", "A-5903"), "targetable_id", fs_c1901),
           field("task.jsonl", ("ticket_tasks#create", "T-7901"), "targetable_id", fs_c1901),
           // the thread's note finds the contact through the ticket's contact_id
           field("note.jsonl", ("ticket_thread#create", "T-7901\u{1f}1"), "targetable_id", fs_c1901),
           merge("contact.updates.jsonl", ("converted_leads#merge", "L-2903"), "cf_converted_from_lead", "L-2903", fs_c1901)]),
        ("rsoft-to-nutshell",
         &[(("contact_contact#create", "C-1902"), ns_c1901), (("company_account#create", "CO-1902"), ns_co1901)],
         &[field("contact.jsonl", ("contact_contact#create", "C-1903"), "accounts", ns_co1901),
           field("lead.jsonl", ("opportunities#create", "D-3901"), "primaryAccount", ns_co1901),
           field("lead.jsonl", ("opportunities#create", "D-3901"), "contacts", ns_c1901),
           field("activity.jsonl", ("timeline#create", "A-5902"), "participants", ns_c1901),
           field("task.jsonl", ("activity_tasks#create", "A-5903"), "entity", ns_c1901),
           field("task.jsonl", ("open_tickets#create", "T-7901"), "entity", ns_c1901),
           // the lead converted into C-1902 has C-1901 for its contact
           field("lead.jsonl", ("leads#create", "L-2903"), "contacts", ns_c1901)]),
        ("clinic-to-twenty",
         &[(("patients#create", "P-1902"), p1901), (("providers#create", "PR-18"), pr1)],
         &[link("taskTarget.jsonl", ("appointments#create", "A-5901"), "taskId", "targetPersonId", p1901),
           field("task.jsonl", ("appointments#create", "A-5902"), "providerId", pr1),
           link("noteTarget.jsonl", ("clinical_notes#create", "N-9901"), "noteId", "targetPersonId", p1901),
           merge("person.updates.jsonl", ("primary_insurance#merge", "COV-901"), "policyNumber", "H900190219", p1901),
           field("billingClaim.jsonl", ("claim_billingclaim#create", "CL-901"), "patientId", p1901),
           field("labResult.jsonl", ("lab_results#create", "LAB-901"), "patientId", p1901),
           link("noteTarget.jsonl", ("lab_narratives#create", "LAB-901"), "noteId", "targetPersonId", p1901),
           link("noteTarget.jsonl", ("document_notes#create", "DOC-901"), "noteId", "targetPersonId", p1901)]),
        ("dentosoft-to-twenty",
         &[(("patient_person#create", "P00000902"), p901)],
         &[merge("person.updates.jsonl", ("patientdetail_person#merge", "P00000902"), "subscriberId", "900190219", p901),
           field("opportunity.jsonl", ("treatmentplan_opportunity#create", "TP-901"), "pointOfContactId", p901),
           field("procedure.jsonl", ("procedure_history#create", "PX-1901"), "personId", p901),
           link("taskTarget.jsonl", ("appointment_task#create", "AP-19001"), "taskId", "targetPersonId", p901),
           link("noteTarget.jsonl", ("clinicalnote_note#create", "CN-901"), "noteId", "targetPersonId", p901),
           field("insuranceClaim.jsonl", ("claim_insuranceclaim#create", "CLM-901"), "patientId", p901),
           field("payment.jsonl", ("payment_payment#create", "LED-79001"), "personId", p901)]),
    ];
    for (seed, pairs, checks) in cases {
        let run = SeedRun::new(seed);
        for (deduped, survivor) in pairs.iter() {
            let e = run.only(deduped.0, deduped.1, "deduped");
            assert_eq!(
                e.id,
                Some(run.id(survivor.0, survivor.1)),
                "{seed}: {deduped:?}"
            );
        }
        for l in checks.iter() {
            lands(&run, l);
        }
    }
}

/// Fault 5: two rows of one map with the same unique value make one record where the spec
/// dedupes by it (the reason naming the first row when the target keeps the value unique), and
/// otherwise the second is rejected `duplicate`, naming the first row's line.
#[test]
fn two_rows_with_one_unique_value_make_one_record_or_the_second_is_rejected() {
    #[rustfmt::skip]
    let cases: &[(&str, &[Merged], &[Refused])] = &[
        ("rsoft-to-twenty",
         &[dedupe(("contact_person#create", "C-1902"), ("contact_person#create", "C-1901"),
                  Some(named("emails.primaryEmail", "contacts.csv", &[("contact_id", "C-1901")], "Contact_Person"))),
           dedupe(("company_company#create", "CO-1902"), ("company_company#create", "CO-1901"),
                  Some(named("domainName.primaryLinkUrl", "companies.csv", &[("company_id", "CO-1901")], "Company_Company")))],
         &[]),
        ("rsoft-to-freshsales",
         &[dedupe(("contact_contact#create", "C-1902"), ("contact_contact#create", "C-1901"),
                  Some(named("email", "contacts.csv", &[("contact_id", "C-1901")], "Contact_Contact"))),
           dedupe(("company_salesaccount#create", "CO-1902"), ("company_salesaccount#create", "CO-1901"),
                  Some(named("name", "companies.csv", &[("company_id", "CO-1901")], "Company_SalesAccount")))],
         &[]),
        // Nutshell keeps neither a contact's emails nor an account's name unique: the spec's
        // `dedupe by` makes the rows one record, naming the first row as a collision would.
        ("rsoft-to-nutshell",
         &[dedupe(("contact_contact#create", "C-1902"), ("contact_contact#create", "C-1901"),
                  Some(named("email", "contacts.csv", &[("contact_id", "C-1901")], "Contact_Contact"))),
           dedupe(("company_account#create", "CO-1902"), ("company_account#create", "CO-1901"),
                  Some(named("name", "companies.csv", &[("company_id", "CO-1901")], "Company_Account")))],
         &[]),
        ("clinic-to-twenty",
         // by name and birth date together, a key no unique index holds
         &[dedupe(("patients#create", "P-1902"), ("patients#create", "P-1901"),
                  Some(named("name.firstName", "patients.csv", &[("patient_id", "P-1901")], "patients"))),
           dedupe(("providers#create", "PR-18"), ("providers#create", "PR-1"),
                  Some(named("npi", "providers.csv", &[("provider_id", "PR-1")], "providers")))],
         &[refusal("patients.csv", "P-1903", "patients",
                   named("emails.primaryEmail", "patients.csv", &[("patient_id", "P-1901")], "patients")),
           refusal("patients.csv", "P-1905", "patients",
                   named("medicalRecordNumber", "patients.csv", &[("patient_id", "P-1904")], "patients")),
           refusal("claims.csv", "CL-903", "Claim_BillingClaim",
                   named("claimNumber", "claims.csv", &[("claim_id", "CL-902")], "Claim_BillingClaim"))]),
        ("dentosoft-to-twenty",
         &[dedupe(("patient_person#create", "P00000902"), ("patient_person#create", "P00000901"),
                  Some(named("emails.primaryEmail", "patients.csv", &[("patient_id", "P00000901")], "Patient_Person")))],
         // the claim number is the claims' identity
         &[refusal("claims.csv", "CLM-903", "Claim_InsuranceClaim",
                   named("claimNumber", "claims.csv", &[("claim_id", "CLM-902")], "Claim_InsuranceClaim"))]),
    ];
    for (seed, merges, refusals) in cases {
        let run = SeedRun::new(seed);
        for m in merges.iter() {
            merged(&run, m);
        }
        for r in refusals.iter() {
            refused(&run, r);
        }
    }
}

/// A source row whose key an earlier row of its file has.
struct Repeated {
    file: &'static str,
    /// The key columns and their values.
    row: Row,
    /// The key as mapc writes it (the columns of a composite key joined by U+001F).
    key: &'static str,
    /// The map whose `when` takes the second row: it must be among those rejecting it.
    taken_by: &'static str,
    /// A value of the first row in the record it made: (step, file, JSON pointer, value).
    kept: Option<(&'static str, &'static str, &'static str, &'static str)>,
}

fn repeated(file: &'static str, row: Row, key: &'static str, taken_by: &'static str) -> Repeated {
    Repeated {
        file,
        row,
        key,
        taken_by,
        kept: None,
    }
}

impl Repeated {
    fn kept(
        self,
        step: &'static str,
        file: &'static str,
        pointer: &'static str,
        value: &'static str,
    ) -> Repeated {
        Repeated {
            kept: Some((step, file, pointer, value)),
            ..self
        }
    }
}

/// The steps that wrote `key` more than once (created, updated or deduped).
fn written_twice(run: &SeedRun, key: &str) -> Vec<String> {
    let db = rusqlite::Connection::open(run.out.join("_ledger.sqlite")).expect("ledger");
    let mut q = db
        .prepare(
            "SELECT step_key FROM audit WHERE source_key = ?1 \
             AND outcome IN ('created', 'updated', 'deduped') \
             GROUP BY step_key HAVING count(*) > 1",
        )
        .expect("query");
    let steps = q.query_map([key], |row| row.get(0)).expect("rows");
    steps.map(|s| s.expect("a step")).collect()
}

/// Fault 6: a source key repeated rejects the second row (`duplicate-key`, naming the first
/// row's line) in every map that reads it, and the first row's record is the only one.
#[test]
fn a_repeated_source_key_rejects_the_second_row_naming_the_first() {
    const C1904: Row = &[("contact_id", "C-1904")];
    const L2902: Row = &[("lead_id", "L-2902")];
    const A5904: Row = &[("activity_id", "A-5904")];
    const FIRST_STAGE: Row = &[("pipeline_name", "Sales"), ("stage_name", "New")];
    const MESSAGE: Row = &[("ticket_id", "T-7901"), ("message_no", "2")];
    #[rustfmt::skip]
    let cases: &[(&str, &[Repeated])] = &[
        ("rsoft-to-twenty", &[
            repeated("contacts.csv", C1904, "C-1904", "Contact_Person")
                .kept("contact_person#create", "person.jsonl", "/phones/primaryPhoneNumber", "9900012345"),
            // an open lead, then a converted one: another map takes the second row
            repeated("leads.csv", L2902, "L-2902", "converted_leads")
                .kept("open_leads#create", "person.jsonl", "/leadStatus", "NEW"),
            // a call, then a note: the notes' map takes the second row
            repeated("activities.csv", A5904, "A-5904", "activity_notes"),
            repeated("pipeline_stages.csv", &[("pipeline_id", "PL-1"), ("stage_id", "S-1")], "PL-1\u{1f}S-1", "stage_notes")
                .kept("stage_notes#create", "note.jsonl", "/bodyV2/markdown",
                      "Position: 1\nProbability: 10%\nAutomation triggers: none"),
        ]),
        ("rsoft-to-freshsales", &[
            repeated("contacts.csv", C1904, "C-1904", "Contact_Contact")
                .kept("contact_contact#create", "contact.jsonl", "/mobile_number", "+919900012345"),
            repeated("leads.csv", L2902, "L-2902", "converted_leads"),
            repeated("activities.csv", A5904, "A-5904", "activity_notes"),
            // read by lookups only
            repeated("pipeline_stages.csv", FIRST_STAGE, "Sales\u{1f}New", "(lookups only)"),
            repeated("ticket_conversations.csv", MESSAGE, "T-7901\u{1f}2", "ticket_thread"),
        ]),
        ("rsoft-to-nutshell", &[
            repeated("contacts.csv", C1904, "C-1904", "Contact_Contact"),
            repeated("leads.csv", L2902, "L-2902", "conversion_notes"),
            repeated("activities.csv", A5904, "A-5904", "timeline"),
            repeated("pipeline_stages.csv", FIRST_STAGE, "Sales\u{1f}New", "(lookups only)"),
            repeated("ticket_conversations.csv", MESSAGE, "T-7901\u{1f}2", "ticket_thread"),
        ]),
        ("clinic-to-twenty", &[
            repeated("patients.csv", &[("patient_id", "P-1907")], "P-1907", "patients")
                .kept("patients#create", "person.jsonl", "/phones/primaryPhoneNumber", "5125550190"),
            repeated("appointments.csv", &[("appointment_id", "A-5903")], "A-5903", "appointments")
                .kept("appointments#create", "task.jsonl", "/status", "TODO"),
        ]),
        ("dentosoft-to-twenty", &[
            // its identity is the key itself: only the key check keeps it one record
            repeated("patients.csv", &[("patient_id", "P00000903")], "P00000903", "Patient_Person")
                .kept("patient_person#create", "person.jsonl", "/phones/primaryPhoneNumber", "9725550133"),
            repeated("procedures.csv", &[("procedure_id", "PX-1902")], "PX-1902", "procedure_history")
                .kept("procedure_history#create", "procedure.jsonl", "/performedOn", "2024-01-15"),
        ]),
    ];
    for (seed, repeats) in cases {
        let run = SeedRun::new(seed);
        for r in repeats.iter() {
            let lines = run.line_numbers(r.file, r.row);
            let [first, second] = lines[..] else {
                panic!("{seed}: {:?} is not twice in {}: {lines:?}", r.row, r.file);
            };
            let rejects: Vec<Json> = run
                .rejects(r.file, r.key)
                .into_iter()
                .filter(|j| j["code"] == "duplicate-key")
                .collect();
            // A composite key's parts are shown joined by ", ", not by the invisible separator.
            let reason = format!(
                "key {} is also on line {first}, the row that is kept",
                r.key.replace('\u{1f}', ", ")
            );
            for j in &rejects {
                assert_eq!(j["line"], second, "{seed}: {j}");
                assert_eq!(j["reason"], reason.as_str(), "{seed}: {j}");
            }
            assert!(
                rejects.iter().any(|j| j["map"] == r.taken_by),
                "{seed}: {} rejects no second {}: {rejects:?}",
                r.taken_by,
                r.key
            );
            let twice = written_twice(&run, r.key);
            assert!(
                twice.is_empty(),
                "{seed}: {} written twice in {twice:?}",
                r.key
            );
            if let Some((step, file, pointer, value)) = r.kept {
                let record = run.record(file, &run.id(step, r.key));
                assert_eq!(
                    record.pointer(pointer),
                    Some(&Json::from(value)),
                    "{seed}: {} is not the first row's: {record}",
                    r.key
                );
            }
        }
    }
}

/// Fault 7: a unique value another map already wrote is merged into that record where the spec
/// says so (`dedupe by` the field alone is `on duplicate … merge`), or else the row is rejected
/// `duplicate` naming the other map's row. Nutshell keeps no unique email, so the open lead with
/// a contact's email is no collision there (the lead is a Nutshell person of its own).
#[test]
fn a_unique_value_another_map_wrote_is_merged_or_rejected_as_the_spec_says() {
    #[rustfmt::skip]
    let cases: &[(&str, &[Merged], &[Refused])] = &[
        ("rsoft-to-twenty",
         &[dedupe(("open_leads#create", "L-2901"), ("contact_person#create", "C-1901"),
                  Some(named("emails.primaryEmail", "contacts.csv", &[("contact_id", "C-1901")], "Contact_Person")))],
         &[]),
        ("rsoft-to-freshsales",
         &[dedupe(("open_leads#create", "L-2901"), ("contact_contact#create", "C-1901"),
                  Some(named("email", "contacts.csv", &[("contact_id", "C-1901")], "Contact_Contact")))],
         &[]),
        // the patients map says nothing of duplicate emails: the default, reject
        ("clinic-to-twenty",
         &[],
         &[refusal("patients.csv", "P-1906", "patients",
                   named("emails.primaryEmail", "providers.csv", &[("provider_id", "PR-2")], "providers"))]),
        ("dentosoft-to-twenty",
         &[dedupe(("referring_people#create", "R901"), ("patient_person#create", "P00000904"),
                  Some(named("emails.primaryEmail", "patients.csv", &[("patient_id", "P00000904")], "Patient_Person")))],
         &[]),
    ];
    for (seed, merges, refusals) in cases {
        let run = SeedRun::new(seed);
        for m in merges.iter() {
            merged(&run, m);
        }
        for r in refusals.iter() {
            refused(&run, r);
        }
    }
}
