//! Shared pieces of the example-export generator: a tiny deterministic PRNG, CSV tables written
//! column-by-name, a ledger of the dirt planted in each export, and name/date helpers.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::Path;

// ───────────────────────────── randomness ─────────────────────────────

/// splitmix64: small, fast and, above all, the same sequence on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// 0 ≤ n < bound.
    pub fn below(&mut self, bound: usize) -> usize {
        (self.next_u64() % bound as u64) as usize
    }

    /// lo ≤ n ≤ hi.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next_u64() % (hi - lo + 1) as u64) as i64
    }

    /// True with the given probability in percent.
    pub fn pct(&mut self, percent: u32) -> bool {
        (self.next_u64() % 10_000) < u64::from(percent) * 100
    }

    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }

    /// A value from a list, or "" with the given probability (percent).
    pub fn maybe(&mut self, percent_empty: u32, xs: &[&str]) -> String {
        if self.pct(percent_empty) {
            String::new()
        } else {
            self.pick(xs).to_string()
        }
    }
}

// ───────────────────────────── tables ─────────────────────────────

/// One export file: a header and rows, written as CSV.
pub struct Table {
    pub file: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// UTF-8 byte-order mark at the start (Excel on Windows writes one).
    pub bom: bool,
    /// CRLF line endings (Windows exports).
    pub crlf: bool,
}

impl Table {
    pub fn new(file: &str, header: &[&str]) -> Table {
        Table {
            file: file.to_string(),
            header: header.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
            bom: false,
            crlf: false,
        }
    }

    /// Written the way Excel on Windows saves "CSV UTF-8": BOM and CRLF.
    pub fn windows(mut self) -> Table {
        self.bom = true;
        self.crlf = true;
        self
    }

    /// Adds a row given as (column, value) pairs; unnamed columns stay empty. Panics on a column
    /// the header does not have, so a typo cannot silently produce an empty column.
    pub fn add(&mut self, cells: &[(&str, String)]) {
        let mut row = vec![String::new(); self.header.len()];
        for (name, value) in cells {
            let i = self
                .header
                .iter()
                .position(|h| h == name)
                .unwrap_or_else(|| panic!("{}: no column `{name}`", self.file));
            row[i] = value.clone();
        }
        self.rows.push(row);
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn write(&self, dir: &Path) -> io::Result<()> {
        let mut out: Vec<u8> = Vec::new();
        if self.bom {
            out.extend_from_slice(b"\xEF\xBB\xBF");
        }
        {
            let mut w = csv::WriterBuilder::new()
                .terminator(if self.crlf {
                    csv::Terminator::CRLF
                } else {
                    csv::Terminator::Any(b'\n')
                })
                .from_writer(&mut out);
            w.write_record(&self.header)?;
            for r in &self.rows {
                w.write_record(r)?;
            }
            w.flush()?;
        }
        fs::write(dir.join(&self.file), out)
    }
}

// ───────────────────────────── one spec's example ─────────────────────────────

/// Everything written for one spec: its files, and what dirt was planted where.
pub struct Export {
    pub spec: &'static str,
    pub blurb: &'static str,
    pub tables: Vec<Table>,
    /// file → (what was planted → rows)
    pub dirt: BTreeMap<String, BTreeMap<String, usize>>,
}

impl Export {
    pub fn new(spec: &'static str, blurb: &'static str) -> Export {
        Export {
            spec,
            blurb,
            tables: Vec::new(),
            dirt: BTreeMap::new(),
        }
    }

    /// Records one planted defect in `file`.
    pub fn plant(&mut self, file: &str, what: &str) {
        *self
            .dirt
            .entry(file.to_string())
            .or_default()
            .entry(what.to_string())
            .or_default() += 1;
    }

    pub fn write(&self, root: &Path) -> io::Result<()> {
        let dir = root.join(self.spec);
        fs::create_dir_all(&dir)?;
        for t in &self.tables {
            t.write(&dir)?;
        }
        Ok(())
    }

