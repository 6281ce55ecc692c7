//! Checks `source` declarations into the IR's sources: column types with their formats and
//! time zones, keys, and how the export is read (format, encoding, delimiter), each setting
//! validated here with its location so the reader never meets one it cannot honour.

use super::env::{ColumnEnv, Env, SourceEnv};
use super::formats;
use super::types::Ty;
use crate::diag::{did_you_mean, Code, Diagnostic};
use crate::ir::{self, ColumnId, ColumnType, DateFormat, Delimiter, Encoding, PolicyAction};
use crate::ir::{GapPolicy, OverlapPolicy, SourceFormat, SourceId, TimeZone, ZonePolicy};
use crate::span::Span;
use crate::syntax::ast::{self, DstChoice, StateAction};
use std::collections::BTreeMap;

pub fn source(
    s: &ast::SourceDecl,
    env: &mut Env,
    diags: &mut Vec<Diagnostic>,
) -> Option<ir::Source> {
    if let Some(first) = env.sources.get(&s.name.name) {
        super::decls::duplicate(diags, "source", &s.name, first.span);
        return None;
    }
    let mut columns: BTreeMap<String, ColumnEnv> = BTreeMap::new();
    let mut checked = Vec::new();
    // A finding that repeats over a source's columns is said once, with how many times it
    // holds: a line of a million `x x` is one finding, not a million.
    let mut repeats = Repeats::default();
    for c in &s.columns {
        if let Some(first) = columns.get(&c.name.name).map(|c| c.span) {
            repeats.duplicate(&c.name, first);
            continue;
        }
        let Some(ty) = Ty::from_column_type(&c.ty.name) else {
            repeats.unknown_type(&c.ty);
            continue;
        };
        let column = column(c, &ty, diags);
        let id = ColumnId::new(checked.len());
        let span = c.name.span;
        let ignored = c.ignored.as_ref().map(|why| why.span);
        columns.insert(
            c.name.name.clone(),
            ColumnEnv {
                id,
                ty,
                span,
                ignored,
            },
        );
        checked.push(column);
    }
    repeats.report(diags);
    let key = key_columns(s, &columns, diags);
    let watermark = s
        .watermark
        .as_ref()
        .and_then(|w| declared(w, &s.name, &columns, diags));
    let format = source_format(s, diags);
    let (encoding, delimiter) = reading(s, format, diags);
    if !crate::ir::names::stays_inside(&s.file.value) {
        diags.push(outside_data(&s.file));
    }
    let id = SourceId::new(env.sources.len());
    env.sources.insert(
        s.name.name.clone(),
        SourceEnv {
            id,
            columns,
            key: s.key.iter().map(|k| k.name.clone()).collect(),
            span: s.name.span,
        },
    );
    Some(ir::Source {
        name: s.name.name.clone(),
        file: s.file.value.clone(),
        format,
        encoding,
        delimiter,
        key,
        watermark,
        sensitive: s.sensitive,
        columns: checked,
    })
}

