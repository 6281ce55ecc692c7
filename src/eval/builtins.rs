//! The built-in functions' behaviour. Their signatures live in `semantic::builtins`; every example
//! there is evaluated against this code by `tests/stdlib.rs`.
//!
//! Each built-in is resolved once, when a plan is compiled for running, to an entry of
//! [`BUILTINS`]: the evaluator calls a function pointer rather than matching a name per row.

use crate::eval::value::{Eval, Stop, Str, Value};
use crate::syntax::ast::DurationUnit;
use chrono::{NaiveDate, NaiveDateTime, TimeZone};
use std::borrow::Cow;

fn fail(why: impl Into<String>) -> Eval {
    Err(Stop::Fail(why.into()))
}

fn text(v: &Value) -> Cow<'_, str> {
    v.text()
}

fn arg(args: &[Value], i: usize) -> &Value {
    args.get(i).unwrap_or(&Value::Null)
}

fn num(v: &Value) -> Option<f64> {
    v.as_f64()
}

fn txt(s: impl Into<Str>) -> Eval {
    Ok(Value::Text(s.into()))
}

/// A built-in: its name, whether a null first argument gives null without calling it (a missing
/// value stays missing rather than becoming a failure), and its behaviour.
pub struct Builtin {
    pub name: &'static str,
    pub null_in: bool,
    pub f: fn(&[Value]) -> Eval,
    /// The same behaviour on lent text, for the evaluator that lends (see `run::lend`).
    pub lend: Option<Lend>,
}

/// Built-ins whose result on text is a part of that text, the text itself, or a small new
/// value: the lending evaluator does them in place, without copying their argument. Each
/// means exactly what the built-in's `f` does (tests/stdlib.rs and `lend`'s tests hold both to
/// the same examples).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lend {
    Trim,
    Lower,
    Upper,
    Left,
    Right,
    Before,
    After,
    Email,
    UsPhone,
}

impl std::fmt::Debug for Builtin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.name)
    }
}

impl Builtin {
    pub fn call(&self, args: &[Value]) -> Eval {
        if self.null_in && arg(args, 0).is_null() {
            return Ok(Value::Null);
        }
        (self.f)(args)
    }
}

const fn b(name: &'static str, f: fn(&[Value]) -> Eval) -> Builtin {
    Builtin {
        name,
        null_in: true,
        f,
        lend: None,
    }
}

impl Builtin {
    const fn lends(self, lend: Lend) -> Builtin {
        Builtin {
            lend: Some(lend),
            ..self
        }
    }
}

/// Built-ins that take a null first argument as a value.
const fn takes_null(name: &'static str, f: fn(&[Value]) -> Eval) -> Builtin {
    Builtin {
        name,
        null_in: false,
        f,
        lend: None,
    }
}

