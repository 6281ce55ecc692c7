//! The evaluator keeps the language's promises about failure, policies and dates.

use mapc::compile::compile_str;
use mapc::eval::owned::{Evaluator, Resolver};
use mapc::eval::value::{Stop, Value};
use mapc::ir::{LookupTarget, SourceId};
use std::collections::HashMap;

struct Row {
    carrier: SourceId,
    carriers: HashMap<String, String>,
    users: Vec<String>,
}

impl Resolver for Row {
    fn lookup(&self, source: SourceId, target: LookupTarget, key: &[Value]) -> Option<Value> {
        let k = key.first()?.to_text();
        let name = self.carriers.get(&k)?;
        match (source == self.carrier, target) {
            (true, LookupTarget::Column { .. }) => Some(Value::text_value(name.as_str())),
            (true, LookupTarget::Record { object }) => Some(Value::reference(Some(object), k)),
            _ => None,
        }
    }
    fn owner(&self, email: &str) -> Option<Value> {
        self.users
            .iter()
            .find(|u| u.eq_ignore_ascii_case(email))
            .map(|u| Value::text_value(u.as_str()))
    }
    fn default_owner(&self) -> Option<Value> {
        Some(Value::Text("ops@x.com".into()))
    }
}

/// Evaluates `expr` as the value of a json field for a row with the given text columns.
fn eval(expr: &str, row: &[(&str, &str)]) -> Result<Value, Stop> {
    let spec = format!(
        "migration \"t\" {{ from \"x\"  to twenty  users \"users.csv\"  default owner \"ops@x.com\" }}\n\
         source S from \"s.csv\" key id {{ id text  a text?  b text?  d date? \"%Y-%m-%d\"  n int? }}\n\
         source Carrier from \"c.csv\" key carrier_id {{ carrier_id text  carrier_name text }}\n\
         values Status {{ \"A\" => \"ACTIVE\"  else => reject \"unknown status {{}}\" }}\n\
         values Partial {{ \"A\" => \"ACTIVE\" }}\n\
         map Carrier -> Company {{ name = carrier_name }}\n\
         extend Person {{ probe json  sourceSystemId text unique }}\n\
         map S -> Person {{ identity sourceSystemId = id\n  probe = {expr}\n}}\n"
    );
    let c = compile_str("t.map", &spec);
    let errors: Vec<String> = c
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.message.clone())
        .collect();
    assert!(errors.is_empty(), "`{expr}`: {errors:?}");
    let model = c.ir.expect("model");
    let s = model.source_id("S").expect("source S");
    let map = model.maps.iter().find(|m| m.source == s).expect("map");
    let value = &map
        .assignments
        .iter()
        .find(|a| a.path.dotted == "probe")
        .expect("probe")
        .value;
    let mut columns: HashMap<String, Value> = row
        .iter()
        .map(|(k, v)| (k.to_string(), Value::text_value(*v)))
        .collect();
    if let Some(Value::Text(d)) = columns.get("d").cloned() {
        let date = chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").expect("test date");
        columns.insert("d".into(), Value::Date(date));
    }
    let row: Vec<Value> = model
        .source(s)
        .columns
        .iter()
        .map(|c| columns.get(&c.name).cloned().unwrap_or(Value::Null))
        .collect();
    let resolver = Row {
        carrier: model.source_id("Carrier").expect("source Carrier"),
        carriers: HashMap::from([("C1".to_string(), "Delta Dental".to_string())]),
        users: vec!["dr.kim@x.com".into()],
    };
    Evaluator::new(&model).eval(value, &row, &resolver, &[])
}

fn text(s: &str) -> Value {
    Value::Text(s.into())
}

#[test]
fn coalesce_catches_failures_and_nulls_but_not_rejects() {
    assert_eq!(
        eval("a | email ?? \"none\"", &[("a", "not-an-email")]),
        Ok(text("none"))
    );
    assert_eq!(eval("a ?? b", &[("b", "x")]), Ok(text("x")));
    assert_eq!(
        eval("Status(a) ?? \"fallback\"", &[("a", "Z")]),
        Err(Stop::Reject("unknown status Z".into())),
        "a table's else is final, and {{}} is the unmatched value"
    );
    assert_eq!(
        eval("Partial(a) ?? \"fallback\"", &[("a", "Z")]),
        Ok(text("fallback"))
    );
    assert_eq!(
        eval("a | date(\"%Y\") ?? reject \"bad\"", &[("a", "x")]),
        Err(Stop::Reject("bad".into()))
    );
}

#[test]
fn dates_add_calendar_months() {
    assert_eq!(
        eval(
            "format_date(d + 1 month, \"%Y-%m-%d\")",
            &[("d", "2024-01-31")]
        ),
        Ok(text("2024-02-29"))
    );
    assert_eq!(
        eval(
            "format_date(d - 2 weeks, \"%Y-%m-%d\")",
            &[("d", "2024-03-01")]
        ),
        Ok(text("2024-02-16"))
    );
}

#[test]
fn lookups_and_owners_follow_their_miss_policies() {
    assert_eq!(
        eval("lookup Carrier(a).carrier_name ?? null", &[("a", "C1")]),
        Ok(text("Delta Dental"))
    );
    assert_eq!(
        eval("lookup Carrier(a).carrier_name ?? null", &[("a", "C9")]),
        Ok(Value::Null)
    );
    assert_eq!(
        eval("lookup Carrier(a) on missing skip", &[("a", "C9")]).map(|_| ()),
        Err(Stop::Skip("no Carrier with key C9".into()))
    );
    assert_eq!(
        eval("lookup Carrier(a) on missing reject", &[("a", "")]),
        Ok(Value::Null),
        "empty key: no reference"
    );
    assert_eq!(
        eval("owner(a) on missing hold \"provision\"", &[("a", "x@y.z")]),
        Err(Stop::Hold("provision".into()))
    );
    assert_eq!(
        eval("owner(a) on missing default", &[("a", "x@y.z")]),
        Ok(text("ops@x.com"))
    );
    assert_eq!(
        eval("owner(a) on missing reject", &[("a", "DR.KIM@x.com")]),
        Ok(text("dr.kim@x.com"))
    );
}

#[test]
fn text_and_logic() {
    assert_eq!(
        eval("a ++ \" \" ++ b", &[("a", "Ana")]),
        Ok(text("Ana ")),
        "null concatenates as empty"
    );
    assert_eq!(
        eval(
            "if a in [\"x\", \"y\"] and not (b == \"z\") then 1 else 2",
            &[("a", "y"), ("b", "q")]
        ),
        Ok(Value::Int(1))
    );
}

#[test]
fn date_times_are_held_in_utc_and_formatted_in_a_zone_on_request() {
    let local = "format_date(datetime(a, \"%Y-%m-%d %H:%M\", \"Asia/Kolkata\") ?? null, \"%H:%M\", \"Asia/Kolkata\")";
    assert_eq!(
        eval(local, &[("a", "2023-11-02 15:00")]),
        Ok(text("15:00")),
        "round trip through UTC"
    );
    let utc = "format_date(datetime(a, \"%Y-%m-%d %H:%M\", \"Asia/Kolkata\") ?? null, \"%H:%M\")";
    assert_eq!(eval(utc, &[("a", "2023-11-02 15:00")]), Ok(text("09:30")));
}
