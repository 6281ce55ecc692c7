//! The clinic management system's exports (seed 003): a multi-provider primary-care and therapy
//! clinic in Austin, Texas. US formats: dates month first, timestamps "YYYY-MM-DD HH:MM:SS" in
//! the clinic's local time (America/New_York per the spec); all times are office hours, so none
//! falls into a daylight-saving gap.

use crate::common::*;
use chrono::{Duration, NaiveDate, NaiveDateTime};
use std::collections::BTreeSet;

fn ts(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

fn day(d: NaiveDate) -> String {
    d.format("%m/%d/%Y").to_string()
}

#[rustfmt::skip]
const FIRST: &[&str] = &[
    "Maria", "James", "Linda", "Robert", "Emily", "Michael", "Sarah", "David", "Jessica", "Daniel",
    "Ashley", "Carlos", "Olivia", "Kevin", "Megan", "Brian", "Laura", "Jason", "Rachel", "Tyler",
    "Grace", "Ethan", "Hannah", "Luis", "Priya", "Tom", "Ann", "Sam", "Eva", "Lee", "Aaliyah",
    "Noah",
];
#[rustfmt::skip]
const LAST: &[&str] = &[
    "Lopez", "Reed", "Ito", "Park", "Ortiz", "Novak", "Johnson", "Williams", "Brown", "Garcia",
    "Martinez", "Davis", "Rodriguez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson",
    "Nguyen", "Patel", "Kim", "Hernandez", "Clark", "Lewis", "Walker", "Hall", "Young", "King",
];
/// (city, state as typed, zip prefix)
#[rustfmt::skip]
const PLACES: &[(&str, &str, &str)] = &[
    ("Austin", "TX", "787"),
    ("Austin", "tx", "787"),
    ("Round Rock", "TX", "786"),
    ("Cedar Park", "TX", "786"),
    ("Pflugerville", "TX", "786"),
    ("Georgetown", "TX", "786"),
    ("San Marcos", "TX", "786"),
    ("Kyle", " TX ", "786"),
];
#[rustfmt::skip]
const STREETS: &[&str] = &[
    "Congress Ave", "Lamar Blvd", "Burnet Rd", "Guadalupe St", "Oltorf St", "Parmer Ln",
    "Slaughter Ln", "William Cannon Dr", "Riverside Dr", "Manchaca Rd",
];

#[rustfmt::skip]
const USERS_IN: &[(&str, &str)] = &[
    ("migration-owner@clinic.example", "Migration Owner"),
    ("frontdesk@clinic.example", "Front Desk"),
    ("billing@clinic.example", "Billing Office"),
    ("nurse.kelly@clinic.example", "Kelly Owens, RN"),
    ("office.manager@clinic.example", "Dana Brooks"),
];
const USERS_OUT: &[&str] = &["temp.staff@clinic.example", "dr.patel.old@clinic.example"];

struct Patient {
    id: String,
    clean: bool,
    first: String,
    last: String,
    dob: String,
    payer: Option<usize>,
    duplicate: bool,
}

struct Cl {
    rng: Rng,
    ex: Export,
    payers: Vec<(String, String)>,    // (id, name)
    providers: Vec<(String, String)>, // (id, email)
    provider_names: Vec<String>,
    patients: Vec<Patient>,
    appointments: Vec<(String, usize, NaiveDateTime)>, // (id, patient index, start)
    plans: Vec<(String, usize, NaiveDate)>,
}

pub fn generate() -> Export {
    let mut g = Cl {
        rng: Rng::new(0x5EED_0003),
        ex: Export::new(
            "clinic-to-twenty",
            "A clinic management system's CSV exports: patients, providers, payers, appointments, \
             clinical notes, insurance coverages, claims, referrals, treatment plans and their \
             items, lab results and document metadata. US formats (MM/DD/YYYY dates, \
             \"YYYY-MM-DD HH:MM:SS\" local timestamps). `patients.csv` is saved with CRLF line endings.",
        ),
        payers: Vec::new(),
        providers: Vec::new(),
        provider_names: Vec::new(),
        patients: Vec::new(),
        appointments: Vec::new(),
        plans: Vec::new(),
    };
    g.payers();
    g.providers();
    g.patients(200, 3);
    g.appointments(400);
    g.clinical_notes(200);
    g.insurance();
    g.claims(240);
    g.referrals(60);
    g.treatment_plans(50);
    g.plan_items();
    g.labs(150);
    g.documents(100);
    g.users();
    g.ex
}

impl Cl {
    fn us_phone(&mut self, file: &str, pct_bad: u32) -> String {
        if self.rng.pct(pct_bad) {
            self.ex.plant(file, "malformed phone number");
            return self
                .rng
                .pick(&["555-0101", "N/A", "ext. 42", "000", "512-555-01"])
                .to_string();
        }
        let area = *self.rng.pick(&["512", "737", "555", "210"]);
        let n = self.rng.range(0, 9999);
        let x = self.rng.range(200, 999);
        match self.rng.below(5) {
            0 => format!("({area}) {x}-{n:04}"),
            1 => format!("{area}-{x}-{n:04}"),
            2 => format!("+1 {area} {x} {n:04}"),
            3 => format!("{area}.{x}.{n:04}"),
            _ => format!("{area}{x}{n:04}"),
        }
    }

    fn email(&mut self, file: &str, first: &str, last: &str, k: usize) -> String {
        if self.rng.pct(3) {
            self.ex.plant(file, "malformed email address");
            return self.rng.pick(BAD_EMAILS).to_string();
        }
        let local = email_local(first, last);
        let local = if local.is_empty() {
            format!("patient{k}")
        } else {
            local
        };
        let e = format!(
            "{local}{}@{}",
            k % 100,
            self.rng.pick(&[
                "gmail.com",
                "yahoo.com",
                "outlook.com",
                "icloud.com",
                "att.net"
            ])
        );
        scruffy_email(&mut self.rng, &e)
    }

    fn name(&mut self, file: &str, pct_intl: u32) -> (String, String) {
        if self.rng.pct(pct_intl) {
            self.ex.plant(file, "non-ASCII name");
            let (f, l) = *self.rng.pick(INTERNATIONAL);
            (f.to_string(), l.to_string())
        } else {
            (
                self.rng.pick(FIRST).to_string(),
                self.rng.pick(LAST).to_string(),
            )
        }
    }

    /// A patient for a dependent record. Only originals, so that the random rows' outcomes do
    /// not hang on the dedupe; the fidelity rows at the end attach records to a duplicate on
    /// purpose (fault 1).
    fn patient_ix(&mut self) -> usize {
        let originals = self.patients.iter().filter(|p| !p.duplicate).count();
        self.rng.below(originals)
    }

    fn provider(&mut self) -> String {
        self.providers[self.rng.below(self.providers.len())]
            .0
            .clone()
    }

    // ───────────────────────────── payers, providers, patients ─────────────────────────────

    fn payers(&mut self) {
        let file = "payers.csv";
        let mut t = Table::new(
            file,
            &[
                "payer_id",
                "payer_name",
                "electronic_payer_id",
                "payer_type",
                "phone",
                "website",
                "address_line1",
                "address_line2",
                "city",
                "state",
                "zip",
                "updated_at",
            ],
        );
        #[rustfmt::skip]
        const PAYERS: &[(&str, &str, &str, &str)] = &[
            ("Aetna", "60054", "Commercial", "aetna.com"),
            ("Blue Cross Blue Shield of Texas", "84980", "Commercial", "bcbstx.com"),
            ("UnitedHealthcare", "87726", "Private", "uhc.com"),
            ("Cigna", "62308", "Commercial", "cigna.com"),
            ("Humana", "61101", "Commercial", "humana.com"),
            ("Medicare Part B (Novitas)", "04412", "Medicare", "novitas-solutions.com"),
            ("Texas Medicaid & Healthcare Partnership", "617591011", "Medicaid", "tmhp.com"),
            ("Tricare East", "TREST", "Tricare", "tricare-east.com"),
            ("Oscar Health", "OSCAR", "Commercial", "hioscar.com"),
            ("Texas Mutual (Workers' Comp)", "TXMUT", "Workers' Compensation", "texasmutual.com"),
            ("State Farm Auto PIP", "SF001", "Motor Vehicle", "statefarm.com"),
            ("Molina Healthcare of Texas", "20554", "Medicaid", ""),
            ("Baylor Scott & White Health Plan", "88030", "HMO plan", "bswhealthplan.com"),
            ("Self Pay", "", "Self-pay", ""),
        ];
        for (i, (name, epid, kind, web)) in PAYERS.iter().enumerate() {
            if *kind == "HMO plan" {
                self.ex
                    .plant(file, "payer type not in the value table (lands in OTHER)");
            }
            let u = office_within(&mut self.rng, date(2023, 1, 1), 400);
            let phone = self.us_phone(file, if i == 6 { 100 } else { 0 });
            t.add(&[
                ("payer_id", format!("PAY-{:03}", i + 1)),
                ("payer_name", name.to_string()),
                ("electronic_payer_id", epid.to_string()),
                ("payer_type", kind.to_string()),
                ("phone", phone),
                ("website", web.to_string()),
                (
                    "address_line1",
                    format!("PO Box {}", self.rng.range(1000, 99999)),
                ),
                (
                    "city",
                    self.rng
                        .pick(&[
                            "Hartford",
                            "Richardson",
                            "Minneapolis",
                            "Austin",
                            "Louisville",
                        ])
                        .to_string(),
                ),
                (
                    "state",
                    self.rng.pick(&["CT", "TX", "MN", "KY"]).to_string(),
                ),
                ("zip", format!("{:05}", self.rng.range(10000, 99999))),
                ("updated_at", ts(u)),
            ]);
            self.payers
                .push((format!("PAY-{:03}", i + 1), name.to_string()));
        }
        // The same payer keyed twice by the billing team.
        self.ex.plant(
            file,
            "duplicate payer (same name with a trailing space, different payer_id)",
        );
        t.add(&[
            ("payer_id", "PAY-099".to_string()),
            ("payer_name", "Aetna ".to_string()),
            ("electronic_payer_id", "60054".to_string()),
            ("payer_type", "Commercial".to_string()),
            ("updated_at", "2023-08-14 10:30:00".to_string()),
        ]);
        self.ex.tables.push(t);
    }

    fn providers(&mut self) {
        let file = "providers.csv";
        let mut t = Table::new(
            file,
            &[
                "provider_id",
                "first_name",
                "last_name",
                "credentials",
                "provider_type",
                "npi",
                "primary_specialty",
                "secondary_specialty",
                "email",
                "phone",
                "active",
                "updated_at",
            ],
        );
        // (first, last, credentials, type, primary, secondary)
        #[rustfmt::skip]
        const PROVIDERS: &[(&str, &str, &str, &str, &str, &str)] = &[
            ("James", "Chen", "MD", "Physician", "Family Practice", "Sports Medicine"),
            ("Ana", "Alvarez", "DO", "Physician", "Internal Medicine", ""),
            ("Rebecca", "Stone", "MD", "Physician", "Pediatrics", ""),
            ("Omar", "Haddad", "MD", "Surgeon", "Orthopaedics", "Sports Medicine"),
            ("Linh", "Tran", "NP", "Nurse Practitioner", "Family Medicine", ""),
            ("Marcus", "Bell", "PA-C", "Physician Assistant", "Internal Medicine", "Endocrinology"),
            ("Sofia", "Reyes", "DPT", "Physical Therapist", "Physical Therapy", "Sports Medicine"),
            ("Kyle", "Brandt", "DPT", "Physical Therapist", "Physiotherapy", ""),
            ("Hannah", "Weiss", "OTR/L", "Occupational Therapist", "Occupational Therapy", ""),
            ("Derek", "Olsen", "DC", "Chiropractor", "Chiropractic", ""),
            ("Nadia", "Karimi", "LCSW", "Counselor", "Behavioral Health", "Counseling"),
            ("Paul", "Fischer", "PhD", "Psychologist", "Psychology", ""),
            ("Zoë", "O'Brien", "RD", "Dietitian", "Nutrition", ""),
            ("José", "Müller", "MD", "Physician", "Cardiology", "Internal Medicine"),
            ("Grace", "Liu", "MD", "Physician", "Dermatology", "Wound Care"),
            ("Amy", "Foster", "RN", "Nurse", "", ""),
            ("Victor", "Ramos", "MA", "Medical Assistant", "", ""),
        ];
        let mut npis = Vec::new();
        for (i, (f, l, cred, kind, p1, p2)) in PROVIDERS.iter().enumerate() {
            let id = format!("PR-{}", i + 1);
            let npi_digits = format!("1{:09}", self.rng.range(0, 999_999_999));
            let npi = match i {
                4 => {
                    self.ex.plant(file, "NPI that is not 10 digits (→ null)");
                    "12345".to_string()
                }
                16 => String::new(),
                _ if i % 3 == 0 => format!(
                    "{}-{}-{}",
                    &npi_digits[..4],
                    &npi_digits[4..7],
                    &npi_digits[7..]
                ),
                _ => npi_digits.clone(),
            };
            npis.push(npi_digits);
            if *p2 == "Wound Care" {
                self.ex
                    .plant(file, "specialty not in the pick-list (lands in OTHER)");
            }
            let email = if i == 11 {
                self.ex.plant(
                    file,
                    "provider email not in users.csv (appointments go to the default owner)",
                );
                "pfischer@clinic.example".to_string()
            } else {
                format!(
                    "{}{}@clinic.example",
                    email_local(&f[..1], ""),
                    email_local(l, "")
                )
            };
            let phone = self.us_phone(file, 0);
            t.add(&[
                ("provider_id", id.clone()),
                ("first_name", f.to_string()),
                ("last_name", l.to_string()),
                ("credentials", cred.to_string()),
                ("provider_type", kind.to_string()),
                ("npi", npi),
                ("primary_specialty", p1.to_string()),
                ("secondary_specialty", p2.to_string()),
                (
                    "email",
                    if i == 7 {
                        format!(" {} ", email.to_uppercase())
                    } else {
                        email.clone()
                    },
                ),
                ("phone", phone),
                (
                    "active",
                    (if i == 9 { "false" } else { "true" }).to_string(),
                ),
                ("updated_at", "2024-01-02 08:00:00".to_string()),
            ]);
            self.providers.push((id, email));
            self.provider_names.push(format!("{f} {l}, {cred}"));
        }
        // Dr. Chen entered a second time when he joined the second location: same NPI.
        self.ex
            .plant(file, "duplicate provider (same NPI, different provider_id)");
        t.add(&[
            ("provider_id", "PR-18".to_string()),
            ("first_name", "James".to_string()),
            ("last_name", "Chen".to_string()),
            ("credentials", "M.D.".to_string()),
            ("provider_type", "Physician".to_string()),
            ("npi", npis[0].clone()),
            ("primary_specialty", "Family Medicine".to_string()),
            ("email", "james.chen@clinic.example".to_string()),
            ("active", "true".to_string()),
            ("updated_at", "2024-02-11 09:30:00".to_string()),
        ]);
        self.ex.tables.push(t);
    }

    fn patients(&mut self, n: usize, duplicates: usize) {
        let file = "patients.csv";
        let mut t = Table::new(
            file,
            &[
                "patient_id",
                "mrn",
                "first_name",
                "last_name",
                "preferred_name",
                "date_of_birth",
                "email",
                "mobile_phone",
                "home_phone",
                "address_line1",
                "address_line2",
                "city",
                "state",
                "zip",
                "insurance_id",
                "primary_provider_id",
                "consent_on_file",
                "patient_status",
                "assigned_staff_email",
                "created_at",
                "updated_at",
            ],
        );
        t.crlf = true;
        let mut mrns = BTreeSet::new();
        for i in 0..n + duplicates {
            let id = format!("P-{}", 1001 + i);
            let mut mrn = format!("MRN-{:06}", self.rng.range(100, 999_999));
            while !mrns.insert(mrn.clone()) {
                mrn = format!("MRN-{:06}", self.rng.range(100, 999_999));
            }
            let mut clean = true;
            let (first, last, dob_cell);
            if i >= n {
                // Registered twice (new MRN at the second location): same name and birth date.
                let orig: Vec<usize> = (0..self.patients.len())
                    .filter(|&k| self.patients[k].clean)
                    .collect();
                let p = &self.patients[orig[self.rng.below(orig.len())]];
                first = p.first.clone();
                last = format!("{} ", p.last);
                dob_cell = p.dob.clone();
                clean = false;
                self.ex.plant(
                    file,
                    "duplicate patient (same name and date of birth, new patient_id and MRN)",
                );
            } else {
                let (f, l) = self.name(file, 6);
                first = f;
                last = l;
                dob_cell = if i == 77 {
                    self.ex
                        .plant(file, "unparseable date of birth (the row is rejected)");
                    clean = false;
                    "02/30/1985".to_string()
                } else {
                    let d = self.rng.range(0, 30000);
                    day(date(1935, 1, 1) + Duration::days(d))
                };
            }
            let status = if i % 70 == 44 {
                self.ex
                    .plant(file, "patient status not in the spec's status map (held)");
                clean = false;
                "Transferred".to_string()
            } else {
                self.rng
                    .pick(&[
                        "Active", "Active", "Active", "Active", "", "Inactive", "Archived",
                        "active",
                    ])
                    .to_string()
            };
            let consent = if i % 60 == 13 {
                self.ex.plant(file, "consent flag that is not Y/N (→ null)");
                "?".to_string()
            } else {
                self.rng.pick(&["Y", "Y", "Y", "N", ""]).to_string()
            };
            let staff = if i % 45 == 12 {
                self.ex.plant(
                    file,
                    "assigned staff email not in users.csv (→ default owner)",
                );
                self.rng.pick(USERS_OUT).to_string()
            } else {
                self.rng.maybe(
                    20,
                    &[
                        "frontdesk@clinic.example",
                        "nurse.kelly@clinic.example",
                        "Office.Manager@clinic.example",
                    ],
                )
            };
            let primary = if i == 120 {
                self.ex
                    .plant(file, "primary provider not in providers.csv (→ null)");
                "PR-404".to_string()
            } else if self.rng.pct(80) {
                self.provider()
            } else {
                String::new()
            };
            let (city, state, zip3) = *self.rng.pick(PLACES);
            let zip = if self.rng.pct(15) {
                format!(
                    "{zip3}{:02}-{:04}",
                    self.rng.range(1, 99),
                    self.rng.range(1, 9999)
                )
            } else {
                format!("{zip3}{:02}", self.rng.range(1, 99))
            };
            let email = if self.rng.pct(15) {
                String::new()
            } else {
                self.email(file, &first, &last, i)
            };
            let mobile = if self.rng.pct(10) {
                String::new()
            } else {
                self.us_phone(file, 3)
            };
            let home = if self.rng.pct(70) {
                String::new()
            } else {
                self.us_phone(file, 0)
            };
            let c = office_within(&mut self.rng, date(2019, 1, 1), 1800);
            let u = later(&mut self.rng, c, 400);
            let payer = if self.rng.pct(88) {
                Some(self.rng.below(self.payers.len() - 1))
            } else {
                None
            };
            let first_cell = if self.rng.pct(3) {
                self.ex.plant(file, "stray spaces around the first name");
                format!("  {first}")
            } else {
                first.clone()
            };
            t.add(&[
                ("patient_id", id.clone()),
                ("mrn", mrn),
                ("first_name", first_cell),
                ("last_name", last.clone()),
                (
                    "preferred_name",
                    if self.rng.pct(8) {
                        self.rng
                            .pick(&["Mike", "Liz", "Bobby", "Annie", "Tommy"])
                            .to_string()
                    } else {
                        String::new()
                    },
                ),
                ("date_of_birth", dob_cell.clone()),
                ("email", email),
                ("mobile_phone", mobile),
                ("home_phone", home),
                (
                    "address_line1",
                    format!("{} {}", self.rng.range(100, 9999), self.rng.pick(STREETS)),
                ),
                (
                    "address_line2",
                    self.rng
                        .maybe(80, &["Apt 4B", "Unit 12", "Suite 200", "#3"]),
                ),
                ("city", city.to_string()),
                ("state", state.to_string()),
                ("zip", zip),
                (
                    "insurance_id",
                    if payer.is_some() {
                        format!("W{:09}", self.rng.range(0, 999_999_999))
                    } else {
                        String::new()
                    },
                ),
                ("primary_provider_id", primary),
                ("consent_on_file", consent),
                ("patient_status", status),
                ("assigned_staff_email", staff),
                ("created_at", ts(c)),
                ("updated_at", ts(u)),
            ]);
            self.patients.push(Patient {
                id,
                clean,
                first,
                last: last.trim().to_string(),
                dob: dob_cell,
                payer,
                duplicate: i >= n,
            });
        }
        self.fidelity_patients(&mut t);
        self.ex.tables.push(t);
    }

    // ───────────────────────────── visits and notes ─────────────────────────────

    fn appointments(&mut self, n: usize) {
        let file = "appointments.csv";
        let mut t = Table::new(
            file,
            &[
                "appointment_id",
                "patient_id",
                "provider_id",
                "appointment_type",
                "service_line",
                "status",
                "start_at",
                "end_at",
                "duration_minutes",
                "location",
                "visit_reason",
                "notes",
                "created_at",
                "updated_at",
            ],
        );
        #[rustfmt::skip]
        const TYPES: &[(&str, &str)] = &[
            ("New Patient Exam", "Primary Care"),
            ("Follow-up", "Primary Care"),
            ("Follow Up", "Primary Care"),
            ("Return Visit", "Primary Care"),
            ("Telehealth", "Primary Care"),
            ("Video Visit", "Behavioral Health"),
            ("Annual Physical", "Primary Care"),
            ("Wellness Visit", "Primary Care"),
            ("Consult", "Orthopedics"),
            ("Minor Procedure", "Dermatology"),
            ("PT Session", "Physical Therapy"),
            ("Therapy Session", "Behavioral Health"),
            ("Initial Evaluation", "Physical Therapy"),
            ("Re-evaluation", "Physical Therapy"),
            ("Blood Draw", "Lab"),
            ("Flu Shot", "Primary Care"),
            ("Nutrition Counseling", "Nutrition"),
        ];
        #[rustfmt::skip]
        const STATUSES: &[&str] = &[
            "Completed", "Completed", "Checked Out", "Checked Out", "Seen", "Scheduled",
            "Confirmed", "Booked", "Rescheduled", "Cancelled", "Canceled", "Late Cancel", "No Show",
            "No-show", "Arrived", "Checked In",
        ];
        #[rustfmt::skip]
        const REASONS: &[&str] = &[
            "Low back pain, 2 weeks", "Med refill – lisinopril", "Knee pain after running",
            "Annual wellness", "Follow-up on A1c", "Rash on forearm", "Anxiety, sleep issues",
            "Post-op check, R knee", "",
        ];
        #[rustfmt::skip]
        const NOTES: &[&str] = &[
            "Pt requests Spanish interpreter.", "Bring insurance card; copay $25.",
            "Running 10 min late, called ahead.",
            "Needs \"fasting\" labs — no food after midnight.",
            "Referred by Dr. Kim, see referral letter.", "Prefers afternoon slots, works mornings.",
        ];
        for i in 0..n {
            let id = format!("A-{}", 5001 + i);
            let block = i % 23 == 9;
            let k = self.patient_ix();
            let patient = if block {
                self.ex
                    .plant(file, "schedule block without a patient (skipped)");
                String::new()
            } else if i % 150 == 77 {
                self.ex.plant(
                    file,
                    "appointment for a patient not in patients.csv (orphan)",
                );
                "P-9999".to_string()
            } else {
                self.patients[k].id.clone()
            };
            let (kind, line) = if block {
                (
                    *self
                        .rng
                        .pick(&["Lunch", "Admin Time", "Time Off", "Staff Meeting"]),
                    "",
                )
            } else {
                *self.rng.pick(TYPES)
            };
            let status = if i % 110 == 55 {
                self.ex.plant(
                    file,
                    "appointment status not in the spec's status map (rejected)",
                );
                "Bumped".to_string()
            } else if block {
                "Scheduled".to_string()
            } else {
                self.rng.pick(STATUSES).to_string()
            };
            let start = office_within(&mut self.rng, date(2023, 1, 2), 540);
            let minutes = *self.rng.pick(&[15i64, 20, 30, 30, 45, 60]);
            let duration = if i % 90 == 31 {
                self.ex
                    .plant(file, "duration that is not a number (→ null)");
                "1h".to_string()
            } else {
                minutes.to_string()
            };
            let created = start - Duration::days(self.rng.range(1, 40));
            let updated = start + Duration::hours(self.rng.range(0, 30));
            let provider = self.provider();
            t.add(&[
                ("appointment_id", id.clone()),
                ("patient_id", patient),
                ("provider_id", provider),
                ("appointment_type", kind.to_string()),
                ("service_line", line.to_string()),
                ("status", status),
                ("start_at", ts(start)),
                (
                    "end_at",
                    if self.rng.pct(20) {
                        String::new()
                    } else {
                        ts(start + Duration::minutes(minutes))
                    },
                ),
                ("duration_minutes", duration),
                (
                    "location",
                    if kind.contains("Video") || kind == "Telehealth" {
                        "Telehealth".to_string()
                    } else {
                        self.rng.maybe(
                            10,
                            &[
                                "Main Clinic – Room 3",
                                "Main Clinic – Room 5",
                                "North Austin Office",
                                "PT Gym",
                            ],
                        )
                    },
                ),
                (
                    "visit_reason",
                    if block {
                        String::new()
                    } else {
                        self.rng.pick(REASONS).to_string()
                    },
                ),
                (
                    "notes",
                    if self.rng.pct(70) || block {
                        String::new()
                    } else {
                        note_text(&mut self.rng, NOTES)
                    },
                ),
                ("created_at", ts(created)),
                ("updated_at", ts(updated)),
            ]);
            if !block {
                self.appointments.push((id, k, start));
            }
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
                "provider_id",
                "appointment_id",
                "encounter_date",
                "note_type",
                "subject",
                "body",
                "body_format",
                "signed_at",
                "updated_at",
            ],
        );
        #[rustfmt::skip]
        const TYPES: &[&str] = &[
            "SOAP", "SOAP Note", "Progress", "Progress Note", "Intake", "Discharge Summary",
            "Procedure Note", "Telephone Encounter",
        ];
        for i in 0..n {
            let (appt, k, start) =
                self.appointments[self.rng.below(self.appointments.len())].clone();
            let patient = if i == 123 {
                self.ex
                    .plant(file, "note for a patient not in patients.csv (orphan)");
                "P-9999".to_string()
            } else {
                self.patients[k].id.clone()
            };
            let kind = if i % 50 == 17 {
                "Consult Letter"
            } else {
                *self.rng.pick(TYPES)
            };
            if kind == "Consult Letter" {
                self.ex
                    .plant(file, "note type not in the value table (lands in OTHER)");
            }
            let html = self.rng.pct(10);
            let body = if html {
                "<p><b>S:</b> Pt reports improvement.</p><p><b>P:</b> Continue HEP, 2x/week.</p>"
                    .to_string()
            } else {
                format!(
                    "S: Pt reports \"{}\" pain, {}/10.\nO: {}\nA: {}\nP: {}",
                    self.rng.pick(&["sharp", "dull", "burning", "aching"]),
                    self.rng.range(1, 9),
                    self.rng.pick(&[
                        "BP 128/82, HR 72.",
                        "ROM limited, flexion 90°.",
                        "No acute distress; lungs clear."
                    ]),
                    self.rng.pick(&[
                        "Lumbar strain, improving.",
                        "HTN, controlled.",
                        "T2DM, A1c above goal."
                    ]),
                    self.rng.pick(&[
                        "Continue meds, RTC 3 months.",
                        "PT 2x/week, 6 weeks; ice, NSAIDs.",
                        "Labs today, f/u in 2 weeks, call if worse."
                    ]),
                )
            };
            let signed = if self.rng.pct(15) {
                String::new()
            } else {
                ts(start + Duration::hours(self.rng.range(1, 48)))
            };
            let provider = self.provider();
            t.add(&[
                ("note_id", format!("N-{}", 9001 + i)),
                ("patient_id", patient),
                ("provider_id", provider),
                (
                    "appointment_id",
                    if self.rng.pct(80) {
                        appt
                    } else {
                        String::new()
                    },
                ),
                ("encounter_date", day(start.date())),
                ("note_type", kind.to_string()),
                (
                    "subject",
                    self.rng.maybe(
                        40,
                        &[
                            "Back pain follow-up",
                            "Annual physical",
                            "Knee rehab progress",
                            "Phone call re: lab results",
                        ],
                    ),
                ),
                ("body", body),
                (
                    "body_format",
                    (if html {
                        "html"
                    } else {
                        *self.rng.pick(&["text", "text", ""])
                    })
                    .to_string(),
                ),
                ("signed_at", signed),
                ("updated_at", ts(start + Duration::days(2))),
            ]);
        }
        self.fidelity_clinical_notes(&mut t);
        self.ex.tables.push(t);
    }

    // ───────────────────────────── insurance and billing ─────────────────────────────

    fn insurance(&mut self) {
        let file = "patient_insurance.csv";
        let mut t = Table::new(
            file,
            &[
                "coverage_id",
                "patient_id",
                "coverage_rank",
                "payer_id",
                "carrier_name",
                "plan_name",
                "policy_number",
                "group_number",
                "coverage_type",
                "subscriber_name",
                "subscriber_relationship",
                "effective_date",
                "termination_date",
                "updated_at",
            ],
        );
        #[rustfmt::skip]
        const COVERAGE: &[&str] = &[
            "PPO", "PPO", "HMO", "EPO", "POS", "HDHP", "Medicare Part B", "Medicare Advantage",
            "Medicaid", "Tricare", "Workers Comp", "PIP",
        ];
        let mut k = 0;
        for p in 0..self.patients.len() {
            let Some(payer) = self.patients[p]
                .payer
                .filter(|_| !self.patients[p].duplicate)
            else {
                continue;
            };
            let ranks = if self.rng.pct(22) {
                if self.rng.pct(12) {
                    3
                } else {
                    2
                }
            } else {
                1
            };
            for rank in 1..=ranks {
                k += 1;
                let payer = if rank == 1 {
                    payer
                } else {
                    self.rng.below(self.payers.len() - 1)
                };
                let (mut payer_id, carrier) = self.payers[payer].clone();
                if k == 57 {
                    payer_id = "PAY-404".to_string();
                    self.ex
                        .plant(file, "payer_id not in payers.csv (→ no payer link)");
                }
                let eff = match self.rng.below(30) {
                    0 => {
                        self.ex.plant(file, "unparseable effective date (→ null)");
                        self.rng
                            .pick(&["00/00/0000", "n/a", "2021-13-45"])
                            .to_string()
                    }
                    1..=4 => String::new(),
                    _ => {
                        let d = self.rng.range(0, 1500);
                        day(date(2019, 1, 1) + Duration::days(d))
                    }
                };
                let term = if self.rng.pct(85) {
                    String::new()
                } else if k % 50 == 3 {
                    self.ex.plant(file, "unparseable termination date (→ null)");
                    "12/31/9999x".to_string()
                } else {
                    let d = self.rng.range(0, 700);
                    day(date(2024, 1, 1) + Duration::days(d))
                };
                let rel = self
                    .rng
                    .pick(&[
                        "Self",
                        "Self",
                        "Self",
                        "Spouse",
                        "Child",
                        "Dependent",
                        "Other",
                        "",
                    ])
                    .to_string();
                let subscriber = if rel == "Self" || rel.is_empty() {
                    format!("{} {}", self.patients[p].first, self.patients[p].last)
                } else {
                    format!("{} {}", self.rng.pick(FIRST), self.patients[p].last)
                };
                let u = office_within(&mut self.rng, date(2023, 6, 1), 300);
                t.add(&[
                    ("coverage_id", format!("COV-{k}")),
                    ("patient_id", self.patients[p].id.clone()),
                    ("coverage_rank", rank.to_string()),
                    ("payer_id", payer_id),
                    (
                        "carrier_name",
                        if self.rng.pct(5) {
                            format!(" {carrier}  ")
                        } else {
                            carrier
                        },
                    ),
                    (
                        "plan_name",
                        self.rng.maybe(
                            30,
                            &[
                                "Choice POS II",
                                "Open Access PPO",
                                "Blue Advantage HMO",
                                "Gold 1000",
                                "Navigator",
                            ],
                        ),
                    ),
                    (
                        "policy_number",
                        format!(
                            "{}{:09}",
                            self.rng.pick(&["W", "XZH", "U", "H"]),
                            self.rng.range(0, 999_999_999)
                        ),
                    ),
                    (
                        "group_number",
                        self.rng
                            .maybe(30, &["GRP-42", "0012345", "76-4410", "G9981"]),
                    ),
                    ("coverage_type", self.rng.maybe(10, COVERAGE)),
                    ("subscriber_name", subscriber),
                    ("subscriber_relationship", rel),
                    ("effective_date", eff),
                    ("termination_date", term),
                    ("updated_at", ts(u)),
                ]);
            }
        }
        self.ex
            .plant(file, "coverage for a patient not in patients.csv (orphan)");
        t.add(&[
            ("coverage_id", format!("COV-{}", k + 1)),
            ("patient_id", "P-9999".to_string()),
            ("coverage_rank", "1".to_string()),
            ("payer_id", "PAY-001".to_string()),
            ("carrier_name", "Aetna".to_string()),
            ("policy_number", "W000000404".to_string()),
            ("updated_at", "2024-02-10 14:00:00".to_string()),
        ]);
        self.fidelity_insurance(&mut t);
        self.ex.tables.push(t);
    }

    fn claims(&mut self, n: usize) {
        let file = "claims.csv";
        let mut t = Table::new(
            file,
            &[
                "claim_id",
                "claim_number",
                "claim_type",
                "patient_id",
                "provider_id",
                "appointment_id",
                "payer_id",
                "service_date",
                "submitted_date",
                "amount_billed",
                "amount_paid",
                "patient_responsibility",
                "status",
                "procedure_codes",
                "diagnosis_codes",
                "denial_reason",
                "updated_at",
            ],
        );
        #[rustfmt::skip]
        const CPT: &[&str] = &[
            "99213", "99214", "99203", "97110", "97140", "97530", "90834", "36415", "80053",
            "83036", "99395", "G0438",
        ];
        #[rustfmt::skip]
        const ICD: &[&str] = &[
            "M54.5", "M25.561", "I10", "E11.9", "F41.1", "Z00.00", "J06.9", "L30.9", "S83.511A",
        ];
        #[rustfmt::skip]
        const STATUSES: &[&str] = &[
            "Paid", "Paid in Full", "Closed", "Submitted", "Sent", "Pending", "In Process",
            "Partially Paid", "Denied", "Appealed", "Draft", "Ready to Bill", "Written Off", "Void",
            "Accepted",
        ];
        for i in 0..n {
            let (appt, k, start) =
                self.appointments[self.rng.below(self.appointments.len())].clone();
            let self_pay = self.patients[k].payer.is_none() || self.rng.pct(8);
            let kind = if i == 140 {
                self.ex
                    .plant(file, "claim type not in the spec's type map (rejected)");
                "Capitation".to_string()
            } else if self_pay {
                self.rng
                    .pick(&["Self-pay", "Self Pay", "Patient Invoice"])
                    .to_string()
            } else {
                self.rng
                    .pick(&["Insurance", "Insurance", "CMS-1500"])
                    .to_string()
            };
            let payer = if self_pay {
                String::new()
            } else if i % 100 == 66 {
                self.ex.plant(file, "payer_id not in payers.csv (held)");
                "PAY-404".to_string()
            } else {
                self.payers[self.patients[k].payer.unwrap_or(0)].0.clone()
            };
            let status = if i % 100 == 37 {
                self.ex
                    .plant(file, "claim status not in the spec's status map (held)");
                "Lost in mail".to_string()
            } else {
                self.rng.pick(STATUSES).to_string()
            };
            let billed = self.rng.range(35, 650) as f64 + *self.rng.pick(&[0.0, 0.5, 0.25]);
            let paid = match status.as_str() {
                "Paid" | "Paid in Full" | "Closed" => format!("{billed:.2}"),
                "Partially Paid" => format!("{:.2}", billed * 0.6),
                "Denied" | "Void" => "0.00".to_string(),
                _ => String::new(),
            };
            let resp = match self.rng.below(25) {
                0 => {
                    self.ex
                        .plant(file, "patient responsibility with a $ sign (→ null)");
                    "$25.00".to_string()
                }
                1..=12 => String::new(),
                _ => format!("{:.2}", *self.rng.pick(&[0.0, 20.0, 25.0, 40.0, 50.0])),
            };
            let submitted = match self.rng.below(30) {
                0 => {
                    self.ex.plant(file, "unparseable submitted date (→ null)");
                    self.rng.pick(&["n/a", "TBD"]).to_string()
                }
                1..=3 => String::new(),
                _ => day(start.date() + Duration::days(self.rng.range(1, 10))),
            };
            let ncpt = 1 + self.rng.below(3);
            let cpts: Vec<&str> = (0..ncpt).map(|_| *self.rng.pick(CPT)).collect();
            let nicd = 1 + self.rng.below(2);
            let icds: Vec<&str> = (0..nicd).map(|_| *self.rng.pick(ICD)).collect();
            let number = if self_pay {
                format!("INV-{}", 100 + i)
            } else {
                format!("C-2024-{:04}", i + 1)
            };
            let provider = self.provider();
            t.add(&[
                ("claim_id", format!("CL-{}", i + 1)),
                ("claim_number", number),
                ("claim_type", kind),
                ("patient_id", self.patients[k].id.clone()),
                ("provider_id", provider),
                (
                    "appointment_id",
                    if self.rng.pct(85) {
                        appt
                    } else {
                        String::new()
                    },
                ),
                ("payer_id", payer),
                ("service_date", day(start.date())),
                ("submitted_date", submitted),
                ("amount_billed", format!("{billed:.2}")),
                ("amount_paid", paid),
                ("patient_responsibility", resp),
                (
                    "denial_reason",
                    if status == "Denied" {
                        self.rng
                            .pick(&[
                                "CO-197: Precertification absent",
                                "CO-16: Missing information",
                                "PR-96: Non-covered charge",
                            ])
                            .to_string()
                    } else {
                        String::new()
                    },
                ),
                ("status", status),
                (
                    "procedure_codes",
                    cpts.join(if self.rng.pct(50) { "; " } else { ";" }),
                ),
                ("diagnosis_codes", icds.join(";")),
                (
                    "updated_at",
                    ts(start + Duration::days(self.rng.range(5, 60))),
                ),
            ]);
        }
        self.fidelity_claims(&mut t);
        self.ex.tables.push(t);
    }

    // ───────────────────────────── referrals, plans, labs, documents ─────────────────────────────

    fn referrals(&mut self, n: usize) {
        let file = "referrals.csv";
        let mut t = Table::new(
            file,
            &[
                "referral_id",
                "patient_id",
                "referral_date",
                "referring_provider_id",
                "referring_name",
                "referring_npi",
                "referring_email",
                "referring_practice",
                "reason",
                "updated_at",
            ],
        );
        #[rustfmt::skip]
        const OUTSIDE: &[(&str, &str, &str)] = &[
            ("Dr. Sarah Kim", "skim@austinfamilymed.example", "Austin Family Medicine"),
            ("Dr. Raj Mehta", "rmehta@hillcountryortho.example", "Hill Country Orthopedics"),
            ("Dr. Élise Martin", "emartin@lakewaypeds.example", "Lakeway Pediatrics"),
            ("Dr. Tom Nguyen", "TNguyen@RoundRockIM.example", "Round Rock Internal Medicine"),
        ];
        for i in 0..n {
            let k = self.patient_ix();
            let d = self.rng.range(0, 600);
            let when = date(2023, 1, 1) + Duration::days(d);
            let internal = self.rng.pct(30);
            let (name, email, practice) = *self.rng.pick(OUTSIDE);
            let email = if i % 25 == 8 {
                self.ex.plant(file, "malformed referring email (→ null)");
                "skim@@austinfamilymed".to_string()
            } else {
                email.to_string()
            };
            let patient = if i == 41 {
                self.ex
                    .plant(file, "referral for a patient not in patients.csv (orphan)");
                "P-9999".to_string()
            } else {
                self.patients[k].id.clone()
            };
            let provider = if internal {
                self.provider()
            } else {
                String::new()
            };
            t.add(&[
                ("referral_id", format!("REF-{}", i + 1)),
                ("patient_id", patient),
                ("referral_date", day(when)),
                ("referring_provider_id", provider),
                (
                    "referring_name",
                    if internal {
                        String::new()
                    } else {
                        name.to_string()
                    },
                ),
                (
                    "referring_npi",
                    if internal {
                        String::new()
                    } else {
                        self.rng
                            .pick(&["1457389023", "1881-692-471", "12345"])
                            .to_string()
                    },
                ),
                (
                    "referring_email",
                    if internal { String::new() } else { email },
                ),
                (
                    "referring_practice",
                    if internal {
                        String::new()
                    } else {
                        practice.to_string()
                    },
                ),
                (
                    "reason",
                    self.rng
                        .pick(&[
                            "Chronic low back pain, failed conservative tx",
                            "Knee OA, eval for PT",
                            "Anxiety — \"needs CBT\"",
                            "Weight management, nutrition counseling",
                        ])
                        .to_string(),
                ),
                (
                    "updated_at",
                    ts(when.and_hms_opt(10, 0, 0).expect("a time")),
                ),
            ]);
        }
        self.ex.tables.push(t);
    }

    fn treatment_plans(&mut self, n: usize) {
        let file = "treatment_plans.csv";
        let mut t = Table::new(
            file,
            &[
                "plan_id",
                "patient_id",
                "provider_id",
                "plan_name",
                "summary",
                "goals",
                "status",
                "start_date",
                "end_date",
                "created_at",
                "updated_at",
            ],
        );
        #[rustfmt::skip]
        const PLANS: &[(&str, &str, &str)] = &[
            ("Lumbar rehab", "Core stabilisation, McKenzie extension, 6 weeks.", "Return to running 5K\nSit 60 min without pain"),
            ("Post-op ACL rehab", "Phase 2 protocol; brace unlocked.\nWeight bearing as tolerated.", "Full extension by week 8"),
            ("Diabetes management", "A1c 8.4 → goal < 7.\nMetformin 1000 mg BID; nutrition visits monthly.", "A1c < 7 within 6 months"),
            ("CBT – anxiety", "12 sessions, weekly. \"Worry time\" exercise, sleep hygiene.", "GAD-7 below 5"),
            ("Shoulder impingement", "", "Overhead reach without pain"),
        ];
        #[rustfmt::skip]
        const STATUSES: &[&str] = &[
            "Active", "Active", "In Progress", "Draft", "On Hold", "Completed", "Discharged",
            "Cancelled",
        ];
        for i in 0..n {
            let k = self.patient_ix();
            let (name, summary, goals) = *self.rng.pick(PLANS);
            let status = if i == 29 {
                self.ex
                    .plant(file, "plan status not in the spec's status map (held)");
                "Awaiting Auth".to_string()
            } else {
                self.rng.pick(STATUSES).to_string()
            };
            let d = self.rng.range(0, 500);
            let start = date(2023, 2, 1) + Duration::days(d);
            let end = match self.rng.below(25) {
                0 => {
                    self.ex.plant(file, "unparseable end date (→ null)");
                    "ongoing".to_string()
                }
                1..=4 => String::new(),
                _ => day(start + Duration::weeks(self.rng.range(4, 26))),
            };
            let id = format!("TP-{}", i + 1);
            let provider = self.provider();
            t.add(&[
                ("plan_id", id.clone()),
                ("patient_id", self.patients[k].id.clone()),
                ("provider_id", provider),
                ("plan_name", name.to_string()),
                ("summary", summary.to_string()),
                ("goals", goals.to_string()),
                ("status", status),
                ("start_date", day(start)),
                ("end_date", end),
                (
                    "created_at",
                    ts(start.and_hms_opt(10, 0, 0).expect("a time")),
                ),
                (
                    "updated_at",
                    ts((start + Duration::days(14))
                        .and_hms_opt(16, 30, 0)
                        .expect("a time")),
                ),
            ]);
            self.plans.push((id, k, start));
        }
        self.ex.tables.push(t);
    }

    fn plan_items(&mut self) {
        let file = "treatment_plan_items.csv";
        let mut t = Table::new(
            file,
            &[
                "item_id",
                "plan_id",
                "line_no",
                "procedure_code",
                "description",
                "planned_start",
                "planned_end",
                "frequency",
                "visits_planned",
                "status",
            ],
        );
        #[rustfmt::skip]
        const ITEMS: &[(&str, &str)] = &[
            ("97110", "Therapeutic exercise"),
            ("97140", "Manual therapy"),
            ("97530", "Therapeutic activities"),
            ("97112", "Neuromuscular re-education"),
            ("90834", "Psychotherapy, 45 min"),
            ("97802", "Medical nutrition therapy"),
            ("G0108", "Diabetes self-management training"),
        ];
        let mut k = 0;
        let plans = self.plans.clone();
        for (plan, _, start) in &plans {
            for line in 1..=(1 + self.rng.below(4)) {
                k += 1;
                let (code, desc) = *self.rng.pick(ITEMS);
                let ps = match self.rng.below(25) {
                    0 => {
                        self.ex.plant(file, "unparseable planned start (→ null)");
                        "n/a".to_string()
                    }
                    1..=4 => String::new(),
                    _ => day(*start + Duration::days(self.rng.range(0, 14))),
                };
                let visits = if k % 40 == 17 {
                    self.ex
                        .plant(file, "visits planned that is not a number (→ null)");
                    "as needed".to_string()
                } else {
                    self.rng.range(4, 24).to_string()
                };
                t.add(&[
                    ("item_id", format!("ITEM-{k}")),
                    ("plan_id", plan.clone()),
                    ("line_no", line.to_string()),
                    (
                        "procedure_code",
                        if self.rng.pct(8) {
                            format!(" {code} ")
                        } else {
                            code.to_string()
                        },
                    ),
                    ("description", desc.to_string()),
                    ("planned_start", ps),
                    (
                        "planned_end",
                        if self.rng.pct(50) {
                            String::new()
                        } else {
                            day(*start + Duration::weeks(8))
                        },
                    ),
                    (
                        "frequency",
                        self.rng
                            .maybe(20, &["2x/week", "3x/week", "weekly", "every 2 weeks"]),
                    ),
                    ("visits_planned", visits),
                    (
                        "status",
                        self.rng
                            .pick(&[
                                "Planned",
                                "Pending",
                                "In Progress",
                                "Active",
                                "Completed",
                                "Done",
                                "Cancelled",
                                "",
                            ])
                            .to_string(),
                    ),
                ]);
            }
        }
        self.ex.plant(
            file,
            "item of a treatment plan not in treatment_plans.csv (orphan)",
        );
        t.add(&[
            ("item_id", format!("ITEM-{}", k + 1)),
            ("plan_id", "TP-404".to_string()),
            ("line_no", "1".to_string()),
            ("procedure_code", "97110".to_string()),
            ("description", "Therapeutic exercise".to_string()),
        ]);
        self.ex.tables.push(t);
    }

    fn labs(&mut self, n: usize) {
        let file = "lab_results.csv";
        let mut t = Table::new(
            file,
            &[
                "result_id",
                "patient_id",
                "ordering_provider_id",
                "order_number",
                "test_code",
                "test_name",
                "result_value",
                "unit",
                "reference_range",
                "abnormal_flag",
                "result_status",
                "collected_at",
                "resulted_at",
                "performing_lab",
                "narrative",
                "updated_at",
            ],
        );
        // (LOINC, name, unit, range, normal low, normal high)
        #[rustfmt::skip]
        const TESTS: &[(&str, &str, &str, &str, f64, f64)] = &[
            ("2345-7", "Glucose", "mg/dL", "70-99", 70.0, 99.0),
            ("4548-4", "Hemoglobin A1c", "%", "4.0-5.6", 4.0, 5.6),
            ("3016-3", "TSH", "mIU/L", "0.45-4.5", 0.45, 4.5),
            ("13457-7", "LDL Cholesterol", "mg/dL", "0-99", 0.0, 99.0),
            ("718-7", "Hemoglobin", "g/dL", "12.0-17.5", 12.0, 17.5),
            ("1989-3", "Vitamin D, 25-Hydroxy", "ng/mL", "30-100", 30.0, 100.0),
            ("2160-0", "Creatinine", "mg/dL", "0.6-1.3", 0.6, 1.3),
        ];
        for i in 0..n {
            let (_, k, start) = self.appointments[self.rng.below(self.appointments.len())].clone();
            let (code, name, unit, range, lo, hi) = *self.rng.pick(TESTS);
            let v = lo + (hi - lo) * (self.rng.range(-30, 130) as f64) / 100.0;
            let flag = if i == 88 {
                self.ex
                    .plant(file, "abnormal flag not in the spec's flag map (held)");
                "HX".to_string()
            } else if v < lo {
                self.rng.pick(&["L", "Low"]).to_string()
            } else if v > hi * 1.2 {
                "HH".to_string()
            } else if v > hi {
                self.rng.pick(&["H", "High", "A"]).to_string()
            } else {
                self.rng.pick(&["N", "N", "Normal", ""]).to_string()
            };
            let status = if i == 130 {
                self.ex.plant(
                    file,
                    "result status not in the spec's status map (rejected)",
                );
                "Pending Review".to_string()
            } else {
                self.rng
                    .pick(&[
                        "Final",
                        "Final",
                        "F",
                        "Preliminary",
                        "P",
                        "Corrected",
                        "Amended",
                        "Cancelled",
                    ])
                    .to_string()
            };
            let collected = start + Duration::minutes(20);
            let narrative = if self.rng.pct(25) {
                format!(
                    "Specimen: {}.\nComment: {}",
                    self.rng.pick(&["serum", "whole blood", "plasma"]),
                    self.rng.pick(&[
                        "Hemolyzed sample, \"interpret with caution\".",
                        "Fasting per patient.",
                        "Repeat in 3 months, discussed with pt."
                    ])
                )
            } else {
                String::new()
            };
            let provider = self.provider();
            t.add(&[
                ("result_id", format!("LAB-{}", i + 1)),
                ("patient_id", self.patients[k].id.clone()),
                ("ordering_provider_id", provider),
                ("order_number", format!("ORD-{}", 70000 + i * 7)),
                ("test_code", code.to_string()),
                ("test_name", name.to_string()),
                (
                    "result_value",
                    if status == "Cancelled" {
                        String::new()
                    } else {
                        format!("{v:.1}")
                    },
                ),
                ("unit", unit.to_string()),
                ("reference_range", range.to_string()),
                ("abnormal_flag", flag),
                ("result_status", status),
                ("collected_at", ts(collected)),
                (
                    "resulted_at",
                    if self.rng.pct(10) {
                        String::new()
                    } else {
                        ts(collected + Duration::hours(self.rng.range(4, 72)))
                    },
                ),
                (
                    "performing_lab",
                    self.rng
                        .pick(&["Quest Diagnostics", "LabCorp", "In-house"])
                        .to_string(),
                ),
                ("narrative", narrative),
                ("updated_at", ts(collected + Duration::days(3))),
            ]);
        }
        self.fidelity_labs(&mut t);
        self.ex.tables.push(t);
    }

    fn documents(&mut self, n: usize) {
        let file = "documents.csv";
        let mut t = Table::new(
            file,
            &[
                "document_id",
                "patient_id",
                "file_name",
                "file_path",
                "mime_type",
                "category",
                "description",
                "uploaded_at",
                "uploaded_by_email",
            ],
        );
        #[rustfmt::skip]
        const DOCS: &[(&str, &str, &str)] = &[
            ("consent_{d}.pdf", "application/pdf", "Consent Form"),
            ("HIPAA acknowledgement {d}.pdf", "application/pdf", "HIPAA Acknowledgement"),
            ("Insurance Card (front).jpg", "image/jpeg", "Insurance Card"),
            ("intake form, {d}.pdf", "application/pdf", "Intake"),
            ("MRI report – L spine.pdf", "application/pdf", "MRI"),
            ("referral letter Dr. Kim.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Referral Letter"),
            ("lab_{d}.pdf", "application/pdf", "Lab Report"),
        ];
        for i in 0..n {
            let k = self.patient_ix();
            let (pattern, mime, category) = if i % 40 == 9 {
                ("scan0042.tif", "image/tiff", "Misc")
            } else {
                *self.rng.pick(DOCS)
            };
            let at = office_within(&mut self.rng, date(2021, 1, 1), 1200);
            let name = pattern.replace("{d}", &at.format("%Y-%m-%d").to_string());
            let name = if i % 33 == 5 {
                self.ex.plant(file, "non-ASCII file name");
                let p = &self.patients[k];
                format!(
                    "{}_{}_intake.pdf",
                    p.first.replace(' ', "_"),
                    p.last.replace(' ', "_")
                )
            } else {
                name
            };
            if category == "Misc" {
                self.ex.plant(
                    file,
                    "document category not in the value table (lands in OTHER)",
                );
            }
            let uploader = if i % 40 == 21 {
                USERS_OUT[0].to_string()
            } else {
                self.rng.pick(USERS_IN).0.to_string()
            };
            let pid = self.patients[k].id.clone();
            t.add(&[
                ("document_id", format!("DOC-{}", i + 1)),
                ("patient_id", pid.clone()),
                ("file_path", format!("documents/{pid}/{name}")),
                ("file_name", name),
                ("mime_type", mime.to_string()),
                (
                    "category",
                    if self.rng.pct(8) {
                        String::new()
                    } else {
                        category.to_string()
                    },
                ),
                (
                    "description",
                    self.rng.maybe(
                        60,
                        &[
                            "Signed at front desk",
                            "Scanned by MA, \"page 2 missing\"",
                            "Faxed from the referring office,\n2 pages",
                        ],
                    ),
                ),
                ("uploaded_at", ts(at)),
                ("uploaded_by_email", uploader),
            ]);
        }
        self.fidelity_documents(&mut t);
        self.ex.tables.push(t);
    }

    fn users(&mut self) {
        let mut t = Table::new("users.csv", &["email", "name"]);
        for (e, n) in USERS_IN {
            t.add(&[("email", e.to_string()), ("name", n.to_string())]);
        }
        for (i, (_, email)) in self.providers.clone().iter().enumerate() {
            if i == 11 {
                continue; // Dr. Fischer has no Twenty account yet
            }
            t.add(&[
                ("email", email.clone()),
                ("name", self.provider_names[i].clone()),
            ]);
        }
        self.ex.tables.push(t);
    }
}