pub static BUILTINS: &[Builtin] = &[
    b("trim", |a| txt(trim(&text(&a[0])))).lends(Lend::Trim),
    b("lower", |a| txt(lower(&text(&a[0])))).lends(Lend::Lower),
    b("upper", |a| txt(upper(&text(&a[0])))).lends(Lend::Upper),
    b("title", |a| txt(title(&text(&a[0])))),
    takes_null("nonempty", |a| {
        Ok(match text(arg(a, 0)).trim() {
            "" => Value::Null,
            _ => a[0].clone(),
        })
    }),
    b("replace", |a| {
        txt(text(&a[0]).replace(&*text(arg(a, 1)), &text(arg(a, 2))))
    }),
    b("digits", |a| {
        txt(text(&a[0])
            .chars()
            .filter(char::is_ascii_digit)
            .collect::<Str>())
    }),
    b("left", |a| {
        txt(slice(true, &text(&a[0]), num(arg(a, 1)).unwrap_or(0.0)))
    })
    .lends(Lend::Left),
    b("right", |a| {
        txt(slice(false, &text(&a[0]), num(arg(a, 1)).unwrap_or(0.0)))
    })
    .lends(Lend::Right),
    b("before", |a| {
        Ok(split_once(&text(&a[0]), &text(arg(a, 1)), true))
    })
    .lends(Lend::Before),
    b("after", |a| {
        Ok(split_once(&text(&a[0]), &text(arg(a, 1)), false))
    })
    .lends(Lend::After),
    takes_null("concat", |a| {
        txt(a.iter().filter(|v| !v.is_null()).map(text).collect::<Str>())
    }),
    b("join", |a| Ok(join(&a[0], &text(arg(a, 1))))),
    b("split", |a| Ok(split(&text(&a[0]), &text(arg(a, 1))))),
    b("len", |a| {
        Ok(Value::Int(text(&a[0]).chars().count() as i64))
    }),
    b("contains", |a| {
        Ok(Value::Bool(text(&a[0]).contains(&*text(arg(a, 1)))))
    }),
    b("starts_with", |a| {
        Ok(Value::Bool(text(&a[0]).starts_with(&*text(arg(a, 1)))))
    }),
    b("ends_with", |a| {
        Ok(Value::Bool(text(&a[0]).ends_with(&*text(arg(a, 1)))))
    }),
    b("email", |a| email(&a[0])).lends(Lend::Email),
    b("phone", |a| phone(&text(&a[0]))),
    b("us_phone", |a| us_phone(&text(&a[0]))).lends(Lend::UsPhone),
    b("url", |a| url(&text(&a[0])).map(Value::text_value)),
    b("link", |a| {
        url(&text(&a[0]))
            .map(|u| Value::Record(vec![("primaryLinkUrl".into(), Value::text_value(u))]))
    }),
    b("date", |a| parse_date(&text(&a[0]), &text(arg(a, 1)))),
    b("datetime", |a| {
        parse_datetime(
            &text(&a[0]),
            &text(arg(a, 1)),
            a.get(2).map(text).as_deref(),
        )
    }),
    b("format_date", |a| {
        format_date(&a[0], &text(arg(a, 1)), a.get(2).map(text).as_deref())
    }),
    b("int", |a| parse_int(&text(&a[0]))),
    b("decimal", |a| parse_decimal(&text(&a[0]))),
    b("bool", |a| parse_bool(&text(&a[0]))),
    b("round", |a| {
        Ok(Value::Dec(round(
            num(&a[0]).unwrap_or(0.0),
            num(arg(a, 1)).unwrap_or(0.0),
        )))
    }),
    b("micros", |a| {
        Ok(Value::Int(micros(num(&a[0]).unwrap_or(0.0))))
    }),
    b("money", |a| Ok(money(&a[0], arg(a, 1)))),
    b("split_name", |a| Ok(split_name(&text(&a[0])))),
    b("full_name", |a| {
        Ok(Value::Record(vec![
            ("firstName".into(), a[0].clone()),
            ("lastName".into(), arg(a, 1).clone()),
        ]))
    }),
    b("markdown", |a| {
        Ok(Value::Record(vec![(
            "markdown".into(),
            Value::text_value(text(&a[0])),
        )]))
    }),
    b("days", |a| Ok(duration(a, DurationUnit::Days))),
    b("weeks", |a| Ok(duration(a, DurationUnit::Weeks))),
    b("months", |a| Ok(duration(a, DurationUnit::Months))),
    b("years", |a| Ok(duration(a, DurationUnit::Years))),
    takes_null("coalesce", |a| {
        Ok(a.iter()
            .find(|v| !v.is_null())
            .cloned()
            .unwrap_or(Value::Null))
    }),
];

/// The built-in called `name`, if there is one.
pub fn resolve(name: &str) -> Option<&'static Builtin> {
    BUILTINS.iter().find(|b| b.name == name)
}

/// Calls built-in `name` (resolving it first: for one-off calls, not per row).
pub fn call(name: &str, args: &[Value]) -> Eval {
    match resolve(name) {
        Some(b) => b.call(args),
        None => Err(Stop::Reject(format!("internal: no built-in `{name}`"))),
    }
}

fn duration(a: &[Value], unit: DurationUnit) -> Value {
    Value::Duration(num(&a[0]).unwrap_or(0.0), unit)
}

/// Lower-cases without allocating when there is nothing to lower (most emails).
pub fn lower(s: &str) -> Cow<'_, str> {
    if !s.bytes().any(|c| c.is_ascii_uppercase() || !c.is_ascii()) {
        return Cow::Borrowed(s);
    }
    // A capital sigma lower-cases by what stands around it: only `str` knows that rule.
    if s.contains('Σ') {
        return Cow::Owned(s.to_lowercase());
    }
    Cow::Owned(recase_runs(s, str::make_ascii_lowercase, |c, out| {
        out.extend(c.to_lowercase())
    }))
}

/// Upper-cases without allocating when there is nothing to raise.
pub fn upper(s: &str) -> Cow<'_, str> {
    if s.bytes().any(|c| c.is_ascii_lowercase() || !c.is_ascii()) {
        Cow::Owned(recase_runs(s, str::make_ascii_uppercase, |c, out| {
            out.extend(c.to_uppercase())
        }))
    } else {
        Cow::Borrowed(s)
    }
}