    /// This spec's section of the README.
    pub fn readme(&self) -> String {
        let mut s = format!("## {}\n\n{}\n\n", self.spec, self.blurb);
        s += "| file | rows | notes |\n|---|---:|---|\n";
        for t in &self.tables {
            let enc = match (t.bom, t.crlf) {
                (true, true) => "UTF-8 with BOM, CRLF",
                (false, true) => "UTF-8, CRLF",
                (true, false) => "UTF-8 with BOM",
                (false, false) => "UTF-8, LF",
            };
            s += &format!("| `{}` | {} | {enc} |\n", t.file, t.len());
        }
        s += "\nPlanted dirt (rows):\n\n";
        for (file, items) in &self.dirt {
            for (what, n) in items {
                s += &format!("- `{file}`: {what} — {n}\n");
            }
        }
        s += "\n";
        s
    }
}

// ───────────────────────────── people ─────────────────────────────

/// Names that must survive every encoding and every trim: the non-ASCII cast.
#[rustfmt::skip]
pub const INTERNATIONAL: &[(&str, &str)] = &[
    ("José", "Müller"),
    ("Zoë", "O'Brien"),
    ("Nguyễn Văn", "An"),
    ("雷", "李"),
    ("Đặng", "Thu"),
    ("Søren", "Ødegård"),
    ("Françoise", "Lefèvre"),
    ("Renée", "Núñez"),
    ("Łukasz", "Wójcik"),
    ("Ayşe", "Yılmaz"),
];

/// An email local part from a name: accents folded, other scripts dropped ("" when nothing is left).
pub fn email_local(first: &str, last: &str) -> String {
    let fold = |s: &str| -> String {
        s.chars()
            .filter_map(|c| {
                let c = match c {
                    'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'ă' | 'ạ' => 'a',
                    'é' | 'è' | 'ê' | 'ë' | 'ễ' | 'ệ' => 'e',
                    'í' | 'ì' | 'î' | 'ï' | 'ı' => 'i',
                    'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' | 'ơ' => 'o',
                    'ú' | 'ù' | 'û' | 'ü' | 'ư' => 'u',
                    'ñ' | 'ń' => 'n',
                    'ç' => 'c',
                    'ş' => 's',
                    'ł' | 'Ł' => 'l',
                    'đ' | 'Đ' => 'd',
                    'Ø' | 'Ö' => 'o',
                    other => other,
                };
                let c = c.to_ascii_lowercase();
                c.is_ascii_alphanumeric().then_some(c)
            })
            .collect()
    };
    let (f, l) = (fold(first), fold(last));
    match (f.is_empty(), l.is_empty()) {
        (true, true) => String::new(),
        (false, true) => f,
        (true, false) => l,
        (false, false) => format!("{f}.{l}"),
    }
}

/// Malformed email addresses seen in real exports.
#[rustfmt::skip]
pub const BAD_EMAILS: &[&str] = &[
    "ana@@x", "no-at-sign", "priya@gmail", "raj kumar@mail.example", "sales@", "@example.com",
    "n/a",
];

/// Messy-but-valid spellings of a good address: case and stray spaces.
pub fn scruffy_email(rng: &mut Rng, email: &str) -> String {
    match rng.below(10) {
        0 => format!(" {email} "),
        1 => capitalise(email),
        2 => email.to_uppercase(),
        _ => email.to_string(),
    }
}

pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

// ───────────────────────────── free text ─────────────────────────────

/// Note bodies as people type them: embedded newlines, commas and double quotes.
pub fn note_text(rng: &mut Rng, lines: &[&str]) -> String {
    let n = 1 + rng.below(3);
    let mut out: Vec<String> = Vec::new();
    for _ in 0..n {
        out.push(rng.pick(lines).to_string());
    }
    out.join("\n")
}

// ───────────────────────────── dates ─────────────────────────────

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid date")
}

/// A date-time during office hours, `day` days after `base`, on a quarter hour.
pub fn office_time(rng: &mut Rng, base: NaiveDate, day: i64) -> NaiveDateTime {
    let d = base + Duration::days(day);
    let hour = rng.range(9, 17) as u32;
    let minute = 15 * rng.range(0, 3) as u32;
    d.and_hms_opt(hour, minute, 0).expect("a valid time")
}

/// A moment in office hours on a day up to `span` days after `from`.
pub fn office_within(rng: &mut Rng, from: NaiveDate, span: i64) -> NaiveDateTime {
    let d = rng.range(0, span);
    office_time(rng, from, d)
}

/// A later moment: `at` plus up to `max_days` days, still in office hours.
pub fn later(rng: &mut Rng, at: NaiveDateTime, max_days: i64) -> NaiveDateTime {
    let days = rng.range(0, max_days);
    office_time(rng, at.date(), days).max(at)
}

/// Dates that do not parse in any of the declared formats.
pub const BAD_DATES: &[&str] = &["31/02/2021", "n/a", "TBD", "00/00/0000", "2021-13-45"];