// ───────────────────────────── issue 11: fidelity rows ─────────────────────────────
//
// Rows with fixed ids (P-19xx, A-59xx, N-99xx, COV-9xx, CL-9xx, LAB-9xx, DOC-9xx) appended after
// the random ones, so that each exercises one of issue 11's faults with a known outcome. They use
// no random numbers, so every other row stays as it was. `tests/examples.rs` asserts on each.
//
// - Fault 1, a lookup of a deduped row finds the surviving record: P-1902 is P-1901 registered
//   again (same name and birth date, no email), deduped by the spec's `dedupe by
//   name.firstName, name.lastName, dateOfBirth`; an appointment, a clinical note, a
//   coverage (a merge), a claim, a lab result and a document of P-1902 land on P-1901's record.
//   A-5902 is booked with PR-18, the provider deduped into PR-1 by NPI: its provider is PR-1's.
// - Fault 5, two rows of one map with one unique value: P-1903 (P-1901's child) has the family's
//   email, P-1905 the MRN of P-1904, and claim CL-903 the claim number of CL-902. The patients map
//   dedupes by name and birth date, not by email or MRN, and nothing merges claims, so each second
//   row is rejected `duplicate` naming the first one's line: two people must not become one
//   record, and Twenty's unique email and MRN would refuse the second.
// - Fault 6, a key repeated: patient P-1907 and appointment A-5903 appear twice; the second is
//   rejected `duplicate-key` naming the first one's line.
// - Fault 7, a unique value across maps: P-1906 is Dr. Alvarez (PR-2) as a patient, with her
//   work email. Providers and patients are both People; the patients map says nothing about
//   duplicate emails, so the default holds: rejected `duplicate` naming PR-2's row, for the
//   clinic to decide (merging a patient's chart into a provider's record is not what it wants).