/// `s` with its runs of ASCII changed in place by `ascii` and every other char by `other`:
/// what `str::to_lowercase` does char by char, for mostly-ASCII text (a name with one
/// accent), a run at a time. Case mappings are per char but for the final sigma.
fn recase_runs(s: &str, ascii: fn(&mut str), other: fn(char, &mut String)) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while !rest.is_empty() {
        let run = rest
            .bytes()
            .position(|b| !b.is_ascii())
            .unwrap_or(rest.len());
        let (plain, tail) = rest.split_at(run);
        let at = out.len();
        out.push_str(plain);
        ascii(&mut out[at..]);
        let mut chars = tail.chars();
        if let Some(c) = chars.next() {
            other(c, &mut out);
        }
        rest = chars.as_str();
    }
    out
}

fn title(s: &str) -> String {
    s.split(' ')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f
                    .to_uppercase()
                    .chain(c.flat_map(char::to_lowercase))
                    .collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn slice(left: bool, s: &str, n: f64) -> Str {
    Str::from(slice_of(left, s, n))
}

/// The first (`left`) or last `n` characters of `s`, as a part of it.
pub fn slice_of(left: bool, s: &str, n: f64) -> &str {
    let n = n.max(0.0) as usize;
    if s.is_ascii() {
        let n = n.min(s.len());
        return if left { &s[..n] } else { &s[s.len() - n..] };
    }
    let count = s.chars().count();
    let cut = if left { n } else { count.saturating_sub(n) };
    let at = s.char_indices().nth(cut).map_or(s.len(), |(i, _)| i);
    if left {
        &s[..at]
    } else {
        &s[at..]
    }
}

fn split_once(s: &str, sep: &str, before: bool) -> Value {
    split_of(s, sep, before).map_or(Value::Null, Value::text_value)
}

/// The part of `s` before (or after) the first `sep`, if `sep` is there.
pub fn split_of<'s>(s: &'s str, sep: &str, before: bool) -> Option<&'s str> {
    // One-byte separators (`/`, `@`, `,`) are found with memchr, not the two-way searcher.
    let (a, b) = match sep.as_bytes() {
        // Short text: a plain scan beats setting a searcher up.
        [one] => {
            let at = s.bytes().position(|b| b == *one)?;
            (&s[..at], &s[at + 1..])
        }
        _ => s.split_once(sep)?,
    };
    Some(if before { a } else { b })
}

fn join(list: &Value, sep: &str) -> Value {
    match list {
        Value::List(items) => Value::text_value(
            items
                .iter()
                .filter(|v| !v.is_null())
                .map(text)
                .collect::<Vec<_>>()
                .join(sep),
        ),
        other => Value::text_value(text(other)),
    }
}

fn split(s: &str, sep: &str) -> Value {
    let mut out: Vec<Value> = Vec::new();
    for part in s.split(sep).map(str::trim).filter(|p| !p.is_empty()) {
        let v = Value::text_value(part);
        if !out.contains(&v) {
            out.push(v);
        }
    }
    Value::List(out)
}

/// The benchmark's rule: one `@`, no whitespace, a dot inside the domain (`^[^@\s]+@[^@\s]+\.[^@\s]+$`).
pub fn email_ok(e: &str) -> bool {
    let bytes = e.as_bytes();
    // One pass over bytes, not chars: `@`, `.` and ASCII whitespace are single bytes wherever
    // they are, and only text with non-ASCII needs Unicode's other whitespace looked for.
    let (mut seen, mut ats, mut at) = (0u8, 0usize, 0usize);
    for (i, &b) in bytes.iter().enumerate() {
        let class = CLASS[b as usize];
        seen |= class;
        if class & AT != 0 {
            ats += 1;
            at = i;
        }
    }
    let spaced = seen & SPACE != 0
        || (seen & NON_ASCII != 0 && e.chars().any(|c| !c.is_ascii() && c.is_whitespace()));
    let domain = &bytes[(at + 1).min(bytes.len())..];
    !spaced
        && ats == 1
        && at > 0
        && domain.len() >= 3
        && domain[1..domain.len() - 1].contains(&b'.')
}

const SPACE: u8 = 1;
const AT: u8 = 2;
const NON_ASCII: u8 = 4;