/// The key's columns; a source without a key is an error (re-runs could not tell its rows).
fn key_columns(
    s: &ast::SourceDecl,
    columns: &BTreeMap<String, ColumnEnv>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<ColumnId> {
    if s.key.is_empty() {
        diags.push(
            Diagnostic::new(
                Code::KeyColumn,
                format!("source `{}` has no key", s.name.name),
            )
            .primary(s.name.span, "no `key` clause")
            .help("add `key column`: without a key, re-runs cannot tell a row they already moved"),
        );
    }
    s.key
        .iter()
        .filter_map(|k| declared(k, &s.name, columns, diags))
        .collect()
}

/// A key or watermark column, which must be declared.
fn declared(
    name: &ast::Ident,
    source: &ast::Ident,
    columns: &BTreeMap<String, ColumnEnv>,
    diags: &mut Vec<Diagnostic>,
) -> Option<ColumnId> {
    if let Some(c) = columns.get(&name.name) {
        return Some(c.id);
    }
    diags.push(
        Diagnostic::new(
            Code::KeyColumn,
            format!(
                "`{}` is not a declared column of `{}`",
                name.name, source.name
            ),
        )
        .primary(name.span, "undeclared column")
        .help_opt(did_you_mean(&name.name, columns.keys().map(String::as_str))),
    );
    None
}

/// `format csv|jsonl`, or the one the file's extension says.
fn source_format(s: &ast::SourceDecl, diags: &mut Vec<Diagnostic>) -> SourceFormat {
    let Some(f) = &s.format else {
        let lower = s.file.value.to_lowercase();
        return if lower.ends_with(".jsonl") || lower.ends_with(".ndjson") {
            SourceFormat::Jsonl
        } else {
            SourceFormat::Csv
        };
    };
    match f.name.as_str() {
        "csv" => SourceFormat::Csv,
        "jsonl" => SourceFormat::Jsonl,
        other => {
            diags.push(
                Diagnostic::new(
                    Code::UnknownType,
                    format!("unknown source format `{other}`"),
                )
                .primary(f.span, "expected `csv` or `jsonl`"),
            );
            SourceFormat::Csv
        }
    }
}

/// The encoding and delimiter the export is read with (UTF-8 and `,` unless declared).
fn reading(
    s: &ast::SourceDecl,
    format: SourceFormat,
    diags: &mut Vec<Diagnostic>,
) -> (Encoding, Delimiter) {
    let encoding = match &s.encoding {
        None => Encoding::UTF_8,
        Some(e) => Encoding::for_label(&e.value).unwrap_or_else(|| {
            diags.push(formats::unknown_encoding(&e.value, e.span));
            Encoding::UTF_8
        }),
    };
    let delimiter = match &s.delimiter {
        None => Delimiter::COMMA,
        Some(d) if format == SourceFormat::Jsonl => {
            diags.push(formats::bad_delimiter(
                &d.value,
                "a JSON-lines source has no delimiter",
                "remove `delimiter`, or declare `format csv`",
                d.span,
            ));
            Delimiter::COMMA
        }
        Some(d) => Delimiter::new(&d.value).unwrap_or_else(|why| {
            let help = "use one character: \",\", \";\", \"|\", \"\\t\"";
            diags.push(formats::bad_delimiter(&d.value, why, help, d.span));
            Delimiter::COMMA
        }),
    };
    (encoding, delimiter)
}

/// The findings that can repeat over a source's columns, each kept once with its count, in
/// the order first met.
#[derive(Default)]
struct Repeats {
    /// A name declared again: its first and second declarations, and how many times in all.
    duplicates: Vec<(String, Span, Span, usize)>,
    /// A type no column can have: its first use, and how many columns have it.
    unknown_types: Vec<(String, Span, usize)>,
    /// Where each name is in `duplicates`, and each type in `unknown_types`.
    seen: BTreeMap<(bool, String), usize>,
}

impl Repeats {
    fn duplicate(&mut self, name: &ast::Ident, first: Span) {
        match self.seen.get(&(true, name.name.clone())) {
            Some(&i) => self.duplicates[i].3 += 1,
            None => {
                self.seen
                    .insert((true, name.name.clone()), self.duplicates.len());
                let found = (name.name.clone(), first, name.span, 2);
                self.duplicates.push(found);
            }
        }
    }

    fn unknown_type(&mut self, ty: &ast::Ident) {
        match self.seen.get(&(false, ty.name.clone())) {
            Some(&i) => self.unknown_types[i].2 += 1,
            None => {
                self.seen
                    .insert((false, ty.name.clone()), self.unknown_types.len());
                self.unknown_types.push((ty.name.clone(), ty.span, 1));
            }
        }
    }

    fn report(self, diags: &mut Vec<Diagnostic>) {
        for (name, first, second, times) in self.duplicates {
            let mut d =
                Diagnostic::new(Code::Duplicate, format!("column `{name}` is defined twice"))
                    .primary(second, "second definition")
                    .context(first, "first defined here");
            if times > 2 {
                d = d.note(format!("`{name}` is declared {times} times in all"));
            }
            diags.push(d);
        }
        for (name, at, columns) in self.unknown_types {
            let mut d = Diagnostic::new(Code::UnknownType, format!("unknown column type `{name}`"))
                .primary(at, "not a column type")
                .help_opt(did_you_mean(&name, Ty::COLUMN_TYPES.iter().copied()))
                .note("column types: text int decimal bool date datetime");
            if columns > 1 {
                d = d.note(format!(
                    "{} more columns of this source have it",
                    columns - 1
                ));
            }
            diags.push(d);
        }
    }
}

/// A column's IR form, its type known to be one.
fn column(c: &ast::ColumnDecl, ty: &Ty, diags: &mut Vec<Diagnostic>) -> ir::Column {
    ir::Column {
        name: c.name.name.clone(),
        ty: column_type(c, ty, diags),
        optional: c.optional,
        nulls: c.nulls.iter().map(|n| n.value.clone()).collect(),
        sensitive: c.sensitive,
        policies: c
            .policies
            .iter()
            .map(|p| (p.state, policy(&p.action)))
            .collect(),
    }
}

fn policy(action: &StateAction) -> PolicyAction {
    match action {
        StateAction::Null => PolicyAction::Null,
        StateAction::Keep => PolicyAction::Keep,
        StateAction::Reject(r) => PolicyAction::Reject(r.as_ref().map(|s| s.value.clone())),
        StateAction::Default(l) => PolicyAction::Default(super::expr::literal_const(l)),
    }
}

/// A column's type with its parse settings: a date's format (`%Y-%m-%d` unless given), a
/// date-time's format and time zone with its gap and overlap policies. A format or zone on a
/// type that takes none is an error.
fn column_type(c: &ast::ColumnDecl, ty: &Ty, diags: &mut Vec<Diagnostic>) -> ColumnType {
    let takes_format = matches!(ty, Ty::Date | Ty::DateTime);
    if let (Some(f), false) = (&c.format, takes_format) {
        diags.push(formats::misplaced(
            &c.name.name,
            &c.ty.name,
            "a format",
            f.span,
        ));
    }
    if let (Some(z), false) = (&c.tz, *ty == Ty::DateTime) {
        diags.push(formats::misplaced(
            &c.name.name,
            &c.ty.name,
            "a time zone",
            z.span,
        ));
    }
    let is_datetime = *ty == Ty::DateTime;
    if c.tz.is_none() || !is_datetime {
        for p in &c.dst {
            diags.push(formats::dst_without_zone(c, p, is_datetime));
        }
    }
    let mut format = |default: fn() -> DateFormat| match &c.format {
        None => default(),
        // An invalid format is reported; the spec then has an error, and nothing runs with it.
        Some(f) => DateFormat::new(&f.value).unwrap_or_else(|why| {
            diags.push(formats::bad_format(&f.value, &why, &c.ty.name, f.span));
            default()
        }),
    };
    match ty {
        Ty::Int => ColumnType::Int,
        Ty::Decimal => ColumnType::Decimal,
        Ty::Bool => ColumnType::Bool,
        Ty::Date => ColumnType::Date {
            format: format(DateFormat::iso_date),
        },
        Ty::DateTime => ColumnType::DateTime {
            format: format(DateFormat::iso_datetime),
            tz: zone_policy(c, diags),
        },
        _ => ColumnType::Text,
    }
}

/// A date-time column's zone with its `on gap` and `on overlap` policies (the defaults where
/// it says none); None without a zone (or with an unknown one, reported).
fn zone_policy(c: &ast::ColumnDecl, diags: &mut Vec<Diagnostic>) -> Option<ZonePolicy> {
    let (gap, overlap) = dst_policies(c, diags);
    let z = c.tz.as_ref()?;
    let zone = TimeZone::new(&z.value);
    if zone.is_none() {
        diags.extend(formats::check_zone(&z.value, z.span));
    }
    Some(ZonePolicy {
        zone: zone?,
        gap,
        overlap,
    })
}

/// The first `on gap` and the first `on overlap` a column says; saying one twice is an error.
fn dst_policies(c: &ast::ColumnDecl, diags: &mut Vec<Diagnostic>) -> (GapPolicy, OverlapPolicy) {
    let mut policies = (GapPolicy::default(), OverlapPolicy::default());
    for (i, p) in c.dst.iter().enumerate() {
        let kind = p.choice.kind();
        if let Some(first) = c.dst[..i].iter().find(|q| q.choice.kind() == kind) {
            diags.push(formats::dst_repeated(
                &c.name.name,
                kind,
                first.span,
                p.span,
            ));
            continue;
        }
        match p.choice {
            DstChoice::Gap(g) => policies.0 = g,
            DstChoice::Overlap(o) => policies.1 = o,
        }
    }
    policies
}

/// E0217: the export is read from the data folder, and this path leaves it.
pub fn outside_data(file: &ast::StrLit) -> Diagnostic {
    Diagnostic::new(
        Code::SourceOutsideData,
        format!("`{}` is outside the data folder", file.value),
    )
    .primary(
        file.span,
        "an absolute path, or one that climbs out with `..`",
    )
    .help(
        "give the path inside the --data folder; to read a file elsewhere on purpose, \
         pass --allow-outside-data",
    )
}
