//! The built-in functions' behaviour. Their signatures live in `semantic::builtins`; every example
//! there is evaluated against this code by `tests/stdlib.rs`.

use super::value::{Eval, Stop, Value};
use crate::syntax::ast::DurationUnit;
use chrono::{NaiveDate, NaiveDateTime, TimeZone};

fn fail(why: impl Into<String>) -> Eval {
    Err(Stop::Fail(why.into()))
}

fn text(v: &Value) -> String {
    v.to_text()
}

fn arg(args: &[Value], i: usize) -> &Value {
    args.get(i).unwrap_or(&Value::Null)
}

fn num(v: &Value) -> Option<f64> {
    v.as_f64()
}

/// Calls built-in `name`. Null in, null out for one-argument text functions (a missing value stays
/// missing rather than becoming a failure).
pub fn call(name: &str, args: &[Value]) -> Eval {
    let a0 = arg(args, 0);
    let null_in = a0.is_null() && !matches!(name, "concat" | "coalesce" | "nonempty");
    if null_in {
        return Ok(Value::Null);
    }
    match name {
        "trim" => Ok(Value::Text(text(a0).trim().to_string())),
        "lower" => Ok(Value::Text(text(a0).to_lowercase())),
        "upper" => Ok(Value::Text(text(a0).to_uppercase())),
        "title" => Ok(Value::Text(title(&text(a0)))),
        "nonempty" => Ok(match text(a0).trim() {
            "" => Value::Null,
            _ => a0.clone(),
        }),
        "replace" => Ok(Value::Text(
            text(a0).replace(&text(arg(args, 1)), &text(arg(args, 2))),
        )),
        "digits" => Ok(Value::Text(
            text(a0).chars().filter(char::is_ascii_digit).collect(),
        )),
        "left" | "right" => Ok(Value::Text(slice(
            name,
            &text(a0),
            num(arg(args, 1)).unwrap_or(0.0),
        ))),
        "before" => Ok(split_once(&text(a0), &text(arg(args, 1)), true)),
        "after" => Ok(split_once(&text(a0), &text(arg(args, 1)), false)),
        "concat" => Ok(Value::Text(
            args.iter().filter(|v| !v.is_null()).map(text).collect(),
        )),
        "join" => Ok(join(a0, &text(arg(args, 1)))),
        "split" => Ok(split(&text(a0), &text(arg(args, 1)))),
        "len" => Ok(Value::Int(text(a0).chars().count() as i64)),
        "contains" => Ok(Value::Bool(text(a0).contains(&text(arg(args, 1))))),
        "starts_with" => Ok(Value::Bool(text(a0).starts_with(&text(arg(args, 1))))),
        "ends_with" => Ok(Value::Bool(text(a0).ends_with(&text(arg(args, 1))))),
        "email" => email(&text(a0)),
        "phone" => phone(&text(a0)),
        "us_phone" => us_phone(&text(a0)),
        "url" => url(&text(a0)).map(Value::Text),
        "link" => {
            url(&text(a0)).map(|u| Value::Record(vec![("primaryLinkUrl".into(), Value::Text(u))]))
        }
        "date" => parse_date(&text(a0), &text(arg(args, 1))),
        "datetime" => parse_datetime(
            &text(a0),
            &text(arg(args, 1)),
            args.get(2).map(text).as_deref(),
        ),
        "format_date" => format_date(a0, &text(arg(args, 1)), args.get(2).map(text).as_deref()),
        "int" => parse_int(&text(a0)),
        "decimal" => parse_decimal(&text(a0)),
        "bool" => parse_bool(&text(a0)),
        "round" => Ok(Value::Dec(round(
            num(a0).unwrap_or(0.0),
            num(arg(args, 1)).unwrap_or(0.0),
        ))),
        "micros" => Ok(Value::Int(micros(num(a0).unwrap_or(0.0)))),
        "money" => Ok(money(a0, arg(args, 1))),
        "split_name" => Ok(split_name(&text(a0))),
        "full_name" => Ok(Value::Record(vec![
            ("firstName".into(), a0.clone()),
            ("lastName".into(), arg(args, 1).clone()),
        ])),
        "markdown" => Ok(Value::Record(vec![(
            "markdown".into(),
            Value::Text(text(a0)),
        )])),
        "days" => Ok(Value::Duration(num(a0).unwrap_or(0.0), DurationUnit::Days)),
        "weeks" => Ok(Value::Duration(num(a0).unwrap_or(0.0), DurationUnit::Weeks)),
        "months" => Ok(Value::Duration(
            num(a0).unwrap_or(0.0),
            DurationUnit::Months,
        )),
        "years" => Ok(Value::Duration(num(a0).unwrap_or(0.0), DurationUnit::Years)),
        "coalesce" => Ok(args
            .iter()
            .find(|v| !v.is_null())
            .cloned()
            .unwrap_or(Value::Null)),
        other => Err(Stop::Reject(format!("internal: no built-in `{other}`"))),
    }
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

fn slice(which: &str, s: &str, n: f64) -> String {
    let n = n.max(0.0) as usize;
    let count = s.chars().count();
    if which == "left" {
        s.chars().take(n).collect()
    } else {
        s.chars().skip(count.saturating_sub(n)).collect()
    }
}

fn split_once(s: &str, sep: &str, before: bool) -> Value {
    match s.split_once(sep) {
        Some((a, b)) => Value::Text(if before { a } else { b }.to_string()),
        None => Value::Null,
    }
}

fn join(list: &Value, sep: &str) -> Value {
    match list {
        Value::List(items) => Value::Text(
            items
                .iter()
                .filter(|v| !v.is_null())
                .map(text)
                .collect::<Vec<_>>()
                .join(sep),
        ),
        other => Value::Text(text(other)),
    }
}

fn split(s: &str, sep: &str) -> Value {
    let mut out: Vec<Value> = Vec::new();
    for part in s.split(sep).map(str::trim).filter(|p| !p.is_empty()) {
        let v = Value::Text(part.to_string());
        if !out.contains(&v) {
            out.push(v);
        }
    }
    Value::List(out)
}

/// The benchmark's rule: one `@`, no whitespace, a dot inside the domain (`^[^@\s]+@[^@\s]+\.[^@\s]+$`).
pub fn email_ok(e: &str) -> bool {
    if e.chars().any(char::is_whitespace) {
        return false;
    }
    let mut parts = e.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    !local.is_empty()
        && domain
            .char_indices()
            .any(|(i, c)| c == '.' && i > 0 && i + 1 < domain.len())
}

fn email(s: &str) -> Eval {
    if email_ok(s) {
        Ok(Value::Text(s.to_string()))
    } else {
        fail(format!("not an email address: {s:?}"))
    }
}

fn phone(s: &str) -> Eval {
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    if (7..=15).contains(&digits.len()) {
        Ok(Value::Text(format!("+{digits}")))
    } else {
        fail(format!("not a phone number: {s:?}"))
    }
}

/// Ten digits after dropping a leading 1 of eleven.
pub fn us_digits(s: &str) -> Option<String> {
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    let ten = match digits.strip_prefix('1') {
        Some(rest) if digits.len() == 11 => rest.to_string(),
        _ => digits,
    };
    (ten.len() == 10).then_some(ten)
}

fn us_phone(s: &str) -> Eval {
    match us_digits(s) {
        Some(d) => Ok(Value::Record(vec![
            ("primaryPhoneNumber".into(), Value::Text(d)),
            ("primaryPhoneCallingCode".into(), Value::Text("+1".into())),
        ])),
        None => fail(format!("not a 10-digit US phone number: {s:?}")),
    }
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
        Ok(Value::Text(out))
    } else {
        fail(format!("cannot format {} as a date", v.to_text()))
    }
}

fn parse_int(s: &str) -> Eval {
    s.trim()
        .replace(',', "")
        .parse::<i64>()
        .map(Value::Int)
        .or_else(|_| fail(format!("not a whole number: {s:?}")))
}

fn parse_decimal(s: &str) -> Eval {
    let cleaned: String = s.trim().chars().filter(|c| *c != ',').collect();
    match cleaned.parse::<f64>() {
        Ok(d) if d.is_finite() => Ok(Value::Dec(d)),
        _ => fail(format!("not a number: {s:?}")),
    }
}

fn parse_bool(s: &str) -> Eval {
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
        ("firstName".into(), Value::Text(first)),
        ("lastName".into(), Value::Text(last)),
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