/// What [`email_ok`] and [`trim`] look for in a byte: ASCII whitespace as `char::is_whitespace`
/// has it (which, unlike `u8::is_ascii_whitespace`, counts the vertical tab), `@`, non-ASCII.
static CLASS: [u8; 256] = {
    let mut t = [0; 256];
    let spaces = [b' ', b'\t', b'\n', 0x0b, 0x0c, b'\r'];
    let mut i = 0;
    while i < spaces.len() {
        t[spaces[i] as usize] = SPACE;
        i += 1;
    }
    t[b'@' as usize] = AT;
    let mut b = 0x80;
    while b < 256 {
        t[b] = NON_ASCII;
        b += 1;
    }
    t
};

/// `str::trim`, ASCII whitespace stripped byte by byte: `str::trim` decodes every char it
/// looks at, and padded names are trimmed on every row. Text that ends in non-ASCII after
/// that goes to `str::trim` for Unicode's whitespace.
pub fn trim(s: &str) -> &str {
    let bytes = s.as_bytes();
    let start = bytes
        .iter()
        .position(|&b| CLASS[b as usize] != SPACE)
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|&b| CLASS[b as usize] != SPACE)
        .map_or(start, |i| i + 1);
    // Only ASCII was passed over, so both ends fall between chars.
    let t = s.get(start..end).unwrap_or_default();
    match (t.as_bytes().first(), t.as_bytes().last()) {
        (Some(&a), Some(&z)) if a >= 0x80 || z >= 0x80 => t.trim(),
        _ => t,
    }
}

/// The value itself when it is an address: no copy.
fn email(v: &Value) -> Eval {
    let s = text(v);
    if email_ok(&s) {
        Ok(v.clone())
    } else {
        Err(not_email(&s))
    }
}

pub fn not_email(s: &str) -> Stop {
    Stop::Fail(format!("not an email address: {s:?}"))
}

fn phone(s: &str) -> Eval {
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    if (7..=15).contains(&digits.len()) {
        txt(format!("+{digits}"))
    } else {
        fail(format!("not a phone number: {s:?}"))
    }
}

/// The ten digits of a US phone number (a leading 1 of eleven dropped), without allocating.
pub fn us_ten(s: &str) -> Option<Str> {
    let ten = us_ten_digits(s)?;
    // ASCII digits only.
    std::str::from_utf8(&ten).ok().map(Str::from)
}

/// [`us_ten`]'s digits as bytes.
pub fn us_ten_digits(s: &str) -> Option<[u8; 10]> {
    let mut digits = [0u8; 11];
    let mut n = 0;
    for b in s.bytes().filter(u8::is_ascii_digit) {
        if n == digits.len() {
            return None;
        }
        digits[n] = b;
        n += 1;
    }
    let ten = match &digits[..n] {
        [b'1', rest @ ..] if n == 11 => rest,
        all if n == 10 => all,
        _ => return None,
    };
    ten.try_into().ok()
}

fn us_phone(s: &str) -> Eval {
    us_ten(s)
        .map(us_phone_record)
        .ok_or_else(|| not_us_phone(s))
}

/// A US number's ten digits as the target's phone composite.
pub fn us_phone_record(digits: Str) -> Value {
    Value::Record(vec![
        ("primaryPhoneNumber".into(), Value::Text(digits)),
        ("primaryPhoneCallingCode".into(), Value::text_value("+1")),
    ])
}

/// [`us_phone_record`] written as JSON, as `write_value` writes it: the digits need no escape.
pub fn write_us_phone(out: &mut Vec<u8>, digits: &str) {
    out.extend_from_slice(b"{\"primaryPhoneNumber\":\"");
    out.extend_from_slice(digits.as_bytes());
    out.extend_from_slice(b"\",\"primaryPhoneCallingCode\":\"+1\"}");
}

pub fn not_us_phone(s: &str) -> Stop {
    Stop::Fail(format!("not a 10-digit US phone number: {s:?}"))
}

fn url(s: &str) -> Result<String, Stop> {
    let t = s.trim();
    let with_scheme = if t.contains("://") {
        t.to_string()
    } else {
        format!("https://{t}")
    };
    let host = with_scheme
        .split("://")
        .nth(1)
        .unwrap_or("")
        .split('/')
        .next()
        .unwrap_or("");
    if host.contains('.')
        && !host.contains(char::is_whitespace)
        && !host.starts_with('.')
        && !host.ends_with('.')
    {
        Ok(with_scheme)
    } else {
        Err(Stop::Fail(format!("not a URL: {s:?}")))
    }
}