impl Cl {
    fn fidelity_patients(&mut self, t: &mut Table) {
        let file = "patients.csv";
        // (id, mrn, first, last, dob, email, mobile, updated, what was planted)
        #[rustfmt::skip]
        let rows: [[&str; 9]; 8] = [
            ["P-1901", "MRN-900001", "Marisol", "Vega", "04/12/1986", "marisol.vega@gmail.com",
             "(512) 555-0142", "2023-02-01 09:00:00", ""],
            ["P-1902", "MRN-900002", "Marisol", "Vega ", "04/12/1986", "",
             "(512) 555-0142", "2023-08-14 14:30:00",
             "fault 5: P-1901 registered again (same name and birth date): deduped into it"],
            ["P-1903", "MRN-900003", "Lucas", "Vega", "09/30/2014", "marisol.vega@gmail.com",
             "(512) 555-0142", "2023-08-14 14:45:00",
             "fault 5: P-1901's child with the family's email (rejected: the email is P-1901's)"],
            ["P-1904", "MRN-900004", "Derek", "Hale", "01/15/1979", "derek.hale@outlook.com",
             "737-555-0177", "2023-03-03 10:15:00", ""],
            ["P-1905", " MRN-900004", "Derrick", "Haley", "07/02/1981", "derrick.haley@yahoo.com",
             "737-555-0178", "2023-03-03 10:30:00",
             "fault 5: P-1904's MRN typed on another patient (rejected: the MRN is P-1904's)"],
            ["P-1906", "MRN-900006", "Ana", "Alvarez", "03/08/1975", "AAlvarez@clinic.example",
             "210-555-0606", "2023-05-09 16:00:00",
             "fault 7: provider PR-2 as a patient, with her work email (rejected: the email is PR-2's)"],
            ["P-1907", "MRN-900007", "Nora", "Quinn", "11/21/1990", "nora.quinn@icloud.com",
             "512-555-0190", "2023-06-01 11:00:00", ""],
            ["P-1907", "MRN-900007", "Nora", "Quinn", "11/21/1990", "nora.quinn@icloud.com",
             "512-555-0199", "2023-09-12 15:20:00",
             "fault 6: patient_id P-1907 a second time (rejected duplicate-key)"],
        ];
        for [id, mrn, first, last, dob, email, mobile, updated, what] in rows {
            if !what.is_empty() {
                self.ex.plant(file, what);
            }
            t.add(&[
                ("patient_id", id.to_string()),
                ("mrn", mrn.to_string()),
                ("first_name", first.to_string()),
                ("last_name", last.to_string()),
                ("date_of_birth", dob.to_string()),
                ("email", email.to_string()),
                ("mobile_phone", mobile.to_string()),
                ("address_line1", "2210 Manchaca Rd".to_string()),
                ("city", "Austin".to_string()),
                ("state", "TX".to_string()),
                ("zip", "78704".to_string()),
                ("primary_provider_id", "PR-2".to_string()),
                ("consent_on_file", "Y".to_string()),
                ("patient_status", "Active".to_string()),
                (
                    "assigned_staff_email",
                    "frontdesk@clinic.example".to_string(),
                ),
                ("created_at", "2023-02-01 09:00:00".to_string()),
                ("updated_at", updated.to_string()),
            ]);
        }
    }

