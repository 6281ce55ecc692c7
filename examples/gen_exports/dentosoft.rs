//! Dent-O-Soft's admin-screen CSV exports (seed 004): a two-dentist practice near Dallas. Dates
//! MM/DD/YYYY, row timestamps "YYYY-MM-DD HH:MM:SS" in practice time (America/Chicago), office
//! hours only. `patients.csv` and `carriers.csv` keep the patient benchmark's layout. Dent-O-Soft
//! is a Windows program: every file has CRLF line endings.

use crate::common::*;
use chrono::{Duration, NaiveDate, NaiveDateTime};

fn ts(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

fn day(d: NaiveDate) -> String {
    d.format("%m/%d/%Y").to_string()
}

#[rustfmt::skip]
const FIRST: &[&str] = &[
    "Ana", "Omar", "Priya", "John", "Mary", "Chris", "Jennifer", "Matthew", "Amanda", "Joshua",
    "Stephanie", "Andrew", "Nicole", "Ryan", "Brittany", "Juan", "Rosa", "Wei", "Mei", "Fatima",
    "Tyler", "Kayla", "Austin", "Madison", "Diego", "Sofia", "Ahmed", "Grace", "Ben", "Chloe",
];
#[rustfmt::skip]
const LAST: &[&str] = &[
    "Patel", "Rossi", "Kumar", "Smith", "Jones", "Miller", "Davis", "Garcia", "Wilson", "Moore",
    "Taylor", "Thomas", "White", "Harris", "Martin", "Thompson", "Robinson", "Lewis", "Walker",
    "Allen", "Sanchez", "Nguyen", "Wang", "Ali", "Cohen", "Murphy", "Rivera", "Brooks",
];
#[rustfmt::skip]
const CITIES: &[(&str, &str, &str)] = &[
    ("Plano", "TX", "750"),
    ("Dallas", "tx", "752"),
    ("Frisco", "TX", "750"),
    ("McKinney", " TX", "750"),
    ("Richardson", "Texas", "750"),
    ("Allen", "TX", "750"),
];
/// (code, description, fee)
#[rustfmt::skip]
const ADA: &[(&str, &str, &str)] = &[
    ("D0120", "Periodic oral evaluation", "65.00"),
    ("D0150", "Comprehensive oral evaluation", "110.00"),
    ("D0210", "Full mouth series", "150.00"),
    ("D0274", "Bitewings, four images", "75.00"),
    ("D0330", "Panoramic radiograph", "120.00"),
    ("D1110", "Prophylaxis, adult", "115.00"),
    ("D1120", "Prophylaxis, child", "80.00"),
    ("D1206", "Fluoride varnish", "45.00"),
    ("D2140", "Amalgam, one surface", "140.00"),
    ("D2330", "Resin, one surface, anterior", "165.00"),
    ("D2391", "Resin, one surface, posterior", "185.00"),
    ("D2740", "Crown, porcelain/ceramic", "1250.00"),
    ("D2950", "Core buildup", "285.00"),
    ("D3330", "Molar root canal", "1150.00"),
    ("D4341", "Perio scaling and root planing, 4+ teeth", "260.00"),
    ("D4910", "Periodontal maintenance", "145.00"),
    ("D5110", "Complete denture, maxillary", "1800.00"),
    ("D6010", "Implant body, endosteal", "2100.00"),
    ("D6058", "Implant crown, porcelain", "1650.00"),
    ("D7140", "Extraction, erupted tooth", "190.00"),
    ("D7210", "Surgical extraction", "325.00"),
    ("D8090", "Comprehensive ortho, adult", "5800.00"),
    ("D9110", "Palliative treatment", "95.00"),
];

/// (provider_id, display name, email, role)
#[rustfmt::skip]
const PROVIDERS: &[(&str, &str, &str, &str)] = &[
    ("DDS1", "Dr. Maya Chen", "mchen@practice.example", "Dentist"),
    ("DDS2", "Dr. Rafael Ortiz", "rortiz@practice.example", "Dentist"),
    ("DDS9", "Dr. Ahmed Siddiqui", "asiddiqui@practice.example", "Dentist"),
    ("HYG1", "Kim Lee, RDH", "klee@practice.example", "Hygienist"),
    ("HYG2", "Zoë O'Brien, RDH", "zobrien@practice.example", "Hygienist"),
    ("HYG3", "Đặng Thu, RDH", "dthu@practice.example", "Hygienist"),
    ("AST1", "Tasha Green", "", "Assistant"),
    ("FD1", "Front Desk", "frontdesk@practice.example", "Front Desk"),
];
/// Providers who are Twenty workspace members (DDS9, a former associate, is not).
const MEMBERS: &[&str] = &["DDS1", "DDS2", "HYG1", "HYG2", "HYG3", "FD1"];

struct Dn {
    rng: Rng,
    ex: Export,
    patients: Vec<(String, Option<String>)>, // (id, carrier)
    referrers: Vec<String>,
    plans: Vec<(String, usize, NaiveDate)>,
    procedures: Vec<(String, usize, Option<String>, String)>, // (id, patient, plan, fee)
    labs: Vec<String>,
    carriers: Vec<String>,
}

pub fn generate() -> Export {
    let mut g = Dn {
        rng: Rng::new(0x5EED_0004),
        ex: Export::new(
            "dentosoft-to-twenty",
            "Dent-O-Soft's admin-screen CSV exports for a two-dentist practice: patients (benchmark \
             layout) and their details, carriers, providers, treatment plans, procedures, \
             appointments, clinical notes, claims, dental labs and lab cases, recalls, referrers, \
             documents and the patient ledger. Every file has CRLF line endings (a Windows program).",
        ),
        patients: Vec::new(),
        referrers: Vec::new(),
        plans: Vec::new(),
        procedures: Vec::new(),
        labs: Vec::new(),
        carriers: Vec::new(),
    };
    g.carriers();
    g.providers();
    g.referrers();
    g.patients(250, 4);
    g.patient_details();
    g.labs();
    g.treatment_plans(80);
    g.procedures(300);
    g.appointments(400);
    g.clinical_notes(240);
    g.claims(180);
    g.lab_prescriptions(50);
    g.recalls();
    g.documents(150);
    g.payments(300);
    g.users();
    for t in &mut g.ex.tables {
        t.crlf = true;
    }
    g.ex
}

impl Dn {
    fn phone(&mut self, file: &str, pct_bad: u32) -> String {
        if self.rng.pct(pct_bad) {
            self.ex.plant(file, "malformed phone number");
            return self
                .rng
                .pick(&["555-0101", "n/a", "214-555", "call cell"])
                .to_string();
        }
        let area = *self.rng.pick(&["214", "469", "972", "212", "555"]);
        let x = self.rng.range(200, 999);
        let n = self.rng.range(0, 9999);
        match self.rng.below(4) {
            0 => format!("+1 {area}{x}{n:04}"),
            1 => format!("({area}) {x}-{n:04}"),
            2 => format!("{area}-{x}-{n:04}"),
            _ => format!("1{area}{x}{n:04}"),
        }
    }

    /// A patient for a dependent record: one of the 250 originals, never a planted duplicate, so
    /// that the random rows' outcomes do not hang on the dedupe; the fidelity rows at the end
    /// attach records to a duplicate on purpose (fault 1).
    fn patient(&mut self) -> usize {
        self.rng.below(250)
    }

    /// A current provider in one of the roles (DDS9, who left, is placed deliberately).
    fn provider(&mut self, roles: &[&str]) -> String {
        loop {
            let (id, _, _, role) = *self.rng.pick(PROVIDERS);
            if roles.contains(&role) && id != "DDS9" {
                return id.to_string();
            }
        }
    }

    // ───────────────────────────── reference data ─────────────────────────────

    fn carriers(&mut self) {
        let file = "carriers.csv";
        let mut t = Table::new(file, &["carrier_id", "carrier_name", "phone"]);
        #[rustfmt::skip]
        const NAMES: &[&str] = &[
            "Delta Dental of Texas", "MetLife Dental", "Cigna Dental", "Aetna Dental",
            "Guardian Dental", "United Concordia", "Humana Dental", "Ameritas",
            "Principal Financial Group", "Sun Life Dental", "Blue Cross Blue Shield of Texas",
            "Carrier 7 Dental Insurance, Inc.",
        ];
        for (i, name) in NAMES.iter().enumerate() {
            let phone = if i % 4 == 3 {
                String::new()
            } else {
                format!("(555) {:03}-{:04}", i + 1, self.rng.range(0, 9999))
            };
            t.add(&[
                ("carrier_id", format!("C{:04}", i + 1)),
                ("carrier_name", name.to_string()),
                ("phone", phone),
            ]);
            self.carriers.push(format!("C{:04}", i + 1));
        }
        self.ex.plant(
            file,
            "duplicate carrier (same name with a trailing space, different carrier_id)",
        );
        t.add(&[
            ("carrier_id", "C0013".to_string()),
            ("carrier_name", "Delta Dental of Texas ".to_string()),
            ("phone", "800-521-2651".to_string()),
        ]);
        self.ex.tables.push(t);
    }

    fn providers(&mut self) {
        let mut t = Table::new(
            "providers.csv",
            &[
                "provider_id",
                "display_name",
                "email",
                "npi",
                "role",
                "active",
                "modified_at",
            ],
        );
        for (i, (id, name, email, role)) in PROVIDERS.iter().enumerate() {
            let npi = if role == &"Dentist" || role == &"Hygienist" {
                format!("1{:09}", self.rng.range(0, 999_999_999))
            } else {
                String::new()
            };
            t.add(&[
                ("provider_id", id.to_string()),
                ("display_name", name.to_string()),
                (
                    "email",
                    if i == 1 {
                        email.to_uppercase()
                    } else {
                        email.to_string()
                    },
                ),
                ("npi", npi),
                ("role", role.to_string()),
                (
                    "active",
                    (if *id == "DDS9" { "N" } else { "Y" }).to_string(),
                ),
                ("modified_at", format!("2024-01-{:02} 09:00:00", i + 2)),
            ]);
        }
        self.ex.plant(
            "providers.csv",
            "provider whose email is not in users.csv (DDS9; their appointments are held)",
        );
        self.ex
            .plant("providers.csv", "provider without an email (AST1)");
        self.ex.tables.push(t);
    }

    fn referrers(&mut self) {
        let file = "referrers.csv";
        let mut t = Table::new(
            file,
            &[
                "referrer_id",
                "referrer_type",
                "display_name",
                "first_name",
                "last_name",
                "practice_id",
                "specialty",
                "email",
                "phone",
                "website",
                "address_line1",
                "city",
                "state",
                "zip",
                "modified_at",
            ],
        );
        #[rustfmt::skip]
        const ORGS: &[(&str, &str, &str)] = &[
            ("Lakeside Oral Surgery", "Oral surgery", "lakeside-os.example"),
            ("North Texas Endodontics", "Endodontics", "ntxendo.example"),
            ("Plano Pediatric Dentistry", "Pediatric dentistry", "planopedo.example"),
            ("Collin County Periodontics", "Periodontics", "ccperio.example"),
            ("Smile Orthodontics", "Orthodontics", ""),
            ("Frisco Family Medicine", "Medicine", "friscofm.example"),
        ];
        // (first, last, practice index, specialty)
        #[rustfmt::skip]
        const PEOPLE: &[(&str, &str, usize, &str)] = &[
            ("Maya", "Chen", 0, "Oral surgeon"),
            ("Robert", "Haynes", 0, "Oral surgeon"),
            ("Sunil", "Rao", 1, "Endodontist"),
            ("Laura", "Kemp", 1, "Endodontist"),
            ("Emily", "Stone", 2, "Pediatric dentist"),
            ("José", "Müller", 2, "Pediatric dentist"),
            ("Nguyễn Văn", "An", 3, "Periodontist"),
            ("Karen", "Webb", 3, "Periodontist"),
            ("Derek", "Lowe", 4, "Orthodontist"),
            ("Hana", "Sato", 4, "Orthodontist"),
            ("Paul", "Grant", 5, "Family physician"),
            ("", "", 5, "Physician assistant"),
            ("Tom", "Bauer", 99, "General dentist"),
        ];
        let mut k = 10;
        for (name, spec, web) in ORGS {
            let phone = self.phone(file, 0);
            t.add(&[
                ("referrer_id", format!("R{k}")),
                (
                    "referrer_type",
                    (if k == 12 {
                        " organization"
                    } else {
                        "Organization"
                    })
                    .to_string(),
                ),
                ("display_name", name.to_string()),
                ("specialty", spec.to_string()),
                (
                    "email",
                    if web.is_empty() {
                        String::new()
                    } else {
                        format!("referrals@{web}")
                    },
                ),
                ("phone", phone),
                ("website", web.to_string()),
                (
                    "address_line1",
                    format!(
                        "{} Legacy Dr, Suite {}",
                        self.rng.range(1000, 9999),
                        self.rng.range(100, 400)
                    ),
                ),
                ("city", self.rng.pick(CITIES).0.to_string()),
                ("state", "TX".to_string()),
                ("zip", format!("750{:02}", self.rng.range(1, 99))),
                ("modified_at", "2024-01-10 09:00:00".to_string()),
            ]);
            self.referrers.push(format!("R{k}"));
            k += 1;
        }
        for (i, (first, last, org, spec)) in PEOPLE.iter().enumerate() {
            let practice = if *org == 99 {
                self.ex.plant(
                    file,
                    "individual whose practice_id is not in referrers.csv (→ no company link)",
                );
                "R404".to_string()
            } else {
                format!("R{}", 10 + org)
            };
            let (display, email) = if first.is_empty() {
                self.ex.plant(
                    file,
                    "individual with only a display name (first and last empty)",
                );
                (
                    "Jordan Ellis, PA-C".to_string(),
                    "jellis@friscofm.example".to_string(),
                )
            } else {
                let local = email_local(
                    &first[..first.char_indices().nth(1).map_or(first.len(), |(b, _)| b)],
                    last,
                );
                (
                    format!("Dr. {first} {last}"),
                    format!("{}@{}", local.replace('.', ""), ORGS[(*org).min(5)].2),
                )
            };
            let email = if email.ends_with('@') {
                String::new()
            } else if i == 3 {
                self.ex.plant(file, "malformed email address");
                "lkemp@ntxendo".to_string()
            } else if i == 1 {
                capitalise(&email)
            } else {
                email
            };
            let phone = if self.rng.pct(50) {
                String::new()
            } else {
                self.phone(file, 5)
            };
            t.add(&[
                ("referrer_id", format!("R{k}")),
                ("referrer_type", "Individual".to_string()),
                ("display_name", display),
                ("first_name", first.to_string()),
                ("last_name", last.to_string()),
                ("practice_id", practice),
                ("specialty", spec.to_string()),
                ("email", email),
                ("phone", phone),
                ("modified_at", "2024-01-10 09:00:00".to_string()),
            ]);
            self.referrers.push(format!("R{k}"));
            k += 1;
        }
        self.fidelity_referrers(&mut t);
        self.ex.tables.push(t);
    }

    fn labs(&mut self) {
        let file = "labs.csv";
        let mut t = Table::new(
            file,
            &[
                "lab_id",
                "lab_name",
                "phone",
                "email",
                "website",
                "address_line1",
                "city",
                "state",
                "zip",
                "modified_at",
            ],
        );
        #[rustfmt::skip]
        const LABS: &[(&str, &str)] = &[
            ("Glidewell Laboratories", "glidewelldental.com"),
            ("DDS Lab – Dallas", "ddslab.com"),
            ("Nuvo Dental Studio", "nuvodental.example"),
            ("Ceramic Arts Dental Lab", ""),
            ("Burbank Dental Lab", "burbankdental.com"),
            ("Zahntechnik Müller GmbH", "zahntechnik-mueller.de"),
        ];
        for (i, (name, web)) in LABS.iter().enumerate() {
            let id = format!("LAB{}", i + 1);
            let phone = self.phone(file, 0);
            t.add(&[
                ("lab_id", id.clone()),
                ("lab_name", name.to_string()),
                (
                    "phone",
                    if i == 5 {
                        "+49 89 1234567".to_string()
                    } else {
                        phone
                    },
                ),
                (
                    "email",
                    if web.is_empty() {
                        "cadl@@mail".to_string()
                    } else {
                        format!("cases@{web}")
                    },
                ),
                ("website", web.to_string()),
                (
                    "address_line1",
                    format!("{} Commerce St", self.rng.range(100, 9999)),
                ),
                (
                    "city",
                    (if i == 5 { "München" } else { "Dallas" }).to_string(),
                ),
                ("state", (if i == 5 { "BY" } else { "TX" }).to_string()),
                ("zip", (if i == 5 { "80331" } else { "75201" }).to_string()),
                ("modified_at", "2023-11-20 14:00:00".to_string()),
            ]);
            self.labs.push(id);
        }
        self.ex.plant(file, "malformed email address");
        self.ex.plant(
            file,
            "phone number that is not a 10-digit US number (a German lab; → null)",
        );
        self.ex.tables.push(t);
    }

    // ───────────────────────────── patients ─────────────────────────────

    fn patients(&mut self, n: usize, duplicates: usize) {
        let file = "patients.csv";
        let mut t = Table::new(
            file,
            &[
                "patient_id",
                "first_name",
                "last_name",
                "email",
                "phone",
                "dob",
                "carrier_id",
                "status",
            ],
        );
        let mut emails: Vec<(usize, String)> = Vec::new();
        for i in 0..n + duplicates {
            let id = format!("P{:08}", i + 1);
            let (first, last) = if self.rng.pct(6) {
                self.ex.plant(file, "non-ASCII name");
                let (f, l) = *self.rng.pick(INTERNATIONAL);
                (f.to_string(), l.to_string())
            } else {
                (
                    self.rng.pick(FIRST).to_string(),
                    self.rng.pick(LAST).to_string(),
                )
            };
            let email = if i >= n {
                // A second chart opened for the same person (the family shares one email).
                let (_, e) = emails[self.rng.below(emails.len())].clone();
                self.ex.plant(
                    file,
                    "duplicate patient (same email as another patient, different patient_id)",
                );
                e.to_uppercase()
            } else if self.rng.pct(12) {
                String::new()
            } else if self.rng.pct(3) {
                self.ex.plant(file, "malformed email address");
                self.rng.pick(BAD_EMAILS).to_string()
            } else {
                let local = email_local(&first, &last);
                let local = if local.is_empty() {
                    "patient".to_string()
                } else {
                    local
                };
                let e = format!(
                    "{local}{}@{}",
                    i + 1,
                    self.rng
                        .pick(&["example.com", "gmail.com", "yahoo.com", "sbcglobal.net"])
                );
                let e = scruffy_email(&mut self.rng, &e);
                emails.push((i, e.trim().to_lowercase()));
                e
            };
            let status = if i % 110 == 61 {
                self.ex
                    .plant(file, "status code not in the spec's map (A/I/D; rejected)");
                "X".to_string()
            } else {
                self.rng
                    .pick(&["A", "A", "A", "A", "A", "A", "I", "I", "D"])
                    .to_string()
            };
            let carrier = if i == 140 {
                self.ex
                    .plant(file, "carrier_id not in carriers.csv (→ no carrier link)");
                Some("C0404".to_string())
            } else if self.rng.pct(80) {
                Some(self.carriers[self.rng.below(self.carriers.len())].clone())
            } else {
                None
            };
            let d = self.rng.range(0, 29000);
            let phone = if self.rng.pct(15) {
                String::new()
            } else {
                self.phone(file, 3)
            };
            t.add(&[
                ("patient_id", id.clone()),
                (
                    "first_name",
                    if self.rng.pct(5) {
                        format!("  {first} ")
                    } else {
                        first.clone()
                    },
                ),
                ("last_name", last.clone()),
                ("email", email),
                ("phone", phone),
                ("dob", day(date(1940, 1, 1) + Duration::days(d))),
                ("carrier_id", carrier.clone().unwrap_or_default()),
                ("status", status),
            ]);
            self.patients.push((id, carrier));
        }
        self.fidelity_patients(&mut t);
        self.ex.tables.push(t);
    }

    fn patient_details(&mut self) {
        let file = "patient_details.csv";
        let mut t = Table::new(
            file,
            &[
                "patient_id",
                "address_line1",
                "address_line2",
                "city",
                "state",
                "zip",
                "gender",
                "insurance_group",
                "subscriber_id",
                "referred_by",
                "modified_at",
            ],
        );
        for p in 0..250 {
            if self.rng.pct(5) {
                continue; // not every chart has the Patient Information screen filled in
            }
            let (city, state, zip3) = *self.rng.pick(CITIES);
            let gender = if p % 100 == 42 {
                self.ex
                    .plant(file, "gender code not in the value table (→ null)");
                "Q".to_string()
            } else {
                self.rng
                    .pick(&["F", "M", "F", "M", "X", "U", "", "Female"])
                    .to_string()
            };
            let referred = if p == 77 {
                self.ex
                    .plant(file, "referred_by not in referrers.csv (→ no link)");
                "R404".to_string()
            } else if self.rng.pct(15) {
                self.referrers[self.rng.below(self.referrers.len())].clone()
            } else {
                String::new()
            };
            let has_carrier = self.patients[p].1.is_some();
            let m = office_within(&mut self.rng, date(2022, 1, 1), 800);
            t.add(&[
                ("patient_id", self.patients[p].0.clone()),
                (
                    "address_line1",
                    format!(
                        "{} {}",
                        self.rng.range(100, 9999),
                        self.rng.pick(&[
                            "Preston Rd",
                            "Coit Rd",
                            "Custer Pkwy",
                            "Independence Pkwy",
                            "Spring Creek Pkwy"
                        ])
                    ),
                ),
                (
                    "address_line2",
                    self.rng.maybe(80, &["Apt 1204", "Unit B", "#210"]),
                ),
                (
                    "city",
                    format!("{city}{}", if self.rng.pct(5) { " " } else { "" }),
                ),
                ("state", state.to_string()),
                ("zip", format!("{zip3}{:02}", self.rng.range(1, 99))),
                ("gender", gender),
                (
                    "insurance_group",
                    if has_carrier {
                        format!("{}", self.rng.range(100000, 999999))
                    } else {
                        String::new()
                    },
                ),
                (
                    "subscriber_id",
                    if has_carrier {
                        format!("{:09}", self.rng.range(0, 999_999_999))
                    } else {
                        String::new()
                    },
                ),
                ("referred_by", referred),
                ("modified_at", ts(m)),
            ]);
        }
        self.ex
            .plant(file, "details for a patient not in patients.csv (orphan)");
        t.add(&[
            ("patient_id", "P00009999".to_string()),
            ("city", "Plano".to_string()),
            ("state", "TX".to_string()),
            ("modified_at", "2024-03-01 10:00:00".to_string()),
        ]);
        self.fidelity_patient_details(&mut t);
        self.ex.tables.push(t);
    }

    // ───────────────────────────── treatment ─────────────────────────────

    fn treatment_plans(&mut self, n: usize) {
        let file = "treatment_plans.csv";
        let mut t = Table::new(
            file,
            &[
                "plan_id",
                "patient_id",
                "plan_name",
                "status",
                "provider_id",
                "total_fee",
                "presented_on",
                "accepted_on",
                "completed_on",
                "notes",
                "modified_at",
            ],
        );
        #[rustfmt::skip]
        const NAMES: &[&str] = &[
            "Crown #30", "Perio therapy – SRP 4 quads", "Implant #19", "Ortho – clear aligners",
            "Fillings, UR quadrant", "Root canal + crown #14", "Full upper denture",
        ];
        #[rustfmt::skip]
        const STATUSES: &[&str] = &[
            "Proposed", "Presented", "Pending", "Approved", "Accepted", "In Progress", "Completed",
            "Complete", "Declined", "Rejected",
        ];
        for i in 0..n {
            let k = self.patient();
            let status = if i % 40 == 17 {
                self.ex
                    .plant(file, "plan status not in the spec's stage map (held)");
                "On Hold".to_string()
            } else {
                self.rng.pick(STATUSES).to_string()
            };
            let d = self.rng.range(0, 600);
            let presented = date(2022, 6, 1) + Duration::days(d);
            let accepted = matches!(
                status.as_str(),
                "Approved" | "Accepted" | "In Progress" | "Completed" | "Complete"
            );
            let done = matches!(status.as_str(), "Completed" | "Complete");
            let name = if i % 25 == 3 {
                ""
            } else {
                *self.rng.pick(NAMES)
            };
            if name.is_empty() {
                self.ex
                    .plant(file, "plan without a name (→ \"Treatment plan <id>\")");
            }
            let id = format!("TP-{}", i + 1);
            let provider = if self.rng.pct(10) {
                String::new()
            } else {
                self.provider(&["Dentist"])
            };
            t.add(&[
                ("plan_id", id.clone()),
                ("patient_id", self.patients[k].0.clone()),
                ("plan_name", name.to_string()),
                ("status", status),
                ("provider_id", provider),
                (
                    "total_fee",
                    if self.rng.pct(10) {
                        String::new()
                    } else {
                        format!("{}.00", self.rng.range(2, 90) * 50)
                    },
                ),
                ("presented_on", day(presented)),
                (
                    "accepted_on",
                    if accepted {
                        day(presented + Duration::days(self.rng.range(0, 20)))
                    } else {
                        String::new()
                    },
                ),
                (
                    "completed_on",
                    if done {
                        day(presented + Duration::days(self.rng.range(21, 120)))
                    } else {
                        String::new()
                    },
                ),
                (
                    "notes",
                    self.rng.maybe(
                        60,
                        &[
                            "Pt wants to wait for new insurance year.",
                            "Pre-auth sent to carrier;\nestimate given: \"$450 patient portion\".",
                            "Discussed implant vs. bridge, pt prefers implant.",
                        ],
                    ),
                ),
                (
                    "modified_at",
                    ts(presented.and_hms_opt(15, 0, 0).expect("a time")),
                ),
            ]);
            self.plans.push((id, k, presented));
        }
        self.fidelity_treatment_plans(&mut t);
        self.ex.tables.push(t);
    }

    fn procedures(&mut self, n: usize) {
        let file = "procedures.csv";
        let mut t = Table::new(
            file,
            &[
                "procedure_id",
                "patient_id",
                "plan_id",
                "ada_code",
                "description",
                "tooth",
                "surface",
                "material",
                "fee",
                "status",
                "performed_on",
                "provider_id",
                "modified_at",
            ],
        );
        for i in 0..n {
            let (k, plan, when) = if self.rng.pct(55) {
                let (p, k, d) = self.plans[self.rng.below(self.plans.len())].clone();
                (k, Some(p), d)
            } else {
                let d = self.rng.range(0, 700);
                (self.patient(), None, date(2022, 6, 1) + Duration::days(d))
            };
            let (code, desc, fee) = if i % 60 == 29 {
                ("D2962", "Labial veneer, porcelain", "1100.00")
            } else {
                *self.rng.pick(ADA)
            };
            if code == "D2962" {
                self.ex.plant(
                    file,
                    "real CDT code outside std.ada's name list (D2962; named from its description)",
                );
            }
            let code_cell = if i % 120 == 33 {
                self.ex.plant(file, "code that is not a CDT code (held)");
                "X1234".to_string()
            } else if self.rng.pct(4) {
                self.ex
                    .plant(file, "ADA code in lower case or with stray spaces");
                format!("{} ", code.to_lowercase())
            } else {
                code.to_string()
            };
            let status = if i % 150 == 70 {
                self.ex
                    .plant(file, "procedure status not in the spec's map (held)");
                "Pending Ins".to_string()
            } else {
                self.rng
                    .pick(&[
                        "TP",
                        "TP",
                        "C",
                        "C",
                        "C",
                        "EC",
                        "EO",
                        "R",
                        "Declined",
                        "Completed",
                    ])
                    .to_string()
            };
            let done = matches!(status.as_str(), "C" | "Completed");
            let tooth = if code.starts_with("D0")
                || code.starts_with("D1")
                || code.starts_with("D4")
                || code.starts_with("D8")
            {
                String::new()
            } else if self.rng.pct(10) {
                (*self.rng.pick(&["A", "K", "T", "S"])).to_string()
            } else {
                self.rng.range(1, 32).to_string()
            };
            let surface = if code.starts_with("D21") || code.starts_with("D23") {
                self.rng
                    .pick(&["MOD", "O", "DO", "B", "mo", "F"])
                    .to_string()
            } else {
                String::new()
            };
            let id = format!("PX-{}", 1001 + i);
            let patient_id = if i == 250 {
                self.ex
                    .plant(file, "procedure for a patient not in patients.csv (orphan)");
                "P00009999".to_string()
            } else {
                self.patients[k].0.clone()
            };
            let provider = self.provider(&["Dentist", "Hygienist"]);
            t.add(&[
                ("procedure_id", id.clone()),
                ("patient_id", patient_id),
                ("plan_id", plan.clone().unwrap_or_default()),
                ("ada_code", code_cell),
                (
                    "description",
                    if self.rng.pct(30) {
                        String::new()
                    } else {
                        desc.to_string()
                    },
                ),
                ("tooth", tooth),
                ("surface", surface),
                (
                    "material",
                    if code == "D2740" || code == "D6058" {
                        self.rng
                            .pick(&["Zirconia", "e.max", "PFM", " zirconia"])
                            .to_string()
                    } else {
                        String::new()
                    },
                ),
                ("fee", fee.to_string()),
                ("status", status),
                (
                    "performed_on",
                    if done {
                        day(when + Duration::days(self.rng.range(0, 60)))
                    } else {
                        String::new()
                    },
                ),
                ("provider_id", provider),
                (
                    "modified_at",
                    ts(when.and_hms_opt(11, 30, 0).expect("a time")),
                ),
            ]);
            self.procedures.push((id, k, plan, fee.to_string()));
        }
        self.fidelity_procedures(&mut t);
        self.ex.tables.push(t);
    }

    // ───────────────────────────── schedule and chart ─────────────────────────────

    fn appointments(&mut self, n: usize) {
        let file = "appointments.csv";
        let mut t = Table::new(
            file,
            &[
                "appointment_id",
                "patient_id",
                "provider_id",
                "appt_date",
                "appt_time",
                "duration_min",
                "appt_type",
                "status",
                "operatory",
                "notes",
                "modified_at",
            ],
        );
        #[rustfmt::skip]
        const TYPES: &[(&str, &[&str])] = &[
            ("Prophy", &["Hygienist"]),
            ("Adult Prophy", &["Hygienist"]),
            ("Child Prophy", &["Hygienist"]),
            ("Perio Maint", &["Hygienist"]),
            ("SRP", &["Hygienist"]),
            ("Exam", &["Dentist"]),
            ("New Patient Exam", &["Dentist"]),
            ("Periodic Exam", &["Dentist"]),
            ("Filling", &["Dentist"]),
            ("Crown Prep", &["Dentist"]),
            ("Crown Seat", &["Dentist"]),
            ("Root Canal", &["Dentist"]),
            ("Extraction", &["Dentist"]),
            ("Implant", &["Dentist"]),
            ("Denture", &["Dentist"]),
            ("Ortho Adjustment", &["Dentist"]),
            ("Consult", &["Dentist"]),
            ("Emergency", &["Dentist"]),
        ];
        #[rustfmt::skip]
        const STATUSES: &[&str] = &[
            "Completed", "Completed", "Completed", "Checked Out", "Scheduled", "Scheduled",
            "Unconfirmed", "Confirmed", "Confirmed", "Arrived", "In Chair", "Cancelled", "Canceled",
            "Broken", "No Show",
        ];
        for i in 0..n {
            let k = self.patient();
            let (kind, roles) = if i % 50 == 25 {
                ("Whitening", &["Dentist"][..])
            } else {
                *self.rng.pick(TYPES)
            };
            let d = self.rng.range(0, 640);
            let when = date(2023, 1, 3) + Duration::days(d);
            let hour = self.rng.range(7, 16);
            let minute = *self.rng.pick(&[0, 15, 30, 45]);
            let (date_cell, time_cell) = if i % 130 == 44 {
                self.ex.plant(
                    file,
                    "unreadable appointment date or time (rejected by the spec)",
                );
                match i / 130 {
                    0 => ("31/02/2021".to_string(), "09:30".to_string()),
                    1 => ("n/a".to_string(), "10:00".to_string()),
                    _ => (day(when), "9:30 AM".to_string()),
                }
            } else {
                (day(when), format!("{hour:02}:{minute:02}"))
            };
            let status = if i % 180 == 99 {
                self.ex
                    .plant(file, "appointment status not in the spec's map (rejected)");
                "Bumped".to_string()
            } else {
                self.rng.pick(STATUSES).to_string()
            };
            let mut provider = self.provider(roles);
            if i % 35 == 20 {
                provider = "DDS9".to_string();
            }
            if provider == "DDS9" {
                self.ex
                    .plant(file, "provider who is not a Twenty workspace member (held)");
            }
            if kind == "Whitening" {
                self.ex.plant(
                    file,
                    "appointment type not in the value table (lands in OTHER)",
                );
            }
            let patient_id = if i % 200 == 150 {
                self.ex.plant(
                    file,
                    "appointment for a patient not in patients.csv (orphan)",
                );
                "P00009999".to_string()
            } else {
                self.patients[k].0.clone()
            };
            let m = when.and_hms_opt(hour as u32, 0, 0).expect("a time")
                - Duration::days(self.rng.range(0, 30));
            t.add(&[
                ("appointment_id", format!("AP-{}", 10001 + i)),
                ("patient_id", patient_id),
                ("provider_id", provider),
                ("appt_date", date_cell),
                ("appt_time", time_cell),
                (
                    "duration_min",
                    if self.rng.pct(10) {
                        String::new()
                    } else {
                        self.rng.pick(&["30", "45", "60", "60", "90"]).to_string()
                    },
                ),
                (
                    "appt_type",
                    if self.rng.pct(3) {
                        String::new()
                    } else {
                        kind.to_string()
                    },
                ),
                ("status", status),
                ("operatory", format!("Op {}", self.rng.range(1, 5))),
                (
                    "notes",
                    self.rng.maybe(
                        75,
                        &[
                            "Premedicate: amoxicillin 2 g, 1 h before.",
                            "Pt is nervous — \"go slow\", nitrous OK.",
                            "Bring retainer.\nCheck #30 margin.",
                            "Spanish-speaking, daughter translates.",
                        ],
                    ),
                ),
                ("modified_at", ts(m)),
            ]);
        }
        self.fidelity_appointments(&mut t);
        self.ex.tables.push(t);
    }

    fn clinical_notes(&mut self, n: usize) {
        let file = "clinical_notes.csv";
        let mut t = Table::new(
            file,
            &[
                "note_id",
                "patient_id",
                "note_type",
                "note_date",
                "provider_id",
                "tooth",
                "body",
                "modified_at",
            ],
        );
        #[rustfmt::skip]
        const TYPES: &[&str] = &[
            "Progress", "Progress", "Perio Chart", "Medical History", "Post-op", "Treatment Note",
            "Hygiene Note",
        ];
        #[rustfmt::skip]
        const BODIES: &[&str] = &[
            "Pt presents for recall. No complaints.\nBleeding on probing LL quadrant; OHI given.",
            "Crown prep #30 under local (2 carps 4% articaine).\nTemp placed, occlusion checked.",
            "Medical history updated: new Rx \"Eliquis 5 mg\" — consult MD before extractions.",
            "Post-op check #19 implant: healing WNL, sutures removed.",
            "Probing depths 4–6 mm UR, UL; recommend SRP, pt to think about it, cost concern.",
        ];
        for i in 0..n {
            let k = self.patient();
            let d = self.rng.range(0, 640);
            let when = date(2023, 1, 3) + Duration::days(d);
            let body = if i % 60 == 22 {
                self.ex.plant(file, "note without a body");
                String::new()
            } else {
                self.rng.pick(BODIES).to_string()
            };
            let provider = if self.rng.pct(8) {
                String::new()
            } else {
                self.provider(&["Dentist", "Hygienist"])
            };
            t.add(&[
                ("note_id", format!("CN-{}", i + 1)),
                ("patient_id", self.patients[k].0.clone()),
                ("note_type", self.rng.pick(TYPES).to_string()),
                ("note_date", day(when)),
                ("provider_id", provider),
                (
                    "tooth",
                    if self.rng.pct(70) {
                        String::new()
                    } else {
                        self.rng.range(1, 32).to_string()
                    },
                ),
                ("body", body),
                (
                    "modified_at",
                    ts(when.and_hms_opt(17, 15, 0).expect("a time")),
                ),
            ]);
        }
        self.fidelity_clinical_notes(&mut t);
        self.ex.tables.push(t);
    }

    // ───────────────────────────── money ─────────────────────────────

    fn claims(&mut self, n: usize) {
        let file = "claims.csv";
        let mut t = Table::new(
            file,
            &[
                "claim_id",
                "claim_number",
                "patient_id",
                "carrier_id",
                "plan_id",
                "service_date",
                "submitted_on",
                "billed",
                "paid",
                "adjustment",
                "adjustment_reason",
                "status",
                "modified_at",
            ],
        );
        let insured: Vec<usize> = (0..250)
            .filter(|&p| self.patients[p].1.as_deref().is_some_and(|c| c != "C0404"))
            .collect();
        #[rustfmt::skip]
        const STATUSES: &[&str] = &[
            "Paid", "Paid", "Paid in Full", "Closed Paid", "Submitted", "Sent", "Received",
            "In Process", "Pending", "Unsent", "Denied", "Appeal",
        ];
        for i in 0..n {
            let k = insured[self.rng.below(insured.len())];
            let d = self.rng.range(0, 600);
            let service = date(2023, 1, 3) + Duration::days(d);
            let status = if i % 90 == 45 {
                self.ex
                    .plant(file, "claim status not in the spec's map (rejected)");
                "Lost in mail".to_string()
            } else {
                self.rng.pick(STATUSES).to_string()
            };
            let billed = self.rng.range(60, 2400) as f64;
            let (paid, adj, reason) = match status.as_str() {
                "Paid" | "Paid in Full" | "Closed Paid" => (
                    format!("{:.2}", billed * 0.8),
                    format!("{:.2}", billed * 0.2),
                    "Contractual write-off".to_string(),
                ),
                "Denied" => (
                    "0.00".to_string(),
                    "N/A".to_string(),
                    "Frequency limitation, \"1 per 6 months\"".to_string(),
                ),
                _ => {
                    if self.rng.pct(30) {
                        ("N/A".to_string(), "N/A".to_string(), String::new())
                    } else {
                        (String::new(), String::new(), String::new())
                    }
                }
            };
            let carrier = if i == 120 {
                self.ex.plant(file, "carrier_id not in carriers.csv (held)");
                "C0404".to_string()
            } else {
                self.patients[k].1.clone().unwrap_or_default()
            };
            let plan = self
                .plans
                .iter()
                .find(|p| p.1 == k)
                .map(|p| p.0.clone())
                .unwrap_or_default();
            t.add(&[
                ("claim_id", format!("CLM-{}", i + 1)),
                (
                    "claim_number",
                    if i == 60 {
                        " 2024-000061".to_string()
                    } else {
                        format!("2024-{:06}", i + 1)
                    },
                ),
                ("patient_id", self.patients[k].0.clone()),
                ("carrier_id", carrier),
                ("plan_id", plan),
                ("service_date", day(service)),
                (
                    "submitted_on",
                    if status == "Unsent" || status == "Pending" {
                        String::new()
                    } else {
                        day(service + Duration::days(self.rng.range(1, 7)))
                    },
                ),
                ("billed", format!("{billed:.2}")),
                ("paid", paid),
                ("adjustment", adj),
                ("adjustment_reason", reason),
                ("status", status),
                (
                    "modified_at",
                    ts((service + Duration::days(self.rng.range(7, 45)))
                        .and_hms_opt(16, 20, 0)
                        .expect("a time")),
                ),
            ]);
        }
        self.fidelity_claims(&mut t);
        self.ex.tables.push(t);
    }

    fn lab_prescriptions(&mut self, n: usize) {
        let file = "lab_prescriptions.csv";
        let mut t = Table::new(
            file,
            &[
                "rx_id",
                "patient_id",
                "lab_id",
                "provider_id",
                "prescribed_on",
                "due_on",
                "status",
                "tooth",
                "shade",
                "material",
                "instructions",
                "modified_at",
            ],
        );
        for i in 0..n {
            let k = self.patient();
            let d = self.rng.range(0, 600);
            let on = date(2023, 1, 3) + Duration::days(d);
            let lab = if i == 33 {
                self.ex.plant(file, "lab_id not in labs.csv (held)");
                "LAB404".to_string()
            } else {
                self.labs[self.rng.below(self.labs.len())].clone()
            };
            let status = if i == 41 {
                self.ex
                    .plant(file, "lab case status not in the spec's map (held)");
                "Lost in transit".to_string()
            } else {
                self.rng
                    .pick(&[
                        "Sent",
                        "Ordered",
                        "In Lab",
                        "In Production",
                        "Received",
                        "Returned",
                        "Seated",
                        "Seated",
                        "Delivered",
                        "Remake",
                        "Cancelled",
                    ])
                    .to_string()
            };
            let provider = self.provider(&["Dentist"]);
            t.add(&[
                ("rx_id", format!("RX-{}", 501 + i)),
                ("patient_id", self.patients[k].0.clone()),
                ("lab_id", lab),
                ("provider_id", provider),
                ("prescribed_on", day(on)),
                (
                    "due_on",
                    if self.rng.pct(15) {
                        String::new()
                    } else {
                        day(on + Duration::days(self.rng.range(7, 21)))
                    },
                ),
                ("status", status),
                ("tooth", self.rng.range(2, 31).to_string()),
                (
                    "shade",
                    self.rng
                        .pick(&["A2", "A3", "B1", " b1", "a3.5", "BL2"])
                        .to_string(),
                ),
                (
                    "material",
                    self.rng
                        .pick(&["zirconia", "e.max", "PFM", "Full cast gold", " Zirconia "])
                        .to_string(),
                ),
                (
                    "instructions",
                    self.rng.maybe(
                        30,
                        &[
                            "Light occlusal contact; \"feather-edge\" margin.",
                            "Match #8 incisal translucency.\nPhotos attached in portal.",
                            "Rush case — seat date fixed, pt travelling.",
                        ],
                    ),
                ),
                ("modified_at", ts(on.and_hms_opt(12, 0, 0).expect("a time"))),
            ]);
        }
        self.ex.tables.push(t);
    }

    fn recalls(&mut self) {
        let file = "recalls.csv";
        let mut t = Table::new(
            file,
            &[
                "recall_id",
                "patient_id",
                "recall_type",
                "interval_months",
                "last_visit",
                "active",
                "modified_at",
            ],
        );
        let mut k = 0;
        for p in 0..250 {
            if self.rng.pct(20) {
                continue;
            }
            for (kind, months) in [("Prophy", "6"), ("FMX", "36")] {
                if kind == "FMX" && self.rng.pct(60) {
                    continue;
                }
                k += 1;
                let kind = if kind == "Prophy" {
                    *self
                        .rng
                        .pick(&["Prophy", "Prophy", "Perio Maint", "Child Prophy", "Exam"])
                } else {
                    *self.rng.pick(&["FMX", "Pano", "BWX"])
                };
                let kind = if k % 40 == 11 { "Fluoride" } else { kind };
                let months = if kind == "Perio Maint" {
                    "3"
                } else if kind == "Exam" {
                    "12"
                } else {
                    months
                };
                if kind == "Fluoride" {
                    self.ex
                        .plant(file, "recall type not in the value table (lands in OTHER)");
                }
                let last = if k % 45 == 19 {
                    self.ex
                        .plant(file, "recall without a last visit date (held)");
                    String::new()
                } else {
                    let d = self.rng.range(0, 500);
                    day(date(2023, 1, 3) + Duration::days(d))
                };
                let active = self
                    .rng
                    .pick(&["Y", "Y", "Y", "Y", "Y", "Y", "N"])
                    .to_string();
                t.add(&[
                    ("recall_id", format!("RC-{k}")),
                    ("patient_id", self.patients[p].0.clone()),
                    ("recall_type", kind.to_string()),
                    ("interval_months", months.to_string()),
                    ("last_visit", last),
                    ("active", active),
                    ("modified_at", format!("2024-0{}-15 11:00:00", 1 + k % 6)),
                ]);
            }
        }
        self.ex.tables.push(t);
    }

    fn documents(&mut self, n: usize) {
        let file = "documents.csv";
        let mut t = Table::new(
            file,
            &[
                "document_id",
                "patient_id",
                "doc_type",
                "title",
                "file_name",
                "file_path",
                "mime_type",
                "size_bytes",
                "description",
                "uploaded_at",
                "modified_at",
            ],
        );
        #[rustfmt::skip]
        const DOCS: &[(&str, &str, &str, &str)] = &[
            ("Consent", "Consent for treatment", "consent.pdf", "application/pdf"),
            ("Insurance Card", "", "ins_card_front.jpg", "image/jpeg"),
            ("X-Ray", "FMX", "fmx.dcm", "application/dicom"),
            ("X-Ray", "Pano", "pano.jpg", "image/jpeg"),
            ("Photo", "Intraoral photos, pre-op", "intraoral_01.png", "image/png"),
            ("Referral Letter", "Letter to Dr. Chen, \"re: #17 extraction\"", "referral.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            ("Medical History Form", "", "medhx.pdf", ""),
        ];
        for i in 0..n {
            let k = self.patient();
            let (kind, title, name, mime) = *self.rng.pick(DOCS);
            let at = office_within(&mut self.rng, date(2021, 5, 1), 1000);
            let pid = self.patients[k].0.clone();
            let file_name = format!("{}_{}", at.format("%Y%m%d"), name);
            t.add(&[
                ("document_id", format!("DOC-{}", i + 1)),
                ("patient_id", pid.clone()),
                ("doc_type", kind.to_string()),
                ("title", title.to_string()),
                (
                    "file_path",
                    format!("\\\\DOSERVER\\Docs\\{pid}\\{file_name}"),
                ),
                ("file_name", file_name),
                ("mime_type", mime.to_string()),
                (
                    "size_bytes",
                    if self.rng.pct(10) {
                        String::new()
                    } else {
                        self.rng.range(20_000, 9_000_000).to_string()
                    },
                ),
                (
                    "description",
                    self.rng.maybe(
                        75,
                        &[
                            "Scanned at check-in.",
                            "Pt signed, copy given to pt.\nOriginal filed.",
                            "Received by fax, 2 pages",
                        ],
                    ),
                ),
                ("uploaded_at", ts(at)),
                ("modified_at", ts(at)),
            ]);
        }
        self.ex.tables.push(t);
    }

    fn payments(&mut self, n: usize) {
        let file = "payments.csv";
        let mut t = Table::new(
            file,
            &[
                "payment_id",
                "patient_id",
                "plan_id",
                "procedure_id",
                "entry_type",
                "paid_on",
                "amount",
                "method",
                "reference",
                "balance_after",
                "modified_at",
            ],
        );
        for i in 0..n {
            let (proc_id, k, plan, fee) =
                self.procedures[self.rng.below(self.procedures.len())].clone();
            let kind = if i % 100 == 64 {
                self.ex
                    .plant(file, "ledger entry type not in the spec's map (held)");
                "Transfer".to_string()
            } else {
                self.rng
                    .pick(&[
                        "Payment",
                        "Payment",
                        "Payment",
                        "Pmt",
                        "Charge",
                        "Charge",
                        "Adjustment",
                        "Adj",
                        "Write-off",
                        "Refund",
                        "Discount",
                    ])
                    .to_string()
            };
            let fee: f64 = fee.parse().unwrap_or(100.0);
            let amount = match kind.as_str() {
                "Refund" => format!("-{:.2}", fee * 0.1),
                "Charge" => format!("{fee:.2}"),
                _ => format!("{:.2}", fee * (self.rng.range(20, 100) as f64) / 100.0),
            };
            let method = match kind.as_str() {
                "Payment" | "Pmt" | "Refund" => self
                    .rng
                    .pick(&[
                        "Cash",
                        "Check",
                        "Visa",
                        "MasterCard",
                        "Amex",
                        "CareCredit",
                        "Insurance",
                        "EFT",
                        "Debit",
                        "Venmo",
                    ])
                    .to_string(),
                _ => String::new(),
            };
            if method == "Venmo" {
                self.ex.plant(
                    file,
                    "payment method not in the value table (lands in OTHER)",
                );
            }
            let reference = match method.as_str() {
                "Check" => format!("Chk #{}", self.rng.range(1000, 9999)),
                "Visa" | "MasterCard" | "Amex" | "Debit" => {
                    format!("****{:04}", self.rng.range(0, 9999))
                }
                "Insurance" | "EFT" => format!("EOB {}", self.rng.range(100000, 999999)),
                _ => String::new(),
            };
            let d = self.rng.range(0, 600);
            let on = date(2023, 1, 3) + Duration::days(d);
            t.add(&[
                ("payment_id", format!("LED-{}", 70001 + i)),
                ("patient_id", self.patients[k].0.clone()),
                ("plan_id", plan.unwrap_or_default()),
                (
                    "procedure_id",
                    if self.rng.pct(80) {
                        proc_id
                    } else {
                        String::new()
                    },
                ),
                ("entry_type", kind),
                ("paid_on", day(on)),
                ("amount", amount),
                ("method", method),
                ("reference", reference),
                (
                    "balance_after",
                    if self.rng.pct(20) {
                        String::new()
                    } else {
                        format!("{:.2}", self.rng.range(0, 1500) as f64)
                    },
                ),
                (
                    "modified_at",
                    ts(on.and_hms_opt(16, 45, 0).expect("a time")),
                ),
            ]);
        }
        self.fidelity_payments(&mut t);
        self.ex.tables.push(t);
    }

    fn users(&mut self) {
        let mut t = Table::new("users.csv", &["email", "name"]);
        t.add(&[
            ("email", "frontdesk@practice.example".to_string()),
            ("name", "Front Desk".to_string()),
        ]);
        t.add(&[
            ("email", "office.manager@practice.example".to_string()),
            ("name", "Office Manager".to_string()),
        ]);
        for (id, name, email, _) in PROVIDERS {
            if MEMBERS.contains(id) && !email.is_empty() && *id != "FD1" {
                t.add(&[("email", email.to_string()), ("name", name.to_string())]);
            }
        }
        self.ex.tables.push(t);
    }
}

// ───────────────────────────── issue 11: fidelity rows ─────────────────────────────
//
// Rows with fixed ids (P000009xx, R901, TP-901, PX-19xx, AP-19xxx, CN-901, CLM-9xx, LED-79xxx)
// appended after the random ones, so that each exercises one of issue 11's faults with a known
// outcome. They use no random numbers, so every other row stays as it was. `tests/examples.rs`
// asserts on each.
//
// - Fault 1, a lookup of a deduped row finds the surviving record: P00000902 is P00000901's chart
//   opened again (the same email in another case), deduped by the spec's `dedupe by
//   emails.primaryEmail`; its details (a merge), a treatment plan, a procedure, an appointment, a
//   clinical note, a claim and a ledger entry land on P00000901's record. Its details name R901
//   as its referrer, who is a patient (fault 7); `referredBy` is a deferred field of a merge map,
//   which no run writes yet (the deferred step skips every PatientDetail row), so no test
//   asserts the referral itself, only that R901 is found as that patient's record.
// - Fault 5, two rows of one map with one unique value: P00000902 above (merged, as the spec
//   dedupes by the unique email), and claims CLM-902 and CLM-903 with one claim number, the
//   claims' identity: nothing merges claims, so CLM-903 is rejected `duplicate` naming CLM-902's
//   line.
// - Fault 6, a key repeated: patient P00000903 appears twice (its identity is the key itself, so
//   only the key check stands between it and two records with one id) and procedure PX-1902
//   twice (two maps read procedures); the second is rejected `duplicate-key` naming the first's
//   line.
// - Fault 7, a unique value across maps: R901, an individual referrer, is the patient P00000904
//   (patients who refer friends are listed as referrers) with her email. Referring people are
//   deduped by email, which is `on duplicate emails.primaryEmail merge`: she stays one Person,
//   the patient's.

impl Dn {
    fn fidelity_referrers(&mut self, t: &mut Table) {
        let file = "referrers.csv";
        self.ex.plant(
            file,
            "fault 7: individual referrer who is patient P00000904 (merged into her record)",
        );
        t.add(&[
            ("referrer_id", "R901".to_string()),
            ("referrer_type", "Individual".to_string()),
            ("display_name", "Olivia Park".to_string()),
            ("first_name", "Olivia".to_string()),
            ("last_name", "Park".to_string()),
            ("email", "Olivia.Park@gmail.com ".to_string()),
            ("phone", "(469) 555-0144".to_string()),
            ("city", "Plano".to_string()),
            ("state", "TX".to_string()),
            ("modified_at", "2024-01-10 09:00:00".to_string()),
        ]);
    }

    fn fidelity_patients(&mut self, t: &mut Table) {
        let file = "patients.csv";
        // (id, first, last, email, phone, dob, what was planted)
        #[rustfmt::skip]
        let rows: [(&str, &str, &str, &str, &str, &str, &str); 5] = [
            ("P00000901", "Hannah", "Brooks", "hannah.brooks@example.com", "214-555-0190",
             "05/14/1988", ""),
            ("P00000902", "Hannah", "Brooks", " Hannah.Brooks@Example.com ", "214-555-0190",
             "05/14/1988",
             "fault 5: P00000901's chart opened again (same email, another case): deduped into it"),
            ("P00000903", "Omar", "Haddad", "omar.haddad@gmail.com", "972-555-0133", "10/02/1969",
             ""),
            ("P00000903", "Omar", "Haddad", "omar.haddad@gmail.com", "972-555-0134", "10/02/1969",
             "fault 6: patient_id P00000903 a second time (rejected duplicate-key)"),
            ("P00000904", "Olivia", "Park", "olivia.park@gmail.com", "(469) 555-0144", "02/27/1992",
             ""),
        ];
        for (id, first, last, email, phone, dob, what) in rows {
            if !what.is_empty() {
                self.ex.plant(file, what);
            }
            t.add(&[
                ("patient_id", id.to_string()),
                ("first_name", first.to_string()),
                ("last_name", last.to_string()),
                ("email", email.to_string()),
                ("phone", phone.to_string()),
                ("dob", dob.to_string()),
                ("carrier_id", "C0002".to_string()),
                ("status", "A".to_string()),
            ]);
        }
    }

    fn fidelity_patient_details(&mut self, t: &mut Table) {
        let file = "patient_details.csv";
        self.ex.plant(
            file,
            "fault 1: details of the deduped patient P00000902, referred by R901 (merged into P00000901)",
        );
        t.add(&[
            ("patient_id", "P00000902".to_string()),
            ("address_line1", "4410 Preston Rd".to_string()),
            ("city", "Plano".to_string()),
            ("state", "TX".to_string()),
            ("zip", "75093".to_string()),
            ("gender", "F".to_string()),
            ("insurance_group", "415532".to_string()),
            ("subscriber_id", "900190219".to_string()),
            ("referred_by", "R901".to_string()),
            ("modified_at", "2024-02-05 10:00:00".to_string()),
        ]);
    }

    fn fidelity_treatment_plans(&mut self, t: &mut Table) {
        let file = "treatment_plans.csv";
        self.ex.plant(
            file,
            "fault 1: plan of the deduped patient P00000902 (its contact is P00000901)",
        );
        t.add(&[
            ("plan_id", "TP-901".to_string()),
            ("patient_id", "P00000902".to_string()),
            ("plan_name", "Crown #19".to_string()),
            ("status", "Approved".to_string()),
            ("provider_id", "DDS1".to_string()),
            ("total_fee", "1200.00".to_string()),
            ("presented_on", "02/05/2024".to_string()),
            ("accepted_on", "02/12/2024".to_string()),
            ("modified_at", "2024-02-12 15:00:00".to_string()),
        ]);
    }

    fn fidelity_procedures(&mut self, t: &mut Table) {
        let file = "procedures.csv";
        // (id, patient, plan, status, modified, what was planted)
        #[rustfmt::skip]
        let rows: [(&str, &str, &str, &str, &str, &str); 3] = [
            ("PX-1901", "P00000902", "TP-901", "TP", "2024-02-12 15:00:00",
             "fault 1: procedure of the deduped patient P00000902 (its patient is P00000901)"),
            ("PX-1902", "P00000901", "", "C", "2024-01-15 11:30:00",
             "fault 6: procedure PX-1902 (the row kept)"),
            ("PX-1902", "P00000901", "", "C", "2024-03-01 11:30:00",
             "fault 6: procedure_id PX-1902 a second time (rejected duplicate-key)"),
        ];
        for (id, patient, plan, status, modified, what) in rows {
            self.ex.plant(file, what);
            let crown = !plan.is_empty();
            t.add(&[
                ("procedure_id", id.to_string()),
                ("patient_id", patient.to_string()),
                ("plan_id", plan.to_string()),
                (
                    "ada_code",
                    (if crown { "D2740" } else { "D1110" }).to_string(),
                ),
                ("tooth", (if crown { "19" } else { "" }).to_string()),
                (
                    "material",
                    (if crown { "Zirconia" } else { "" }).to_string(),
                ),
                (
                    "fee",
                    (if crown { "1200.00" } else { "110.00" }).to_string(),
                ),
                ("status", status.to_string()),
                (
                    "performed_on",
                    (if crown { "" } else { "01/15/2024" }).to_string(),
                ),
                ("provider_id", "DDS1".to_string()),
                ("modified_at", modified.to_string()),
            ]);
        }
    }

    fn fidelity_appointments(&mut self, t: &mut Table) {
        let file = "appointments.csv";
        self.ex.plant(
            file,
            "fault 1: appointment of the deduped patient P00000902 (links to P00000901)",
        );
        t.add(&[
            ("appointment_id", "AP-19001".to_string()),
            ("patient_id", "P00000902".to_string()),
            ("provider_id", "DDS1".to_string()),
            ("appt_date", "02/26/2024".to_string()),
            ("appt_time", "09:00".to_string()),
            ("duration_min", "90".to_string()),
            ("appt_type", "Crown Prep".to_string()),
            ("status", "Scheduled".to_string()),
            ("operatory", "Op 2".to_string()),
            ("modified_at", "2024-02-12 15:05:00".to_string()),
        ]);
    }

    fn fidelity_clinical_notes(&mut self, t: &mut Table) {
        let file = "clinical_notes.csv";
        self.ex.plant(
            file,
            "fault 1: note of the deduped patient P00000902 (links to P00000901)",
        );
        t.add(&[
            ("note_id", "CN-901".to_string()),
            ("patient_id", "P00000902".to_string()),
            ("note_type", "Progress".to_string()),
            ("note_date", "02/05/2024".to_string()),
            ("provider_id", "DDS1".to_string()),
            ("tooth", "19".to_string()),
            (
                "body",
                "Fractured cusp #19; crown recommended and presented.".to_string(),
            ),
            ("modified_at", "2024-02-05 16:00:00".to_string()),
        ]);
    }

    fn fidelity_claims(&mut self, t: &mut Table) {
        let file = "claims.csv";
        // (id, number, patient, what was planted)
        #[rustfmt::skip]
        let rows: [(&str, &str, &str, &str); 3] = [
            ("CLM-901", "2024-009001", "P00000902",
             "fault 1: claim of the deduped patient P00000902 (its patient is P00000901)"),
            ("CLM-902", "2024-009002", "P00000901", "fault 5: claim 2024-009002 (the row kept)"),
            ("CLM-903", " 2024-009002", "P00000901",
             "fault 5: claim number 2024-009002 on a second claim (rejected: the number is CLM-902's)"),
        ];
        for (id, number, patient, what) in rows {
            self.ex.plant(file, what);
            t.add(&[
                ("claim_id", id.to_string()),
                ("claim_number", number.to_string()),
                ("patient_id", patient.to_string()),
                ("carrier_id", "C0002".to_string()),
                ("service_date", "01/15/2024".to_string()),
                ("submitted_on", "01/16/2024".to_string()),
                ("billed", "110.00".to_string()),
                ("paid", "88.00".to_string()),
                ("adjustment", "22.00".to_string()),
                ("adjustment_reason", "Contractual write-off".to_string()),
                ("status", "Paid".to_string()),
                ("modified_at", "2024-02-01 16:20:00".to_string()),
            ]);
        }
    }

    fn fidelity_payments(&mut self, t: &mut Table) {
        let file = "payments.csv";
        self.ex.plant(
            file,
            "fault 1: payment of the deduped patient P00000902 (its person is P00000901)",
        );
        t.add(&[
            ("payment_id", "LED-79001".to_string()),
            ("patient_id", "P00000902".to_string()),
            ("plan_id", "TP-901".to_string()),
            ("procedure_id", "PX-1901".to_string()),
            ("entry_type", "Payment".to_string()),
            ("paid_on", "02/12/2024".to_string()),
            ("amount", "300.00".to_string()),
            ("method", "Visa".to_string()),
            ("reference", "4242".to_string()),
            ("balance_after", "900.00".to_string()),
            ("modified_at", "2024-02-12 15:10:00".to_string()),
        ]);
    }
}
