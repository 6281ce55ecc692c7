//! Money is exact (issue 11): amounts are decimals end to end, from an export's `"$1,234.50"`
//! to the `1234500000` micros written, with no binary rounding on the way. A property test
//! checks `micros` of parsed decimal text against a reference computed here with integers
//! only; the rest pin the edge cases, a spec's arithmetic, a plan's literals and a real run.

use mapc::builtins::micros::amount_micros;
use mapc::eval::typing::{type_value, RawRef};
use mapc::eval::value::{Stop, Value};
use mapc::ir::{Column, ColumnType};
use proptest::prelude::*;
use std::path::Path;
use std::process::Command;

mod common;
use common::Scratch;

fn decimal_column() -> Column {
    Column {
        name: "amount".into(),
        ty: ColumnType::Decimal,
        optional: false,
        nulls: Vec::new(),
        sensitive: false,
        policies: Vec::new(),
    }
}

/// What a `decimal` column reads `text` as, and the `decimal(text)` built-in (they must agree).
fn read(text: &str) -> Value {
    let column = type_value(&decimal_column(), RawRef::Text(text))
        .unwrap_or_else(|e| panic!("{text:?}: {}", e.message));
    let builtin = mapc::builtins::parse_decimal(text).expect("the built-in reads it too");
    assert_eq!(column, builtin, "{text:?}");
    column
}

/// An amount as an export might spell it, and its parts.
#[derive(Debug, Clone)]
struct Amount {
    text: String,
    negative: bool,
    whole: String,
    fraction: String,
}