    fn fidelity_appointments(&mut self, t: &mut Table) {
        let file = "appointments.csv";
        // (id, patient, provider, status, what was planted)
        #[rustfmt::skip]
        let rows: [(&str, &str, &str, &str, &str); 4] = [
            ("A-5901", "P-1902", "PR-2", "Completed",
             "fault 1: appointment of the deduped patient P-1902 (links to P-1901)"),
            ("A-5902", "P-1901", "PR-18", "Completed",
             "fault 1: appointment with PR-18, the provider deduped into PR-1 (provider is PR-1)"),
            ("A-5903", "P-1904", "PR-2", "Scheduled", "fault 6: appointment A-5903 (the row kept)"),
            ("A-5903", "P-1904", "PR-2", "Cancelled",
             "fault 6: appointment_id A-5903 a second time (rejected duplicate-key)"),
        ];
        for (id, patient, provider, status, what) in rows {
            self.ex.plant(file, what);
            t.add(&[
                ("appointment_id", id.to_string()),
                ("patient_id", patient.to_string()),
                ("provider_id", provider.to_string()),
                ("appointment_type", "Follow-up".to_string()),
                ("service_line", "Primary Care".to_string()),
                ("status", status.to_string()),
                ("start_at", "2023-08-21 10:30:00".to_string()),
                ("end_at", "2023-08-21 11:00:00".to_string()),
                ("duration_minutes", "30".to_string()),
                ("location", "Main Clinic – Room 3".to_string()),
                ("visit_reason", "Follow-up on A1c".to_string()),
                ("created_at", "2023-08-14 14:30:00".to_string()),
                ("updated_at", "2023-08-21 11:05:00".to_string()),
            ]);
        }
    }

