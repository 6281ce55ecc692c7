//! The RSoft CRM exports (seeds 000, 001, 002): companies, contacts, leads, deals, the pipeline
//! configuration, activities and tickets of one Indian SME, shaped for each target spec. The three
//! specs read the same export layout; what differs is the vocabulary their value tables confirm
//! (pipelines and stages), the deal-value column (a decimal for Twenty, Indian-formatted text for
//! Freshsales and Nutshell) and the extra files (ticket threads, the tag list).

use crate::common::*;
use chrono::{Duration, NaiveDate, NaiveDateTime};
use std::collections::BTreeSet;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Twenty,
    Freshsales,
    Nutshell,
}

fn ts(t: NaiveDateTime) -> String {
    t.format("%d/%m/%Y %I:%M %p").to_string()
}

fn day(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

#[rustfmt::skip]
const FIRST: &[&str] = &[
    "Priya", "Rahul", "Anil", "Kavita", "Sunita", "Amit", "Neha", "Vikas", "Pooja", "Arjun",
    "Deepa", "Sanjay", "Meena", "Rohit", "Lakshmi", "Karthik", "Divya", "Manoj", "Swati", "Farhan",
    "Ayesha", "Gurpreet", "Harpreet", "Sneha", "Rajesh", "Shalini", "Imran", "Nikhil", "Anjali",
    "Venkatesh", "Bhavna", "Tarun", "Rekha", "Yusuf", "Smita", "Girish",
];
#[rustfmt::skip]
const LAST: &[&str] = &[
    "Sharma", "Verma", "Mehta", "Rao", "Iyer", "Nair", "Patil", "Kulkarni", "Reddy", "Gupta",
    "Joshi", "Singh", "Khan", "Das", "Banerjee", "Chatterjee", "Menon", "Pillai", "Shah", "Desai",
    "Agarwal", "Bhat", "Naidu", "Sheikh", "Kapoor", "Malhotra", "Chopra", "Saxena", "Mishra",
    "Pandey", "Hegde", "Kamath",
];
/// (city, state, pincode prefix, GST state code)
#[rustfmt::skip]
const CITIES: &[(&str, &str, &str, u32)] = &[
    ("Pune", "Maharashtra", "411", 27),
    ("Mumbai", "Maharashtra", "400", 27),
    ("Bengaluru", "Karnataka", "560", 29),
    ("Chennai", "Tamil Nadu", "600", 33),
    ("Hyderabad", "Telangana", "500", 36),
    ("Ahmedabad", "Gujarat", "380", 24),
    ("Kolkata", "West Bengal", "700", 19),
    ("Jaipur", "Rajasthan", "302", 8),
    ("Kochi", "Kerala", "682", 32),
    ("New Delhi", "Delhi", "110", 7),
    ("Lucknow", "Uttar Pradesh", "226", 9),
    ("Indore", "Madhya Pradesh", "452", 23),
];
#[rustfmt::skip]
const COMPANY_KINDS: &[&str] = &[
    "Traders", "Industries", "Enterprises", "Pharma", "Textiles", "Logistics", "Foods", "Infotech",
    "Auto Components", "Exports", "Agro", "Engineering Works", "Steel", "Polymers", "Electricals",
];
#[rustfmt::skip]
const INDUSTRIES: &[&str] = &[
    "Manufacturing", "Retail", "Pharmaceuticals", "Textiles", "Logistics", "IT Services", "FMCG",
    "Automotive", "Agriculture", "Construction", "Healthcare", "Education",
];
#[rustfmt::skip]
const STREETS: &[&str] = &[
    "Plot 14, MIDC Industrial Area", "Shop No. 5, Main Road", "Flat 302, Shanti Apartments",
    "2nd Floor, Laxmi Complex", "Survey No. 112/3", "Gala No. 7, Sai Estate",
    "#45, 3rd Cross, 5th Main",
];
#[rustfmt::skip]
const LANDMARKS: &[&str] = &[
    "Near Bus Stand", "Opp. SBI Bank", "Behind Railway Station", "Next to Petrol Pump",
];
#[rustfmt::skip]
const JOBS: &[&str] = &[
    "Purchase Manager", "Director", "Proprietor", "CFO", "Accounts Executive", "Plant Head",
    "Owner", "IT Manager", "Store Manager", "Procurement Lead", "Partner",
];
#[rustfmt::skip]
const DEPARTMENTS: &[&str] = &[
    "Purchase", "Accounts", "Operations", "Management", "IT", "Sales",
];
#[rustfmt::skip]
const LIFECYCLE: &[&str] = &[
    "Subscriber", "Lead", "MQL", "SQL", "Opportunity", "Customer", "Customer", "Customer", "Won",
    "Evangelist", "Marketing Qualified Lead", "Sales Qualified Lead",
];
#[rustfmt::skip]
const LANGUAGES: &[&str] = &[
    "English", "English", "Hindi", "Hindi", "Marathi", "Tamil", "Telugu", "Kannada", "Malayalam",
    "Gujarati", "Bengali", "Bangla",
];
#[rustfmt::skip]
const TAGS: &[&str] = &[
    "vip", "diwali-2023", "key-account", "amc-customer", "trade-fair-2023", "gst-pending",
    "referral",
];
#[rustfmt::skip]
const LEAD_STATUSES: &[&str] = &[
    "New", "New", "Open", "Contacted", "Attempted to Contact", "Qualified", "Hot", "Warm",
    "Unqualified", "Cold", "Nurturing", "Follow Up", "Lost", "Junk", "Spam",
];
#[rustfmt::skip]
const LEAD_SOURCES: &[&str] = &[
    "Website", "Web Form", "Landing Page", "Referral", "Partner", "IndiaMART", "IndiaMART",
    "JustDial", "Trade Show", "Exhibition", "Cold Call", "Facebook", "LinkedIn", "WhatsApp", "IVR",
    "Missed Call", "Email Campaign", "Newsletter", "Google Ads", "Walk-in",
];
#[rustfmt::skip]
const NOTE_LINES: &[&str] = &[
    "Customer asked for a revised quote, \"with GST\" shown separately.",
    "Spoke to Mr. Iyer; he'll confirm by Friday.", "Call back after Diwali, prefers WhatsApp.",
    "Sent brochure, price list (v3) and AMC terms.",
    "Payment of ₹ 45,000 received, balance pending.",
    "Site visit done: 3 machines need AMC, 1 needs a new motor.", "Left voicemail.",
    "Demo went well — \"very impressed\", said the CFO.",
    "Escalated to the service team, ticket raised.", "Wants 30 days credit, not 15.",
];

#[rustfmt::skip]
const USERS_IN: &[(&str, &str)] = &[
    ("ravi@customer.example", "Ravi Kumar"),
    ("anjali.nair@customer.example", "Anjali Nair"),
    ("suresh.patil@customer.example", "Suresh Patil"),
    ("fatima.sheikh@customer.example", "Fatima Sheikh"),
    ("deepak.joshi@customer.example", "Deepak Joshi"),
    ("meera.krishnan@customer.example", "Meera Krishnan"),
    ("karan.mehta@customer.example", "Karan Mehta"),
];
/// RSoft users who are not in the target's user list (left the company, shared mailboxes).
#[rustfmt::skip]
const USERS_OUT: &[&str] = &[
    "vikram.singh@customer.example", "sales.team@customer.example", "neha.old@customer.example",
];

/// (pipeline_id, pipeline name, [(stage_id, stage name, probability)])
type Pipeline = (
    &'static str,
    &'static str,
    Vec<(&'static str, &'static str, &'static str)>,
);

struct Person {
    id: String,
    first: String,
    last: String,
    email: String,
    company: Option<usize>,
    /// Its email cell holds the good address, it has no secondary email, its owner is a target
    /// user and its company exists: a safe original for a planted duplicate.
    clean: bool,
    /// It migrates: its owner is a target user and its company (if any) migrates too.
    ok: bool,
}

struct Rs {
    rng: Rng,
    ex: Export,
    flavor: Flavor,
    companies: Vec<(String, String, String)>, // (id, email domain, name)
    /// Per company, per open lead, per deal: whether it carries none of the dirt that holds it.
    company_ok: Vec<bool>,
    lead_ok: Vec<bool>,
    deal_ok: Vec<bool>,
    contacts: Vec<Person>,
    open_leads: Vec<String>,
    deals: Vec<(String, Option<usize>)>, // (id, company index)
    tickets: Vec<(String, Option<String>, NaiveDateTime)>, // (id, contact email, created)
    /// Calls of `mobile` and `email_or_dirt`: their dirt lands on every 40th / 33rd value.
    phones: usize,
    emails: usize,
}

pub fn generate(flavor: Flavor) -> Export {
    let (spec, seed, blurb) = match flavor {
        Flavor::Twenty => (
            "rsoft-to-twenty",
            0x5EED_0000,
            "RSoft CRM's CSV exports (an Indian SME: day-first dates, IST timestamps, ₹ amounts). \
             `companies.csv`, `contacts.csv` and `leads.csv` are saved the way Excel on Windows \
             writes \"CSV UTF-8\": with a byte-order mark and CRLF line endings.",
        ),
        Flavor::Freshsales => (
            "rsoft-to-freshsales",
            0x5EED_0001,
            "RSoft CRM's CSV exports, plus the ticket conversation threads. Deal values are \
             Indian-formatted text (\"₹ 1,50,000.50\", \"Rs. 5000\"); pipelines are Sales and AMC Renewals.",
        ),
        Flavor::Nutshell => (
            "rsoft-to-nutshell",
            0x5EED_0002,
            "RSoft CRM's CSV exports, plus the ticket conversation threads and the tag list. Deal \
             values are Indian-formatted text; pipelines are Sales and AMC Renewals.",
        ),
    };
    let mut g = Rs {
        rng: Rng::new(seed),
        ex: Export::new(spec, blurb),
        flavor,
        companies: Vec::new(),
        company_ok: Vec::new(),
        lead_ok: Vec::new(),
        deal_ok: Vec::new(),
        contacts: Vec::new(),
        open_leads: Vec::new(),
        deals: Vec::new(),
        tickets: Vec::new(),
        phones: 0,
        emails: 0,
    };
    g.companies(60);
    g.contacts(196, 4);
    g.leads(120);
    g.pipeline_stages();
    g.deals(100);
    g.activities(300);
    g.tickets(60);
    if flavor != Flavor::Twenty {
        g.ticket_conversations();
    }
    if flavor == Flavor::Nutshell {
        g.tag_list();
    }
    g.users();
    g.ex
}

impl Rs {
    /// An owner email: mostly a target user (sometimes with stray case/spaces), a few RSoft users
    /// the target does not have, a few rows with no owner at all.
    /// `i` is the row number: the dirt lands on a fixed ~2.5 % (missing user) and ~1.5 % (empty)
    /// of the rows, so that the records held for it, and what hangs off them, stay few.
    fn owner(&mut self, file: &str, i: usize) -> String {
        if i % 41 == 20 {
            self.ex.plant(file, "owner email not in users.csv");
            self.rng.pick(USERS_OUT).to_string()
        } else if i % 67 == 33 {
            self.ex.plant(file, "no owner (empty owner email)");
            String::new()
        } else {
            let e = self.rng.pick(USERS_IN).0;
            scruffy_email(&mut self.rng, e)
        }
    }

    /// Parents for dependent rows are mostly ones that migrate (4 in 5 re-draws skip one that is
    /// held), so that a held company or contact takes a few rows with it, not dozens.
    fn pick(&mut self, ok: impl Fn(&Rs, usize) -> bool, len: usize) -> usize {
        loop {
            let k = self.rng.below(len);
            if ok(self, k) || self.rng.pct(20) {
                return k;
            }
        }
    }

    fn pick_company(&mut self) -> usize {
        self.pick(|g, k| g.company_ok[k], self.companies.len())
    }

    fn pick_contact(&mut self) -> usize {
        self.pick(|g, k| g.contacts[k].ok, self.contacts.len())
    }

    fn pick_lead(&mut self) -> String {
        let k = self.pick(|g, k| g.lead_ok[k], self.open_leads.len());
        self.open_leads[k].clone()
    }

    fn mobile(&mut self, file: &str) -> String {
        self.phones += 1;
        if self.phones % 40 == 20 {
            self.ex.plant(file, "malformed phone number");
            return self
                .rng
                .pick(&["98765", "N/A", "+91", "call reception", "0"])
                .to_string();
        }
        let n = format!(
            "{}{:09}",
            self.rng.range(7, 9),
            self.rng.range(0, 999_999_999)
        );
        match self.rng.below(5) {
            0 => format!("+91 {} {}", &n[..5], &n[5..]),
            1 => format!("{} {}", &n[..5], &n[5..]),
            2 => format!("0{n}"),
            3 => format!("+91-{n}"),
            _ => n,
        }
    }

    fn landline(&mut self) -> String {
        let std = self
            .rng
            .pick(&["020", "022", "080", "044", "040", "079", "033"])
            .to_string();
        let n = self.rng.range(2000_0000, 2999_9999);
        match self.rng.below(3) {
            0 => format!("{std}-{} {}", n / 10000, n % 10000),
            1 => format!("({std}) {n}"),
            _ => format!("+91 {} {n}", &std[1..]),
        }
    }

    fn email_or_dirt(&mut self, file: &str, good: String) -> String {
        self.emails += 1;
        if self.emails % 33 == 16 {
            self.ex.plant(file, "malformed email address");
            self.rng.pick(BAD_EMAILS).to_string()
        } else {
            scruffy_email(&mut self.rng, &good)
        }
    }

    fn created(&mut self) -> (NaiveDateTime, NaiveDateTime) {
        let days = self.rng.range(0, 640);
        let c = office_time(&mut self.rng, date(2022, 4, 1), days);
        let m = later(&mut self.rng, c, 300);
        (c, m)
    }

    fn tags(&mut self, pct_empty: u32) -> String {
        if self.rng.pct(pct_empty) {
            return String::new();
        }
        let n = 1 + self.rng.below(3);
        let mut v: Vec<&str> = (0..n).map(|_| *self.rng.pick(TAGS)).collect();
        if self.rng.pct(10) {
            v.push(v[0]); // RSoft lets the same tag be typed twice
        }
        let sep = if self.rng.pct(50) { ", " } else { "," };
        v.join(sep)
    }

    // ───────────────────────────── companies ─────────────────────────────

    fn companies(&mut self, n: usize) {
        let file = "companies.csv";
        let mut t = Table::new(
            file,
            &[
                "company_id",
                "company_name",
                "industry",
                "employees",
                "website",
                "phone",
                "email",
                "address_line1",
                "address_line2",
                "city",
                "state",
                "pincode",
                "country",
                "gstin",
                "owner_email",
                "tags",
                "created_on",
                "modified_on",
            ],
        );
        if self.flavor == Flavor::Twenty {
            t = t.windows();
        }
        let mut names = BTreeSet::new();
        let mut domains = BTreeSet::new();
        let mut rows: Vec<(String, String, String)> = Vec::new(); // (name, website, email)
        for i in 0..n {
            let id = format!("CO-{}", 1001 + i);
            let (name, website, email);
            if i >= n - 2 {
                // The same business entered twice: same website, name with a trailing space.
                let (n0, w0, e0) = rows[self.rng.below(rows.len())].clone();
                name = format!("{n0} ");
                website = w0;
                email = e0;
                self.ex.plant(
                    file,
                    "duplicate company (same name and website, different company_id)",
                );
            } else {
                let mut nm;
                loop {
                    nm = format!("{} {}", self.rng.pick(LAST), self.rng.pick(COMPANY_KINDS));
                    if self.rng.pct(30) {
                        nm += " Pvt. Ltd.";
                    }
                    if names.insert(nm.clone()) {
                        break;
                    }
                }
                let slug: String = nm
                    .to_lowercase()
                    .replace("pvt. ltd.", "")
                    .chars()
                    .filter(char::is_ascii_alphanumeric)
                    .collect();
                let tld = self.rng.pick(&[".in", ".com", ".co.in"]).to_string();
                let mut domain = format!("{slug}{tld}");
                while !domains.insert(domain.clone()) {
                    domain = format!("{slug}{}{tld}", self.rng.range(1, 9));
                }
                website = match self.rng.below(10) {
                    0 => String::new(),
                    1 => format!("www.{domain}"),
                    2 => format!("https://{domain}"),
                    3 if self.rng.pct(40) => {
                        self.ex.plant(file, "website that is not a URL");
                        "n/a".to_string()
                    }
                    _ => domain.clone(),
                };
                email = if self.rng.pct(25) {
                    String::new()
                } else {
                    let e = format!(
                        "{}@{domain}",
                        self.rng.pick(&["info", "sales", "accounts", "contact"])
                    );
                    self.email_or_dirt(file, e)
                };
                name = if i % 25 == 11 {
                    self.ex.plant(file, "stray spaces around the company name");
                    format!("  {nm} ")
                } else {
                    nm.clone()
                };
                rows.push((nm.clone(), website.clone(), email.clone()));
                self.companies.push((id.clone(), domain, nm.clone()));
                self.company_ok.push(i % 41 != 20 && i % 67 != 33);
            }
            let (city, state, pin, gst) = *self.rng.pick(CITIES);
            let employees = match self.rng.below(40) {
                0..=3 => String::new(),
                4 => {
                    self.ex
                        .plant(file, "free-text employee count (\"50+\") → null");
                    self.rng.pick(&["50+", "approx 300", "10-20"]).to_string()
                }
                _ => self
                    .rng
                    .pick(&["8", "12", "25", "45", "120", "250", "600", "1200"])
                    .to_string(),
            };
            let gstin = if self.rng.pct(30) {
                String::new()
            } else {
                let pan: String = (0..5)
                    .map(|_| (b'A' + self.rng.below(26) as u8) as char)
                    .collect();
                let g = format!(
                    "{gst:02}{pan}{:04}{}1Z{}",
                    self.rng.range(1000, 9999),
                    (b'A' + self.rng.below(26) as u8) as char,
                    self.rng.below(10)
                );
                if self.rng.pct(15) {
                    format!(" {} ", g.to_lowercase())
                } else {
                    g
                }
            };
            let phone = if self.rng.pct(20) {
                String::new()
            } else {
                self.landline()
            };
            let owner = self.owner(file, i);
            let tags = self.tags(50);
            let (c, m) = self.created();
            let line2 = self.rng.maybe(60, LANDMARKS);
            t.add(&[
                ("company_id", id),
                ("company_name", name),
                ("industry", self.rng.maybe(15, INDUSTRIES)),
                ("employees", employees),
                ("website", website),
                ("phone", phone),
                ("email", email),
                ("address_line1", self.rng.pick(STREETS).to_string()),
                ("address_line2", line2),
                ("city", city.to_string()),
                ("state", state.to_string()),
                ("pincode", format!("{pin}{:03}", self.rng.range(1, 99))),
                ("country", self.rng.maybe(50, &["India"])),
                ("gstin", gstin),
                ("owner_email", owner),
                ("tags", tags),
                ("created_on", ts(c)),
                ("modified_on", ts(m)),
            ]);
        }
        self.fidelity_companies(&mut t);
        self.ex.tables.push(t);
    }

    // ───────────────────────────── contacts ─────────────────────────────

    fn contacts(&mut self, n: usize, duplicates: usize) {
        let file = "contacts.csv";
        let mut t = Table::new(
            file,
            &[
                "contact_id",
                "salutation",
                "first_name",
                "last_name",
                "contact_name",
                "email",
                "secondary_email",
                "mobile",
                "phone",
                "job_title",
                "department",
                "company_id",
                "lifecycle_stage",
                "address_line1",
                "address_line2",
                "city",
                "state",
                "pincode",
                "country",
                "owner_email",
                "tags",
                "Preferred Language",
                "Annual Budget",
                "Customer Since",
                "Referral Code",
                "WhatsApp Opt-in",
                "created_on",
                "modified_on",
            ],
        );
        if self.flavor == Flavor::Twenty {
            t = t.windows();
        }
        let mut used = BTreeSet::new();
        for i in 0..n + duplicates {
            let id = format!("C-{}", 1001 + i);
            let (mut first, mut last) = if self.rng.pct(6) {
                let (f, l) = *self.rng.pick(INTERNATIONAL);
                self.ex.plant(file, "non-ASCII name");
                (f.to_string(), l.to_string())
            } else {
                (
                    self.rng.pick(FIRST).to_string(),
                    self.rng.pick(LAST).to_string(),
                )
            };
            let mut company = if self.rng.pct(85) {
                Some(self.pick_company())
            } else {
                None
            };
            let mut email;
            let mut middle = String::new();
            if i >= n {
                // Entered twice: the same person and email (in another case), a new contact_id.
                let clean: Vec<&Person> = self.contacts.iter().filter(|p| p.clean).collect();
                let p = clean[self.rng.below(clean.len())];
                email = p.email.to_uppercase();
                first = p.first.clone();
                last = p.last.clone();
                company = p.company;
                self.ex.plant(
                    file,
                    "duplicate person (same email as another contact, different contact_id)",
                );
            } else {
                let local = email_local(&first, &last);
                let local = if local.is_empty() {
                    format!("contact{}", 1001 + i)
                } else {
                    local
                };
                let domain = match company {
                    Some(c) if self.rng.pct(70) => self.companies[c].1.clone(),
                    _ => self
                        .rng
                        .pick(&["gmail.com", "yahoo.co.in", "rediffmail.com", "outlook.com"])
                        .to_string(),
                };
                email = format!("{local}@{domain}");
                let mut k = 2;
                while !used.insert(email.clone()) {
                    email = format!("{local}{k}@{domain}");
                    k += 1;
                }
                if self.rng.pct(8) {
                    middle = format!(
                        "{} ",
                        self.rng.pick(&["Kumar", "Prasad", "Devi", "Lal", "Rani"])
                    );
                }
            }
            let (stored_first, stored_last) = (first.clone(), last.clone());
            let contact_name = if last == "李" {
                format!("{last}{first}") // Chinese order, no space
            } else {
                format!("{first} {middle}{last}")
            };
            if i < n && (!middle.is_empty() || self.rng.pct(5)) {
                // Only RSoft's display name was filled in: split_name() has to work it out.
                first = String::new();
                last = String::new();
            }
            let first_cell = if !first.is_empty() && self.rng.pct(5) {
                self.ex.plant(file, "stray spaces around the first name");
                format!(" {first} ")
            } else {
                first.clone()
            };
            let email_cell = if self.rng.pct(5) && i < n {
                String::new()
            } else if i >= n {
                email.clone()
            } else {
                self.email_or_dirt(file, email.clone())
            };
            let company_id = if i % 100 == 50 {
                self.ex
                    .plant(file, "company_id not in companies.csv (orphan)");
                "CO-0404".to_string()
            } else {
                company
                    .map(|c| self.companies[c].0.clone())
                    .unwrap_or_default()
            };
            let lifecycle = if self.rng.pct(2) {
                self.ex.plant(
                    file,
                    "lifecycle stage not in the value table (lands in the else branch)",
                );
                self.rng.pick(&["Dormant", "Prospect (old)"]).to_string()
            } else {
                self.rng.maybe(10, LIFECYCLE)
            };
            let budget = match self.rng.below(40) {
                0..=15 => String::new(),
                16 => {
                    self.ex.plant(file, "unreadable Annual Budget (→ null)");
                    self.rng.pick(&["approx 5L", "TBD"]).to_string()
                }
                17..=21 => format!("{},00,000", self.rng.range(1, 25)),
                _ => format!("{}", self.rng.range(1, 200) * 10_000),
            };
            let since = match self.rng.below(40) {
                0..=19 => String::new(),
                20 => {
                    self.ex
                        .plant(file, "unparseable Customer Since date (→ null)");
                    self.rng.pick(BAD_DATES).to_string()
                }
                _ => {
                    let d = self.rng.range(0, 2500);
                    day(date(2015, 1, 1) + Duration::days(d))
                }
            };
            let optin = match self.rng.below(40) {
                0 => {
                    self.ex
                        .plant(file, "WhatsApp Opt-in that is not yes/no (→ null)");
                    "maybe".to_string()
                }
                1..=12 => String::new(),
                _ => self.rng.pick(&["Yes", "No", "Y", "N", "yes"]).to_string(),
            };
            let (city, state, pin, _) = *self.rng.pick(CITIES);
            let mobile = if self.rng.pct(8) {
                String::new()
            } else {
                self.mobile(file)
            };
            let phone = if self.rng.pct(60) {
                String::new()
            } else {
                self.landline()
            };
            let local = email_local(&stored_first, &stored_last).replace('.', "");
            let secondary = if self.rng.pct(85) || local.is_empty() || i >= n {
                String::new()
            } else {
                format!("{local}{}@gmail.com", self.rng.range(1, 99))
            };
            let owner = self.owner(file, i);
            let tags = self.tags(55);
            let (c, m) = self.created();
            let line1 = self.rng.maybe(30, STREETS);
            let line2 = self.rng.maybe(70, LANDMARKS);
            let referral = if self.rng.pct(80) {
                String::new()
            } else {
                format!(
                    "REF-{}-{}",
                    self.rng.range(2019, 2023),
                    self.rng.range(100, 999)
                )
            };
            t.add(&[
                ("contact_id", id.clone()),
                (
                    "salutation",
                    self.rng.maybe(40, &["Mr.", "Ms.", "Mrs.", "Dr."]),
                ),
                ("first_name", first_cell),
                ("last_name", last.clone()),
                ("contact_name", contact_name),
                ("email", email_cell.clone()),
                ("secondary_email", secondary.clone()),
                ("mobile", mobile),
                ("phone", phone),
                ("job_title", self.rng.maybe(20, JOBS)),
                ("department", self.rng.maybe(40, DEPARTMENTS)),
                ("company_id", company_id.clone()),
                ("lifecycle_stage", lifecycle),
                ("address_line1", line1),
                ("address_line2", line2),
                ("city", city.to_string()),
                ("state", state.to_string()),
                ("pincode", format!("{pin}{:03}", self.rng.range(1, 99))),
                ("country", self.rng.maybe(60, &["India", "India", "INDIA"])),
                ("owner_email", owner),
                ("tags", tags),
                ("Preferred Language", self.rng.maybe(40, LANGUAGES)),
                ("Annual Budget", budget),
                ("Customer Since", since),
                ("Referral Code", referral),
                ("WhatsApp Opt-in", optin),
                ("created_on", ts(c)),
                ("modified_on", ts(m)),
            ]);
            let clean = email_cell.trim().to_lowercase() == email.to_lowercase()
                && secondary.is_empty()
                && i % 41 != 20
                && i % 67 != 33
                && company_id != "CO-0404";
            let ok = i % 41 != 20
                && i % 67 != 33
                && i < n
                && company_id != "CO-0404"
                && company.is_none_or(|k| self.company_ok[k]);
            self.contacts.push(Person {
                id,
                first: stored_first,
                last: stored_last,
                email: email.to_lowercase(),
                company,
                clean: clean && ok,
                ok,
            });
        }
        self.fidelity_contacts(&mut t);
        self.ex.tables.push(t);
    }

    // ───────────────────────────── leads ─────────────────────────────

    fn leads(&mut self, n: usize) {
        let file = "leads.csv";
        let mut t = Table::new(
            file,
            &[
                "lead_id",
                "first_name",
                "last_name",
                "lead_name",
                "email",
                "mobile",
                "company_name",
                "job_title",
                "city",
                "lead_source",
                "lead_status",
                "lead_score",
                "owner_email",
                "is_converted",
                "converted_contact_id",
                "converted_on",
                "tags",
                "created_on",
                "modified_on",
            ],
        );
        if self.flavor == Flavor::Twenty {
            t = t.windows();
        }
        let mut lead_emails: Vec<String> = Vec::new();
        for i in 0..n {
            let id = format!("L-{}", 2001 + i);
            let (c, m) = self.created();
            let converted = self.rng.pct(25);
            let (first, last) = if self.rng.pct(5) {
                self.ex.plant(file, "non-ASCII name");
                let (f, l) = *self.rng.pick(INTERNATIONAL);
                (f.to_string(), l.to_string())
            } else {
                (
                    self.rng.pick(FIRST).to_string(),
                    self.rng.pick(LAST).to_string(),
                )
            };
            let lead_name = format!("{first} {last}");
            let one_field = self.rng.pct(30); // web forms and WhatsApp capture one name field
            let mut email = {
                let local = email_local(&first, &last);
                let local = if local.is_empty() {
                    format!("lead{}", 2001 + i)
                } else {
                    local
                };
                format!(
                    "{local}{}@{}",
                    self.rng.range(1, 99),
                    self.rng.pick(&["gmail.com", "yahoo.co.in", "hotmail.com"])
                )
            };
            let (status, conv_contact, conv_on);
            let mut planted_duplicate = false;
            if converted {
                status = "Converted".to_string();
                conv_contact = if self.rng.pct(6) {
                    self.ex
                        .plant(file, "converted lead whose contact is not in contacts.csv");
                    "C-0404".to_string()
                } else {
                    let clean: Vec<&Person> = self.contacts.iter().filter(|p| p.clean).collect();
                    clean[self.rng.below(clean.len())].id.clone()
                };
                let d = c.date() + Duration::days(self.rng.range(1, 40));
                conv_on = day(d);
            } else {
                conv_contact = String::new();
                conv_on = String::new();
                if i % 40 == 7 {
                    // The same person is already a contact: one Person, not two.
                    let clean: Vec<&Person> = self.contacts.iter().filter(|p| p.clean).collect();
                    email = clean[self.rng.below(clean.len())].email.clone();
                    planted_duplicate = true;
                    self.ex
                        .plant(file, "open lead with the same email as a contact");
                } else if i % 40 == 23 && !lead_emails.is_empty() {
                    email = lead_emails[self.rng.below(lead_emails.len())].clone();
                    planted_duplicate = true;
                    self.ex
                        .plant(file, "duplicate open lead (same email as another lead)");
                }
                status = if planted_duplicate {
                    self.rng.pick(&["New", "Contacted", "Warm"]).to_string()
                } else if self.rng.pct(3) {
                    self.ex
                        .plant(file, "lead status not in the spec's status map");
                    self.rng.pick(&["Callback Requested", "DNC"]).to_string()
                } else {
                    self.rng.pick(LEAD_STATUSES).to_string()
                };
                let lower = status.to_lowercase();
                if lower != "junk" && lower != "spam" {
                    self.open_leads.push(id.clone());
                    self.lead_ok.push(
                        i % 41 != 20 && i % 67 != 33 && LEAD_STATUSES.contains(&status.as_str()),
                    );
                }
            }
            let email_cell = if planted_duplicate {
                scruffy_email(&mut self.rng, &email)
            } else if self.rng.pct(8) {
                String::new()
            } else {
                self.email_or_dirt(file, email.clone())
            };
            if !converted
                && email_cell.trim().to_lowercase() == email
                && i % 41 != 20
                && i % 67 != 33
            {
                lead_emails.push(email.clone());
            }
            let score = match self.rng.below(30) {
                0..=9 => String::new(),
                10 => {
                    self.ex
                        .plant(file, "lead score that is not a number (→ null)");
                    "high".to_string()
                }
                _ => self.rng.range(0, 100).to_string(),
            };
            let mobile = self.mobile(file);
            let owner = self.owner(file, i);
            let company_name = if self.rng.pct(40) {
                String::new()
            } else {
                format!("{} {}", self.rng.pick(LAST), self.rng.pick(COMPANY_KINDS))
            };
            let tags = self.tags(70);
            t.add(&[
                ("lead_id", id),
                (
                    "first_name",
                    if one_field {
                        String::new()
                    } else {
                        first.clone()
                    },
                ),
                (
                    "last_name",
                    if one_field {
                        String::new()
                    } else {
                        last.clone()
                    },
                ),
                ("lead_name", lead_name),
                ("email", email_cell),
                ("mobile", mobile),
                ("company_name", company_name),
                ("job_title", self.rng.maybe(50, JOBS)),
                ("city", self.rng.pick(CITIES).0.to_string()),
                ("lead_source", self.rng.maybe(10, LEAD_SOURCES)),
                ("lead_status", status),
                ("lead_score", score),
                ("owner_email", owner),
                (
                    "is_converted",
                    (if converted { "Yes" } else { "No" }).to_string(),
                ),
                ("converted_contact_id", conv_contact),
                ("converted_on", conv_on),
                ("tags", tags),
                ("created_on", ts(c)),
                ("modified_on", ts(m)),
            ]);
        }
        self.fidelity_leads(&mut t);
        self.ex.tables.push(t);
    }

    // ───────────────────────────── pipelines and deals ─────────────────────────────

    fn pipelines(&self) -> Vec<Pipeline> {
        match self.flavor {
            Flavor::Twenty => vec![
                (
                    "PL-1",
                    "Sales",
                    vec![
                        ("S-1", "Lead In", "10"),
                        ("S-2", "Qualified", "20"),
                        ("S-3", "Demo Scheduled", "40"),
                        ("S-4", "Proposal Sent", "60"),
                        ("S-5", "Negotiation", "80"),
                        ("S-6", "Closed Won", "100"),
                        ("S-7", "Closed Lost", "0"),
                    ],
                ),
                (
                    "PL-2",
                    "Partners",
                    vec![
                        ("S-8", "Prospecting", "10"),
                        ("S-9", "Site Visit", "30"),
                        ("S-10", "Quotation Sent", "50"),
                        ("S-11", "Commitment", "75"),
                        ("S-12", "On Hold", ""),
                        ("S-13", "Legal Review", "85"),
                        ("S-14", "Won", "100"),
                        ("S-15", "Lost", "n/a"),
                    ],
                ),
            ],
            _ => vec![
                (
                    "P1",
                    "Sales",
                    vec![
                        ("S1", "New", "10"),
                        ("S2", "Qualified", "20"),
                        ("S3", "Demo Scheduled", "40"),
                        ("S4", "Proposal Sent", "60"),
                        ("S5", "Negotiation", "80"),
                        ("S6", "Legal Review", "85"),
                        ("S7", "Closed Won", "100"),
                        ("S8", "Closed Lost", "0"),
                    ],
                ),
                (
                    "P2",
                    "AMC Renewals",
                    vec![
                        ("S9", "Renewal Due", "50"),
                        ("S10", "Quote Sent", "70"),
                        ("S11", "Renewed", "100"),
                        ("S12", "Not Renewed", "n/a"),
                    ],
                ),
            ],
        }
    }

    fn pipeline_stages(&mut self) {
        let file = "pipeline_stages.csv";
        let mut t = Table::new(
            file,
            &[
                "pipeline_id",
                "pipeline_name",
                "stage_id",
                "stage_name",
                "position",
                "probability",
                "automation_triggers",
            ],
        );
        for (pid, pname, stages) in self.pipelines() {
            for (pos, (sid, sname, prob)) in stages.iter().enumerate() {
                if *prob == "n/a" {
                    self.ex
                        .plant(file, "probability that is not a number (→ null)");
                }
                if *sname == "Legal Review" {
                    self.ex.plant(
                        file,
                        "stage the spec's stage map does not confirm (its deals are held)",
                    );
                }
                let trigger = match *sname {
                    "Proposal Sent" | "Quotation Sent" | "Quote Sent" => "on enter: send email template 'Proposal'".to_string(),
                    "Closed Won" | "Won" | "Renewed" => "on enter: create task \"Send welcome kit\"\non enter: notify accounts@customer.example".to_string(),
                    "Demo Scheduled" | "Site Visit" => "on enter: SMS reminder, 1 day before".to_string(),
                    _ => String::new(),
                };
                t.add(&[
                    ("pipeline_id", pid.to_string()),
                    ("pipeline_name", pname.to_string()),
                    ("stage_id", sid.to_string()),
                    ("stage_name", sname.to_string()),
                    ("position", (pos + 1).to_string()),
                    ("probability", prob.to_string()),
                    ("automation_triggers", trigger),
                ]);
            }
        }
        self.fidelity_pipeline_stages(&mut t);
        self.ex.tables.push(t);
    }

    fn deal_value(&mut self, file: &str, i: usize) -> String {
        let lakh = self.rng.range(10, 2500) * 1000;
        let paise = if self.rng.pct(20) { ".50" } else { "" };
        if i % 30 == 12 {
            self.ex
                .plant(file, "deal value \"-\" or \"NA\" (declared nulls)");
            return self.rng.pick(&["-", "NA"]).to_string();
        }
        if self.rng.pct(5) {
            return String::new();
        }
        match self.flavor {
            Flavor::Twenty => match self.rng.below(4) {
                0 => format!("{},{:03}{paise}", lakh / 1000, lakh % 1000),
                _ => format!("{lakh}{paise}"),
            },
            _ => {
                if self.rng.pct(2) {
                    self.ex
                        .plant(file, "unreadable deal amount (rejected by the spec)");
                    return "ten lakh".to_string();
                }
                match self.rng.below(5) {
                    0 => format!("₹ {}{paise}", indian(lakh)),
                    1 => format!("Rs. {lakh}"),
                    2 => format!("{}{paise}", indian(lakh)),
                    _ => format!("{lakh}{paise}"),
                }
            }
        }
    }

    fn deals(&mut self, n: usize) {
        let file = "deals.csv";
        let mut t = Table::new(
            file,
            &[
                "deal_id",
                "deal_name",
                "deal_value",
                "currency",
                "probability",
                "expected_close_date",
                "pipeline_name",
                "stage",
                "company_id",
                "contact_id",
                "lead_id",
                "owner_email",
                "won_reason",
                "lost_reason",
                "tags",
                "created_on",
                "modified_on",
            ],
        );
        let pipelines = self.pipelines();
        for i in 0..n {
            let id = format!("D-{}", 3001 + i);
            let (pid, mut pname, stages) = pipelines[if self.rng.pct(65) { 0 } else { 1 }].clone();
            let _ = pid;
            let (_, mut stage, prob) = *self.rng.pick(&stages);
            if stage == "Legal Review" && self.rng.pct(75) {
                (_, stage, _) = stages[1];
            }
            if stage == "Legal Review" {
                self.ex.plant(
                    file,
                    "deal in a stage the spec does not confirm (Legal Review)",
                );
            }
            if i % 45 == 30 {
                stage = "Awaiting PO";
                self.ex
                    .plant(file, "deal stage not in the pipeline configuration");
            }
            if self.flavor != Flavor::Twenty && i == 57 {
                pname = "Exports";
                self.ex
                    .plant(file, "pipeline not in the spec's pipeline map");
            }
            let mut company = if self.rng.pct(92) {
                Some(self.pick_company())
            } else {
                None
            };
            let company_id = if i % 50 == 21 {
                self.ex
                    .plant(file, "company_id not in companies.csv (orphan deal)");
                company = None;
                "CO-0404".to_string()
            } else {
                company
                    .map(|c| self.companies[c].0.clone())
                    .unwrap_or_default()
            };
            let mut contact_id = if self.rng.pct(70) {
                let same: Vec<&Person> = self
                    .contacts
                    .iter()
                    .filter(|p| p.ok && p.company.is_some() && p.company == company)
                    .collect();
                if same.is_empty() {
                    String::new()
                } else {
                    same[self.rng.below(same.len())].id.clone()
                }
            } else {
                String::new()
            };
            let mut lead_id = if contact_id.is_empty() && (company.is_none() || self.rng.pct(40)) {
                self.pick_lead()
            } else {
                String::new()
            };
            let mut company_id = company_id;
            if i == 88 {
                company_id.clear();
                contact_id.clear();
                lead_id.clear();
                self.ex.plant(file, "deal with no company, contact or lead");
            }
            let won = matches!(stage, "Closed Won" | "Won" | "Renewed");
            let lost = matches!(stage, "Closed Lost" | "Lost" | "Not Renewed");
            let probability = match self.rng.below(10) {
                0..=2 => String::new(),
                3 if self.rng.pct(20) => {
                    self.ex
                        .plant(file, "probability that is not a number (→ null)");
                    "high".to_string()
                }
                _ => {
                    if prob == "n/a" {
                        "0".to_string()
                    } else {
                        prob.to_string()
                    }
                }
            };
            let (c, m) = self.created();
            let close = match self.rng.below(30) {
                0..=5 => String::new(),
                6 => {
                    self.ex
                        .plant(file, "unparseable expected close date (→ null)");
                    self.rng.pick(BAD_DATES).to_string()
                }
                _ => day(c.date() + Duration::days(self.rng.range(15, 180))),
            };
            let currency = match self.rng.below(20) {
                0..=3 => String::new(),
                4 => " inr".to_string(),
                5 => "USD".to_string(),
                _ => "INR".to_string(),
            };
            let what = *self.rng.pick(&[
                "AMC 2024",
                "Annual AMC",
                "Spare parts order",
                "New machine supply",
                "Service contract",
                "Pilot",
                "Bulk order — Q3",
                "Installation, Phase 2",
            ]);
            let name = match company {
                Some(k) => format!("{what} – {}", self.companies[k].2),
                None => what.to_string(),
            };
            let value = self.deal_value(file, i);
            let owner = self.owner(file, i);
            let tags = self.tags(60);
            let ok = i % 41 != 20
                && i % 67 != 33
                && !matches!(stage, "Legal Review" | "Awaiting PO")
                && pname != "Exports"
                && company_id != "CO-0404"
                && company.is_none_or(|k| self.company_ok[k])
                && value != "ten lakh"
                && i != 88;
            t.add(&[
                ("deal_id", id.clone()),
                (
                    "deal_name",
                    if self.rng.pct(5) {
                        format!(" {name} ")
                    } else {
                        name
                    },
                ),
                ("deal_value", value),
                ("currency", currency),
                ("probability", probability),
                ("expected_close_date", close),
                ("pipeline_name", pname.to_string()),
                ("stage", stage.to_string()),
                ("company_id", company_id),
                ("contact_id", contact_id),
                ("lead_id", lead_id),
                ("owner_email", owner),
                (
                    "won_reason",
                    if won {
                        self.rng.maybe(
                            30,
                            &[
                                "Best price",
                                "Long-time customer",
                                "Quick delivery, good support",
                                "Referred by \"Sharma Traders\"",
                            ],
                        )
                    } else {
                        String::new()
                    },
                ),
                (
                    "lost_reason",
                    if lost {
                        self.rng.maybe(
                            20,
                            &[
                                "Price",
                                "Too expensive",
                                "Lost to competitor",
                                "No budget",
                                "Not reachable",
                                "Postponed",
                                "Went with a local vendor",
                            ],
                        )
                    } else {
                        String::new()
                    },
                ),
                ("tags", tags),
                ("created_on", ts(c)),
                ("modified_on", ts(m)),
            ]);
            self.deals.push((id, company));
            self.deal_ok.push(ok);
        }
        self.fidelity_deals(&mut t);
        self.ex.tables.push(t);
    }

    // ───────────────────────────── activities ─────────────────────────────

    fn activities(&mut self, n: usize) {
        let file = "activities.csv";
        let mut t = Table::new(
            file,
            &[
                "activity_id",
                "activity_type",
                "subject",
                "description",
                "activity_status",
                "direction",
                "duration_seconds",
                "activity_at",
                "due_at",
                "contact_id",
                "lead_id",
                "company_id",
                "deal_id",
                "owner_email",
                "created_on",
                "modified_on",
            ],
        );
        #[rustfmt::skip]
        const TYPES: &[&str] = &[
            "Call", "Call", "Call", "Outgoing Call", "Incoming Call", "Missed Call", "IVR Call",
            "IVR Call", "Email", "Email", "Email Sent", "SMS", "Meeting", "Meeting", "Visit",
            "Task", "Task", "Follow-up", "To-do", "Note", "Note", "Comment", "WhatsApp",
        ];
        for i in 0..n {
            let id = format!("A-{}", 5001 + i);
            let mut kind = *self.rng.pick(TYPES);
            if self.rng.pct(1) || i == 150 {
                kind = "Fax";
                self.ex
                    .plant(file, "activity type not in the spec's type map (rejected)");
            }
            let is_call = kind.contains("Call");
            let is_task = matches!(kind, "Task" | "Follow-up" | "To-do");
            let is_meeting = matches!(kind, "Meeting" | "Visit");
            let is_note = matches!(kind, "Note" | "Comment");
            // What it is logged against.
            let (mut contact, mut lead, mut company, mut deal) =
                (String::new(), String::new(), String::new(), String::new());
            match self.rng.below(20) {
                0..=9 => {
                    let k = self.pick_contact();
                    contact = self.contacts[k].id.clone();
                }
                10..=13 => {
                    let k = self.pick(|g, k| g.deal_ok[k], self.deals.len());
                    let (d, co) = self.deals[k].clone();
                    deal = d;
                    if let Some(k) = co {
                        company = self.companies[k].0.clone();
                    }
                }
                14..=16 => {
                    let k = self.pick_company();
                    company = self.companies[k].0.clone()
                }
                _ => lead = self.pick_lead(),
            }
            if i % 97 == 40 {
                contact = "C-0404".to_string();
                self.ex.plant(
                    file,
                    "logged against a contact not in contacts.csv (orphan)",
                );
            }
            let status = if self.rng.pct(2) {
                self.ex
                    .plant(file, "activity status not in the spec's status map");
                "Postponed".to_string()
            } else if is_task {
                self.rng
                    .pick(&["Open", "Pending", "Not Started", "Completed", "Done", ""])
                    .to_string()
            } else if is_meeting {
                self.rng
                    .pick(&["Scheduled", "Completed", "Held", "Planned"])
                    .to_string()
            } else if is_note {
                String::new()
            } else {
                self.rng
                    .pick(&["Completed", "Done", "Logged", "Held", ""])
                    .to_string()
            };
            let direction =
                if kind == "IVR Call" || kind == "Incoming Call" || kind == "Missed Call" {
                    "Inbound".to_string()
                } else if kind == "Outgoing Call" {
                    "Outbound".to_string()
                } else if is_call || kind == "SMS" {
                    self.rng
                        .pick(&["Inbound", "Outbound", "Incoming", "Outgoing"])
                        .to_string()
                } else {
                    String::new()
                };
            let duration = if kind == "Missed Call" {
                "0".to_string()
            } else if is_call {
                if self.rng.pct(3) {
                    self.ex
                        .plant(file, "call duration that is not a number (→ null)");
                    "2m 30s".to_string()
                } else {
                    self.rng.range(20, 1800).to_string()
                }
            } else {
                String::new()
            };
            let days = self.rng.range(0, 700);
            let at = office_time(&mut self.rng, date(2022, 6, 1), days);
            let due = if is_task || is_meeting {
                if self.rng.pct(4) {
                    self.ex.plant(file, "unparseable due date (→ null)");
                    "n/a".to_string()
                } else {
                    ts(later(&mut self.rng, at, 10))
                }
            } else {
                String::new()
            };
            let who = if self.rng.pct(10) {
                let (f, l) = *self.rng.pick(INTERNATIONAL);
                format!("{f} {l}")
            } else {
                format!("Mr. {}", self.rng.pick(LAST))
            };
            let subject = if is_note && self.rng.pct(50) {
                String::new()
            } else {
                match kind {
                    k if k.contains("Call") => format!("Call with {who}"),
                    "Email" | "Email Sent" => self
                        .rng
                        .pick(&[
                            "Quotation follow-up",
                            "Re: Invoice #INV-2023-114",
                            "Price list, revised",
                        ])
                        .to_string(),
                    "SMS" => "Payment reminder".to_string(),
                    "Meeting" | "Visit" => format!("Site visit — {who}"),
                    "WhatsApp" => "WhatsApp chat".to_string(),
                    _ if is_task => self
                        .rng
                        .pick(&[
                            "Send revised quote",
                            "Collect cheque",
                            "Renewal reminder",
                            "Share GST certificate",
                        ])
                        .to_string(),
                    _ => String::new(),
                }
            };
            let description = if kind == "WhatsApp" {
                "[conversation in the WhatsApp module]".to_string()
            } else if is_note && subject.is_empty() && i % 60 == 11 {
                self.ex.plant(file, "note with neither subject nor text");
                "  ".to_string()
            } else if self.rng.pct(35) && !is_note {
                String::new()
            } else {
                note_text(&mut self.rng, NOTE_LINES)
            };
            let owner = self.owner(file, i);
            let modified = later(&mut self.rng, at, 20);
            t.add(&[
                ("activity_id", id),
                ("activity_type", kind.to_string()),
                ("subject", subject),
                ("description", description),
                ("activity_status", status),
                ("direction", direction),
                ("duration_seconds", duration),
                ("activity_at", ts(at)),
                ("due_at", due),
                ("contact_id", contact),
                ("lead_id", lead),
                ("company_id", company),
                ("deal_id", deal),
                ("owner_email", owner),
                ("created_on", ts(at)),
                ("modified_on", ts(modified)),
            ]);
        }
        self.fidelity_activities(&mut t);
        self.ex.tables.push(t);
    }

    // ───────────────────────────── tickets ─────────────────────────────

    fn tickets(&mut self, n: usize) {
        let file = "tickets.csv";
        let mut t = Table::new(
            file,
            &[
                "ticket_id",
                "ticket_number",
                "subject",
                "description",
                "status",
                "priority",
                "channel",
                "contact_id",
                "company_id",
                "assigned_to_email",
                "due_on",
                "closed_on",
                "created_on",
                "modified_on",
            ],
        );
        #[rustfmt::skip]
        const STATUSES: &[&str] = &[
            "Open", "New", "In Progress", "Assigned", "Waiting on Customer", "Pending", "On Hold",
            "Resolved", "Resolved", "Closed", "Closed", "Closed", "Reopened",
        ];
        #[rustfmt::skip]
        const SUBJECTS: &[&str] = &[
            "Invoice copy", "GST invoice", "AMC visit pending", "Machine not starting — urgent",
            "Refund for duplicate payment", "Login issue on portal",
            "Spare part \"X-200\" not delivered", "Wrong HSN code on invoice",
            "Installation, training request",
        ];
        for i in 0..n {
            let id = format!("T-{}", 7001 + i);
            let mut status = self.rng.pick(STATUSES).to_string();
            if i % 25 == 13 {
                status = "Escalated".to_string();
                self.ex
                    .plant(file, "ticket status not in the spec's status map");
            }
            let priority = if i == 44 {
                self.ex
                    .plant(file, "ticket priority not in the spec's priority map");
                "P1".to_string()
            } else {
                self.rng
                    .pick(&[
                        "Low", "Medium", "Normal", "High", "High", "Urgent", "Critical", "", "",
                    ])
                    .to_string()
            };
            let p = self.pick_contact();
            let (mut contact_id, mut company_id, mut email) = {
                let p = &self.contacts[p];
                (
                    p.id.clone(),
                    p.company
                        .map(|k| self.companies[k].0.clone())
                        .unwrap_or_default(),
                    Some(p.email.clone()),
                )
            };
            if self.rng.pct(10) {
                contact_id.clear();
                email = None;
                if company_id.is_empty() {
                    let k = self.pick_company();
                    company_id = self.companies[k].0.clone();
                }
            }
            if i == 31 {
                contact_id = "C-0404".to_string();
                company_id.clear();
                email = None;
                self.ex
                    .plant(file, "ticket for a contact not in contacts.csv (orphan)");
            }
            let days = self.rng.range(0, 600);
            let c = office_time(&mut self.rng, date(2022, 9, 1), days);
            let due = match self.rng.below(10) {
                0..=2 => String::new(),
                3 if i % 3 == 0 => {
                    self.ex.plant(file, "unparseable due date (→ null)");
                    "n/a".to_string()
                }
                _ => ts(c + Duration::days(self.rng.range(1, 5))),
            };
            let closed = if status == "Resolved" || status == "Closed" {
                ts(later(&mut self.rng, c, 12))
            } else {
                String::new()
            };
            let assignee = if i % 30 == 19 {
                self.ex.plant(file, "no assignee");
                String::new()
            } else {
                if i % 30 == 7 {
                    self.ex.plant(file, "assignee email not in users.csv");
                    self.rng.pick(USERS_OUT).to_string()
                } else {
                    self.rng.pick(USERS_IN).0.to_string()
                }
            };
            let m = later(&mut self.rng, c, 20);
            t.add(&[
                ("ticket_id", id.clone()),
                ("ticket_number", format!("TKT-{:04}", 40 + i * 3)),
                ("subject", self.rng.pick(SUBJECTS).to_string()),
                (
                    "description",
                    if self.rng.pct(20) {
                        String::new()
                    } else {
                        note_text(&mut self.rng, NOTE_LINES)
                    },
                ),
                ("status", status),
                ("priority", priority),
                (
                    "channel",
                    self.rng.maybe(
                        10,
                        &[
                            "Email",
                            "Online",
                            "Web Form",
                            "Phone",
                            "Chat",
                            "Live Chat",
                            "Facebook",
                            "WhatsApp",
                            "IVR",
                            "Walk-in",
                        ],
                    ),
                ),
                ("contact_id", contact_id),
                ("company_id", company_id),
                ("assigned_to_email", assignee),
                ("due_on", due),
                ("closed_on", closed),
                ("created_on", ts(c)),
                ("modified_on", ts(m)),
            ]);
            self.tickets.push((id, email, c));
        }
        self.fidelity_tickets(&mut t);
        self.ex.tables.push(t);
    }

    fn ticket_conversations(&mut self) {
        let file = "ticket_conversations.csv";
        let mut t = Table::new(
            file,
            &[
                "ticket_id",
                "message_no",
                "sender_type",
                "sender_email",
                "body",
                "sent_at",
            ],
        );
        #[rustfmt::skip]
        const CUSTOMER: &[&str] = &[
            "Hi, still waiting for the invoice copy.\nPlease send ASAP.",
            "The technician said \"part will come Monday\", it is Thursday now.",
            "Thanks, received. You can close this.",
            "Machine stopped again, error E-42, same as last week.",
        ];
        #[rustfmt::skip]
        const AGENT: &[&str] = &[
            "Dear Sir/Madam,\nWe have shared the invoice on your registered email.\nRegards, Support",
            "Engineer visit scheduled for tomorrow, 11 AM.",
            "Refund processed; it will reflect in 5–7 working days.",
            "Could you share a photo of the error screen, and the serial no.?",
        ];
        let tickets = self.tickets.clone();
        for (id, email, created) in tickets.iter().map(|(a, b, c)| (a.clone(), b.clone(), *c)) {
            let n = self.rng.below(5);
            let mut at = created;
            for k in 0..n {
                let (kind, sender, body) = if k == 0 || self.rng.pct(45) {
                    (
                        "Customer",
                        email.clone().unwrap_or_default(),
                        *self.rng.pick(CUSTOMER),
                    )
                } else if self.rng.pct(85) {
                    (
                        "Agent",
                        self.rng.pick(USERS_IN).0.to_string(),
                        *self.rng.pick(AGENT),
                    )
                } else {
                    (
                        "System",
                        String::new(),
                        "Ticket status changed to Resolved.",
                    )
                };
                at = later(&mut self.rng, at, 3);
                t.add(&[
                    ("ticket_id", id.clone()),
                    ("message_no", (k + 1).to_string()),
                    ("sender_type", kind.to_string()),
                    ("sender_email", sender),
                    ("body", body.to_string()),
                    ("sent_at", ts(at)),
                ]);
            }
        }
        for k in 0..2 {
            self.ex
                .plant(file, "message for a ticket not in tickets.csv (orphan)");
            t.add(&[
                ("ticket_id", "T-0404".to_string()),
                ("message_no", (k + 1).to_string()),
                ("sender_type", "Customer".to_string()),
                ("sender_email", "walkin.customer@gmail.com".to_string()),
                ("body", "Any update on my complaint?".to_string()),
                (
                    "sent_at",
                    ts(office_time(&mut self.rng, date(2023, 11, 2), k)),
                ),
            ]);
        }
        self.fidelity_ticket_conversations(&mut t);
        self.ex.tables.push(t);
    }

    fn tag_list(&mut self) {
        let file = "tags.csv";
        let mut t = Table::new(
            file,
            &["tag_id", "tag_name", "module", "colour", "usage_count"],
        );
        let mut k = 1;
        for (module, names) in [
            ("Contacts", TAGS),
            (
                "Leads",
                &["vip", "hot", "whatsapp-lead", "trade-fair-2023", "referral"][..],
            ),
            ("Deals", &["amc", "q4-push", "renewal", "vip "][..]),
            (
                "Companies",
                &["key-account", "vip", "amc-customer", "gst-pending"][..],
            ),
        ] {
            for name in names {
                if *name == "vip " {
                    self.ex
                        .plant(file, "tag name with a trailing space (same tag after trim)");
                }
                let usage = if k == 9 {
                    self.ex
                        .plant(file, "usage count that is not a number (→ null)");
                    "many".to_string()
                } else {
                    self.rng.range(0, 140).to_string()
                };
                t.add(&[
                    ("tag_id", format!("TG-{k}")),
                    ("tag_name", name.to_string()),
                    ("module", module.to_string()),
                    (
                        "colour",
                        self.rng
                            .maybe(30, &["#E53935", "#43A047", "#1E88E5", "#FDD835", "#8E24AA"]),
                    ),
                    ("usage_count", usage),
                ]);
                k += 1;
            }
        }
        self.ex.plant(
            file,
            "the same tag name in several modules (one tag in the target)",
        );
        self.ex.tables.push(t);
    }

    fn users(&mut self) {
        let default = match self.flavor {
            Flavor::Twenty => ("migration@customer.example", "Migration Owner"),
            _ => ("crm.admin@customer.example", "CRM Admin"),
        };
        let mut t = Table::new("users.csv", &["email", "name"]);
        for (e, n) in std::iter::once(&default).chain(USERS_IN.iter()) {
            t.add(&[("email", e.to_string()), ("name", n.to_string())]);
        }
        self.ex.tables.push(t);
    }
}

// ───────────────────────────── issue 11: fidelity rows ─────────────────────────────
//
// Rows with fixed ids (CO-19xx, C-19xx, L-29xx, D-39xx, A-59xx, T-79xx) appended after the random
// ones, so that each exercises one of issue 11's faults with a known outcome. They use no random
// numbers, so every other row stays as it was. `tests/examples.rs` asserts on each of them.
//
// - Fault 1, a lookup of a deduped row finds the surviving record: C-1902 is C-1901 entered again
//   (deduped by email) and CO-1902 is CO-1901 again (deduped: by domain on Twenty, by name on
//   Freshsales and Nutshell); a contact, a deal, activities, a ticket and a converted lead point
//   at the deduped rows and must land on the survivors. A-5901 is logged against the open lead
//   L-2901, which is C-1901 again (fault 7): on Twenty and Freshsales it lands on C-1901's record.
// - Fault 5, two rows of one map with the same unique value make one record: the pairs above.
//   The identities of the maps these rows reach are a prefix and the source key, so two of them
//   can only share an identity by sharing a key (fault 6).
// - Fault 6, a key repeated: C-1904, L-2902 (open, then converted: another map takes the second
//   row), A-5904 (a call, then a note: again another map), the first pipeline's first stage, and
//   message 2 of T-7901's thread (a composite key) each appear twice; the second is rejected
//   `duplicate-key` naming the first one's line.
// - Fault 7, a unique value across maps: the open lead L-2901 has C-1901's email. Every spec says
//   `dedupe by email` on its open leads, which is `on duplicate … merge` on Twenty's and
//   Freshsales' unique contact email: the lead is made one with C-1901's record. Nutshell keeps no
//   email unique (a contact's emails are a list), so it cannot arise there: the lead becomes a
//   Nutshell person of its own, as the existing "open lead with the same email as a contact" rows do.

impl Rs {
    fn fidelity_companies(&mut self, t: &mut Table) {
        let file = "companies.csv";
        for (id, name, created, what) in [
            ("CO-1901", "Kamath Fasteners", "04/01/2023 10:00 AM", ""),
            (
                "CO-1902",
                "Kamath Fasteners ",
                "19/06/2023 03:30 PM",
                "fault 5: CO-1901 entered again (same name and website): deduped into it",
            ),
        ] {
            if !what.is_empty() {
                self.ex.plant(file, what);
            }
            t.add(&[
                ("company_id", id.to_string()),
                ("company_name", name.to_string()),
                ("industry", "Manufacturing".to_string()),
                ("employees", "45".to_string()),
                ("website", "kamathfasteners.in".to_string()),
                ("phone", "020-2714 5566".to_string()),
                ("email", "sales@kamathfasteners.in".to_string()),
                ("address_line1", "Plot 22, MIDC Bhosari".to_string()),
                ("city", "Pune".to_string()),
                ("state", "Maharashtra".to_string()),
                ("pincode", "411026".to_string()),
                ("country", "India".to_string()),
                ("owner_email", "ravi@customer.example".to_string()),
                ("tags", "key-account".to_string()),
                ("created_on", created.to_string()),
                ("modified_on", created.to_string()),
            ]);
        }
    }

    fn fidelity_contacts(&mut self, t: &mut Table) {
        let file = "contacts.csv";
        // (id, first, last, email, mobile, company, modified, what was planted)
        #[rustfmt::skip]
        let rows: [[&str; 8]; 5] = [
            ["C-1901", "Farhan", "Kamath", "farhan@kamathfasteners.in", "98220 11401", "CO-1901",
             "05/01/2023 11:00 AM", ""],
            ["C-1902", "Farhan", "Kamath", " FARHAN@KamathFasteners.in ", "98220 11401", "CO-1901",
             "20/06/2023 04:00 PM",
             "fault 5: C-1901 entered again (same email, another case): deduped into it"],
            ["C-1903", "Lakshmi", "Kamath", "lakshmi@kamathfasteners.in", "98220 11402", "CO-1902",
             "21/06/2023 10:15 AM",
             "fault 1: contact of the deduped company CO-1902 (links to CO-1901)"],
            ["C-1904", "Rekha", "Hegde", "rekha.hegde@gmail.com", "99000 12345", "",
             "02/02/2023 09:30 AM", ""],
            ["C-1904", "Rekha", "Hegde", "rekha.hegde@gmail.com", "99000 54321", "",
             "14/08/2023 05:45 PM",
             "fault 6: contact_id C-1904 a second time (rejected duplicate-key)"],
        ];
        for [id, first, last, email, mobile, company, modified, what] in rows {
            if !what.is_empty() {
                self.ex.plant(file, what);
            }
            t.add(&[
                ("contact_id", id.to_string()),
                ("salutation", "Mr.".to_string()),
                ("first_name", first.to_string()),
                ("last_name", last.to_string()),
                ("contact_name", format!("{first} {last}")),
                ("email", email.to_string()),
                ("mobile", mobile.to_string()),
                ("job_title", "Purchase Manager".to_string()),
                ("company_id", company.to_string()),
                ("lifecycle_stage", "Customer".to_string()),
                ("city", "Pune".to_string()),
                ("state", "Maharashtra".to_string()),
                ("pincode", "411026".to_string()),
                ("country", "India".to_string()),
                ("owner_email", "ravi@customer.example".to_string()),
                ("Preferred Language", "English".to_string()),
                ("created_on", "05/01/2023 11:00 AM".to_string()),
                ("modified_on", modified.to_string()),
            ]);
        }
    }

    fn fidelity_leads(&mut self, t: &mut Table) {
        let file = "leads.csv";
        // (id, first, last, email, status, converted into, what was planted)
        #[rustfmt::skip]
        let rows: [(&str, &str, &str, &str, &str, &str, &str); 4] = [
            ("L-2901", "Farhan", "Kamath", "Farhan@kamathfasteners.in", "Warm", "",
             "fault 7: open lead with contact C-1901's email (merged into it where the email is unique)"),
            ("L-2902", "Gurpreet", "Bhat", "gurpreet.bhat7@gmail.com", "New", "",
             "fault 6: lead L-2902, open (the row kept)"),
            ("L-2902", "Gurpreet", "Bhat", "gurpreet.bhat7@gmail.com", "Converted", "C-1904",
             "fault 6: lead_id L-2902 a second time, converted (rejected duplicate-key)"),
            ("L-2903", "Farhan", "Kamath", "", "Converted", "C-1902",
             "fault 1: lead converted into the deduped contact C-1902 (merges into C-1901)"),
        ];
        for (id, first, last, email, status, contact, what) in rows {
            self.ex.plant(file, what);
            let converted = !contact.is_empty();
            t.add(&[
                ("lead_id", id.to_string()),
                ("first_name", first.to_string()),
                ("last_name", last.to_string()),
                ("lead_name", format!("{first} {last}")),
                ("email", email.to_string()),
                ("mobile", "98220 11409".to_string()),
                ("company_name", "Kamath Fasteners".to_string()),
                ("city", "Pune".to_string()),
                ("lead_source", "IndiaMART".to_string()),
                ("lead_status", status.to_string()),
                ("lead_score", "64".to_string()),
                ("owner_email", "ravi@customer.example".to_string()),
                (
                    "is_converted",
                    (if converted { "Yes" } else { "No" }).to_string(),
                ),
                ("converted_contact_id", contact.to_string()),
                (
                    "converted_on",
                    (if converted { "20/06/2023" } else { "" }).to_string(),
                ),
                ("created_on", "02/06/2023 12:00 PM".to_string()),
                ("modified_on", "20/06/2023 04:30 PM".to_string()),
            ]);
        }
    }

    /// The first pipeline's first stage a second time, with another probability: the lookups of
    /// its probability (Freshsales, Nutshell) find the first row's.
    fn fidelity_pipeline_stages(&mut self, t: &mut Table) {
        let file = "pipeline_stages.csv";
        let (pid, pname, stages) = self.pipelines().remove(0);
        let (sid, sname, _) = stages[0];
        self.ex.plant(
            file,
            "fault 6: the first pipeline's first stage a second time (rejected duplicate-key)",
        );
        t.add(&[
            ("pipeline_id", pid.to_string()),
            ("pipeline_name", pname.to_string()),
            ("stage_id", sid.to_string()),
            ("stage_name", sname.to_string()),
            ("position", "1".to_string()),
            ("probability", "15".to_string()),
        ]);
    }

    fn fidelity_deals(&mut self, t: &mut Table) {
        let file = "deals.csv";
        self.ex.plant(
            file,
            "fault 1: deal of the deduped company CO-1902 and contact C-1902 (links to the survivors)",
        );
        t.add(&[
            ("deal_id", "D-3901".to_string()),
            (
                "deal_name",
                "Fastener supply 2024 – Kamath Fasteners".to_string(),
            ),
            ("deal_value", "250000".to_string()),
            ("currency", "INR".to_string()),
            ("probability", "60".to_string()),
            ("expected_close_date", "30/09/2023".to_string()),
            ("pipeline_name", "Sales".to_string()),
            ("stage", "Proposal Sent".to_string()),
            ("company_id", "CO-1902".to_string()),
            ("contact_id", "C-1902".to_string()),
            ("owner_email", "ravi@customer.example".to_string()),
            ("created_on", "22/06/2023 11:00 AM".to_string()),
            ("modified_on", "01/07/2023 02:15 PM".to_string()),
        ]);
    }

    fn fidelity_activities(&mut self, t: &mut Table) {
        let file = "activities.csv";
        // (id, type, subject, contact, lead, what was planted)
        #[rustfmt::skip]
        let rows: [(&str, &str, &str, &str, &str, &str); 5] = [
            ("A-5901", "Call", "Call with Mr. Kamath", "", "L-2901",
             "fault 1: call logged against the open lead L-2901 (C-1901 again)"),
            ("A-5902", "Note", "Rate contract", "C-1902", "",
             "fault 1: note logged against the deduped contact C-1902 (links to C-1901)"),
            ("A-5903", "Task", "Send revised quote", "C-1902", "",
             "fault 1: task logged against the deduped contact C-1902 (links to C-1901)"),
            ("A-5904", "Call", "Call with Ms. Hegde", "C-1904", "",
             "fault 6: activity A-5904, a call (the row kept)"),
            ("A-5904", "Note", "Call notes", "C-1904", "",
             "fault 6: activity_id A-5904 a second time, a note (rejected duplicate-key)"),
        ];
        for (id, kind, subject, contact, lead, what) in rows {
            self.ex.plant(file, what);
            let call = kind == "Call";
            t.add(&[
                ("activity_id", id.to_string()),
                ("activity_type", kind.to_string()),
                ("subject", subject.to_string()),
                (
                    "description",
                    "Wants the 2024 rate contract before Diwali.".to_string(),
                ),
                (
                    "activity_status",
                    (if kind == "Note" { "" } else { "Completed" }).to_string(),
                ),
                (
                    "direction",
                    (if call { "Outbound" } else { "" }).to_string(),
                ),
                (
                    "duration_seconds",
                    (if call { "240" } else { "" }).to_string(),
                ),
                ("activity_at", "23/06/2023 11:30 AM".to_string()),
                (
                    "due_at",
                    (if kind == "Task" {
                        "26/06/2023 11:30 AM"
                    } else {
                        ""
                    })
                    .to_string(),
                ),
                ("contact_id", contact.to_string()),
                ("lead_id", lead.to_string()),
                ("owner_email", "ravi@customer.example".to_string()),
                ("created_on", "23/06/2023 11:30 AM".to_string()),
                ("modified_on", "23/06/2023 11:45 AM".to_string()),
            ]);
        }
    }

    fn fidelity_tickets(&mut self, t: &mut Table) {
        let file = "tickets.csv";
        self.ex.plant(
            file,
            "fault 1: ticket of the deduped contact C-1902 and company CO-1902 (links to the survivors)",
        );
        t.add(&[
            ("ticket_id", "T-7901".to_string()),
            ("ticket_number", "TKT-0901".to_string()),
            ("subject", "Short shipment of M8 bolts".to_string()),
            (
                "description",
                "200 boxes ordered, 180 delivered.".to_string(),
            ),
            ("status", "Open".to_string()),
            ("priority", "High".to_string()),
            ("channel", "Email".to_string()),
            ("contact_id", "C-1902".to_string()),
            ("company_id", "CO-1902".to_string()),
            (
                "assigned_to_email",
                "anjali.nair@customer.example".to_string(),
            ),
            ("due_on", "27/06/2023 05:00 PM".to_string()),
            ("created_on", "24/06/2023 10:00 AM".to_string()),
            ("modified_on", "25/06/2023 09:00 AM".to_string()),
        ]);
    }

    fn fidelity_ticket_conversations(&mut self, t: &mut Table) {
        let file = "ticket_conversations.csv";
        #[rustfmt::skip]
        let rows: [(&str, &str, &str, &str, &str); 3] = [
            ("1", "Customer", "farhan@kamathfasteners.in", "20 boxes short, please send.", "24/06/2023 10:00 AM"),
            ("2", "Agent", "anjali.nair@customer.example", "Dispatched today.", "24/06/2023 03:00 PM"),
            ("2", "Agent", "anjali.nair@customer.example", "Dispatched today.", "24/06/2023 03:00 PM"),
        ];
        self.ex.plant(
            file,
            "fault 6: message 2 of T-7901 exported twice (rejected duplicate-key)",
        );
        for (no, kind, sender, body, at) in rows {
            t.add(&[
                ("ticket_id", "T-7901".to_string()),
                ("message_no", no.to_string()),
                ("sender_type", kind.to_string()),
                ("sender_email", sender.to_string()),
                ("body", body.to_string()),
                ("sent_at", at.to_string()),
            ]);
        }
    }
}

/// 150000 → "1,50,000": Indian digit grouping.
fn indian(n: i64) -> String {
    let s = n.to_string();
    if s.len() <= 3 {
        return s;
    }
    let (head, last3) = s.split_at(s.len() - 3);
    let mut groups: Vec<String> = Vec::new();
    let mut h = head.to_string();
    while h.len() > 2 {
        groups.insert(0, h[h.len() - 2..].to_string());
        h.truncate(h.len() - 2);
    }
    if !h.is_empty() {
        groups.insert(0, h);
    }
    format!("{},{last3}", groups.join(","))
}
