//! Whether a checked value may be written into a target field, with the diagnostic when not.

use super::types::{Ty, Typed};
use crate::diag::{did_you_mean, Code, Diagnostic};
use crate::ir::{Field, FieldType, ObjectId, Scalar, Schema};
use crate::span::Span;

/// The type a value read from a field of this type has.
pub fn field_value_type(schema: &Schema, ty: &FieldType) -> Ty {
    let name = |o: &ObjectId| schema.object_at(*o).name.clone();
    match ty {
        FieldType::Scalar { scalar } => match scalar {
            Scalar::Number | Scalar::Position => Ty::Decimal,
            Scalar::Bool => Ty::Bool,
            Scalar::Date => Ty::Date,
            Scalar::DateTime => Ty::DateTime,
            Scalar::Array => Ty::List(Box::new(Ty::Text)),
            Scalar::Json => Ty::Any,
            Scalar::Text | Scalar::Uuid | Scalar::Rating => Ty::Text,
        },
        FieldType::Select { multi: false, .. } => Ty::Text,
        FieldType::Select { multi: true, .. } => Ty::List(Box::new(Ty::Text)),
        FieldType::Relation { objects } => Ty::Ref(objects.iter().map(name).collect()),
        FieldType::Links { object } => Ty::List(Box::new(Ty::Ref(vec![name(object)]))),
        FieldType::Composite { name } => Ty::Composite(name.clone()),
    }
}

/// For function parameters: does a value of type `found` fit a parameter of type `want`?
pub fn value_fits(want: &Ty, found: &Ty) -> bool {
    if want.is_lenient() || found.is_lenient() || want == found {
        return true;
    }
    match want {
        Ty::Text => matches!(found, Ty::Int | Ty::Decimal | Ty::Bool),
        Ty::Decimal => found.is_number(),
        Ty::DateTime => *found == Ty::Date,
        _ => false,
    }
}

pub struct Target<'a> {
    pub schema: &'a Schema,
    pub object: &'a str,
    pub path: &'a str,
    pub field: &'a Field,
    pub span: Span,
}

/// Every problem with writing `value` to `target`; `column` is the source column the value is,
/// when it is a bare column (a help can then name it).
pub fn check(t: &Target, value: &Typed, value_span: Span, column: Option<&str>) -> Vec<Diagnostic> {
    let found = &value.ty;
    if found.is_lenient() {
        return select_values(t, value);
    }
    match &t.field.ty {
        FieldType::Scalar { scalar } => scalar_fits(t, *scalar, found, value_span, column)
            .into_iter()
            .collect(),
        FieldType::Select { multi, .. } => select_fits(t, *multi, value, value_span),
        FieldType::Relation { objects } => relation_fits(t, objects, found, value_span)
            .into_iter()
            .collect(),
        FieldType::Links { object } => links_fits(t, *object, found, value_span)
            .into_iter()
            .collect(),
        FieldType::Composite { name } => composite_fits(t, name, found, value_span)
            .into_iter()
            .collect(),
    }
}

fn mismatch(t: &Target, value_span: Span, found: &Ty, help: Option<&str>) -> Diagnostic {
    let d = Diagnostic::new(
        Code::TypeMismatch,
        format!(
            "`{}.{}` is {}, but this is {}",
            t.object,
            t.path,
            t.schema.describe(&t.field.ty),
            found.name()
        ),
    )
    .primary(value_span, format!("this is {}", found.name()))
    .context(t.span, format!("{} field", t.schema.describe(&t.field.ty)));
    match help {
        Some(h) => d.help(h),
        None => d,
    }
}

fn scalar_fits(
    t: &Target,
    scalar: Scalar,
    found: &Ty,
    span: Span,
    column: Option<&str>,
) -> Option<Diagnostic> {
    let ok = match scalar {
        Scalar::Text | Scalar::Uuid | Scalar::Rating => {
            matches!(
                found,
                Ty::Text | Ty::Int | Ty::Decimal | Ty::Bool | Ty::Date | Ty::DateTime
            )
        }
        Scalar::Number | Scalar::Position => found.is_number(),
        Scalar::Bool => *found == Ty::Bool,
        Scalar::Date | Scalar::DateTime => matches!(found, Ty::Date | Ty::DateTime),
        Scalar::Array => matches!(found, Ty::List(_) | Ty::Text),
        Scalar::Json => true,
    };
    if ok {
        return None;
    }
    if matches!(scalar, Scalar::Date | Scalar::DateTime) && *found == Ty::Text {
        return Some(text_into_date(t, scalar, span, column));
    }
    let help = match (scalar, found) {
        (Scalar::Number, Ty::Text) => Some("parse it: `x | decimal ?? null`"),
        (Scalar::Bool, Ty::Text) => Some("parse it: `x | bool ?? null`"),
        (Scalar::Text, Ty::List(_)) => {
            Some("join it into one text: `join(x, \", \")`; or write it into an array field")
        }
        _ => None,
    };
    Some(mismatch(t, span, found, help))
}