    fn fidelity_clinical_notes(&mut self, t: &mut Table) {
        let file = "clinical_notes.csv";
        self.ex.plant(
            file,
            "fault 1: note of the deduped patient P-1902 (links to P-1901)",
        );
        t.add(&[
            ("note_id", "N-9901".to_string()),
            ("patient_id", "P-1902".to_string()),
            ("provider_id", "PR-2".to_string()),
            ("appointment_id", "A-5901".to_string()),
            ("encounter_date", "08/21/2023".to_string()),
            ("note_type", "Progress Note".to_string()),
            ("subject", "A1c follow-up".to_string()),
            (
                "body",
                "S: Pt reports feeling well.\nA: T2DM, A1c 6.9.\nP: Continue metformin, RTC 3 months."
                    .to_string(),
            ),
            ("body_format", "text".to_string()),
            ("signed_at", "2023-08-21 16:00:00".to_string()),
            ("updated_at", "2023-08-23 09:00:00".to_string()),
        ]);
    }

    fn fidelity_insurance(&mut self, t: &mut Table) {
        let file = "patient_insurance.csv";
        self.ex.plant(
            file,
            "fault 1: coverage of the deduped patient P-1902 (merged into P-1901)",
        );
        t.add(&[
            ("coverage_id", "COV-901".to_string()),
            ("patient_id", "P-1902".to_string()),
            ("coverage_rank", "1".to_string()),
            ("payer_id", "PAY-002".to_string()),
            (
                "carrier_name",
                "Blue Cross Blue Shield of Texas".to_string(),
            ),
            ("plan_name", "Blue Advantage HMO".to_string()),
            ("policy_number", "H900190219".to_string()),
            ("group_number", "76-4410".to_string()),
            ("coverage_type", "HMO".to_string()),
            ("subscriber_name", "Marisol Vega".to_string()),
            ("subscriber_relationship", "Self".to_string()),
            ("effective_date", "01/01/2023".to_string()),
            ("updated_at", "2023-08-14 14:40:00".to_string()),
        ]);
    }

