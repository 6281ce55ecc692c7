//! Builds the target schema from the stdlib module and the spec's `extend` and `object` blocks,
//! recording each custom object, field and option as a schema change for the plan.

use super::loader::Unit;
use crate::diag::{did_you_mean, Code, Diagnostic};
use crate::ir::*;
use crate::span::Span;
use crate::syntax::ast::{self, DefaultValue, FieldTypeExpr, Item, Literal};
use std::collections::HashMap;

pub fn build(units: &[Unit], target: &str, diags: &mut Vec<Diagnostic>) -> Schema {
    let mut b = Builder {
        schema: Schema::default(),
        field_spans: HashMap::new(),
        diags,
    };
    b.schema.target.name = target.to_string();
    for unit in units {
        for item in &unit.module.items {
            match item {
                Item::Target(t) if t.name.name == target => b.target(t),
                Item::Composite(c) => b.composite(c),
                _ => {}
            }
        }
    }
    // Objects first by name, so relations can point at objects declared later.
    let objects: Vec<(&ast::ObjectDecl, bool)> = units
        .iter()
        .flat_map(|u| u.module.items.iter().map(move |i| (i, u.std)))
        .filter_map(|(i, std)| match i {
            Item::Object(o) => Some((o, std)),
            _ => None,
        })
        .collect();
    for (o, std) in &objects {
        b.declare_object(o, !std);
    }
    for (o, std) in &objects {
        b.object_fields(o, !std);
    }
    for unit in units {
        for item in &unit.module.items {
            if let Item::Extend(e) = item {
                b.extend(e);
            }
        }
    }
    b.schema
}

struct Builder<'a> {
    schema: Schema,
    /// Where each object's fields are declared, for "defined twice" diagnostics.
    field_spans: HashMap<(ObjectId, String), Span>,
    diags: &'a mut Vec<Diagnostic>,
}

fn literal_text(l: &Literal) -> String {
    match l {
        Literal::Str(s) => s.clone(),
        Literal::Number(n) => crate::ir::number::canonical(*n),
        Literal::Bool(b) => b.to_string(),
        Literal::Null => "null".into(),
    }
}