/// Text into a date or datetime field: the help names the field's own type and a format of
/// that type (a date-only format would drop the time of every value).
fn text_into_date(t: &Target, scalar: Scalar, span: Span, column: Option<&str>) -> Diagnostic {
    let (ty, format) = match scalar {
        Scalar::DateTime => ("datetime", "%Y-%m-%d %H:%M:%S"),
        _ => ("date", "%m/%d/%Y"),
    };
    let parse = format!("{ty}(\"{format}\") ?? null");
    let help = match column {
        Some(c) => format!(
            "declare `{c}` with its format (`{c} {ty} \"{format}\"`), or parse it: `{c} | {parse}`"
        ),
        None => format!("parse it: `… | {parse}`"),
    };
    Diagnostic::new(
        Code::TextIntoDate,
        format!(
            "`{}.{}` is a {ty} field, but this is text with no parse",
            t.object, t.path
        ),
    )
    .primary(span, "text")
    .context(t.span, format!("{ty} field"))
    .help(help)
}

fn select_fits(t: &Target, multi: bool, value: &Typed, span: Span) -> Vec<Diagnostic> {
    if multi {
        return multi_select_fits(t, value, span);
    }
    let found = &value.ty;
    if found.is_number() {
        return vec![number_into_select(t, span, "a number")];
    }
    if found.is_list() {
        let help = "a select field holds one option; a list of options goes into a multi_select";
        return vec![mismatch(t, span, found, Some(help))];
    }
    if *found != Ty::Text {
        return vec![mismatch(t, span, found, None)];
    }
    if value.known.is_none() {
        return vec![Diagnostic::new(
            Code::TypeMismatch,
            format!(
                "`{}.{}` is a select field, but this text is not known to be one of its options",
                t.object, t.path
            ),
        )
        .primary(span, "free text")
        .context(t.span, "select field")
        .help(
            "map the source values to options with a value table (`values … { \"x\" => OPTION }`)",
        )];
    }
    select_values(t, value)
}

/// A multi-select field takes a list whose elements are all known to be its options.
fn multi_select_fits(t: &Target, value: &Typed, span: Span) -> Vec<Diagnostic> {
    let element = match &value.ty {
        Ty::List(element) => element.as_ref(),
        one if one.is_number() => return vec![number_into_select(t, span, "a number")],
        Ty::Text => return vec![one_into_multi_select(t, span)],
        other => return vec![mismatch(t, span, other, None)],
    };
    if element.is_number() {
        return vec![number_into_select(t, span, "a list of numbers")];
    }
    if *element != Ty::Text && !element.is_lenient() {
        return vec![mismatch(t, span, &value.ty, None)];
    }
    if value.known.is_none() {
        return vec![unchecked_options(t, span)];
    }
    select_values(t, value)
}

fn number_into_select(t: &Target, span: Span, what: &str) -> Diagnostic {
    let kind = t.schema.describe(&t.field.ty);
    Diagnostic::new(
        Code::NumberIntoSelect,
        format!(
            "`{}.{}` is a {kind} field, but this is {what}",
            t.object, t.path
        ),
    )
    .primary(span, what.to_string())
    .context(t.span, format!("{kind} field"))
    .help("map numbers to options through a value table: `Stage(stage_no)`")
}

fn unchecked_options(t: &Target, span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::UncheckedOptions,
        format!(
            "`{}.{}` is a multi_select field, but the elements of this list are not known to be its options",
            t.object, t.path
        ),
    )
    .primary(span, "a list of free text")
    .context(t.span, "multi_select field")
    .help(
        "pipe the list into a value table whose outputs are options and whose `else` is not \
         `keep`: `split(x, \";\") | Tag`",
    )
}

fn one_into_multi_select(t: &Target, span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::OneIntoMultiSelect,
        format!(
            "`{}.{}` is a multi_select field, but this is one value, not a list",
            t.object, t.path
        ),
    )
    .primary(span, "one value")
    .context(t.span, "multi_select field")
    .help("write a list of one (`[Tag(x)]`), or pipe a list into a value table (`split(x, \";\") | Tag`)")
}

/// Each known value (literal or value-table output) must be a legal option of a select field.
fn select_values(t: &Target, value: &Typed) -> Vec<Diagnostic> {
    let FieldType::Select { options, .. } = &t.field.ty else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for k in value.known.iter().flatten() {
        if options.contains(&k.text) {
            continue;
        }
        let hint = did_you_mean(&k.text, options.iter().map(String::as_str));
        let add = format!(
            "or add it: `extend {} {{ {} add [{}] }}`",
            t.object, t.path, k.text
        );
        let help = Some(match hint {
            Some(h) => format!("{h} {add}"),
            None => format!("the options are {}; {add}", options.join(", ")),
        });
        let d = match &k.table {
            Some(table) => Diagnostic::new(
                Code::OptionNotLegal,
                format!(
                    "value table `{table}` outputs `{}`, which is not an option of `{}.{}`",
                    k.text, t.object, t.path
                ),
            )
            .primary(k.span, "not a legal option")
            .context(t.span, "the select field it feeds"),
            None => Diagnostic::new(
                Code::IllegalOption,
                format!("`{}` is not an option of `{}.{}`", k.text, t.object, t.path),
            )
            .primary(k.span, "not an option")
            .context(t.span, "select field"),
        };
        out.push(d.help_opt(help));
    }
    out
}