    fn fidelity_claims(&mut self, t: &mut Table) {
        let file = "claims.csv";
        // (id, number, patient, what was planted)
        #[rustfmt::skip]
        let rows: [(&str, &str, &str, &str); 3] = [
            ("CL-901", "INV-9001", "P-1902",
             "fault 1: claim of the deduped patient P-1902 (its patient is P-1901)"),
            ("CL-902", "INV-9002", "P-1904", "fault 5: claim INV-9002 (the row kept)"),
            ("CL-903", "INV-9002", "P-1904",
             "fault 5: claim number INV-9002 on a second claim (rejected: the number is CL-902's)"),
        ];
        for (id, number, patient, what) in rows {
            self.ex.plant(file, what);
            t.add(&[
                ("claim_id", id.to_string()),
                ("claim_number", number.to_string()),
                ("claim_type", "Insurance".to_string()),
                ("patient_id", patient.to_string()),
                ("provider_id", "PR-2".to_string()),
                ("payer_id", "PAY-002".to_string()),
                ("service_date", "08/21/2023".to_string()),
                ("submitted_date", "08/23/2023".to_string()),
                ("amount_billed", "185.00".to_string()),
                ("amount_paid", "148.00".to_string()),
                ("patient_responsibility", "37.00".to_string()),
                ("status", "Paid".to_string()),
                ("procedure_codes", "99214".to_string()),
                ("diagnosis_codes", "E11.9".to_string()),
                ("updated_at", "2023-09-15 10:00:00".to_string()),
            ]);
        }
    }

