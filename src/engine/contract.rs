//! What the target refuses of a record's values, checked before it is sent, so that a run on
//! files has the outcomes a run into a live workspace would: a required field left empty, and a
//! select value that is not one of its options. (Unique values are the claims' to hold,
//! `claims.rs`; a relation only ever points at a record a lookup found, which exists.)
//!
//! The checker proves what it can before a run (a value table's outputs are options, a required
//! field is mapped); these are what only the rows show: a `keep` that lets an unknown code
//! through, an expression that comes out null.

use super::fate::Fate;
use crate::eval::lend::{NodeValue, Scratch};
use crate::eval::value::Value;
use crate::ir::{Assignment, FieldType, Object, Outcome};

/// What one written value must be.
enum Rule {
    /// Not null, not empty.
    Required,
    /// One of these options (each element of a list, for a multi-select).
    Options(Vec<String>),
}

/// A rule on one of the step's written values (its slot).
struct Check {
    slot: usize,
    rule: Rule,
    /// `Object.field`, for the reason.
    field: String,
}

/// The rules of the values a step writes.
#[derive(Default)]
pub struct Contract {
    checks: Vec<Check>,
}

impl Contract {
    /// The rules of `written` (the step's assignments, in slot order) into `object`.
    pub fn new<'a>(object: &Object, written: impl IntoIterator<Item = &'a Assignment>) -> Contract {
        let mut checks = Vec::new();
        for (slot, a) in written.into_iter().enumerate() {
            // Rules are on whole fields; a composite's subfields are the target's to judge.
            if a.path.wire.len() != 1 {
                continue;
            }
            let f = object.field_at(a.path.field);
            let field = format!("{}.{}", object.name, f.name);
            if f.required {
                checks.push(Check {
                    slot,
                    rule: Rule::Required,
                    field: field.clone(),
                });
            }
            if let FieldType::Select { options, .. } = &f.ty {
                checks.push(Check {
                    slot,
                    rule: Rule::Options(options.clone()),
                    field,
                });
            }
        }
        Contract { checks }
    }

    /// The fate of a row whose values break a rule, from its lent results.
    pub fn check_lent(&self, results: &[NodeValue], scratch: &Scratch) -> Option<Fate> {
        if self.checks.is_empty() {
            return None;
        }
        self.checks.iter().find_map(|c| {
            let result = *results.get(c.slot)?;
            match (&c.rule, result) {
                (Rule::Required, NodeValue::Null) => Some(required(c)),
                (Rule::Required, _) if scratch.text_of(result).is_empty() => Some(required(c)),
                (Rule::Required, _) | (Rule::Options(_), NodeValue::Null) => None,
                // Text, the usual select value, is compared where it lies.
                (Rule::Options(options), NodeValue::Str(_) | NodeValue::Made(..)) => {
                    let text = scratch.text_of(result);
                    let known = options.iter().any(|o| *o == *text);
                    (!known).then(|| invalid_option(c, options, &text))
                }
                (Rule::Options(options), _) => not_an_option(c, options, &scratch.value(result)),
            }
        })
    }

    /// The fate of a row whose values (one per written slot) break a rule.
    pub fn check_owned(&self, values: &[Value]) -> Option<Fate> {
        self.checks.iter().find_map(|c| {
            let value = values.get(c.slot)?;
            match &c.rule {
                Rule::Required if value.text().is_empty() => Some(required(c)),
                Rule::Required => None,
                Rule::Options(options) => not_an_option(c, options, value),
            }
        })
    }
}

fn required(c: &Check) -> Fate {
    Fate::bad(
        Outcome::Rejected,
        "required",
        format!(
            "`{}` is required by the target, and this row's value is empty",
            c.field
        ),
    )
}

/// A value the select does not have, with the target's own wording; null is no value at all.
fn not_an_option(c: &Check, options: &[String], value: &Value) -> Option<Fate> {
    let values: Vec<String> = match value {
        Value::Null => return None,
        Value::List(items) => items.iter().map(|i| i.text().into_owned()).collect(),
        other => vec![other.text().into_owned()],
    };
    let bad = values.iter().find(|v| !options.iter().any(|o| o == *v))?;
    Some(invalid_option(c, options, bad))
}

fn invalid_option(c: &Check, options: &[String], bad: &str) -> Fate {
    Fate::bad(
        Outcome::Rejected,
        "option",
        format!(
            "invalid value \"{bad}\" for field `{}`: its options are {}",
            c.field,
            options.join(", ")
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Field, FieldId, FieldPath, Scalar};

    fn field(name: &str, ty: FieldType, required: bool) -> Field {
        Field {
            name: name.into(),
            api: name.into(),
            ty,
            required,
            unique: None,
            default: None,
            label: None,
            readonly: false,
            sensitive: false,
            custom: true,
        }
    }

    fn assignment(at: usize, name: &str) -> Assignment {
        Assignment {
            path: FieldPath {
                dotted: name.into(),
                field: FieldId::new(at),
                wire: vec![name.into()],
            },
            value: crate::ir::Expr::null(),
            deferred: false,
        }
    }

    /// What a plan could carry past the checker (a plan file is data) is refused by the rows:
    /// a value that is not an option, in a select or a multi-select; a required value empty.
    #[test]
    fn values_the_target_refuses_are_refused_before_it_is_asked() {
        let stage = FieldType::Select {
            options: vec!["NEW".into(), "WON".into()],
            multi: false,
        };
        let object = Object {
            name: "Deal".into(),
            api: "deal".into(),
            plural: "deals".into(),
            label: "Deal".into(),
            link: false,
            readonly: false,
            custom: true,
            fields: vec![
                field("stage", stage, false),
                field(
                    "name",
                    FieldType::Scalar {
                        scalar: Scalar::Text,
                    },
                    true,
                ),
            ],
        };
        let written = [assignment(0, "stage"), assignment(1, "name")];
        let contract = Contract::new(&object, written.iter());
        let text = |s: &str| Value::Text(s.into());
        assert_eq!(contract.check_owned(&[text("NEW"), text("Big")]), None);
        let refused = contract.check_owned(&[text("LOST"), text("Big")]);
        assert_eq!(refused.map(|f| f.code), Some("option"));
        let listed = contract.check_owned(&[Value::List(vec![text("NEW"), text("X")]), text("B")]);
        assert_eq!(listed.map(|f| f.code), Some("option"));
        let empty = contract.check_owned(&[Value::Null, text("")]);
        assert_eq!(
            empty.map(|f| f.code),
            Some("required"),
            "null is no option, empty is"
        );
    }
}