pub fn parse_date(s: &str, fmt: &str) -> Eval {
    match NaiveDate::parse_from_str(s.trim(), fmt) {
        Ok(d) => Ok(Value::Date(d)),
        Err(_) => fail(format!("{s:?} is not a date in the format {fmt:?}")),
    }
}

/// Parses a local date-time, converting to UTC when a time zone is given.
pub fn parse_datetime(s: &str, fmt: &str, tz: Option<&str>) -> Eval {
    let naive = NaiveDateTime::parse_from_str(s.trim(), fmt).or_else(|_| {
        NaiveDate::parse_from_str(s.trim(), fmt).map(|d| d.and_hms_opt(0, 0, 0).unwrap_or_default())
    });
    let Ok(naive) = naive else {
        return fail(format!("{s:?} is not a date-time in the format {fmt:?}"));
    };
    let Some(zone) = tz.filter(|z| !z.is_empty()) else {
        return Ok(Value::DateTime(naive));
    };
    let Ok(zone) = zone.parse::<chrono_tz::Tz>() else {
        return fail(format!("unknown time zone {zone:?}"));
    };
    match zone.from_local_datetime(&naive).earliest() {
        Some(t) => Ok(Value::DateTime(t.naive_utc())),
        None => fail(format!(
            "{s:?} does not exist in {zone} (a daylight-saving gap)"
        )),
    }
}

/// Formats a date, or a date-time (held in UTC) in `tz` when one is given.
fn format_date(v: &Value, fmt: &str, tz: Option<&str>) -> Eval {
    use std::fmt::Write;
    let mut out = String::new();
    let ok = match (v, tz.filter(|z| !z.is_empty())) {
        (Value::Date(d), _) => write!(out, "{}", d.format(fmt)).is_ok(),
        (Value::DateTime(t), None) => write!(out, "{}", t.format(fmt)).is_ok(),
        (Value::DateTime(t), Some(zone)) => {
            let Ok(zone) = zone.parse::<chrono_tz::Tz>() else {
                return fail(format!("unknown time zone {zone:?}"));
            };
            write!(out, "{}", zone.from_utc_datetime(t).format(fmt)).is_ok()
        }
        _ => false,
    };
    if ok {
        txt(out)
    } else {
        fail(format!("cannot format {} as a date", v.to_text()))
    }
}

pub(crate) fn parse_int(s: &str) -> Eval {
    s.trim()
        .replace(',', "")
        .parse::<i64>()
        .map(Value::Int)
        .or_else(|_| fail(format!("not a whole number: {s:?}")))
}

pub(crate) fn parse_decimal(s: &str) -> Eval {
    let cleaned: String = s.trim().chars().filter(|c| *c != ',').collect();
    match cleaned.parse::<f64>() {
        Ok(d) if d.is_finite() => Ok(Value::Dec(d)),
        _ => fail(format!("not a number: {s:?}")),
    }
}

pub(crate) fn parse_bool(s: &str) -> Eval {
    match s.trim().to_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "t" => Ok(Value::Bool(true)),
        "false" | "no" | "n" | "0" | "f" => Ok(Value::Bool(false)),
        _ => fail(format!("not a yes/no value: {s:?}")),
    }
}

/// Half away from zero, through the decimal text so 2.345 rounds as written, not as stored.
pub fn round(x: f64, places: f64) -> f64 {
    let p = places.clamp(0.0, 12.0) as i32;
    let factor = 10f64.powi(p);
    let scaled = format!("{:.*}", (p + 3) as usize, x * factor)
        .parse::<f64>()
        .unwrap_or(x * factor);
    scaled.round() / factor
}

pub fn micros(x: f64) -> i64 {
    (x * 1_000_000.0).round() as i64
}

fn money(amount: &Value, code: &Value) -> Value {
    let micros_value = match amount.as_f64() {
        Some(x) => Value::Int(micros(x)),
        None => Value::Null,
    };
    Value::Record(vec![
        ("amountMicros".into(), micros_value),
        ("currencyCode".into(), code.clone()),
    ])
}

fn split_name(s: &str) -> Value {
    let t = s.trim();
    let (first, last) = match t.rsplit_once(' ') {
        Some((f, l)) => (f.trim().to_string(), l.to_string()),
        None => (t.to_string(), String::new()),
    };
    Value::Record(vec![
        ("firstName".into(), Value::text_value(first)),
        ("lastName".into(), Value::text_value(last)),
    ])
}