    fn fidelity_labs(&mut self, t: &mut Table) {
        let file = "lab_results.csv";
        self.ex.plant(
            file,
            "fault 1: lab result of the deduped patient P-1902 (its patient is P-1901)",
        );
        t.add(&[
            ("result_id", "LAB-901".to_string()),
            ("patient_id", "P-1902".to_string()),
            ("ordering_provider_id", "PR-2".to_string()),
            ("order_number", "ORD-79001".to_string()),
            ("test_code", "4548-4".to_string()),
            ("test_name", "Hemoglobin A1c".to_string()),
            ("result_value", "6.9".to_string()),
            ("unit", "%".to_string()),
            ("reference_range", "4.0-5.6".to_string()),
            ("abnormal_flag", "H".to_string()),
            ("result_status", "Final".to_string()),
            ("collected_at", "2023-08-21 10:45:00".to_string()),
            ("resulted_at", "2023-08-22 08:00:00".to_string()),
            ("performing_lab", "LabCorp".to_string()),
            ("narrative", "Above goal; see progress note.".to_string()),
            ("updated_at", "2023-08-22 08:00:00".to_string()),
        ]);
    }

    fn fidelity_documents(&mut self, t: &mut Table) {
        let file = "documents.csv";
        self.ex.plant(
            file,
            "fault 1: document of the deduped patient P-1902 (links to P-1901)",
        );
        t.add(&[
            ("document_id", "DOC-901".to_string()),
            ("patient_id", "P-1902".to_string()),
            ("file_name", "insurance card 2023.jpg".to_string()),
            (
                "file_path",
                "documents/P-1902/insurance card 2023.jpg".to_string(),
            ),
            ("mime_type", "image/jpeg".to_string()),
            ("category", "Insurance Card".to_string()),
            ("uploaded_at", "2023-08-14 14:35:00".to_string()),
            ("uploaded_by_email", "frontdesk@clinic.example".to_string()),
        ]);
    }
}
