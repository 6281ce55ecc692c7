//! What the checker needs of the built-ins (`crate::builtins`): which argument types a
//! parameter accepts, the type a call gives, and the subfields of the composites they return.

use super::types::Ty;
use crate::builtins::{Builtin, Param, Returns};

/// Whether a value of type `ty` may be passed where `param` is expected.
pub fn accepts(param: Param, ty: &Ty) -> bool {
    if ty.is_lenient() {
        return true;
    }
    match param {
        Param::Any => true,
        Param::Text => matches!(ty, Ty::Text | Ty::Int | Ty::Decimal | Ty::Bool),
        Param::Number => ty.is_number(),
        Param::Date => matches!(ty, Ty::Date | Ty::DateTime),
        Param::List => matches!(ty, Ty::List(_)),
        Param::Value => !matches!(ty, Ty::List(_)),
    }
}

/// The type a call of `b` with arguments of these types gives.
pub fn return_type(b: &Builtin, args: &[Ty]) -> Ty {
    match b.returns {
        Returns::Text => Ty::Text,
        Returns::Int => Ty::Int,
        Returns::Decimal => Ty::Decimal,
        Returns::Bool => Ty::Bool,
        Returns::Date => Ty::Date,
        Returns::DateTime => Ty::DateTime,
        Returns::Duration => Ty::Duration,
        Returns::Any => Ty::Any,
        Returns::TextList => Ty::List(Box::new(Ty::Text)),
        Returns::Composite(name) => Ty::Composite(name.into()),
        Returns::Arguments => args.iter().fold(Ty::Null, |acc, t| Ty::join(&acc, t)),
    }
}

/// The type a built-in gives, as `mapc explain functions` names it.
pub fn return_name(b: &Builtin) -> String {
    match b.returns {
        Returns::Arguments => Ty::Any.name(),
        _ => return_type(b, &[]).name(),
    }
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
