//! The built-in functions: signatures for the checker, and examples that are docs and tests.

use super::types::Ty;

/// What a parameter accepts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Arg {
    Text,
    Number,
    Date,
    List,
    Any,
}

pub struct Builtin {
    pub name: &'static str,
    pub params: &'static [Arg],
    /// The last parameter may repeat.
    pub variadic: bool,
    /// Parameters after this many are optional.
    pub required: usize,
    pub ret: fn() -> Ty,
    pub fallible: bool,
    pub summary: &'static str,
    /// `(expression, result)`: the result is what the interpreter must give.
    pub example: (&'static str, &'static str),
}

macro_rules! b {
    ($name:literal, [$($p:ident),*], $req:expr, $var:expr, $ret:expr, $fall:expr, $sum:literal, $ex:literal => $res:literal) => {
        Builtin {
            name: $name,
            params: &[$(Arg::$p),*],
            required: $req,
            variadic: $var,
            ret: $ret,
            fallible: $fall,
            summary: $sum,
            example: ($ex, $res),
        }
    };
}

fn text() -> Ty {
    Ty::Text
}
fn int() -> Ty {
    Ty::Int
}
fn decimal() -> Ty {
    Ty::Decimal
}
fn boolean() -> Ty {
    Ty::Bool
}
fn date() -> Ty {
    Ty::Date
}
fn datetime() -> Ty {
    Ty::DateTime
}
fn duration() -> Ty {
    Ty::Duration
}
fn any() -> Ty {
    Ty::Any
}
fn text_list() -> Ty {
    Ty::List(Box::new(Ty::Text))
}
fn phones() -> Ty {
    Ty::Composite("phones".into())
}
fn links() -> Ty {
    Ty::Composite("links".into())
}
fn currency() -> Ty {
    Ty::Composite("currency".into())
}
fn full_name() -> Ty {
    Ty::Composite("full_name".into())
}
fn rich_text() -> Ty {
    Ty::Composite("rich_text".into())
}

pub const BUILTINS: &[Builtin] = &[
    b!("trim", [Text], 1, false, text, false, "strips surrounding whitespace", "trim(\"  Ana \")" => "\"Ana\""),
    b!("lower", [Text], 1, false, text, false, "lower-cases", "lower(\"Ana@X.COM\")" => "\"ana@x.com\""),
    b!("upper", [Text], 1, false, text, false, "upper-cases", "upper(\"d0120\")" => "\"D0120\""),
    b!("title", [Text], 1, false, text, false, "capitalises each word", "title(\"ana maria\")" => "\"Ana Maria\""),
    b!("nonempty", [Text], 1, false, text, false, "null when empty or blank", "nonempty(\"  \")" => "null"),
    b!("replace", [Text, Text, Text], 3, false, text, false, "replaces every occurrence", "replace(\"a-b-c\", \"-\", \"/\")" => "\"a/b/c\""),
    b!("digits", [Text], 1, false, text, false, "keeps the ASCII digits", "digits(\"(555) 010-2233\")" => "\"5550102233\""),
    b!("left", [Text, Number], 2, false, text, false, "the first n characters", "left(\"D0120\", 2)" => "\"D0\""),
    b!("right", [Text, Number], 2, false, text, false, "the last n characters", "right(\"P000123\", 3)" => "\"123\""),
    b!("before", [Text, Text], 2, false, text, false, "the part before the first separator, null if absent", "before(\"ana@x.com\", \"@\")" => "\"ana\""),
    b!("after", [Text, Text], 2, false, text, false, "the part after the first separator, null if absent", "after(\"ana@x.com\", \"@\")" => "\"x.com\""),
    b!("concat", [Any], 1, true, text, false, "joins the non-null arguments", "concat(\"Dr. \", null, \"Kim\")" => "\"Dr. Kim\""),
    b!("join", [List, Text], 2, false, text, false, "joins a list with a separator", "join([\"a\", \"b\"], \", \")" => "\"a, b\""),
    b!("split", [Text, Text], 2, false, text_list, false, "splits, trims, drops empties and duplicates", "split(\"vip; vip ;new\", \";\")" => "[\"vip\", \"new\"]"),
    b!("len", [Text], 1, false, int, false, "length in characters", "len(\"José\")" => "4"),
    b!("contains", [Text, Text], 2, false, boolean, false, "whether the text contains s", "contains(\"Follow-up\", \"up\")" => "true"),
    b!("starts_with", [Text, Text], 2, false, boolean, false, "whether the text starts with s", "starts_with(\"D0120\", \"D0\")" => "true"),
    b!("ends_with", [Text, Text], 2, false, boolean, false, "whether the text ends with s", "ends_with(\"x.pdf\", \".pdf\")" => "true"),
    b!("email", [Text], 1, false, text, true, "the address if it looks like a@b.c, else fails", "email(\"ana@x.com\")" => "\"ana@x.com\""),
    b!("phone", [Text], 1, false, text, true, "+ and 7 to 15 digits, else fails", "phone(\"+44 20 7946 0958\")" => "\"+442079460958\""),
    b!("us_phone", [Text], 1, false, phones, true, "a 10-digit US number as Twenty phones, else fails", "us_phone(\"1 (555) 010-2233\")" => "{\"primaryPhoneNumber\": \"5550102233\", \"primaryPhoneCallingCode\": \"+1\"}"),
    b!("url", [Text], 1, false, text, true, "a URL with a scheme, https:// added when missing", "url(\"acme.com\")" => "\"https://acme.com\""),
    b!("link", [Text], 1, false, links, true, "a links composite from a URL or bare domain", "link(\"acme.com\")" => "{\"primaryLinkUrl\": \"https://acme.com\"}"),
    b!("date", [Text, Text], 2, false, date, true, "parses a date with a strftime format", "date(\"03/14/1985\", \"%m/%d/%Y\")" => "\"1985-03-14\""),
    b!("datetime", [Text, Text, Text], 2, false, datetime, true, "parses a date-time, in the time zone when given", "datetime(\"2024-01-05 09:30\", \"%Y-%m-%d %H:%M\")" => "\"2024-01-05T09:30:00Z\""),
    b!("format_date", [Date, Text, Text], 2, false, text, false, "formats a date, a date-time in the time zone when given", "format_date(date(\"2024-01-05\", \"%Y-%m-%d\") ?? null, \"%d %b %Y\")" => "\"05 Jan 2024\""),
    b!("int", [Text], 1, false, int, true, "parses an integer", "int(\" 42 \")" => "42"),
    b!("decimal", [Text], 1, false, decimal, true, "parses a decimal (1,234.50 accepted)", "decimal(\"1,234.50\")" => "1234.5"),
    b!("bool", [Text], 1, false, boolean, true, "parses true/false/yes/no/y/n/1/0", "bool(\"Yes\")" => "true"),
    b!("round", [Number, Number], 2, false, decimal, false, "rounds half away from zero", "round(2.345, 2)" => "2.35"),
    b!("micros", [Number], 1, false, int, false, "amount × 1,000,000 as an integer", "micros(12.5)" => "12500000"),
    b!("money", [Number, Text], 2, false, currency, false, "a currency composite", "money(12.5, \"USD\")" => "{\"amountMicros\": 12500000, \"currencyCode\": \"USD\"}"),
    b!("split_name", [Text], 1, false, full_name, false, "splits a full name at the last space", "split_name(\"Jane Q. Doe\")" => "{\"firstName\": \"Jane Q.\", \"lastName\": \"Doe\"}"),
    b!("full_name", [Text, Text], 2, false, full_name, false, "a full_name composite", "full_name(\"Ana\", \"Kim\")" => "{\"firstName\": \"Ana\", \"lastName\": \"Kim\"}"),
    b!("markdown", [Text], 1, false, rich_text, false, "a rich-text composite", "markdown(\"**Note**\")" => "{\"markdown\": \"**Note**\"}"),
    b!("days", [Number], 1, false, duration, false, "a duration of n days", "days(3)" => "3 days"),
    b!("weeks", [Number], 1, false, duration, false, "a duration of n weeks", "weeks(2)" => "2 weeks"),
    b!("months", [Number], 1, false, duration, false, "a duration of n months", "months(6)" => "6 months"),
    b!("years", [Number], 1, false, duration, false, "a duration of n years", "years(1)" => "1 year"),
    b!("coalesce", [Any], 1, true, any, false, "the first non-null argument", "coalesce(null, \"b\")" => "\"b\""),
];