impl Builder<'_> {
    fn target(&mut self, t: &ast::TargetDecl) {
        for s in &t.settings {
            let mut value = literal_text(&s.value);
            if let Some((n, unit)) = &s.per {
                value = format!("{value} per {n} {}", unit.name);
            }
            self.schema
                .target
                .settings
                .insert(s.name.name.clone(), value);
        }
    }

    fn composite(&mut self, c: &ast::CompositeDecl) {
        if self.schema.composites.contains_key(&c.name.name) {
            self.duplicate(&c.name, "composite");
            return;
        }
        let fields = c
            .fields
            .iter()
            .filter_map(|f| self.field(f, false))
            .collect();
        self.schema.composites.insert(
            c.name.name.clone(),
            Composite {
                name: c.name.name.clone(),
                fields,
            },
        );
    }

    fn duplicate(&mut self, name: &ast::Ident, kind: &str) {
        self.diags.push(
            Diagnostic::new(
                Code::Duplicate,
                format!("{kind} `{}` is defined twice", name.name),
            )
            .primary(name.span, "second definition"),
        );
    }

    fn declare_object(&mut self, o: &ast::ObjectDecl, custom: bool) {
        if self.schema.object(&o.name.name).is_some() {
            self.duplicate(&o.name, "object");
            return;
        }
        let api = o
            .api
            .as_ref()
            .map(|s| s.value.clone())
            .unwrap_or_else(|| lower_first(&o.name.name));
        let plural = o
            .plural
            .as_ref()
            .map(|s| s.value.clone())
            .unwrap_or_else(|| format!("{api}s"));
        let label = o
            .label
            .as_ref()
            .map(|s| s.value.clone())
            .unwrap_or_else(|| o.name.name.clone());
        let api_span = o.api.as_ref().map_or(o.name.span, |s| s.span);
        self.identifier(&api, api_span, "an object's api name");
        let plural_span = o.plural.as_ref().map_or(api_span, |s| s.span);
        // A plural made from a bad api name is that name's error, said once.
        let plural_said = o.plural.is_some() || names::is_identifier(&api);
        if plural_said && !names::is_api_path(&plural) {
            self.not_an_identifier(&plural, plural_span, "an object's plural");
        }
        let id = ObjectId::new(self.schema.objects.len());
        self.schema.objects.push(Object {
            name: o.name.name.clone(),
            api,
            plural,
            label,
            link: o.link,
            readonly: o.readonly,
            custom,
            fields: Vec::new(),
        });
        if custom {
            self.schema
                .changes
                .push(SchemaChange::CreateObject { object: id });
        }
    }

    fn object_fields(&mut self, o: &ast::ObjectDecl, custom: bool) {
        let fields: Vec<(Field, Span)> = o
            .fields
            .iter()
            .filter_map(|f| Some((self.field(f, custom)?, f.name.span)))
            .collect();
        self.add_fields(&o.name.name, fields);
    }

    fn add_fields(&mut self, object: &str, fields: Vec<(Field, Span)>) {
        let Some(id) = self.schema.object_id(object) else {
            return;
        };
        for (f, span) in fields {
            let key = (id, f.name.clone());
            if let Some(first) = self.field_spans.get(&key) {
                let d = Diagnostic::new(
                    Code::Duplicate,
                    format!("`{object}` already has a field `{}`", f.name),
                )
                .primary(span, "second definition")
                .context(*first, "first defined here");
                self.diags.push(d);
                continue;
            }
            self.field_spans.insert(key, span);
            let obj = &mut self.schema.objects[id.index()];
            let field = FieldId::new(obj.fields.len());
            if f.custom {
                self.schema
                    .changes
                    .push(SchemaChange::CreateField { object: id, field });
            }
            obj.fields.push(f);
        }
    }

    fn extend(&mut self, e: &ast::ExtendDecl) {
        if self.schema.object(&e.object.name).is_none() {
            self.unknown_object(&e.object);
            return;
        }
        let fields: Vec<(Field, Span)> = e
            .fields
            .iter()
            .filter_map(|f| Some((self.field(f, true)?, f.name.span)))
            .collect();
        self.add_fields(&e.object.name, fields);
        for add in &e.option_adds {
            self.add_options(&e.object.name, add);
        }
    }

    fn add_options(&mut self, object: &str, add: &ast::OptionAdd) {
        let Some(id) = self.schema.object_id(object) else {
            return;
        };
        let obj = &mut self.schema.objects[id.index()];
        let field_id = obj.field_id(&add.field.name);
        let names: Vec<String> = obj.fields.iter().map(|f| f.name.clone()).collect();
        let Some(field) = obj.field_mut(&add.field.name) else {
            let d = Diagnostic::new(
                Code::UnknownField,
                format!("`{object}` has no field `{}`", add.field.name),
            )
            .primary(add.field.span, "unknown field")
            .help_opt(did_you_mean(
                &add.field.name,
                names.iter().map(String::as_str),
            ));
            self.diags.push(d);
            return;
        };
        let FieldType::Select { options, .. } = &mut field.ty else {
            let d = Diagnostic::new(
                Code::TypeMismatch,
                format!("`{object}.{}` is not a select field", add.field.name),
            )
            .primary(add.field.span, "options can only be added to a select");
            self.diags.push(d);
            return;
        };
        let mut added = Vec::new();
        for o in &add.options {
            if options.contains(&o.value.name) {
                let d = Diagnostic::new(
                    Code::Duplicate,
                    format!("option `{}` already exists", o.value.name),
                )
                .primary(o.value.span, "already an option");
                self.diags.push(d);
            } else {
                options.push(o.value.name.clone());
                added.push(o.value.name.clone());
            }
        }
        if let (false, Some(field)) = (added.is_empty(), field_id) {
            self.schema.changes.push(SchemaChange::AddOptions {
                object: id,
                field,
                options: added,
            });
        }
    }

    /// E0216 unless `name` is an identifier: it names files and API paths.
    fn identifier(&mut self, name: &str, span: Span, what: &str) {
        if !names::is_identifier(name) {
            self.not_an_identifier(name, span, what);
        }
    }

    fn not_an_identifier(&mut self, name: &str, span: Span, what: &str) {
        self.diags.push(
            Diagnostic::new(
                Code::NotAnIdentifier,
                format!("`{name}` is not an identifier, as {what} must be"),
            )
            .primary(span, "names a file or an API path")
            .help(
                "use letters, digits and `_`, starting with a letter or `_` \
                 (at most 63 characters)",
            ),
        );
    }

    fn unknown_object(&mut self, name: &ast::Ident) {
        let help = did_you_mean(&name.name, self.schema.object_names());
        self.diags.push(
            Diagnostic::new(
                Code::UnknownObject,
                format!("unknown object `{}`", name.name),
            )
            .primary(name.span, "not an object of this target")
            .help_opt(help),
        );
    }

    fn field(&mut self, f: &ast::FieldDecl, custom: bool) -> Option<Field> {
        let ty = self.field_type(&f.ty)?;
        let default = f.default.as_ref().map(|d| match d {
            DefaultValue::Literal(l) => literal_text(l),
            DefaultValue::Option(i) => i.name.clone(),
        });
        if let (Some(value), FieldType::Select { options, .. }) = (&default, &ty) {
            if !options.contains(value) {
                let span = match &f.default {
                    Some(DefaultValue::Option(i)) => i.span,
                    _ => f.span,
                };
                self.diags.push(
                    Diagnostic::new(
                        Code::UnknownOption,
                        format!("default `{value}` is not an option of `{}`", f.name.name),
                    )
                    .primary(span, "not an option")
                    .help_opt(did_you_mean(value, options.iter().map(String::as_str))),
                );
            }
        }
        let api = f.api.as_ref().map(|s| s.value.clone()).unwrap_or_else(|| {
            let suffix = self.schema.target.settings.get("relation_suffix");
            match (&ty, suffix) {
                (FieldType::Relation { .. }, Some(sfx)) => format!("{}{sfx}", f.name.name),
                _ => f.name.name.clone(),
            }
        });
        let api_span = f.api.as_ref().map_or(f.name.span, |s| s.span);
        self.identifier(&api, api_span, "a field's api name");
        Some(Field {
            name: f.name.name.clone(),
            api,
            ty,
            required: f.required,
            unique: f
                .unique
                .as_ref()
                .map(|u| u.as_ref().map(|i| i.name.clone())),
            default,
            label: f.label.as_ref().map(|s| s.value.clone()),
            readonly: f.readonly,
            sensitive: f.sensitive,
            custom,
        })
    }

    fn field_type(&mut self, t: &FieldTypeExpr) -> Option<FieldType> {
        Some(match t {
            FieldTypeExpr::Select(opts) | FieldTypeExpr::MultiSelect(opts) => FieldType::Select {
                options: opts.iter().map(|o| o.value.name.clone()).collect(),
                multi: matches!(t, FieldTypeExpr::MultiSelect(_)),
            },
            FieldTypeExpr::Relation(objs) => FieldType::Relation {
                objects: objs.iter().filter_map(|o| self.object_ref(o)).collect(),
            },
            FieldTypeExpr::Links(o) => FieldType::Links {
                object: self.object_ref(o)?,
            },
            FieldTypeExpr::Named(n) => self.named_type(n)?,
        })
    }

    /// An object a relation names; an unknown one is reported.
    fn object_ref(&mut self, name: &ast::Ident) -> Option<ObjectId> {
        let id = self.schema.object_id(&name.name);
        if id.is_none() {
            self.unknown_object(name);
        }
        id
    }

    fn named_type(&mut self, n: &ast::Ident) -> Option<FieldType> {
        if let Some(scalar) = Scalar::from_name(&n.name) {
            return Some(FieldType::Scalar { scalar });
        }
        if self.schema.composites.contains_key(&n.name) {
            return Some(FieldType::Composite {
                name: n.name.clone(),
            });
        }
        let candidates: Vec<&str> = Scalar::NAMES
            .iter()
            .copied()
            .chain(self.schema.composites.keys().map(String::as_str))
            .collect();
        self.diags.push(
            Diagnostic::new(
                Code::UnknownType,
                format!("unknown field type `{}`", n.name),
            )
            .primary(n.span, "not a type of this target")
            .help_opt(did_you_mean(&n.name, candidates)),
        );
        None
    }
}

fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}