/// `1234567` as `1,234,567`.
fn group_thousands(digits: &str) -> String {
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Up to 18 significant digits split at a random scale, a sign, `,` groups, a currency symbol
/// before or after the sign, and spaces around.
fn amount() -> impl Strategy<Value = Amount> {
    (
        "[0-9]{1,18}",
        0usize..=18,
        any::<bool>(),
        any::<bool>(),
        prop::option::of(prop::sample::select(vec!['$', '€', '£', '¥'])),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(digits, scale, negative, grouped, symbol, sign_first, spaced)| {
                let scale = scale.min(digits.len());
                let (whole, fraction) = digits.split_at(digits.len() - scale);
                let mut number = if grouped {
                    group_thousands(whole)
                } else {
                    whole.to_string()
                };
                if !fraction.is_empty() {
                    number.push('.');
                    number.push_str(fraction);
                }
                let sign = if negative { "-" } else { "" };
                let symbol = symbol.map(String::from).unwrap_or_default();
                let body = if sign_first {
                    format!("{sign}{symbol}{number}")
                } else {
                    format!("{symbol}{sign}{number}")
                };
                let text = if spaced { format!("  {body} ") } else { body };
                Amount {
                    text,
                    negative,
                    whole: whole.to_string(),
                    fraction: fraction.to_string(),
                }
            },
        )
}

/// The reference: micros by integer arithmetic on the digits, half to even past six places;
/// None when they do not fit an i64.
fn reference_micros(a: &Amount) -> Option<i64> {
    let whole: i128 = if a.whole.is_empty() {
        0
    } else {
        a.whole.parse().expect("digits")
    };
    let kept: String = format!("{:0<6}", a.fraction.chars().take(6).collect::<String>());
    let mut micros = whole * 1_000_000 + kept.parse::<i128>().expect("digits");
    let rest = a.fraction.get(6..).unwrap_or_default();
    let first = rest.bytes().next().unwrap_or(b'0');
    let beyond_half = rest.bytes().skip(1).any(|b| b != b'0');
    let round_up = first > b'5' || (first == b'5' && (beyond_half || micros % 2 == 1));
    if round_up {
        micros += 1;
    }
    i64::try_from(if a.negative { -micros } else { micros }).ok()
}

/// The reference text: the digits without leading zeros before the point or trailing ones
/// after it, signed unless zero.
fn reference_text(a: &Amount) -> String {
    let whole = a.whole.trim_start_matches('0');
    let fraction = a.fraction.trim_end_matches('0');
    let mut text = if whole.is_empty() { "0" } else { whole }.to_string();
    if !fraction.is_empty() {
        text.push('.');
        text.push_str(fraction);
    }
    if a.negative && text != "0" {
        text.insert(0, '-');
    }
    text
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn micros_of_a_parsed_amount_are_exact(a in amount()) {
        let value = read(&a.text);
        prop_assert_eq!(value.to_text(), reference_text(&a), "{:?}", a.text);
        match (amount_micros(&value), reference_micros(&a)) {
            (Ok(got), Some(want)) => prop_assert_eq!(got, want, "{:?}", a.text),
            (Err(Stop::Fail(why)), None) => prop_assert!(why.contains("does not fit"), "{}", why),
            (got, want) => prop_assert!(false, "{:?}: {:?}, expected {:?}", a.text, got, want),
        }
    }
}

#[test]
fn the_issue_example_is_exact() {
    let value = read("$1,234.50");
    assert_eq!(amount_micros(&value), Ok(1_234_500_000));
    assert_eq!(value.to_text(), "1234.5");
}

#[test]
fn a_bad_amount_is_invalid_with_its_reason() {
    for (text, why) in [
        ("12,34", "groups of three"),
        ("1.5e3", "only digits"),
        ("12.50 €", "only digits"),
        ("1,234.5.6", "more than one point"),
    ] {
        let e = type_value(&decimal_column(), RawRef::Text(text)).expect_err(text);
        assert_eq!(e.code, "invalid", "{text:?}");
        assert!(e.message.contains(why), "{text:?}: {}", e.message);
    }
}

/// A spec whose one map writes `expr` (over a decimal `amount` and an int `qty`) into a json
/// field.
fn probe(expr: &str) -> String {
    format!(
        "migration \"t\" {{ from \"x\"  to twenty }}\n\
         source S from \"s.csv\" key id {{ id text  amount decimal?  qty int? }}\n\
         extend Person {{ probe json  sourceSystemId text unique }}\n\
         map S -> Person {{ identity sourceSystemId = id\n  probe = {expr}\n}}\n"
    )
}

struct NoRow;

impl mapc::eval::owned::Resolver for NoRow {
    fn lookup(
        &self,
        _: mapc::ir::SourceId,
        _: mapc::ir::LookupTarget,
        _: &[Value],
    ) -> Option<Value> {
        None
    }
    fn owner(&self, _: &str) -> Option<Value> {
        None
    }
    fn default_owner(&self) -> Option<Value> {
        None
    }
}

/// `expr` evaluated on a row whose amount and qty read as written, as written JSON.
fn eval(expr: &str, amount: &str, qty: &str) -> Result<String, Stop> {
    let c = mapc::compile::compile_str("probe.map", &probe(expr));
    let program = c.ir.unwrap_or_else(|| panic!("`{expr}` does not compile"));
    let source = &program.sources[0];
    let raw = ["k", amount, qty].map(|t| mapc::eval::typing::Raw::Text(t.into()));
    let row = mapc::eval::typing::type_row(&source.columns, raw.to_vec()).expect("a typed row");
    let probe = program.maps[0]
        .assignments
        .iter()
        .find(|a| a.path.dotted == "probe")
        .expect("probe");
    let evaluator = mapc::eval::owned::Evaluator::new(&program);
    let value = evaluator.eval(&probe.value, &row, &NoRow, &[])?;
    let mut json = Vec::new();
    mapc::eval::shape::write_value(&mut json, &value);
    Ok(String::from_utf8(json).expect("UTF-8"))
}

#[test]
fn arithmetic_in_a_spec_is_exact() {
    for (expr, amount, qty, want) in [
        ("0.1 + 0.2 == 0.3", "", "", "true"),
        ("0.1 + 0.2", "", "", "0.3"),
        ("amount * qty", "19.99", "3", "59.97"),
        ("micros(amount * qty)", "19.99", "3", "59970000"),
        (
            "amount + 0.01",
            "99999999999999999.99",
            "",
            "100000000000000000",
        ),
        ("amount - 1", "-$0.000001", "", "-1.000001"),
        ("micros(amount)", "-$1,234.56", "", "-1234560000"),
        ("amount / qty", "10", "4", "2.5"),
        ("qty / 3", "", "2", "0.6666666666666666666666666667"),
        ("round(amount, 2)", "2.345", "", "2.35"),
        (
            "amount > 1234567890123456789.1",
            "1234567890123456789.2",
            "",
            "true",
        ),
        ("money(amount, \"EUR\").amountMicros", "€0.0000025", "", "2"),
    ] {
        assert_eq!(
            eval(expr, amount, qty).as_deref(),
            Ok(want),
            "`{expr}` on {amount:?}, {qty:?}"
        );
    }
}

#[test]
fn what_cannot_be_exact_fails_with_a_reason() {
    for (expr, amount, qty, why) in [
        ("amount / qty", "12.5", "0", "division by zero"),
        ("amount / 0.0", "12.5", "", "division by zero"),
        (
            "micros(amount)",
            "9223372036855",
            "",
            "does not fit a 64-bit integer",
        ),
        (
            "qty * qty",
            "",
            "9223372036854775807",
            "beyond a 64-bit integer",
        ),
        (
            "amount * amount",
            "79228162514264337593543950335",
            "",
            "beyond what a decimal holds",
        ),
    ] {
        match eval(expr, amount, qty) {
            Err(Stop::Fail(m)) => assert!(m.contains(why), "`{expr}`: {m}"),
            other => panic!("`{expr}` on {amount:?}, {qty:?}: {other:?}"),
        }
    }
}

#[test]
fn a_plan_keeps_every_digit_of_a_literal() {
    let spec = probe("amount * 12345678901234567.8900 + 0.1");
    let c = mapc::compile::compile_str("probe.map", &spec);
    let plan = c.plan().expect("a plan");
    let json = mapc::plan::file::to_json(&plan);
    assert!(json.contains("\"12345678901234567.8900\""), "{json}");
    let back = mapc::plan::file::from_json(&json).expect("the plan reads back");
    let mut literals = Vec::new();
    for a in &back.program.maps[0].assignments {
        a.value.walk(&mut |e| {
            if let mapc::ir::Expr::Const {
                value: mapc::ir::Const::Number { value },
            } = e
            {
                literals.push(value.to_string());
            }
        });
    }
    assert!(
        literals.contains(&"12345678901234567.8900".to_string()),
        "{literals:?}"
    );
    assert_eq!(mapc::plan::file::to_json(&back), json);
}

#[test]
fn a_run_writes_exact_amounts_and_rejects_bad_ones_with_their_reason() {
    let dir = Scratch::new("decimals");
    std::fs::create_dir_all(dir.join("data")).expect("a data folder");
    dir.write(
        "data/invoices.csv",
        "id,amount,qty\n\
         1,\"$1,234.50\",3\n\
         2,0.1,3\n\
         3,\"12,34\",1\n\
         4,99999999999999999.99,1\n\
         5,-£19.99,3\n",
    );
    let spec = r#"migration "t" { from "books"  to twenty }
source Invoice from "invoices.csv" key id { id text  amount decimal  qty int }
object Bill plural "bills" { sourceSystemId text unique  billed currency  total number }
map Invoice -> Bill {
  identity sourceSystemId = id
  billed = money(amount, "USD")
  total  = amount * qty
}
"#;
    dir.write("t.map", spec);
    let out = Command::new(env!("CARGO_BIN_EXE_mapc"))
        .args(["run", "t.map", "--data", "data", "--target", "dir:out"])
        .current_dir(&*dir)
        .output()
        .expect("run mapc");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let written = read_file(&dir.join("out/bill.jsonl"));
    for want in [
        r#""billed":{"amountMicros":1234500000,"currencyCode":"USD"},"total":3703.5"#,
        r#""billed":{"amountMicros":100000,"currencyCode":"USD"},"total":0.3"#,
        r#""billed":{"amountMicros":-19990000,"currencyCode":"USD"},"total":-59.97"#,
    ] {
        assert!(written.contains(want), "{want} not in\n{written}\n{stderr}");
    }
    let rejected = read_file(&dir.join("out/_rejected.jsonl"));
    assert!(rejected.contains("groups of three"), "{rejected}");
    assert!(
        rejected.contains("does not fit a 64-bit integer"),
        "{rejected}"
    );
}

fn read_file(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