pub fn find(name: &str) -> Option<&'static Builtin> {
    BUILTINS.iter().find(|b| b.name == name)
}

pub fn names() -> impl Iterator<Item = &'static str> {
    BUILTINS.iter().map(|b| b.name)
}

/// Whether a value of type `ty` may be passed where `arg` is expected.
pub fn accepts(arg: Arg, ty: &Ty) -> bool {
    if ty.is_lenient() {
        return true;
    }
    match arg {
        Arg::Any => true,
        Arg::Text => matches!(ty, Ty::Text | Ty::Int | Ty::Decimal | Ty::Bool),
        Arg::Number => ty.is_number(),
        Arg::Date => matches!(ty, Ty::Date | Ty::DateTime),
        Arg::List => matches!(ty, Ty::List(_)),
    }
}

/// The return type for a call: `coalesce` takes its arguments' type.
pub fn return_type(b: &Builtin, args: &[Ty]) -> Ty {
    if b.name == "coalesce" {
        return args.iter().fold(Ty::Null, |acc, t| Ty::join(&acc, t));
    }
    (b.ret)()
}

/// The subfields of the composites built-ins return, for targets whose stdlib does not declare
/// those composites (Freshsales has no `full_name`, yet `split_name(x).firstName` is useful).
pub fn intrinsic_fields(composite: &str) -> &'static [&'static str] {
    match composite {
        "full_name" => &["firstName", "lastName"],
        "phones" => &[
            "primaryPhoneNumber",
            "primaryPhoneCallingCode",
            "primaryPhoneCountryCode",
        ],
        "links" => &["primaryLinkUrl", "primaryLinkLabel"],
        "currency" => &["amountMicros", "currencyCode"],
        "rich_text" => &["markdown"],
        _ => &[],
    }
}

pub fn intrinsic_subfield(composite: &str, field: &str) -> Option<Ty> {
    if !intrinsic_fields(composite).contains(&field) {
        return None;
    }
    Some(if field == "amountMicros" {
        Ty::Int
    } else {
        Ty::Text
    })
}