/// `date + n unit`, calendar-aware for months and years (Jan 31 + 1 month = Feb 28/29).
pub fn add_duration(d: NaiveDate, n: f64, unit: DurationUnit, sign: i64) -> Option<NaiveDate> {
    let n = (n as i64) * sign;
    match unit {
        DurationUnit::Days => d.checked_add_signed(chrono::Duration::days(n)),
        DurationUnit::Weeks => d.checked_add_signed(chrono::Duration::weeks(n)),
        DurationUnit::Months => add_months(d, n),
        DurationUnit::Years => add_months(d, n * 12),
    }
}

fn add_months(d: NaiveDate, n: i64) -> Option<NaiveDate> {
    if n >= 0 {
        d.checked_add_months(chrono::Months::new(u32::try_from(n).ok()?))
    } else {
        d.checked_sub_months(chrono::Months::new(u32::try_from(-n).ok()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `^[^@\s]+@[^@\s]+\.[^@\s]+$`, ASCII and not.
    #[test]
    fn email_rule_holds_for_ascii_and_other_text() {
        let good = ["a@b.c", "x.y@z.co", "ünï@çödé.de", "a@b.c.d", "a+b@c-d.ef"];
        let bad = [
            "",
            "@x.com",
            "a@.com",
            "a@b.",
            "a@bc",
            "a b@c.de",
            "a@b@c.de",
            "a\u{b}@c.de",
            "a@c.de\n",
            "ünï@çöd é.de",
            "ünï@çödé.",
            "a@b\u{a0}.c",
        ];
        for e in good {
            assert!(email_ok(e), "{e:?} is an email address");
        }
        for e in bad {
            assert!(!email_ok(e), "{e:?} is not an email address");
        }
    }

    proptest::proptest! {
        /// Run-at-a-time case changes are the standard library's, on any text.
        #[test]
        fn case_changes_are_the_standard_ones(s in "(?s).{0,24}", t in "[aAéÉßΣσİıǅ .-]{0,12}") {
            for x in [&s, &t] {
                proptest::prop_assert_eq!(lower(x).into_owned(), x.to_lowercase());
                proptest::prop_assert_eq!(upper(x).into_owned(), x.to_uppercase());
            }
        }

        /// Trimming a byte at a time is `str::trim`, on any text.
        #[test]
        fn trim_is_the_standard_trim(s in "(?s).{0,16}", pad in "[ \t\n\u{b}\u{c}\r\u{85}\u{a0}\u{3000}é]{0,4}") {
            for x in [s.clone(), format!("{pad}{s}{pad}"), format!("{pad}{pad}")] {
                proptest::prop_assert_eq!(trim(&x), x.trim());
            }
        }

        /// The byte-wise rule agrees with the rule spelled out over chars.
        #[test]
        fn email_rule_reads_bytes_as_the_chars_would(e in "[a@. \u{a0}é\u{b}\u{85}x]{0,12}") {
            let spelled_out = || {
                let mut parts = e.split('@');
                let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next())
                else {
                    return false;
                };
                !e.chars().any(char::is_whitespace)
                    && !local.is_empty()
                    && domain
                        .char_indices()
                        .any(|(i, c)| c == '.' && i > 0 && i + 1 < domain.len())
            };
            proptest::prop_assert_eq!(email_ok(&e), spelled_out());
        }
    }

    #[test]
    fn a_phone_written_from_its_digits_is_the_record_written() {
        let mut record = Vec::new();
        crate::eval::shape::write_value(&mut record, &us_phone_record("5089489574".into()));
        let mut digits = Vec::new();
        write_us_phone(&mut digits, "5089489574");
        assert_eq!(String::from_utf8(digits), String::from_utf8(record));
        assert_eq!(us_ten_digits("+1 (508) 948-9574"), Some(*b"5089489574"));
        assert_eq!(us_ten_digits("948-9574"), None);
    }

    #[test]
    fn text_splits_at_one_byte_and_longer_separators() {
        assert_eq!(split_of("03/14/1985", "/", false), Some("14/1985"));
        assert_eq!(split_of("03/14/1985", "/", true), Some("03"));
        assert_eq!(split_of("a--b--c", "--", false), Some("b--c"));
        assert_eq!(split_of("ab", "/", false), None);
        assert_eq!(split_of("ab", "", false), Some("ab"));
        assert_eq!(slice_of(false, "dürer", 3.0), "rer");
        assert_eq!(slice_of(true, "dürer", 2.0), "dü");
    }
}