fn relation_fits(t: &Target, objects: &[ObjectId], found: &Ty, span: Span) -> Option<Diagnostic> {
    let objects = names(t.schema, objects);
    match found {
        Ty::Ref(refs) if refs.iter().any(|r| objects.contains(r)) => None,
        Ty::Ref(refs) => Some(
            Diagnostic::new(
                Code::TypeMismatch,
                format!(
                    "`{}.{}` points at {}, but this lookup makes {}",
                    t.object,
                    t.path,
                    objects.join(" or "),
                    refs.join(" or ")
                ),
            )
            .primary(span, "wrong kind of record")
            .context(t.span, "relation field"),
        ),
        _ => Some(
            Diagnostic::new(
                Code::NotRelation,
                format!(
                    "`{}.{}` is a relation to {}, but this is {}",
                    t.object,
                    t.path,
                    objects.join(" or "),
                    found.name()
                ),
            )
            .primary(span, "not a record reference")
            .context(t.span, "relation field")
            .help(
                "use `lookup Source(key) on missing …`, or `owner(email) on missing …` for users",
            ),
        ),
    }
}

fn links_fits(t: &Target, object: ObjectId, found: &Ty, span: Span) -> Option<Diagnostic> {
    let accepted = names(t.schema, &link_targets(t.schema, object));
    match found {
        Ty::List(inner) => match inner.as_ref() {
            Ty::Ref(refs) if refs.iter().any(|r| accepted.contains(r)) => None,
            Ty::Null | Ty::Any => None,
            Ty::Ref(refs) => Some(
                Diagnostic::new(
                    Code::TypeMismatch,
                    format!(
                        "`{}.{}` can link to {}, not {}",
                        t.object,
                        t.path,
                        accepted.join(", "),
                        refs.join(" or ")
                    ),
                )
                .primary(span, "cannot be linked here")
                .context(t.span, "links field"),
            ),
            other => Some(mismatch(
                t,
                span,
                &Ty::List(Box::new(other.clone())),
                Some("a list of lookups: `[lookup Patient(id) on missing reject]`"),
            )),
        },
        other => Some(
            Diagnostic::new(
                Code::NotRelation,
                format!(
                    "`{}.{}` takes a list of record references, but this is {}",
                    t.object,
                    t.path,
                    other.name()
                ),
            )
            .primary(span, "not a list of lookups")
            .context(t.span, "links field")
            .help("write `[lookup Source(key) on missing …]`"),
        ),
    }
}

fn names(schema: &Schema, objects: &[ObjectId]) -> Vec<String> {
    objects
        .iter()
        .map(|o| schema.object_at(*o).name.clone())
        .collect()
}

/// The objects a `-> [Object]` field may point at: for a link object, the objects its relations
/// reach (and every custom object, which targets gain automatically); otherwise the object.
pub fn link_targets(schema: &Schema, object: ObjectId) -> Vec<ObjectId> {
    let obj = schema.object_at(object);
    if !obj.link {
        return vec![object];
    }
    let mut out: Vec<ObjectId> = obj
        .fields
        .iter()
        .filter_map(|f| match &f.ty {
            FieldType::Relation { objects } => Some(objects.clone()),
            _ => None,
        })
        .flatten()
        .collect();
    out.extend(
        schema
            .objects
            .iter()
            .enumerate()
            .filter(|(_, o)| o.custom && !o.link)
            .map(|(i, _)| ObjectId::new(i)),
    );
    out.dedup();
    out
}

fn composite_fits(t: &Target, name: &str, found: &Ty, span: Span) -> Option<Diagnostic> {
    match found {
        Ty::Composite(c) if c == name => None,
        Ty::Record(fields) => {
            let comp = t.schema.composites.get(name)?;
            let unknown = fields
                .iter()
                .find(|f| comp.fields.iter().all(|c| c.name != **f))?;
            Some(
                Diagnostic::new(
                    Code::UnknownField,
                    format!("`{name}` has no field `{unknown}`"),
                )
                .primary(span, "in this record")
                .help_opt(did_you_mean(
                    unknown,
                    comp.fields.iter().map(|f| f.name.as_str()),
                )),
            )
        }
        other => Some(
            Diagnostic::new(
                Code::CompositeWhole,
                format!(
                    "`{}.{}` is a {name} composite, but this is {}",
                    t.object,
                    t.path,
                    other.name()
                ),
            )
            .primary(span, format!("this is {}", other.name()))
            .context(t.span, format!("{name} field"))
            .help(composite_help(t.schema, name, t.path)),
        ),
    }
}

fn composite_help(schema: &Schema, name: &str, path: &str) -> String {
    let first = schema
        .composites
        .get(name)
        .and_then(|c| c.fields.first())
        .map(|f| f.name.clone())
        .unwrap_or_else(|| "subfield".into());
    format!("write a subfield (`{path}.{first} = …`) or use a function that returns {name}")
}
